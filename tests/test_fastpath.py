"""The column-wise fast path and plain per-row Pydantic must never drift apart."""

from __future__ import annotations

import csv
import io
import random
from typing import Annotated

import pytest
from pydantic import AfterValidator, field_validator

from indicators import csvfile  # one file's reading: the fast path and the row reader
from indicators.fastpath import UnmirroredFeature, compile_model
from indicators.schema import TABLES, CsvRow

from .conftest import DATA

NASTY = ["", " ", "NaN", "nan", "inf", "-inf", "1e3", "5,000", "3,5", "-28", "-100", "-99.5", "0", "0.0", "12",
         "37.63", "2015", "2015-13", "2016-02-30", "2016-02-29", "2015-02-29", "0000", "9999-12-31", "15/07/2016",
         "x" * 9, "x" * 201, "y" * 501, "  padded  ", "=1+1", "+cmd", "@SUM(A1)", "<script>alert(1)</script>",
         "range", "level", "change_pct", "multiple", "target", "exact", "approx", "more_than", "usd_bn", "rank",
         "percent", "trade", "ecfr", "analyst", "Bad_ID", "ok-id", "china-russia-trade", "makocki",
         "liu-fenghua-duchatel", "China–Russia", "2014", "1899", "2101", "1e2", "0x10", "٣", "½", "a;b", "a;;b",
         "http://x.org/a", "ftp://x", "treaty", "warning", "conflict", "10", "24", "17",
         "\u00a0spaced\u00a0", "\u2003", "x\u3000", "\u0085", "\x1f", "tab\there", " 95 ", "\u200b"]


def corrupted(table: str, seed: int, rate: float = 0.08) -> bytes:
    rng = random.Random(seed)
    text = (DATA / f"{table}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    body = [list(r) for r in rng.sample(body, min(len(body), 400))] * 3  # series.csv is large: a sample of it
    for r in body:
        for i in range(len(r)):
            if rng.random() < rate:
                r[i] = rng.choice(NASTY)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue().encode("utf-8")


def both_paths(table: str, data: bytes):
    fast = csvfile.parse_table(f"{table}.csv", data, table)
    slow = csvfile.ParsedTable(table, f"{table}.csv")
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))))  # a file may leave optional columns out
    csvfile._validate_rows(slow, data, header, TABLES[table], csvfile.MAX_ROWS)
    return fast, slow


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("seed", range(40))
def test_fast_path_reports_exactly_what_per_row_pydantic_reports(table, seed, monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ERRORS", 10**6)  # compare every error, not the first thousand
    fast, slow = both_paths(table, corrupted(table, seed))
    assert sorted(map(str, fast.errors)) == sorted(map(str, slow.errors))
    assert fast.lines == slow.lines and fast.records == slow.records
    assert [r.model_dump() for r in fast.rows] == [r.model_dump() for r in slow.rows]


def test_the_real_files_take_the_fast_path_and_agree(monkeypatch):
    calls = []
    monkeypatch.setattr(csvfile, "_validate_rows", lambda *a, **k: calls.append(a))
    fast = {}
    for table in TABLES:
        fast[table] = csvfile.parse_table(f"{table}.csv", (DATA / f"{table}.csv").read_bytes(), table)
        assert fast[table].errors == [] and fast[table].rows
    assert calls == []  # no fallback to the row-by-row reader
    monkeypatch.undo()
    for table, parsed in fast.items():  # ... and what it reads is what the row reader reads
        data = (DATA / f"{table}.csv").read_bytes()
        slow = csvfile.ParsedTable(table, f"{table}.csv")
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        csvfile._validate_rows(slow, data, header, TABLES[table], csvfile.MAX_ROWS)
        assert slow.errors == [] and parsed.lines == slow.lines, table
        assert [r.model_dump() for r in parsed.rows] == [r.model_dump() for r in slow.rows], table


def test_a_model_feature_without_a_mirror_is_refused():
    class WithFieldValidator(CsvRow):
        table = "x"
        id_column = "x_id"
        x_id: str

        @field_validator("x_id")
        @classmethod
        def shout(cls, v: str) -> str:
            return v.upper()

    with pytest.raises(UnmirroredFeature, match="field validators"):
        compile_model(WithFieldValidator)

    def unknown(v):
        return v

    class WithUntwinnedValidator(CsvRow):
        table = "y"
        id_column = "y_id"
        y_id: Annotated[str, AfterValidator(unknown)]

    with pytest.raises(UnmirroredFeature, match="without a vectorised twin"):
        compile_model(WithUntwinnedValidator)
