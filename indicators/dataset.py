"""Read the interchange CSVs into a validated Dataset, or say precisely what is wrong.

Every problem becomes a CsvError naming file, spreadsheet row, column, the value
and what was expected; all of them are collected, none raises. Rules come from
`schema`; this module only reads text and reports.
"""

from __future__ import annotations

import csv
import difflib
import io
import warnings
from collections import Counter
from enum import StrEnum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import types
import typing

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .fastpath import row_builder, suspect_rows
from .schema import (
    EditorialFlag,
    Event,
    REQUIRED_TABLES,
    TABLES,
    UNIT_RULES,
    ColumnRuleError,
    CsvRow,
    Indicator,
    Measure,
    Observation,
    SeriesLink,
    SeriesValue,
    Source,
    SourceKind,
    columns,
    number_text,
    references,
)


def _plain_type(model: type[CsvRow], column: str) -> object:
    annotation = model.model_fields[column].annotation
    while typing.get_origin(annotation) in (typing.Annotated, typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = members[0]
    return annotation

MAX_ROWS = 200_000
"""Rows one file may hold; a larger upload is refused before validation."""

MAX_CELL_CHARS = 100_000
"""A longer cell is a broken file (a missing quote swallowing the rest), not data."""

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class ErrorCode(StrEnum):
    """What kind of problem an error is: callers and tests match on this, never on the wording."""

    file = "file"  # not a CSV at all: empty, binary, a workbook, missing
    encoding = "encoding"  # not UTF-8
    header = "header"  # delimiter, unknown / missing / repeated columns, unrecognised table
    structure = "structure"  # a row's shape: cells beyond the header, broken quoting
    limit = "limit"  # too many rows, lines, columns or errors
    cell = "cell"  # one cell against its column's rule
    row_rule = "row_rule"  # a rule across cells of one row
    duplicate_id = "duplicate_id"
    foreign_key = "foreign_key"  # a reference to an id another table does not hold
    unit_range = "unit_range"  # a figure its indicator's unit does not allow
    quote_missing = "quote_missing"  # provenance: a quote not in the source text or not stating its figure
    workbook = "workbook"  # a reference download's layout (sheet, title block, years)


@dataclass(frozen=True)
class CsvError:
    file: str
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    column: str | None
    value: str | None
    message: str
    code: ErrorCode = ErrorCode.cell
    level: str = "error"  # error | note (a note never makes a file invalid)

    def __str__(self) -> str:
        return f"{self.file}:{self.row if self.row is not None else '-'}:{self.column or '-'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message, "code": self.code.value, "level": self.level}


@dataclass
class ParsedTable:
    """One file's valid rows, their spreadsheet row numbers, and its errors.

    Valid rows are kept as a frame of their cells' text (stripped, '' for empty,
    one column per model field); the row models are built only when something asks
    for them, so validating, merging, diffing and writing a large upload stay cheap.
    """

    table: str | None
    file: str
    frame: pd.DataFrame | None = field(default=None, repr=False)
    lines: list[int] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)
    records: int = 0  # data records read, valid or not
    origins: list[str] = field(default_factory=list)  # per row, when rows of several files were merged
    _rows: list[CsvRow] | None = field(default=None, repr=False)
    _checked: dict[int, CsvRow] = field(default_factory=dict, repr=False)  # rows Pydantic already built

    def __post_init__(self) -> None:
        if self.frame is None and self.table in TABLES:
            self.frame = empty_frame(TABLES[self.table])

    def __len__(self) -> int:
        return 0 if self.frame is None else len(self.frame)

    @property
    def rows(self) -> list[CsvRow]:
        if self._rows is None:
            self._rows = build_rows(TABLES[self.table], self.frame, self._checked) if self.table in TABLES else []
        return self._rows

    def file_of(self, index: int) -> str:
        return self.origins[index] if self.origins else self.file

    def model_is_list(self, column: str) -> bool:
        return self.table in TABLES and typing.get_origin(_plain_type(TABLES[self.table], column)) is list

    def located(self):
        """(row, spreadsheet line, file it came from) for every valid row."""
        return ((r, line, self.file_of(i)) for i, (r, line) in enumerate(zip(self.rows, self.lines)))


def isin(cells: pd.Series, values: pd.Series | pd.Index) -> np.ndarray:
    """Membership of string cells in a set of strings, in Arrow (pandas' own isin is 20x slower)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(cells):
        return np.zeros(0, dtype=bool)
    def as_text(x):
        try:
            return pa.array(x).cast(pa.large_string())  # Arrow-backed columns: no copy to Python
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            return pa.array(np.asarray(x, dtype=object), type=pa.large_string())

    found = pc.is_in(as_text(cells), value_set=as_text(values))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def empty_frame(model: type[CsvRow]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns(model)})


def build_rows(model: type[CsvRow], frame: pd.DataFrame | None, checked: Mapping[int, CsvRow] | None = None) -> list[CsvRow]:
    """Row models from cells the column checks passed (positions in `checked` are already built)."""
    if frame is None or not len(frame):
        return []
    checked = checked or {}
    names = columns(model)
    columns_ = [frame[h].tolist() for h in names]  # Arrow to Python per column, not per cell
    make = row_builder(model) or model.model_validate
    return [checked.get(i) or make(dict(zip(names, cells))) for i, cells in enumerate(zip(*columns_))]


def cells(row: CsvRow) -> dict[str, str]:
    """A validated row back as the text of its CSV cells (written precision kept, never '1.2E-7')."""
    out = {}
    for name, value in row.model_dump(mode="json").items():
        if value is None:
            out[name] = ""
        elif isinstance(value, list):
            out[name] = ";".join(map(str, value))
        else:
            out[name] = str(value)
    return out


def frame_of_rows(model: type[CsvRow], rows: Iterable[CsvRow]) -> pd.DataFrame:
    records = [cells(r) for r in rows]
    if not records:
        return empty_frame(model)
    return pd.DataFrame.from_records(records, columns=columns(model))


# --------------------------------------------------------------------------- bytes -> text

def _precheck(file: str, data: bytes) -> CsvError | None:
    """Files that are not a UTF-8 CSV at all, told apart by their first bytes."""
    def fail(message: str) -> CsvError:
        return CsvError(file, None, None, None, message, ErrorCode.file)

    if not data or data.isspace():
        return fail("the file is empty: expected a header line and rows")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("the file is UTF-16; save it as 'CSV UTF-8 (comma delimited)'")
    if data.startswith(b"PK\x03\x04"):
        return fail("this is an Excel workbook or a zip, not a CSV; save it as 'CSV UTF-8 (comma delimited)'")
    if b"\x00" in data:
        return fail("this is a binary file (it contains NUL bytes), not a CSV")
    return None


def _decode(file: str, data: bytes) -> tuple[str | None, CsvError | None]:
    def fail(message: str, row: int | None = None) -> tuple[None, CsvError]:
        return None, CsvError(file, row, None, None, message, ErrorCode.encoding)

    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        return fail(
            f"the file is not UTF-8 (byte 0x{byte} on line {line}); "
            "save it as 'CSV UTF-8 (comma delimited)'",
            row=line,
        )


def _header_problem(file: str, first_line: str) -> CsvError | None:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    found = max(counts, key=counts.get)
    if counts[","] == 0 and counts[found] > 0:
        return CsvError(
            file, 1, None, first_line[:80],
            f"the columns are separated by {DELIMITERS[found]}s ({found!r}); expected commas", ErrorCode.header,
        )
    return None


def recognise_table(header: Iterable[str]) -> str | None:
    """Which table a header belongs to: the one whose columns it shares most."""
    names = {h.strip().lower() for h in header} - {""}
    if not names:
        return None

    def score(table: str) -> tuple[float, float]:
        expected = set(columns(TABLES[table]))
        shared = len(names & expected)
        return shared / len(names), shared / len(names | expected)

    best = max(TABLES, key=score)
    return best if score(best)[0] >= 0.5 else None


def _header_errors(file: str, header: list[str], model: type[CsvRow]) -> list[CsvError]:
    expected = columns(model)
    errors = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(CsvError(file, 1, name, name, f"column {name!r} appears twice", ErrorCode.header))
        seen.add(name)
    unknown = [h for h in header if h not in expected]
    absent = [c for c in expected if c not in header]
    missing = [c for c in absent if model.model_fields[c].is_required()]  # an absent optional column is empty
    for name in unknown[:MAX_HINTS]:
        close = difflib.get_close_matches(name, absent or expected, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        errors.append(CsvError(file, 1, name or None, name, f"unknown column {name!r}{hint}", ErrorCode.header))
    for name in missing:
        errors.append(
            CsvError(file, 1, name, None, f"missing column {name!r}; expected the header: {','.join(expected)}",
                     ErrorCode.header)
        )
    return errors


# --------------------------------------------------------------------------- pydantic -> plain words

def _plain_errors(file: str, row: int, model: type[CsvRow], raw: dict[str, str], exc: ValidationError) -> list[CsvError]:
    out = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ()
        column = str(loc[0]) if loc else None
        cause = (err.get("ctx") or {}).get("error")
        code = ErrorCode.cell
        if isinstance(cause, ColumnRuleError):
            column, message, code = cause.column, str(cause), ErrorCode.row_rule
        else:
            message = _plain_message(model, column, err)
        value = raw.get(column) if column else None
        out.append(CsvError(file, row, column, value, message, code))
    return out


def _plain_message(model: type[CsvRow], column: str | None, err: dict[str, Any]) -> str:
    kind = err["type"]
    info = model.model_fields.get(column) if column else None
    what = info.description if info and info.description else None
    if kind == "missing":
        return f"required: {what}" if what else "required"
    if kind == "string_pattern_mismatch" and what:
        return f"expected {what}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown column"
    return str(err["msg"])


# --------------------------------------------------------------------------- one file

def parse_table(file: str, data: bytes, table: str | None = None, max_rows: int = MAX_ROWS) -> ParsedTable:
    """Validate one CSV's bytes; the table is recognised from the header if not given."""
    problem = _precheck(file, data)
    if problem:
        return ParsedTable(table, file, errors=[problem])
    end = data.find(b"\n")
    try:
        first_line = data[: end if end >= 0 else len(data)].decode("utf-8-sig").strip("\r")
    except UnicodeDecodeError:
        return ParsedTable(table, file, errors=[_decode(file, data)[1]])  # type: ignore[list-item]
    problem = _header_problem(file, first_line)
    if problem:
        return ParsedTable(table, file, errors=[problem])
    result = ParsedTable(table, file)
    try:
        header = [h.strip() for h in next(csv.reader([first_line]))]
        while header and not header[-1]:
            header.pop()  # a trailing comma on the header line names no column
    except (csv.Error, StopIteration) as exc:
        result.errors.append(CsvError(file, 1, None, None, f"unreadable header: {exc}", ErrorCode.header))
        return result
    if result.table is None:
        result.table = recognise_table(header)
        if result.table is None:
            expected = "; ".join(f"{t}: {','.join(columns(m))}" for t, m in TABLES.items())
            result.errors.append(
                CsvError(file, 1, None, ",".join(header)[:200], f"unrecognised header; expected one of — {expected}",
                         ErrorCode.header)
            )
            return result
    model = TABLES[result.table]
    if len(header) > 4 * len(columns(model)):
        result.errors.append(CsvError(file, 1, None, ",".join(header)[:200],
                                      f"the header has {len(header):,} columns; expected the {result.table} header: "
                                      f"{','.join(columns(model))}", ErrorCode.limit))
        return result
    header = [h if h in model.model_fields else h.lower() for h in header]
    result.errors.extend(_header_errors(file, header, model))
    if result.errors:
        return result
    lines = data.count(b"\n") + 1
    if lines > max_lines(max_rows):
        result.errors.append(CsvError(file, None, None, None, f"the file has {lines:,} lines; at most {max_rows:,} rows "
                                                              f"per file ({max_lines(max_rows):,} lines with blank ones)",
                                      ErrorCode.limit))
        return result
    if _needs_row_reader(data) or not _validate_columns(result, data, header, model, max_rows):
        _validate_rows(result, data, header, model, max_rows)
    if result.records == 0 and not result.errors:
        result.errors.append(CsvError(file, None, None, None, "the file has a header but no rows", ErrorCode.file))
    result.errors = capped(result.errors)
    return result


MAX_ERRORS = 1_000
"""Errors listed per file; the rest are counted in one last line."""


def capped(errors: list[CsvError], limit: int | None = None) -> list[CsvError]:
    limit = MAX_ERRORS if limit is None else limit
    if len(errors) <= limit:
        return errors
    rest = len(errors) - limit
    by_file = Counter(e.file for e in errors[limit:])
    where = ", ".join(f"{n:,} in {f}" for f, n in by_file.most_common(5))
    return errors[:limit] + [CsvError(errors[limit].file, None, None, None,
                                      f"… and {rest:,} more errors ({where}); fix these first", ErrorCode.limit)]


def max_lines(max_rows: int) -> int:
    return 2 * max_rows + 1_000


_LONG_LINE = 20_000
_DELIMITING = np.array([ord(","), ord("\n"), ord("\r"), ord('"')], dtype=np.uint8)


def _stray_quote(data: bytes) -> bool:
    """A quote with text on both sides ('"China"Russia', 'a"b'): the C reader would glue or misread it."""
    if b'"' not in data:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    quotes = quotes[(quotes > 0) & (quotes < len(raw) - 1)]
    return bool((~np.isin(raw[quotes - 1], _DELIMITING) & ~np.isin(raw[quotes + 1], _DELIMITING)).any())


def _needs_row_reader(data: bytes) -> bool:
    """Files whose structure the fast reader would get wrong or slowly: Python's strict csv reads them.

    Text after a closing quote ('"China"Russia' would silently become 'ChinaRussia'); a line
    with thousands of cells (the C tokenizer's cost per extra cell is high); separators
    Python's str.strip() removes and Pydantic's does not.
    """
    if any(c in data for c in _STRIP_MISMATCH) or _stray_quote(data):
        return True
    if len(data) < _LONG_LINE:
        return False
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    for i in np.flatnonzero(stops - starts > _LONG_LINE):
        if data.count(b",", int(starts[i]), int(stops[i])) > _LONG_LINE // 10:
            return True
    return False


# Characters Python's str.strip() removes and Pydantic's does not: such files take the row-by-row path.
_STRIP_MISMATCH = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")
_EXTRA = "\x00extra"


def _validate_columns(result: ParsedTable, data: bytes, header: list[str], model: type[CsvRow], max_rows: int) -> bool:
    """The fast path; False when the file's structure needs the row-by-row reader's messages."""
    file = result.file
    try:
        with warnings.catch_warnings():
            # more cells than names: pandas would drop them (or make them an index); the row reader says so
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(data), header=None, skiprows=1, names=[*header, _EXTRA], dtype=str, na_filter=False,
                keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig", engine="c", index_col=False,
            )
    except UnicodeDecodeError:
        result.errors.append(_decode(file, data)[1])  # type: ignore[arg-type]
        return True
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error, OverflowError):
        return False
    compiled_strip = model.model_config.get("str_strip_whitespace", False)
    for name in frame.columns:
        column = frame[name]
        frame[name] = column.str.strip() if compiled_strip else column
    filled = np.zeros(len(frame), dtype=bool)
    for name in header:
        filled |= (frame[name] != "").to_numpy()
    extra = (frame[_EXTRA] != "").to_numpy()
    record = filled | extra
    line_of = np.arange(len(frame)) + 2  # the header is row 1
    records = int(record.sum())
    if records > max_rows:
        over = line_of[np.flatnonzero(record)[max_rows]]
        result.records = records
        result.errors.append(CsvError(file, int(over), None, None, f"too many rows: at most {max_rows:,} rows per file",
                                      ErrorCode.limit))
        return True
    result.records = records
    for line in line_of[extra]:
        result.errors.append(CsvError(file, int(line), None, None,
                                      f"expected {len(header)} cells, found more (an unquoted comma inside a cell?)",
                                      ErrorCode.structure))
    keep = filled & ~extra
    frame = frame[header] if keep.all() else frame.loc[keep, header].reset_index(drop=True)
    for name in columns(model):
        if name not in frame.columns:
            frame[name] = ""  # an optional column the header leaves out
    lines = line_of[keep]
    suspects = suspect_rows(model, frame)
    checked: dict[int, CsvRow] = {}
    rejected = np.zeros(len(frame), dtype=bool)
    suspect_index = np.flatnonzero(suspects)
    for i, raw in zip(suspect_index, frame.iloc[suspect_index].to_dict("records")):
        try:
            checked[int(i)] = model.model_validate(raw)
        except ValidationError as exc:
            rejected[i] = True
            result.errors.extend(_plain_errors(file, int(lines[i]), model, raw, exc))
    valid = np.flatnonzero(~rejected)
    result.lines = lines[valid].tolist()
    position = {int(i): n for n, i in enumerate(valid)}
    result._checked = {position[i]: row for i, row in checked.items() if i in position}
    kept = frame if len(valid) == len(frame) else frame.iloc[valid].reset_index(drop=True)
    result.frame = kept[columns(model)]
    return True


def _validate_rows(result: ParsedTable, data: bytes, header: list[str], model: type[CsvRow], max_rows: int) -> None:
    """Row by row with Python's csv reader: exact messages for files whose structure is broken."""
    file = result.file
    text, problem = _decode(file, data)
    if problem:
        result.errors.append(problem)
        return
    assert text is not None
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    result.records, result.lines = 0, []
    rows: list[CsvRow] = []
    row = 1
    try:
        next(reader)
        for cells in reader:
            row += 1
            if not any(c.strip() for c in cells):
                continue  # spreadsheets leave blank rows at the end
            result.records += 1
            if result.records > max_rows:
                result.errors.append(
                    CsvError(file, row, None, None, f"too many rows: at most {max_rows:,} rows per file", ErrorCode.limit)
                )
                break
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                result.errors.append(
                    CsvError(file, row, None, None, f"expected {len(header)} cells, found {len(cells)} "
                                                    "(an unquoted comma inside a cell?)", ErrorCode.structure)
                )
                continue
            cells = (cells + [""] * len(header))[: len(header)]  # missing trailing cells are empty
            raw = dict(zip(header, cells))
            try:
                rows.append(model.model_validate(raw))
                result.lines.append(row)
            except ValidationError as exc:
                result.errors.extend(_plain_errors(file, row, model, raw, exc))
    except csv.Error as exc:
        message = str(exc)
        if "expected after" in message:
            message = ('text follows a closing quote: a quoted cell ends at its closing quote and the next comma; '
                       'put the whole cell in quotes and double each quote inside it ("""China"" Russia")')
        result.errors.append(CsvError(file, row + 1, None, None, f"unreadable CSV: {message}", ErrorCode.structure))
    result.frame, result._rows = frame_of_rows(model, rows), rows


# --------------------------------------------------------------------------- the dataset


@dataclass(frozen=True)
class Dataset:
    """The validated tables: models for exact values, frames for tables and charts."""

    tables: Mapping[str, tuple[CsvRow, ...]]

    def rows(self, table: str) -> tuple[CsvRow, ...]:
        return self.tables.get(table, ())

    @cached_property
    def by_id(self) -> dict[str, dict[str, CsvRow]]:
        return {t: {r.row_id: r for r in self.rows(t)} for t in TABLES}

    # Typed views of the tables: each table holds rows of its own model, so one cast here spares
    # every caller an isinstance check or a type: ignore.

    @property
    def source_rows(self) -> tuple[Source, ...]:
        return cast("tuple[Source, ...]", self.rows("sources"))

    @property
    def indicator_rows(self) -> tuple[Indicator, ...]:
        return cast("tuple[Indicator, ...]", self.rows("indicators"))

    @property
    def observation_rows(self) -> tuple[Observation, ...]:
        return cast("tuple[Observation, ...]", self.rows("observations"))

    @property
    def flag_rows(self) -> tuple[EditorialFlag, ...]:
        return cast("tuple[EditorialFlag, ...]", self.rows("flags"))

    @property
    def event_rows(self) -> tuple[Event, ...]:
        return cast("tuple[Event, ...]", self.rows("events"))

    @property
    def series_rows(self) -> tuple[SeriesValue, ...]:
        return cast("tuple[SeriesValue, ...]", self.rows("series"))

    @property
    def link_rows(self) -> tuple[SeriesLink, ...]:
        return cast("tuple[SeriesLink, ...]", self.rows("links"))

    @property
    def sources_by_id(self) -> dict[str, Source]:
        return cast("dict[str, Source]", self.by_id["sources"])

    @property
    def indicators_by_id(self) -> dict[str, Indicator]:
        return cast("dict[str, Indicator]", self.by_id["indicators"])

    @property
    def observations_by_id(self) -> dict[str, Observation]:
        return cast("dict[str, Observation]", self.by_id["observations"])

    def observation(self, obs_id: str) -> Observation:
        return self.observations_by_id[obs_id]

    def source(self, source_id: str) -> Source:
        return self.sources_by_id[source_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self.indicators_by_id[indicator_id]

    def frame(self, table: str) -> pd.DataFrame:
        return self._frames[table].copy()

    @cached_property
    def _frames(self) -> dict[str, pd.DataFrame]:
        return {t: _to_frame(TABLES[t], self.rows(t)) for t in TABLES}

    @property
    def observations(self) -> pd.DataFrame:
        return self.frame("observations")

    @property
    def sources(self) -> pd.DataFrame:
        return self.frame("sources")

    @property
    def indicators(self) -> pd.DataFrame:
        return self.frame("indicators")

    @property
    def flags(self) -> pd.DataFrame:
        return self.frame("flags")

    @property
    def events(self) -> pd.DataFrame:
        return self.frame("events")

    @property
    def series(self) -> pd.DataFrame:
        return self.frame("series")

    @property
    def links(self) -> pd.DataFrame:
        return self.frame("links")

    def counts(self) -> dict[str, int]:
        return {t: len(self.rows(t)) for t in TABLES}


def _to_frame(model: type[CsvRow], rows: Iterable[CsvRow]) -> pd.DataFrame:
    records = []
    for r in rows:
        rec = r.model_dump(mode="python")
        for k, v in rec.items():
            if isinstance(v, Decimal):
                rec[k] = float(v)
            elif hasattr(v, "value") and not isinstance(v, (list, tuple)):
                rec[k] = v.value  # enums as their codes
            elif isinstance(v, list):
                rec[k] = ";".join(v)
        records.append(rec)
    return pd.DataFrame.from_records(records, columns=columns(model))


@dataclass
class LoadResult:
    dataset: Dataset | None
    errors: list[CsvError]
    parsed: dict[str, ParsedTable]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {t: len(p) for t, p in self.parsed.items()}


def folder_files(folder: str | Path) -> dict[str, bytes]:
    """Each table's CSV bytes in a folder (the canonical data/ or an export)."""
    folder = Path(folder)
    return {t: (folder / f"{t}.csv").read_bytes() for t in TABLES if (folder / f"{t}.csv").exists()}


def load_folder(folder: str | Path, build: bool = True) -> LoadResult:
    folder = Path(folder)
    parsed: dict[str, ParsedTable] = {}
    errors: list[CsvError] = []
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            if table in REQUIRED_TABLES:
                errors.append(CsvError(path.name, None, None, None, f"missing file {path}", ErrorCode.file))
            continue
        parsed[table] = parse_table(path.name, path.read_bytes(), table)
    return combine(parsed, errors, build=build)


def combine(parsed: Mapping[str, ParsedTable], errors: list[CsvError] | None = None, build: bool = True) -> LoadResult:
    """Row errors of every file plus the cross-table checks; a Dataset (row models) only when
    all is clean and `build` asks for one."""
    errors = list(errors or [])
    for table in TABLES:
        if table in parsed:
            errors.extend(parsed[table].errors)
    errors.extend(cross_table_errors(parsed))
    if errors:
        return LoadResult(None, capped(errors), dict(parsed))
    dataset = Dataset({t: tuple(p.rows) for t, p in parsed.items()}) if build else None
    return LoadResult(dataset, [], dict(parsed))


MAX_HINTS = 100
"""'did you mean' suggestions per check: each compares with every id, so they are bounded."""


def duplicate_id_errors(parsed: Mapping[str, ParsedTable]) -> list[CsvError]:
    errors: list[CsvError] = []
    _ids(parsed, errors)
    return errors


def cross_table_errors(parsed: Mapping[str, ParsedTable]) -> list[CsvError]:
    """Duplicate ids, dangling references, and units that make no sense for a measure.

    Whole columns at a time: the cost grows with the rows, whatever their shape.
    """
    errors: list[CsvError] = []
    ids = _ids(parsed, errors)
    _references(parsed, ids, errors)
    if "observations" in parsed and "indicators" in parsed:
        errors.extend(_unit_errors_of(parsed["observations"], parsed["indicators"]))
    if "series" in parsed:
        errors.extend(_series_errors(parsed))
    if "links" in parsed:
        errors.extend(_link_errors(parsed))
    return errors


def _ids(parsed: Mapping[str, ParsedTable], errors: list[CsvError]) -> dict[str, pd.Index]:
    """Each table's ids; a repeated id is an error naming the row of its first use."""
    ids: dict[str, pd.Index] = {}
    for table, p in parsed.items():
        if table not in TABLES or p.frame is None:
            continue
        model = TABLES[table]
        column = p.frame[model.id_column]
        repeated = column.duplicated(keep="first").to_numpy()
        lines = np.asarray(p.lines, dtype=np.int64)
        if repeated.any():
            first_line = dict(zip(column[~repeated], lines[~repeated]))
            for i in np.flatnonzero(repeated):
                key = column.iat[i]
                errors.append(CsvError(p.file_of(int(i)), int(lines[i]), model.id_column, key,
                                       f"duplicate {model.id_column} {key!r} (first at row {first_line[key]})",
                                       ErrorCode.duplicate_id))
        ids[table] = pd.Index(column[~repeated])
    return ids


def _references(parsed: Mapping[str, ParsedTable], ids: Mapping[str, pd.Index], errors: list[CsvError]) -> None:
    """Every column the models declare with `refers_to` holds ids of that table."""
    hints = [0]

    def dangling(p: ParsedTable, column: str, target: str) -> None:
        cells = p.frame[column]
        if p.model_is_list(column):
            cells = cells.str.split(";").explode().str.strip()
        known = isin(cells, ids[target]) | (cells == "").to_numpy()
        unknown = cells[~known]
        for i, value in zip(unknown.index, unknown):
            hint = ""
            if hints[0] < MAX_HINTS:
                hints[0] += 1
                close = difflib.get_close_matches(value, ids[target].tolist(), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
            errors.append(CsvError(p.file_of(int(i)), int(p.lines[i]), column, value,
                                   f"unknown {column} {value!r}: not in {target}.csv{hint}", ErrorCode.foreign_key))

    for table, p in parsed.items():
        if table not in TABLES or p.frame is None:
            continue
        for column, target in references(TABLES[table]).items():
            if target in ids:
                dangling(p, column, target)


def _unit_errors_of(observations: ParsedTable, indicators: ParsedTable) -> list[CsvError]:
    """The unit rules, asked exactly only of the rows a vectorised twin cannot clear."""
    f = observations.frame
    if f is None or not len(f) or indicators.frame is None:
        return []
    units = indicators.frame.drop_duplicates("indicator_id").set_index("indicator_id")["unit"].astype(object)
    unit = f["indicator_id"].astype(object).map(units)
    incomparable = unit.isin([u.value for u, r in UNIT_RULES.items() if not r.comparable]).to_numpy()
    relative = f["measure"].isin([Measure.change_pct.value, Measure.multiple.value]).to_numpy()
    flag = relative & ((f["base_indicator_id"] != "").to_numpy() | incomparable)
    flag |= _near_unit_bounds(f, unit, ("value", "low", "high"), relative)
    suspects = np.flatnonzero(flag)
    if not len(suspects):
        return []
    index = {r.indicator_id: r for r in indicators.rows}  # type: ignore[attr-defined]
    built = build_rows(Observation, f.iloc[suspects].reset_index(drop=True))
    errors = []
    for i, o in zip(suspects, built):
        errors.extend(_unit_errors(observations.file_of(int(i)), int(observations.lines[i]), o, index))  # type: ignore[arg-type]
    return errors


def _near_unit_bounds(frame: pd.DataFrame, unit: pd.Series, names: tuple[str, ...], skip: np.ndarray) -> np.ndarray:
    """Rows whose numbers a float comparison cannot clear against their unit's rule (exact check next)."""
    def per_unit(attribute: str, fallback: float) -> np.ndarray:
        values = {u.value: (float(getattr(r, attribute)) if getattr(r, attribute) is not None else fallback)
                  for u, r in UNIT_RULES.items()}
        return unit.map(values).fillna(fallback).to_numpy(dtype=float)

    low, high = per_unit("minimum", -np.inf), per_unit("maximum", np.inf)
    whole = unit.map({u.value: r.whole for u, r in UNIT_RULES.items()}).fillna(False).to_numpy(dtype=bool)
    flag = np.zeros(len(frame), dtype=bool)
    for name in names:
        text = frame[name]
        given = (text != "").to_numpy()
        if not given.any():
            continue
        number = pd.to_numeric(text.where(given), errors="coerce").to_numpy(dtype=float)
        margin = 1e-6 * np.maximum(1.0, np.abs(number))  # floats decide only far from a bound
        lossy = (text.str.len() > 15).to_numpy()  # more digits than a float holds: exact check
        at_bound = (number == low) | (number == high)  # rank 1, share 0: valid when the text is exact
        near = ((number < low + margin) | (number > high - margin)) & (~at_bound | lossy) | np.isnan(number)
        near |= whole & text.str.contains(".", regex=False).to_numpy(dtype=bool)
        flag |= ~skip & given & near
    return flag


def _source_kinds(parsed: Mapping[str, ParsedTable]) -> pd.Series:
    sources = parsed.get("sources")
    if sources is None or sources.frame is None or not len(sources.frame):
        return pd.Series(dtype=object)
    frame = sources.frame.drop_duplicates("source_id")
    kinds = frame["kind"] if "kind" in frame else pd.Series("", index=frame.index)
    return pd.Series(kinds.replace("", SourceKind.text.value).astype(object).to_numpy(),
                     index=frame["source_id"].astype(object).to_numpy())


def _units(parsed: Mapping[str, ParsedTable]) -> pd.Series:
    indicators = parsed.get("indicators")
    if indicators is None or indicators.frame is None:
        return pd.Series(dtype=object)
    frame = indicators.frame.drop_duplicates("indicator_id")
    return pd.Series(frame["unit"].astype(object).to_numpy(), index=frame["indicator_id"].astype(object).to_numpy())


def _series_errors(parsed: Mapping[str, ParsedTable]) -> list[CsvError]:
    """Statistics-only sources, one value per key, and the indicator's unit rule; whole columns at a time."""
    p = parsed["series"]
    f = p.frame
    if f is None or not len(f):
        return []
    errors: list[CsvError] = []
    kind = f["source_id"].astype(object).map(_source_kinds(parsed))
    for i in np.flatnonzero((kind == SourceKind.text.value).to_numpy()):
        source_id = f["source_id"].iat[i]
        errors.append(CsvError(p.file_of(int(i)), int(p.lines[i]), "source_id", source_id,
                               f"source {source_id!r} is of kind text: a series value needs a source of kind statistics",
                               ErrorCode.foreign_key))
    key = ["indicator_id", "entity", "period", "source_id"]
    repeated = f.duplicated(key, keep="first").to_numpy()
    if repeated.any():
        first = {k: line for k, line, r in zip(zip(*(f[c] for c in key)), p.lines, repeated) if not r}
        for i in np.flatnonzero(repeated):
            k = tuple(f[c].iat[i] for c in key)
            errors.append(CsvError(p.file_of(int(i)), int(p.lines[i]), "period", k[2],
                                   f"a second value for {k[0]} / {k[1]} / {k[2]} from {k[3]} (first at row {first.get(k)})",
                                   ErrorCode.duplicate_id))
    units = _units(parsed)
    unit = f["indicator_id"].astype(object).map(units)
    near = _near_unit_bounds(f, unit, ("value",), np.zeros(len(f), dtype=bool))
    suspects = np.flatnonzero(near)
    if len(suspects):
        indicators = {r.indicator_id: r for r in parsed["indicators"].rows} if "indicators" in parsed else {}  # type: ignore[attr-defined]
        sub = f.iloc[suspects]
        for i, indicator_id, text in zip(suspects, sub["indicator_id"].tolist(), sub["value"].tolist()):
            indicator = indicators.get(indicator_id)
            if not isinstance(indicator, Indicator):
                continue
            try:
                number = Decimal(text)
            except ArithmeticError:
                continue  # the row check already reported it
            errors.extend(_number_rule_errors(p.file_of(int(i)), int(p.lines[i]), "value", number, indicator))
    return errors


def _link_errors(parsed: Mapping[str, ParsedTable]) -> list[CsvError]:
    """A link joins a claim's (indicator, entity) and an existing series of the same unit."""
    links = parsed["links"]
    errors: list[CsvError] = []
    claim_keys: set[tuple[str, str]] = set()
    observations = parsed.get("observations")
    if observations is not None and observations.frame is not None and len(observations.frame):
        o = observations.frame[["indicator_id", "entity", "base_indicator_id", "base_entity"]].drop_duplicates()
        claim_keys |= set(zip(o["indicator_id"].tolist(), o["entity"].tolist()))
        base_indicator = o["base_indicator_id"].where(o["base_indicator_id"] != "", o["indicator_id"])
        base_entity = o["base_entity"].where(o["base_entity"] != "", o["entity"])
        claim_keys |= set(zip(base_indicator.tolist(), base_entity.tolist()))
    claimed = {indicator for indicator, _ in claim_keys}  # a link may precede its indicator's claims
    series = parsed.get("series")
    series_keys = None
    if series is not None and series.frame is not None:
        keys = series.frame[["indicator_id", "entity"]].drop_duplicates()
        series_keys = set(zip(keys["indicator_id"].tolist(), keys["entity"].tolist()))
    units = _units(parsed)
    for link, line, file in links.located():
        assert isinstance(link, SeriesLink)
        if link.indicator_id in claimed and (link.indicator_id, link.entity) not in claim_keys:
            known = sorted({e for i, e in claim_keys if i == link.indicator_id})[:20]
            errors.append(CsvError(file, line, "entity", link.entity,
                                   f"no observation of {link.indicator_id} has entity {link.entity!r}; "
                                   f"its entities: {', '.join(known)}", ErrorCode.foreign_key))
        if series_keys is not None and (link.series_indicator_id, link.series_entity) not in series_keys:
            errors.append(CsvError(file, line, "series_entity", link.series_entity,
                                   f"no row of series.csv has indicator_id {link.series_indicator_id!r} "
                                   f"and entity {link.series_entity!r}", ErrorCode.foreign_key))
        claim_unit, series_unit = units.get(link.indicator_id), units.get(link.series_indicator_id)
        if claim_unit and series_unit and claim_unit != series_unit:
            errors.append(CsvError(file, line, "series_indicator_id", link.series_indicator_id,
                                   f"{link.series_indicator_id} is in {series_unit} but {link.indicator_id} "
                                   f"is in {claim_unit}: a link joins figures of one unit", ErrorCode.unit_range))
    return errors


def _number_rule_errors(file: str, line: int, column: str, number: Decimal, indicator: Indicator) -> list[CsvError]:
    rule = UNIT_RULES[indicator.unit]
    unit = indicator.unit.value
    errors = []
    if rule.minimum is not None and number < rule.minimum:
        errors.append(CsvError(file, line, column, number_text(number), f"a {unit} cannot be below {rule.minimum}",
                               ErrorCode.unit_range))
    if rule.maximum is not None and number > rule.maximum:
        errors.append(CsvError(file, line, column, number_text(number), f"a {unit} cannot exceed {rule.maximum}",
                               ErrorCode.unit_range))
    if rule.whole and number != number.to_integral_value():
        errors.append(CsvError(file, line, column, number_text(number), f"a {unit} is a whole number", ErrorCode.unit_range))
    return errors


def _unit_errors(file: str, line: int, o: Observation, indicators: Mapping[str, CsvRow]) -> list[CsvError]:
    indicator = indicators.get(o.indicator_id)
    if not isinstance(indicator, Indicator):
        return []
    rule = UNIT_RULES[indicator.unit]
    unit = indicator.unit.value
    errors = []
    if o.measure in (Measure.change_pct, Measure.multiple):
        if not rule.comparable:
            errors.append(CsvError(file, line, "measure", o.measure.value, f"a {unit} cannot have a {o.measure.value}; state it as a level",
                                   ErrorCode.unit_range))
        base = indicators.get(o.base_indicator_id) if o.base_indicator_id else None
        if isinstance(base, Indicator) and base.unit != indicator.unit:
            errors.append(
                CsvError(
                    file, line, "base_indicator_id", o.base_indicator_id,
                    f"the base is in {base.unit.value} but {o.indicator_id} is in {unit}: a change or multiple compares like with like",
                    ErrorCode.unit_range,
                )
            )
        return errors
    for column in ("value", "low", "high"):
        number = getattr(o, column)
        if number is not None:
            errors.extend(_number_rule_errors(file, line, column, number, indicator))
    return errors
