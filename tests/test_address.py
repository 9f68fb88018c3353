"""serve.py's pages: Streamlit's own HTML, with the server's root named before Streamlit's script runs."""

from __future__ import annotations

import pytest

from views._address import HOOK, STATIC, connecting_html, page_paths
from views.routes import ROUTES

STREAMLIT_HTML = (STATIC / "index.html").read_text(encoding="utf-8")


def test_the_root_is_named_in_streamlits_own_page_before_its_script():
    html = connecting_html(STREAMLIT_HTML)
    assert html.replace("\n    " + HOOK, "", 1) == STREAMLIT_HTML  # nothing else changes
    assert html.index(HOOK) < html.index('<script type="module"')  # read when Streamlit's bundle starts


def test_no_single_head_is_refused():
    with pytest.raises(ValueError, match="<head>"):
        connecting_html("<html><body></body></html>")


def test_every_page_but_the_overview_is_answered_at_its_address_also_under_a_base_path():
    expected = [f"/{r.key}" for r in ROUTES if r.key != "overview"]
    assert page_paths() == expected
    assert page_paths("/team/") == page_paths("team") == [f"/team{p}" for p in expected]
