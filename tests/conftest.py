"""Shared test helpers: the real data folder, the source text, and small synthetic datasets."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Shared, loaded machines: a slow example is not a failure of the property.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

from indicators.dataset import Dataset  # noqa: E402 (after the hypothesis profile)
from indicators.loading import load_folder  # noqa: E402
from indicators.schema import TABLES, columns  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE_TEXT = ROOT.parent / "shared" / "sources" / "china-russia-gaming-the-west.txt"


def csv_bytes(table: str, rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or columns(TABLES[table])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k, "") for k in header})
    return buf.getvalue().encode("utf-8")


def source(source_id: str, claimed_by: str = "", author: str = "Michal Makocki", **kw) -> dict:
    return {
        "source_id": source_id, "claimed_by": claimed_by,
        "claimed_by_type": "analyst" if claimed_by else "ecfr",
        "article": "The Silk Road goes north", "article_author": author,
        "publication": "China Analysis", "publisher": "ECFR", "year": "2016", **kw,
    }


def indicator(indicator_id: str, unit: str = "usd_bn", name: str | None = None, **kw) -> dict:
    return {"indicator_id": indicator_id, "name": name or indicator_id.replace("-", " ").title(),
            "unit": unit, "category": "trade", **kw}


def obs(obs_id: str, value: str | None, period: str = "2015", *, indicator_id: str = "trade",
        entity: str = "China–Russia", measure: str = "level", qualifier: str = "exact",
        source_id: str = "a", quote: str = "a quote long enough", **kw) -> dict:
    return {"obs_id": obs_id, "indicator_id": indicator_id, "entity": entity, "period": period,
            "measure": measure, "value": value or "", "qualifier": qualifier, "source_id": source_id,
            "quote": quote, **kw}


def figures(at) -> list[dict]:
    """The plotly figures an AppTest page draws: those drawn by plotly.js's basic bundle (views/_plotly.py),
    and any drawn by st.plotly_chart."""
    return ([json.loads(el.proto.json)["figure"] for el in at.get("bidi_component")
             if el.proto.component_name == "indicators_chart"]
            + [json.loads(el.proto.spec) for el in at.get("plotly_chart")])


def write_folder(folder: Path, **tables: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        (folder / f"{table}.csv").write_bytes(csv_bytes(table, rows))
    return folder


def make_dataset(tmp_path: Path, observations: list[dict], sources: list[dict] | None = None,
                 indicators: list[dict] | None = None, flags: list[dict] | None = None) -> Dataset:
    tables = {
        "sources": sources or [source("a", "Author A", "Writer One"), source("b", "Author B", "Writer Two"),
                               source("c", "Author C", "Writer Three")],
        "indicators": indicators or [indicator("trade")],
        "observations": observations,
    }
    if flags is not None:
        tables["flags"] = flags
    result = load_folder(write_folder(tmp_path / "data", **tables))
    assert result.ok, [str(e) for e in result.errors]
    return result.dataset


@pytest.fixture(scope="session")
def real():
    result = load_folder(DATA)
    assert result.ok, [str(e) for e in result.errors]
    return result


@pytest.fixture(scope="session")
def source_text() -> str:
    assert SOURCE_TEXT.is_file(), f"the source text is expected beside the clone at {SOURCE_TEXT}"
    return SOURCE_TEXT.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def private_store(tmp_path_factory, monkeypatch):
    """Each test gets its own revision store, so nothing is written under var/."""
    db = tmp_path_factory.mktemp("store") / "indicators.db"
    monkeypatch.setenv("INDICATORS_DB_URL", f"sqlite:///{db}")
    monkeypatch.delenv("INDICATORS_EDITOR_KEY", raising=False)
    monkeypatch.setenv("INDICATORS_OPEN_EDITING", "1")  # the tests' local mode: anyone may apply, said explicitly
    return f"sqlite:///{db}"


# --------------------------------------------------------------------------- PostgreSQL

def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server (Debian's package) in a temporary directory on a free port, for this session.

    Skipped, loudly, only when the server binaries are not installed; in CI (CI=true) that is a failure.
    """
    from benchmarks._postgres import PostgresUnavailable, TempPostgres

    try:
        server = TempPostgres()
    except PostgresUnavailable as exc:
        reason = f"POSTGRESQL TESTS NOT RUN: {exc}"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server.start()
    try:
        yield server
    finally:
        server.stop()


_databases = itertools.count()


@pytest.fixture
def postgres_url(postgres_server, monkeypatch):
    """A fresh, empty database on the session's server; INDICATORS_DB_URL points at it."""
    name = f"test_{os.getpid()}_{next(_databases)}"
    url = postgres_server.create_database(name)
    monkeypatch.setenv("INDICATORS_DB_URL", url)
    try:
        yield url
    finally:
        if not (postgres_server.data / "postmaster.pid").exists():  # a test left it stopped
            postgres_server.start()
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, private_store):
    """The store's URL, once on SQLite (a file) and once on PostgreSQL (a real server)."""
    return private_store if request.param == "sqlite" else request.getfixturevalue("postgres_url")
