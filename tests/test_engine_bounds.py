"""Hostile shapes cannot make the engine quadratic: work and flags stay bounded per group.

Regression tests for issue 11: 2,000 rows alternating 70/72 raised a million flags; the
article repeated to 5,000 rows took two minutes. Each test counts what the engine does
(interval comparisons, flags) at growing k and fails if it grows faster than k.
"""

from __future__ import annotations

import pytest

from indicators import intervals
from indicators.checks import REPRESENTATIVES, run_checks

from .conftest import make_dataset, obs, source

SOURCES = [source(f"s{i}", f"Author {i}", f"Writer {i}") for i in range(6)]


@pytest.fixture
def comparisons(monkeypatch):
    """Counts every interval comparison the engine makes."""
    count = {"n": 0}
    overlaps = intervals.Interval.overlaps

    def counting(self, other):
        count["n"] += 1
        return overlaps(self, other)

    monkeypatch.setattr(intervals.Interval, "overlaps", counting)
    return count


def alternating(k: int) -> list[dict]:
    return [obs(f"x{i}", "70" if i % 2 else "72", source_id=f"s{i % 6}") for i in range(k)]


def test_many_disagreeing_figures_for_one_key_raise_one_conflict_naming_the_extremes(tmp_path):
    rows = alternating(40) + [obs("low", "61", source_id="s1"), obs("high", "90", source_id="s2")]
    result = run_checks(make_dataset(tmp_path, rows, sources=SOURCES))
    (conflict,) = [f for f in result.flags if f.kind == "value_conflict"]
    assert set(conflict.obs_ids) == {"low", "high"}
    assert conflict.numbers["figures"] == 42
    assert "42 figures are stated" in conflict.explanation
    assert len([f for f in result.flags if f.kind == "corroborated"]) <= 1


@pytest.mark.parametrize("shape", ["same key", "changes against one base", "targets"])
def test_flags_and_comparisons_grow_at_most_linearly(tmp_path, comparisons, shape):
    def rows(k: int) -> list[dict]:
        if shape == "same key":
            return alternating(k)
        if shape == "changes against one base":
            levels = [obs("base", "95", period="2014", source_id="s0"), obs("now", "64", source_id="s1"),
                      obs("now2", "69", source_id="s2")]
            return levels + [obs(f"c{i}", str(-20 - i % 15), measure="change_pct", base_period="2014",
                                 source_id=f"s{i % 6}") for i in range(k)]
        return ([obs(f"t{i}", str(100 + i % 7), measure="target", source_id=f"s{i % 6}") for i in range(k)]
                + [obs(f"o{i}", str(60 + i % 9), source_id=f"s{i % 6}") for i in range(k)])

    seen = {}
    for k in (8, 16, 64):
        comparisons["n"] = 0
        result = run_checks(make_dataset(tmp_path / str(k), rows(k), sources=SOURCES))
        seen[k] = (comparisons["n"], len(result.flags), len(result.implied))
    (c8, f8, i8), (c64, f64, i64) = seen[8], seen[64]
    # k grew 8-fold: a pairwise path would multiply comparisons by 64
    assert c64 <= 8 * c8 + 50, seen
    assert f64 <= f8 + 2 * REPRESENTATIVES, seen
    assert i64 <= i8 + 4 * REPRESENTATIVES, seen


def test_a_small_group_is_still_compared_pair_by_pair(tmp_path):
    rows = [obs("a", "60", source_id="s0"), obs("b", "70", source_id="s1"), obs("c", "80", source_id="s2")]
    conflicts = [f for f in run_checks(make_dataset(tmp_path, rows, sources=SOURCES)).flags if f.kind == "value_conflict"]
    assert sorted(tuple(sorted(f.obs_ids)) for f in conflicts) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_a_mismatching_change_in_a_large_group_is_still_found(tmp_path):
    """The extremes decide: if any level pair contradicts the change, an extreme pair does."""
    levels = [obs(f"l{i}", str(64 + i % 3), source_id=f"s{i % 6}") for i in range(30)]
    rows = levels + [obs("base", "95", period="2014", source_id="s0"),
                     obs("c", "-28", measure="change_pct", base_period="2014", source_id="s1")]
    result = run_checks(make_dataset(tmp_path, rows, sources=SOURCES))
    mismatches = [f for f in result.flags if f.kind == "change_mismatch"]
    assert mismatches and all("c" in f.obs_ids for f in mismatches)
    assert "l0" in {i for f in mismatches for i in f.obs_ids}  # 64, the furthest from 95 − 28%
