"""A stated figure becomes the interval of values it allows; arithmetic keeps every possibility."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.intervals import (
    INF,
    Interval,
    apply_change,
    format_interval,
    percent_change,
    rounding_half_unit,
    stated_interval,
    undo_change,
    within_domain,
)

D = Decimal


@pytest.mark.parametrize(
    "written, lo, hi",
    [("69", 68.5, 69.5), ("37.63", 37.625, 37.635), ("44.8", 44.75, 44.85), ("5000", 4999.5, 5000.5),
     ("-28", -28.5, -27.5), ("3.50", 3.495, 3.505)],
)
def test_exact_figure_allows_half_a_unit_of_its_last_written_digit(written, lo, hi):
    i = stated_interval(D(written), "exact")
    assert i.lo == pytest.approx(lo) and i.hi == pytest.approx(hi)
    assert not i.lo_open and not i.hi_open


def test_approx_uses_the_relative_tolerance_and_it_is_configurable():
    assert stated_interval(D("1000"), "approx") == Interval(900.0, 1100.0)
    i = stated_interval(D("7000"), "approx", approx_tolerance=0.05)
    assert (i.lo, i.hi) == (6650.0, 7350.0)


def test_approx_of_a_small_number_is_never_narrower_than_its_rounding():
    i = stated_interval(D("1"), "approx", approx_tolerance=0.1)
    assert (i.lo, i.hi) == (0.5, 1.5)


def test_bounds_are_open_or_closed_as_the_words_say():
    assert stated_interval(D("5000"), "more_than") == Interval(5000, INF, True, True)
    assert stated_interval(D("5000"), "at_least") == Interval(5000, INF, False, True)
    assert stated_interval(D("10"), "less_than") == Interval(-INF, 10, True, True)
    assert stated_interval(D("10"), "at_most") == Interval(-INF, 10, True, False)
    assert not stated_interval(D("5000"), "more_than").contains(5000)
    assert stated_interval(D("5000"), "at_least").contains(5000)


def test_range_rounds_each_end():
    i = stated_interval(None, "range", D("17"), D("24"))
    assert (i.lo, i.hi) == (16.5, 24.5)


def test_touching_intervals_overlap_so_rounding_never_raises_a_conflict():
    assert stated_interval(D("69"), "exact").overlaps(stated_interval(D("70"), "exact"))
    assert not stated_interval(D("69"), "exact").overlaps(stated_interval(D("71"), "exact"))
    # an open end touching a closed end is not an overlap
    assert not Interval(0, 10, False, True).overlaps(Interval(10, 20))
    assert Interval(0, 10).overlaps(Interval(10, 20))


def test_trade_arithmetic_of_the_article():
    t2014, t2015a, t2015b = (stated_interval(D(v), "exact") for v in ("95", "69", "64"))
    change = stated_interval(D("-28"), "exact")
    computed = percent_change(t2015b, t2014)
    assert computed.lo == pytest.approx(-33.508, abs=1e-3) and computed.hi == pytest.approx(-31.746, abs=1e-3)
    assert not computed.overlaps(change)
    assert percent_change(t2015a, t2014).overlaps(change)  # 95 -> 69 agrees with -28% within rounding
    implied_2014 = undo_change(t2015b, change)
    assert implied_2014.lo == pytest.approx(87.586, abs=1e-3) and implied_2014.hi == pytest.approx(90.210, abs=1e-3)
    assert apply_change(t2014, change).overlaps(t2015a)


def test_division_by_an_interval_containing_zero_allows_anything():
    assert (Interval(1, 2) / Interval(-1, 1)) == Interval.everything()


def test_domain_clips_open_ended_figures():
    assert within_domain(stated_interval(D("10"), "less_than"), 0, None) == Interval(0, 10, False, True)


def test_formatting_marks_open_ends():
    assert format_interval(Interval(1.5, INF, True, True)) == "(1.5, ∞)"
    assert format_interval(Interval(-33.5079, -31.746)) == "[−33.51, −31.75]"


def test_rounding_half_unit_reads_the_written_precision():
    assert rounding_half_unit(D("37.63")) == D("0.005")
    assert rounding_half_unit(D("37.630")) == D("0.0005")


# ---------------------------------------------------------------- properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


@st.composite
def intervals(draw, values=finite):
    a, b = draw(values), draw(values)
    return Interval(min(a, b), max(a, b))


@st.composite
def decimals(draw):
    whole = draw(st.integers(min_value=-10**6, max_value=10**6))
    places = draw(st.integers(min_value=0, max_value=4))
    frac = draw(st.integers(min_value=0, max_value=10**places - 1)) if places else 0
    text = f"{whole}" + (f".{frac:0{places}d}" if places else "")
    return D(text)


@given(decimals())
def test_an_exact_figure_contains_itself_and_every_number_that_rounds_to_it(value):
    i = stated_interval(value, "exact")
    assert i.contains(float(value))
    half = float(rounding_half_unit(value))
    assert i.contains(float(value) + half * 0.999) and i.contains(float(value) - half * 0.999)


@given(intervals(), intervals())
def test_overlap_is_symmetric_and_matches_intersection(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    assert (a.intersect(b) is not None) == a.overlaps(b)


@given(intervals(), intervals(positive), st.floats(0, 1), st.floats(0, 1))
def test_products_and_quotients_contain_every_pointwise_result(a, b, s, t):
    x = a.lo + (a.hi - a.lo) * s
    y = b.lo + (b.hi - b.lo) * t
    product, quotient = a * b, a / b
    for interval, point in ((product, x * y), (quotient, x / y)):
        slack = 1e-9 * max(1.0, abs(point))
        assert interval.lo - slack <= point <= interval.hi + slack


@given(intervals(positive), intervals(positive))
def test_percent_change_then_apply_change_contains_the_new_level(old, new):
    change = percent_change(new, old)
    recovered = apply_change(old, change)
    assert recovered.lo <= new.lo * (1 + 1e-9) and recovered.hi >= new.hi * (1 - 1e-9)
