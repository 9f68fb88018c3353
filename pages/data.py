"""Data: every observation in a filterable table, with a CSV download of what is shown."""

import streamlit as st

from indicators import export
from indicators.schema import Observation, describe_columns
from indicators.summaries import filter_observations, observations_table
from pages._shell import app_state

state = app_state()
st.title("Data")
table = observations_table(state.dataset, state.result)
c1, c2, c3 = st.columns(3)
indicators = c1.multiselect("Indicator", sorted(table["indicator"].unique()))
entities = c2.multiselect("Entity", sorted(table["entity"].unique()))
sources = c3.multiselect("Who says it", sorted(table["who"].unique()))
text = st.text_input("Search quotes, notes and names")
shown = filter_observations(table, indicators, entities, sources, text)
st.write(f"{len(shown)} of {len(table)} figures")
st.dataframe(shown, hide_index=True)
st.download_button("Download these rows (CSV)", data=export.to_csv_bytes(shown), file_name="observations-filtered.csv",
                   mime="text/csv", key="dl-filtered", on_click="ignore")
with st.expander("Columns of observations.csv"):
    st.dataframe(describe_columns(Observation), hide_index=True)
