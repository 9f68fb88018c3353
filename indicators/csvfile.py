"""One CSV file's bytes -> its valid rows (as a frame of cell text) and every problem, coded.

Every problem becomes a CsvError naming file, spreadsheet row, column, the value, what was
expected and its code; all of them are collected, none raises. Rules come from `schema`; this
module only reads text and reports. Across tables (ids, references, units): `dataset`.
"""

from __future__ import annotations

import csv
import difflib
import io
import warnings
from collections import Counter
from enum import StrEnum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import types
import typing

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .fastpath import row_builder, suspect_rows
from .schema import (
    TABLES,
    ColumnRuleError,
    CsvRow,
    columns,
)


R = TypeVar("R", bound=CsvRow)


def _plain_type(model: type[CsvRow], column: str) -> object:
    annotation = model.model_fields[column].annotation
    while typing.get_origin(annotation) in (typing.Annotated, typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = members[0]
    return annotation

MAX_ROWS = 200_000
"""Rows one file may hold; a larger upload is refused before validation."""

MAX_HINTS = 100
"""'did you mean' suggestions per check: each compares with every name or id, so they are bounded."""

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

    def rows_of(self, model: type[R]) -> list[R]:
        """The rows typed as their model, which the caller names (and which must be this table's)."""
        if model.table != self.table:
            raise TypeError(f"the rows of {self.file} are {self.table}, not {model.table}")
        return cast("list[R]", self.rows)

    def file_of(self, index: int) -> str:
        return self.origins[index] if self.origins else self.file

    def model_is_list(self, column: str) -> bool:
        return self.table in TABLES and typing.get_origin(_plain_type(TABLES[self.table], column)) is list

    def located(self, model: type[R]) -> Iterator[tuple[R, int, str]]:
        """(row as `model`, spreadsheet line, file it came from) for every valid row."""
        return ((r, line, self.file_of(i)) for i, (r, line) in enumerate(zip(self.rows_of(model), self.lines)))


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


def build_rows(model: type[R], frame: pd.DataFrame | None, checked: Mapping[int, R] | None = None) -> list[R]:
    """Row models from cells the column checks passed (positions in `checked` are already built)."""
    if frame is None or not len(frame):
        return []
    checked = checked or {}
    names = columns(model)
    columns_ = [frame[h].tolist() for h in names]  # Arrow to Python per column, not per cell
    make = row_builder(model) or model.model_validate
    built = [checked.get(i) or make(dict(zip(names, cells))) for i, cells in enumerate(zip(*columns_))]
    return cast("list[R]", built)  # every row is built by `model` (constructed or validated)


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


def decode_utf8(file: str, data: bytes, expected: str = "save it as 'CSV UTF-8 (comma delimited)'") -> str | CsvError:
    """The text, or the error naming the first byte that is not UTF-8 and its line, then what was expected."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        return CsvError(file, line, None, None, f"the file is not UTF-8 (byte 0x{byte} on line {line}); {expected}",
                        ErrorCode.encoding)


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
    first_line = decode_utf8(file, data[: end if end >= 0 else len(data)])
    if isinstance(first_line, CsvError):
        return ParsedTable(table, file, errors=[first_line])
    first_line = first_line.strip("\r")
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
    except UnicodeDecodeError:  # pandas' position is in its own buffer: name the byte from the file's
        problem = decode_utf8(file, data)
        if isinstance(problem, str):
            return False  # pandas alone stumbled: the row reader reads it
        result.errors.append(problem)
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
    text = decode_utf8(file, data)
    if isinstance(text, CsvError):
        result.errors.append(text)
        return
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


