"""Zhao Mingwen's crude-oil claims judged against China Customs: the volume, the 28% rise, the dollar value's
direction, and "a record"; and series of part-years, months and dates never taken for a year."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from indicators.checks import run_checks
from indicators.loading import load_folder
from indicators.schema import Observation
from indicators.series_index import Reading, periods_for
from indicators.wording import claim_words, figure

from .conftest import indicator, obs, source, write_folder
from .test_cli import run

VOLUME = "russia-china-crude-exports-2015-zhao-mingwen"
CHANGE = "russia-china-crude-exports-change-2015-zhao-mingwen"
VALUE = "russia-china-crude-exports-value-change-2015-zhao-mingwen"


@pytest.fixture(scope="module")
def flags():
    done = run("check", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def verdict_of(flags, obs_id):
    (flag,) = [f for f in flags if f["kind"] == "reference_check" and f["obs_ids"] == [obs_id]]
    return flag


def test_the_volume_is_judged_against_china_customs_full_year(flags):
    f = verdict_of(flags, VOLUME)
    assert f["verdict"] == "inconsistent" and f["severity"] == "warning"
    assert f["sentence"] == ("Zhao Mingwen’s 37.63 million tonnes (Russian crude oil exports to China, 2015) does not "
                             "match China’s statistics for 2015 (42.43 million tonnes).")
    (ref,) = f["numbers"]["references"]
    assert (ref["source_id"], ref["series"], ref["period"]) == ("china-customs", "china-crude-imports/Russia", "2015")


def test_the_28_percent_rise_matches_china_customs(flags):
    f = verdict_of(flags, CHANGE)
    assert f["verdict"] == "consistent"
    assert f["title"] == "A 28% increase (Zhao Mingwen) matches China’s statistics (+28.2%)"
    assert "33.11 million tonnes in 2014 to 42.43 million tonnes in 2015" in f["sentence"]


def test_the_dollar_value_still_declined_is_said_as_a_decrease(flags):
    f = verdict_of(flags, VALUE)
    assert f["verdict"] == "consistent"
    assert f["title"] == "A decrease (Zhao Mingwen) matches China’s statistics (−31.1%)"
    assert f["sentence"] == ("Zhao Mingwen’s decrease (Value of Russian crude oil exports to China, 2015) matches "
                             "China’s statistics for 2015 (−31.1%: $25.00bn in 2014 to $17.23bn in 2015).")
    assert not any("0% increase" in g["title"] + g["sentence"] + g["explanation"] for g in flags)


def test_a_record_is_read_against_every_earlier_full_year(flags):
    (f,) = [g for g in flags if g["kind"] == "record_note"]
    assert f["obs_ids"] == [VOLUME] and f["severity"] == "info"
    (r,) = f["numbers"]["record"]
    assert (r["first"], r["period"], r["holds"], r["highest_before"]["period"]) == ("2000", "2015", True, "2014")
    assert r["value"] == pytest.approx(42.433036473) and r["highest_before"]["value"] == pytest.approx(33.106942731)
    assert f["sentence"] == (
        "Zhao Mingwen calls 2015’s 37.63 million tonnes (Russian crude oil exports to China) a record: in China’s "
        "statistics 2015’s 42.43 million tonnes is the highest full-year figure from 2000 to 2015, above the previous "
        "high of 33.11 million tonnes in 2014, and the 37.63 million tonnes stated is above 2014’s too.")


# --------------------------------------------------------------------------- small datasets

def crude_folder(tmp_path, series: list[tuple[str, str, str]], quote="exported a record 30 million tonnes"):
    """A claim of 30 Mt for 2015 linked to a statistics series given as (indicator, period, value)."""
    statistics = source("stats-x", "", "", kind="statistics", claimed_by_type="", article="", article_author="",
                        publication="", dataset="Imports", reporter="Xland", retrieved="2023-03-22",
                        publisher="Customs")
    folder = write_folder(
        tmp_path / "data",
        sources=[source("a", "Author A", "Writer One"), statistics],
        indicators=[indicator("exports", "million_tonnes", "Exports to Xland"),
                    indicator("imports", "million_tonnes"), indicator("imports-part-year", "million_tonnes")],
        observations=[obs("claim", "30", indicator_id="exports", entity="Yland", quote=quote)],
        series=[{"series_id": f"s-{i}", "indicator_id": ind, "entity": "Yland", "period": period, "value": value,
                 "estimate": "false", "source_id": "stats-x"} for i, (ind, period, value) in enumerate(series)],
        links=[{"link_id": f"claim-as-{ind}", "indicator_id": "exports", "entity": "Yland",
                "series_indicator_id": ind, "series_entity": "Yland"} for ind in sorted({i for i, _, _ in series})],
    )
    loaded = load_folder(folder)
    assert loaded.ok, [str(e) for e in loaded.errors]
    return run_checks(loaded.dataset)


def test_an_earlier_higher_year_makes_the_record_a_warning(tmp_path):
    result = crude_folder(tmp_path, [("imports", "2013", "35"), ("imports", "2014", "20"), ("imports", "2015", "30")])
    (note,) = [f for f in result.flags if f.kind == "record_note"]
    assert note.severity.value == "warning" and note.numbers["record"][0]["holds"] is False
    assert "2015’s 30.00 million tonnes is not the highest full-year figure from 2013 to 2015: 2013 had 35.00" \
        in note.sentence


def test_no_record_note_without_the_word(tmp_path):
    result = crude_folder(tmp_path, [("imports", "2014", "20"), ("imports", "2015", "30")], quote="exported 30 Mt")
    assert not [f for f in result.flags if f.kind == "record_note"]


def test_a_linked_series_of_part_years_months_and_dates_is_never_taken_for_a_year(tmp_path):
    """The part-year 2015-01/2015-11 is not 2015's total: no verdict from it, no crash."""
    result = crude_folder(tmp_path, [("imports-part-year", "2015-01/2015-11", "30"),
                                     ("imports-part-year", "2015-11", "3"), ("imports-part-year", "2014-01/2014-06", "9")])
    assert not [f for f in result.flags if f.kind == "reference_check"]
    both = crude_folder(tmp_path / "2", [("imports", "2015", "30.2"), ("imports-part-year", "2016-01/2016-11", "30")])
    (flag,) = [f for f in both.flags if f.kind == "reference_check"]
    assert flag.verdict == "consistent" and flag.numbers["references"][0]["period"] == "2015"


def test_periods_for_skips_part_years_months_and_dates():
    def reading(period):
        return Reading("X", "x", "i/e", period, Decimal(1), False)

    readings = {p: reading(p) for p in ("2015-01/2015-11", "2015-11", "2015-01-26", "2014", "2015", "2016")}
    assert periods_for(readings, "2015") == ("2015", ["2014", "2016"])
    assert periods_for({p: reading(p) for p in ("2015-01/2015-11", "2015-01-26")}, "2015") == (None, [])
    windows = {p: reading(p) for p in ("2010/2014", "2011/2015", "2015-01/2015-11")}
    assert periods_for(windows, "2015") == ("2011/2015", ["2010/2014"])


@pytest.mark.parametrize("qualifier,words,after", [
    ("less_than", "a decrease", "decrease"),
    ("more_than", "an increase", "increase"),
    ("at_most", "a decrease or no change", "decrease or no change"),
    ("exact", "no change", "claim of no change"),
])
def test_a_change_of_zero_is_said_as_its_direction(qualifier, words, after):
    o = Observation.model_validate(obs("c", "0", measure="change_pct", qualifier=qualifier, base_period="2014"))
    assert figure(o, None) == words and claim_words(o, None) == after
