"""What a user sees in a real browser: every page opens, charts draw, downloads are real files,
uploads preview, apply and show in the history, bad uploads change nothing.

Runs against one `streamlit run app.py` (fixture `server`) with its own revision store, so the
tests that touch the store compare before/after instead of assuming a fresh store.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..conftest import csv_bytes, obs
from views._plotly import CHART_CLASS

from .conftest import TIMEOUT_MS, VIEWPORT

pytestmark = pytest.mark.e2e
expect.set_options(timeout=TIMEOUT_MS)

CHART_PAGES = ["Trade & energy", "Security & counter-terrorism", "Military & arms", "Infrastructure",
               "Other figures", "Timeline"]
CHART = f".{CHART_CLASS}"  # the element views/_plotly.py draws a figure in
CHART_SVG = f"{CHART} .main-svg"
EXCEPTION = "[data-testid=stException]"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NEW_ROW = obs("e2e-trade-2015", "70", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
              quote="Bilateral trade totalled $95 billion in 2014", note="e2e test row")
BAD_ROW = dict(NEW_ROW, obs_id="e2e-bad-2015", value="seventy", period="2015-13")

# --------------------------------------------------------------------------- waiting for Streamlit

# True once the script has finished, the websocket is up and no element is stale, for 400 ms in a row.
_SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const ok = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale=true]');
  if (!ok) { window.__e2eQuietSince = null; return false; }
  if (window.__e2eQuietSince == null) window.__e2eQuietSince = performance.now();
  return performance.now() - window.__e2eQuietSince >= 400;
}"""

# Records whether the script leaves 'notRunning' after the next user action (a rerun started).
_WATCH_RUN = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__e2eRan = false;
  if (window.__e2eWatch) window.__e2eWatch.disconnect();
  window.__e2eWatch = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__e2eRan = true;
  });
  window.__e2eWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def settle(page: Page) -> None:
    page.locator("[data-testid=stApp]").wait_for(state="attached")
    page.evaluate("() => { window.__e2eQuietSince = null; }")
    page.wait_for_function(_SETTLED, polling=100, timeout=TIMEOUT_MS)


def rerun_and_settle(page: Page, action, url: str | None = None) -> None:
    """Do something that reruns the script, then wait until that run is done. A run is known to have
    started when the script state left 'notRunning' or, for a page switch, when the address became `url`
    (Streamlit changes it once the server runs the new page; under load React may batch
    running -> notRunning into one render, so the state alone can be missed)."""
    page.evaluate(_WATCH_RUN)
    action()
    page.wait_for_function(
        "url => window.__e2eRan || (url !== null && location.href.replace(/\\/$/, '') === url.replace(/\\/$/, ''))",
        arg=url, polling=50, timeout=TIMEOUT_MS)
    settle(page)


def open_app(page: Page, base: str, path: str = "/") -> None:
    page.goto(base + path)
    settle(page)
    assert_no_exception(page, path)


def assert_no_exception(page: Page, where: str) -> None:
    shown = page.locator(EXCEPTION)
    assert shown.count() == 0, f"{where}: the app shows an exception:\n{shown.first.inner_text()}"


def wait_for_charts(page: Page) -> int:
    """Every plotly chart on the page has drawn its SVG, text included; returns how many there are."""
    page.wait_for_function(
        """(chart) => { const c = document.querySelectorAll(chart);
                   return c.length > 0 && [...c].every(e => [...e.querySelectorAll('.main-svg')]
                                                              .some(s => s.textContent.trim())); }""",
        arg=CHART, timeout=TIMEOUT_MS)
    expect(page.locator(CHART_SVG).first).to_be_visible()
    return page.locator(CHART).count()


def first_chart(page: Page):
    """The first chart's bordered container (chart, table, sources and its download buttons)."""
    return page.locator("[class*='st-key-chart-']").first


def chart_text(container, *expected: str) -> str:
    """The text drawn in a chart's SVG layers (traces, title, legend, axes, footnote annotation), once it
    holds every `expected` string or the timeout has passed: plotly draws its layers one after another."""
    return eventually(lambda: " ".join(container.locator(CHART_SVG).all_text_contents()),
                      lambda text: all(e in text for e in expected))


def eventually(read, check, timeout_s: float = TIMEOUT_MS / 1000):
    """Poll `read()` until `check(value)` holds; returns the last value either way."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def grid_rows(frame) -> list[list[str]]:
    """The cells of an st.dataframe, row by row, as its accessible grid exposes them (header row excluded)."""
    return frame.evaluate(
        """e => [...e.querySelectorAll('[role=row]')]
                  .map(r => [...r.querySelectorAll('[role=gridcell]')].map(c => c.textContent.trim()))
                  .filter(cells => cells.length > 0)""")


def tab(page: Page, name: str):
    page.get_by_role("tab", name=name, exact=True).click()
    panel = page.locator("[data-testid=stTabPanel]:visible")
    expect(panel).to_have_count(1)
    return panel


def history_revisions(page: Page) -> list[int]:
    """The revision numbers listed in the History tab's table, newest first."""
    panel = tab(page, "History")
    frame = panel.locator("[data-testid=stDataFrame]").first
    expect(frame).to_be_visible()
    rows = eventually(lambda: grid_rows(frame), lambda rows: bool(rows) and all(r and r[0].isdigit() for r in rows))
    assert rows and all(r and r[0].isdigit() for r in rows), f"History table not readable: {rows}"
    return [int(r[0]) for r in rows]


def upload(page: Page, name: str, data: bytes) -> None:
    tab(page, "Upload")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def active_revision(page: Page) -> int:
    caption = page.locator("[data-testid=stSidebar]").get_by_text(re.compile(r"Dataset: revision \d+"))
    expect(caption).to_be_visible()
    return int(re.search(r"Dataset: revision (\d+)", caption.inner_text()).group(1))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, f"not a PNG: starts with {data[:16]!r}"
    assert data[12:16] == b"IHDR", "the first PNG chunk is not IHDR"
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------- the tests

def test_every_page_opens_and_chart_pages_draw_charts(page: Page, server):
    open_app(page, server)
    links = page.locator("[data-testid=stSidebarNavLink]")
    expect(links.first).to_be_visible()
    nav = [(links.nth(i).inner_text().strip().splitlines()[-1].strip(), links.nth(i).get_attribute("href"))
           for i in range(links.count())]
    labels = [label for label, _ in nav]
    assert set(CHART_PAGES) <= set(labels), f"chart pages missing from the navigation: {labels}"
    assert {"Overview", "Inconsistencies", "Sources", "Data"} <= set(labels), labels

    for label, href in nav:
        if page.url.rstrip("/") != href.rstrip("/"):
            rerun_and_settle(page, lambda: page.locator(f'[data-testid=stSidebarNavLink][href="{href}"]').click(), href)
        expect(page).to_have_url(href)
        assert_no_exception(page, label)
        main = page.locator("[data-testid=stMain]")
        assert main.inner_text().strip(), f"{label}: the page is empty"
        if label in CHART_PAGES:
            assert wait_for_charts(page) >= 1, label
            assert_no_exception(page, label)
        if label == "Trade & energy":
            text = chart_text(first_chart(page), "China–Russia bilateral trade", "Source:")
            assert "China–Russia bilateral trade" in text and "Source:" in text, text[:500]


def test_trade_chart_downloads_a_real_png_and_its_csv(page: Page, server, tmp_path):
    open_app(page, server, "/trade")
    wait_for_charts(page)
    chart = first_chart(page)
    assert "China–Russia bilateral trade" in chart_text(chart, "China–Russia bilateral trade")

    png_button = chart.get_by_role("button", name="PNG", exact=True)
    expect(png_button).to_be_enabled()
    with page.expect_download(timeout=60_000) as info:
        png_button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".png"), download.suggested_filename
    png = tmp_path / download.suggested_filename
    download.save_as(png)
    data = png.read_bytes()
    width, height = png_size(data)
    assert width >= 1600 and height >= 900, (width, height)
    assert len(data) > 20_000, len(data)

    with page.expect_download(timeout=60_000) as info:
        chart.get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert "obs_id" in rows[0], rows[0]
    assert any("69" in cell for row in rows[1:] for cell in row), rows
    assert_no_exception(page, page.url)


def test_a_chart_downloads_as_an_editable_powerpoint_slide(page: Page, server, tmp_path):
    """The PPTX button gives a deck whose chart is native (its numbers readable back) with its notes."""
    from pptx import Presentation

    open_app(page, server, "/trade?chart=russia-china-crude-exports")
    wait_for_charts(page)
    chart = first_chart(page)
    with page.expect_download(timeout=60_000) as info:
        chart.get_by_role("button", name="PPTX", exact=True).click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == "russia-china-crude-exports.pptx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    deck = Presentation(str(path))
    slide = deck.slides[1]
    assert slide.shapes.title.text == "Russian crude oil exports to China"
    (frame,) = [s for s in slide.shapes if s.has_chart]
    values = {s.name: dict(zip(frame.chart.plots[0].categories, s.values)) for s in frame.chart.plots[0].series}
    assert values["Zhao Mingwen"]["2015"] == 37.63
    assert round(values["China’s statistics (GACC)"]["2015"], 2) == 42.43
    assert "The largest gap" in slide.notes_slide.notes_text_frame.text
    assert_no_exception(page, page.url)


SVG_SIZE = "(chart) => { const r = document.querySelector(chart + ' .main-svg').getBoundingClientRect(); return [r.width, r.height]; }"


def test_a_chart_follows_its_column_and_can_be_viewed_full_screen_and_back(page: Page, server):
    """What st.plotly_chart offered, kept with plotly.js's basic bundle: the chart fills its column's width as
    the window changes, and the modebar's full-screen button fills the screen with it, then gives it back."""
    open_app(page, server, "/trade?chart=russia-europe-trade")
    wait_for_charts(page)
    width, height = page.evaluate(SVG_SIZE, CHART)
    page.set_viewport_size({"width": 1024, "height": VIEWPORT["height"]})
    page.wait_for_function(f"(chart) => ({SVG_SIZE})(chart)[0] < {width - 200}", arg=CHART, timeout=TIMEOUT_MS)

    page.locator(CHART).hover()
    page.locator(f"{CHART} .modebar-btn[data-title='View full screen']").click()
    page.wait_for_function(f"(chart) => document.fullscreenElement === document.querySelector(chart)"
                           f" && ({SVG_SIZE})(chart)[1] === window.innerHeight", arg=CHART, timeout=TIMEOUT_MS)
    assert page.evaluate(SVG_SIZE, CHART)[0] == 1024
    page.evaluate("() => document.exitFullscreen()")
    page.wait_for_function(f"(chart) => !document.fullscreenElement && ({SVG_SIZE})(chart)[1] === {height}",
                           arg=CHART, timeout=TIMEOUT_MS)
    assert page.evaluate(SVG_SIZE, CHART)[0] < 1024
    assert_no_exception(page, page.url)


def test_invalid_upload_shows_errors_and_changes_nothing(page: Page, server):
    open_app(page, server, "/data")
    before_active = active_revision(page)
    before = history_revisions(page)

    upload(page, "bad.csv", csv_bytes("observations", [BAD_ROW]))
    error = page.locator("[data-testid=stAlertContentError]")
    expect(error).to_contain_text("problem(s) found; nothing was applied")
    panel = page.locator("[data-testid=stTabPanel]:visible")
    table = panel.locator("[data-testid=stDataFrame]")
    expect(table).to_have_count(1)
    rows = eventually(lambda: grid_rows(table), lambda rows: len(rows) >= 2)
    cells = {c for r in rows for c in r}
    assert {"bad.csv", "period", "value", "seventy", "2015-13"} <= cells, rows
    expect(panel.get_by_role("button", name="Apply", exact=True)).to_have_count(0)
    assert_no_exception(page, page.url)

    assert history_revisions(page) == before
    assert active_revision(page) == before_active


def test_valid_upload_previews_applies_and_shows_in_history(page: Page, server):
    open_app(page, server, "/data")
    before = active_revision(page)
    revisions = history_revisions(page)
    assert revisions[0] == before

    upload(page, "mine.csv", csv_bytes("observations", [NEW_ROW]))
    expect(page.get_by_text("The upload is valid")).to_be_visible()
    added = page.locator("[data-testid=stMetric]").filter(has_text="added")
    expect(added.locator("[data-testid=stMetricValue]")).to_have_text("1")
    apply = page.get_by_role("button", name="Apply", exact=True)
    expect(apply).to_be_disabled()  # a message is required first
    message = "e2e: a 2015 trade figure"
    box = page.get_by_label("What changed and why")
    box.fill(message)
    box.press("Enter")
    expect(apply).to_be_enabled()
    apply.click()

    new = before + 1
    expect(page.locator("[data-testid=stAlertContentSuccess]").filter(has_text=f"Applied as revision {new}")).to_be_visible()
    assert_no_exception(page, page.url)
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text(f"Dataset: revision {new}")

    assert history_revisions(page) == [new, *revisions]
    panel = page.locator("[data-testid=stTabPanel]:visible")
    row = next(r for r in grid_rows(panel.locator("[data-testid=stDataFrame]").first) if r[0] == str(new))
    assert message in row, row
    expect(panel.get_by_role("combobox", name="Revision")).to_have_value(f"revision {new} (active)")


def test_full_page_screenshots_for_review(page: Page, server, tmp_path):
    for path, out in (("/trade", str(tmp_path / "e2e-trade.png")),
                      ("/inconsistencies", str(tmp_path / "e2e-inconsistencies.png"))):
        open_app(page, server, path)
        if path == "/trade":
            wait_for_charts(page)
        # Streamlit scrolls inside [data-testid=stMain], not the document: grow the viewport to the
        # content's height so the screenshot holds the whole page.
        height = page.locator("[data-testid=stMain]").evaluate("e => e.scrollHeight")
        page.set_viewport_size({"width": 1400, "height": max(1000, min(height, 30_000))})
        settle(page)
        Path(out).unlink(missing_ok=True)
        page.screenshot(path=out, full_page=True)
        page.set_viewport_size({"width": 1400, "height": 1000})
        assert Path(out).stat().st_size > 0
