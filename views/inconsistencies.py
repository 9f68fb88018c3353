"""Inconsistencies: every flag as a card, with both sides' quotes, the arithmetic and a link to its chart."""

import json

import streamlit as st

from indicators.summaries import VERDICTS, all_authors, charts_of_flag, filter_flags, flag_sides, md
from indicators.schema import Severity
from views._shell import app_state
from views.routes import FILE

ICONS = {"conflict": ":red[:material/error:]", "warning": ":orange[:material/warning:]", "info": ":blue[:material/info:]"}

state = app_state()
st.title("Inconsistencies")
st.caption("Where authors disagree, where a stated change does not match the stated levels, what the figures imply, "
           "targets against outcomes, each claim against the official statistics (IMF DOTS, SIPRI), and editorial notes. Intervals: the values each figure allows as written.")

flags = state.result.flags
c1, c2 = st.columns(2)  # two by two: four filters side by side cut their chips at laptop width
c3, c4 = st.columns(2)
kinds = c1.multiselect("Kind", sorted({f.kind for f in flags}))
severities = c2.multiselect("Severity", [s.value for s in Severity], default=["conflict", "warning"])
authors = c3.multiselect("Author", all_authors(state.dataset))
verdicts = c4.multiselect("Verdict against official statistics", list(VERDICTS),
                          help="reference_check flags: does the claim match IMF DOTS / SIPRI?")
shown = filter_flags(state.dataset, flags, kinds, severities, authors, verdicts)
st.write(f"{len(shown)} of {len(flags)} flags")

for flag in shown:
    with st.container(border=True, key=f"flag-{flag.id}"):
        st.markdown(f"{ICONS[flag.severity.value]} **{md(flag.title)}**")
        st.caption(f"{flag.severity.value} · {flag.kind} · id {flag.id}"
                   + (f" · verdict: {VERDICTS[flag.verdict]}" if flag.verdict else ""))
        st.markdown(md(flag.explanation))
        sides = flag_sides(state.dataset, flag)
        if sides:
            for col, side in zip(st.columns(min(len(sides), 3)), sides[:3]):
                with col:
                    st.markdown(f"**{md(side.figure)}** ({md(side.period)}) — {md(side.who)}")
                    st.markdown(f"> {md(side.quote)}")
                    st.caption(md(side.article))
        if flag.numbers:
            with st.expander("The arithmetic"):
                st.code(json.dumps(flag.numbers, indent=2, ensure_ascii=False), language="json")
        for page, chart_id, title in charts_of_flag(state.dataset, flag):
            st.page_link(FILE[page], label=f"Chart: {md(title)}", icon=":material/show_chart:", query_params={"chart": chart_id})
