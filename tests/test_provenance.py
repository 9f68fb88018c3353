"""Every number on screen traces to a sentence of the source text that states it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.csvfile import parse_table
from indicators.provenance import find_quote, numbers_stated, verify
from indicators.schema import Unit

from .conftest import csv_bytes, indicator, obs

D = Decimal

TEXT = "Bilateral trade totalled $95 billion in 2014, and although it decreased to $69 billion in 2015 – a “drop”."


@pytest.mark.parametrize(
    "quote, unit, number",
    [
        ("Bilateral trade totalled $95 billion in 2014", Unit.usd_bn, "95"),
        ("represented 44.8 percent of Russian foreign trade", Unit.percent, "44.8"),
        ("more than 5,000 Uzbek nationals", Unit.count, "5000"),
        ("a record 37.63 million tonnes of crude", Unit.million_tonnes, "37.63"),
        ("more than four times its total trade", None, "4"),
        ("dedicates four pages to a short description", Unit.pages, "4"),
        ("from almost a full week to 17-24 hours", Unit.hours, "17"),
        ("from almost a full week to 17-24 hours", Unit.hours, "24"),
        ("from almost a full week to 17-24 hours", Unit.days, "7"),
        ("China is also the fourth-largest provider", Unit.rank, "4"),
        ("constitute more than half of [Russian] federal government revenues", Unit.percent, "50"),
        ("The year 2016 marks the twentieth anniversary", Unit.years, "20"),
        ("Russia’s focus on Europe in the past two decades", Unit.years, "20"),
        ("China remains Russia’s most important bilateral trade partner", Unit.rank, "1"),
        ("a 28 percent decrease from the previous year", None, "28"),
        ("twenty-five members", Unit.count, "25"),
    ],
)
def test_numbers_are_read_in_every_written_form(quote, unit, number):
    assert D(number) in numbers_stated(quote, unit)


def test_unit_words_only_count_where_they_make_sense():
    assert D(1) not in numbers_stated("the most important partner", Unit.usd_bn)
    assert D(7) not in numbers_stated("almost a full week", Unit.hours)


def test_quotes_are_found_exactly_or_after_folding_typography():
    assert find_quote("totalled $95 billion", TEXT).exact
    folded = find_quote('in 2015 - a "drop"', TEXT)
    assert folded.found and not folded.exact
    assert not find_quote("totalled $96 billion", TEXT).found


def _parsed(rows, unit="usd_bn"):
    return {
        "indicators": parse_table("indicators.csv", csv_bytes("indicators", [indicator("trade", unit)]), "indicators"),
        "observations": parse_table("observations.csv", csv_bytes("observations", rows), "observations"),
    }


def test_verify_reports_missing_quotes_unstated_values_and_folded_matches():
    rows = [obs("ok", "95", "2014", quote="trade totalled $95 billion in 2014"),
            obs("wrong", "96", "2014", quote="trade totalled $95 billion in 2014"),
            obs("absent", "95", "2014", quote="trade totalled $95 billion in 2013"),
            obs("folded", "69", quote="to $69 billion in 2015 - a")]
    report = verify(_parsed(rows), TEXT)
    assert [(e.row, e.column) for e in report.errors] == [(3, "value"), (4, "quote")]
    assert "does not state 96" in report.errors[0].message
    assert [(n.row, "normalising" in n.message) for n in report.notes] == [(5, True)]
    assert report.checked == 4


def test_every_quote_of_the_data_is_in_the_source_text_and_states_its_figure(real, source_text):
    report = verify(real.parsed, source_text)
    assert report.errors == [], "\n".join(map(str, report.errors))
    assert report.notes == [], "\n".join(map(str, report.notes))
    assert report.checked == len(real.dataset.rows("observations")) + len(real.dataset.rows("events")) + len(real.dataset.rows("claims_in_words"))
