"""The consistency engine: where authors disagree, and where the arithmetic does not add up.

Everything is driven by the data's keys (indicator, entity, period), never by
indicator names. Rows are grouped by key once, so the work grows with the number
of observations times the (small) number of figures stated for one key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .dataset import Dataset
from .verdicts import ReferenceChecks
from .wording import capital, claimant_of, cited_who, figure, interval_words, subject
from .intervals import (
    APPROX_TOLERANCE,
    Interval,
    apply_change,
    format_interval,
    format_number,
    percent_change,
    stated_interval,
    undo_change,
    within_domain,
)
from .schema import UNIT_RULES, Flag, FlagKind, Indicator, Measure, Observation, Severity, Source, Unit, flag_id

SEVERITY_ORDER = {Severity.conflict: 0, Severity.warning: 1, Severity.info: 2}

REPRESENTATIVES = 4
"""Figures per group compared pair by pair; a larger group is represented by its extremes."""

Key = tuple[str, str, str]  # indicator_id, entity, period


@dataclass(frozen=True)
class CheckSettings:
    approx_tolerance: float = APPROX_TOLERANCE


@dataclass(frozen=True)
class ImpliedValue:
    """A level no one states but a change or multiple plus a stated level implies."""

    indicator_id: str
    entity: str
    period: str
    interval: Interval
    from_obs: tuple[str, str]  # (the change or multiple, the stated level)
    source_ids: tuple[str, ...]
    explanation: str


@dataclass
class CheckResult:
    flags: list[Flag] = field(default_factory=list)
    implied: list[ImpliedValue] = field(default_factory=list)
    intervals: dict[str, Interval] = field(default_factory=dict)  # obs_id -> what it allows
    _by_obs: tuple | None = field(default=None, repr=False, compare=False)

    def for_obs(self, obs_id: str) -> list[Flag]:
        return self._index()[0].get(obs_id, [])

    def implied_for(self, indicator_id: str) -> list[ImpliedValue]:
        return self._index()[1].get(indicator_id, [])

    def _index(self) -> tuple[dict[str, list[Flag]], dict[str, list[ImpliedValue]]]:
        """Built once, after the engine ran: pages look flags up per figure."""
        if self._by_obs is None:
            by_obs: dict[str, list[Flag]] = defaultdict(list)
            for f in self.flags:
                for obs_id in dict.fromkeys(f.obs_ids):
                    by_obs[obs_id].append(f)
            by_indicator: dict[str, list[ImpliedValue]] = defaultdict(list)
            for i in self.implied:
                by_indicator[i.indicator_id].append(i)
            self._by_obs = (dict(by_obs), dict(by_indicator))
        return self._by_obs


def check(dataset: Dataset, settings: CheckSettings = CheckSettings()) -> list[Flag]:
    return run_checks(dataset, settings).flags


def run_checks(dataset: Dataset, settings: CheckSettings = CheckSettings()) -> CheckResult:
    return _Engine(dataset, settings).run()


def filter_by_severity(flags: Iterable[Flag], at_least: Severity | str) -> list[Flag]:
    limit = SEVERITY_ORDER[Severity(at_least)]
    return [f for f in flags if SEVERITY_ORDER[f.severity] <= limit]


class _Engine:
    def __init__(self, dataset: Dataset, settings: CheckSettings) -> None:
        self.ds = dataset
        self.settings = settings
        self.obs: list[Observation] = list(dataset.observation_rows)
        self.indicators: dict[str, Indicator] = dataset.indicators_by_id
        self.sources: dict[str, Source] = dataset.sources_by_id
        self.interval = {o.obs_id: self._interval(o) for o in self.obs}
        self.levels: dict[Key, list[Observation]] = defaultdict(list)
        self.targets: dict[Key, list[Observation]] = defaultdict(list)
        self.relative: list[Observation] = []
        for o in self.obs:
            if o.measure is Measure.level:
                self.levels[o.key()].append(o)
            elif o.measure is Measure.target:
                self.targets[o.key()].append(o)
            else:
                self.relative.append(o)
        self._level_reps: dict[Key, list[Observation]] = {}
        self.result = CheckResult(intervals=self.interval)

    def run(self) -> CheckResult:
        self._same_figure()
        self._relative()
        self._targets()
        self._editorial()
        self.result.flags.extend(ReferenceChecks(self.ds, self, self.interval).flags())
        self.result.flags.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.id))
        return self.result

    # ----------------------------------------------------------------- helpers

    def _interval(self, o: Observation) -> Interval:
        raw = stated_interval(o.value, o.qualifier, o.low, o.high, self.settings.approx_tolerance)
        if o.measure in (Measure.level, Measure.target):
            return self._in_domain(o.indicator_id, raw)
        if o.measure is Measure.change_pct:
            return within_domain(raw, -100.0, None)
        if o.measure is Measure.multiple:
            return within_domain(raw, 0.0, None)
        return raw

    def _in_domain(self, indicator_id: str, interval: Interval) -> Interval:
        """What a level of this indicator can be at all (a share is 0–100)."""
        if indicator_id not in self.indicators:
            return interval
        rule = UNIT_RULES[self.indicators[indicator_id].unit]
        return within_domain(interval, float(rule.minimum) if rule.minimum is not None else None,
                             float(rule.maximum) if rule.maximum is not None else None)

    def _unit(self, indicator_id: str) -> Unit | None:
        ind = self.indicators.get(indicator_id)
        return ind.unit if ind else None

    def _name(self, indicator_id: str) -> str:
        ind = self.indicators.get(indicator_id)
        return ind.name if ind else indicator_id

    # the words are wording's; the engine only looks up whose source and which unit

    def who(self, o: Observation) -> str:
        return cited_who(self.sources.get(o.source_id), o.source_id)

    def claimant(self, o: Observation) -> str:
        return claimant_of(self.sources.get(o.source_id), o.source_id)

    def figure(self, o: Observation) -> str:
        """The figure as a briefer would say it: '$69bn', 'about 1,000', 'a 28% decrease'."""
        return figure(o, self._unit(o.indicator_id))

    def amount(self, interval: Interval, indicator_id: str) -> str:
        return interval_words(interval, self._unit(indicator_id))

    def describe(self, o: Observation) -> str:
        return f"{self.who(o)} gives {self.figure(o)}"

    def subject(self, key: Key) -> str:
        return subject(self._name(key[0]), key[1], key[2])

    def source_ids(self, *obs: Observation) -> tuple[str, ...]:
        return tuple(sorted({o.source_id for o in obs}))

    def add(self, kind: FlagKind, severity: Severity, obs: Sequence[Observation], title: str, explanation: str, numbers: dict) -> None:
        ids = tuple(o.obs_id for o in obs)
        self.result.flags.append(
            Flag(
                id=flag_id(kind, ids), kind=kind, severity=severity, title=title, explanation=explanation,
                obs_ids=ids, source_ids=self.source_ids(*obs), numbers=numbers,
            )
        )

    # ----------------------------------------------------------------- kinds

    def representatives(self, rows: Sequence[Observation]) -> list[Observation]:
        """A small group as it is; a large one by the figures at its extremes.

        Every check below asks whether some pair is disjoint, or how far a relation can
        go; both are decided by the rows with the lowest and highest ends, so the work
        per group is bounded whatever the number of figures stated for one key.
        """
        if len(rows) <= REPRESENTATIVES:
            return list(rows)
        iv = self.interval
        ends = (
            min(rows, key=lambda o: (iv[o.obs_id].lo, o.obs_id)),
            min(rows, key=lambda o: (iv[o.obs_id].hi, o.obs_id)),
            max(rows, key=lambda o: (iv[o.obs_id].lo, o.obs_id)),
            max(rows, key=lambda o: (iv[o.obs_id].hi, o.obs_id)),
        )
        distinct = {(iv[o.obs_id].lo, iv[o.obs_id].hi, iv[o.obs_id].lo_open, iv[o.obs_id].hi_open): o for o in reversed(ends)}
        return list(dict.fromkeys(distinct.values()))  # the same figure repeated is one representative

    def _levels_at(self, key: Key) -> list[Observation]:
        if key not in self._level_reps:
            self._level_reps[key] = self.representatives(self.levels.get(key, []))
        return self._level_reps[key]

    def _same_figure(self) -> None:
        """value_conflict for disjoint intervals; corroborated where independent sources agree."""
        groups: dict[tuple, list[Observation]] = defaultdict(list)
        for o in self.obs:
            base = o.base_key() if o.measure in (Measure.change_pct, Measure.multiple) else None
            groups[(o.key(), o.measure, base)].append(o)
        for (key, measure, _), rows in groups.items():
            if len(rows) < 2:
                continue
            what = self.subject(key) if measure is Measure.level else f"{measure.value} of {self.subject(key)}"
            if len(rows) <= REPRESENTATIVES:
                ordered = sorted(rows, key=lambda o: (self.interval[o.obs_id].lo, o.obs_id))
                for i, a in enumerate(ordered):
                    for b in ordered[i + 1 :]:
                        self._conflict(what, b, a, len(rows))  # ordered by lower end: b lies above a
            else:
                highest = max(rows, key=lambda o: (self.interval[o.obs_id].lo, o.obs_id))
                lowest = min(rows, key=lambda o: (self.interval[o.obs_id].hi, o.obs_id))
                self._conflict(what, highest, lowest, len(rows))
            self._corroborated(what, sorted(rows, key=lambda o: (self.interval[o.obs_id].lo, o.obs_id)))

    def _conflict(self, what: str, high: Observation, low: Observation, stated: int) -> None:
        ih, il = self.interval[high.obs_id], self.interval[low.obs_id]
        if ih.overlaps(il):
            return
        lead = (f"{stated} figures are stated for {what}; the two furthest apart: " if stated > REPRESENTATIVES
                else "")
        self.add(
            "value_conflict", Severity.conflict, (high, low),
            f"{self.claimant(high)} and {self.claimant(low)} disagree on {what}"
            + (f" ({stated} figures)" if stated > REPRESENTATIVES else ""),
            f"{lead}{self.describe(high)} for {what}; {self.describe(low)}: "
            f"the intervals {ih} and {il} do not overlap.",
            {"intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (high, low)},
             "gap": round(ih.gap(il), 4), "figures": stated},
        )

    def _corroborated(self, what: str, ordered: list[Observation]) -> None:
        """Clusters of figures that all agree; a large group reports its largest cluster only."""
        clusters: list[tuple[list[Observation], Interval]] = []
        cluster: list[Observation] = []
        common: Interval | None = None
        for o in ordered:
            joined = common.intersect(self.interval[o.obs_id]) if common is not None else None
            if common is None or joined is not None:
                cluster.append(o)
                common = joined if joined is not None else self.interval[o.obs_id]
                continue
            clusters.append((cluster, common))
            cluster, common = [o], self.interval[o.obs_id]
        if cluster and common is not None:
            clusters.append((cluster, common))
        agreeing = [(c, i, {self.claimant(o) for o in c}) for c, i in clusters]
        agreeing = [a for a in agreeing if len(a[2]) >= 2]
        if len(ordered) > REPRESENTATIVES and agreeing:
            agreeing = [max(agreeing, key=lambda a: len(a[0]))]
        for members, common_, claimants in agreeing:
            shown = members[:REPRESENTATIVES]
            more = f"; and {len(members) - len(shown):,} more" if len(members) > len(shown) else ""
            self.add(
                "corroborated", Severity.info, members if len(members) <= REPRESENTATIVES else shown,
                f"{len(claimants)} sources agree on {what}",
                "; ".join(self.describe(c) for c in shown) + more + f": all allow {common_}.",
                {"intervals": {c.obs_id: self.interval[c.obs_id].as_list() for c in shown},
                 "common": common_.as_list(), "figures": len(members)},
            )

    def _relative(self) -> None:
        """change_mismatch and implied_value, from every change or multiple and the stated levels.

        Changes stating the same thing (key, measure, base) form a group; each group and
        each key's levels are represented by their extremes, so the pairs compared are
        bounded per group (the relations are monotone in both levels).
        """
        groups: dict[tuple, list[Observation]] = defaultdict(list)
        for c in self.relative:
            groups[(c.key(), c.measure, c.base_key())].append(c)
        for changes in groups.values():
            for c in self.representatives(changes):
                self._one_relative(c)

    def _one_relative(self, c: Observation) -> None:
        ic = self.interval[c.obs_id]
        forward, backward = _transforms(c.measure, ic)
        at_key, at_base = self._levels_at(c.key()), self._levels_at(c.base_key())
        for new in at_key:
            for old in at_base:
                computed = _relation(c.measure, self.interval[new.obs_id], self.interval[old.obs_id])
                if computed.overlaps(ic):
                    continue
                stated_as = "change" if c.measure is Measure.change_pct else "multiple"
                self.add(
                    "change_mismatch", Severity.conflict, (c, new, old),
                    f"{capital(self.figure(c))} ({self.claimant(c)}) does not match "
                    f"{self.figure(old)} → {self.figure(new)}",
                    f"{self.describe(c)} for {self.subject(c.key())} against {self.subject(c.base_key())}; "
                    f"{self.describe(old)} for {old.period} and {self.describe(new)} for {new.period}, "
                    f"a {stated_as} of {_relative_text(c.measure, computed)}, "
                    f"outside the stated {_relative_text(c.measure, ic)}.",
                    {"stated": ic.as_list(), "computed": computed.as_list(),
                     "intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (new, old)}},
                )
        for known, target_key, transform, clash_with in (
            (at_base, c.key(), forward, at_key),
            (at_key, c.base_key(), backward, at_base),
        ):
            for level in known:
                implied = transform(self.interval[level.obs_id])
                self._implied(c, level, target_key, implied, clash_with)

    def _implied(self, c: Observation, level: Observation, key: Key, implied: Interval, stated: list[Observation]) -> None:
        indicator_id, entity, period = key
        implied = self._in_domain(indicator_id, implied)
        because = f"{self.describe(level)} for {self.subject(level.key())} and {self.describe(c)}"
        self.result.implied.append(
            ImpliedValue(indicator_id, entity, period, implied, (c.obs_id, level.obs_id), self.source_ids(c, level),
                         f"{because}, which implies {self.amount(implied, indicator_id)} for {self.subject(key)}.")
        )
        for s in stated:
            if implied.overlaps(self.interval[s.obs_id]):
                continue
            self.add(
                "implied_value", Severity.conflict, (c, level, s),
                f"{capital(self.figure(level))} ({level.period}) and {self.figure(c)} imply "
                f"{self.amount(implied, indicator_id)} for {period}, not {self.figure(s)} ({self.claimant(s)})",
                f"{because}: together they imply {self.amount(implied, indicator_id)} for {self.subject(key)}, "
                f"but {self.describe(s)} ({self.interval[s.obs_id]}).",
                {"implied": implied.as_list(), "stated": self.interval[s.obs_id].as_list(),
                 "intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (c, level)}},
            )

    def _targets(self) -> None:
        for key, targets in self.targets.items():
            for t in self.representatives(targets):
                it = self.interval[t.obs_id]
                for outcome in self._levels_at(key):
                    io = self.interval[outcome.obs_id]
                    if io.overlaps(it) or io.lo > it.hi:
                        verdict, severity, numbers = "met", Severity.info, {}
                        tail = f"the outcome {io} reaches the target {it}."
                    else:
                        short = Interval(it.lo - io.hi, it.hi - io.lo)
                        share = short / it if it.lo > 0 else Interval.everything()
                        verdict, severity = "missed", Severity.warning
                        pct = share.scale(100.0)
                        tail = (f"short by {self.amount(short, key[0])}"
                                + (f" ({format_number(pct.lo)}% to {format_number(pct.hi)}% of the target)."
                                   if share.bounded else "."))
                        numbers = {"shortfall": short.as_list(), "shortfall_pct": share.scale(100.0).as_list()}
                    self.add(
                        "target_outcome", severity, (t, outcome),
                        f"Target {verdict}: {self.subject(key)}, per {self.claimant(outcome)}",
                        f"{self.describe(t)} as the target for {self.subject(key)}; {self.describe(outcome)}: {tail}",
                        {"target": it.as_list(), "outcome": io.as_list(), **numbers},
                    )

    def _editorial(self) -> None:
        for row in self.ds.flag_rows:
            obs = [self.ds.observations_by_id[i] for i in row.obs_ids if i in self.ds.observations_by_id]
            sources = set(self.source_ids(*obs)) | ({row.source_id} if row.source_id else set())
            self.result.flags.append(
                Flag(id=f"editorial-{row.flag_id}", kind="editorial", severity=row.severity, title=row.title,
                     explanation=row.explanation, obs_ids=tuple(row.obs_ids), source_ids=tuple(sorted(sources)),
                     numbers={})
            )


# --------------------------------------------------------------------------- arithmetic by measure

def _relation(measure: Measure, new: Interval, old: Interval) -> Interval:
    return percent_change(new, old) if measure is Measure.change_pct else new / old


def _transforms(measure: Measure, stated: Interval):
    """(base level -> level, level -> base level) for a change or a multiple."""
    if measure is Measure.change_pct:
        return (lambda old: apply_change(old, stated)), (lambda new: undo_change(new, stated))
    return (lambda old: old * stated), (lambda new: new / stated)


def _relative_text(measure: Measure, interval: Interval) -> str:
    return f"{format_interval(interval)}%" if measure is Measure.change_pct else f"{format_interval(interval)} times"
