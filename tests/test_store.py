"""Revisions are immutable, concurrent applies both land, a failed apply changes nothing."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from indicators.changes import apply_upload, parse_files, revision_diff
from indicators.dataset import combine
from indicators.store import ChangeRefused, Store

from .conftest import DATA, csv_bytes, obs


@pytest.fixture
def store(private_store):
    s = Store(private_store)
    s.ensure_initialised(DATA)
    return s


def new_obs(obs_id: str, value: str = "70") -> bytes:
    row = obs(obs_id, value, "2015", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
              quote="Bilateral trade totalled $95 billion in 2014")
    return csv_bytes("observations", [row])


def apply(store: Store, uploads, mode="merge", message="test", editor="tester"):
    return apply_upload(store, uploads, mode, message, editor)


def test_the_canonical_folder_is_revision_0_once(store):
    head = store.head()
    assert (head.id, head.kind, head.parent_id) == (0, "canonical", None)
    assert {f.table for f in head.files} == {"sources", "indicators", "observations", "flags", "events", "series", "links"}
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
    assert sorted(names) == [f"revision-0/{t}.csv" for t in ("events", "flags", "indicators", "links", "observations", "series", "sources")]


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
