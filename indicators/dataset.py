"""The validated tables as a Dataset, and the checks across them: ids, references, units.

One file's bytes are read by `csvfile`, a folder's or a revision's files by `loading`; here the
files meet: duplicate ids, dangling references (declared in the models with `refers_to`), units
that make no sense for a figure, series and links. Whole columns at a time, so the cost grows with
the rows whatever their shape.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Generic, TypeVar, cast, overload


import numpy as np
import pandas as pd

from .schema import (
    Unit,
    EditorialFlag,
    Event,
    TABLES,
    UNIT_RULES,
    CsvRow,
    Indicator,
    Measure,
    Membership,
    Observation,
    SeriesLink,
    SeriesValue,
    Source,
    SourceKind,
    columns,
    number_text,
    references,
)
from .csvfile import MAX_HINTS, CsvError, ErrorCode, ParsedTable, build_rows, capped, isin


# --------------------------------------------------------------------------- the dataset


V = TypeVar("V")
R = TypeVar("R", bound=CsvRow)


class TableView(Generic[V]):
    """One typed accessor of the Dataset: what `read` makes of its model's table (rows, rows by id, a frame)."""

    def __init__(self, model: type[CsvRow], read: Callable[[Dataset, str], V]) -> None:
        self.table, self.read = model.table, read

    @overload
    def __get__(self, dataset: None, owner: type[Dataset]) -> TableView[V]:
        ...

    @overload
    def __get__(self, dataset: Dataset, owner: type[Dataset]) -> V:
        ...

    def __get__(self, dataset: Dataset | None, owner: type[Dataset]) -> TableView[V] | V:
        return self if dataset is None else self.read(dataset, self.table)


def rows_of(model: type[R]) -> TableView[tuple[R, ...]]:
    """The table's rows as its model: a table holds rows of its own model, so one cast here spares every caller
    an isinstance check."""
    return TableView(model, lambda dataset, table: cast("tuple[R, ...]", dataset.rows(table)))


def by_id_of(model: type[R]) -> TableView[dict[str, R]]:
    """The table's rows by id, as its model."""
    return TableView(model, lambda dataset, table: cast("dict[str, R]", dataset.by_id[table]))


def frame_of(model: type[CsvRow]) -> TableView[pd.DataFrame]:
    """A copy of the table as a frame for tables and charts: numbers as floats, enums as their codes."""
    return TableView(model, lambda dataset, table: dataset.frame(table))


@dataclass(frozen=True)
class Dataset:
    """The validated tables: models for exact values, frames for tables and charts."""

    tables: Mapping[str, tuple[CsvRow, ...]]

    def rows(self, table: str) -> tuple[CsvRow, ...]:
        return self.tables.get(table, ())

    @cached_property
    def by_id(self) -> dict[str, dict[str, CsvRow]]:
        return {t: {r.row_id: r for r in self.rows(t)} for t in TABLES}

    def frame(self, table: str) -> pd.DataFrame:
        return self._frames[table].copy()

    @cached_property
    def _frames(self) -> dict[str, pd.DataFrame]:
        return {t: _to_frame(TABLES[t], self.rows(t)) for t in TABLES}

    def counts(self) -> dict[str, int]:
        return {t: len(self.rows(t)) for t in TABLES}

    # The typed views, one line per table and view.
    source_rows = rows_of(Source)
    indicator_rows = rows_of(Indicator)
    observation_rows = rows_of(Observation)
    flag_rows = rows_of(EditorialFlag)
    event_rows = rows_of(Event)
    series_rows = rows_of(SeriesValue)
    link_rows = rows_of(SeriesLink)
    membership_rows = rows_of(Membership)
    sources_by_id = by_id_of(Source)
    indicators_by_id = by_id_of(Indicator)
    observations_by_id = by_id_of(Observation)
    sources = frame_of(Source)
    indicators = frame_of(Indicator)
    observations = frame_of(Observation)
    flags = frame_of(EditorialFlag)
    events = frame_of(Event)
    series = frame_of(SeriesValue)
    links = frame_of(SeriesLink)
    memberships = frame_of(Membership)


def _to_frame(model: type[CsvRow], rows: Iterable[CsvRow]) -> pd.DataFrame:
    records = []
    for r in rows:
        rec = r.model_dump(mode="python")
        for k, v in rec.items():
            if isinstance(v, Decimal):
                rec[k] = float(v)
            elif hasattr(v, "value") and not isinstance(v, (list, tuple)):
                rec[k] = v.value  # enums as their codes
            elif isinstance(v, (list, tuple)):
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
    """Every column the models declare with `refers_to` holds ids of that table.

    When the referred table has errors of its own, its missing ids are most likely in its invalid
    rows (or the whole file is unreadable): one error per referring column says so, instead of one
    per row that would bury the real problem (a bad header in sources.csv gave ~1,000)."""
    hints = [0]
    broken = {t for t, p in parsed.items() if any(e.level == "error" for e in p.errors)}

    def dangling(p: ParsedTable, column: str, target: str) -> None:
        given = p.frame[column]
        if p.model_is_list(column):
            given = given.str.split(";").explode().str.strip()
        known = isin(given, ids[target]) | (given == "").to_numpy()
        unknown = given[~known]
        if target in broken and len(unknown):
            first = int(unknown.index[0])
            values = list(dict.fromkeys(unknown))
            shown = ", ".join(repr(v) for v in values[:3]) + (", …" if len(values) > 3 else "")
            rows = len(set(unknown.index))
            errors.append(CsvError(
                p.file_of(first), int(p.lines[first]), column, unknown.iat[0],
                f"{rows:,} row(s) refer to {len(values):,} {column} value(s) not among the valid rows of "
                f"{target}.csv ({shown}), which has errors of its own: fix {target}.csv first, then any "
                f"{column} still unknown is listed row by row", ErrorCode.foreign_key))
            return
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
    unit = _unit_per_row(f["indicator_id"], _units({"indicators": indicators}))
    incomparable = np.isin(unit, [u.value for u, r in UNIT_RULES.items() if not r.comparable])
    relative = f["measure"].isin([Measure.change_pct.value, Measure.multiple.value]).to_numpy()
    flag = relative & ((f["base_indicator_id"] != "").to_numpy() | incomparable)
    flag |= _near_unit_bounds(f, unit, ("value", "low", "high"), relative)
    suspects = np.flatnonzero(flag)
    if not len(suspects):
        return []
    index = {r.indicator_id: r for r in indicators.rows_of(Indicator)}
    built = build_rows(Observation, f.iloc[suspects].reset_index(drop=True))
    errors = []
    for i, o in zip(suspects, built):
        errors.extend(_unit_errors(observations.file_of(int(i)), int(observations.lines[i]), o, index))
    return errors


def _unit_per_row(indicator_ids: pd.Series, units: pd.Series) -> np.ndarray:
    """Each row's unit code ('' for an unknown indicator), looked up once per distinct indicator."""
    codes, distinct = pd.factorize(indicator_ids)
    per_distinct = np.array([units.get(i, "") or "" for i in distinct] + [""], dtype=object)
    return per_distinct[codes]  # code -1 (missing) takes the trailing ''


def _near_unit_bounds(frame: pd.DataFrame, unit: np.ndarray, names: tuple[str, ...], skip: np.ndarray) -> np.ndarray:
    """Rows whose numbers a float comparison cannot clear against their unit's rule (exact check next)."""
    codes, distinct = pd.factorize(unit)

    def per_unit(attribute: str, fallback: float) -> np.ndarray:
        rules = {u.value: r for u, r in UNIT_RULES.items()}
        values = [float(getattr(rules[u], attribute)) if u in rules and getattr(rules[u], attribute) is not None
                  else fallback for u in distinct]
        return np.array(values + [fallback], dtype=float)[codes]

    low, high = per_unit("minimum", -np.inf), per_unit("maximum", np.inf)
    whole = np.array([bool(UNIT_RULES[Unit(u)].whole) if u in Unit._value2member_map_ else False
                      for u in distinct] + [False], dtype=bool)[codes]
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
    unit = _unit_per_row(f["indicator_id"], _units(parsed))
    near = _near_unit_bounds(f, unit, ("value",), np.zeros(len(f), dtype=bool))
    suspects = np.flatnonzero(near)
    if len(suspects):
        indicators = {r.indicator_id: r for r in parsed["indicators"].rows_of(Indicator)} if "indicators" in parsed else {}
        sub = f.iloc[suspects]
        for i, indicator_id, text in zip(suspects, sub["indicator_id"].tolist(), sub["value"].tolist()):
            indicator = indicators.get(indicator_id)
            if indicator is None:
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
    for link, line, file in links.located(SeriesLink):
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


def _unit_errors(file: str, line: int, o: Observation, indicators: Mapping[str, Indicator]) -> list[CsvError]:
    indicator = indicators.get(o.indicator_id)
    if indicator is None:
        return []
    rule = UNIT_RULES[indicator.unit]
    unit = indicator.unit.value
    errors = []
    if o.measure in (Measure.change_pct, Measure.multiple):
        if not rule.comparable:
            errors.append(CsvError(file, line, "measure", o.measure.value, f"a {unit} cannot have a {o.measure.value}; state it as a level",
                                   ErrorCode.unit_range))
        base = indicators.get(o.base_indicator_id) if o.base_indicator_id else None
        if base is not None and base.unit != indicator.unit:
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
