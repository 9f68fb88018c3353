"""Read the interchange CSVs into a validated Dataset, or say precisely what is wrong.

Every problem becomes a CsvError naming file, spreadsheet row, column, the value
and what was expected; all of them are collected, none raises. Rules come from
`schema`; this module only reads text and reports.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .fastpath import row_builder, suspect_rows
from .schema import (
    REQUIRED_TABLES,
    TABLES,
    UNIT_RULES,
    ColumnRuleError,
    CsvRow,
    EditorialFlag,
    Event,
    Indicator,
    Measure,
    Observation,
    SeriesLink,
    SeriesValue,
    Source,
    SourceKind,
    columns,
)

MAX_ROWS = 200_000
"""Rows one file may hold; a larger upload is refused before validation."""

MAX_CELL_CHARS = 100_000
"""A longer cell is a broken file (a missing quote swallowing the rest), not data."""

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True)
class CsvError:
    file: str
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row if self.row is not None else '-'}:{self.column or '-'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ParsedTable:
    """One file's valid rows, their spreadsheet row numbers, and its errors.

    The fast path validates whole columns and builds the row models only when
    something asks for them, so validating a large upload stays cheap.
    """

    table: str | None
    file: str
    _rows: list[CsvRow] = field(default_factory=list, repr=False)
    lines: list[int] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)
    records: int = 0  # data records read, valid or not
    origins: list[str] = field(default_factory=list)  # per row, when rows of several files were merged
    _build: Callable[[], list[CsvRow]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[CsvRow]:
        if self._build is not None:
            self._rows, self._build = self._build(), None
        return self._rows

    def file_of(self, index: int) -> str:
        return self.origins[index] if self.origins else self.file

    def located(self):
        """(row, spreadsheet line, file it came from) for every valid row."""
        return ((r, line, self.file_of(i)) for i, (r, line) in enumerate(zip(self.rows, self.lines)))


# --------------------------------------------------------------------------- bytes -> text

def _precheck(file: str, data: bytes) -> CsvError | None:
    """Files that are not a UTF-8 CSV at all, told apart by their first bytes."""
    def fail(message: str) -> CsvError:
        return CsvError(file, None, None, None, message)

    if not data.strip():
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
        return None, CsvError(file, row, None, None, message)

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
            f"the columns are separated by {DELIMITERS[found]}s ({found!r}); expected commas",
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
            errors.append(CsvError(file, 1, name, name, f"column {name!r} appears twice"))
        seen.add(name)
    unknown = [h for h in header if h not in expected]
    absent = [c for c in expected if c not in header]
    missing = [c for c in absent if model.model_fields[c].is_required()]  # an absent optional column is empty
    for name in unknown:
        close = difflib.get_close_matches(name, absent or expected, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        errors.append(CsvError(file, 1, name or None, name, f"unknown column {name!r}{hint}"))
    for name in missing:
        errors.append(
            CsvError(file, 1, name, None, f"missing column {name!r}; expected the header: {','.join(expected)}")
        )
    return errors


# --------------------------------------------------------------------------- pydantic -> plain words

def _plain_errors(file: str, row: int, model: type[CsvRow], raw: dict[str, str], exc: ValidationError) -> list[CsvError]:
    out = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ()
        column = str(loc[0]) if loc else None
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ColumnRuleError):
            column = cause.column
            message = str(cause)
        else:
            message = _plain_message(model, column, err)
        value = raw.get(column) if column else None
        out.append(CsvError(file, row, column, value, message))
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
        result.errors.append(CsvError(file, 1, None, None, f"unreadable header: {exc}"))
        return result
    if result.table is None:
        result.table = recognise_table(header)
        if result.table is None:
            expected = "; ".join(f"{t}: {','.join(columns(m))}" for t, m in TABLES.items())
            result.errors.append(
                CsvError(file, 1, None, ",".join(header)[:200], f"unrecognised header; expected one of — {expected}")
            )
            return result
    model = TABLES[result.table]
    header = [h if h in model.model_fields else h.lower() for h in header]
    result.errors.extend(_header_errors(file, header, model))
    if result.errors:
        return result
    if any(c in data for c in _STRIP_MISMATCH) or not _validate_columns(result, data, header, model, max_rows):
        _validate_rows(result, data, header, model, max_rows)
    if result.records == 0 and not result.errors:
        result.errors.append(CsvError(file, None, None, None, "the file has a header but no rows"))
    return result


# Characters Python's str.strip() removes and Pydantic's does not: such files take the row-by-row path.
_STRIP_MISMATCH = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")
_EXTRA = "\x00extra"


def _validate_columns(result: ParsedTable, data: bytes, header: list[str], model: type[CsvRow], max_rows: int) -> bool:
    """The fast path; False when the file's structure needs the row-by-row reader's messages."""
    file = result.file
    try:
        frame = pd.read_csv(
            io.BytesIO(data), header=None, skiprows=1, names=[*header, _EXTRA], dtype=str, na_filter=False,
            keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig", engine="c",
        )
    except UnicodeDecodeError:
        result.errors.append(_decode(file, data)[1])  # type: ignore[arg-type]
        return True
    except (pd.errors.ParserError, ValueError, csv.Error, OverflowError):
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
        result.errors.append(CsvError(file, int(over), None, None, f"too many rows: at most {max_rows:,} rows per file"))
        return True
    result.records = records
    for line in line_of[extra]:
        result.errors.append(CsvError(file, int(line), None, None,
                                      f"expected {len(header)} cells, found more (an unquoted comma inside a cell?)"))
    keep = filled & ~extra
    frame = frame.loc[keep, header].reset_index(drop=True)
    for name in columns(model):
        if name not in frame:
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

    def build() -> list[CsvRow]:
        kept = frame.iloc[valid]
        columns_ = [kept[h].tolist() for h in header]  # Arrow to Python per column, not per cell
        make = row_builder(model) or model.model_validate
        return [checked.get(int(i)) or make(dict(zip(header, cells))) for i, cells in zip(valid, zip(*columns_))]

    result._build = build
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
    result.records, result._rows, result.lines, result._build = 0, [], [], None
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
                    CsvError(file, row, None, None, f"too many rows: at most {max_rows:,} rows per file")
                )
                break
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                result.errors.append(
                    CsvError(file, row, None, None, f"expected {len(header)} cells, found {len(cells)} "
                                                    "(an unquoted comma inside a cell?)")
                )
                continue
            cells = (cells + [""] * len(header))[: len(header)]  # missing trailing cells are empty
            raw = dict(zip(header, cells))
            try:
                result._rows.append(model.model_validate(raw))
                result.lines.append(row)
            except ValidationError as exc:
                result.errors.extend(_plain_errors(file, row, model, raw, exc))
    except csv.Error as exc:
        result.errors.append(CsvError(file, row + 1, None, None, f"unreadable CSV: {exc}"))


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

    def observation(self, obs_id: str) -> Observation:
        return self.by_id["observations"][obs_id]  # type: ignore[return-value]

    def source(self, source_id: str) -> Source:
        return self.by_id["sources"][source_id]  # type: ignore[return-value]

    def indicator(self, indicator_id: str) -> Indicator:
        return self.by_id["indicators"][indicator_id]  # type: ignore[return-value]

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


def load_folder(folder: str | Path) -> LoadResult:
    folder = Path(folder)
    parsed: dict[str, ParsedTable] = {}
    errors: list[CsvError] = []
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            if table in REQUIRED_TABLES:
                errors.append(CsvError(path.name, None, None, None, f"missing file {path}"))
            continue
        parsed[table] = parse_table(path.name, path.read_bytes(), table)
    return combine(parsed, errors)


def combine(parsed: Mapping[str, ParsedTable], errors: list[CsvError] | None = None) -> LoadResult:
    """Row errors of every file plus the cross-table checks; a Dataset only when all is clean."""
    errors = list(errors or [])
    for table in TABLES:
        if table in parsed:
            errors.extend(parsed[table].errors)
    errors.extend(cross_table_errors(parsed))
    if errors:
        return LoadResult(None, errors, dict(parsed))
    dataset = Dataset({t: tuple(p.rows) for t, p in parsed.items()})
    return LoadResult(dataset, [], dict(parsed))


def cross_table_errors(parsed: Mapping[str, ParsedTable]) -> list[CsvError]:
    """Duplicate ids, dangling references, and units that make no sense for a measure."""
    errors: list[CsvError] = []
    ids: dict[str, dict[str, CsvRow]] = {}
    for table, p in parsed.items():
        if table not in TABLES:
            continue
        model = TABLES[table]
        first_row: dict[str, int] = {}
        ids[table] = {}
        for r, line, file in p.located():
            key = r.row_id
            if key in first_row:
                errors.append(
                    CsvError(file, line, model.id_column, key, f"duplicate {model.id_column} {key!r} (first at row {first_row[key]})")
                )
                continue
            first_row[key] = line
            ids[table][key] = r

    def dangling(file: str, line: int, column: str, value: str | None, table: str) -> None:
        if value is None or table not in ids or value in ids[table]:
            return
        close = difflib.get_close_matches(value, list(ids[table]), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        errors.append(CsvError(file, line, column, value, f"unknown {column} {value!r}: not in {table}.csv{hint}"))

    if "observations" in parsed:
        p = parsed["observations"]
        indicators = ids.get("indicators", {})
        for o, line, file in p.located():
            assert isinstance(o, Observation)
            dangling(file, line, "indicator_id", o.indicator_id, "indicators")
            dangling(file, line, "source_id", o.source_id, "sources")
            dangling(file, line, "base_indicator_id", o.base_indicator_id, "indicators")
            errors.extend(_unit_errors(file, line, o, indicators))
    if "flags" in parsed:
        p = parsed["flags"]
        for f, line, file in p.located():
            assert isinstance(f, EditorialFlag)
            for obs_id in f.obs_ids:
                dangling(file, line, "obs_ids", obs_id, "observations")
            dangling(file, line, "source_id", f.source_id, "sources")
    if "events" in parsed:
        p = parsed["events"]
        for e, line, file in p.located():
            assert isinstance(e, Event)
            dangling(file, line, "source_id", e.source_id, "sources")
    series_keys: set[tuple[str, str]] = set()
    if "series" in parsed:
        errors.extend(_series_errors(parsed["series"], ids, dangling, series_keys))
    if "links" in parsed:
        claim_keys: set[tuple[str, str]] = set()
        for o in ids.get("observations", {}).values():
            assert isinstance(o, Observation)
            claim_keys.add((o.indicator_id, o.entity))
            claim_keys.add(o.base_key()[:2])
        claimed = {indicator for indicator, _ in claim_keys}  # a link may precede its indicator's claims
        indicators = ids.get("indicators", {})
        for link, line, file in parsed["links"].located():
            assert isinstance(link, SeriesLink)
            dangling(file, line, "indicator_id", link.indicator_id, "indicators")
            dangling(file, line, "series_indicator_id", link.series_indicator_id, "indicators")
            if link.indicator_id in claimed and (link.indicator_id, link.entity) not in claim_keys:
                known = sorted({e for i, e in claim_keys if i == link.indicator_id})
                errors.append(CsvError(file, line, "entity", link.entity,
                                       f"no observation of {link.indicator_id} has entity {link.entity!r}; "
                                       f"its entities: {', '.join(known)}"))
            if "series" in parsed and (link.series_indicator_id, link.series_entity) not in series_keys:
                errors.append(CsvError(file, line, "series_entity", link.series_entity,
                                       f"no row of series.csv has indicator_id {link.series_indicator_id!r} "
                                       f"and entity {link.series_entity!r}"))
            claim, series = indicators.get(link.indicator_id), indicators.get(link.series_indicator_id)
            if isinstance(claim, Indicator) and isinstance(series, Indicator) and claim.unit != series.unit:
                errors.append(CsvError(file, line, "series_indicator_id", link.series_indicator_id,
                                       f"{link.series_indicator_id} is in {series.unit.value} but {link.indicator_id} "
                                       f"is in {claim.unit.value}: a link joins figures of one unit"))
    return errors


def _series_errors(p: ParsedTable, ids: Mapping[str, Mapping[str, CsvRow]], dangling, keys: set) -> list[CsvError]:
    """References, statistics-only sources, one value per key, and the indicator's unit rule.

    series.csv is large (tens of thousands of rows): what each indicator and source allows is
    looked up once, and a row costs a few set and Decimal comparisons.
    """
    errors: list[CsvError] = []
    indicators, sources = ids.get("indicators", {}), ids.get("sources", {})
    text_sources = {k for k, s in sources.items() if isinstance(s, Source) and s.kind is not SourceKind.statistics}
    rules = {k: (i, UNIT_RULES[i.unit]) for k, i in indicators.items() if isinstance(i, Indicator)}
    first: dict[tuple[str, str, str, str], int] = {}
    for v, line, file in p.located():
        assert isinstance(v, SeriesValue)
        indicator_id, source_id = v.indicator_id, v.source_id
        keys.add((indicator_id, v.entity))
        if indicator_id not in indicators:
            dangling(file, line, "indicator_id", indicator_id, "indicators")
        if source_id not in sources:
            dangling(file, line, "source_id", source_id, "sources")
        elif source_id in text_sources:
            errors.append(CsvError(file, line, "source_id", source_id,
                                   f"source {source_id!r} is of kind text: a series value needs a "
                                   "source of kind statistics"))
        key = (indicator_id, v.entity, v.period, source_id)
        if key in first:
            errors.append(CsvError(file, line, "period", v.period,
                                   f"a second value for {indicator_id} / {v.entity} / {v.period} from {source_id} "
                                   f"(first at row {first[key]})"))
        else:
            first[key] = line
        if indicator_id in rules:
            indicator, rule = rules[indicator_id]
            n = v.value
            if ((rule.minimum is not None and n < rule.minimum) or (rule.maximum is not None and n > rule.maximum)
                    or (rule.whole and n != n.to_integral_value())):
                errors.extend(_number_rule_errors(file, line, "value", n, indicator))
    return errors


def _number_rule_errors(file: str, line: int, column: str, number: Decimal, indicator: Indicator) -> list[CsvError]:
    rule = UNIT_RULES[indicator.unit]
    unit = indicator.unit.value
    errors = []
    if rule.minimum is not None and number < rule.minimum:
        errors.append(CsvError(file, line, column, str(number), f"a {unit} cannot be below {rule.minimum}"))
    if rule.maximum is not None and number > rule.maximum:
        errors.append(CsvError(file, line, column, str(number), f"a {unit} cannot exceed {rule.maximum}"))
    if rule.whole and number != number.to_integral_value():
        errors.append(CsvError(file, line, column, str(number), f"a {unit} is a whole number"))
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
            errors.append(CsvError(file, line, "measure", o.measure.value, f"a {unit} cannot have a {o.measure.value}; state it as a level"))
        base = indicators.get(o.base_indicator_id) if o.base_indicator_id else None
        if isinstance(base, Indicator) and base.unit != indicator.unit:
            errors.append(
                CsvError(
                    file, line, "base_indicator_id", o.base_indicator_id,
                    f"the base is in {base.unit.value} but {o.indicator_id} is in {unit}: a change or multiple compares like with like",
                )
            )
        return errors
    for column in ("value", "low", "high"):
        number = getattr(o, column)
        if number is not None:
            errors.extend(_number_rule_errors(file, line, column, number, indicator))
    return errors
