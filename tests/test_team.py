"""The dashboard on a shared PostgreSQL server: what a user sees when the database goes away and comes back.

(Two real app processes sharing one database are in tests/e2e/test_team_browser.py.)
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicators.store import Store

from .conftest import DATA, ROOT, csv_bytes, obs

pytestmark = pytest.mark.postgres

NEW_ROW = obs("team-trade-2015", "70", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
              quote="Bilateral trade totalled $95 billion in 2014", note="team test row")


def load() -> AppTest:
    """A page load: a new session (a fresh AppTest) on the Overview page."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def data_page_works(at: AppTest) -> bool:
    at.switch_page("views/data.py").run()
    return not at.exception and not at.error and [t.value for t in at.title] == ["Data"]


def sidebar(at) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_the_database_away_shows_a_sentence_and_the_app_recovers_without_losing_a_revision(postgres_server,
                                                                                            postgres_url):
    at = load()
    assert not at.exception and "Dataset: revision 0" in sidebar(at)
    store = Store(postgres_url)
    from indicators.changes import apply_upload

    apply_upload(store, [("m.csv", csv_bytes("observations", [NEW_ROW]))], "merge", "before the outage", "tester")
    postgres_server.stop_server()
    try:
        at.switch_page("views/data.py").run()  # the open session clicks on
        assert not at.exception
        (error,) = at.error
        assert error.value.startswith("The database (postgresql+psycopg://indicators@127.0.0.1:")
        assert "cannot be reached" in error.value and "reload the page in a moment" in error.value
        away = load()  # a new visitor while it is away
        assert not away.exception and "cannot be reached" in away.error[0].value
    finally:
        postgres_server.start()
    back = load()
    assert not back.exception and not back.error and "Dataset: revision 1" in sidebar(back)
    assert data_page_works(back)
    assert [r.message for r in store.history()] == ["before the outage", "Canonical data/ folder"]
    store.dispose()


def test_a_restart_between_two_page_loads_is_not_seen_at_all(postgres_server, postgres_url):
    assert "Dataset: revision 0" in sidebar(load())
    postgres_server.restart()
    at = load()  # its pooled connections died with the old server: replaced at checkout
    assert not at.exception and not at.error and "Dataset: revision 0" in sidebar(at)
    assert data_page_works(at)
    assert Store(postgres_url).ensure_initialised(DATA).id == 0
