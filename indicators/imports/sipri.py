"""SIPRI Arms Transfers Database trade register (CSV) -> series of each declared supplier's arms exports.

The register (as SIPRI's database generates it) starts with lines of notes (the last two:
"Source: SIPRI Arms Transfers Database (c) SIPRI." and "Data generated: 3 Jan 2025 ..."),
then a header row, then one row per deal and delivery year. `TIV delivery values` are SIPRI
trend-indicator values in millions: a volume of military capability, NOT money. A '0' is a
delivery of less than 0.5 million TIV (counted as 0); an empty value means no delivery
identified (the row is skipped).

For every supplier in SUPPLIERS (s = russia, china) and every delivery year from FIRST_YEAR to
the last year in the file, and every five-year window of those years (2011/2015, rolling):

* `{s}-arms-exports`: TIV delivered to the recipient, unit tiv_mn; entity "World" is the
  supplier's total (every recipient, including non-state actors, organisations and
  "unknown recipient(s)").
* `{s}-arms-importer-rank`: the recipient's rank by TIV among STATES only (1 = largest, ties
  share a rank): non-state actors (SIPRI marks them with '*'), organisations ('**') and
  "unknown recipient(s)" never rank, nor does a name the country classification does not know.
* `{s}-arms-export-share`: the recipient's, and each REGION's, percent of the supplier's total,
  rounded half up to SHARE_DECIMALS decimals.

Recipients are named by the country classification (country_converter): "Viet Nam" is
"Vietnam"; names it does not know keep SIPRI's spelling. Regions group the recipient's UN M49
subregion as regions.csv says (an approximation of SIPRI's own regions; see the README).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from pydantic import ValidationError

from ..csvfile import CsvError, decode_utf8
from ..schema import MAX_DECIMALS, MAX_DIGITS, SeriesValue, Source
from .common import (WORLD, ErrorLog, ImportResult, classify, entity_problem, indicators_of, ranks,
                     region_of_subregion, series_row, share, slug, trimmed, validation_sentence)

SUPPLIERS = ("Russia", "China")
"""The suppliers whose exports become series, as SIPRI spells them."""

RECIPIENTS = ("China",)
"""The recipients whose imports become series (by supplier): how much of China's arms came from Russia."""

SPELLINGS = {"UAE": "United Arab Emirates"}
"""SIPRI abbreviations the country classification does not recognise, spelt out for it."""

FIRST_YEAR = 2000
"""The register holds deals with orders or deliveries from 2000: earlier years are incomplete."""

WINDOW = 5
SOURCE_ID = "sipri-arms-transfers"
DATASET = "SIPRI Arms Transfers Database, trade register"
REQUIRED = ("Supplier", "Recipient", "Delivery year", "TIV delivery values")
HEADER_START = "SIPRI AT Database ID"
_GENERATED = re.compile(r"^Data generated:\s*(\d{1,2} [A-Z][a-z]{2} \d{4})")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                        "Dec"), start=1)}
NOT_A_STATE = re.compile(r"\*$|^unknown ", re.IGNORECASE)
FIRST_RECORDED_YEAR = 1950
"""SIPRI's database starts in 1950; a delivery is also never after the register was generated."""
TIV_DIGITS = MAX_DIGITS - 7
"""Digits before the point of one delivery's TIV: the sum of ten million of them still fits a series value
(the schema's MAX_DIGITS); SIPRI's largest yearly deliveries have four."""
_TIV = re.compile(rf"[0-9]{{1,{TIV_DIGITS}}}(?:\.[0-9]{{1,{MAX_DECIMALS}}})?")


def _generated(line: str) -> str | None:
    match = _GENERATED.match(line.strip())
    if not match:
        return None
    day, month, year = match.group(1).split()
    return f"{year}-{_MONTHS.get(month, 0):02d}-{int(day):02d}" if month in _MONTHS else None


def _generated_problem(date: str) -> str | None:
    """Why a 'Data generated' date cannot be the source's retrieval date (not a real day, out of range), or None."""
    try:
        _source(date)
    except ValidationError as exc:
        return validation_sentence(exc)
    return None


def read_register(file: str, data: bytes) -> tuple[list[tuple[int, dict[str, str]]], str | None, list[CsvError]]:
    """(spreadsheet line, row) for every delivery, the generation date, and errors (capped like a CSV's)."""
    def fail(row, column, value, message):
        return [], None, [CsvError(file, row, column, value, message)]

    if not data.strip():
        return fail(None, None, None, "the file is empty: expected SIPRI's trade register (CSV)")
    if data.startswith(b"PK\x03\x04"):
        return fail(None, None, None, "this is an Excel workbook or a zip, not SIPRI's trade register CSV "
                                      "(an IMF DOTS workbook is imported with `import dots`)")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return fail(line, None, None, f"line {line} holds a NUL byte: this is a binary file, not SIPRI's trade "
                                      "register as downloaded (a UTF-8 CSV)")
    text = decode_utf8(file, data, "expected SIPRI's trade register as downloaded")
    if isinstance(text, CsvError):
        return [], None, [text]
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.startswith(HEADER_START)), None)
    if header_at is None:
        return fail(None, None, None, f"no header row starting {HEADER_START!r}; expected SIPRI's trade register "
                                      f"(notes, then a header with {', '.join(REQUIRED)})")
    generated_at = next((i for i, line in enumerate(lines[:header_at]) if _generated(line)), None)
    generated = None if generated_at is None else _generated(lines[generated_at])
    if generated is not None and (problem := _generated_problem(generated)):
        return fail(generated_at + 1, None, lines[generated_at].strip()[:80],
                    f"line {generated_at + 1}: the 'Data generated' date is not usable as the retrieval date "
                    f"({problem}); expected the date SIPRI writes, e.g. 'Data generated: 3 Jan 2025'")
    last_year = int(generated[:4]) if generated else dt.date.today().year
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])))
    errors = ErrorLog()
    rows = []
    ended = header_at + 1  # the line the last row read ends on
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            return fail(header_at + 1, missing[0], None,
                        f"missing column {missing[0]!r}; expected SIPRI's header with {', '.join(REQUIRED)}")
        for cells in reader:
            n, ended = ended + 1, header_at + reader.line_num  # a quoted cell may span lines
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.append(CsvError(file, n, None, None, f"expected {len(header)} cells, found {len(cells)}"))
                continue
            row = dict(zip(header, (c.strip() for c in cells)))
            year = row["Delivery year"]
            if not re.fullmatch(r"[0-9]{4}", year) or not FIRST_RECORDED_YEAR <= int(year) <= last_year:
                errors.append(CsvError(file, n, "Delivery year", year[:80],
                                       f"expected a year from {FIRST_RECORDED_YEAR} to {last_year} "
                                       + ("(the register was generated then)" if generated else "(this year)")))
                continue
            tiv = row["TIV delivery values"]
            if tiv and not _TIV.fullmatch(tiv):
                errors.append(CsvError(file, n, "TIV delivery values", tiv[:80],
                                       f"expected a plain number of SIPRI TIV millions (e.g. 27 or 5.25) with at "
                                       f"most {TIV_DIGITS} digits before and {MAX_DECIMALS} after the point, or empty"))
                continue
            for column in ("Supplier", "Recipient"):
                if not row[column]:
                    errors.append(CsvError(file, n, column, None, f"expected the {column.lower()}'s name"))
                    break
            else:
                rows.append((n, row))
    except csv.Error:
        line = ended + 1
        errors.append(CsvError(file, line, None, None,
                               f"line {line}: a quoted cell starting on this row is never closed (or runs past "
                               f"{csv.field_size_limit():,} characters); expected SIPRI's register as downloaded, "
                               "where every quote closes within its row"))
    if not rows and not errors:
        errors.append(CsvError(file, header_at + 2, None, None, "the register has a header but no deliveries"))
    return rows, generated, errors.listed()


def import_sipri(file: str, data: bytes, retrieved: str | None = None) -> ImportResult:
    result = ImportResult()
    rows, generated, result.errors = read_register(file, data)
    if result.errors:
        return result
    retrieved = retrieved or generated
    if not retrieved:
        result.errors.append(CsvError(file, None, None, None, "no 'Data generated: …' line in the notes: "
                                      "say when the register was generated (retrieved, an ISO date)"))
        return result
    result.sources.append(_source(retrieved))
    years_in_file = sorted({int(r["Delivery year"]) for _, r in rows})
    last = years_in_file[-1]
    years = [str(y) for y in range(FIRST_YEAR, last + 1)]
    windows = [f"{y - WINDOW + 1}/{y}" for y in range(FIRST_YEAR + WINDOW - 1, last + 1)]
    recipients = _Parties(rows, "Recipient")
    regions = region_of_subregion()
    region = {name: regions.get(e.un_subregion) if e else None for name, e in recipients.economy.items()}
    merged = {}
    for name in recipients.names:
        merged.setdefault(recipients.entity[name], []).append(name)
    for e, names in merged.items():
        if len(names) > 1:
            result.notes.append(f"{file}: {', '.join(map(repr, names))} are counted together as {e!r}")
    unplaced = sorted(n for n in recipients.names if region[n] is None)
    if unplaced:
        result.notes.append(f"{file}: in no region (counted in World only): {', '.join(unplaced)}")
    region_of_entity = {recipients.entity[n]: region[n] for n in recipients.names}
    sides = [("sipri", "Supplier", party, recipients, region_of_entity, ("exports", "export-share", "importer-rank"))
             for party in SUPPLIERS]
    if RECIPIENTS:
        suppliers = _Parties(rows, "Supplier")
        sides += [("sipri-recipient", "Recipient", party, suppliers, {}, ("imports", "import-share", "supplier-rank"))
                  for party in RECIPIENTS]
    for importer, column, party, others, regions_of, names in sides:
        p = _slug_of(party)
        indicators = indicators_of(importer, p, party)
        if problems := _unnamable(file, indicators, others):
            result.errors = problems
            return result
        result.indicators.extend(indicators)
        by_year = _deliveries(rows, column, party, others)
        if not by_year:
            result.notes.append(f"{file}: no deliveries {'by' if column == 'Supplier' else 'to'} {party} "
                                f"from {FIRST_YEAR}")
            continue
        result.series.extend(_flows(by_year, years, windows, *(f"{p}-arms-{n}" for n in names), others.states,
                                    regions_of))
    return result


def _slug_of(country: str) -> str:
    economy = classify([country])[country]
    return slug(economy.name if economy else country)


class _Parties:
    """The register's names in one column (recipients or suppliers) as series entities, which are states,
    and the line each first appears on (for errors)."""

    def __init__(self, rows, column: str) -> None:
        self.column = column
        self.names = sorted({r[column] for _, r in rows})
        economies = classify([SPELLINGS.get(name, name) for name in self.names])
        self.economy = {name: economies[SPELLINGS.get(name, name)] for name in self.names}
        self.entity = {name: (e.name if e and not NOT_A_STATE.search(name) else name)
                       for name, e in self.economy.items()}
        self.states = {self.entity[n] for n, e in self.economy.items() if e is not None and not NOT_A_STATE.search(n)}
        self.first_line: dict[str, int] = {}
        for line, r in rows:
            self.first_line.setdefault(r[column], line)


def _unnamable(file: str, indicators, parties: _Parties) -> list[CsvError]:
    """A party whose name cannot be a series entity (too long, control characters …): one error each, capped."""
    longest = max((i.indicator_id for i in indicators), key=len)
    problems = ErrorLog()
    for name in parties.names:
        if problem := entity_problem(longest, parties.entity[name]):
            problems.append(CsvError(file, parties.first_line.get(name), parties.column, name[:80],
                                     f"this {parties.column.lower()} cannot name a series ({problem})"))
    return problems.listed() if problems else []


def _deliveries(rows, column: str, party: str, others: _Parties) -> dict[str, dict[str, Decimal]]:
    """year -> the other party (a recipient of `party`'s exports, or a supplier of its imports) -> TIV."""
    by_year: dict[str, dict[str, Decimal]] = {}
    for _, r in rows:
        if r[column] != party or not r["TIV delivery values"] or int(r["Delivery year"]) < FIRST_YEAR:
            continue
        year = by_year.setdefault(r["Delivery year"], {})
        name = others.entity[r[others.column]]
        year[name] = year.get(name, Decimal(0)) + Decimal(r["TIV delivery values"])
    return by_year


def _flows(by_year, years, windows, total_id: str, share_id: str, rank_id: str, states: set[str],
           region_of_entity: dict[str, str | None]) -> list[SeriesValue]:
    """One party's deliveries by counterpart per year and five-year window: TIV (World = total), shares
    (and regions' shares when regions are given), ranks among states."""
    periods = {y: by_year.get(y, {}) for y in years}
    for w in windows:
        first, end = (int(p) for p in w.split("/"))
        total: dict[str, Decimal] = {}
        for y in range(first, end + 1):
            for name, v in by_year.get(str(y), {}).items():
                total[name] = total.get(name, Decimal(0)) + v
        periods[w] = total
    rows_out: list[SeriesValue] = []
    for period, values in periods.items():
        if not values:
            continue
        world = sum(values.values(), Decimal(0))
        for name in sorted(values):
            rows_out.append(series_row(total_id, name, period, trimmed(values[name]), False, SOURCE_ID))
        rows_out.append(series_row(total_id, WORLD, period, trimmed(world), False, SOURCE_ID))
        if world > 0:
            for name in sorted(values):
                rows_out.append(series_row(share_id, name, period, share(values[name], world), False, SOURCE_ID))
            by_region: dict[str, Decimal] = {}
            for name, v in values.items():
                if region_of_entity.get(name):
                    by_region[region_of_entity[name]] = by_region.get(region_of_entity[name], Decimal(0)) + v
            for name in sorted(by_region):
                rows_out.append(series_row(share_id, name, period, share(by_region[name], world), False, SOURCE_ID,
                                           note="region: UN M49 subregions grouped as indicators/imports/regions.csv"))
        ranked = ranks({n: v for n, v in values.items() if n in states and v > 0})
        for name in sorted(ranked):
            rows_out.append(series_row(rank_id, name, period, Decimal(ranked[name]), False, SOURCE_ID))
    return rows_out


def _source(retrieved: str) -> Source:
    return Source.model_validate({
        "source_id": SOURCE_ID, "kind": "statistics", "publisher": "Stockholm International Peace Research Institute (SIPRI)",
        "dataset": DATASET, "reporter": "SIPRI", "year": retrieved[:4], "retrieved": retrieved,
        "url": "https://www.sipri.org/databases/armstransfers",
        "cited_work": "SIPRI Arms Transfers Database",
        "definition": ("Deliveries of major conventional arms by supplier, recipient and year, in SIPRI "
                       "trend-indicator values (TIV, millions): a volume of military capability transferred, not "
                       "money. SIPRI compares five-year periods because single years are volatile; the database is "
                       "revised as new information arrives."),
    })
