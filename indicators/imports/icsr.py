"""ICSR's estimates of foreign fighters in Syria and Iraq by country of origin -> dated series of estimates.

The file (a researchers' transcription of ICSR's published tables, CC BY 3.0) has the header
`country,countrycode,icsr.date,icsr.low,icsr.high,icsr.mean`: one row per country and date
(YYYYMMDD: 17 Dec 2013, 26 Jan 2015). Where ICSR gave a range, low and high are filled and the
mean is their midpoint; where it gave one number, low and high are empty and the number is the
mean. `NA` is no estimate (no row). A range that does not hold its number (a transcription slip:
Qatar 2013, 15 to 14 with 14.5) is left out with a note: what ICSR gave is unclear.

They are ESTIMATES, not statistics: cumulative counts of people who went, as of the date, from
government figures, media and researchers. The source is of kind `estimates`, so nothing judges a
claim by them; `indicators.estimates` sets them beside the claims as notes.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from ..csvfile import CsvError
from ..schema import SeriesValue, Source
from .common import ImportResult, classify, indicators_of, series_row, trimmed

HEADER = ("country", "countrycode", "icsr.date", "icsr.low", "icsr.high", "icsr.mean")
SOURCE_ID = "icsr-foreign-fighters"
_INDICATOR = "foreign-fighters-icsr"
MISSING = "NA"
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def recognised(data: bytes) -> bool:
    first = data[:2000].decode("utf-8-sig", errors="replace").splitlines()[:1]
    return bool(first) and first[0].replace(" ", "").startswith("country,countrycode,icsr.")


def import_icsr(file: str, data: bytes, retrieved: str | None) -> ImportResult:
    result = ImportResult()

    def fail(row, column, value, message):
        result.errors.append(CsvError(file, row, column, value, message))

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(None, None, None, "the file is not UTF-8: expected ICSR's estimates as a CSV")
        return result
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        fail(1, None, ",".join(rows[0])[:80] if rows else None, f"expected the header {','.join(HEADER)}")
        return result
    parsed = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(HEADER):
            fail(n, None, None, f"expected {len(HEADER)} cells, found {len(row)}")
            continue
        cells = dict(zip(HEADER, (c.strip() for c in row)))
        date = cells["icsr.date"]
        if not re.fullmatch(r"[12][0-9]{3}[01][0-9][0-3][0-9]", date):
            fail(n, "icsr.date", date, "expected a date as YYYYMMDD, e.g. 20150126")
            continue
        numbers = {}
        for column in ("icsr.low", "icsr.high", "icsr.mean"):
            cell = cells[column]
            if cell in ("", MISSING):
                numbers[column] = None
            elif _NUMBER.fullmatch(cell):
                numbers[column] = Decimal(cell)
            else:
                fail(n, column, cell, f"expected a number of fighters, {MISSING} or an empty cell")
        if len(result.errors):
            continue
        parsed.append((n, cells, f"{date[:4]}-{date[4:6]}-{date[6:]}", numbers))
    if result.errors:
        return result
    if not parsed:
        fail(2, None, None, "expected estimates after the header, found none")
        return result
    if not retrieved:
        fail(None, None, None, "say when the file was retrieved (retrieved, an ISO date): ICSR's estimates do not say")
        return result
    names = classify([c["countrycode"] for _, c, _, _ in parsed] + [c["country"] for _, c, _, _ in parsed])
    rows_out: list[SeriesValue] = []
    for n, cells, period, numbers in parsed:
        economy = names.get(cells["countrycode"]) or names.get(cells["country"])
        entity = economy.name if economy else cells["country"].title()
        low, high, mean = numbers["icsr.low"], numbers["icsr.high"], numbers["icsr.mean"]
        if mean is None:
            result.notes.append(f"{file}:{n}: no estimate for {entity} on {period} ({MISSING})")
            continue
        if (low is None) != (high is None) or (low is not None and not low <= mean <= high):
            result.notes.append(f"{file}:{n}: {entity} {period} left out: the transcription's range ({low} to "
                                f"{high}) does not hold its number {mean}, so what ICSR gave is unclear")
            continue
        row = series_row(_INDICATOR, entity, period, trimmed(mean), True, SOURCE_ID)
        if low is not None and high is not None and low != high:
            row = SeriesValue.model_validate({**row.model_dump(mode="json"), "low": str(trimmed(low)),
                                              "high": str(trimmed(high))})
        rows_out.append(row)
    result.sources.append(_source(retrieved, max(r.period for r in rows_out)[:4]))
    result.indicators += indicators_of("icsr", "", "")
    result.series = rows_out
    return result


def _source(retrieved: str, year: str) -> Source:
    return Source.model_validate({
        "source_id": SOURCE_ID, "kind": "estimates",
        "publisher": "International Centre for the Study of Radicalisation (ICSR), King’s College London",
        "dataset": "ICSR estimates of foreign fighters in Syria and Iraq by country of origin (17 Dec 2013, "
                   "26 Jan 2015), transcribed by Derpanopoulos and Sonnet",
        "reporter": "ICSR", "year": year, "retrieved": retrieved,
        "url": "https://icsr.info/2015/01/26/foreign-fighter-total-syriairaq-now-exceeds-20000-surpasses-afghanistan-conflict-1980s/",
        "cited_work": "Neumann, Foreign fighter total in Syria/Iraq now exceeds 20,000 (ICSR, 26 Jan 2015)",
        "definition": ("Estimates, not statistics: cumulative numbers of people from each country who went to Syria "
                       "and Iraq to fight (any group, not only ISIS), as of the date, compiled from government "
                       "figures, media and researchers; a range where ICSR gave one (the value is its midpoint). "
                       "Other estimates (Soufan Group, governments) differ. Licensed CC BY 3.0."),
    })
