"""What official statistics say of each claim, as data: what was compared with what, and the outcome.

The method, written once (README, "How claims are judged"); wording.py writes the sentences.

1. A claim allows what its wording allows (`intervals.stated_interval`): "$64bn" is 63.5 to 64.5,
   "more than 4 times" anything above 4, "at most 10th" 1st to 10th.
2. Each reporter's statistics are compared on their own (mirror statistics: China's customs and
   Russia's record the same trade differently). A published value **within** what the claim allows
   makes the claim `consistent` with that reporter; a value that reaches it only when allowed
   ±REVISION_TOLERANCE (2%, what later releases revise official figures by) makes it `near`, and
   the gap is said; otherwise `inconsistent`. Ranks are taken as published (no `near`).
3. The verdict follows the reporter that fits best and names it; the others are context.
4. Changes and multiples are computed from a reporter's own published levels (new / old). A group
   is built from its members as membership stood in the claim's period, the same members at both
   ends of a change (series_index.py).
5. The claim's period decides; SIPRI's five-year window ending in the claim's year stands for a year.
   When the text gives no year, `other_periods` lists the plausible ones: if their verdicts agree
   that is the verdict ("whichever year is meant"), if not the claim is `indeterminate` and each
   reading's result is kept.
6. A figure written round in prose (a whole number ending in 0: 40 percent, 60 percent, $100bn) is
   also read as a round figure, ±APPROX_TOLERANCE (10%, as "about"); the verdict stays the one of
   rule 2, and the round reading is said beside it. A whole multiple ("five times") already allows
   4.5 to 5.5 as written, what "about five times" allows, so it has no second reading.
7. Targets and forecasts are not claims of fact: `met` when a reporter's outcome reaches what the
   target allows, `missed` when none does, `pending` when no statistics cover its period yet.
8. Claims that name several entities as the top k together ("Vietnam is one of the two largest
   importers …, along with Venezuela") are judged jointly: consistent only if all are in the top k.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .dataset import Dataset
from .intervals import APPROX_TOLERANCE, Interval, stated_interval
from .schema import Indicator, Measure, Observation, Qualifier, Source, SourceKind, Unit, Verdict
from .series_index import Reading, SeriesIndex, periods_for, series_index

REVISION_TOLERANCE = 0.02
"""How much a later release may revise an official value: ±2% of it."""

WITHIN, NEAR, OUTSIDE = "within", "near", "outside"
FACT_VERDICT: dict[str, Verdict] = {WITHIN: "consistent", NEAR: "near", OUTSIDE: "inconsistent"}
RANK_ORDER = {WITHIN: 0, NEAR: 1, OUTSIDE: 2}


@dataclass(frozen=True)
class Comparison:
    """One reporter's statistics against the claim, for one reading of the claim."""

    reporter: str
    readings: tuple[Reading, ...]  # (the value,) or (new, old) for a change or a multiple
    value: float  # the published value, or the change (percent) or multiple computed from published levels
    outcome: str  # within | near | outside; for a target: within = reached
    gap: float  # how far the value lies outside what the claim allows as written (0 when within)
    round_fits: bool | None = None  # the value within the claim read as a round figure
    neighbours: tuple[Reading, ...] = ()  # the same series one period either side

    @property
    def period(self) -> str:
        return self.readings[0].period


@dataclass(frozen=True)
class ClaimReading:
    """The claim read for one period (its own, or one of its other_periods) and what each reporter says."""

    period: str
    base_period: str | None
    comparisons: tuple[Comparison, ...]
    verdict: Verdict
    follows: tuple[str, ...]  # the reporters the verdict follows (within, else near)


@dataclass(frozen=True)
class JointMember:
    obs_id: str
    entity: str
    value: float | None  # its published rank, None when it is not ranked
    within: bool


@dataclass(frozen=True)
class Judgement:
    """What official statistics say of a claim: the data every sentence about it is written from."""

    obs_ids: tuple[str, ...]
    observation: Observation
    unit: Unit | None
    claim: Interval  # what the figure allows as written
    round_claim: Interval | None  # what it allows read as a round figure, when it is one
    readings: tuple[ClaimReading, ...]  # the first is the row's own period
    verdict: Verdict
    joint: tuple[JointMember, ...] = ()
    leaders: tuple[tuple[str, float], ...] = ()  # a joint rank claim: who the top k really are

    @property
    def main(self) -> ClaimReading:
        return self.readings[0]

    @property
    def target(self) -> bool:
        return self.observation.measure is Measure.target

    @property
    def follows(self) -> tuple[str, ...]:
        """Reporters the claim fits (within or near) under every reading: for explaining conflicts."""
        sets = [set(r.follows) for r in self.readings if r.verdict in ("consistent", "near")]
        return tuple(sorted(set.intersection(*sets))) if sets and len(sets) == len(self.readings) else ()

    def comparison(self, reporter: str) -> Comparison | None:
        return next((c for c in self.main.comparisons if c.reporter == reporter), None)


def round_figure(o: Observation, unit: Unit | None) -> bool:
    """A figure prose writes round: exact, whole, and ending in 0 (40%, $100bn), or a whole multiple (five times)."""
    if o.qualifier is not Qualifier.exact or o.value is None or unit is Unit.rank:
        return False
    if o.value != o.value.to_integral_value():
        return False
    return o.measure is not Measure.multiple and abs(o.value) >= 10 and abs(o.value) % 10 == 0


def _revised(value: float, unit: Unit | None) -> Interval:
    if unit is Unit.rank:
        return Interval(value, value)
    spread = abs(value) * REVISION_TOLERANCE
    return Interval(value - spread, value + spread)


def _gap(claim: Interval, x: float) -> float:
    if claim.contains(x):
        return 0.0
    return max(claim.lo - x, x - claim.hi, 0.0)


class Judge:
    """Judges every claim an official series can test (not the statistics' own rows)."""

    def __init__(self, dataset: Dataset, intervals: Mapping[str, Interval]) -> None:
        self.ds, self.interval = dataset, intervals
        self.index: SeriesIndex = series_index(dataset)
        self.indicators: Mapping = dataset.indicators_by_id
        self.sources: Mapping = dataset.sources_by_id

    def unit(self, indicator_id: str) -> Unit | None:
        ind = self.indicators.get(indicator_id)
        return ind.unit if isinstance(ind, Indicator) else None

    def all(self) -> list[Judgement]:
        if not self.index.values:
            return []
        claims = [o for o in self.ds.observation_rows if not self._is_statistics(o)]
        out = [j for o in claims if (j := self.judge(o)) is not None]
        return self._joint(out)

    def _is_statistics(self, o: Observation) -> bool:
        source = self.sources.get(o.source_id)
        return isinstance(source, Source) and source.kind is not SourceKind.text

    # ------------------------------------------------------------------ one claim

    def judge(self, o: Observation) -> Judgement | None:
        own = self.index.for_claim((o.indicator_id, o.entity))
        if not own:
            return None
        unit = self.unit(o.indicator_id)
        claim = self.interval[o.obs_id]
        round_claim = None
        if round_figure(o, unit):
            assert o.value is not None
            round_claim = stated_interval(o.value, Qualifier.approx, None, None, APPROX_TOLERANCE)
        readings = []
        for period in [o.period, *o.other_periods]:
            reading = self._reading(o, own, unit, claim, round_claim, period)
            if reading is not None:
                readings.append(reading)
        if not readings:
            if o.measure is Measure.target and self._after_latest(own, o.period):
                pending = ClaimReading(o.period, None, (), "pending", ())
                return Judgement((o.obs_id,), o, unit, claim, round_claim, (pending,), "pending")
            return None
        verdicts = {r.verdict for r in readings}
        verdict: Verdict = readings[0].verdict if len(verdicts) == 1 else "indeterminate"
        return Judgement((o.obs_id,), o, unit, claim, round_claim, tuple(readings), verdict)

    def _after_latest(self, own: Mapping[str, Mapping[str, Reading]], period: str) -> bool:
        latest = max((int(p[-4:]) for periods in own.values() for p in periods), default=None)
        return latest is not None and int(period[:4]) > latest

    def _reading(self, o: Observation, own, unit: Unit | None, claim: Interval, round_claim: Interval | None,
                 period: str) -> ClaimReading | None:
        shift = int(period[:4]) - int(o.period[:4])
        comparisons: list[Comparison] = []
        base_period = None
        if o.measure in (Measure.level, Measure.target):
            for reporter, readings in sorted(own.items()):
                chosen, near = periods_for(readings, period)
                if chosen is None:
                    continue
                got = readings[chosen]
                x = float(got.value)
                if o.measure is Measure.target:
                    outcome = WITHIN if x >= claim.lo else OUTSIDE
                    gap = max(claim.lo - x, 0.0)
                    round_fits = None if round_claim is None else x >= round_claim.lo
                else:
                    outcome = (WITHIN if claim.contains(x) else NEAR if _revised(x, unit).overlaps(claim)
                               else OUTSIDE)
                    gap = _gap(claim, x)
                    round_fits = None if round_claim is None else round_claim.contains(x)
                comparisons.append(Comparison(reporter, (got,), x, outcome, gap, round_fits,
                                              tuple(readings[p] for p in near)))
        else:
            base_indicator, base_entity, base = o.base_key()
            base_period = str(int(base[:4]) + shift) if len(base) == 4 else base
            base_series = self.index.for_claim((base_indicator, base_entity))
            for reporter, readings in sorted(own.items()):
                if reporter not in base_series:
                    continue
                chosen, _ = periods_for(readings, period)
                old_period, _ = periods_for(base_series[reporter], base_period)
                if chosen is None or old_period is None:
                    continue
                new, old = readings[chosen], base_series[reporter][old_period]
                if new.group is not None and old.group is not None and old.group.as_of != new.group.as_of:
                    series_indicator, group = old.series.split("/", 1)
                    rebuilt = self.index.group_reading((series_indicator, group), reporter, old_period,
                                                       new.group.as_of)
                    if rebuilt is None:
                        continue
                    old = rebuilt
                if not old.value:
                    continue
                ratio = float(new.value) / float(old.value)
                x = (ratio - 1) * 100 if o.measure is Measure.change_pct else ratio
                lo, hi = ratio * (1 - REVISION_TOLERANCE), ratio * (1 + REVISION_TOLERANCE)
                revised = (Interval((lo - 1) * 100, (hi - 1) * 100) if o.measure is Measure.change_pct
                           else Interval(lo, hi))
                outcome = WITHIN if claim.contains(x) else NEAR if revised.overlaps(claim) else OUTSIDE
                round_fits = None if round_claim is None else round_claim.contains(x)
                comparisons.append(Comparison(reporter, (new, old), x, outcome, _gap(claim, x), round_fits))
        if not comparisons:
            return None
        if o.measure is Measure.target:
            reached = tuple(c.reporter for c in comparisons if c.outcome == WITHIN)
            return ClaimReading(period, base_period, tuple(comparisons), "met" if reached else "missed", reached)
        best = min(RANK_ORDER[c.outcome] for c in comparisons)
        outcome = next(k for k, v in RANK_ORDER.items() if v == best)
        follows = tuple(c.reporter for c in comparisons if c.outcome == outcome) if outcome != OUTSIDE else ()
        return ClaimReading(period, base_period, tuple(comparisons), FACT_VERDICT[outcome], follows)

    # ------------------------------------------------------------------ joint claims

    def _joint(self, judgements: list[Judgement]) -> list[Judgement]:
        """'X is one of the two largest …, along with Y': rank claims from one quote that name k entities
        as the top k are one claim, consistent only when every one of them is in the top k."""
        groups: dict[tuple, list[Judgement]] = defaultdict(list)
        for j in judgements:
            o = j.observation
            if (j.unit is Unit.rank and o.measure is Measure.level and o.qualifier is Qualifier.at_most
                    and o.value is not None):
                groups[(o.indicator_id, o.period, o.source_id, o.quote, o.value)].append(j)
        joined: dict[str, Judgement] = {}
        for (indicator_id, period, _, _, k), members in groups.items():
            if len(members) != int(k) or len(members) < 2:
                continue
            quote = members[0].observation.quote
            members.sort(key=lambda j: (quote.find(j.observation.entity) % (len(quote) + 1), j.observation.obs_id))
            first = members[0]
            comparisons = [c for c in first.main.comparisons]
            if len(comparisons) != 1:
                continue  # one reporter (SIPRI) only: joint claims across mirror statistics are not judged jointly
            reporter = comparisons[0].reporter
            chosen = comparisons[0].period
            ranks = []
            for j in members:
                c = j.comparison(reporter)
                ranks.append(JointMember(j.observation.obs_id, j.observation.entity,
                                         c.value if c is not None and c.period == chosen else None,
                                         c is not None and c.period == chosen and c.outcome == WITHIN))
            leaders = self._leaders(first, reporter, chosen, int(k))
            verdict: Verdict = "consistent" if all(m.within for m in ranks) else "inconsistent"
            reading = ClaimReading(first.main.period, None, tuple(j.comparison(reporter) for j in members
                                                                   if j.comparison(reporter) is not None),
                                   verdict, (reporter,) if verdict == "consistent" else ())
            joint = Judgement(tuple(m.obs_id for m in ranks), first.observation, first.unit, first.claim, None,
                              (reading,), verdict, tuple(ranks), leaders)
            for j in members:
                joined[j.observation.obs_id] = joint
        out, seen = [], set()
        for j in judgements:
            replacement = joined.get(j.observation.obs_id)
            if replacement is None:
                out.append(j)
            elif replacement.obs_ids not in seen:
                seen.add(replacement.obs_ids)
                out.append(replacement)
        return out

    def _leaders(self, j: Judgement, reporter: str, period: str, k: int) -> tuple[tuple[str, float], ...]:
        """The entities the same series ranks 1 to k in the compared period."""
        c = j.main.comparisons[0]
        indicator_id = c.readings[0].series.split("/", 1)[0]
        found = []
        for (ind, entity), by_reporter in self.index.values.items():
            if ind != indicator_id:
                continue
            r = by_reporter.get(reporter, {}).get(period)
            if r is not None and float(r.value) <= k:
                found.append((entity, float(r.value)))
        return tuple(sorted(found, key=lambda e: (e[1], e[0])))


def judgements(dataset: Dataset, intervals: Mapping[str, Interval]) -> list[Judgement]:
    return Judge(dataset, intervals).all()


def by_obs(judged: list[Judgement]) -> dict[str, Judgement]:
    return {obs_id: j for j in judged for obs_id in j.obs_ids}


def numbers_of(j: Judgement) -> dict:
    """Every reference value used: its reporter, series, period, group membership, and the outcome."""
    def comparison(c: Comparison) -> dict:
        new = c.readings[0]
        out = {"reporter": c.reporter, "source_id": new.source_id, "series": new.series, "period": new.period,
               "value": round(c.value, 4), "published": float(new.value), "estimate": new.estimate,
               "outcome": c.outcome, "gap": round(c.gap, 4), "fits": c.outcome != OUTSIDE}
        if len(c.readings) == 2:
            old = c.readings[1]
            out.update({"base_period": old.period, "base_value": float(old.value), "base_series": old.series})
        group = new.group
        if group is not None:
            out["group"] = {"name": group.name, "as_of": group.as_of, "members": list(group.members)}
        if c.round_fits is not None:
            out["round_fits"] = c.round_fits
        return out

    data: dict = {
        "period": j.main.comparisons[0].period if j.main.comparisons else j.main.period,
        "claim": j.claim.as_list(),
        "tolerance": 0.0 if j.unit is Unit.rank and j.observation.measure is Measure.level else REVISION_TOLERANCE,
        "references": [comparison(c) for c in j.main.comparisons],
        "neighbours": [{"reporter": c.reporter, "period": n.period, "value": float(n.value),
                        "fits": j.claim.contains(float(n.value))}
                       for c in j.main.comparisons for n in c.neighbours],
        "follows": list(j.main.follows),
    }
    if j.round_claim is not None:
        data["round_reading"] = j.round_claim.as_list()
    if len(j.readings) > 1:
        data["readings"] = [{"period": r.period, "base_period": r.base_period, "verdict": r.verdict,
                             "references": [comparison(c) for c in r.comparisons]} for r in j.readings]
    if j.joint:
        data["joint"] = [{"obs_id": m.obs_id, "entity": m.entity, "rank": m.value, "within": m.within}
                         for m in j.joint]
        data["leaders"] = [{"entity": e, "rank": r} for e, r in j.leaders]
    return data

