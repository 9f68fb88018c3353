"""A stated figure as the interval of values it allows, and arithmetic on intervals.

Comparing intervals instead of point values is what keeps the consistency engine
free of magic thresholds: "$69 billion" allows anything that rounds to 69.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from .schema import Qualifier

APPROX_TOLERANCE = 0.10
"""Relative tolerance of an 'approx' figure ("about 1,000" -> 900 to 1,100)."""

INF = math.inf


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        if math.isnan(self.lo) or math.isnan(self.hi) or self.lo > self.hi:
            raise ValueError(f"not an interval: {self.lo}, {self.hi}")

    @classmethod
    def everything(cls) -> Interval:
        return cls(-INF, INF, True, True)

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def midpoint(self) -> float | None:
        return (self.lo + self.hi) / 2 if self.bounded else None

    def contains(self, x: float) -> bool:
        above = x > self.lo or (x == self.lo and not self.lo_open)
        below = x < self.hi or (x == self.hi and not self.hi_open)
        return above and below

    def overlaps(self, other: Interval) -> bool:
        """Touching closed ends overlap: rounding never raises a conflict."""
        return _le(self.lo, self.lo_open, other.hi, other.hi_open) and _le(
            other.lo, other.lo_open, self.hi, self.hi_open
        )

    def intersect(self, other: Interval) -> Interval | None:
        if not self.overlaps(other):
            return None
        # The tighter end wins; at a tie an open end is tighter than a closed one.
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_closed = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        return Interval(lo, hi, lo_open, not hi_closed)

    def gap(self, other: Interval) -> float:
        """Distance between two disjoint intervals (0 when they overlap)."""
        if self.overlaps(other):
            return 0.0
        return max(other.lo - self.hi, self.lo - other.hi)

    def __mul__(self, other: Interval) -> Interval:
        return _combine(self, other, lambda a, b: a * b)

    def __truediv__(self, other: Interval) -> Interval:
        if other.contains(0.0) or (other.lo == 0 or other.hi == 0):
            return Interval.everything()
        return _combine(self, other, lambda a, b: a / b)

    def scale(self, factor: float, offset: float = 0.0) -> Interval:
        """factor * x + offset, rounded outwards so the result still holds every true value."""
        ends = []
        for x in (self.lo, self.hi):
            product = x * factor
            value = product + offset
            slack = 2 * math.ulp(max(abs(product), abs(offset), abs(value))) if math.isfinite(value) else 0.0
            ends.append((value - slack, value + slack))
        (a_lo, a_hi), (b_lo, b_hi) = ends
        if factor >= 0:
            return Interval(a_lo, b_hi, self.lo_open, self.hi_open)
        return Interval(b_lo, a_hi, self.hi_open, self.lo_open)

    def as_list(self, digits: int = 4) -> list[float | None]:
        """JSON-friendly [lo, hi]; None stands for an unbounded end."""
        return [
            round(self.lo, digits) if math.isfinite(self.lo) else None,
            round(self.hi, digits) if math.isfinite(self.hi) else None,
        ]

    def __str__(self) -> str:
        return format_interval(self)


def _le(a: float, a_open: bool, b: float, b_open: bool) -> bool:
    """Lower end a may meet upper end b."""
    return a < b or (a == b and not a_open and not b_open)


def _combine(x: Interval, y: Interval, op) -> Interval:
    corners = []
    for (a, a_open), (b, b_open) in product(
        ((x.lo, x.lo_open), (x.hi, x.hi_open)), ((y.lo, y.lo_open), (y.hi, y.hi_open))
    ):
        with_inf = math.isinf(a) or math.isinf(b)
        value = 0.0 if with_inf and (a == 0 or b == 0) else op(a, b)
        corners.append((value, a_open or b_open))
    lo = min(corners, key=lambda c: (c[0], c[1]))  # at a tie the closed end is wider
    hi = max(corners, key=lambda c: (c[0], not c[1]))
    # one rounding per operation: step one float outwards so every true value stays inside
    def outwards(x: float, direction: float) -> float:
        return x if x == 0 else math.nextafter(x, direction)  # a zero comes from an exact zero operand

    return Interval(outwards(lo[0], -INF), outwards(hi[0], INF), lo[1], hi[1])


def rounding_half_unit(value: Decimal) -> Decimal:
    """Half a unit of the last written digit: 69 -> 0.5, 37.63 -> 0.005."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number: {value}")
    return Decimal(5) * Decimal(10) ** (exponent - 1)


def _rounded(value: Decimal) -> Interval:
    half = rounding_half_unit(value)
    return Interval(float(value - half), float(value + half))


def stated_interval(
    value: Decimal | None,
    qualifier: Qualifier | str,
    low: Decimal | None = None,
    high: Decimal | None = None,
    approx_tolerance: float = APPROX_TOLERANCE,
) -> Interval:
    """The values a figure allows, given how it is written and qualified."""
    q = Qualifier(qualifier)
    if q is Qualifier.range:
        if low is None or high is None:
            raise ValueError("a range needs low and high")
        return Interval(_rounded(low).lo, _rounded(high).hi)
    if value is None:
        raise ValueError(f"a {q.value} figure needs a value")
    v = float(value)
    if q is Qualifier.exact:
        return _rounded(value)
    if q is Qualifier.approx:
        spread = max(abs(v) * approx_tolerance, float(rounding_half_unit(value)))
        return Interval(v - spread, v + spread)
    if q is Qualifier.more_than:
        return Interval(v, INF, True, True)
    if q is Qualifier.at_least:
        return Interval(v, INF, False, True)
    if q is Qualifier.less_than:
        return Interval(-INF, v, True, True)
    if q is Qualifier.at_most:
        return Interval(-INF, v, True, False)
    raise ValueError(f"unknown qualifier {qualifier!r}")  # pragma: no cover


def within_domain(interval: Interval, minimum: float | None, maximum: float | None) -> Interval:
    """Clip an open-ended figure to what its unit allows ("less than 10 years" >= 0)."""
    lo, lo_open = interval.lo, interval.lo_open
    hi, hi_open = interval.hi, interval.hi_open
    if minimum is not None and lo < minimum:
        lo, lo_open = minimum, False
    if maximum is not None and hi > maximum:
        hi, hi_open = maximum, False
    if lo > hi:
        return interval
    return Interval(lo, hi, lo_open, hi_open)


# --------------------------------------------------------------------------- arithmetic

def percent_change(new: Interval, old: Interval) -> Interval:
    """(new / old - 1) * 100, as an interval."""
    return (new / old).scale(100.0, -100.0)


def growth_factor(change_pct: Interval) -> Interval:
    """1 + change / 100."""
    return change_pct.scale(0.01, 1.0)


def apply_change(old: Interval, change_pct: Interval) -> Interval:
    return old * growth_factor(change_pct)


def undo_change(new: Interval, change_pct: Interval) -> Interval:
    return new / growth_factor(change_pct)


# --------------------------------------------------------------------------- display

def format_number(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if abs(x) >= 100:
        text = f"{x:,.1f}"
    elif abs(x) >= 1:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace("-", "−")


def format_interval(interval: Interval) -> str:
    left = "(" if interval.lo_open else "["
    right = ")" if interval.hi_open else "]"
    return f"{left}{format_number(interval.lo)}, {format_number(interval.hi)}{right}"
