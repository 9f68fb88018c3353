"""Inconsistencies: every flag as a card, grouped by finding (most important first), each with its plain
sentence, both sides' quotes, the arithmetic and a link to its chart."""

import json

import streamlit as st

from indicators.summaries import (VERDICT_BADGES, VERDICTS, all_authors, arithmetic_words, charts_of_flag, filter_flags, flag_sides,
                                  grouped_flags, md)
from indicators.schema import Severity
from views._shell import app_state
from views.routes import FILE

ICONS = {"conflict": ":red[:material/error:]", "warning": ":orange[:material/warning:]", "info": ":blue[:material/info:]"}

state = app_state()
st.title("Inconsistencies")
st.caption("What the official statistics (IMF DOTS, SIPRI) say of each claim, where authors disagree, where a stated "
           "change does not match the stated levels, what the figures imply, targets against outcomes, and editorial "
           "notes. Each card's sentence can be pasted into a briefing; the arithmetic is under it.")

flags = state.result.flags
c1, c2 = st.columns(2)  # two by two: four filters side by side cut their chips at laptop width
c3, c4 = st.columns(2)
kinds = c1.multiselect("Kind", sorted({f.kind for f in flags}))
severities = c2.multiselect("Severity", [s.value for s in Severity])
authors = c3.multiselect("Author", all_authors(state.dataset))
verdicts = c4.multiselect("Verdict against official statistics", list(VERDICTS), format_func=VERDICTS.__getitem__,
                          help="What IMF DOTS / SIPRI say of a claim; the method is in the README, "
                               "“How claims are judged”.")
shown = filter_flags(state.dataset, flags, kinds, severities, authors, verdicts)
st.write(f"{len(shown)} of {len(flags)} flags")

for section, members in grouped_flags(shown):
    st.header(f"{section} ({len(members)})")
    for flag in members:
        with st.container(border=True, key=f"flag-{flag.id}"):
            badge = VERDICT_BADGES.get(flag.verdict or "", "")
            st.markdown(f"{ICONS[flag.severity.value]} {badge} **{md(flag.title)}**")
            st.markdown(md(flag.sentence or flag.explanation))
            st.caption(f"{flag.severity.value} · {flag.kind} · id {flag.id}"
                       + (f" · verdict: {flag.verdict}" if flag.verdict else ""))
            sides = flag_sides(state.dataset, flag)
            if sides:
                for col, side in zip(st.columns(min(len(sides), 3)), sides[:3]):
                    with col:
                        st.markdown(f"**{md(side.figure)}** ({md(side.period)}) — {md(side.who)}")
                        st.markdown(f"> {md(side.quote)}")
                        st.caption(md(side.article))
            working = arithmetic_words(flag)
            if flag.numbers or working:
                with st.expander("The arithmetic"):
                    if working:
                        st.markdown(md(working))
                    if flag.numbers:
                        st.code(json.dumps(flag.numbers, indent=2, ensure_ascii=False), language="json")
            for page, chart_id, title in charts_of_flag(state.dataset, flag):
                st.page_link(FILE[page], label=f"Chart: {md(title)}", icon=":material/show_chart:",
                             query_params={"chart": chart_id})
