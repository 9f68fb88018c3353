"""The first screen a briefer would show, in a real browser: a title on every page, headline cards whose
figures and titles are whole at 1400 and 1024 px, nothing fetched from outside the machine, only the
designed navigation (never Streamlit's listing of a folder's raw file names), and every chart of a page
one click away while a page load draws one chart."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from views._plotly import bundle_name

from .conftest import TIMEOUT_MS, VIEWPORT
from .test_browser import (CHART, assert_no_exception, chart_text, first_chart, open_app, rerun_and_settle, settle,
                           wait_for_charts)

pytestmark = pytest.mark.e2e

NAVIGATION = {  # label -> path: the pages app.py declares, and nothing else
    "Overview": "/", "Trade & energy": "/trade", "Security & counter-terrorism": "/security",
    "Military & arms": "/military", "Infrastructure": "/infrastructure", "Other figures": "/other",
    "Timeline": "/timeline", "Inconsistencies": "/inconsistencies", "Sources": "/sources", "Data": "/data",
    "Briefing pack": "/briefing",
}
CHART_PATHS = ["/trade", "/security", "/military", "/infrastructure", "/other", "/timeline"]

# Every sidebar link the page ever renders, from the first frame on (a flash of other links is caught too).
RECORD_NAV = """
(() => {
  const seen = window.__navSeen = new Set();
  const look = () => document.querySelectorAll('[data-testid=stSidebarNavLink]').forEach(a => {
    const label = (a.innerText || '').trim().split('\\n').pop().trim();
    seen.add(label + ' ' + new URL(a.href, location.href).pathname);
  });
  new MutationObserver(look).observe(document, {childList: true, subtree: true, characterData: true});
  document.addEventListener('DOMContentLoaded', look);
})();
"""

# Elements of the headline cards whose text is cut: wider than their box while clipping or ellipsising.
CUT_TEXT = """() => {
  const cut = [];
  for (const card of document.querySelectorAll("[class*='st-key-headline-']")) {
    for (const el of card.querySelectorAll('*')) {
      if (!el.textContent.trim() || el.closest('[data-testid=stTooltipIcon]')) continue;
      const style = getComputedStyle(el);
      const clips = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
      if (clips && el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent.trim().slice(0, 60));
    }
  }
  return cut;
}"""


def local(url: str, base: str) -> bool:
    host = urlparse(url).hostname
    return url.startswith(("data:", "blob:", "about:")) or host in (urlparse(base).hostname, "localhost", "127.0.0.1")


def test_a_fresh_server_shows_only_the_designed_navigation(browser, fresh_server):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_NAV)
        page = context.new_page()
        open_app(page, fresh_server)  # the very first session of this server
        seen = set(page.evaluate("() => [...window.__navSeen]"))
        assert seen == {f"{label} {path}" for label, path in NAVIGATION.items()}, sorted(seen)
    finally:
        context.close()


def test_every_page_has_a_title_and_nothing_is_fetched_from_outside(page: Page, server):
    outside: list[str] = []
    page.on("request", lambda r: None if local(r.url, server) else outside.append(r.url))
    for label, path in NAVIGATION.items():
        open_app(page, server, path)
        if path in CHART_PATHS:
            wait_for_charts(page)
        titles = page.locator("[data-testid=stMain] h1")
        expect(titles).to_have_count(1)
        assert titles.first.inner_text().strip(), f"{path}: an empty title"
        if path != "/":
            assert label.split(" ")[0] in titles.first.inner_text(), (path, titles.first.inner_text())
        icons = page.locator("link[rel*=icon]").evaluate_all("els => els.map(e => e.href)")
        assert icons and all(local(h, server) for h in icons), f"{path}: page icon from outside: {icons}"
        page.wait_for_timeout(300)  # late requests (fonts, icons) of this page
    assert not outside, f"requests leaving the machine: {sorted(set(outside))}"


@pytest.mark.parametrize("width", [1400, 1024])
def test_headline_cards_show_every_figure_and_title_whole(page: Page, server, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 1000})
    open_app(page, server)
    cards = page.locator("[class*='st-key-headline-']")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 4
    page.wait_for_timeout(500)  # web fonts applied: text widths final
    assert page.evaluate(CUT_TEXT) == [], f"cut-off text in the headline cards at {width} px"
    trade = cards.filter(has_text="China–Russia bilateral trade (2015)")
    expect(trade).to_contain_text("$64bn · $69bn")
    expect(cards.filter(has_text="crude")).to_contain_text("37.63 million tonnes")
    out = tmp_path / f"e2e-overview-{width}.png"
    out.unlink(missing_ok=True)
    page.screenshot(path=str(out))


def test_a_chart_page_draws_one_chart_and_every_other_is_one_click_away(page: Page, server):
    open_app(page, server, "/security")
    assert wait_for_charts(page) == 1
    picker = page.locator("[data-testid=stButtonGroup]").first
    options = picker.get_by_role("radio")
    count = options.count()
    assert count >= 5, count
    last = options.nth(count - 1)
    title = last.inner_text().strip()
    rerun_and_settle(page, last.click)
    wait_for_charts(page)
    assert title[:20] in chart_text(first_chart(page), title[:20])
    assert page.locator(CHART).count() == 1
    assert "chart=" in page.url  # the picked chart is in the address, to share it
    open_app(page, server, "/security?" + page.url.split("?", 1)[1])  # the address, opened afresh
    wait_for_charts(page)
    assert title[:20] in chart_text(first_chart(page), title[:20])  # the shared address shows that chart

    rerun_and_settle(page, lambda: page.get_by_role("tab", name="Table", exact=True).click())
    expect(page.locator("[data-testid=stDataFrame]")).to_have_count(1)  # the table, drawn when asked for
    assert_no_exception(page, page.url)
    settle(page)


@pytest.mark.parametrize("path", ["/trade", "/data"])
def test_a_page_at_its_own_address_connects_at_once_and_a_chart_page_fetches_the_basic_plotly_bundle_once(
        browser, server, path):
    """A fresh load of /trade asks the server's root for its health, never /trade/_stcore/… (a 404 and a
    100 ms retry on every load before serve.py named the root); a chart page draws its chart with
    plotly.js's basic bundle, fetched once, and never fetches Streamlit's full plotly chunk (4.7 MB, ~600 ms
    of evaluation); the Data page fetches neither."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(urlparse(r.url).path))
        open_app(page, server, path)
        basic = [p for p in asked if p == f"/app/static/{bundle_name()}"]
        if path == "/trade":
            assert wait_for_charts(page) == 1
            assert len(basic) == 1, basic
        else:
            assert basic == []
        assert not [p for p in asked if p.rsplit("/", 1)[-1].startswith("PlotlyChart.")]
        expect(page.locator("[data-testid=stMain] h1")).to_have_count(1)
        stcore = [p for p in asked if "/_stcore/" in p]
        assert "/_stcore/health" in stcore, stcore
        assert not [p for p in stcore if not p.startswith("/_stcore/")], f"probed under the page's address: {stcore}"
    finally:
        context.close()
