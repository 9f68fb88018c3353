"""Tables from CSV bytes: a folder's files (the canonical data/, an export) or a revision's, by table.

Each file is read on its own by `csvfile`; the checks across tables and the Dataset are
`dataset.combine`'s. Nothing here knows a column: the tables and their files come from `schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .csvfile import CsvError, ErrorCode, ParsedTable, capped, parse_table
from .dataset import LoadResult, combine
from .schema import REQUIRED_TABLES, TABLES


def folder_files(folder: str | Path) -> dict[str, bytes]:
    """Each table's CSV bytes in a folder (the canonical data/ or an export)."""
    folder = Path(folder)
    return {t: (folder / f"{t}.csv").read_bytes() for t in TABLES if (folder / f"{t}.csv").exists()}


def parse_files(files: Mapping[str, bytes]) -> dict[str, ParsedTable]:
    """Each table's file parsed on its own (a key that names no table is left out)."""
    return {t: parse_table(f"{t}.csv", content, t) for t, content in files.items() if t in TABLES}


def load_folder(folder: str | Path, build: bool = True, across: bool = True) -> LoadResult:
    """Every table of a folder, validated; `across=False` leaves the checks across tables to a caller
    that runs them anyway (validating an upload against the folder checks the merged tables)."""
    folder = Path(folder)
    files = folder_files(folder)
    errors = [CsvError(f"{t}.csv", None, None, None, f"missing file {folder / f'{t}.csv'}", ErrorCode.file)
              for t in REQUIRED_TABLES if t not in files]
    parsed = parse_files(files)
    if not across:
        errors += [e for p in parsed.values() for e in p.errors]
        return LoadResult(None, capped(errors), parsed)
    return combine(parsed, errors, build=build)
