"""China Customs' Wind exports and ICSR's estimates as the importers read them: the real files, and broken copies."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from functools import cache

import pytest

from indicators.imports import import_files, kind_of, merged_files, read_upload
from indicators.imports.china_customs import import_china_customs
from indicators.imports.icsr import import_icsr
from indicators.loading import folder_files

from .conftest import DATA

REFERENCE = DATA / "reference"
OLD = REFERENCE / "china-customs" / "wind-2022-12" / "china_imports_wind.csv"
NEW = REFERENCE / "china-customs" / "wind-2023-03" / "china_imports_wind.csv"
ICSR = REFERENCE / "icsr" / "icsr.csv"


@cache
def both():
    result = import_china_customs([("wind-2022-12.csv", OLD.read_bytes()), ("wind-2023-03.csv", NEW.read_bytes())])
    assert result.errors == []
    return result


@cache
def old_only():
    result = import_china_customs([("wind-2022-12.csv", OLD.read_bytes())])
    assert result.errors == []
    return result


def values(result, indicator_id: str) -> dict[tuple[str, str], Decimal]:
    return {(r.entity, r.period): r.value for r in result.series if r.indicator_id == indicator_id}


@cache
def cells(path, name: str) -> dict[str, str]:
    """month -> the cell of the column called `name`, read with the csv module alone (first such column)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Name")
    j = rows[start].index(name)
    return {r[0][:7]: r[j].strip() for r in rows[start + 7:] if r and r[0][:2] in ("19", "20")}


def year_sum(path, name: str, year: str) -> Decimal:
    held = {m: v for m, v in cells(path, name).items() if m.startswith(year) and v}
    assert len(held) == 12
    return sum((Decimal(v) for v in held.values()), Decimal(0))


# --------------------------------------------------------------------------- the real files


def test_russias_crude_to_china_read_as_the_file_holds_it():
    volume, value = values(both(), "china-crude-imports"), values(both(), "china-crude-imports-value")
    assert volume[("Russia", "2014")] == Decimal("33.106942731")  # kg / 10^9: the unit row says kg
    assert volume[("Russia", "2015")] == Decimal("42.433036473")
    assert value[("Russia", "2014")] == Decimal("25.00415771")  # USD / 10^9
    assert value[("Russia", "2015")] == Decimal("17.232969952")
    for year in ("2005", "2010", "2013", "2016"):  # spot checks against an independent sum of the old export
        expected = year_sum(OLD, "Volume of Imports: Crude Oil: Russian Federation", year).scaleb(-9)
        assert values(old_only(), "china-crude-imports")[("Russia", year)] == expected.normalize()


def test_other_origins_and_the_total_each_in_their_own_unit():
    volume = values(both(), "china-crude-imports")
    assert volume[("Saudi Arabia", "2015")] == (year_sum(OLD, "Volume of Imports: Crude Oil: Saudi Arabia", "2015")
                                                 .scaleb(-9)).normalize()
    assert volume[("Angola", "2008")] == (year_sum(OLD, "Volume of Imports: Crude Oil: Angola", "2008")
                                          .scaleb(-9)).normalize()
    # China's total is in "10000 tons": 2015 is 33,549.12 ten-thousand tonnes, i.e. 335.4912 million tonnes
    assert volume[("World", "2015")] == Decimal("335.4912")
    assert values(both(), "china-crude-imports-value")[("World", "2015")] == Decimal("134.1520043")  # "USD 10 th"
    coal = values(old_only(), "china-coal-imports")  # "ton": tonnes / 10^6
    assert coal[("Russia", "2015")] == (year_sum(OLD, "Volume of Imports: Coal: Russian Federation", "2015")
                                        .scaleb(-6)).normalize()
    # Wind's misspellings and old names become the classification's names; columns chosen by product AND origin
    assert ("Colombia", "2015") in volume and ("United States", "2021") in volume
    assert "DR Congo" in {e for e, _ in values(both(), "china-crude-imports-part-year")}  # Wind's "Zaire"
    assert ("Philippines", "2015") not in volume  # lignite from the Philippines is not crude oil
    assert {r.indicator_id for r in both().series} >= {"china-lng-imports", "china-pipeline-gas-imports",
                                                        "china-coal-imports", "china-crude-import-share"}


def test_share_and_rank_among_chinas_suppliers():
    rank, share = values(both(), "china-crude-supplier-rank"), values(both(), "china-crude-import-share")
    assert rank[("Saudi Arabia", "2015")] == 1 and rank[("Russia", "2015")] == 2 and rank[("Angola", "2015")] == 3
    assert share[("Russia", "2015")] == Decimal("12.65")  # 42.433 of 335.49 million tonnes
    assert rank[("Russia", "2016")] == 1  # Russia overtook Saudi Arabia in 2016
    assert ("World", "2015") not in rank
    assert ("Russia", "2022") not in rank  # China's total ends in November 2022: no full year to rank against


def test_a_year_is_summed_only_when_all_its_months_have_a_figure():
    volume, part = values(both(), "china-crude-imports"), values(both(), "china-crude-imports-part-year")
    # Russia 1995: four months with a figure (the others empty: missing, not zero)
    assert ("Russia", "1995") not in volume and ("Russia", "1995-04/1995-12") in part
    note = next(r.note for r in both().series if r.series_id == "china-crude-imports-part-year-russia-1995-04-1995-12")
    assert "4 of 12 months" in note and "not the year's total" in note
    # the old export ends in November 2022: a part-year, never 2022's total
    assert ("Russia", "2022") not in values(old_only(), "china-crude-imports")
    assert values(old_only(), "china-crude-imports-part-year")[("Russia", "2022-01/2022-11")] > 0
    # the newer export adds December 2022 and January–February 2023
    assert volume[("Russia", "2022")] == Decimal("86.248074791")
    assert part[("Russia", "2023-01/2023-02")] == Decimal("15.678076932")
    assert ("Russia", "2023") not in volume
    # a January left empty beside a February with a figure: China Customs may have published them together
    notes = [r.note for r in both().series if r.indicator_id == "china-crude-imports-part-year" and r.entity == "Iraq"
             and r.period.startswith("2009")]
    assert notes and "February may hold both" in notes[0]
    # every full year of Russia's crude from the first one: what "a record" is judged against
    years = sorted(p for e, p in volume if e == "Russia")
    assert years == [str(y) for y in range(2000, 2023)]


def test_the_newer_export_revises_the_months_it_holds():
    old, new = values(old_only(), "china-crude-imports"), values(both(), "china-crude-imports")
    assert old[("Russia", "2015")] == new[("Russia", "2015")]
    assert old[("Russia", "2018")] != new[("Russia", "2018")]  # 2018's months revised in the 2023 export
    assert any("revises" in n and "Crude Oil: Russian Federation" in n for n in both().notes)


def test_the_export_is_recognised_and_imported_from_the_command_line_kind():
    assert kind_of("china_imports_wind.csv", OLD.read_bytes()) == "china-customs"
    assert kind_of("x.csv", NEW.read_bytes()) == "china-customs"
    assert kind_of("icsr.csv", ICSR.read_bytes()) == "icsr"
    result = import_files("china-customs", [("a.csv", OLD.read_bytes()), ("b.csv", NEW.read_bytes())])
    assert result.ok and len(result.series) == len(both().series)
    (source,) = result.sources
    assert (source.source_id, source.kind.value, source.reporter, source.retrieved) == (
        "china-customs", "statistics", "China", "2023-03-22")


# --------------------------------------------------------------------------- broken copies


def edited(path, edit) -> bytes:
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    return "".join(edit(lines)).encode("utf-8")


def set_cell(lines: list[str], month: str, column: int, text: str) -> list[str]:
    out = []
    for line in lines:
        if line.startswith(month):
            cells = next(csv.reader([line]))
            cells[column] = text
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(cells)
            line = buf.getvalue()
        out.append(line)
    return out


@pytest.mark.parametrize("edit, row, column, words", [
    (lambda ls: [ls[0], ls[1], ls[2], *ls[4:]], 4, "A", "expected 'Unit' in column A"),  # no unit row
    (lambda ls: [ls[0], "\n", *ls[1:]], 2, "A", "expected 'Name' in column A"),  # header shifted down a row
    (lambda ls: set_cell(ls, "2015-03-31", 12, "n/a"), 221, "M", "expected a number in kg"),  # text in a number cell
    (lambda ls: [ls[0], ls[1], ls[2], ls[3].replace(",kg,USD\n", ",kg,EUR\n"), *ls[4:]], 4, "N",
     "expected the unit of a US$ value in the Unit row (USD, USD 10 th), found 'EUR'"),
    (lambda ls: [*ls[:-1], ls[-1].rstrip("\n") + "\n", "2023-03-15,1,2,3,4,5,6,7,8,9,10,11,12,13\n"], 317, "A", "expected a month in column A"),
])
def test_a_broken_copy_is_refused_with_row_column_and_what_was_expected(edit, row, column, words):
    data = edited(NEW, edit)
    result = read_upload("wind-2023-03.csv", data)
    assert not result.ok and result.series == []
    error = result.errors[0]
    assert (error.file, error.row, error.column) == ("wind-2023-03.csv", row, column) and words in error.message, \
        result.errors


def test_another_format_or_an_empty_file_is_refused():
    workbook = (REFERENCE / "imf-dots" / "DOTS_40.xlsx").read_bytes()
    assert "not a Wind CSV export" in import_china_customs([("w.xlsx", workbook)]).errors[0].message
    assert "the file is empty" in import_china_customs([("w.csv", b"")]).errors[0].message
    sipri_like = b"Name,Volume of Imports: Crude Oil: Russia\nsomething else\n"
    assert "expected the Wind header block" in import_china_customs([("w.csv", sipri_like)]).errors[0].message


def test_nothing_is_applied_when_an_export_is_refused(tmp_path):
    from indicators.imports.upload import plan_import

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("reference"))
    current = folder_files(folder)
    broken = edited(NEW, lambda ls: set_cell(ls, "2015-03-31", 12, "n/a"))
    preview = plan_import(current, [("wind-2022-12.csv", OLD.read_bytes()), ("wind-2023-03.csv", broken)], None)
    assert not preview.plan.ok and "expected a number in kg" in preview.plan.errors[0].message
    result = import_files("china-customs", [("wind-2022-12.csv", OLD.read_bytes()), ("wind-2023-03.csv", broken)])
    assert result.series == [] and not result.ok  # one bad export: the good one is not imported alone either
    # and a good import of the same exports changes nothing in the committed folder
    files, errors = merged_files(current, both())
    assert errors == [] and files["series"] == current["series"]


# --------------------------------------------------------------------------- ICSR


def test_icsr_estimates_are_dated_estimates_with_their_ranges():
    result = import_icsr("icsr.csv", ICSR.read_bytes(), "2016")
    assert result.ok
    rows = {(r.entity, r.period): r for r in result.series}
    russia = rows[("Russia", "2015-01-26")]
    assert (russia.value, russia.low, russia.high, russia.estimate) == (1150, 800, 1500, True)
    uzbekistan = rows[("Uzbekistan", "2015-01-26")]
    assert (uzbekistan.value, uzbekistan.low, uzbekistan.high) == (500, None, None)  # one number, no range
    assert rows[("Kazakhstan", "2013-12-17")].low == 14 and rows[("Kazakhstan", "2013-12-17")].high == 150
    assert ("Iraq", "2015-01-26") not in rows  # NA: no estimate, not zero
    assert ("Qatar", "2013-12-17") not in rows and any("Qatar" in n for n in result.notes)  # range 15 to 14
    assert result.sources[0].kind.value == "estimates"


def test_a_broken_icsr_file_is_refused():
    bad = ICSR.read_bytes().replace(b"uzbekistan,UZB,20150126,,,500", b"uzbekistan,UZB,20150126,,,many")
    result = import_icsr("icsr.csv", bad, "2016")
    assert not result.ok and result.series == []
    assert (result.errors[0].column, result.errors[0].value) == ("icsr.mean", "many")
    assert "say when" in import_icsr("icsr.csv", ICSR.read_bytes(), None).errors[0].message
