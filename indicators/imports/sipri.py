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
import io
import re
from decimal import Decimal

from ..csvfile import CsvError
from ..schema import SeriesValue, Source
from .common import (WORLD, ImportResult, classify, indicators_of, ranks, region_of_subregion, series_row, share,
                     slug, trimmed)

SUPPLIERS = ("Russia", "China")
"""The suppliers whose exports become series, as SIPRI spells them."""

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


def _generated(line: str) -> str | None:
    match = _GENERATED.match(line.strip())
    if not match:
        return None
    day, month, year = match.group(1).split()
    return f"{year}-{_MONTHS.get(month, 0):02d}-{int(day):02d}" if month in _MONTHS else None


def read_register(file: str, data: bytes) -> tuple[list[tuple[int, dict[str, str]]], str | None, list[CsvError]]:
    """(spreadsheet line, row) for every delivery, the generation date, and errors."""
    def fail(row, column, value, message):
        return [], None, [CsvError(file, row, column, value, message)]

    if not data.strip():
        return fail(None, None, None, "the file is empty: expected SIPRI's trade register (CSV)")
    if data.startswith(b"PK\x03\x04"):
        return fail(None, None, None, "this is an Excel workbook or a zip, not SIPRI's trade register CSV "
                                      "(an IMF DOTS workbook is imported with `import dots`)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return fail(line, None, None, f"the file is not UTF-8 (byte 0x{data[exc.start:exc.start + 1].hex().upper()} "
                                      f"on line {line}); expected SIPRI's trade register as downloaded")
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.startswith(HEADER_START)), None)
    if header_at is None:
        return fail(None, None, None, f"no header row starting {HEADER_START!r}; expected SIPRI's trade register "
                                      f"(notes, then a header with {', '.join(REQUIRED)})")
    generated = next((g for g in map(_generated, lines[:header_at]) if g), None)
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return fail(header_at + 1, missing[0], None,
                    f"missing column {missing[0]!r}; expected SIPRI's header with {', '.join(REQUIRED)}")
    errors: list[CsvError] = []
    rows = []
    for n, cells in enumerate(reader, start=header_at + 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(CsvError(file, n, None, None, f"expected {len(header)} cells, found {len(cells)}"))
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        year = row["Delivery year"]
        if not re.fullmatch(r"[12][0-9]{3}", year):
            errors.append(CsvError(file, n, "Delivery year", year, "expected a year such as 2015"))
            continue
        tiv = row["TIV delivery values"]
        if tiv and not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", tiv):
            errors.append(CsvError(file, n, "TIV delivery values", tiv,
                                   "expected a plain number of SIPRI TIV millions (e.g. 27 or 5.25), or empty"))
            continue
        rows.append((n, row))
    if not rows and not errors:
        errors.append(CsvError(file, header_at + 2, None, None, "the register has a header but no deliveries"))
    return rows, generated, errors


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
    recipients = sorted({r["Recipient"] for _, r in rows})
    economies = classify([SPELLINGS.get(name, name) for name in recipients])
    economy = {name: economies[SPELLINGS.get(name, name)] for name in recipients}
    entity = {name: (e.name if e and not NOT_A_STATE.search(name) else name) for name, e in economy.items()}
    state = {name for name, e in economy.items() if e is not None and not NOT_A_STATE.search(name)}
    regions = region_of_subregion()
    region = {name: regions.get(e.un_subregion) if e else None for name, e in economy.items()}
    merged = {}
    for name in recipients:
        merged.setdefault(entity[name], []).append(name)
    for e, names in merged.items():
        if len(names) > 1:
            result.notes.append(f"{file}: {', '.join(map(repr, names))} are counted together as {e!r}")
    unplaced = sorted(n for n in recipients if region[n] is None)
    if unplaced:
        result.notes.append(f"{file}: in no region (counted in World only): {', '.join(unplaced)}")
    for supplier in SUPPLIERS:
        s = slug(classify([supplier])[supplier].name if classify([supplier])[supplier] else supplier)
        result.indicators.extend(indicators_of("sipri", s, supplier))
        by_year: dict[str, dict[str, Decimal]] = {}  # year -> entity -> TIV
        for _, r in rows:
            if r["Supplier"] != supplier or not r["TIV delivery values"] or int(r["Delivery year"]) < FIRST_YEAR:
                continue
            year = by_year.setdefault(r["Delivery year"], {})
            name = entity[r["Recipient"]]
            year[name] = year.get(name, Decimal(0)) + Decimal(r["TIV delivery values"])
        if not by_year:
            result.notes.append(f"{file}: no deliveries by {supplier} from {FIRST_YEAR}")
            continue
        periods = {y: by_year.get(y, {}) for y in years}
        for w in windows:
            first, end = (int(p) for p in w.split("/"))
            total: dict[str, Decimal] = {}
            for y in range(first, end + 1):
                for name, v in by_year.get(str(y), {}).items():
                    total[name] = total.get(name, Decimal(0)) + v
            periods[w] = total
        state_entities = {entity[n] for n in state}
        region_of_entity = {entity[n]: region[n] for n in recipients}
        rows_out: list[SeriesValue] = []
        for period, values in periods.items():
            if not values:
                continue
            world = sum(values.values(), Decimal(0))
            for name in sorted(values):
                rows_out.append(series_row(f"{s}-arms-exports", name, period, trimmed(values[name]), False, SOURCE_ID))
            rows_out.append(series_row(f"{s}-arms-exports", WORLD, period, trimmed(world), False, SOURCE_ID))
            if world > 0:
                for name in sorted(values):
                    rows_out.append(series_row(f"{s}-arms-export-share", name, period, share(values[name], world),
                                               False, SOURCE_ID))
                by_region: dict[str, Decimal] = {}
                for name, v in values.items():
                    if region_of_entity.get(name):
                        by_region[region_of_entity[name]] = by_region.get(region_of_entity[name], Decimal(0)) + v
                for name in sorted(by_region):
                    rows_out.append(series_row(f"{s}-arms-export-share", name, period, share(by_region[name], world),
                                               False, SOURCE_ID, note="region: UN M49 subregions grouped as "
                                                                      "indicators/imports/regions.csv"))
            ranked = ranks({n: v for n, v in values.items() if n in state_entities and v > 0})
            for name in sorted(ranked):
                rows_out.append(series_row(f"{s}-arms-importer-rank", name, period, Decimal(ranked[name]), False,
                                           SOURCE_ID))
        result.series.extend(rows_out)
    return result


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
