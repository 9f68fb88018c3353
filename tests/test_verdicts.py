"""The method of README "How claims are judged": one test per rule, built from its case in the article,
plus small made-up folders where the article has no case (a pending target, a met one)."""

from __future__ import annotations

import json
import re

import pytest

from indicators.checks import run_checks
from indicators.loading import load_folder
from indicators.schema import Verdict
from indicators.series_index import members_on
from indicators.verdicts import REVISION_TOLERANCE, round_figure

from .conftest import indicator, obs, source, write_folder
from .test_cli import run


def checks_of(result, obs_id: str):
    return [f for f in result.flags if f.kind == "reference_check" and obs_id in f.obs_ids]


def one(result, obs_id: str):
    (flag,) = checks_of(result, obs_id)
    return flag


@pytest.fixture(scope="module")
def loaded():
    loaded = load_folder("data")
    assert loaded.ok
    return loaded


@pytest.fixture(scope="module")
def article(loaded):
    return run_checks(loaded.dataset)


# Rule 1 and 2: what a figure allows as written, then ±2% for revisions ("near"), else inconsistent.

def tiny(tmp_path, value: str, claim: str = "64", qualifier: str = "exact", measure: str = "level",
         period: str = "2015"):
    statistics = source("stats-x", "", "", kind="statistics", claimed_by_type="", article="", article_author="",
                        publication="", dataset="Trade", reporter="Xland", retrieved="2022-02-02",
                        publisher="Statistics Office")
    folder = write_folder(
        tmp_path / "data",
        sources=[source("a", "Author A", "Writer One"), statistics],
        indicators=[indicator("trade")],
        observations=[obs("claim", claim, qualifier=qualifier, measure=measure, period=period)],
        series=[{"series_id": "x-2015", "indicator_id": "trade", "entity": "China–Russia", "period": "2015",
                 "value": value, "estimate": "false", "source_id": "stats-x"}],
    )
    loaded = load_folder(folder)
    assert loaded.ok, [str(e) for e in loaded.errors]
    return one(run_checks(loaded.dataset), "claim")


@pytest.mark.parametrize("published,verdict", [
    ("64.49", "consistent"),   # the claim's own rounding: $64bn allows 63.5 to 64.5
    ("65.7", "near"),          # only within 2% for later revisions: 65.7 × 0.98 = 64.39
    ("65.9", "inconsistent"),  # 65.9 × 0.98 = 64.58, above what $64bn allows
    ("62.0", "inconsistent"),
])
def test_a_figure_allows_its_rounding_and_a_revision_makes_it_only_near(tmp_path, published, verdict):
    assert REVISION_TOLERANCE == 0.02
    assert tiny(tmp_path, published).verdict == verdict


def test_a_bound_is_a_bound(tmp_path):
    assert tiny(tmp_path, "80", claim="70", qualifier="more_than").verdict == "consistent"
    assert tiny(tmp_path / "2", "60", claim="70", qualifier="more_than").verdict == "inconsistent"


def test_69bn_is_close_to_chinas_statistics_and_the_sentence_says_by_how_much(article):
    flag = one(article, "china-russia-trade-2015-liu-fenghua")
    assert flag.verdict == "near"
    assert flag.title == "$69bn (Liu Fenghua) is close to China’s statistics ($67.95bn)"
    assert ("is close to China’s statistics for 2015 ($67.95bn): 0.8% below what $69bn allows as written, "
            "within the 2% later releases may revise; Russia’s own: $63.55bn.") in flag.sentence


# Rule 3: the verdict follows the reporter that fits and names it; the others are context.

def test_64bn_matches_russias_statistics_and_shows_chinas_as_context(article):
    flag = one(article, "china-russia-trade-2015-liu-changmin")
    assert flag.verdict == "consistent" and flag.severity == "info"
    assert flag.title == "$64bn (Liu Changmin) matches Russia’s statistics ($63.55bn)"
    assert flag.sentence == ("Liu Changmin’s $64bn (China–Russia bilateral trade, 2015) matches Russia’s statistics "
                             "for 2015 ($63.55bn); China’s own: $67.95bn.")
    refs = {r["reporter"]: r for r in flag.numbers["references"]}
    assert refs["Russia"]["fits"] and not refs["China"]["fits"]
    assert refs["China"]["source_id"] == "imf-dots-china" and refs["China"]["period"] == "2015"
    assert flag.numbers["follows"] == ["Russia"]
    assert {"imf-dots-china", "imf-dots-russia", "liu-changmin-makocki"} <= set(flag.source_ids)


@pytest.mark.parametrize("obs_id,title", [
    ("china-russia-trade-2014-liu-fenghua", "$95bn (Liu Fenghua) matches China’s statistics ($95.24bn)"),
    ("russia-vietnam-trade-2015-liu-fei", "More than $3.5bn (Liu Fei) matches Russia’s statistics ($3.90bn)"),
    ("russia-trade-partner-rank-china-2015", "Rank 1 (Liu Fenghua) matches Russia’s statistics (1st)"),
])
def test_claims_that_match_one_countrys_statistics_say_which(article, obs_id, title):
    flag = one(article, obs_id)
    assert flag.verdict == "consistent" and flag.title == title


def test_mixed_is_gone_every_verdict_is_one_of_the_method(article):
    allowed = set(Verdict.__args__)
    assert allowed == {"consistent", "near", "inconsistent", "indeterminate", "met", "missed", "pending"}
    assert {f.verdict for f in article.flags if f.kind == "reference_check"} <= allowed


# Rule 4: changes and multiples from one reporter's own levels.

def test_a_change_is_computed_from_each_reporters_own_levels(article):
    flag = one(article, "china-russia-trade-change-2015-liu-changmin")
    assert flag.verdict == "consistent"
    assert flag.title == "A 28% decrease (Liu Changmin) matches Russia’s statistics (−28.1%)"
    assert "China’s own: −28.7%: $95.24bn in 2014 to $67.95bn in 2015." in flag.sentence
    refs = {r["reporter"]: r for r in flag.numbers["references"]}
    assert refs["China"]["base_period"] == "2014" and refs["China"]["base_value"] == pytest.approx(95.24, abs=0.01)


# Rule 5: groups as they stood in the claim's period, never a publisher's aggregate row.

def test_europes_448_percent_is_the_eu_of_2015_with_28_members(article):
    flag = one(article, "russia-trade-share-europe-2015-chen-yu")
    assert flag.verdict == "consistent"
    assert flag.title == "44.8% (Chen Yu) matches Russia’s statistics (44.84%)"
    assert "44.84% for the European Union of 2015, 28 members" in flag.sentence
    (ref,) = flag.numbers["references"]
    assert len(ref["group"]["members"]) == 28 and "United Kingdom" in ref["group"]["members"]


def test_membership_is_dated_the_uk_left_in_2020(loaded):
    eu = [m for m in loaded.dataset.membership_rows if m.group == "European Union"]
    assert len(members_on(eu, "2015")) == 28
    assert len(members_on(eu, "2012")) == 27  # Croatia joined on 1 July 2013
    assert "United Kingdom" in members_on(eu, "2019") and "United Kingdom" not in members_on(eu, "2020")


def test_a_change_of_a_group_keeps_the_same_members_at_both_ends(article):
    flag = one(article, "russia-europe-trade-change-2015-chen-yu")
    assert flag.verdict == "inconsistent"
    (ref,) = flag.numbers["references"]
    assert ref["base_period"] == "2014" and len(ref["group"]["members"]) == 28
    assert ("$377.47bn in 2014 to $235.79bn in 2015 for the European Union of 2015, 28 members") in flag.sentence


def test_a_multiple_of_a_group_against_a_country(article):
    flag = one(article, "russia-trade-share-europe-vs-china-2015-chen-yu")
    assert flag.verdict == "inconsistent"
    assert flag.title == "More than 4 times (Chen Yu) does not match Russia’s statistics (3.71 times)"
    assert "44.84% for the European Union of 2015, 28 members against 12.09% for China" in flag.sentence
    assert "(Share of Russian foreign trade: Europe against China, 2015)" in flag.sentence  # what is multiplied


# Rule 6: the claim's period decides; a claim with no year is read for each plausible year.

def test_five_times_ten_years_ago_depends_on_the_year_meant(article):
    flag = one(article, "russia-vietnam-trade-multiple-2015-liu-fei")
    assert flag.verdict == "indeterminate" and flag.severity == "warning"
    assert "Liu Fei’s multiple of 5 (Russia–Vietnam bilateral trade) gives no year, and the plausible years disagree" \
        in flag.sentence
    assert "4.65 times for 2004 to 2014 (matches)" in flag.sentence
    assert "4.27 times for 2005 to 2015 (does not match)" in flag.sentence
    assert "5.89 times for 2006 to 2016 (does not match)" in flag.sentence
    assert {r["period"]: r["verdict"] for r in flag.numbers["readings"]} == {
        "2015": "inconsistent", "2014": "consistent", "2016": "inconsistent"}


def test_readings_that_agree_give_one_verdict_whichever_year(article):
    flag = one(article, "russia-vietnam-trade-2015-liu-fei")
    assert flag.verdict == "consistent"
    assert "the same whichever year is meant ($3.75bn for 2014; $3.84bn for 2016)" in flag.sentence


def test_sipris_five_year_window_stands_for_the_claims_year(article):
    flag = one(article, "russia-arms-export-share-asia-pacific-2015")
    assert flag.verdict == "inconsistent"
    assert "SIPRI’s statistics for 2011–2015 (66.20%, for a region grouped here from UN subregions), the five-year period SIPRI compares" in flag.sentence


def test_a_rank_names_the_neighbouring_year_that_would_have_fitted(article):
    flag = one(article, "china-trade-partner-rank-russia-2015")
    assert flag.verdict == "inconsistent"
    assert flag.sentence.startswith("Liu Fenghua’s claim that Russia is among the top 10 (Rank among China’s trade "
                                    "partners: Russia, 2015) does not match China’s statistics for 2015 (16th; 9th in 2014)")


# Rule 7: round figures are also read as round figures.

def test_round_figures_are_whole_prose_numbers_ending_in_zero(loaded):
    ds = loaded.dataset
    unit = {i: ind.unit for i, ind in ds.indicators_by_id.items()}
    def is_round(obs_id):
        o = ds.observations_by_id[obs_id]
        return round_figure(o, unit[o.indicator_id])
    assert is_round("russia-europe-trade-change-2015-chen-yu")       # 40 percent
    assert is_round("russia-arms-export-share-asia-pacific-2015")    # 60 percent
    assert is_round("china-russia-trade-target-2015")                # $100bn
    assert not is_round("russia-trade-share-europe-2015-chen-yu")    # 44.8%
    assert not is_round("china-russia-trade-2015-liu-changmin")      # $64bn
    assert not is_round("russia-vietnam-trade-multiple-2015-liu-fei")  # five times: allows 4.5-5.5 already
    assert not is_round("china-trade-partner-rank-russia-2015")      # a rank


def test_the_round_reading_is_said_beside_the_verdict(article):
    decrease = one(article, "russia-europe-trade-change-2015-chen-yu")
    assert decrease.sentence.endswith("Read as a round figure (−44% to −36%), it holds.")
    assert decrease.numbers["round_reading"] == [-44.0, -36.0]
    share = one(article, "russia-arms-export-share-asia-pacific-2015")
    # 66.20% lies above 66% by less than a revision could change: said as a narrow miss
    assert share.sentence.endswith("Read as a round figure (54% to 66%), it misses only narrowly (66.20%).")


# Rule 8: targets are met, missed or pending, not claims of fact.

def test_the_100bn_target_was_missed(article):
    flag = one(article, "china-russia-trade-target-2015")
    assert flag.verdict == "missed" and flag.severity == "info"
    assert flag.title == "Target $100bn for 2015 missed: China $67.95bn, Russia $63.55bn"
    assert flag.sentence.endswith("was missed: China’s statistics give $67.95bn, Russia’s $63.55bn. "
                                  "Even allowing 10% (from $90bn), it was still missed.")


def test_a_target_is_met_or_pending(tmp_path):
    assert tiny(tmp_path, "64", claim="60", qualifier="at_least", measure="target").verdict == "met"
    pending = tiny(tmp_path / "2", "64", claim="200", measure="target", period="2030")
    assert pending.verdict == "pending" and "no statistics cover 2030 yet" in pending.sentence


# Rule 9: "the two largest" is judged jointly.

def test_vietnam_and_venezuela_as_the_two_largest_are_judged_together(article):
    flag = one(article, "russian-arms-importer-rank-vietnam-2015")
    assert set(flag.obs_ids) == {"russian-arms-importer-rank-vietnam-2015", "russian-arms-importer-rank-venezuela-2015"}
    assert flag.verdict == "inconsistent"
    assert "the two largest were India and Vietnam; Venezuela was 6th" in flag.sentence
    assert [m["entity"] for m in flag.numbers["leaders"]] == ["India", "Vietnam"]


# Rule 10: conflicts the statistics explain are explained, and drop to notes.

def test_69bn_against_64bn_is_two_countries_statistics(article):
    (flag,) = [f for f in article.flags if f.kind == "value_conflict"
               and "china-russia-trade-2015-liu-fenghua" in f.obs_ids]
    assert flag.severity == "info"
    assert flag.title == "$69bn and $64bn for 2015: two countries’ statistics, not a disagreement"
    assert {"imf-dots-china", "imf-dots-russia"} <= set(flag.source_ids)
    explained = flag.numbers["explained_by"]
    assert explained["china-russia-trade-2015-liu-fenghua"]["reporter"] == "China"
    assert explained["china-russia-trade-2015-liu-changmin"]["reporter"] == "Russia"


def test_the_change_and_implied_flags_of_the_same_figures_are_notes_too(article):
    related = [f for f in article.flags if f.kind in ("change_mismatch", "implied_value")
               and "china-russia-trade-change-2015-liu-changmin" in f.obs_ids]
    assert len(related) == 3
    assert all(f.severity == "info" and f.numbers["explained_by"] for f in related)
    assert all("two countries’ statistics" in f.sentence for f in related)


def test_a_conflict_no_statistics_explain_stays_a_conflict(tmp_path):
    folder = write_folder(
        tmp_path / "data", sources=[source("a", "Author A", "Writer One"), source("b", "Author B", "Writer One")],
        indicators=[indicator("trade")],
        observations=[obs("x", "69", source_id="a"), obs("y", "64", source_id="b")])
    loaded = load_folder(folder)
    (flag,) = [f for f in run_checks(loaded.dataset).flags if f.kind == "value_conflict"]
    assert flag.severity == "conflict" and "explained_by" not in flag.numbers


# Words a briefer can paste.

def test_sentences_have_no_interval_notation_or_citation_chains(article):
    for f in article.flags:
        if f.kind == "editorial":
            continue
        assert f.sentence, f.id
        assert not re.search(r"\[[\d.−-]+, [\d.−-]+\]", f.sentence), f.sentence
        assert "(cited by" not in f.sentence and not re.search(r"\) gives [$\d]", f.sentence), f.sentence


def test_claims_no_series_can_test_get_no_verdict(article):
    assert not checks_of(article, "isis-recruits-uzbekistan-2016")
    assert all(f.verdict is None for f in article.flags if f.kind != "reference_check")


def test_check_json_carries_verdict_numbers_and_sentence():
    doc = json.loads(run("check", "--format", "json").stdout)
    verdicts = {f["obs_ids"][0]: f for f in doc if f["kind"] == "reference_check"}
    sixty_four = verdicts["china-russia-trade-2015-liu-changmin"]
    assert sixty_four["verdict"] == "consistent" and sixty_four["sentence"].startswith("Liu Changmin’s $64bn")
    assert {r["reporter"] for r in sixty_four["numbers"]["references"]} == {"China", "Russia"}
    assert verdicts["russia-trade-partner-rank-china-2015"]["verdict"] == "consistent"
    assert all(set(f) >= {"id", "kind", "severity", "title", "explanation", "sentence", "obs_ids", "source_ids",
                          "numbers", "verdict"} for f in doc)


def test_check_text_prints_the_sentence():
    out = run("check").stdout
    assert "[reference_check near] $69bn (Liu Fenghua) is close to China’s statistics ($67.95bn)" in out
    assert "Liu Changmin’s $64bn (China–Russia bilateral trade, 2015) matches Russia’s statistics" in out


# Claims in words: the numbers and the reading used, no verdict (claims_in_words.csv, indicators/in_words.py).

def test_damascus_as_a_major_trading_partner_gets_the_numbers_and_no_verdict(article):
    words = {f.numbers["claim_id"]: f for f in article.flags if f.kind == "in_words"}
    trade = words["syria-russia-trade-partner-bi-hongye"]
    assert trade.verdict is None and trade.severity == "info"
    assert trade.sentence.startswith("Bi Hongye’s words “Damascus is one of Russia’s major trading partners, "
                                     "particularly in weapons and energy” can be read as Syria’s share of Russia’s "
                                     "trade: Russia’s statistics for 2015 give 0.06% (85th of 177). No verdict: ")
    (ref,) = trade.numbers["references"]
    assert (ref["reporter"], ref["source_id"], ref["rank"]) == ("Russia", "imf-dots-russia", 85.0)
    arms = words["syria-russia-arms-recipient-bi-hongye"]
    assert "SIPRI’s statistics for 2011–2015 (the five-year period SIPRI compares) give 3.94% (7th of 55)" in arms.sentence
    assert {"bi-hongye-sheldon-duplaix", "sipri-arms-transfers"} <= set(arms.source_ids)


def test_a_claim_in_words_without_statistics_says_so(tmp_path):
    folder = write_folder(
        tmp_path / "data", sources=[source("a", "Author A", "Writer One")], indicators=[indicator("trade")],
        observations=[obs("x", "69")],
        claims_in_words=[{"claim_id": "w", "source_id": "a", "quote": "a major partner of ours", "reading":
                          "the partner’s share of trade", "indicator_id": "trade", "entity": "China–Russia",
                          "period": "2015", "rank_indicator_id": "", "no_verdict": "“major” sets no threshold"}])
    loaded = load_folder(folder)
    assert loaded.ok, [str(e) for e in loaded.errors]
    (flag,) = [f for f in run_checks(loaded.dataset).flags if f.kind == "in_words"]
    assert flag.sentence == ("Author A’s words “a major partner of ours” can be read as the partner’s share of trade: "
                             "no statistics this data holds give it. No verdict: “major” sets no threshold.")


def test_russia_as_a_minor_supplier_of_technology_reads_as_its_share_of_chinas_arms_imports(article):
    flag = next(f for f in article.flags if f.numbers.get("claim_id") == "russia-technology-supplier-china-godement")
    assert flag.verdict is None
    assert ("can be read as Russia’s share of China’s arms imports: SIPRI’s statistics for 2011–2015 (the five-year "
            "period SIPRI compares) give 54.19% (1st of 8). No verdict: “minor” sets no threshold") in flag.sentence


def test_chinas_arms_imports_by_supplier_are_summed_from_the_register(loaded):
    """China's imports: every supplier's deliveries to China, the recipient side of the same register."""
    values = {(s.indicator_id, s.entity, s.period): float(s.value) for s in loaded.dataset.series_rows
              if s.indicator_id.startswith(("china-arms-", "russia-arms-exports"))}
    world = values[("china-arms-imports", "World", "2011/2015")]
    russia = values[("china-arms-imports", "Russia", "2011/2015")]
    assert values[("china-arms-import-share", "Russia", "2011/2015")] == pytest.approx(100 * russia / world, abs=0.005)
    assert values[("china-arms-supplier-rank", "Russia", "2011/2015")] == 1
    assert russia == values[("russia-arms-exports", "China", "2011/2015")]  # both sides of one register agree
