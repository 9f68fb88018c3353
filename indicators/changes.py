"""What an upload would change: merged tables, row diffs, and the flags it raises or resolves.

Nothing here writes: the store applies a plan's files only after the user has
seen this preview, and recomputes it against the head inside its transaction.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .checks import run_checks
import numpy as np
import pandas as pd

from .csvfile import MAX_ROWS, CsvError, ErrorCode, ParsedTable, frame_of_rows, isin, parse_table
from .dataset import Dataset, combine, duplicate_id_errors
from .loading import parse_files
from .schema import TABLES, CsvRow, Flag, columns

Mode = Literal["merge", "replace"]


def to_csv(table: str, rows: Iterable[CsvRow] | pd.DataFrame) -> bytes:
    """A table's CSV as the store keeps it: the model's columns, cells as validated."""
    frame = rows if isinstance(rows, pd.DataFrame) else frame_of_rows(TABLES[table], rows)
    buf = io.StringIO()
    frame.to_csv(buf, columns=columns(TABLES[table]), index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


@dataclass
class RowChange:
    row_id: str
    fields: dict[str, tuple[str, str]]  # column -> (old, new)


@dataclass
class TableDiff:
    table: str
    file: str
    changed: list[RowChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    _new: pd.DataFrame | None = field(default=None, repr=False)  # the new table's cells
    _added_at: np.ndarray | None = field(default=None, repr=False)  # positions of the added rows in it

    @property
    def added_frame(self) -> pd.DataFrame | None:
        """The added rows' cells (taken when first asked for: a whole-table upload adds them all)."""
        return None if self._new is None else self.added_head(len(self._added_at))

    def added_head(self, n: int) -> pd.DataFrame | None:
        if self._new is None:
            return None
        return self._new.iloc[self._added_at[:n]].reset_index(drop=True)

    @property
    def added(self) -> list[dict[str, str]]:
        frame = self.added_frame
        return [] if frame is None else frame.to_dict("records")

    @property
    def added_count(self) -> int:
        return 0 if self._added_at is None else len(self._added_at)

    @property
    def is_empty(self) -> bool:
        return not (self.added_count or self.changed or self.removed)


def diff_rows(table: str, old: Sequence[CsvRow] | ParsedTable, new: Sequence[CsvRow] | ParsedTable,
              file: str = "") -> TableDiff:
    """Added, changed (cell by cell) and removed rows, compared by id on the cells' text."""
    model = TABLES[table]
    names = columns(model)
    old_frame, new_frame = _frame(model, old)[names], _frame(model, new)[names]
    diff = TableDiff(table, file or f"{table}.csv")
    new_ids, old_ids = new_frame[model.id_column], old_frame[model.id_column]
    is_old = isin(new_ids, old_ids)
    diff._new, diff._added_at = new_frame, np.flatnonzero(~is_old)
    diff.removed = old_ids[~isin(old_ids, new_ids)].tolist()
    before = old_frame.set_index(model.id_column, drop=False)
    after = new_frame.iloc[np.flatnonzero(is_old)].set_index(model.id_column, drop=False)
    common = after.index
    if len(common):
        was, now = before.loc[common, names], after.loc[common, names]
        differs = (was.to_numpy() != now.to_numpy())
        changed = differs.any(axis=1)
        diff.unchanged = int((~changed).sum())
        for i in np.flatnonzero(changed):
            cols = np.flatnonzero(differs[i])
            diff.changed.append(RowChange(str(common[i]), {names[c]: (str(was.iat[i, c]), str(now.iat[i, c])) for c in cols}))
    return diff


def _frame(model: type[CsvRow], rows: Sequence[CsvRow] | ParsedTable | None) -> pd.DataFrame:
    if isinstance(rows, ParsedTable):
        return rows.frame if rows.frame is not None else frame_of_rows(model, [])
    return frame_of_rows(model, rows or [])


def merged_table(current: ParsedTable | None, upload: ParsedTable, mode: Mode) -> ParsedTable:
    """Upsert by id (merge) or take the upload whole (replace); rows keep the file they came from."""
    old, new = (None if current is None else current.frame), upload.frame
    if mode == "replace" or current is None or old is None or new is None or upload.table is None:
        return upload  # (an upload without a table or rows never gets here: plan_upload reports it)
    id_column = TABLES[upload.table].id_column
    kept = ~isin(old[id_column], new[id_column])
    frame = pd.concat([old[kept], new], ignore_index=True)
    out = ParsedTable(upload.table, upload.file, frame=frame, records=upload.records)
    out.lines = np.asarray(current.lines, dtype=np.int64)[kept].tolist() + list(upload.lines)
    out.origins = [current.file + " (current)"] * int(kept.sum()) + (
        upload.origins if upload.origins else [upload.file] * len(upload))
    return out


@dataclass
class UploadPlan:
    mode: Mode
    errors: list[CsvError] = field(default_factory=list)
    raised: list[Flag] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)
    parsed: dict[str, ParsedTable] = field(default_factory=dict, repr=False)  # the new tables, validated
    dataset: Dataset | None = None
    _current: Mapping[str, ParsedTable] = field(default_factory=dict, repr=False)
    _diffs: list[TableDiff] | None = field(default=None, repr=False)
    _current_files: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    _uploaded: tuple[str, ...] = ()
    _upload_files: dict[str, str] = field(default_factory=dict, repr=False)
    _files: dict[str, bytes] | None = field(default=None, repr=False)

    @property
    def diffs(self) -> list[TableDiff]:
        """Per uploaded table: rows added, changed cell by cell, removed (computed when first asked for)."""
        if self._diffs is None:
            self._diffs = [] if not self.ok else [
                diff_rows(t, self._current.get(t) or [], self.parsed[t], self._upload_files[t]) for t in self._uploaded]
        return self._diffs

    @property
    def files(self) -> dict[str, bytes]:
        """The full new content of every table, written when first asked for (validating needs none)."""
        if self._files is None:
            if not self.ok:
                self._files = {}
            else:
                self._files = {t: (self._current_files[t] if t not in self._uploaded else to_csv(t, self.parsed[t].frame))
                               for t in set(self._current_files) | set(self._uploaded)}
        return self._files

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return any(not d.is_empty for d in self.diffs)


def plan_upload(current_files: Mapping[str, bytes], uploads: Sequence[tuple[str, bytes]], mode: Mode,
                flags: bool = True, current: Mapping[str, ParsedTable] | None = None) -> UploadPlan:
    """Validate uploads against the current tables and say exactly what applying them would do.

    `flags=False` skips the engine (the flags raised and resolved): applying needs only the files.
    `current`: the current files already parsed (the CLI has read them), so they are not read twice.
    """
    plan = UploadPlan(mode)
    current = dict(current) if current is not None else parse_files(current_files)
    parsed_uploads: dict[str, ParsedTable] = {}
    for name, content in uploads:
        up = parse_table(name, content)
        if up.table is None:
            plan.errors.extend(up.errors)
            continue
        if up.table in parsed_uploads:
            plan.errors.append(CsvError(name, None, None, None,
                                        f"a second {up.table} file in one upload (the first is {parsed_uploads[up.table].file})",
                                        ErrorCode.file))
            continue
        parsed_uploads[up.table] = up
        plan.errors.extend(up.errors)
    if plan.errors or not parsed_uploads:
        if not parsed_uploads and not plan.errors:
            plan.errors.append(CsvError("(upload)", None, None, None, "no file to apply", ErrorCode.file))
        return plan
    plan.errors.extend(duplicate_id_errors(parsed_uploads))
    if plan.errors:
        return plan
    merged = dict(current)
    for table, up in parsed_uploads.items():
        merged[table] = merged_table(current.get(table), up, mode)
        if len(merged[table]) > MAX_ROWS:
            plan.errors.append(CsvError(up.file, None, None, None,
                                        f"with this upload {table}.csv would hold {len(merged[table]):,} rows; "
                                        f"at most {MAX_ROWS:,} rows per table", ErrorCode.limit))
    if plan.errors:
        return plan
    result = combine(merged, build=flags)
    if not result.ok:
        plan.errors.extend(result.errors)
        return plan
    plan.parsed, plan._current = merged, current
    plan._current_files, plan._uploaded = current_files, tuple(parsed_uploads)
    plan._upload_files = {t: up.file for t, up in parsed_uploads.items()}
    if flags and result.dataset is not None:
        before = combine(current).dataset
        plan.dataset = result.dataset
        old_flags = {f.id: f for f in run_checks(before).flags} if before else {}
        new_flags = {f.id: f for f in run_checks(result.dataset).flags}
        plan.raised = [f for i, f in new_flags.items() if i not in old_flags]
        plan.resolved = [f for i, f in old_flags.items() if i not in new_flags]
    return plan


def preview_upload(current_files: Mapping[str, bytes], uploads: Sequence[tuple[str, bytes]], mode: Mode) -> UploadPlan:
    """What the Data page shows: a plan with its diffs and flags, light enough to send back from a
    worker process (the row models and the tables' text stay behind; applying re-plans anyway)."""
    plan = plan_upload(current_files, uploads, mode)
    plan.diffs  # noqa: B018 - computed here, in the worker
    plan.parsed, plan._current, plan._current_files, plan.dataset, plan._files = {}, {}, {}, None, {}
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


def commit_replanned(store, replan: Callable[[Mapping[str, bytes]], UploadPlan], message: str, editor: str,
                     stale: str):
    """Apply a change as a new revision, re-planned against the head inside the store's transaction.

    The preview a user saw may be stale (someone applied meanwhile): if the change no longer fits
    the head, or changes nothing, nothing is written and ChangeRefused says why (with the errors).
    """
    from .store import ChangeRefused

    def change(_head, head_files):
        fresh = replan(head_files)
        if not fresh.ok:
            raise ChangeRefused(stale, fresh.errors)
        if not fresh.changes_anything:
            raise ChangeRefused("nothing to apply: the upload changes no row of the current data")
        return fresh.files

    return store.commit(change, message, editor)


def with_store(url: str, lock_timeout_s: float | None, work: Callable):
    """work(store) on the store at `url`, its connections closed after: what a worker process runs."""
    from .store import Store

    store = Store(url, lock_timeout_s=lock_timeout_s)
    try:
        return work(store)
    finally:
        store.engine.dispose()


def apply_upload(store, uploads: Sequence[tuple[str, bytes]], mode: Mode, message: str, editor: str):
    """Apply uploads as a new revision (see commit_replanned)."""
    return commit_replanned(store, lambda head_files: plan_upload(head_files, uploads, mode, flags=False), message,
                            editor, "the data changed meanwhile and the upload no longer fits")


def apply_upload_at(url: str, uploads: Sequence[tuple[str, bytes]], mode: Mode, message: str, editor: str,
                    lock_timeout_s: float | None = None):
    """apply_upload on the store at `url` (with the caller's lock timeout): what a worker process runs."""
    return with_store(url, lock_timeout_s, lambda store: apply_upload(store, uploads, mode, message, editor))
