"""Two app processes, one PostgreSQL database: what one applies, the other shows on its next page load.

Two real `streamlit run app.py` servers (as behind a team's proxy) share a database on the session's
PostgreSQL server; the browser applies an upload through the first and then loads the second.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..conftest import csv_bytes, obs
from .conftest import streamlit_server
from .test_browser import assert_no_exception, history_revisions, open_app, tab, upload

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

TEAM_ROW = obs("team-e2e-trade-2015", "70", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
               quote="Bilateral trade totalled $95 billion in 2014", note="two servers test row")


@pytest.fixture(scope="module")
def two_servers(postgres_server, tmp_path_factory, chromium):
    """Two Streamlit servers on one PostgreSQL database; yields their base URLs."""
    folder = tmp_path_factory.mktemp("team-servers")
    url = postgres_server.create_database("e2e_team")
    try:
        with streamlit_server(folder, url) as first, streamlit_server(folder, url) as second:
            yield first, second
    finally:
        postgres_server.drop_database("e2e_team")


def figures_shown(page: Page) -> int:
    """How many figures the Data page's table holds: what the cached dataset of the head contains."""
    panel = tab(page, "Observations")
    count = panel.get_by_text(re.compile(r"^\d+ of \d+ figures$"))
    expect(count).to_be_visible()
    return int(count.inner_text().split(" of ")[1].split()[0])


def test_an_upload_applied_through_one_server_shows_on_the_other_on_its_next_page_load(page: Page, two_servers):
    first, second = two_servers
    open_app(page, second, "/data")  # the second server has loaded and cached the head dataset
    figures = figures_shown(page)
    revisions = history_revisions(page)
    before = revisions[0]

    open_app(page, first, "/data")
    assert history_revisions(page) == revisions
    upload(page, "team.csv", csv_bytes("observations", [TEAM_ROW]))
    expect(page.get_by_text("The upload is valid")).to_be_visible()
    box = page.get_by_label("What changed and why")
    box.fill("applied through the first server")
    box.press("Enter")
    apply = page.get_by_role("button", name="Apply", exact=True)
    expect(apply).to_be_enabled()
    apply.click()
    expect(page.locator("[data-testid=stAlertContentSuccess]")
           .filter(has_text=f"Applied as revision {before + 1}")).to_be_visible()

    open_app(page, second, "/data")  # the next page load on the other process
    assert figures_shown(page) == figures + 1
    assert history_revisions(page) == [before + 1, *revisions]
    assert_no_exception(page, "/data on the second server")
