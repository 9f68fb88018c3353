"""Timeline: the dated events the articles cite."""

import streamlit as st

from indicators.charts import timeline_figure
from indicators.summaries import events_table
from views._plotly import draw_figure
from views._shell import PLOTLY_CONFIG, app_state, show_table

state = app_state()
st.title("Timeline")
since = st.slider("From year", 1890, 2016, 1996, help="Events before this year are hidden from the chart and the table")
# Lazy tabs: only the open one is sent, so a page load draws the chart and not the table grid too.
chart, events_tab = st.tabs(["Chart", "Events table"], key="timeline-tabs", on_change="rerun")
events = events_table(state.dataset)
events = events[events["date"].str[:4].astype(int) >= since]
if chart.open:
    with chart:
        years = sorted(events["date"].str[:4])
        categories = ", ".join(sorted(events["category"].astype(str).unique()))
        description = (f"Timeline of the {len(events)} dated events the articles cite from {years[0]} to {years[-1]}, "
                       f"one row per category ({categories}); the Events table tab lists each with its dates, "
                       "who states it and the quote."
                       if years else f"No dated event from {since} on.")
        draw_figure(timeline_figure(state.dataset, since=since), key="timeline", config=PLOTLY_CONFIG,
                    description=description)
if events_tab.open:
    with events_tab:
        show_table(events[["date", "end_date", "title", "category", "who", "quote", "note"]], hide_index=True)
