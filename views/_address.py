"""Each page's address answers with a page that connects at once.

Streamlit's HTML is the same at every address, and its JavaScript guesses where the server is from the
address, so at `/trade` it first asks `/trade/_stcore/health`, gets a 404, waits 100 ms, then asks
`/_stcore/health`: about 150 ms of every fresh load (measured in benchmarks/page_speed.py). The same
HTML with `window.__streamlit.BACKEND_BASE_URL` set (the hosting hook Streamlit's frontend reads before
it starts) names the server's root, so the first request succeeds. The root is the folder of the
page's address (`/trade` -> `/`, `/base/trade` -> `/base/`), so it holds under `server.baseUrlPath`.

Served only at the pages' own addresses; any other address is Streamlit's as before. If a Streamlit
release stops reading the hook, pages load as they did before, and `tests/e2e/test_first_screen.py`
fails on the probe.
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


def connecting_html(index_html: str) -> str:
    """Streamlit's page with the server's root named before its own script runs (first in <head>)."""
    if index_html.count("<head>") != 1:
        raise ValueError("Streamlit's index.html has no single <head>: cannot name the server's root")
    return index_html.replace("<head>", "<head>\n    " + HOOK, 1)


def page_paths(base_url_path: str = "") -> list[str]:
    """The address of each page but the overview (at the root, it never probes)."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return [f"{base}/{route.key}" for route in ROUTES if route.key != "overview"]


def page_routes(base_url_path: str = "") -> list[BaseRoute]:
    html = connecting_html((STATIC / "index.html").read_text(encoding="utf-8"))
    return [Route(path, _answer(html), methods=["GET", "HEAD"]) for path in page_paths(base_url_path)]


def _answer(html: str):
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})  # as Streamlit serves its HTML
    return page
