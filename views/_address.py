"""Each page's address answers with a page that connects at once and, on a chart page, fetches
plotly.js at once.

Streamlit's HTML is the same at every address, and two things in it cost a fresh load of a page
(measured in benchmarks/page_speed.py):
- Its JavaScript guesses where the server is from the address, so at `/trade` it first asks
  `/trade/_stcore/health`, gets a 404, waits 100 ms, then asks `/_stcore/health`: about 150 ms.
  The same HTML with `window.__streamlit.BACKEND_BASE_URL` set (the hosting hook Streamlit's
  frontend reads before it starts) names the server's root, so the first request succeeds. The
  root is the folder of the page's address (`/trade` -> `/`, `/base/trade` -> `/base/`), so it holds
  under `server.baseUrlPath`.
- Plotly's chunk (4.7 MB) is fetched only once a chart element arrives, after the connection and
  the script run. On a page that draws a chart on every load, the HTML fetches it at once
  (`modulepreload`), so the chart element finds it downloaded and compiled (the same URL: one fetch).
  Evaluating it at once as well drew the chart ~50 ms sooner but held the page's first element back
  ~600 ms (its evaluation takes the main thread while the page connects): not done.

Served only at the pages' own addresses; any other address is Streamlit's as before. If a Streamlit
release stops reading the hook or renames the chunk, pages load as they did before, and
`tests/e2e/test_first_screen.py` fails on the probe or the chunk.
"""

from __future__ import annotations

from pathlib import Path

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from views.routes import ROUTES

STATIC = Path(streamlit.__file__).parent / "static"
HOOK = '<script>window.__streamlit = {BACKEND_BASE_URL: new URL(".", window.location.href).href}</script>'


def plotly_chunk(static: Path = STATIC) -> str | None:
    """The relative URL of Streamlit's plotly chart chunk, or None when there is not exactly one."""
    found = sorted((static / "static" / "js").glob("PlotlyChart.*.js"))
    return f"./static/js/{found[0].name}" if len(found) == 1 else None


def connecting_html(index_html: str, chunk: str | None = None) -> str:
    """Streamlit's page with the server's root named before its own script runs (first in <head>);
    with `chunk`, that module fetched at once."""
    if index_html.count("<head>") != 1:
        raise ValueError("Streamlit's index.html has no single <head>: cannot name the server's root")
    head = "<head>\n    " + HOOK
    if chunk:
        head += f'\n    <link rel="modulepreload" crossorigin href="{chunk}">'
    return index_html.replace("<head>", head, 1)


def page_paths(base_url_path: str = "") -> dict[str, bool]:
    """The address of each page but the overview (at the root, it never probes) -> whether it draws a chart."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return {f"{base}/{route.key}": route.draws_chart for route in ROUTES if route.key != "overview"}


def page_routes(base_url_path: str = "") -> list[BaseRoute]:
    index_html = (STATIC / "index.html").read_text(encoding="utf-8")
    chunk = plotly_chunk()
    routes: list[BaseRoute] = []
    for path, draws_chart in page_paths(base_url_path).items():
        routes.append(Route(path, _answer(connecting_html(index_html, chunk if draws_chart else None)),
                            methods=["GET", "HEAD"]))
    return routes


def _answer(html: str):
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})  # as Streamlit serves its HTML
    return page
