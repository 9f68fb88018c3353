"""The official values that can test a claim: each reporter's series, and groups built from their members.

A claim (indicator, entity) is tested by the series rows with its own indicator and entity, and by
those links.csv joins to it (`reference.claim_series` lists them as a table). When a link names a
group that memberships.csv defines (the European Union, the euro area, the SCO …), the group's value
for a period is built from its members' rows as membership stood in that period, never read from a
publisher's aggregate row: the IMF's "European Union" row in a 2022 download is the EU of 27 for
every year, so a 2015 claim about the EU of 28 was once judged against the wrong group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .dataset import Dataset
from .schema import Indicator, Membership, Source, SourceKind, Unit

SeriesKey = tuple[str, str]  # (indicator_id, entity)

MEMBERSHIP_DAY = "07-01"
"""A country counts in a group's value for a year when it was a member on 1 July of that year
(Croatia, joined 1 July 2013, counts from 2013; the United Kingdom, out on 1 February 2020, from 2020 not)."""

WORLD = "World"
"""The entity of a reporter's total, the denominator of a share built from members."""


@dataclass(frozen=True)
class Group:
    """A group as it stood on one day: what a value built from members stands for."""

    name: str
    as_of: str  # the year whose membership is used
    members: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"the {self.name} of {self.as_of}, {len(self.members)} members"


@dataclass(frozen=True)
class Reading:
    """One reporter's value for one period, as published, or built from a group's members."""

    reporter: str
    source_id: str
    series: str  # indicator_id/entity of the series
    period: str
    value: Decimal
    estimate: bool
    group: Group | None = None
    note: str | None = None  # the series row's note: a region built from subregions says so


def members_on(rows: list[Membership], year: str) -> tuple[str, ...]:
    day = f"{year[:4]}-{MEMBERSHIP_DAY}"
    return tuple(sorted(m.member for m in rows if _date(m.joined) <= day and (m.left is None or _date(m.left) > day)))


def _date(period: str) -> str:
    """A year or a month as its first day, so periods of any precision compare as dates."""
    return {4: period + "-01-01", 7: period + "-01"}.get(len(period), period)


class SeriesIndex:
    """Series values by (indicator, entity) -> reporter -> period, the links and the groups, built once per dataset."""

    def __init__(self, dataset: Dataset) -> None:
        sources: Mapping = dataset.sources_by_id
        self.indicators: Mapping = dataset.indicators_by_id
        self.values: dict[SeriesKey, dict[str, dict[str, Reading]]] = defaultdict(lambda: defaultdict(dict))
        self.estimates: dict[SeriesKey, dict[str, dict[str, Reading]]] = defaultdict(lambda: defaultdict(dict))
        """Published estimates (a source of kind estimates, ICSR's foreign fighters): beside a claim as
        notes (estimates.py) and chart markers, never judged as a reporter's statistics."""
        for v in dataset.series_rows:
            source = sources.get(v.source_id)
            if isinstance(source, Source) and source.kind is SourceKind.estimates:
                into = self.estimates
            elif isinstance(source, Source) and source.kind is not SourceKind.statistics:
                continue
            else:
                into = self.values
            reporter = source.reporter if isinstance(source, Source) and source.reporter else v.source_id
            into[(v.indicator_id, v.entity)][reporter][v.period] = Reading(
                reporter, v.source_id, f"{v.indicator_id}/{v.entity}", v.period, v.value, v.estimate, note=v.note)
        self.links: dict[SeriesKey, list[SeriesKey]] = defaultdict(list)
        for link in dataset.link_rows:
            self.links[(link.indicator_id, link.entity)].append((link.series_indicator_id, link.series_entity))
        self.groups: dict[str, list[Membership]] = defaultdict(list)
        for m in dataset.membership_rows:
            self.groups[m.group].append(m)
        self._built: dict[SeriesKey, dict[str, dict[str, Reading]]] = {}

    def for_claim(self, key: SeriesKey) -> dict[str, dict[str, Reading]]:
        """reporter -> period -> reading, from the claim's own series and every linked one (first wins)."""
        out: dict[str, dict[str, Reading]] = {}
        for series_key in [key, *self.links.get(key, [])]:
            for reporter, periods in self.series(series_key).items():
                out.setdefault(reporter, dict(periods))
        return out

    def series(self, key: SeriesKey) -> Mapping[str, Mapping[str, Reading]]:
        """A series as published, or, for a group memberships.csv defines, built from its members."""
        if key[1] in self.groups and key not in self._built:
            self._built[key] = self._group_series(key)
        return self._built.get(key) or self.values.get(key, {})

    def group_reading(self, key: SeriesKey, reporter: str, period: str, as_of: str) -> Reading | None:
        """A group's value for `period` with the members of `as_of`: a change over a group keeps one
        membership at both ends (the claim's period), as statisticians compare a constant composition."""
        indicator_id, group = key
        members = members_on(self.groups.get(group, []), as_of)
        if not members:
            return None
        indicator = self.indicators.get(indicator_id)
        unit = indicator.unit if isinstance(indicator, Indicator) else None
        if unit is Unit.rank:
            return None  # a rank is not a sum of ranks
        share = unit is Unit.percent and isinstance(indicator, Indicator) and indicator.basis
        own = indicator.basis if share else indicator_id
        parts = [self.values.get((own, m), {}).get(reporter, {}).get(period) for m in members]
        if any(p is None for p in parts):
            return None  # a member not reported that year: no value rather than a partial one
        total = sum((p.value for p in parts if p is not None), Decimal(0))
        if share:
            world = self.values.get((own, WORLD), {}).get(reporter, {}).get(period)
            if world is None or not world.value:
                return None
            total = total / world.value * 100
        first = parts[0]
        assert first is not None
        return Reading(reporter, first.source_id, f"{indicator_id}/{group}", period, total,
                       any(p.estimate for p in parts if p is not None), Group(group, as_of[:4], members))

    def _group_series(self, key: SeriesKey) -> dict[str, dict[str, Reading]]:
        indicator_id, _ = key
        indicator = self.indicators.get(indicator_id)
        own = indicator.basis if isinstance(indicator, Indicator) and indicator.unit is Unit.percent and indicator.basis \
            else indicator_id
        reporters: dict[str, set[str]] = defaultdict(set)
        for (ind, _entity), by_reporter in self.values.items():
            if ind == own:
                for reporter, periods in by_reporter.items():
                    reporters[reporter].update(p for p in periods if "/" not in p)
        out: dict[str, dict[str, Reading]] = {}
        for reporter, periods in reporters.items():
            built = {p: r for p in sorted(periods) if (r := self.group_reading(key, reporter, p, p)) is not None}
            if built:
                out[reporter] = built
        return out


_LAST: list[tuple[Dataset, SeriesIndex]] = []


def series_index(dataset: Dataset) -> SeriesIndex:
    """The index of the dataset most recently asked for: the engine's verdicts and a revision's charts
    share one instead of each building their own (a page works on one revision at a time)."""
    if not _LAST or _LAST[0][0] is not dataset:
        _LAST[:] = [(dataset, SeriesIndex(dataset))]
    return _LAST[0][1]


def year_window(period: str) -> bool:
    """2011/2015, a window of whole years (not a part-year's months, 2022-01/2022-11)."""
    return len(period) == 9 and period[4] == "/" and period[:4].isdigit() and period[5:].isdigit()


def last_year(period: str) -> int:
    """The year a period ends in: 2015 for 2015, 2011/2015, 2015-11, 2015-01/2015-11 or 2015-01-26."""
    return int(period.split("/")[-1][:4])


def periods_for(readings: Mapping[str, Reading], claim_period: str) -> tuple[str | None, list[str]]:
    """The period compared with the claim, and its neighbours (the same kind of period, one step either side).

    Where a series is given per five-year window (SIPRI), the window ending in the claim's year is
    compared (2011/2015 for 2015): SIPRI compares windows because single years are volatile. Only
    years and windows of years stand for a year: a part-year (2022-01/2022-11), a month or a date
    is never compared with a year's claim."""
    year = int(claim_period[:4])
    windows = sorted(p for p in readings if year_window(p))
    if windows:
        chosen = next((w for w in windows if int(w[5:]) == year), None)
        if chosen is not None:
            near = [w for w in windows if abs(int(w[5:]) - year) == 1] + ([str(year)] if str(year) in readings else [])
            return chosen, near
    chosen = str(year) if str(year) in readings else None
    near = [str(y) for y in (year - 1, year + 1) if str(y) in readings]
    return chosen, near
