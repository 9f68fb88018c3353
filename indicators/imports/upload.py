"""A reference download uploaded on the Data page: planned, previewed and applied like any upload.

`plan_import` is pure: the head's files and the uploaded downloads in, an `UploadPlan` out whose
files are the new series.csv, indicators.csv and sources.csv (only the imported sources' rows
replaced, as `python -m indicators import` does). The preview runs it against the revision the
user sees; `apply_import` runs it again against the head inside the store's transaction, so an
apply never writes a stale snapshot over someone else's revision.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..changes import UploadPlan, commit_replanned, plan_upload, with_store
from ..csvfile import CsvError
from . import TABLES_WRITTEN, import_files, kind_of
from .common import ImportResult

Upload = tuple[str, bytes]
ASKS_RETRIEVED = ("dots", "icsr")
"""Downloads that do not say when they were retrieved: the Data page asks."""


def downloads_in(uploads: Sequence[Upload]) -> dict[str, str]:
    """File name -> 'dots' or 'sipri' for the uploaded files that are reference downloads."""
    return {name: kind for name, data in uploads if (kind := kind_of(name, data)) is not None}


@dataclass
class ImportPreview:
    """What the Data page shows for a download: the plan (diffs, flags, errors) and what was imported."""

    plan: UploadPlan
    imported: list[str] = field(default_factory=list)  # "imf-dots-russia (Russia), retrieved 2024-05-01"
    notes: list[str] = field(default_factory=list)


def read_downloads(uploads: Sequence[Upload], retrieved: str | None) -> ImportResult:
    """Every download of an upload imported; interchange CSVs beside a download are refused with a sentence.

    `retrieved` is the date a DOTS workbook was downloaded (they do not say); SIPRI's register
    says when it was generated, so it is not used there.
    """
    kinds = downloads_in(uploads)
    others = [name for name, _ in uploads if name not in kinds]
    result = ImportResult()
    if not kinds:
        result.errors.append(CsvError("(upload)", None, None, None, "no reference download in this upload: "
                                      "expected an IMF DOTS workbook (.xlsx) or SIPRI's trade register (.csv)"))
        return result
    if others:
        result.errors.append(CsvError(
            others[0], None, None, None,
            f"a reference download ({', '.join(kinds)}) and interchange CSVs ({', '.join(others)}) cannot be applied "
            "in one upload: upload the download on its own, then the CSVs as a separate upload"))
        return result
    if len(set(name for name, _ in uploads)) != len(uploads):
        result.errors.append(CsvError("(upload)", None, None, None, "two uploaded files have the same name"))
        return result
    for kind in dict.fromkeys(kinds.values()):
        files = [(name, data) for name, data in uploads if kinds.get(name) == kind]
        result.extend(import_files(kind, files, retrieved if kind in ASKS_RETRIEVED else None))
    return result


def plan_import(current_files: Mapping[str, bytes], uploads: Sequence[Upload], retrieved: str | None,
                flags: bool = True) -> ImportPreview:
    """The head's files and uploaded downloads -> what applying them would do, and the files to commit.

    The import replaces only the rows of the sources it holds (`merged_files`); the result is
    then validated with every other table like any upload (`plan_upload`, mode replace), so a
    link whose series the new download no longer has is an error, and the flags it raises or
    resolves are computed (unless `flags=False`: applying needs only the files).
    """
    from . import merged_files

    result = read_downloads(uploads, retrieved)
    if not result.ok:
        return ImportPreview(UploadPlan("replace", errors=result.errors), notes=result.notes)
    files, errors = merged_files(current_files, result)
    if errors:
        return ImportPreview(UploadPlan("replace", errors=errors), notes=result.notes)
    changed = [(f"{t}.csv", files[t]) for t in TABLES_WRITTEN if current_files.get(t) != files[t]]
    if not changed:  # byte for byte what is stored: diff one table so the plan says "changes nothing"
        changed = [("series.csv", files["series"])]
    plan = plan_upload(current_files, changed, "replace", flags=flags)
    names = ", ".join(name for name, _ in uploads)
    for diff in plan.diffs:
        diff.file = names
    if plan.ok:  # the tables whose rows change (a table rewritten with the same rows says nothing)
        plan._diffs = [d for d in plan.diffs if not d.is_empty] or plan.diffs[:1]
    imported = [f"{s.source_id} ({s.reporter}), retrieved {s.retrieved}" for s in result.sources]
    return ImportPreview(plan, imported, result.notes)


def preview_import(current_files: Mapping[str, bytes], uploads: Sequence[Upload], retrieved: str | None) -> ImportPreview:
    """plan_import light enough to send back from a worker process (the tables stay behind)."""
    preview = plan_import(current_files, uploads, retrieved)
    plan = preview.plan
    plan.diffs  # noqa: B018 - computed here, in the worker
    plan.parsed, plan._current, plan._current_files, plan.dataset, plan._files = {}, {}, {}, None, {}
    return preview


def apply_import(store, uploads: Sequence[Upload], retrieved: str | None, message: str, editor: str):
    """Apply downloads as one new revision, re-planned against the head inside the store's transaction."""
    return commit_replanned(store, lambda head_files: plan_import(head_files, uploads, retrieved, flags=False).plan,
                            message, editor, "the import does not fit the current data; nothing was applied")


def apply_import_at(url: str, uploads: Sequence[Upload], retrieved: str | None, message: str, editor: str,
                    lock_timeout_s: float | None = None):
    """apply_import on the store at `url`: what a worker process runs."""
    return with_store(url, lock_timeout_s, lambda store: apply_import(store, uploads, retrieved, message, editor))


_SHEET = re.compile(r"^(?P<file>.*)\[(?P<sheet>[^\]]*)\]$")


def error_rows(errors: Sequence[CsvError]) -> list[dict]:
    """Errors as table rows: file, sheet (a workbook's, else empty), row, column, value, message."""
    out = []
    for e in errors:
        match = _SHEET.match(e.file)
        file, sheet = (match["file"], match["sheet"]) if match else (e.file, "")
        out.append({"file": file, "sheet": sheet, "row": e.row, "column": e.column, "value": e.value,
                    "message": e.message})
    return out
