"""Wind exports of China Customs uploaded through the real Data page in a real browser: preview, apply, and the
crude chart's China Customs line extended by the year the newer export completes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ..reference_files import WIND_2022, wind_bytes
from .conftest import TIMEOUT_MS
from .test_browser import assert_no_exception, open_app, tab, wait_for_charts
from .test_import_browser import SLOW_MS, series_lines

pytestmark = pytest.mark.e2e
expect.set_options(timeout=TIMEOUT_MS)
LINE = "China’s statistics (GACC)"


def rest_of_2023(lines: list[str]) -> list[str]:
    """March to December 2023 as a newer export would add them (February's figures repeated), spans extended."""
    february = lines[-1].split(",")[1:]
    months = [f"2023-{m:02d}-{d}" for m, d in ((3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30),
                                                (10, 31), (11, 30), (12, 31))]
    at = next(i for i, line in enumerate(lines) if line.startswith("Time Period,"))
    return [*lines[:at], lines[at].replace(":2023-02", ":2023-12"), *lines[at + 1:],
            *(",".join([m, *february]) for m in months)]


def test_wind_exports_uploaded_on_the_data_page_extend_the_crude_chart(page: Page, fresh_server):
    open_app(page, fresh_server, "/trade?chart=russia-china-crude-exports")
    wait_for_charts(page)
    assert series_lines(page)[LINE][-1][0] == "2022"  # the committed exports end in February 2023

    open_app(page, fresh_server, "/data")
    tab(page, "Upload")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(files=[
        {"name": "wind-2022-12.csv", "mimeType": "text/csv", "buffer": wind_bytes(WIND_2022)},
        {"name": "wind-2023-12.csv", "mimeType": "text/csv", "buffer": wind_bytes(edit=rest_of_2023)}])
    expect(page.get_by_text("The upload is valid")).to_be_visible(timeout=SLOW_MS)
    assert_no_exception(page, page.url)
    panel = page.locator("[data-testid=stTabPanel]:visible")
    expect(panel).to_contain_text("china-customs (China), retrieved 2023-03-22")
    box = page.get_by_label("What changed and why")
    box.fill("e2e: China Customs through December 2023")
    box.press("Enter")
    panel.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator("[data-testid=stAlertContentSuccess]").filter(has_text="Applied as revision 1")) \
        .to_be_visible(timeout=SLOW_MS)

    open_app(page, fresh_server, "/trade?chart=russia-china-crude-exports")
    wait_for_charts(page)
    line = series_lines(page)[LINE]
    assert line[-1][0] == "2023"  # twelve months of 2023 now: a year, no longer a part-year
    assert "2015" in [x for x, _ in line] and "42.43" in dict(line)["2015"]
