"""IMF Direction of Trade Statistics workbooks -> series of one reporter's trade by partner.

A DOTS workbook (as the IMF's data portal exports it) holds one reporter's annual
merchandise trade: sheet "Exports, FOB" and sheet "Imports, CIF"; rows 1-6 are a title
block (row 2 the flow, row 4 the reporter, row 5 the unit "US Dollars, Millions"), row 7
the years from column C, and from row 8 one partner per row (column B) with its values.
A cell is a number, a text such as "0.20 e" (an IMF estimate), or empty (missing, not zero).

For the reporter R (named by the country classification: china, russia, vietnam) it yields:

* `{r}-trade`: R's exports + imports with the partner, US$ bn (millions / 1000 to the dollar, exact
  decimal arithmetic on the numbers the cells hold). A value exists only when BOTH flows are
  reported for that year: with one flow missing the total is unknown, not the other flow.
  Entity "World" is R's total trade. estimate = either cell is an IMF estimate.
* `{r}-trade-share`: the partner's share of R's total trade (World), percent, rounded half up
  to `SHARE_DECIMALS` decimals, for every partner and aggregate but World.
* `{r}-trade-partner-rank`: rank by `{r}-trade` among countries and territories only (those
  with an ISO 3166 code in country_converter), 1 = largest, ties share a rank; aggregates
  (World, European Union, Euro Area, regions, "... not specified", economy groups) and former
  states never rank. When several partners map to one code (Czechoslovakia and Czech Rep.,
  the two former Yemens), the one reported most recently is the country; the others keep the
  workbook's name and do not rank. Zero trade does not rank.

Only years from FIRST_YEAR are generated (see its note). Pure: bytes and a file name in,
typed rows and errors out (errors name file[sheet], row, column and what was expected).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..csvfile import CsvError, ErrorCode
from ..schema import MAX_DIGITS, SeriesValue, Source
from .common import (WORLD, Economy, ErrorLog, ImportResult, classify, entity_problem, indicators_of, ranks,
                     series_row, share, trimmed, unreadable, workbook_xml_problem)

SHEETS = {"exports": "Exports, FOB", "imports": "Imports, CIF"}
TITLES = {"exports": "Exports, FOB to Partner Countries", "imports": "Imports, CIF from Partner Countries"}
UNIT_TEXT = "US Dollars, Millions"
YEAR_ROW, FIRST_DATA_ROW = 7, 8
FIRST_YEAR = 1992
"""Years before 1992 are left out: Russia reports from 1992 (the Soviet Union before), the
article's figures are from 2005-2016, and every page loads series.csv whole (all years of the
three workbooks would be about twice the rows for no claim)."""

DATASET = "Direction of Trade Statistics (DOTS)"
_ESTIMATE = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?) e$")


@dataclass
class Sheet:
    title: str
    reporter: str
    years: list[str]
    values: dict[str, dict[str, tuple[Decimal, bool]]] = field(default_factory=dict)  # partner -> year -> (US$ mn, estimate)
    last_year: dict[str, str] = field(default_factory=dict)  # partner -> latest year with a value
    cells: dict[str, tuple] = field(default_factory=dict, repr=False)  # partner -> its raw cells
    rows: dict[str, int] = field(default_factory=dict, repr=False)  # partner -> its first row


@dataclass
class DotsResult(ImportResult):
    """An import's rows, and the reporter the workbook is about."""

    reporter: Economy | None = None


def _cell_name(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _read_sheet(file: str, ws, flow: str, errors: ErrorLog) -> Sheet | None:
    where = f"{file}[{ws.title}]"

    def fail(row, column, value, message):
        errors.append(CsvError(where, row, column, None if value is None else str(value)[:80], message, ErrorCode.workbook))

    rows = ws.iter_rows(values_only=True)
    head = []
    for _ in range(YEAR_ROW):
        head.append(next(rows, ()))
    head = [tuple(r) + (None,) * 3 for r in head]
    title, reporter, unit = head[1][1], head[3][1], head[4][1]
    if title != TITLES[flow]:
        fail(2, "B", title, f"expected the title {TITLES[flow]!r} in cell B2 (the DOTS title block is rows 1-6)")
        return None
    if not isinstance(reporter, str) or not reporter.strip():
        fail(4, "B", reporter, "expected the reporting country in cell B4")
        return None
    if unit != UNIT_TEXT:
        fail(5, "B", unit, f"expected the unit {UNIT_TEXT!r} in cell B5")
        return None
    header = head[YEAR_ROW - 1]
    years = []
    for i, cell in enumerate(header[2:], start=3):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            break
        text = str(cell).strip()
        if not re.fullmatch(r"[12][0-9]{3}", text) or (years and int(text) <= int(years[-1])):
            fail(YEAR_ROW, _cell_name(i), cell, (f"expected a year after {years[-1]}" if years else "expected a year")
                 + f" in row 7 (the years run from column C), found {cell!r}")
            return None
        years.append(text)
    if header[1] not in (None, "") or not years:
        fail(YEAR_ROW, "C" if not years else "B", header[2] if not years else header[1],
             "expected the years in row 7 from column C (and column B empty): is the header shifted?")
        return None
    sheet = Sheet(ws.title, reporter.strip(), years)
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        row = tuple(row) + (None,) * (len(years) + 2)
        partner = row[1]
        cells = row[2 : 2 + len(years)]
        if any(v not in (None, "") for v in row[2 + len(years):]):
            extra = next(i for i, v in enumerate(row[2 + len(years):], start=3 + len(years)) if v not in (None, ""))
            fail(r, _cell_name(extra), row[extra - 1], "a value beyond the last year of row 7")
            continue
        if not isinstance(partner, str) or not partner.strip():
            if partner is not None or any(v not in (None, "") for v in cells):
                fail(r, "B", partner, "expected the partner's name in column B")
            continue
        partner = partner.strip()
        if partner in sheet.values:
            if sheet.cells[partner] != cells:
                fail(r, "B", partner, f"partner {partner!r} appears twice (first at row {sheet.rows[partner]}) "
                                      "with different values")
            continue  # the IMF's export repeats a partner (Australia) with the same values: one row
        sheet.cells[partner], sheet.rows[partner] = cells, r
        values = sheet.values[partner] = {}
        for c, (year, cell) in enumerate(zip(years, cells), start=3):
            parsed = _number(cell)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                fail(r, _cell_name(c), cell, f"{year} for {partner}: {parsed}")
                continue
            values[year] = parsed
            sheet.last_year[partner] = year
    if not sheet.values:
        fail(FIRST_DATA_ROW, "B", None, "expected partners from row 8, found none")
        return None
    return sheet


BN_DECIMALS = 9
"""US$ bn to the dollar: the workbooks hold binary doubles whose last digits are float noise
(548.9999999999999 for 549), and a sum of two such cells has more digits than any figure needs."""


def usd_bn(millions: Decimal) -> Decimal:
    """US$ millions as US$ bn, exact to the dollar (half up), trailing zeros dropped."""
    return trimmed(millions.scaleb(-3).quantize(Decimal(1).scaleb(-BN_DECIMALS), rounding=ROUND_HALF_UP))


def _number(cell) -> tuple[Decimal, bool] | str | None:
    """(US$ millions, is an estimate), None for an empty cell, or what was expected."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "expected a number of US$ millions (or a number then ' e'), found a true/false cell"
    if isinstance(cell, int):
        number, estimate = Decimal(cell), False
    elif isinstance(cell, float):
        # The cell holds a binary double; repr is the shortest decimal that is exactly that
        # double, i.e. the number as the workbook holds it (no float arithmetic after this).
        if cell != cell or cell in (float("inf"), float("-inf")):
            return "expected a number of US$ millions, found NaN or infinity"
        number, estimate = Decimal(repr(cell)), False
    elif isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None
        match = _ESTIMATE.fullmatch(text)
        if match is None:
            try:
                number, estimate = Decimal(text), False
                if not number.is_finite() or not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", text):
                    raise ValueError
            except (ArithmeticError, ValueError):
                return (f"expected a number of US$ millions, or a number then ' e' for an IMF estimate "
                        f"(e.g. '0.20 e'); found {text[:40]!r}")
        else:
            number, estimate = Decimal(match.group(1)), True
    else:
        return f"expected a number of US$ millions, found a {type(cell).__name__} cell"
    if number < 0:
        return "expected a number of US$ millions of 0 or more, found a negative value"
    if number and number.adjusted() >= MAX_DIGITS:
        return (f"expected a number of US$ millions with at most {MAX_DIGITS} digits before the point, "
                f"found {cell!r:.40}")
    return number, estimate


EXPECTED = "an IMF DOTS workbook (.xlsx) as the IMF's data portal exports it"


def read_workbook(file: str, data: bytes) -> tuple[dict[str, Sheet], list[CsvError]]:
    """The two sheets, or errors (capped like a CSV's): every failure of the reader is a sentence."""
    errors = ErrorLog()
    if not data.strip():
        return {}, [CsvError(file, None, None, None, "the file is empty: expected an IMF DOTS workbook (.xlsx)")]
    if not data.startswith(b"PK\x03\x04"):
        hint = " (this looks like a CSV or text file)" if b"," in data[:2000] or data[:1].isascii() else ""
        return {}, [CsvError(file, None, None, None,
                             f"not an Excel workbook{hint}: expected an IMF DOTS .xlsx with sheets "
                             f"{SHEETS['exports']!r} and {SHEETS['imports']!r}")]
    from openpyxl import load_workbook

    try:
        if problem := workbook_xml_problem(data):
            return {}, [CsvError(file, None, None, None, f"refused without reading it: {problem}; expected {EXPECTED}")]
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        return {}, [CsvError(file, None, None, None, f"unreadable workbook ({type(exc).__name__}: {str(exc)[:200]}); "
                                                     "expected an IMF DOTS .xlsx")]
    except Exception as exc:  # noqa: BLE001 - XML that is not well-formed, entities, …: a sentence
        return {}, [unreadable(file, exc, EXPECTED)]
    sheets = {}
    name = None
    try:
        for flow, name in SHEETS.items():
            if name not in wb.sheetnames:
                errors.append(CsvError(file, None, None, None,
                                       f"no sheet {name!r}; the workbook has {', '.join(map(repr, wb.sheetnames))}; "
                                       f"expected {SHEETS['exports']!r} and {SHEETS['imports']!r}"))
                continue
            sheet = _read_sheet(file, wb[name], flow, errors)
            if sheet is not None:
                sheets[flow] = sheet
    except Exception as exc:  # noqa: BLE001 - a sheet's XML is read lazily, row by row
        return {}, [unreadable(f"{file}[{name}]", exc, EXPECTED)]
    finally:
        wb.close()
    if len(sheets) == 2 and sheets["exports"].reporter != sheets["imports"].reporter:
        errors.append(CsvError(f"{file}[{SHEETS['imports']}]", 4, "B", sheets["imports"].reporter,
                               f"the two sheets name different reporters ({sheets['exports'].reporter!r} "
                               f"and {sheets['imports'].reporter!r})"))
    return sheets, errors.listed()


def import_dots(file: str, data: bytes, retrieved: str | None, first_year: int = FIRST_YEAR) -> DotsResult:
    result = DotsResult()
    sheets, result.errors = read_workbook(file, data)
    if result.errors:
        return result
    if not retrieved:
        result.errors.append(CsvError(file, None, None, None, "say when the workbook was downloaded "
                                      "(retrieved, an ISO date such as 2022-02-02): a DOTS workbook does not say"))
        return result
    exports, imports = sheets["exports"], sheets["imports"]
    reporter = classify([exports.reporter])[exports.reporter]
    if reporter is None:
        result.errors.append(CsvError(f"{file}[{exports.title}]", 4, "B", exports.reporter,
                                      "expected a reporting country the country classification knows"))
        return result
    result.reporter = reporter
    r = reporter.name.lower().replace(" ", "-")
    source_id = f"imf-dots-{r}"
    result.sources.append(_source(source_id, reporter.name, retrieved))
    result.indicators.extend(indicators_of("dots", r, reporter.name))

    partners = list(dict.fromkeys([*exports.values, *imports.values]))
    economies = classify(partners)
    latest = {p: max(exports.last_year.get(p, "0"), imports.last_year.get(p, "0")) for p in partners}
    country_of: dict[str, Economy] = {}
    by_code: dict[str, list[str]] = {}
    for p in partners:
        if economies[p] is not None:
            by_code.setdefault(economies[p].iso3, []).append(p)
    for code, names in by_code.items():
        current = max(names, key=lambda p: (latest[p], -partners.index(p)))
        country_of[current] = economies[current]
        for other in names:
            if other != current:
                result.notes.append(f"{file}: {other!r} is a former name of {economies[current].name} "
                                    f"({current!r} is reported more recently): kept by its own name, never ranked")
    entity = {p: (country_of[p].name if p in country_of else p) for p in partners}
    if len(set(entity.values())) != len(entity):
        counts = Counter(entity.values())
        clash = sorted(e for e, n in counts.items() if n > 1)[:20]
        result.errors.append(CsvError(file, None, None, None, f"several partners would be named {clash}: "
                                      "rename them in the workbook"))
        return result
    if WORLD not in entity:
        result.errors.append(CsvError(f"{file}[{exports.title}]", None, "B", None,
                                      "expected a partner row 'World' (the reporter's total trade)"))
        return result
    longest = max((i.indicator_id for i in result.indicators), key=len)
    problems = ErrorLog()
    for p in partners:
        if problem := entity_problem(longest, entity[p]):
            sheet = exports if p in exports.rows else imports
            problems.append(CsvError(f"{file}[{sheet.title}]", sheet.rows[p], "B", p[:80],
                                     f"this partner cannot name a series ({problem})", ErrorCode.workbook))
    if problems:
        result.errors = problems.listed()
        return result

    years = [y for y in dict.fromkeys([*exports.years, *imports.years]) if int(y) >= first_year]
    trade: dict[str, dict[str, tuple[Decimal, bool]]] = {}  # year -> partner -> (US$ mn, estimate)
    for p in partners:
        x_values, m_values = exports.values.get(p, {}), imports.values.get(p, {})
        for y in years:
            if y in x_values and y in m_values:
                (x, xe), (m, me) = x_values[y], m_values[y]
                trade.setdefault(y, {})[p] = (x + m, xe or me)
    beyond = ErrorLog()  # a partner's trade is part of World's: a share over 100 is the workbook's error
    for y, year in trade.items():
        world = year.get(WORLD)
        for p, (total, _) in year.items():
            if world is not None and p != WORLD and total > world[0]:
                column = _cell_name(3 + exports.years.index(y)) if y in exports.years else None
                beyond.append(CsvError(
                    f"{file}[{exports.title}]", exports.rows.get(p), column, p[:80],
                    f"{p}'s trade in {y} (exports plus imports, {trimmed(total)} US$ mn) exceeds World's "
                    f"({trimmed(world[0])}): expected a partner's trade to be part of the reporter's total",
                    ErrorCode.workbook))
    if beyond:
        result.errors = beyond.listed()
        return result
    rows: list[SeriesValue] = []
    for p in partners:
        for y in years:
            if p in trade.get(y, {}):
                total, est = trade[y][p]
                rows.append(series_row(f"{r}-trade", entity[p], y, usd_bn(total), est, source_id))
    for p in partners:
        if p == WORLD:
            continue
        for y in years:
            year = trade.get(y, {})
            if p in year and WORLD in year and year[WORLD][0] > 0:
                (part, pe), (whole, we) = year[p], year[WORLD]
                rows.append(series_row(f"{r}-trade-share", entity[p], y, share(part, whole), pe or we, source_id))
    ranked: dict[str, dict[str, int]] = {}
    for y in years:
        values = {p: v for p, (v, _) in trade.get(y, {}).items() if p in country_of and v > 0}
        ranked[y] = ranks(values)
    for p in partners:
        for y in years:
            if p in ranked[y]:
                rows.append(series_row(f"{r}-trade-partner-rank", entity[p], y, Decimal(ranked[y][p]),
                                       trade[y][p][1], source_id))
    result.series = rows
    return result


def _source(source_id: str, reporter: str, retrieved: str) -> Source:
    return Source.model_validate({
        "source_id": source_id, "kind": "statistics", "publisher": "International Monetary Fund (IMF)",
        "dataset": DATASET, "reporter": reporter, "year": retrieved[:4], "retrieved": retrieved,
        "url": "https://data.imf.org/",
        "cited_work": f"{DATASET}, {reporter}: Exports, FOB and Imports, CIF by partner, annual",
        "definition": (f"Merchandise trade as {reporter} reports it to the IMF, by partner: exports valued FOB, "
                       "imports CIF, US$ millions, annual. The partner's own report (mirror statistics) differs: "
                       "CIF vs FOB, re-exports via Hong Kong, timing, exchange rates. Later releases revise figures."),
    })
