"""The floor for page speed: a bare one-chart Streamlit page.

What it is: one `st.plotly_chart` of a small plotly figure (explicit template, `theme=None` as the
dashboard's charts use), nothing else: no sidebar, no data loading, no other element. Whatever a
dashboard page costs beyond this is the dashboard's own cost; what this page costs (fetching and
parsing plotly.js, the websocket, one script run) every Streamlit page with a chart pays.

How it is used: `benchmarks/page_speed.py` serves it next to `app.py` and reports every dashboard
page as a ratio to it (goal: <= 1.15x).

Run it by itself (from the repo root) to look at it:

    .venv/bin/python benchmarks/bare_app.py [--quick]      # serves it on 127.0.0.1, prints the URL

which is the same as `.venv/bin/python -m streamlit run benchmarks/bare_app.py --server.headless true
--server.address 127.0.0.1 --browser.gatherUsageStats false` (`--quick` is accepted and ignored: there
is nothing to measure here, page_speed.py measures it).
"""

import plotly.graph_objects as go


def figure() -> go.Figure:
    years = [2010, 2011, 2012, 2013, 2014, 2015, 2016]
    fig = go.Figure(go.Scatter(x=years, y=[59.3, 79.3, 88.2, 89.2, 95.3, 68.0, 69.5], mode="lines+markers",
                               name="trade"))
    fig.update_layout(template="plotly_white", title="A small chart", height=450,
                      xaxis={"tickformat": "d", "dtick": 1}, yaxis={"title": "US$ bn"})
    return fig


def _serve_self() -> None:
    """Plain `python benchmarks/bare_app.py`: serve this file with Streamlit on loopback."""
    import os
    import sys

    cmd = [sys.executable, "-m", "streamlit", "run", os.path.abspath(__file__), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    os.execv(sys.executable, cmd)


try:
    from streamlit import runtime as _runtime

    _under_streamlit = _runtime.exists()
except Exception:  # noqa: BLE001
    _under_streamlit = False

if _under_streamlit:
    import os

    import streamlit as st

    if os.environ.get("BARE_AT_PATH"):
        # A reference, not the floor: the same chart at /chart (a second page, no visible navigation),
        # to see what a non-root URL costs any Streamlit app on a fresh load (page_speed.py prints it).
        st.navigation([st.Page(lambda: None, title="Home", url_path="home", default=True),
                       st.Page(lambda: st.plotly_chart(figure(), theme=None), title="Chart", url_path="chart")],
                      position="hidden").run()
    else:
        st.plotly_chart(figure(), theme=None)
elif __name__ == "__main__":
    _serve_self()
