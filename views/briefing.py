"""Briefing pack: pick charts, download one zip (images, deck.pptx, data.xlsx, a README of citations and
caveats) or the PowerPoint deck alone."""

import streamlit as st

from indicators import export
from indicators.charts import chart_specs
from indicators.summaries import md
from views._shell import app_state

state = app_state()
st.title("Briefing pack")
st.markdown(
    "Pick the charts for a briefing. The zip holds each chart as PNG and SVG (title and source footnote inside "
    "the image), `deck.pptx` (one slide per chart, the chart editable in PowerPoint or LibreOffice, its findings, "
    "quotes and citations in the speaker notes), `data.xlsx` with the figures, full citations and flags, and a "
    "`README.md` describing each chart in words and listing the citations and **every flag that concerns those "
    "charts**, so the caveats travel with the figures. The deck is also offered alone."
)
specs = chart_specs(state.dataset)
titles = {s.id: s.title for s in specs}
chosen = st.multiselect("Charts", list(titles), default=[s.id for s in specs[:1]], format_func=titles.get)
missing = export.image_support()
if missing:
    st.warning(md(missing) + " The pack will hold the data and README without images.")
if chosen:
    st.download_button(
        f"Download briefing pack ({len(chosen)} chart{'s' if len(chosen) > 1 else ''})",
        data=lambda: export.briefing_pack(state.dataset, state.result, list(chosen), state.revision),
        file_name="china-russia-briefing.zip", mime="application/zip", type="primary", key="dl-brief",
        on_click="ignore",
    )
    st.download_button(
        f"Download the deck alone (PowerPoint, {len(chosen)} chart{'s' if len(chosen) > 1 else ''})",
        data=lambda: export.deck_bytes(state.dataset, state.result, list(chosen), state.revision),
        file_name="china-russia-briefing.pptx", mime=export.PPTX_MIME, key="dl-deck", on_click="ignore",
    )
    for chart_id in chosen:
        with st.expander(md(titles[chart_id])):
            st.code(export.cite_chart(state.dataset, chart_id, state.revision), language=None, wrap_lines=True)
else:
    st.info("Pick at least one chart.")
