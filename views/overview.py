"""Overview: what the official statistics say about the authors' figures first, then the headline figures
(every source's value side by side) and the flags the statistics do not settle."""

import html

import streamlit as st

from indicators.summaries import FINDINGS_SHOWN, VERDICT_BADGES, findings, findings_summary, flag_counts, headlines, md, top_flags
from views._shell import app_state
from views.routes import FILE

state = app_state()
st.title("China and Russia: Gaming the West — the figures")
st.markdown(
    "Every figure cited in ECFR's *China Analysis* (2016) on the China–Russia relationship, "
    "with who claims it, where, and the exact sentence; checked for disagreements between authors, "
    "for arithmetic that does not add up, and against the official statistics (IMF DOTS trade, SIPRI arms transfers)."
)

st.header("What the official statistics say")
st.caption(md(findings_summary(state.result)))
found = findings(state.result)
for n, flag in enumerate(found[:FINDINGS_SHOWN]):
    with st.container(border=True, key=f"finding-{n}"):
        st.markdown(f"{VERDICT_BADGES[flag.verdict or 'explained']} {md(flag.sentence)}")
if len(found) > FINDINGS_SHOWN:
    st.page_link(FILE["inconsistencies"], label=f"All {len(found)} findings, with quotes and arithmetic",
                 icon=":material/fact_check:")

st.header("Headline figures")
# Not st.metric: it cuts a long label or value to one line ("$64bn · $6…"). Markdown wraps, so every
# figure and title stays readable at any width; the value keeps a large type.
cards = headlines(state.dataset, state.result)
VALUE_STYLE = "font-size:1.75rem;line-height:1.25;margin:0 0 0.25rem 0;overflow-wrap:anywhere"
for start in range(0, len(cards), 4):
    for n, (col, card) in enumerate(zip(st.columns(4), cards[start : start + 4]), start):
        with col.container(border=True, key=f"headline-{n}"):
            st.markdown(f"**{md(card.label)}**",
                        help=md("; ".join(f"{v}: {s}" for v, s in zip(card.values, card.sources))))
            st.markdown(f"<p style='{VALUE_STYLE}'>{html.escape(card.value)}</p>", unsafe_allow_html=True)
            if card.conflict:
                # coloured text, not st.badge: a badge is one line and cut in a narrow card
                st.markdown(f":red[:material/warning: **{len(card.values)} figures: sources disagree**]")
                for title in card.flag_titles[:2]:
                    st.caption(md(title))
            else:
                st.caption(md(" · ".join(card.sources)))
            if card.verdict_line:
                st.caption(":material/fact_check: Official statistics: " + md(card.verdict_line))
            for sentence in card.explained:
                st.caption(":material/info: " + md(sentence))

counts = flag_counts(state.result)
st.header("Flags the statistics do not settle")
st.caption(f"{counts['conflict']} conflicts, {counts['warning']} warnings, {counts['info']} notes in all. "
           "All of them, with quotes and arithmetic, on the Inconsistencies page.")
for flag in top_flags(state.result):
    with st.container(border=True):
        st.markdown(f"**{md(flag.title)}**  \n{md(flag.sentence or flag.explanation)}")
        st.caption(f"{flag.severity.value} · {flag.kind} · {flag.id}")
st.page_link(FILE["inconsistencies"], label="All inconsistencies", icon=":material/warning:")

st.header("What the dashboard holds")
c = state.dataset.counts()
st.markdown(
    f"- {c['observations']} figures of {c['indicators']} indicators, each with its verbatim quote\n"
    f"- {c['sources']} sources: the Chinese authors and bodies, and the ECFR writers who cite them\n"
    f"- {c['events']} dated events, and {c['flags']} editorial notes the arithmetic cannot compute"
)
