"""ICSR's estimates beside the recruit figures: notes that say why the figures can differ, never verdicts."""

from __future__ import annotations

import json

from indicators.checks import run_checks
from indicators.estimates import estimate_notes
from indicators.loading import load_folder
from indicators.wording import citation, cited_who, who

from .conftest import ROOT
from .test_cli import run

RECRUITS = {"isis-recruits-uzbekistan-2016", "isis-recruits-tajikistan-2015", "isis-recruits-kazakhstan-2016"}


def test_each_recruit_claim_with_an_icsr_estimate_gets_one_note_saying_why_they_can_differ():
    dataset = load_folder(ROOT / "data").dataset
    notes = {f.obs_ids[0]: f for f in estimate_notes(dataset)}
    assert set(notes) == RECRUITS
    uzbek = notes["isis-recruits-uzbekistan-2016"]
    assert (uzbek.kind, uzbek.severity.value, uzbek.verdict) == ("estimate_note", "info", None)
    assert uzbek.title == "ICSR estimated 500 for Uzbekistan by 26 Jan 2015; Uzbek Ministry of State Security: >5,000"
    assert uzbek.sentence == (
        "Uzbek Ministry of State Security gives more than 5,000 for Uzbekistan in 2016 (nationals who joined ISIS); "
        "ICSR estimated 500 by 26 Jan 2015 (foreign fighters in Syria and Iraq by country of origin, everyone "
        "counted so far): the figures can differ by date (1 year apart), by counting one year or all years so far, "
        "and by who is counted.")
    assert uzbek.explanation.startswith(uzbek.sentence)  # the sentence, then every estimate
    assert "the same year" in notes["isis-recruits-tajikistan-2015"].sentence
    kazakh = notes["isis-recruits-kazakhstan-2016"]
    assert [(e["period"], e["value"], e["low"], e["high"]) for e in kazakh.numbers["estimates"]] == [
        ("2013-12-17", 82.0, 14.0, 150.0), ("2015-01-26", 250.0, None, None)]
    assert "14 to 150 by 17 Dec 2013 and 250 by 26 Jan 2015" in kazakh.explanation  # a range in words


def test_check_reports_the_notes_as_info_each_with_one_plain_sentence():
    done = run("check", "--format", "json")
    assert done.returncode == 0, done.stderr
    notes = {f["obs_ids"][0]: f for f in json.loads(done.stdout) if f["kind"] == "estimate_note"}
    assert set(notes) == RECRUITS
    for note in notes.values():
        sentence = note["sentence"]
        assert note["severity"] == "info" and note["verdict"] is None
        assert sentence.count(".") == 1 and sentence.endswith("by who is counted.")  # one sentence
        assert "[" not in sentence and "(−" not in sentence and "≈" not in sentence and ">" not in sentence
        assert "ICSR estimated" in sentence and "Jan 2015" in sentence
    assert notes["isis-recruits-kazakhstan-2016"]["sentence"].startswith(
        "Kazakhstan official statistics gives about 1,000 for Kazakhstan in 2016")
    text = run("check", "--severity", "info").stdout
    assert "[estimate_note] ICSR estimated 190 for Tajikistan by 26 Jan 2015; Tajik government: 400" in text
    assert "    Tajik government gives 400 for Tajikistan in 2015 (nationals who joined ISIS); ICSR estimated 190" in text


def test_estimates_are_never_judged_as_statistics():
    dataset = load_folder(ROOT / "data").dataset
    verdicts = [f for f in run_checks(dataset).flags if f.kind == "reference_check"
                and any(o.startswith("isis-recruits") for o in f.obs_ids)]
    assert verdicts == []  # ICSR publishes dated estimates, not statistics: never a reporter to judge by


def test_an_estimates_source_is_named_and_cited_as_estimates():
    icsr = load_folder(ROOT / "data").dataset.sources_by_id["icsr-foreign-fighters"]
    assert who(icsr) == cited_who(icsr, "?") == "ICSR’s estimates"
    line = citation(icsr)
    assert line.startswith("International Centre for the Study of Radicalisation (ICSR)")
    assert "estimates, not statistics; retrieved 2016." in line and "None" not in line and "“" not in line
