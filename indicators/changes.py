"""What an upload would change: merged tables, row diffs, and the flags it raises or resolves.

Nothing here writes: the store applies a plan's files only after the user has
seen this preview, and recomputes it against the head inside its transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .checks import run_checks
from .dataset import CsvError, Dataset, ParsedTable, combine, parse_table
from .schema import TABLES, CsvRow, Flag, columns

Mode = Literal["merge", "replace"]


def cells(row: CsvRow) -> dict[str, str]:
    """A validated row back as the text of its CSV cells (written precision kept)."""
    out = {}
    for name, value in row.model_dump(mode="json").items():
        if value is None:
            out[name] = ""
        elif isinstance(value, list):
            out[name] = ";".join(map(str, value))
        else:
            out[name] = str(value)
    return out


def to_csv(table: str, rows: Iterable[CsvRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns(TABLES[table]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(cells(row))
    return buf.getvalue().encode("utf-8")


def parse_files(files: Mapping[str, bytes]) -> dict[str, ParsedTable]:
    return {t: parse_table(f"{t}.csv", content, t) for t, content in files.items() if t in TABLES}


@dataclass
class RowChange:
    row_id: str
    fields: dict[str, tuple[str, str]]  # column -> (old, new)


@dataclass
class TableDiff:
    table: str
    file: str
    added: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_rows(table: str, old: Sequence[CsvRow], new: Sequence[CsvRow], file: str = "") -> TableDiff:
    before = {r.row_id: cells(r) for r in old}
    after = {r.row_id: cells(r) for r in new}
    diff = TableDiff(table, file or f"{table}.csv")
    for row_id, now in after.items():
        was = before.get(row_id)
        if was is None:
            diff.added.append(now)
        elif was != now:
            diff.changed.append(RowChange(row_id, {k: (was.get(k, ""), v) for k, v in now.items() if was.get(k, "") != v}))
        else:
            diff.unchanged += 1
    diff.removed = [row_id for row_id in before if row_id not in after]
    return diff


def merged_table(current: ParsedTable | None, upload: ParsedTable, mode: Mode) -> ParsedTable:
    """Upsert by id (merge) or take the upload whole (replace); rows keep the file they came from."""
    if mode == "replace" or current is None:
        return upload
    uploaded = {r.row_id: (r, line) for r, line in zip(upload.rows, upload.lines)}
    out = ParsedTable(upload.table, upload.file, records=upload.records)
    for row, line in zip(current.rows, current.lines):
        if row.row_id in uploaded:
            continue
        out.rows.append(row)
        out.lines.append(line)
        out.origins.append(current.file + " (current)")
    for row, line in zip(upload.rows, upload.lines):
        out.rows.append(row)
        out.lines.append(line)
        out.origins.append(upload.file)
    return out


@dataclass
class UploadPlan:
    mode: Mode
    errors: list[CsvError] = field(default_factory=list)
    diffs: list[TableDiff] = field(default_factory=list)
    raised: list[Flag] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # the full new content of every table
    dataset: Dataset | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return any(not d.is_empty for d in self.diffs)


def plan_upload(current_files: Mapping[str, bytes], uploads: Sequence[tuple[str, bytes]], mode: Mode) -> UploadPlan:
    """Validate uploads against the current tables and say exactly what applying them would do."""
    plan = UploadPlan(mode)
    current = parse_files(current_files)
    parsed_uploads: dict[str, ParsedTable] = {}
    for name, content in uploads:
        up = parse_table(name, content)
        if up.table is None:
            plan.errors.extend(up.errors)
            continue
        if up.table in parsed_uploads:
            plan.errors.append(CsvError(name, None, None, None,
                                        f"a second {up.table} file in one upload (the first is {parsed_uploads[up.table].file})"))
            continue
        parsed_uploads[up.table] = up
        plan.errors.extend(up.errors)
    if plan.errors or not parsed_uploads:
        if not parsed_uploads and not plan.errors:
            plan.errors.append(CsvError("(upload)", None, None, None, "no file to apply"))
        return plan
    duplicates = combine({t: u for t, u in parsed_uploads.items()}, []).errors
    plan.errors.extend(e for e in duplicates if "duplicate" in e.message)
    if plan.errors:
        return plan
    merged = dict(current)
    for table, up in parsed_uploads.items():
        merged[table] = merged_table(current.get(table), up, mode)
    result = combine(merged)
    if not result.ok or result.dataset is None:
        plan.errors.extend(result.errors)
        return plan
    before = combine(current).dataset
    plan.dataset = result.dataset
    for table, up in parsed_uploads.items():
        old = current[table].rows if table in current else []
        plan.diffs.append(diff_rows(table, old, merged[table].rows, up.file))
    plan.files = {t: (current_files[t] if t not in parsed_uploads else to_csv(t, merged[t].rows))
                  for t in set(current_files) | set(parsed_uploads)}
    old_flags = {f.id: f for f in run_checks(before).flags} if before else {}
    new_flags = {f.id: f for f in run_checks(result.dataset).flags}
    plan.raised = [f for i, f in new_flags.items() if i not in old_flags]
    plan.resolved = [f for i, f in old_flags.items() if i not in new_flags]
    return plan


def revision_diff(old_files: Mapping[str, bytes], new_files: Mapping[str, bytes]) -> list[TableDiff]:
    """Row-level differences between two revisions' tables."""
    old, new = parse_files(old_files), parse_files(new_files)
    diffs = []
    for table in TABLES:
        if table in old or table in new:
            d = diff_rows(table, old[table].rows if table in old else [], new[table].rows if table in new else [])
            if not d.is_empty:
                diffs.append(d)
    return diffs


def changed_frame(diff: TableDiff):
    """One row per changed cell: id, column, old, new."""
    import pandas as pd

    return pd.DataFrame(
        [{"id": c.row_id, "column": col, "old": old, "new": new} for c in diff.changed for col, (old, new) in c.fields.items()],
        columns=["id", "column", "old", "new"],
    )


def apply_upload(store, uploads: Sequence[tuple[str, bytes]], mode: Mode, message: str, editor: str):
    """Apply uploads as a new revision, re-planned against the head inside the store's transaction.

    The preview a user saw may be stale (someone applied meanwhile): if the upload no longer
    fits the head, nothing is written and the errors come back in ChangeRefused.
    """
    from .store import ChangeRefused

    def change(_head, head_files):
        fresh = plan_upload(head_files, uploads, mode)
        if not fresh.ok:
            raise ChangeRefused("the data changed meanwhile and the upload no longer fits", fresh.errors)
        return fresh.files

    return store.commit(change, message, editor)
