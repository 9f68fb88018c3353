"""The official statistics as the importers read them: exact cells, estimates, gaps, ranks, broken files."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import openpyxl
import pytest

from indicators.imports import kind_of, merged_files, read_upload
from indicators.imports.common import classify
from indicators.imports.dots import import_dots
from indicators.imports.sipri import SUPPLIERS, import_sipri

from .conftest import DATA

DOTS = DATA / "reference" / "imf-dots"
SIPRI = DATA / "reference" / "sipri" / "trade-register-2000-2030.csv"
RETRIEVED = "2022-02-02"


@cache
def dots(name: str, first_year: int | None = None):
    kw = {"first_year": first_year} if first_year else {}
    result = import_dots(name, (DOTS / name).read_bytes(), RETRIEVED, **kw)
    assert result.errors == []
    return result


@cache
def sipri():
    result = import_sipri(SIPRI.name, SIPRI.read_bytes())
    assert result.errors == []
    return result


def values(result, indicator_id: str) -> dict[tuple[str, str], object]:
    return {(r.entity, r.period): r for r in result.series if r.indicator_id == indicator_id}


@cache
def sheet_cells(name: str, sheet: str) -> dict[tuple[str, str], object]:
    """(partner, year) -> the cell as openpyxl reads it, looked up independently of the importer."""
    wb = openpyxl.load_workbook(DOTS / name, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    years = [str(y) for y in rows[6][2:] if y is not None]
    out = {}
    for row in rows[7:]:
        for year, cell in zip(years, row[2:]):
            out.setdefault((row[1], year), cell)
    return out


# --------------------------------------------------------------------------- DOTS


def test_known_figures_of_the_article_read_exactly():
    china, russia = values(dots("DOTS_40.xlsx"), "china-trade"), values(dots("DOTS_162.xlsx"), "russia-trade")
    assert str(china[("Russia", "2014")].value) == "95.243822631"  # the $95bn of 2014, as China reports it
    assert str(china[("Russia", "2015")].value) == "67.954953564"
    assert str(russia[("China", "2015")].value) == "63.552217219"  # Russia's mirror figure
    assert str(values(dots("DOTS_162.xlsx"), "russia-trade")[("Vietnam", "2015")].value) == "3.896016494"


@pytest.mark.parametrize("workbook, partner, entity", [
    ("DOTS_40.xlsx", "Russian Federation", "Russia"), ("DOTS_40.xlsx", "Germany", "Germany"),
    ("DOTS_40.xlsx", "China, P.R.: Hong Kong", "Hong Kong"), ("DOTS_162.xlsx", "China, P.R.: Mainland", "China"),
    ("DOTS_162.xlsx", "European Union", "European Union"), ("DOTS_162.xlsx", "World", "World"),
    ("DOTS_213.xlsx", "Russian Federation", "Russia"), ("DOTS_213.xlsx", "Korea, Rep. of", "South Korea"),
])
@pytest.mark.parametrize("year", ["1995", "2005", "2014", "2015", "2020"])
def test_trade_is_exports_plus_imports_as_the_cells_hold_them(workbook, partner, entity, year):
    result = dots(workbook)
    r = result.reporter.name.lower()
    x = sheet_cells(workbook, "Exports, FOB").get((partner, year))
    m = sheet_cells(workbook, "Imports, CIF").get((partner, year))
    got = values(result, f"{r}-trade").get((entity, year))
    if x is None or m is None:
        assert got is None
        return
    assert got is not None and got.estimate is False
    # the cells are binary doubles: their shortest decimal, summed exactly, in US$ bn to the dollar
    exact = (Decimal(repr(x)) + Decimal(repr(m))) / 1000
    assert got.value == exact.quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    assert abs(got.value - exact) <= Decimal("0.0000000005")
    assert got.value.as_tuple().exponent >= -9


def test_estimates_are_marked_and_their_figure_kept():
    result = dots("DOTS_213.xlsx", first_year=1980)  # the IMF's estimates are Vietnam's 1981-84 cells
    assert sheet_cells("DOTS_213.xlsx", "Exports, FOB")[("Australia", "1981")] == "0.20 e"
    assert sheet_cells("DOTS_213.xlsx", "Imports, CIF")[("Australia", "1981")] == "9.78 e"
    row = values(result, "vietnam-trade")[("Australia", "1981")]
    assert row.estimate is True and row.value == Decimal("0.00998")
    assert values(result, "vietnam-trade-share")[("Australia", "1981")].estimate is True
    plain = values(result, "vietnam-trade")[("Australia", "2015")]
    assert plain.estimate is False
    assert not any(r.estimate for r in dots("DOTS_213.xlsx").series)  # none from 1992: no estimate invented


def test_an_empty_cell_is_missing_not_zero():
    exports, imports = sheet_cells("DOTS_162.xlsx", "Exports, FOB"), sheet_cells("DOTS_162.xlsx", "Imports, CIF")
    assert exports[("China, P.R.: Macao", "2010")] is None and imports[("China, P.R.: Macao", "2010")] > 0
    russia = dots("DOTS_162.xlsx")
    macao = classify(["China, P.R.: Macao"])["China, P.R.: Macao"].name
    for indicator in ("russia-trade", "russia-trade-share", "russia-trade-partner-rank"):
        assert (macao, "2010") not in values(russia, indicator)
    both = [y for y in map(str, range(1992, 2021))
            if exports[("China, P.R.: Macao", y)] is not None and imports[("China, P.R.: Macao", y)] is not None]
    assert both and all((macao, y) in values(russia, "russia-trade") for y in both)
    zero_or_gap = [y for y in map(str, range(1992, 2021)) if y not in both]
    assert not any((macao, y) in values(russia, "russia-trade") for y in zero_or_gap)


AGGREGATES = ["World", "European Union", "Euro Area", "Advanced Economies", "Emerging and Developing Europe",
              "Emerging and Developing Asia", "Europe not specified", "Countries & Areas not specified", "Middle East",
              "Sub-Saharan Africa", "Western Hemisphere", "Czechoslovakia", "USSR", "Yugoslavia"]


@pytest.mark.parametrize("workbook", ["DOTS_40.xlsx", "DOTS_162.xlsx", "DOTS_213.xlsx"])
def test_only_countries_rank_and_ranks_follow_the_values(workbook):
    result = dots(workbook)
    r = result.reporter.name.lower()
    rank, trade = values(result, f"{r}-trade-partner-rank"), values(result, f"{r}-trade")
    ranked = {entity for entity, _ in rank}
    assert not ranked & set(AGGREGATES)
    assert all(classify([e])[e] is not None for e in ranked)
    assert {"World", "European Union", "Euro Area"} <= {e for e, _ in trade}  # aggregates keep their values
    for year in ("2005", "2015"):
        in_year = sorted(((int(v.value), trade[(e, p)].value) for (e, p), v in rank.items() if p == year))
        assert in_year[0][0] == 1
        assert [t for _, t in in_year] == sorted((t for _, t in in_year), reverse=True)


def test_the_ranks_the_claims_are_about():
    assert values(dots("DOTS_162.xlsx"), "russia-trade-partner-rank")[("China", "2015")].value == 1
    # "Russia is in China's top ten": China's own report puts Russia 16th in 2015 (9th in 2014)
    china = values(dots("DOTS_40.xlsx"), "china-trade-partner-rank")
    assert (china[("Russia", "2014")].value, china[("Russia", "2015")].value) == (9, 16)
    assert china[("Hong Kong", "2015")].value == 2  # a territory with an ISO code ranks


def test_shares_are_of_the_reporters_total_rounded_to_two_decimals():
    russia = dots("DOTS_162.xlsx")
    trade, share = values(russia, "russia-trade"), values(russia, "russia-trade-share")
    eu, world = trade[("European Union", "2015")].value, trade[("World", "2015")].value
    assert str(share[("European Union", "2015")].value) == "42.71"
    assert abs(share[("European Union", "2015")].value - eu / world * 100) <= Decimal("0.005")
    assert ("World", "2015") not in share


def test_vietnam_is_one_name_in_both_sources():
    names = {r.entity for r in dots("DOTS_162.xlsx").series} | {r.entity for r in sipri().series}
    assert "Vietnam" in names and "Viet Nam" not in names
    assert dots("DOTS_213.xlsx").reporter.name == "Vietnam"


# --------------------------------------------------------------------------- SIPRI


@cache
def register() -> list[dict[str, str]]:
    lines = SIPRI.read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(lines[11:]))


def tiv(supplier: str, recipient: str, years: range) -> Decimal:
    return sum((Decimal(r["TIV delivery values"]) for r in register()
                if r["Supplier"] == supplier and r["Recipient"] == recipient and r["TIV delivery values"]
                and int(r["Delivery year"]) in years), Decimal(0))


def test_tiv_by_recipient_year_and_window_is_the_registers_sum():
    exports = values(sipri(), "russia-arms-exports")
    assert exports[("Vietnam", "2011/2015")].value == tiv("Russia", "Viet Nam", range(2011, 2016)) == Decimal("3873.55")
    assert exports[("India", "2015")].value == tiv("Russia", "India", range(2015, 2016))
    world = sum((Decimal(r["TIV delivery values"]) for r in register() if r["Supplier"] == "Russia"
                 and r["TIV delivery values"] and 2011 <= int(r["Delivery year"]) <= 2015), Decimal(0))
    assert exports[("World", "2011/2015")].value == world


def test_only_states_rank_among_importers():
    for supplier in SUPPLIERS:
        s = supplier.lower()
        ranked = {e for e, _ in values(sipri(), f"{s}-arms-importer-rank")}
        exported = {e for e, _ in values(sipri(), f"{s}-arms-exports")}
        assert not {e for e in ranked if e.endswith("*") or e.startswith("unknown") or e == "World"}
        assert ranked < exported
    russia = values(sipri(), "russia-arms-exports")
    assert any(e.endswith("*") for e, _ in russia) and ("unknown recipient(s)", "2015") not in \
        values(sipri(), "russia-arms-importer-rank")
    rank = values(sipri(), "russia-arms-importer-rank")
    assert (rank[("India", "2011/2015")].value, rank[("Vietnam", "2011/2015")].value,
            rank[("Venezuela", "2011/2015")].value) == (1, 2, 6)


def test_regions_come_from_the_classification_and_add_up():
    share = values(sipri(), "russia-arms-export-share")
    regions = ["Africa", "Americas", "Asia and Oceania", "Europe", "Middle East"]
    total = sum(share[(r, "2011/2015")].value for r in regions if (r, "2011/2015") in share)
    assert Decimal(99) < total <= Decimal("100.03")  # unknown recipients and organisations are in no region
    assert str(share[("Asia and Oceania", "2011/2015")].value) == "66.20"


# --------------------------------------------------------------------------- broken files


def workbook_bytes(change) -> bytes:
    wb = openpyxl.load_workbook(DOTS / "DOTS_162.xlsx")
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("change, expected", [
    (lambda wb: wb.remove(wb["Imports, CIF"]),
     "DOTS_162.xlsx:-:-: no sheet 'Imports, CIF'; the workbook has 'Exports, FOB'; expected 'Exports, FOB' and 'Imports, CIF'"),
    (lambda wb: wb["Exports, FOB"].insert_rows(1),
     "DOTS_162.xlsx[Exports, FOB]:2:B: expected the title 'Exports, FOB to Partner Countries' in cell B2"),
    (lambda wb: wb["Imports, CIF"].cell(7, 3, "Year"), "DOTS_162.xlsx[Imports, CIF]:7:C: expected a year"),
    (lambda wb: wb["Imports, CIF"].cell(7, 2, "Partner"),
     "DOTS_162.xlsx[Imports, CIF]:7:B: expected the years in row 7 from column C (and column B empty)"),
    (lambda wb: wb["Exports, FOB"].cell(20, 4, "n/a"),
     "DOTS_162.xlsx[Exports, FOB]:20:D: 1993 for "),
    (lambda wb: wb["Exports, FOB"].cell(5, 2, "US Dollars, Billions"),
     "DOTS_162.xlsx[Exports, FOB]:5:B: expected the unit 'US Dollars, Millions' in cell B5"),
])
def test_a_broken_workbook_is_refused_naming_sheet_row_column_and_what_was_expected(change, expected):
    result = import_dots("DOTS_162.xlsx", workbook_bytes(change), RETRIEVED)
    assert result.series == [] and any(str(e).startswith(expected) for e in result.errors), \
        [str(e) for e in result.errors]


def test_text_in_a_number_cell_says_what_a_number_looks_like():
    result = import_dots("DOTS_162.xlsx", workbook_bytes(lambda wb: wb["Exports, FOB"].cell(20, 4, "n/a")), RETRIEVED)
    (error,) = result.errors
    assert error.row == 20 and error.column == "D" and error.value == "n/a"
    assert "expected a number of US$ millions, or a number then ' e' for an IMF estimate" in error.message


@pytest.mark.parametrize("name, data, importer, expected", [
    ("empty.xlsx", b"", "dots", "the file is empty"),
    ("register.xlsx", SIPRI.read_bytes()[:5000], "dots", "not an Excel workbook (this looks like a CSV"),
    ("DOTS_162.csv", (DOTS / "DOTS_162.xlsx").read_bytes(), "sipri", "this is an Excel workbook or a zip, not SIPRI"),
    ("empty.csv", b"\n", "sipri", "the file is empty"),
    ("notes.csv", b"just some,text\n1,2\n", "sipri", "no header row starting 'SIPRI AT Database ID'"),
])
def test_wrong_or_empty_files_are_refused(name, data, importer, expected):
    result = import_dots(name, data, RETRIEVED) if importer == "dots" else import_sipri(name, data)
    assert result.series == [] and len(result.errors) == 1
    assert str(result.errors[0]).startswith(f"{name}:-:-: {expected}"), str(result.errors[0])


def sipri_bytes(edit) -> bytes:
    lines = SIPRI.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(edit(lines)).encode("utf-8")


def test_a_broken_register_names_row_and_column():
    renamed = sipri_bytes(lambda ls: [*ls[:11], ls[11].replace("TIV delivery values", "TIV values"), *ls[12:]])
    (error,) = import_sipri("r.csv", renamed).errors
    assert str(error).startswith("r.csv:12:TIV delivery values: missing column 'TIV delivery values'")
    row = next(i for i, line in enumerate(sipri_bytes(lambda ls: ls).decode().splitlines()) if ",Russia,Viet Nam," in line)
    texty = sipri_bytes(lambda ls: [*ls[:row], ls[row].rstrip("\n").rsplit(",", 2)[0] + ",lots,No\n", *ls[row + 1:]])
    (error,) = import_sipri("r.csv", texty).errors
    assert (error.row, error.column, error.value) == (row + 1, "TIV delivery values", "lots")
    assert "expected a plain number of SIPRI TIV millions" in error.message


def test_dots_needs_a_retrieval_date():
    result = import_dots("DOTS_162.xlsx", (DOTS / "DOTS_162.xlsx").read_bytes(), None)
    assert "say when the workbook was downloaded" in result.errors[0].message


# --------------------------------------------------------------------------- an upload on the Data page


def test_an_upload_is_recognised_and_merged_replacing_only_its_sources_rows():
    assert kind_of("x.xlsx", (DOTS / "DOTS_40.xlsx").read_bytes()) == "dots"
    assert kind_of("trade.csv", SIPRI.read_bytes()) == "sipri"
    assert read_upload("notes.txt", b"hello").errors[0].message.startswith("not a reference download")
    current = {t: (DATA / f"{t}.csv").read_bytes() for t in ("series", "indicators", "sources")}
    result = read_upload("DOTS_162.xlsx", (DOTS / "DOTS_162.xlsx").read_bytes(), retrieved="2024-05-01")
    assert result.ok and {s.source_id for s in result.sources} == {"imf-dots-russia"}
    files, errors = merged_files(current, result)
    assert errors == []
    before = current["series"].decode().splitlines()
    after = files["series"].decode().splitlines()
    assert sorted(before) == sorted(after)  # same rows: only the retrieval date changed
    assert b"imf-dots-russia,statistics" in files["sources"] and b"2024-05-01" in files["sources"]
    assert files["indicators"] == current["indicators"]
