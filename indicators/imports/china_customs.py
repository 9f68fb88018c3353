"""China Customs (GACC) monthly imports by product and origin, as the Wind database exports them -> annual series.

A Wind export is a CSV with a header block, not one header line: rows labelled in column A
`Name` (e.g. "Volume of Imports: Crude Oil: Russian Federation"; without an origin, China's
total), `Frequency`, `Unit` (kg, ton, "10000 tons", USD, "USD 10 th": per column, read, never
assumed), `ID` (Wind's code), `Time Period` (the series' span, 1995-04:2022-11), `Source`,
`Update` (sometimes with a leading apostrophe); an optional first line `Wind`; then one row per
month (`2015-01`, or the month's last day `2015-01-31`), numbers possibly with a trailing space;
blank lines and a footer `数据来源：Wind` ("source: Wind") at the end.

Rules:
* A column is chosen by product AND origin (`Volume of Imports: Lignite: Indonesia` is not crude
  from Indonesia); products other than PRODUCTS are left out (named in a note).
* An empty cell is missing, not zero. A 0 outside the series' own Time Period is Wind's filler
  for "no series yet", not a zero, and is dropped.
* A year is summed only when all twelve months have a figure; otherwise the months held are a
  part-year (`2022-01/2022-11`, its own indicator, `…-part-year`), never a year's total. China
  Customs often publishes January and February together: when January is empty and February
  is not, the part-year's note says February may hold both.
* Several exports are one import: for a series in several files, the file whose column was
  updated last gives every month it holds (later releases revise months); the others fill the
  months it lacks.

For each product p (crude, lng, pipeline-gas, coal): `china-{p}-imports` (million tonnes) and
`china-{p}-imports-value` (US$ bn, CIF) by origin, per full year, and their part-years. For crude
oil also `china-crude-import-share` (an origin's percent of China's total, entity World) and
`china-crude-supplier-rank` (1 = largest by volume among the origins the export lists), only for
years in which China's total has all twelve months (a year the export covers).
Pure: bytes in, typed rows and errors out (each error names file, row, column and what was expected).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..csvfile import CsvError, decode_utf8
from ..schema import SeriesValue, Source
from .common import WORLD, ImportResult, classify, indicators_of, ranks, series_row, share, trimmed

HEADER = ("Name", "Frequency", "Unit", "ID", "Time Period", "Source", "Update")
VENDOR_LINE = "Wind"
FOOTER = "数据来源"  # "source:", the export's last line
PRODUCTS = {  # the product as Wind names it -> (id, words)
    "Crude Oil": ("crude", "crude oil"),
    "Liquified Natural Gas (LNG)": ("lng", "LNG"),
    "Pipeline Carried Natural Gas (Gaseous State)": ("pipeline-gas", "pipeline gas"),
    "Coal": ("coal", "coal"),
}
RANKED = "crude"
"""The product whose origins get shares of China's total and ranks (the export gives China's total for it)."""
VOLUME_UNITS = {"kg": Decimal("1e-9"), "ton": Decimal("1e-6"), "tons": Decimal("1e-6"), "10000 tons": Decimal("1e-2")}
VALUE_UNITS = {"USD": Decimal("1e-9"), "USD 10 th": Decimal("1e-5")}
"""A unit row's word -> the factor to million tonnes (volumes) or US$ bn (values)."""
SPELLINGS = {"USA": "United States", "Columbia": "Colombia"}
"""Wind's names the country classification does not recognise, spelt out for it."""
SOURCE_ID = "china-customs"
PUBLISHER = "China Customs (GACC)"
DATASET = "Imports by product and origin, monthly, via Wind (GACC)"
"""Cited as "China Customs (GACC), … via Wind"; the trailing acronym is what a legend shows."""

_NAME = re.compile(r"^(Volume|Value) of Imports: (.+?)(?:: ([^:]+))?$")
_SPAN = re.compile(r"^([12][0-9]{3}-[01][0-9]):([12][0-9]{3}-[01][0-9])$")
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_DATE = re.compile(r"^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$")


@dataclass
class Column:
    """One selected column of an export: what it measures, its unit and span, and its monthly figures."""

    file: str
    index: int  # 0-based, in the export's rows
    letter: str
    name: str
    measure: str  # volume | value
    product: str  # PRODUCTS' id
    origin: str | None  # Wind's name; None for China's total
    unit: str
    scale: Decimal
    wind_id: str
    first: str  # YYYY-MM
    last: str
    update: str  # YYYY-MM-DD
    months: dict[str, Decimal] = field(default_factory=dict)  # YYYY-MM -> the cell's number, in `unit`

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.measure, self.product, self.origin)


def recognised(data: bytes) -> bool:
    """A Wind export of imports: a `Name` row of "… of Imports: …" series near the start (even a broken copy)."""
    head = data[:20_000].decode("utf-8-sig", errors="replace").splitlines()[:12]
    return any(line.startswith("Name,") and "of Imports" in line for line in head)


def _letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it (A, B, …, AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _month(cell: str) -> str | None:
    """2015-01 or 2015-01-31 (the month's last day) -> 2015-01; None for anything else."""
    text = cell.strip()
    if re.fullmatch(r"[12][0-9]{3}-[01][0-9]", text) and 1 <= int(text[5:]) <= 12:
        return text
    if _DATE.fullmatch(text) and 1 <= int(text[5:7]) <= 12:
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        if day == calendar.monthrange(year, month)[1]:
            return text[:7]
    return None


def read_export(file: str, data: bytes) -> tuple[list[Column], list[CsvError], list[str]]:
    """The selected columns of one export with their monthly figures; errors name file, row, column."""
    errors: list[CsvError] = []
    notes: list[str] = []

    def fail(row, column, value, message):
        errors.append(CsvError(file, row, column, None if value is None else str(value)[:80], message))
        return [], errors, notes

    if not data.strip():
        return fail(None, None, None, "the file is empty: expected a Wind export of China Customs statistics (CSV)")
    if data.startswith(b"PK\x03\x04"):
        return fail(None, None, None, "this is an Excel workbook or a zip, not a Wind CSV export of China Customs "
                                      "statistics (save the sheet as CSV, UTF-8)")
    text = decode_utf8(file, data, "expected a Wind export saved as CSV, UTF-8")
    if isinstance(text, CsvError):
        errors.append(text)
        return [], errors, notes
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return fail(None, None, None, f"not a readable CSV ({exc}); expected a Wind export of China Customs statistics")
    start = 1 if rows and rows[0] and rows[0][0].strip() == VENDOR_LINE and not any(c.strip() for c in rows[0][1:]) else 0
    if len(rows) < start + len(HEADER):
        return fail(None, None, None, f"expected the Wind header block ({', '.join(HEADER)}) and monthly rows; "
                                      f"the file has {len(rows)} lines")
    head = {}
    for i, label in enumerate(HEADER):
        row = rows[start + i]
        found = row[0].strip() if row else ""
        if found != label:
            return fail(start + i + 1, "A", found, f"expected {label!r} in column A (the Wind header block is "
                                                   f"{', '.join(HEADER)}, one row each, from row {start + 1})")
        head[label] = row
    width = len(head["Name"])
    for label, row in head.items():
        if len(row) != width:
            return fail(start + HEADER.index(label) + 1, None, None,
                        f"the {label} row has {len(row)} cells, the Name row {width}: is the header shifted?")
    line_of = {label: start + i + 1 for i, label in enumerate(HEADER)}
    columns: list[Column] = []
    skipped: set[str] = set()
    for j in range(1, width):
        name = head["Name"][j].strip()
        match = _NAME.fullmatch(name)
        if not name:
            if any(r[j].strip() for r in rows[start:] if len(r) > j):
                fail(line_of["Name"], _letter(j), "", "a column with figures but no name in the Name row")
            continue
        if match is None or match[2] not in PRODUCTS:
            skipped.add(name)
            continue
        measure = "volume" if match[1] == "Volume" else "value"
        unit = head["Unit"][j].strip()
        units = VOLUME_UNITS if measure == "volume" else VALUE_UNITS
        if unit not in units:
            fail(line_of["Unit"], _letter(j), unit,
                 f"{name}: expected the unit of a {'weight' if measure == 'volume' else 'US$ value'} in the Unit row "
                 f"({', '.join(units)}), found {unit!r}")
            continue
        frequency = head["Frequency"][j].strip()
        if frequency != "Month":
            fail(line_of["Frequency"], _letter(j), frequency, f"{name}: expected 'Month' in the Frequency row")
            continue
        span = _SPAN.fullmatch(head["Time Period"][j].strip())
        if span is None:
            fail(line_of["Time Period"], _letter(j), head["Time Period"][j],
                 f"{name}: expected the series' span in the Time Period row, e.g. 1995-04:2022-11")
            continue
        update = head["Update"][j].strip().lstrip("'")
        if not _DATE.fullmatch(update):
            fail(line_of["Update"], _letter(j), head["Update"][j], f"{name}: expected a date in the Update row, "
                                                                    "e.g. 2022-12-30")
            continue
        columns.append(Column(file, j, _letter(j), name, measure, PRODUCTS[match[2]][0], match[3], unit, units[unit],
                              head["ID"][j].strip(), span[1], span[2], update))
    if errors:
        return [], errors, notes
    if not columns:
        return fail(line_of["Name"], None, None, "no column of China's imports of "
                                                 f"{', '.join(w for _, w in PRODUCTS.values())} in the Name row")
    if skipped:
        notes.append(f"{file}: {len(skipped)} columns of other products left out (e.g. {sorted(skipped)[0]!r})")
    footer_at = None
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[start + len(HEADER):], start=start + len(HEADER) + 1):
        if not any(c.strip() for c in row):
            continue
        first = row[0].strip()
        if first.startswith(FOOTER):
            footer_at = n
            continue
        if footer_at is not None:
            fail(n, "A", first, f"a row after the footer line {footer_at} ({FOOTER}…): expected nothing more")
            continue
        month = _month(first)
        if month is None:
            fail(n, "A", first, "expected a month in column A (2015-01, or the month's last day 2015-01-31)")
            continue
        if month in seen:
            fail(n, "A", first, f"month {month} appears twice (first at row {seen[month]})")
            continue
        seen[month] = n
        if len(row) > width and any(c.strip() for c in row[width:]):
            fail(n, _letter(width), row[width], f"a cell beyond the {width} columns the Name row names")
            continue
        for c in columns:
            cell = row[c.index].strip() if len(row) > c.index else ""
            if not cell:
                continue  # missing, not zero
            if not _NUMBER.fullmatch(cell):
                fail(n, c.letter, cell, f"{c.name}, {month}: expected a number in {c.unit} (e.g. 2929215941.00) "
                                        "or an empty cell")
                continue
            number = Decimal(cell)
            if not c.first <= month <= c.last:
                if number == 0:
                    continue  # Wind's filler before or after the series' span
                fail(n, c.letter, cell, f"{c.name}, {month}: a figure outside the series' Time Period "
                                        f"({c.first}:{c.last})")
                continue
            c.months[month] = number
    if not seen and not errors:
        fail(start + len(HEADER) + 1, "A", None, "expected monthly rows after the header block, found none")
    if errors:
        return [], errors, notes
    return _one_per_series(file, columns, errors, notes), errors, notes


def _one_per_series(file: str, columns: list[Column], errors: list[CsvError], notes: list[str]) -> list[Column]:
    """Wind repeats some columns (Ecuador, Chad …) with the same code and figures: one is kept."""
    out: dict[tuple, Column] = {}
    for c in columns:
        other = out.get(c.key)
        if other is None:
            out[c.key] = c
        elif other.wind_id == c.wind_id and other.months == c.months and other.unit == c.unit:
            notes.append(f"{file}: column {c.letter} repeats column {other.letter} ({c.name}): counted once")
        else:
            errors.append(CsvError(file, None, c.letter, c.name, f"{c.name} appears twice (columns {other.letter} and "
                                                                 f"{c.letter}) with different figures or codes"))
    return list(out.values())


def combined(exports: Sequence[list[Column]]) -> tuple[dict[tuple, dict[str, Decimal]], dict[tuple, Column], list[str]]:
    """Each series' months in its unit, from every export: the latest update gives every month it holds."""
    by_key: dict[tuple, list[Column]] = {}
    for columns in exports:
        for c in columns:
            by_key.setdefault(c.key, []).append(c)
    months: dict[tuple, dict[str, Decimal]] = {}
    latest: dict[tuple, Column] = {}
    notes = []
    for key, cs in by_key.items():
        ordered = sorted(cs, key=lambda c: c.update)
        if len({c.scale for c in cs}) > 1:  # kg in one export, tonnes in another: compare in million tonnes
            merged = {m: v * c.scale for c in ordered for m, v in c.months.items()}
            scale = Decimal(1)
        else:
            merged = {m: v for c in ordered for m, v in c.months.items()}
            scale = ordered[-1].scale
        revised = [m for m in ordered[-1].months if any(m in c.months and c.months[m] * c.scale !=
                                                        ordered[-1].months[m] * ordered[-1].scale for c in ordered[:-1])]
        if revised:
            notes.append(f"{ordered[-1].name}: {ordered[-1].file} (updated {ordered[-1].update}) revises "
                         f"{len(revised)} months of the earlier export ({revised[0]} … {revised[-1]})")
        months[key] = merged
        latest[key] = Column(**{**ordered[-1].__dict__, "scale": scale, "months": merged})
    return months, latest, notes


def _part_year_note(year: str, held: list[str]) -> str:
    listed = ", ".join(m[5:] for m in held)
    note = (f"part-year: {len(held)} of 12 months of {year} have a figure ({listed}); the others are empty in the "
            "export (missing, not zero), so this is not the year's total")
    if f"{year}-01" not in held and f"{year}-02" in held:
        note += "; January is empty and February is not: China Customs often publishes them together, so February may hold both"
    return note


def import_china_customs(files: Sequence[tuple[str, bytes]], retrieved: str | None = None) -> ImportResult:
    result = ImportResult()
    exports = []
    for name, data in files:
        columns, errors, notes = read_export(name, data)
        result.errors += errors
        result.notes += notes
        exports.append(columns)
    if result.errors:
        return result
    months, columns, notes = combined(exports)
    result.notes += notes
    retrieved = retrieved or max(c.update for c in columns.values())
    result.sources.append(_source(retrieved))
    origins = sorted({SPELLINGS.get(c.origin, c.origin) for c in columns.values() if c.origin})
    economies = classify(origins)
    entity_of = {None: WORLD} | {o: (economies[SPELLINGS.get(o, o)].name if economies[SPELLINGS.get(o, o)]
                                     else SPELLINGS.get(o, o)) for o in {c.origin for c in columns.values() if c.origin}}
    for product, words in PRODUCTS.values():
        if any(c.product == product for c in columns.values()):
            result.indicators += indicators_of("china-customs", product, words)
    rows: list[SeriesValue] = []
    annual: dict[tuple[str, str], dict[str, dict[str, Decimal]]] = {}  # (measure, product) -> year -> entity -> value
    for key in sorted(columns, key=lambda k: (k[1], k[0], entity_of[k[2]])):
        c = columns[key]
        measure, product, origin = key
        entity = entity_of[origin]
        indicator = f"china-{product}-imports" + ("-value" if measure == "value" else "")
        by_year: dict[str, list[str]] = {}
        for m in sorted(months[key]):
            by_year.setdefault(m[:4], []).append(m)
        for year, held in by_year.items():
            total = trimmed(sum((months[key][m] for m in held), Decimal(0)) * c.scale)
            if len(held) == 12:
                rows.append(series_row(indicator, entity, year, total, False, SOURCE_ID))
                annual.setdefault((measure, product), {}).setdefault(year, {})[entity] = total
            else:
                rows.append(series_row(f"{indicator}-part-year", entity, f"{held[0]}/{held[-1]}" if len(held) > 1 else held[0], total, False,
                                       SOURCE_ID, note=_part_year_note(year, held)))
    volumes = annual.get(("volume", RANKED), {})
    if volumes:
        result.indicators += indicators_of("china-customs-ranked", RANKED, PRODUCTS["Crude Oil"][1])
    countries = {entity_of[o] for o in entity_of if o and economies.get(SPELLINGS.get(o, o))}
    for year in sorted(volumes):
        values = volumes[year]
        world = values.get(WORLD)
        if not world:  # China's total lacks a month: the export does not cover the year, nothing to rank against
            continue
        for entity in sorted(e for e in values if e != WORLD):
            rows.append(series_row(f"china-{RANKED}-import-share", entity, year, share(values[entity], world),
                                   False, SOURCE_ID))
        ranked = ranks({e: v for e, v in values.items() if e in countries and v > 0})
        for entity in sorted(ranked):
            rows.append(series_row(f"china-{RANKED}-supplier-rank", entity, year, Decimal(ranked[entity]), False,
                                   SOURCE_ID))
    result.series = rows
    return result


def _source(retrieved: str) -> Source:
    return Source.model_validate({
        "source_id": SOURCE_ID, "kind": "statistics", "publisher": PUBLISHER, "dataset": DATASET, "reporter": "China",
        "year": retrieved[:4], "retrieved": retrieved, "url": "http://english.customs.gov.cn/",
        "cited_work": "China Customs statistics: imports by product and country of origin, monthly (Wind database)",
        "definition": ("China's imports as China's customs record them (the importer's records: the exporter's own "
                       "figures differ), by country of origin, monthly; summed to a year only when all twelve months "
                       "have a figure. Volumes in tonnes (not barrels; the file's unit row: kg, ton or 10000 tons), "
                       "values in US$ CIF (cost, insurance and freight to China's border). retrieved: the latest "
                       "update date the export gives."),
    })
