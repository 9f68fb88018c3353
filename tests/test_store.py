"""Revisions are immutable, concurrent applies both land, a failed apply changes nothing.

Every test that takes `store` runs twice: on SQLite (a file) and on a real PostgreSQL server
(`-m postgres` selects those; see tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time

import pytest

from indicators.changes import apply_upload, parse_files, revision_diff
from indicators.dataset import combine
from indicators.store import ChangeRefused, Store, StoreBusy, StoreUnavailable, database_url, normalise_url

from .conftest import DATA, csv_bytes, obs


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    s.ensure_initialised(DATA)
    yield s
    s.dispose()


def new_obs(obs_id: str, value: str = "70") -> bytes:
    row = obs(obs_id, value, "2015", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
              quote="Bilateral trade totalled $95 billion in 2014")
    return csv_bytes("observations", [row])


def apply(store: Store, uploads, mode="merge", message="test", editor="tester"):
    return apply_upload(store, uploads, mode, message, editor)


def test_the_canonical_folder_is_revision_0_once(store):
    head = store.head()
    assert (head.id, head.kind, head.parent_id) == (0, "canonical", None)
    assert {f.table for f in head.files} == {"sources", "indicators", "observations", "flags", "events", "series", "links", "memberships"}
    assert store.files(0)["observations"] == (DATA / "observations.csv").read_bytes()
    assert store.ensure_initialised(DATA).id == 0 and len(store.history()) == 1


def test_apply_makes_a_new_revision_and_keeps_the_old(store):
    rev = apply(store, [("mine.csv", new_obs("extra-2015"))], message="add one", editor="Ana")
    assert (rev.id, rev.parent_id, rev.message, rev.editor) == (1, 0, "add one", "Ana")
    rows = {f.table: f.rows for f in rev.files}
    assert rows["observations"] == {f.table: f.rows for f in store.revision(0).files}["observations"] + 1
    assert store.files(0)["observations"] == (DATA / "observations.csv").read_bytes()  # untouched
    (diff,) = revision_diff(store.files(0), store.files(1))
    assert [a["obs_id"] for a in diff.added] == ["extra-2015"] and not diff.changed and not diff.removed


def test_revert_is_a_new_revision_and_nothing_is_deleted(store):
    apply(store, [("mine.csv", new_obs("extra-2015"))])
    rev = store.revert(0, "", "Ana")
    assert (rev.id, rev.kind, rev.parent_id) == (2, "revert", 1)
    assert store.files(2) == store.files(0)
    assert [r.id for r in store.history()] == [2, 1, 0]


def test_a_failure_in_the_middle_of_an_apply_leaves_the_previous_revision_active(store, monkeypatch):
    before = store.files(0)
    import indicators.store as module

    calls = {"n": 0}
    real = module.count_rows

    def failing(content):
        calls["n"] += 1
        if calls["n"] == 3:  # after the revision row and two files were written
            raise OSError("disk full")
        return real(content)

    monkeypatch.setattr(module, "count_rows", failing)
    with pytest.raises(OSError):
        apply(store, [("mine.csv", new_obs("extra-2015"))])
    assert store.head().id == 0 and store.files(0) == before and len(store.history()) == 1


def test_an_invalid_change_is_refused_and_writes_nothing(store):
    with pytest.raises(ChangeRefused):
        apply(store, [("mine.csv", new_obs("BAD ID"))])
    assert store.head().id == 0


def test_two_concurrent_applies_from_threads_both_land(store):
    errors = []

    def worker(i):
        try:
            apply(Store(store.url), [(f"u{i}.csv", new_obs(f"extra-{i}"))], message=f"thread {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    dataset = combine(parse_files(store.files(store.head().id))).dataset
    ids = {o.obs_id for o in dataset.rows("observations")}
    assert {"extra-0", "extra-1"} <= ids and store.head().id == 2


def _process_apply(url: str, i: int) -> None:
    apply(Store(url), [(f"p{i}.csv", new_obs(f"proc-{i}"))], message=f"process {i}")


def test_two_concurrent_applies_from_processes_both_land(store):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_apply, args=(store.url, i)) for i in range(2)]
    [p.start() for p in procs]
    [p.join(60) for p in procs]
    assert [p.exitcode for p in procs] == [0, 0]
    dataset = combine(parse_files(store.files(store.head().id))).dataset
    assert {"proc-0", "proc-1"} <= {o.obs_id for o in dataset.rows("observations")}


def test_zip_of_a_revision_holds_its_csvs(store):
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(store.zip(0))).namelist()
    assert sorted(names) == [f"revision-0/{t}.csv" for t in ("events", "flags", "indicators", "links", "memberships", "observations", "series", "sources")]


def test_an_upload_that_no_longer_fits_the_head_is_refused(store):
    """Someone replaced the sources meanwhile: the stale upload's source is gone, nothing is written."""
    from .conftest import csv_bytes, source

    store.commit(lambda _h, files: {**files, "sources": csv_bytes("sources", [source("makocki", "", "Michal Makocki")])},
                 "narrow the sources", "other editor")
    before = store.head().id
    with pytest.raises(ChangeRefused) as refused:
        apply(store, [("mine.csv", new_obs("late-2015"))])
    assert any("unknown source_id 'liu-fenghua-duchatel'" in e.message for e in refused.value.errors)
    assert store.head().id == before


# --------------------------------------------------------------------------- faults


def _killed_midway(url: str, ready) -> None:
    """Apply, and stop for good after the revision row and the first file are written (the parent kills us)."""
    import indicators.store as module

    real = module.count_rows
    calls = {"n": 0}

    def stall(content):
        calls["n"] += 1
        if calls["n"] == 2:
            ready.set()
            time.sleep(120)  # killed here (never inside a multiprocessing primitive: its lock would die held)
        return real(content)

    module.count_rows = stall
    apply(Store(url), [("killed.csv", new_obs("killed-2015"))], message="killed midway")


def test_an_apply_killed_midway_leaves_the_previous_head_and_releases_the_lock(store):
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_killed_midway, args=(store.url, ready))
    proc.start()
    try:
        assert ready.wait(60), "the apply never reached its writes"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
    finally:
        if proc.is_alive():  # pragma: no cover - only if the kill failed
            proc.kill()
    assert proc.exitcode == -signal.SIGKILL
    assert store.head().id == 0 and len(store.history()) == 1
    rev = apply(store, [("after.csv", new_obs("after-2015"))], message="after the kill")  # the lock is free again
    assert (rev.id, rev.parent_id) == (1, 0)
    ids = {o.obs_id for o in combine(parse_files(store.files(1))).dataset.rows("observations")}
    assert "after-2015" in ids and "killed-2015" not in ids


@contextlib.contextmanager
def write_lock_held(url: str):
    """Another writer inside its transaction, holding the store's write lock."""
    other = Store(url)
    with other.engine.connect() as conn, conn.execution_options(write_lock=True).begin():
        if other.engine.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE revisions IN EXCLUSIVE MODE")
        yield
    other.dispose()


def test_an_apply_blocked_past_the_lock_timeout_says_the_database_is_busy_and_writes_nothing(store):
    impatient = Store(store.url, lock_timeout_s=0.5)
    started = time.monotonic()
    with write_lock_held(store.url), pytest.raises(StoreBusy) as busy:
        apply(impatient, [("late.csv", new_obs("late-2015"))])
    assert time.monotonic() - started < 20  # it gave up at its timeout, not never
    assert str(busy.value).startswith("The database is busy: another change held its lock for more than 0.5 s")
    assert "Nothing was changed" in str(busy.value)
    assert store.head().id == 0
    assert apply(impatient, [("late.csv", new_obs("late-2015"))]).id == 1  # once the lock is free it lands
    impatient.dispose()


def _first_use(url: str, barrier) -> None:
    barrier.wait(60)
    Store(url).ensure_initialised(DATA)


def test_several_processes_opening_a_brand_new_database_at_once_all_succeed(db_url):
    """The first page loads of several app processes on an empty database: one revision 0, no 'locked' error."""
    ctx = multiprocessing.get_context("fork")
    for _round in range(2 if db_url.startswith("sqlite") else 1):
        url = db_url if _round == 0 else db_url.replace(".db", f"-{_round}.db")
        barrier = ctx.Barrier(5)
        procs = [ctx.Process(target=_first_use, args=(url, barrier)) for _ in range(5)]
        [p.start() for p in procs]
        [p.join(120) for p in procs]
        assert [p.exitcode for p in procs] == [0] * 5
        history = Store(url).history()
        assert [(r.id, r.kind) for r in history] == [(0, "canonical")]


@pytest.mark.postgres
def test_a_lost_connection_cuts_an_apply_off_and_leaves_the_previous_head(postgres_server, postgres_url, monkeypatch):
    store = Store(postgres_url)
    store.ensure_initialised(DATA)
    dbname = postgres_url.rsplit("/", 1)[1]
    import indicators.store as module

    real = module.count_rows
    calls = {"n": 0}

    def drop_connection_midway(content):
        calls["n"] += 1
        if calls["n"] == 2:  # the revision row and one file are written, not committed
            assert postgres_server.terminate_backends(dbname) >= 1
        return real(content)

    monkeypatch.setattr(module, "count_rows", drop_connection_midway)
    with pytest.raises(StoreUnavailable) as lost:
        apply(store, [("cut.csv", new_obs("cut-2015"))], message="cut off")
    assert "connection was lost while saving the change. Nothing was changed" in str(lost.value)
    monkeypatch.setattr(module, "count_rows", real)
    assert store.head().id == 0 and len(store.history()) == 1  # the same Store recovers at once
    assert apply(store, [("again.csv", new_obs("cut-2015"))], message="again").id == 1
    store.dispose()


@pytest.mark.postgres
def test_a_connection_lost_at_commit_says_the_change_may_or_may_not_be_saved(postgres_server, postgres_url):
    """At COMMIT the client cannot know whether the server committed: the message must not claim either way."""
    from sqlalchemy import event

    store = Store(postgres_url)
    store.ensure_initialised(DATA)
    dbname = postgres_url.rsplit("/", 1)[1]

    def drop_before_commit(_conn):
        postgres_server.terminate_backends(dbname)

    event.listen(store.engine, "commit", drop_before_commit)
    with pytest.raises(StoreUnavailable) as lost:
        apply(store, [("c.csv", new_obs("commit-2015"))], message="at commit")
    event.remove(store.engine, "commit", drop_before_commit)
    assert "may or may not have been saved" in str(lost.value) and "History tab" in str(lost.value)
    assert store.head().id == 0  # here the server had not committed: the History tab would show that
    store.dispose()


@pytest.mark.postgres
def test_a_database_restart_loses_nothing_and_the_store_recovers(postgres_server, postgres_url):
    store = Store(postgres_url)
    store.ensure_initialised(DATA)
    apply(store, [("one.csv", new_obs("one-2015"))], message="before the restart")
    before = [(r.id, r.message) for r in store.history()]
    postgres_server.restart()
    assert [(r.id, r.message) for r in store.history()] == before  # pooled connections replaced, not failed
    postgres_server.stop_server()
    try:
        with pytest.raises(StoreUnavailable) as away:
            store.head_id()
        assert "cannot be reached" in str(away.value) and "indicators@127.0.0.1" in str(away.value)
        with pytest.raises(StoreUnavailable):
            apply(store, [("two.csv", new_obs("two-2015"))], message="while away")
    finally:
        postgres_server.start()
    assert [(r.id, r.message) for r in store.history()] == before
    assert apply(store, [("two.csv", new_obs("two-2015"))], message="after").id == 2
    store.dispose()


# --------------------------------------------------------------------------- configuration


def test_the_url_comes_from_the_environment_then_the_secrets_and_postgresql_means_psycopg_3(monkeypatch):
    monkeypatch.delenv("INDICATORS_DB_URL")
    assert database_url({"db_url": "postgresql://team@db.example/indicators"}) == \
        "postgresql+psycopg://team@db.example/indicators"
    assert database_url({}).startswith("sqlite:///") and database_url({}).endswith("var/indicators.db")
    monkeypatch.setenv("INDICATORS_DB_URL", "postgres://u:secret@h:5433/x")
    assert database_url({"db_url": "sqlite:///elsewhere.db"}) == "postgresql+psycopg://u:secret@h:5433/x"
    assert normalise_url("postgresql+psycopg2://h/x") == "postgresql+psycopg://h/x"
    assert normalise_url("sqlite:///a.db") == "sqlite:///a.db"


def test_an_unreachable_server_is_a_sentence_without_the_password():
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as away:
        Store("postgresql://team:hunter2@127.0.0.1:1/indicators")
    message = str(away.value)
    assert "cannot be reached" in message and "hunter2" not in message and "team:***@127.0.0.1:1" in message
    assert time.monotonic() - started < 30
