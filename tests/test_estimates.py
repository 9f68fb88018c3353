"""ICSR's estimates beside the recruit figures: notes that say why the figures can differ, never verdicts."""

from __future__ import annotations

from indicators.checks import run_checks
from indicators.estimates import estimate_notes
from indicators.loading import load_folder

from .conftest import ROOT


def test_each_recruit_claim_with_an_icsr_estimate_gets_one_note_saying_why_they_can_differ():
    dataset = load_folder(ROOT / "data").dataset
    notes = {f.obs_ids[0]: f for f in estimate_notes(dataset)}
    assert set(notes) == {"isis-recruits-uzbekistan-2016", "isis-recruits-tajikistan-2015",
                          "isis-recruits-kazakhstan-2016"}
    uzbek = notes["isis-recruits-uzbekistan-2016"]
    assert (uzbek.kind, uzbek.severity.value, uzbek.verdict) == ("estimate_note", "info", None)
    assert uzbek.title == "ICSR estimated 500 for Uzbekistan by 26 Jan 2015; Uzbek Ministry of State Security: >5,000"
    assert uzbek.explanation.count(".") == 1 and uzbek.explanation.endswith("by who is counted.")  # one sentence
    assert "by date (1 year apart)" in uzbek.explanation and "nationals who joined ISIS" in uzbek.explanation
    assert "the same year" in notes["isis-recruits-tajikistan-2015"].explanation
    kazakh = notes["isis-recruits-kazakhstan-2016"].numbers["estimates"]
    assert [(e["period"], e["value"], e["low"], e["high"]) for e in kazakh] == [
        ("2013-12-17", 82.0, 14.0, 150.0), ("2015-01-26", 250.0, None, None)]


def test_estimates_are_never_judged_as_statistics():
    dataset = load_folder(ROOT / "data").dataset
    verdicts = [f for f in run_checks(dataset).flags if f.kind == "reference_check"
                and any(o.startswith("isis-recruits") for o in f.obs_ids)]
    assert verdicts == []  # ICSR publishes dated estimates: no period of a claim matches, and they are not statistics
