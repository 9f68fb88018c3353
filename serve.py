"""The server: `streamlit run serve.py` serves app.py, each page answered at its own address with a
page that connects at once (views/_address.py). `streamlit run app.py` serves the same dashboard,
only each fresh load of a page other than the overview waits about 150 ms longer."""

import streamlit as st
from streamlit import config

from views._address import page_routes

app = st.App("app.py", routes=page_routes(config.get_option("server.baseUrlPath")))
