"""A newer DOTS workbook uploaded through the real Data page in a real browser: preview, apply, the new
year's figures in the revision's history (4 series rows more), and the chart's line extended to 2021."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..reference_files import RUSSIA_2021, XLSX, append_year, workbook_bytes
from .conftest import TIMEOUT_MS
from .test_browser import (
    CHART,
    active_revision,
    assert_no_exception,
    eventually,
    grid_rows,
    history_revisions,
    open_app,
    tab,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e
expect.set_options(timeout=TIMEOUT_MS)
SLOW_MS = 120_000  # reading the workbook and planning against 48,630 series rows runs in a worker: seconds, more under load

NEW_ROWS = {"russia-trade-china-2021": "140.00075", "russia-trade-world-2021": "790",
            "russia-trade-share-china-2021": "17.72", "russia-trade-partner-rank-china-2021": "1"}


def numbers(row: list[str]) -> list[int | None]:
    return [int(c.replace(",", "")) if re.fullmatch(r"[0-9][0-9,]*", c) else None for c in row]


def added_series(panel) -> dict[str, str]:
    """series_id -> value in the panel's table of added series rows (once it is drawn), {} if there is none."""
    def read():
        frames = panel.locator("[data-testid=stDataFrame]")
        for i in range(frames.count()):
            rows = grid_rows(frames.nth(i))
            if any(r and r[0] == "russia-trade-china-2021" for r in rows):
                return {r[0]: r[4] for r in rows if len(r) > 4}
        return {}
    return eventually(read, lambda found: len(found) >= len(NEW_ROWS))


def test_a_newer_dots_workbook_previews_applies_and_extends_the_series(page: Page, server):
    # The app's entry point first: on a fresh server, /data as the very first request runs pages/data.py
    # without app.py (Streamlit falls back to the pages/ folder until st.navigation has run once).
    open_app(page, server, "/")
    open_app(page, server, "/data")
    before = active_revision(page)
    revisions = history_revisions(page)

    tab(page, "Upload")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(files=[{
        "name": "DOTS_162-2021.xlsx", "mimeType": XLSX,
        "buffer": workbook_bytes(append_year("2021", RUSSIA_2021))}])
    expect(page.get_by_text("The upload is valid")).to_be_visible(timeout=SLOW_MS)
    assert_no_exception(page, page.url)
    panel = page.locator("[data-testid=stTabPanel]:visible")
    expect(panel.get_by_role("group", name="Retrieved on", exact=True)).to_be_visible()
    expect(panel).to_contain_text("imf-dots-russia (Russia), retrieved")
    expect(panel).to_contain_text("DOTS_162-2021.xlsx → series.csv")
    added = panel.locator("[data-testid=stMetric]").filter(has_text="added")
    expect(added.first.locator("[data-testid=stMetricValue]")).to_have_text("4")
    assert added_series(panel) == NEW_ROWS

    apply = panel.get_by_role("button", name="Apply", exact=True)
    expect(apply).to_be_disabled()  # a message is required first
    box = page.get_by_label("What changed and why")
    box.fill("e2e: Russia's DOTS with 2021")
    box.press("Enter")
    expect(apply).to_be_enabled()
    apply.click()

    new = before + 1
    expect(page.locator("[data-testid=stAlertContentSuccess]").filter(has_text=f"Applied as revision {new}")) \
        .to_be_visible(timeout=SLOW_MS)
    assert_no_exception(page, page.url)
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text(f"Dataset: revision {new}")

    assert history_revisions(page) == [new, *revisions]
    panel = page.locator("[data-testid=stTabPanel]:visible")
    table = grid_rows(panel.locator("[data-testid=stDataFrame]").first)
    now, parent = (next(r for r in table if r[0] == str(i)) for i in (new, before))
    grown = [(a, b) for a, b in zip(numbers(parent), numbers(now)) if a is not None and b is not None and b - a == 4]
    assert grown, f"no table grew by 4 rows: {parent} -> {now}"  # series.csv: 4 rows more
    expect(panel).to_contain_text("series.csv: 4 added, 0 changed, 0 removed")
    assert added_series(panel) == NEW_ROWS  # the revision's added rows, with the new year's values

    # ... and the chart of China–Russia trade now draws Russia's series through 2021, under the claims
    open_app(page, server, "/trade?chart=china-russia-trade")
    wait_for_charts(page)
    lines = series_lines(page)
    assert lines["Russia’s statistics (IMF DOTS)"][-1][0] == "2021"
    assert "$140.00bn" in lines["Russia’s statistics (IMF DOTS)"][-1][1]  # what its hover says
    assert lines["China’s statistics (IMF DOTS)"][-1][0] == "2020"  # China's workbook was not touched


def series_lines(page: Page) -> dict[str, list]:
    """name -> [[x, hover text], ...] of every line trace in the page's drawn plotly chart (what the browser holds)."""
    return page.evaluate(
        """(chart) => { const el = document.querySelector(chart);
                   const out = {};
                   for (const t of el.data) {
                     if ((t.mode || '').includes('lines')) {
                       const hover = Array.from(t.hovertext || []);
                       out[t.name] = Array.from(t.x).map((x, i) => [x, hover[i] || '']);
                     }
                   }
                   return out; }""", CHART)
