"""The consistency engine finds what a careful briefer would, and nothing rounding explains."""

from __future__ import annotations

import json

import pytest

from indicators.checks import CheckSettings, filter_by_severity, run_checks

from .conftest import indicator, make_dataset, obs


def kinds(result) -> list[str]:
    return sorted(f.kind for f in result.flags)


def of(result, kind):
    return [f for f in result.flags if f.kind == kind]


def test_disjoint_exact_figures_from_two_sources_conflict(tmp_path):
    ds = make_dataset(tmp_path, [obs("x", "69", source_id="a"), obs("y", "64", source_id="b")])
    (flag,) = run_checks(ds).flags
    assert flag.kind == "value_conflict" and flag.severity == "conflict"
    assert set(flag.obs_ids) == {"x", "y"} and flag.source_ids == ("a", "b")
    assert "Author A (cited by One) gives $69bn" in flag.explanation
    assert "[68.5, 69.5] and [63.5, 64.5] do not overlap" in flag.explanation
    assert flag.numbers["intervals"] == {"x": [68.5, 69.5], "y": [63.5, 64.5]}


def test_touching_intervals_are_not_a_conflict_but_agreement(tmp_path):
    ds = make_dataset(tmp_path, [obs("x", "69", source_id="a"), obs("y", "70", source_id="b")])
    result = run_checks(ds)
    assert kinds(result) == ["corroborated"]
    assert of(result, "corroborated")[0].title.startswith("2 sources agree")


def test_one_source_contradicting_itself_is_flagged_too(tmp_path):
    ds = make_dataset(tmp_path, [obs("x", "69", source_id="a"), obs("y", "64", source_id="a")])
    assert kinds(run_checks(ds)) == ["value_conflict"]


def test_approx_and_bounds_allow_what_their_words_allow(tmp_path):
    rows = [obs("x", "1000", qualifier="approx", source_id="a"), obs("y", "1090", source_id="b"),
            obs("z", "5000", qualifier="more_than", source_id="c", period="2016"),
            obs("w", "4000", source_id="a", period="2016")]
    result = run_checks(make_dataset(tmp_path, rows))
    conflicts = of(result, "value_conflict")
    assert [set(f.obs_ids) for f in conflicts] == [{"z", "w"}]
    assert "gives more than $5,000bn" in conflicts[0].explanation
    assert of(result, "corroborated")[0].obs_ids == ("x", "y")


def test_the_approx_tolerance_is_one_setting(tmp_path):
    rows = [obs("x", "1000", qualifier="approx", source_id="a"), obs("y", "1090", source_id="b")]
    ds = make_dataset(tmp_path, rows)
    assert kinds(run_checks(ds, CheckSettings(approx_tolerance=0.05))) == ["value_conflict"]


def test_ranges_conflict_only_when_disjoint(tmp_path):
    rows = [obs("r", None, qualifier="range", low="17", high="24", source_id="a"),
            obs("s", "25", source_id="b"), obs("t", "30", source_id="c")]
    result = run_checks(make_dataset(tmp_path, rows))
    # 25 -> [24.5, 25.5] touches the range's 24.5 end; 30 conflicts with both
    assert sorted(set(f.obs_ids) == {"r", "t"} or set(f.obs_ids) == {"s", "t"} for f in of(result, "value_conflict")) == [True, True]


def test_three_sources_for_one_figure_compare_every_pair(tmp_path):
    rows = [obs("x", "69", source_id="a"), obs("y", "64", source_id="b"), obs("z", "69.2", source_id="c")]
    result = run_checks(make_dataset(tmp_path, rows))
    assert sorted(tuple(sorted(f.obs_ids)) for f in of(result, "value_conflict")) == [("x", "y"), ("y", "z")]
    (agree,) = of(result, "corroborated")
    assert set(agree.obs_ids) == {"x", "z"}


def test_change_against_levels_every_combination_of_sources(tmp_path):
    rows = [obs("l14", "95", "2014", source_id="a"), obs("l15a", "69", source_id="a"),
            obs("l15b", "64", source_id="b"),
            obs("c", "-28", measure="change_pct", base_period="2014", source_id="b")]
    result = run_checks(make_dataset(tmp_path, rows))
    (mismatch,) = of(result, "change_mismatch")
    assert mismatch.obs_ids == ("c", "l15b", "l14")
    lo, hi = mismatch.numbers["computed"]
    assert lo == pytest.approx(-33.508, abs=1e-3) and hi == pytest.approx(-31.746, abs=1e-3)
    assert "[−33.51, −31.75]%" in mismatch.explanation and "outside the stated [−28.5, −27.5]%" in mismatch.explanation
    implied = {(i.period, tuple(i.from_obs)): i.interval for i in result.implied}
    lo14 = implied[("2014", ("c", "l15b"))]
    assert (round(lo14.lo, 1), round(lo14.hi, 1)) == (87.6, 90.2)
    clashes = of(result, "implied_value")
    assert {f.obs_ids for f in clashes} == {("c", "l15b", "l14"), ("c", "l14", "l15b")}
    assert "$87.59bn to $90.21bn" in next(f for f in clashes if f.obs_ids[-1] == "l14").explanation


def test_a_multiple_of_another_indicator_implies_its_level(tmp_path):
    indicators = [indicator("eu-trade"), indicator("cn-trade")]
    rows = [obs("eu", "400", indicator_id="eu-trade", source_id="a"),
            obs("m", "4", indicator_id="eu-trade", measure="multiple", qualifier="more_than",
                base_indicator_id="cn-trade", source_id="a"),
            obs("cn", "120", indicator_id="cn-trade", source_id="b")]
    result = run_checks(make_dataset(tmp_path, rows, indicators=indicators))
    implied = [i for i in result.implied if i.indicator_id == "cn-trade"]
    assert implied and implied[0].interval.hi == pytest.approx(100.125)  # 400.5 / 4
    assert {f.kind for f in result.flags} >= {"change_mismatch", "implied_value"}
    mismatch = of(result, "change_mismatch")[0]
    assert "more than 4 times" in mismatch.explanation


def test_a_multiple_across_entities_of_one_indicator(tmp_path):
    indicators = [indicator("share", "percent")]
    rows = [obs("eu", "44.8", indicator_id="share", entity="Europe", source_id="a"),
            obs("m", "4", indicator_id="share", entity="Europe", measure="multiple", qualifier="more_than",
                base_entity="China", source_id="a")]
    result = run_checks(make_dataset(tmp_path, rows, indicators=indicators))
    (china,) = result.implied
    assert (china.entity, china.indicator_id) == ("China", "share")
    assert china.interval.lo == 0 and china.interval.hi == pytest.approx(11.2125)
    assert result.flags == []


def test_targets_report_missed_by_how_much_for_each_source(tmp_path):
    rows = [obs("t", "100", measure="target", source_id="c"), obs("x", "69", source_id="a"),
            obs("y", "64", source_id="b"), obs("t2", "50", measure="target", period="2016", source_id="c"),
            obs("z", "60", period="2016", source_id="a")]
    result = run_checks(make_dataset(tmp_path, rows))
    outcomes = {f.obs_ids: f for f in of(result, "target_outcome")}
    assert outcomes[("t", "x")].severity == "info" and outcomes[("t", "x")].numbers["shortfall"] == [30.0, 32.0]
    assert "short by $35bn to $37bn" in outcomes[("t", "y")].explanation
    assert outcomes[("t2", "z")].severity == "info" and outcomes[("t2", "z")].title.startswith("Target met")


def test_editorial_flags_come_from_the_flags_table(tmp_path):
    flags = [{"flag_id": "five-nos", "severity": "warning", "obs_ids": "x", "title": "Five Nos, four listed",
              "explanation": "Only four are listed.", "source_id": "c"}]
    result = run_checks(make_dataset(tmp_path, [obs("x", "5", source_id="a")], flags=flags))
    (flag,) = result.flags
    assert (flag.id, flag.kind, flag.severity, flag.obs_ids, flag.source_ids) == (
        "editorial-five-nos", "editorial", "warning", ("x",), ("a", "c"))


def test_flag_ids_are_stable_across_runs_and_row_order(tmp_path):
    rows = [obs("x", "69", source_id="a"), obs("y", "64", source_id="b")]
    first = run_checks(make_dataset(tmp_path / "1", rows)).flags[0].id
    second = run_checks(make_dataset(tmp_path / "2", list(reversed(rows)))).flags[0].id
    assert first == second


def test_severity_filter_and_json_shape(tmp_path):
    rows = [obs("x", "69", source_id="a"), obs("y", "64", source_id="b"), obs("z", "64.2", source_id="c")]
    flags = run_checks(make_dataset(tmp_path, rows)).flags
    assert {f.severity for f in filter_by_severity(flags, "conflict")} == {"conflict"}
    assert len(filter_by_severity(flags, "info")) == len(flags)
    doc = json.loads(json.dumps([f.model_dump(mode="json") for f in flags]))
    assert set(doc[0]) == {"id", "kind", "severity", "title", "explanation", "obs_ids", "source_ids", "numbers",
                           "verdict", "sentence"}
    assert all(f["verdict"] is None for f in doc)  # only reference checks carry one


def test_engine_knows_no_indicator_names(tmp_path):
    """A dataset it has never seen: another indicator, entity and unit."""
    indicators = [indicator("wheat", "million_tonnes", name="Wheat harvest")]
    rows = [obs("w1", "12.5", "2020", indicator_id="wheat", entity="Kazakhstan", source_id="a"),
            obs("w2", "20", "2021", indicator_id="wheat", entity="Kazakhstan", source_id="b"),
            obs("g", "10", "2021", indicator_id="wheat", entity="Kazakhstan", measure="change_pct",
                base_period="2020", source_id="b")]
    result = run_checks(make_dataset(tmp_path, rows, indicators=indicators))
    (flag,) = of(result, "change_mismatch")
    assert "Wheat harvest (Kazakhstan, 2021)" in flag.explanation
    assert flag.title == "A 10% increase (Author B) does not match 12.5 million tonnes → 20 million tonnes"


# ---------------------------------------------------------------- the article's own figures

TRADE = "china-russia-trade"


@pytest.fixture(scope="module")
def article(real):
    return run_checks(real.dataset)


def _trade_obs(real, period, measure="level", claimant=None):
    rows = [o for o in real.dataset.rows("observations")
            if o.indicator_id == TRADE and o.period == period and o.measure == measure]
    if claimant:
        rows = [o for o in rows if real.dataset.sources_by_id[o.source_id].claimed_by == claimant]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_2015_trade_conflict_69_against_64(real, article):
    a, b = _trade_obs(real, "2015", claimant="Liu Fenghua"), _trade_obs(real, "2015", claimant="Liu Changmin")
    (flag,) = [f for f in article.flags if f.kind == "value_conflict" and set(f.obs_ids) == {a.obs_id, b.obs_id}]
    assert "Liu Fenghua (cited by Duchâtel) gives $69bn" in flag.explanation
    assert "Liu Changmin (cited by Makocki) gives $64bn" in flag.explanation
    assert "[68.5, 69.5] and [63.5, 64.5] do not overlap" in flag.explanation


def test_the_stated_28_percent_against_95_to_64_and_no_false_alarm_for_95_to_69(real, article):
    change = _trade_obs(real, "2015", "change_pct")
    mismatches = [f for f in article.flags if f.kind == "change_mismatch" and f.obs_ids[0] == change.obs_id]
    assert len(mismatches) == 1  # 95 -> 69 agrees with -28% within rounding: no second flag
    lo, hi = mismatches[0].numbers["computed"]
    assert (round(lo, 1), round(hi, 1)) == (-33.5, -31.7)
    assert mismatches[0].obs_ids[1] == _trade_obs(real, "2015", claimant="Liu Changmin").obs_id


def test_the_2014_level_implied_by_64_and_minus_28_clashes_with_95(real, article):
    change, low = _trade_obs(real, "2015", "change_pct"), _trade_obs(real, "2015", claimant="Liu Changmin")
    (implied,) = [i for i in article.implied if i.from_obs == (change.obs_id, low.obs_id)]
    assert implied.period == "2014"
    assert (round(implied.interval.lo, 1), round(implied.interval.hi, 1)) == (87.6, 90.2)
    clash = [f for f in article.flags if f.kind == "implied_value" and f.obs_ids[:2] == (change.obs_id, low.obs_id)]
    assert clash and "$87.59bn to $90.21bn" in clash[0].explanation and "$95bn" in clash[0].explanation


def test_the_100bn_target_for_2015_was_missed_by_each_source(real, article):
    missed = [f for f in article.flags if f.kind == "target_outcome"]
    assert len(missed) == 2 and all(f.title.startswith("Target missed") for f in missed)
    assert sorted(tuple(f.numbers["shortfall"]) for f in missed) == [(30.0, 32.0), (35.0, 37.0)]


def test_the_five_nos_editorial_flag(article):
    (flag,) = [f for f in article.flags if f.kind == "editorial" and "Nos" in f.title]
    assert flag.severity == "warning" and "four" in flag.explanation


def test_the_europe_multiple_implies_chinas_share_without_a_false_alarm(real, article):
    implied = [i for i in article.implied if i.entity == "China" and i.indicator_id == "russia-trade-share"]
    assert implied and implied[0].interval.hi == pytest.approx(44.85 / 4)


def test_no_flag_is_raised_twice(real):
    """The same finding (same kind, same figures in their roles) is one flag, with one id."""
    flags = run_checks(real.dataset).flags
    ids = [f.id for f in flags]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    computed = [(f.kind, f.obs_ids) for f in flags if f.kind != "editorial"]  # editors may note one pair twice
    assert len(computed) == len(set(computed))
