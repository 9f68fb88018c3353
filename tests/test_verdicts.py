"""Every claim an official series can test gets a verdict a briefer can read aloud."""

from __future__ import annotations

import json

import pytest

from indicators.checks import run_checks
from indicators.loading import load_folder
from indicators.verdicts import REVISION_TOLERANCE

from .conftest import indicator, obs, source, write_folder
from .test_cli import run


def checks_of(result, obs_id: str):
    return [f for f in result.flags if f.kind == "reference_check" and f.obs_ids == (obs_id,)]


@pytest.fixture(scope="module")
def article():
    loaded = load_folder("data")
    assert loaded.ok
    return run_checks(loaded.dataset)


def test_64bn_matches_russias_statistics_not_chinas(article):
    (flag,) = checks_of(article, "china-russia-trade-2015-liu-changmin")
    assert flag.verdict == "mixed" and flag.severity == "warning"
    assert flag.title == "$64bn (Liu Changmin) matches Russia’s statistics ($63.55bn), not China’s ($67.95bn)"
    refs = {r["reporter"]: r for r in flag.numbers["references"]}
    assert refs["Russia"]["fits"] and not refs["China"]["fits"]
    assert refs["China"]["source_id"] == "imf-dots-china" and refs["China"]["period"] == "2015"
    assert {"imf-dots-china", "imf-dots-russia", "liu-changmin-makocki"} <= set(flag.source_ids)
    assert "2% allowed for revisions" in flag.explanation


def test_69bn_matches_chinas_statistics(article):
    (flag,) = checks_of(article, "china-russia-trade-2015-liu-fenghua")
    assert flag.verdict == "mixed" and "matches China’s statistics ($67.95bn), not Russia’s" in flag.title


def test_russia_is_not_in_chinas_top_ten_and_the_neighbouring_year_is_shown(article):
    (flag,) = checks_of(article, "china-trade-partner-rank-russia-2015")
    assert flag.verdict == "inconsistent"
    assert "China’s statistics (16th in 2015)" in flag.title
    assert "16th for 2015 (9th in 2014)" in flag.explanation  # 2014 would have fitted "top ten"
    assert {"reporter": "China", "period": "2014", "value": 9.0, "fits": True} in flag.numbers["neighbours"]


def test_arms_ranks_stated_without_years_use_sipris_five_year_window(article):
    (vietnam,) = checks_of(article, "russian-arms-importer-rank-vietnam-2015")
    (venezuela,) = checks_of(article, "russian-arms-importer-rank-venezuela-2015")
    assert vietnam.verdict == "consistent" and venezuela.verdict == "inconsistent"
    assert vietnam.numbers["period"] == "2011/2015"
    assert "SIPRI's five-year window 2011/2015 (the claim's year is 2015)" in vietnam.explanation
    assert "6th in 2011/2015" in venezuela.title


def test_a_change_is_computed_from_each_reporters_own_levels(article):
    (flag,) = checks_of(article, "china-russia-trade-change-2015-liu-changmin")
    assert flag.verdict == "consistent"
    assert "China (−28.7%) and Russia (−28.1%)" in flag.title
    refs = {r["reporter"]: r for r in flag.numbers["references"]}
    assert refs["China"]["base_period"] == "2014" and refs["China"]["base_value"] == pytest.approx(95.24, abs=0.01)


def test_the_missed_target_is_said_so(article):
    (flag,) = checks_of(article, "china-russia-trade-target-2015")
    assert flag.verdict == "inconsistent"
    assert flag.title.startswith("Target $100bn for China–Russia bilateral trade (2015) was missed: China $67.95bn")


def test_claims_no_series_can_test_get_no_verdict(article):
    assert not checks_of(article, "isis-recruits-uzbekistan-2016")
    assert all(f.verdict is None for f in article.flags if f.kind != "reference_check")


def tiny(tmp_path, value: str, claim: str = "64", qualifier: str = "exact"):
    statistics = source("stats-x", "", "", kind="statistics", claimed_by_type="", article="", article_author="",
                        publication="", dataset="Trade", reporter="Xland", retrieved="2022-02-02",
                        publisher="Statistics Office")
    folder = write_folder(
        tmp_path / "data",
        sources=[source("a", "Author A", "Writer One"), statistics],
        indicators=[indicator("trade")],
        observations=[obs("claim", claim, qualifier=qualifier)],
        series=[{"series_id": "x-2015", "indicator_id": "trade", "entity": "China–Russia", "period": "2015",
                 "value": value, "estimate": "false", "source_id": "stats-x"}],
    )
    loaded = load_folder(folder)
    assert loaded.ok, [str(e) for e in loaded.errors]
    (flag,) = checks_of(run_checks(loaded.dataset), "claim")
    return flag


@pytest.mark.parametrize("published,verdict", [
    ("64.49", "consistent"),   # the claim's own rounding: $64bn allows [63.5, 64.5]
    ("65.7", "consistent"),    # within 2% for later revisions: 65.7 × 0.98 = 64.39
    ("65.9", "inconsistent"),  # 65.9 × 0.98 = 64.58, above what $64bn allows
    ("62.0", "inconsistent"),
])
def test_the_tolerance_rule_rounding_then_revisions(tmp_path, published, verdict):
    assert REVISION_TOLERANCE == 0.02
    assert tiny(tmp_path, published).verdict == verdict


def test_a_bound_is_a_bound(tmp_path):
    assert tiny(tmp_path, "80", claim="70", qualifier="more_than").verdict == "consistent"
    assert tiny(tmp_path / "2", "60", claim="70", qualifier="more_than").verdict == "inconsistent"


def test_check_json_carries_the_verdicts():
    doc = json.loads(run("check", "--format", "json").stdout)
    verdicts = {f["obs_ids"][0]: f["verdict"] for f in doc if f["kind"] == "reference_check"}
    assert verdicts["china-russia-trade-2015-liu-changmin"] == "mixed"
    assert verdicts["russia-trade-partner-rank-china-2015"] == "consistent"
    assert all(set(f) >= {"id", "kind", "severity", "title", "explanation", "obs_ids", "source_ids", "numbers",
                          "verdict"} for f in doc)
