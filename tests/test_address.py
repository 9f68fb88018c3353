"""serve.py's pages: Streamlit's own HTML, with the server's root named before Streamlit's script runs
and, on a chart page, plotly's chunk fetched from the start."""

from __future__ import annotations

import pytest

from views._address import HOOK, STATIC, connecting_html, page_paths, plotly_chunk
from views.routes import ROUTES

STREAMLIT_HTML = (STATIC / "index.html").read_text(encoding="utf-8")


def test_the_root_is_named_in_streamlits_own_page_before_its_script():
    html = connecting_html(STREAMLIT_HTML)
    assert html.replace("\n    " + HOOK, "", 1) == STREAMLIT_HTML  # nothing else changes
    assert html.index(HOOK) < html.index('<script type="module"')  # read when Streamlit's bundle starts
    assert "PlotlyChart" not in html


def test_a_chart_page_fetches_streamlits_own_plotly_chunk_at_once():
    chunk = plotly_chunk()
    assert chunk is not None and (STATIC / chunk).is_file(), "Streamlit's plotly chunk was renamed or split"
    html = connecting_html(STREAMLIT_HTML, chunk)
    preload = f'<link rel="modulepreload" crossorigin href="{chunk}">'
    assert html.count(preload) == 1 and html.count(chunk) == 1  # fetched, never imported by the page itself
    assert html.index(HOOK) < html.index(preload) < html.index('<script type="module"')


def test_no_chunk_or_no_single_head_changes_nothing_that_it_cannot(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    assert plotly_chunk(tmp_path) is None  # none: the page simply fetches it when a chart arrives
    for name in ("PlotlyChart.a.js", "PlotlyChart.b.js"):
        (tmp_path / "static" / "js" / name).write_text("")
    assert plotly_chunk(tmp_path) is None  # two: which one the app imports is unknown
    with pytest.raises(ValueError, match="<head>"):
        connecting_html("<html><body></body></html>")


def test_every_page_but_the_overview_is_answered_at_its_address_also_under_a_base_path():
    expected = {f"/{r.key}": r.draws_chart for r in ROUTES if r.key != "overview"}
    assert page_paths() == expected
    assert page_paths("/team/") == page_paths("team") == {f"/team{p}": c for p, c in expected.items()}
    assert [p for p, c in expected.items() if c] == ["/trade", "/security", "/military", "/infrastructure",
                                                     "/other", "/timeline"]
