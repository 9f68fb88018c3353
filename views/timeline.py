"""Timeline: the dated events the articles cite."""

import streamlit as st

from indicators import export
from indicators.charts import TIMELINE_ID, timeline_figure
from indicators.describe import timeline_description
from indicators.summaries import events_table
from views._plotly import draw_figure
from views._shell import PLOTLY_CONFIG, app_state, show_table

state = app_state()
st.title("Timeline")
since = st.slider("From year", 1890, 2016, 1996, help="Events before this year are hidden from the chart and the table")
# Lazy tabs: only the open one is sent, so a page load draws the chart and not the table grid too.
chart, events_tab = st.tabs(["Chart", "Events table"], key="timeline-tabs", on_change="rerun")
if chart.open:
    with chart:
        description = (timeline_description(state.dataset, since) + " The Events table tab lists each with its "
                       "dates, who states it and the quote.")
        draw_figure(timeline_figure(state.dataset, since=since), key="timeline", config=PLOTLY_CONFIG,
                    description=description)
st.download_button(
    "PPTX", data=lambda: export.deck_bytes(state.dataset, state.result, [TIMELINE_ID], state.revision),
    file_name="timeline.pptx", mime=export.PPTX_MIME, key="dl-pptx-timeline", on_click="ignore",
    help="A PowerPoint slide: the timeline as an image (PowerPoint has no native chart of dated events) with "
         "its description as alt text, and every event in the speaker notes",
)
if events_tab.open:
    with events_tab:
        events = events_table(state.dataset)
        events = events[events["date"].str[:4].astype(int) >= since]
        show_table(events[["date", "end_date", "title", "category", "who", "quote", "note"]], hide_index=True)
