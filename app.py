"""Entry point: page config, navigation and the sidebar summary. Nothing else lives here."""

from pathlib import Path

import streamlit as st

from indicators.store import StoreError
from indicators.summaries import flag_counts
from views._shell import database_away, head_state
from views.routes import ROUTES

# The page icon is a file served by this server: a Material icon as page_icon makes the browser fetch it
# from fonts.gstatic.com, which fails offline (the navigation's icons use the font Streamlit serves itself).
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
st.set_page_config(page_title="China–Russia indicators", page_icon=str(ICON), layout="wide")

# One flat list, in the routes' order (overview, the figure pages, then checks and sources): with sections
# (a dict) Streamlit 1.67 puts each section's links in a <div> inside the navigation's <ul> (a list whose
# items have no list, which screen readers announce wrongly; axe-core's `list` and `listitem` rules), and its
# section headers fold their links on a mouse click only (no button, not reachable by keyboard).
page = st.navigation([st.Page(route.file, title=route.title, icon=route.icon, default=route.key == "overview")
                      for route in ROUTES])

try:
    page.run()  # the page first: its chart reaches the browser (which then fetches plotly.js) before the summary
except StoreError as error:  # the database went away in the middle of a page: a sentence, not a traceback
    database_away(error)

state, errors, label = head_state()  # cached: the page above has already loaded and checked the dataset
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
