"""Sources: the ECFR writers, the Chinese authors and bodies they cite, what each contributes."""

import streamlit as st

from indicators.summaries import source_table, writers
from views._shell import app_state, show_table

state = app_state()
st.title("Sources")
st.header("ECFR writers")
show_table(writers(state.dataset), hide_index=True)
st.header("Who claims what")
st.caption("One row per claimant and article: how many figures and events it contributes, and the flags that involve it.")
show_table(source_table(state.dataset, state.result), hide_index=True,
             column_config={"figures": st.column_config.NumberColumn(format="%d"),
                            "flags": st.column_config.NumberColumn(format="%d")})
