"""Immutable revisions of the dataset's CSV files, in SQLite by default or any SQLAlchemy URL.

Every applied upload and every revert is a new revision holding the full content
of every table (stored once per distinct content, by sha256); nothing is ever
updated or deleted. The newest revision is the active one. A change is computed
inside a write transaction from the head it replaces, so two concurrent applies
both land, and a failure half-way leaves the previous head active and intact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

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
from sqlalchemy.engine import Connection, Engine

from .schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'indicators.db'}"

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


class ChangeRefused(Exception):
    """The change computed against the current head is invalid; nothing was written."""

    def __init__(self, message: str, errors: list | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


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
    url = url or os.environ.get("INDICATORS_DB_URL") or DEFAULT_URL
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


def folder_files(folder: str | Path) -> Files:
    folder = Path(folder)
    return {t: (folder / f"{t}.csv").read_bytes() for t in TABLES if (folder / f"{t}.csv").exists()}


class Store:
    def __init__(self, url: str | None = None) -> None:
        self.url = url or os.environ.get("INDICATORS_DB_URL") or DEFAULT_URL
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            _serialise_sqlite_writes(self.engine)
        metadata.create_all(self.engine)

    # ----------------------------------------------------------------- reading

    def head(self) -> Revision | None:
        with self.engine.connect() as conn:
            head_id = conn.execute(select(func.max(revisions.c.id))).scalar()
            return self._revision(conn, head_id) if head_id is not None else None

    def revision(self, revision_id: int) -> Revision:
        with self.engine.connect() as conn:
            rev = self._revision(conn, revision_id)
        if rev is None:
            raise KeyError(f"no revision {revision_id}")
        return rev

    def history(self) -> list[Revision]:
        """Newest first."""
        with self.engine.connect() as conn:
            ids = conn.execute(select(revisions.c.id).order_by(revisions.c.id.desc())).scalars().all()
            return [r for r in (self._revision(conn, i) for i in ids) if r is not None]

    def files(self, revision_id: int) -> Files:
        with self.engine.connect() as conn:
            return self._files(conn, revision_id)

    def zip(self, revision_id: int) -> bytes:
        """A revision's CSV files as a zip, named as the data/ folder names them."""
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for table, content in sorted(self.files(revision_id).items()):
                archive.writestr(f"revision-{revision_id}/{table}.csv", content)
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
        """Compute the new files from the head inside one write transaction, then store them."""
        with self.engine.connect() as conn, conn.execution_options(write_lock=True).begin():
            if self.engine.dialect.name == "postgresql":
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
        assert rev is not None
        return rev

    def revert(self, to_revision: int, message: str, editor: str) -> Revision:
        """A new revision with the content of an earlier one; history is kept."""
        target = self.files(to_revision)
        if not target:
            raise KeyError(f"no revision {to_revision}")
        return self.commit(lambda _h, _f: target, message or f"Revert to revision {to_revision}", editor, kind="revert")


def _serialise_sqlite_writes(engine: Engine) -> None:
    """SQLite: take the write lock when a transaction begins, so read-compute-write is atomic."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - driver plumbing
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        dbapi_connection.execute("PRAGMA busy_timeout = 30000")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - driver plumbing
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write_lock") else "BEGIN")
