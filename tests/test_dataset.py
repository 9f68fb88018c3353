"""What a spreadsheet user sees when a CSV is right, and when it is wrong."""

from __future__ import annotations

import pytest

from indicators.csvfile import parse_table, recognise_table
from indicators.loading import load_folder
from indicators.schema import Observation, columns

from .conftest import csv_bytes, indicator, obs, source, write_folder

HEADER = ",".join(columns(Observation))


def one(table_bytes: bytes, table: str | None = "observations"):
    return parse_table("observations.csv", table_bytes, table)


def messages(parsed) -> list[str]:
    return [str(e) for e in parsed.errors]


def test_a_valid_file_parses_with_spreadsheet_row_numbers():
    p = one(csv_bytes("observations", [obs("a1", "69"), obs("a2", "95", "2014")]))
    assert p.errors == [] and [r.obs_id for r in p.rows] == ["a1", "a2"] and p.lines == [2, 3]


def test_what_spreadsheets_save_is_accepted_bom_crlf_quoted_newlines_whitespace():
    body = csv_bytes("observations", [obs("a1", " 69 ", quote='He said, "trade\nfell" a lot', note="x, y")])
    data = b"\xef\xbb\xbf" + body.replace(b"\n", b"\r\n")
    p = one(data)
    assert p.errors == []
    row = p.rows[0]
    assert str(row.value) == "69" and "\n" in row.quote and row.note == "x, y"


def test_three_broken_cells_give_three_precise_lines():
    rows = [obs("a1", "69"), obs("a2", "sixty", "2014"), obs("a3", "95", "2014-13"), obs("a4", "1", measure="levl")]
    p = one(csv_bytes("observations", rows))
    assert messages(p) == [
        "observations.csv:3:value: expected a plain number such as 95, -28 or 37.63 "
        "(digits, an optional minus and one dot; no units, NaN or infinity)",
        "observations.csv:4:period: '2014-13' is not a real calendar date (month must be in 1..12)",
        "observations.csv:5:measure: Input should be 'level', 'change_pct', 'multiple' or 'target'",
    ]
    assert [e.value for e in p.errors] == ["sixty", "2014-13", "levl"]


@pytest.mark.parametrize(
    "cell, expected",
    [("5,000", "without thousands separators, e.g. 5000"), ("3,5", "use a dot for decimals: 3.5"),
     ("NaN", "expected a plain number"), ("inf", "expected a plain number"), ("1e3", "expected a plain number"),
     ("=1+1", "expected a plain number")],
)
def test_numbers_must_be_written_plainly(cell, expected):
    p = one(csv_bytes("observations", [obs("a1", cell)]))
    assert len(p.errors) == 1 and p.errors[0].column == "value" and expected in p.errors[0].message


@pytest.mark.parametrize(
    "row, column, expected",
    [
        (obs("a1", None, qualifier="range", low="24", high="17"), "low", "low (24) is greater than high (17)"),
        (obs("a1", None, qualifier="range", low="17"), "high", "a range needs both low and high"),
        (obs("a1", "5", qualifier="range", low="1", high="2"), "value", "leave value empty"),
        (obs("a1", "5", low="1"), "low", "only for qualifier range"),
        (obs("a1", None), "value", "value is required when qualifier is exact"),
        (obs("a1", "-28", measure="change_pct"), "base_period", "needs a base"),
        (obs("a1", "-28", measure="change_pct", base_period="2015"), "base_period", "cannot be the row's own"),
        (obs("a1", "-120", measure="change_pct", base_period="2014"), "value", "cannot reach or exceed 100"),
        (obs("a1", "0", measure="multiple", base_entity="China"), "value", "greater than 0"),
        (obs("a1", "100", measure="target", base_period="2014"), "base_period", "has no base"),
        (obs("Bad_ID", "1"), "obs_id", "lowercase id"),
        (obs("a1", "1", period="15/07/2016"), "period", "ISO 8601"),
        (obs("a1", "1", period="2016-02-30"), "period", "not a real calendar date"),
        (obs("a1", "1", quote=""), "quote", "required"),
        (obs("a1", "1", quote="x" * 501), "quote", "at most 500"),
        (obs("a1", "1", qualifier="roughly"), "qualifier", "'approx'"),
    ],
)
def test_row_rules_name_the_column_to_fix(row, column, expected):
    p = one(csv_bytes("observations", [row]))
    assert [e.column for e in p.errors] == [column], messages(p)
    assert expected in p.errors[0].message and p.errors[0].row == 2


def test_source_rules_tie_claimant_to_its_type():
    bad = [source("s1", "Liu", claimed_by_type="ecfr"), source("s2", "", claimed_by_type="official")]
    p = parse_table("sources.csv", csv_bytes("sources", bad), "sources")
    assert [(e.row, e.column) for e in p.errors] == [(2, "claimed_by"), (3, "claimed_by")]


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "the file is empty"),
        (b"   \r\n", "the file is empty"),
        ("a;b".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04rest-of-zip", "Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (HEADER.encode() + "\na1,trade,Caf\xe9".encode("latin-1"), "not UTF-8 (byte 0xE9 on line 2)"),
        (HEADER.replace(",", ";").encode() + b"\n", "separated by semicolons (';'); expected commas"),
        (HEADER.replace(",", "\t").encode() + b"\n", "separated by tabs"),
        (HEADER.encode() + b"\n", "has a header but no rows"),
    ],
)
def test_files_that_are_not_our_csv_are_refused_with_a_reason(data, expected):
    p = one(data)
    assert p.rows == [] and len(p.errors) == 1 and expected in p.errors[0].message, messages(p)


def test_missing_and_misspelt_columns_name_the_expected_header():
    data = HEADER.replace("quote", "qoute").replace(",note", "").encode() + b"\n"
    p = one(data)
    msgs = messages(p)
    assert "observations.csv:1:qoute: unknown column 'qoute' (did you mean 'quote'?)" in msgs
    assert any(m.startswith("observations.csv:1:quote: missing column 'quote'; expected the header: obs_id,") for m in msgs)
    assert not any("'note'" in m for m in msgs)  # an optional column may be left out: it is empty


def test_a_header_without_an_optional_column_reads_it_as_empty():
    header = [c for c in columns(Observation) if c not in ("note", "base_entity")]
    p = one(csv_bytes("observations", [obs("a1", "69", note="dropped")], header=header))
    assert p.errors == [] and p.rows[0].note is None and p.rows[0].base_entity is None
    misspelt = [c if c != "low" else "lowe" for c in header]
    p = one(csv_bytes("observations", [obs("a1", "69")], header=misspelt))
    assert messages(p) == ["observations.csv:1:lowe: unknown column 'lowe' (did you mean 'low'?)"]


def test_missing_trailing_cells_are_empty_and_extra_cells_are_an_error():
    good = csv_bytes("observations", [obs("a1", "69")])
    p = one(good + b"a2,trade,China,2015\n")
    assert {(e.row, e.column) for e in p.errors} == {(3, "measure"), (3, "qualifier"), (3, "source_id"), (3, "quote")}
    assert all(e.message.startswith("required") for e in p.errors)
    p = one(good + good.split(b"\n")[1] + b",surplus\n")
    assert [(e.row, e.message) for e in p.errors] == [(3, "expected 16 cells, found more (an unquoted comma inside a cell?)")]
    p = one(good + good.split(b"\n")[1] + b",surplus,and,more\n")  # the row-by-row reader counts them
    assert [(e.row, e.message) for e in p.errors] == [(3, "expected 16 cells, found 19 (an unquoted comma inside a cell?)")]
    p = one(good.replace(b"\n", b",\n"))  # a trailing empty cell on every line is harmless
    assert p.errors == [] and len(p.rows) == 1


def test_enormous_cells_are_row_errors_not_crashes():
    good = csv_bytes("observations", [obs("a1", "69")])
    huge = good + b'a3,trade,"' + b"x" * 200_000 + b'",2015,level,1,exact,,,,,,a,a quote long enough,\n'
    p = one(huge)
    assert [(e.row, e.column, e.message) for e in p.errors] == [(3, "entity", "String should have at most 200 characters")]


def test_formulas_and_html_in_text_are_kept_as_text():
    row = obs("a1", "69", quote="=HYPERLINK(\"http://x\") <script>alert(1)</script>", note="+cmd|' /C calc'!A0")
    p = one(csv_bytes("observations", [row]))
    assert p.errors == [] and p.rows[0].quote.startswith("=HYPERLINK") and "<script>" in p.rows[0].quote


def test_blank_trailing_rows_are_ignored_and_row_cap_is_enforced():
    p = one(csv_bytes("observations", [obs("a1", "69")]) + b",,,,,,,,,,,,,,\n\n")
    assert p.errors == [] and len(p.rows) == 1
    p = parse_table("observations.csv", csv_bytes("observations", [obs(f"a{i}", "1") for i in range(5)]), max_rows=3)
    assert any("too many rows: at most 3" in e.message for e in p.errors)


def test_kind_is_recognised_from_the_header():
    assert recognise_table(columns(Observation)) == "observations"
    assert recognise_table(["source_id", "claimed_by", "claimed_by_type", "article"]) == "sources"
    assert recognise_table(["foo", "bar"]) is None
    p = parse_table("upload.csv", b"foo,bar\n1,2\n")
    assert p.table is None and "unrecognised header" in p.errors[0].message


def test_cross_table_duplicates_dangling_references_and_units(tmp_path):
    folder = write_folder(
        tmp_path,
        sources=[source("a", "A", "W One")],
        indicators=[indicator("trade"), indicator("rank", "rank"), indicator("share", "percent"),
                    indicator("people", "count")],
        observations=[
            obs("o1", "69"), obs("o1", "70"),
            obs("o2", "1", indicator_id="trad"), obs("o3", "1", source_id="nobody"),
            obs("o4", "2", measure="multiple", base_indicator_id="share"),
            obs("o5", "10", indicator_id="rank", measure="change_pct", base_period="2014"),
            obs("o6", "120", indicator_id="share"), obs("o7", "2.5", indicator_id="people"),
            obs("o8", "0", indicator_id="rank"),
        ],
        flags=[{"flag_id": "f1", "severity": "warning", "obs_ids": "o1;ghost", "title": "t", "explanation": "e"}],
    )
    result = load_folder(folder)
    assert result.dataset is None
    got = {(e.file, e.row, e.column): e.message for e in result.errors}
    assert got[("observations.csv", 3, "obs_id")] == "duplicate obs_id 'o1' (first at row 2)"
    assert "unknown indicator_id 'trad': not in indicators.csv; did you mean 'trade'?" == got[("observations.csv", 4, "indicator_id")]
    assert "not in sources.csv" in got[("observations.csv", 5, "source_id")]
    assert "compares like with like" in got[("observations.csv", 6, "base_indicator_id")]
    assert "a rank cannot have a change_pct" in got[("observations.csv", 7, "measure")]
    assert got[("observations.csv", 8, "value")] == "a percent cannot exceed 100"
    assert got[("observations.csv", 9, "value")] == "a count is a whole number"
    assert got[("observations.csv", 10, "value")] == "a rank cannot be below 1"
    assert "unknown obs_ids 'ghost'" in got[("flags.csv", 2, "obs_ids")]


def test_missing_required_file_is_reported(tmp_path):
    folder = write_folder(tmp_path, sources=[source("a")], indicators=[indicator("trade")])
    result = load_folder(folder)
    assert any(e.file == "observations.csv" and "missing file" in e.message for e in result.errors)


def test_frames_are_typed_for_charts(tmp_path):
    folder = write_folder(tmp_path, sources=[source("a")], indicators=[indicator("trade")],
                          observations=[obs("o1", "37.63"), obs("o2", None, "2014", qualifier="range", low="1", high="2")])
    ds = load_folder(folder).dataset
    frame = ds.observations
    assert frame["value"].tolist()[0] == 37.63 and frame["measure"].tolist() == ["level", "level"]
    assert list(frame.columns) == columns(Observation)
