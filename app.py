"""Entry point: page config, navigation and the sidebar summary. Nothing else lives here."""

import streamlit as st

from indicators.store import StoreError
from indicators.summaries import flag_counts
from pages._shell import database_away, head_state

st.set_page_config(page_title="China–Russia indicators", page_icon=":material/query_stats:", layout="wide")

pages = {
    "Overview": [st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True)],
    "Figures": [
        st.Page("pages/trade.py", title="Trade & energy", icon=":material/currency_exchange:"),
        st.Page("pages/security.py", title="Security & counter-terrorism", icon=":material/shield:"),
        st.Page("pages/military.py", title="Military & arms", icon=":material/military_tech:"),
        st.Page("pages/infrastructure.py", title="Infrastructure", icon=":material/train:"),
        st.Page("pages/other.py", title="Other figures", icon=":material/menu_book:"),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    ],
    "Checks & sources": [
        st.Page("pages/inconsistencies.py", title="Inconsistencies", icon=":material/warning:"),
        st.Page("pages/sources.py", title="Sources", icon=":material/groups:"),
        st.Page("pages/data.py", title="Data", icon=":material/table:"),
        st.Page("pages/briefing.py", title="Briefing pack", icon=":material/inventory_2:"),
    ],
}
page = st.navigation(pages)

state, errors, label = head_state()
with st.sidebar:
    st.markdown("**China and Russia: Gaming the West** — figures cited in *China Analysis*, ECFR (2016)")
    if state is None:
        st.error(f"The active dataset is invalid ({len(errors)} error(s)): revert it on the Data page.")
    else:
        counts = state.dataset.counts()
        flags = flag_counts(state.result)
        st.caption(f"Dataset: {state.revision}")
        st.markdown(
            f"{counts['observations']} figures · {counts['sources']} sources · {counts['events']} events  \n"
            f"Open flags: **{flags['conflict']}** conflicts · **{flags['warning']}** warnings · {flags['info']} notes"
        )

try:
    page.run()
except StoreError as error:  # the database went away in the middle of a page: a sentence, not a traceback
    database_away(error)
