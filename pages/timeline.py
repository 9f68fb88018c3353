"""Timeline: the dated events the articles cite."""

import streamlit as st

from indicators.charts import timeline_figure
from indicators.summaries import events_table
from pages._shell import PLOTLY_CONFIG, app_state

state = app_state()
st.title("Timeline")
since = st.slider("From year", 1890, 2016, 1996, help="Events before this year are hidden from the chart")
st.plotly_chart(timeline_figure(state.dataset, since=since), theme=None, config=PLOTLY_CONFIG, key="timeline")
table = events_table(state.dataset)
st.dataframe(table[table["date"].str[:4].astype(int) >= since][["date", "end_date", "title", "category", "who", "quote", "note"]],
             hide_index=True)
