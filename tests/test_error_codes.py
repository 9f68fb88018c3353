"""Every error says what kind of problem it is (a code), where (row, column), and in words.

Callers and tests match the code, never the wording; the wording is tested once per code here.
"""

from __future__ import annotations

import pytest

from indicators.changes import plan_upload
from indicators.csvfile import ErrorCode, parse_table
from indicators.loading import folder_files
from indicators.provenance import verify

from .conftest import DATA, csv_bytes, obs

CURRENT = folder_files(DATA)
HEADER = CURRENT["observations"].split(b"\n")[0]
ROW = CURRENT["observations"].split(b"\n")[1]


def trade(obs_id: str, **cells) -> dict:
    return {**obs(obs_id, "69", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
                  quote="Bilateral trade totalled $95 billion in 2014"), **cells}


def upload_errors(rows: list[dict]):
    return plan_upload(CURRENT, [("up.csv", csv_bytes("observations", rows))], "merge").errors


CASES = {
    "file": (lambda: parse_table("e.csv", b"  \n").errors, None, None, "the file is empty"),
    "encoding": (lambda: parse_table("e.csv", HEADER + b"\n" + ROW.replace(b"Naval", b"Nav\xe9l") + b"\n",
                                     "observations").errors, 2, None, "the file is not UTF-8 (byte 0xE9 on line 2)"),
    "header": (lambda: parse_table("e.csv", HEADER.replace(b"quote", b"qoute") + b"\n" + ROW + b"\n",
                                   "observations").errors, 1, "qoute", "unknown column 'qoute' (did you mean 'quote'?)"),
    "structure": (lambda: parse_table("e.csv", HEADER + b"\n" + ROW + b",x\n", "observations").errors, 2, None,
                  "expected 16 cells, found more (an unquoted comma inside a cell?)"),
    "limit": (lambda: parse_table("e.csv", HEADER + b"\n" + ROW + b"\n" * 500_000, "observations").errors, None, None,
              "the file has 500,002 lines"),
    "cell": (lambda: upload_errors([trade("x", period="2015-13")]), 2, "period", "'2015-13' is not a real calendar date"),
    "row_rule": (lambda: upload_errors([trade("x", qualifier="range")]), 2, "low", "a range needs both low and high"),
    "duplicate_id": (lambda: upload_errors([trade("x"), trade("x")]), 3, "obs_id", "duplicate obs_id 'x' (first at row 2)"),
    "foreign_key": (lambda: upload_errors([trade("x", source_id="nobody")]), 2, "source_id",
                    "unknown source_id 'nobody': not in sources.csv"),
    "unit_range": (lambda: upload_errors([trade("x", value="-5")]), 2, "value", "a usd_bn cannot be below 0"),
}


@pytest.mark.parametrize("code", list(CASES))
def test_each_code_with_its_row_column_and_words(code):
    produce, row, column, words = CASES[code]
    errors = produce()
    assert errors, code
    first = next(e for e in errors if e.code == code)
    assert (first.row, first.column, first.code) == (row, column, ErrorCode(code))
    assert words in first.message
    assert first.as_dict()["code"] == code and first.level == "error"


def test_provenance_misses_are_coded_and_a_normalised_quote_is_a_note(real, source_text):
    parsed = {t: parse_table(f"{t}.csv", b, t) for t, b in CURRENT.items()}
    assert not verify(parsed, source_text).errors
    broken = CURRENT["observations"].replace(b"Bilateral trade totalled $95 billion in 2014",
                                             b"Bilateral trade totalled $96 billion in 2014", 1)
    parsed["observations"] = parse_table("observations.csv", broken, "observations")
    report = verify(parsed, source_text)
    assert {(e.column, e.code) for e in report.errors} == {("quote", ErrorCode.quote_missing)}
    curly = CURRENT["observations"].replace(b"China shied away", "China shied\u00a0away".encode(), 1)
    parsed["observations"] = parse_table("observations.csv", curly, "observations")
    notes = verify(parsed, source_text).notes
    assert notes and all(n.code == ErrorCode.quote_missing and n.level == "note" for n in notes)
