"""Immutable revisions of the dataset's CSV files, in SQLite by default or on a PostgreSQL server.

Every applied upload and every revert is a new revision holding the full content
of every table (stored once per distinct content, by sha256); nothing is ever
updated or deleted. The newest revision is the active one. A change is computed
inside a write transaction from the head it replaces, so two concurrent applies
both land (from threads, processes or several app servers sharing one database),
and a failure half-way (an exception, a killed process, a dropped connection)
leaves the previous head active and intact.

What the database cannot do comes back as a `StoreError` whose text is a sentence
for the user: `StoreUnavailable` (the server is away or the connection was lost)
or `StoreBusy` (another write held the lock past the timeout). Reads are retried
across a lost connection; a write cut off by one is not (it did not land).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from . import settings
from .csvfile import CsvError
from .loading import folder_files

ROOT = settings.ROOT
DEFAULT_URL = settings.DEFAULT_DB_URL
LOCK_TIMEOUT_S = settings.DEFAULT_LOCK_TIMEOUT_S  # a write waits this long for another's lock, then StoreBusy
CONNECT_TIMEOUT_S = 5  # PostgreSQL: how long to try to reach the server before StoreUnavailable
READ_ATTEMPTS = 3  # a read is tried this often across lost connections before StoreUnavailable


def database_url(secrets: Mapping | None = None) -> str:
    """INDICATORS_DB_URL, else the app's secrets' db_url, else SQLite under var/; postgresql:// means psycopg 3."""
    url = settings.database_url(secrets)
    return normalise_url(str(url))


_DRIVERS = {"postgresql+psycopg2": "postgresql+psycopg", "postgresql": "postgresql+psycopg",
            "postgres": "postgresql+psycopg"}
_LOCATION = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]*)(:[0-9]{1,5})?(/[^?#@]*)?(\?[^#@]*)?$")
URL_SENTENCE = ("The database URL cannot be read. Write it as postgresql://USER:PASSWORD@HOST:5432/DBNAME, with "
                "any @ / # : ? % in the user name or password percent-encoded (%40 %2F %23 %3A %3F %25).")


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, parsed once, whatever its password holds; psycopg 3 for PostgreSQL.

    SQLAlchemy splits user:password at the first '@', so an unencoded '@', '/' or '#' in a password
    leaked the rest of it into the host and database (and into every message). Here the credentials
    end at the last '@' before a plain host[:port][/database][?query]; anything else is refused.
    """
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+]*", scheme):
        raise DatabaseUrlError(URL_SENTENCE)
    scheme = _DRIVERS.get(scheme, scheme)
    try:
        if "@" not in rest:
            return make_url(f"{scheme}://{rest}")
        credentials, _, location = rest.rpartition("@")
        if not _LOCATION.match(location):
            raise DatabaseUrlError(URL_SENTENCE)
        user, has_password, password = credentials.partition(":")
        userinfo = quote(unquote(user), safe="") + (":" + quote(unquote(password), safe="") if has_password else "")
        return make_url(f"{scheme}://{userinfo}@{location}")
    except DatabaseUrlError:
        raise
    except Exception:  # noqa: BLE001 - SQLAlchemy's own message would repeat the URL
        raise DatabaseUrlError(URL_SENTENCE) from None


def normalise_url(url: str) -> str:
    """The URL parsed once and written back with its credentials percent-encoded, so that every later
    reading (the engine, a worker, a message) sees the same parts; postgresql:// means psycopg 3."""
    if url.startswith("sqlite:"):
        return url
    return parse_url(url).render_as_string(hide_password=False)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs, however the password is written."""
    try:
        parsed = parse_url(url)
        if "password" in parsed.query:  # libpq also takes it as a parameter
            parsed = parsed.update_query_dict({"password": "***"})
        return parsed.render_as_string(hide_password=True)
    except DatabaseUrlError:
        return "(the configured database, whose URL cannot be read)"


metadata = MetaData()
revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # 0 is the canonical data/ folder
    Column("parent_id", Integer, ForeignKey("revisions.id"), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # canonical | upload | revert
    Column("message", Text, nullable=False),
    Column("editor", String(200), nullable=False),
)
blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)
revision_files = Table(
    "revision_files", metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id"), primary_key=True),
    Column("table_name", String(32), primary_key=True),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("rows", Integer, nullable=False),
)


class StoreError(Exception):
    """The database could not do what was asked. str() is one sentence a user can read."""


class DatabaseUrlError(StoreError):
    """The configured database URL cannot be parsed; str() is a sentence that does not repeat it."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached, or the connection was lost mid-way."""


class StoreBusy(StoreError):
    """Another write held the database's lock for longer than the lock timeout."""


def _is_lock_wait(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    text = str(orig or error).lower()
    if "database is locked" in text or "database table is locked" in text:  # SQLite's busy timeout ran out
        return True
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate == "55P03" or (sqlstate == "57014" and "lock timeout" in text)  # PostgreSQL lock_timeout


def _is_disconnect(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    orig = getattr(error, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    # 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
    if sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}:
        return True
    return isinstance(error, sa_exc.OperationalError) and not _is_lock_wait(error) and sqlstate == "" \
        and "sqlite" not in type(orig).__module__


def _translate(error: BaseException, doing: str, url: str, lock_timeout_s: float) -> BaseException:
    """A driver error as a StoreError with a sentence; anything else unchanged."""
    if not isinstance(error, sa_exc.DBAPIError):
        return error
    if _is_lock_wait(error):
        return StoreBusy(f"The database is busy: another change held its lock for more than {lock_timeout_s:g} s "
                         f"while {doing}. Nothing was changed; try again in a moment.")
    if _is_disconnect(error):
        return StoreUnavailable(f"The database ({redacted(url)}) cannot be reached or the connection was lost "
                                f"while {doing}. Nothing was changed; the dashboard works again as soon as the "
                                "database is back — reload the page in a moment.")
    if isinstance(error, sa_exc.OperationalError):  # SQLite: disk I/O error, unable to open the file, …
        detail = str(getattr(error, "orig", error)).splitlines()[0]
        return StoreUnavailable(f"The database ({redacted(url)}) failed while {doing} ({detail}). Nothing was changed.")
    return error


def _reading(doing: str):
    """Run a read, retried across lost connections and lock waits; failures become StoreError."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            for attempt in range(1, READ_ATTEMPTS + 1):
                try:
                    return method(self, *args, **kwargs)
                except sa_exc.DBAPIError as error:
                    translated = _translate(error, doing, self.url, self.lock_timeout_s)
                    if not isinstance(translated, StoreError) or attempt == READ_ATTEMPTS:
                        raise translated from error
                    time.sleep(0.2 * attempt)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate


class ChangeRefused(Exception):
    """The change computed against the current head is invalid; nothing was written."""

    def __init__(self, message: str, errors: list[CsvError] | None = None) -> None:
        super().__init__(message)
        self.errors: list[CsvError] = errors or []

    def __reduce__(self):  # travels back from a worker process with its errors
        return (type(self), (str(self), self.errors))


@dataclass(frozen=True)
class FileInfo:
    table: str
    sha256: str
    rows: int


@dataclass(frozen=True)
class Revision:
    id: int
    parent_id: int | None
    created_at: str
    kind: str
    message: str
    editor: str
    files: tuple[FileInfo, ...]

    @property
    def digest(self) -> str:
        return content_digest({f.table: f.sha256 for f in self.files})

    @property
    def label(self) -> str:
        """How the sidebar, citations, briefing packs and the CLI name this version of the data."""
        return f"revision {self.id} ({self.created_at[:16].replace('T', ' ')} UTC, content {self.digest})"


def content_digest(file_hashes: Mapping[str, str]) -> str:
    """12 hex digits naming a set of tables by content: the same CSVs give the same digest anywhere."""
    digest = hashlib.sha256()
    for table in sorted(file_hashes):
        digest.update(f"{table}:{file_hashes[table]}\n".encode())
    return digest.hexdigest()[:12]


def folder_label(folder: str | Path, url: str | None = None) -> str:
    """The label of a data folder: the stored revision with the same content (newest first), as the
    dashboard names it, or, when no stored revision holds it, the folder and its content digest.
    Reads an existing store only: a SQLite file that does not exist is not created."""
    folder = Path(folder)
    digest = content_digest({t: hashlib.sha256(b).hexdigest() for t, b in folder_files(folder).items()})
    url = url or settings.database_url()
    if not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).is_file():
        try:
            for rev in Store(url).history():
                if rev.digest == digest:
                    return rev.label
        except Exception:  # noqa: BLE001 an unreadable store: fall back to the folder's own name
            pass
    return f"{folder.resolve().name}/ folder, not a stored revision (content {digest})"


Files = dict[str, bytes]


def count_rows(content: bytes) -> int:
    """Data rows of a CSV as a spreadsheet counts them (quoted newlines included)."""
    import csv
    import io

    text = content.decode("utf-8-sig", errors="replace")
    return max(sum(1 for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)) - 1, 0)


class Store:
    """The revisions in one database. URL: the argument, else `database_url()` (INDICATORS_DB_URL or SQLite)."""

    def __init__(self, url: str | None = None, lock_timeout_s: float | None = None) -> None:
        self.url = normalise_url(url) if url else database_url()
        if lock_timeout_s is None:
            lock_timeout_s = settings.lock_timeout_s()
        self.lock_timeout_s = lock_timeout_s
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if self.url.startswith("postgresql"):
            # pool_pre_ping: a connection the server dropped (restart, failover, idle kill) is
            # replaced at checkout instead of failing the next page load.
            self.engine: Engine = create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                                connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        else:
            self.engine = create_engine(self.url)
        if self.engine.dialect.name == "sqlite":
            _serialise_sqlite_writes(self.engine, lock_timeout_s)
        self._create_schema()

    @_reading("creating the tables")
    def _create_schema(self) -> None:
        """Create the tables once, even when several processes open a brand-new database at the same moment."""
        with self.engine.connect() as conn, conn.execution_options(write_lock=True).begin():
            if self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self.lock_timeout_s * 1000)}ms'")
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7243001)")  # one creator at a time
            metadata.create_all(conn)

    def dispose(self) -> None:
        """Close every pooled connection (a Store is otherwise kept for the life of the process)."""
        self.engine.dispose()

    # ----------------------------------------------------------------- reading

    @_reading("reading the active revision")
    def head_id(self) -> int | None:
        """The active revision's id: one indexed query, cheap enough for every page load."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(revisions.c.id))).scalar()

    @_reading("reading the active revision")
    def head(self) -> Revision | None:
        with self.engine.connect() as conn:
            head_id = conn.execute(select(func.max(revisions.c.id))).scalar()
            return self._revision(conn, head_id) if head_id is not None else None

    def revision(self, revision_id: int) -> Revision:
        rev = self._revision_or_none(revision_id)
        if rev is None:
            raise KeyError(f"no revision {revision_id}")
        return rev

    @_reading("reading a revision")
    def _revision_or_none(self, revision_id: int) -> Revision | None:
        with self.engine.connect() as conn:
            return self._revision(conn, revision_id)

    @_reading("reading the history")
    def history(self) -> list[Revision]:
        """Newest first."""
        with self.engine.connect() as conn:
            ids = conn.execute(select(revisions.c.id).order_by(revisions.c.id.desc())).scalars().all()
            return [r for r in (self._revision(conn, i) for i in ids) if r is not None]

    @_reading("reading a revision's files")
    def files(self, revision_id: int) -> Files:
        """A revision's tables; KeyError for a revision that does not exist (never an empty set)."""
        with self.engine.connect() as conn:
            if self._revision(conn, revision_id) is None:
                raise KeyError(f"no revision {revision_id}")
            return self._files(conn, revision_id)

    def zip(self, revision_id: int) -> bytes:
        """A revision's CSV files as a zip, named as the data/ folder names them, formula-neutral like every
        download: a cell a spreadsheet would run ('=HYPERLINK(…)' from an imported name) gets a leading
        apostrophe. The database keeps the cells as written (a dump is the exact copy)."""
        import io
        import zipfile

        from .sheets import neutral_csv

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for table, content in sorted(self.files(revision_id).items()):
                archive.writestr(f"revision-{revision_id}/{table}.csv", neutral_csv(content))
        return buf.getvalue()

    def _revision(self, conn: Connection, revision_id: int) -> Revision | None:
        row = conn.execute(select(revisions).where(revisions.c.id == revision_id)).mappings().first()
        if row is None:
            return None
        infos = conn.execute(
            select(revision_files).where(revision_files.c.revision_id == revision_id)
            .order_by(revision_files.c.table_name)
        ).mappings().all()
        return Revision(row["id"], row["parent_id"], row["created_at"], row["kind"], row["message"], row["editor"],
                        tuple(FileInfo(i["table_name"], i["sha256"], i["rows"]) for i in infos))

    def _files(self, conn: Connection, revision_id: int) -> Files:
        rows = conn.execute(
            select(revision_files.c.table_name, blobs.c.content)
            .join(blobs, blobs.c.sha256 == revision_files.c.sha256)
            .where(revision_files.c.revision_id == revision_id)
        ).all()
        return {name: bytes(content) for name, content in rows}

    # ----------------------------------------------------------------- writing

    def ensure_initialised(self, data_dir: str | Path) -> Revision:
        """The canonical data/ folder becomes revision 0 the first time."""
        head = self.head()
        if head is not None:
            return head
        return self.commit(lambda _head, _files: folder_files(data_dir), "Canonical data/ folder", "data/",
                           kind="canonical", only_if_empty=True)

    def commit(
        self,
        change: Callable[[Revision | None, Files], Mapping[str, bytes]],
        message: str,
        editor: str,
        kind: str = "upload",
        only_if_empty: bool = False,
    ) -> Revision:
        """Compute the new files from the head inside one write transaction, then store them.

        Not retried on a lost connection: the transaction did not commit, the head is unchanged,
        and the StoreUnavailable says so (the user applies again when the database is back).
        """
        phase = {"committing": False}
        try:
            return self._commit(change, message, editor, kind, only_if_empty, phase)
        except sa_exc.DBAPIError as error:
            if phase["committing"] and _is_disconnect(error):
                # The server may have committed before the connection broke: do not claim either way.
                raise StoreUnavailable(
                    f"The connection to the database ({redacted(self.url)}) was lost just as the change was being "
                    "confirmed, so it may or may not have been saved: reload the page when the database is back "
                    "and look at the History tab before applying again.") from error
            raise _translate(error, "saving the change", self.url, self.lock_timeout_s) from error

    def _commit(self, change, message: str, editor: str, kind: str, only_if_empty: bool, phase: dict) -> Revision:
        with self.engine.connect() as conn, conn.execution_options(write_lock=True).begin():
            if self.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self.lock_timeout_s * 1000)}ms'")
                conn.exec_driver_sql("LOCK TABLE revisions IN EXCLUSIVE MODE")
            head_id = conn.execute(select(func.max(revisions.c.id))).scalar()
            if only_if_empty and head_id is not None:
                existing = self._revision(conn, head_id)
                assert existing is not None
                return existing
            head = self._revision(conn, head_id) if head_id is not None else None
            current = self._files(conn, head_id) if head_id is not None else {}
            new_files = dict(change(head, current))  # may raise ChangeRefused: the transaction rolls back
            now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            new_id = 0 if head_id is None else head_id + 1  # the write lock is held: ids are ours to number
            conn.execute(
                insert(revisions).values(id=new_id, parent_id=head_id, created_at=now, kind=kind,
                                         message=message.strip() or "(no message)", editor=editor.strip() or "anonymous")
            )
            for table, content in sorted(new_files.items()):
                digest = hashlib.sha256(content).hexdigest()
                if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == digest)).first() is None:
                    conn.execute(insert(blobs).values(sha256=digest, content=content))
                conn.execute(insert(revision_files).values(revision_id=new_id, table_name=table, sha256=digest,
                                                           rows=count_rows(content)))
            rev = self._revision(conn, new_id)
            phase["committing"] = True  # leaving the block sends COMMIT
        assert rev is not None
        return rev

    def revert(self, to_revision: int, message: str, editor: str) -> Revision:
        """A new revision with the content of an earlier one; history is kept."""
        target = self.files(to_revision)
        if not target:
            raise KeyError(f"no revision {to_revision}")
        return self.commit(lambda _h, _f: target, message or f"Revert to revision {to_revision}", editor, kind="revert")


def _serialise_sqlite_writes(engine: Engine, lock_timeout_s: float) -> None:
    """SQLite: take the write lock when a transaction begins, so read-compute-write is atomic."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - driver plumbing
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(lock_timeout_s * 1000)}")
        _wal(dbapi_connection, lock_timeout_s)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - driver plumbing
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write_lock") else "BEGIN")


def _wal(dbapi_connection, lock_timeout_s: float) -> None:
    """Switch a database to WAL. On a brand-new file, processes opening it at once race for this switch
    and SQLite answers 'database is locked' without waiting: retry until the lock timeout."""
    import sqlite3

    deadline = time.monotonic() + lock_timeout_s
    delay = 0.01
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
