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
from .in_words import in_words
from .estimates import estimate_notes
from .records import record_notes
from .verdicts import Judgement, by_obs, judgements, numbers_of
from .wording import (
    capital,
    claim_words,
    claimant_of,
    cited_who,
    fits_words,
    headline_value,
    in_words_sentence,
    in_words_title,
    figure,
    interval_words,
    listing,
    period_words,
    possessive,
    signed_percent,
    subject,
    verdict_sentence,
    verdict_title,
)
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
    judgements: list[Judgement] = field(default_factory=list)  # what official statistics say of each claim
    _by_obs: tuple | None = field(default=None, repr=False, compare=False)
    _judged: dict | None = field(default=None, repr=False, compare=False)

    def judgement(self, obs_id: str) -> Judgement | None:
        if self._judged is None:  # built once, after the engine ran: pages look a verdict up per figure
            self._judged = by_obs(self.judgements)
        return self._judged.get(obs_id)

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
        self.judged = by_obs([])

    def run(self) -> CheckResult:
        self.result.judgements = judgements(self.ds, self.interval)
        self.judged = by_obs(self.result.judgements)
        self._same_figure()
        self._relative()
        self._targets()
        self._editorial()
        self._reference_checks()
        self._in_words()
        self.result.flags.extend(estimate_notes(self.ds))  # published estimates beside a claim: notes, not verdicts
        self.result.flags.extend(record_notes(self.ds, self.interval))  # "a record" against the full years
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

    def add(self, kind: FlagKind, severity: Severity, obs: Sequence[Observation], title: str, explanation: str,
            numbers: dict, sentence: str = "", statistics: Sequence[str] = ()) -> None:
        ids = tuple(o.obs_id for o in obs)
        self.result.flags.append(
            Flag(
                id=flag_id(kind, ids), kind=kind, severity=severity, title=title, explanation=explanation,
                obs_ids=ids, source_ids=tuple(sorted({*self.source_ids(*obs), *statistics})), numbers=numbers,
                sentence=sentence or explanation,
            )
        )

    def named(self, o: Observation) -> str:
        """'Liu Changmin’s $64bn': who said what, for a sentence."""
        return f"{possessive(self.claimant(o))} {claim_words(o, self._unit(o.indicator_id))}"

    def label(self, key: Key) -> str:
        name = self._name(key[0])
        return f"{name}, {period_words(key[2])}" if key[1] in name else f"{name}: {key[1]}, {period_words(key[2])}"

    # ----------------------------------------------------------------- statistics

    def _reference_checks(self) -> None:
        """One reference_check flag per judgement: its sentence, title and arithmetic."""
        for j in self.result.judgements:
            o = j.observation
            obs = [self.ds.observations_by_id[i] for i in j.obs_ids]
            base_unit = self._unit(o.base_key()[0]) if o.measure in (Measure.change_pct, Measure.multiple) else None
            severity = Severity.warning if j.verdict in ("inconsistent", "indeterminate") else Severity.info
            sentence = verdict_sentence(j, self.claimant(o), self._name(o.indicator_id), base_unit)
            statistics = sorted({rd.source_id for r in j.readings for c in r.comparisons for rd in c.readings})
            self.result.flags.append(Flag(
                id=flag_id("reference_check", j.obs_ids), kind="reference_check", severity=severity,
                title=verdict_title(j, self.claimant(o)), sentence=sentence,
                explanation=sentence + " " + self._working(j), obs_ids=j.obs_ids,
                source_ids=tuple(sorted({*self.source_ids(*obs), *statistics})), numbers=numbers_of(j),
                verdict=j.verdict,
            ))

    def _in_words(self) -> None:
        """Claims in words beside the statistic they can be read as: a note, never a verdict (in_words.py)."""
        for iw in in_words(self.ds):
            c = iw.claim
            claimant = claimant_of(self.sources.get(c.source_id), c.source_id)
            statistics = {r.reading.source_id for r in iw.readings}
            numbers = {"claim_id": c.claim_id, "reading": c.reading, "period": c.period, "references": [
                {"reporter": r.reading.reporter, "source_id": r.reading.source_id, "series": r.reading.series,
                 "period": r.reading.period, "value": float(r.reading.value),
                 "rank": float(r.rank.value) if r.rank is not None else None, "ranked": r.ranked}
                for r in iw.readings]}
            sentence = in_words_sentence(iw, claimant)
            self.result.flags.append(Flag(
                id=f"in_words-{c.claim_id}", kind="in_words", severity=Severity.info,
                title=in_words_title(iw, claimant), sentence=sentence, explanation=sentence, obs_ids=(),
                source_ids=tuple(sorted({c.source_id, *statistics})), numbers=numbers,
            ))

    def _working(self, j: Judgement) -> str:
        """The arithmetic behind a verdict, for the expander and the CSV: what the claim allows, the rule."""
        o = j.observation
        unit = j.unit
        allows = (f"{format_interval(j.claim)}%" if o.measure is Measure.change_pct
                  else f"{format_interval(j.claim)} times" if o.measure is Measure.multiple
                  else self.amount(j.claim, o.indicator_id))
        rule = ("ranks are taken as published" if unit is Unit.rank and o.measure is Measure.level
                else "published values within it are consistent; within 2% of it (later revisions), near")
        if j.target:
            rule = "a target is met when a reporter's outcome reaches what it allows"
        out = f"As written, {self.figure(o)} allows {allows}; {rule}."
        if j.round_claim is not None:
            out += f" As a round figure (±10%, as “about”): {format_interval(j.round_claim)}."
        return out

    def explained(self, levels: Sequence[Observation], changes: Sequence[Observation] = ()) -> dict[str, str] | None:
        """obs_id -> the reporter whose statistics it matches, when every figure matches some reporter's
        statistics and no one reporter's match them all: a disagreement that mirror statistics explain."""
        fits: dict[str, tuple[str, ...]] = {}
        for o in [*levels, *changes]:
            j = self.judged.get(o.obs_id)
            if j is None or not j.follows:
                return None
            fits[o.obs_id] = j.follows
        common = set.intersection(*(set(fits[o.obs_id]) for o in levels)) if levels else set()
        if common or len(levels) < 2:
            return None
        return {o.obs_id: fits[o.obs_id][0] for o in levels}

    def statistic_of(self, o: Observation, reporter: str) -> str:
        """'matches Russia’s ($63.55bn for 2015)': the statistic a figure fits, for a sentence."""
        j = self.judged[o.obs_id]
        c = j.comparison(reporter)
        return fits_words(c, o.measure, j.unit) if c is not None else f"matches {possessive(reporter)}"

    def mirror_numbers(self, assignment: dict[str, str]) -> tuple[dict, list[str]]:
        numbers, sources = {}, []
        for obs_id, reporter in assignment.items():
            j = self.judged[obs_id]
            c = j.comparison(reporter)
            if c is None:
                continue
            numbers[obs_id] = {"reporter": reporter, "series": c.readings[0].series, "period": c.period,
                               "value": round(c.value, 4), "outcome": c.outcome}
            sources.extend(r.source_id for r in c.readings)
        return numbers, sources

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
        numbers = {"intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (high, low)},
                   "gap": round(ih.gap(il), 4), "figures": stated}
        explanation = (f"{lead}{self.describe(high)} for {what}; {self.describe(low)}: "
                       f"the intervals {ih} and {il} do not overlap.")
        label = self.label(high.key())
        mirror = self.explained((high, low))
        if mirror is not None:
            numbers["explained_by"], statistics = self.mirror_numbers(mirror)
            self.add(
                "value_conflict", Severity.info, (high, low),
                f"{capital(self.figure(high))} and {self.figure(low)} for {period_words(high.period)}: "
                f"two countries’ statistics, not a disagreement",
                explanation, numbers,
                f"{capital(self.named(high))} and {self.named(low)} ({label}) are two countries’ statistics, "
                f"not a disagreement about the world: {self.figure(high)} {self.statistic_of(high, mirror[high.obs_id])}, "
                f"{self.figure(low)} {self.statistic_of(low, mirror[low.obs_id])}.",
                statistics,
            )
            return
        self.add(
            "value_conflict", Severity.conflict, (high, low),
            f"{self.claimant(high)} and {self.claimant(low)} disagree on {what}"
            + (f" ({stated} figures)" if stated > REPRESENTATIVES else ""),
            explanation, numbers,
            f"{lead}{capital(self.named(high))} and {self.named(low)} ({label}) cannot both be right, "
            f"even allowing for rounding.",
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
                f"{listing(sorted(claimants))} agree on {self.label(shown[0].key())}: "
                + ", ".join(self.named(c) for c in shown) + more + ".",
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
                numbers = {"stated": ic.as_list(), "computed": computed.as_list(),
                           "intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (new, old)}}
                explanation = (f"{self.describe(c)} for {self.subject(c.key())} against {self.subject(c.base_key())}; "
                               f"{self.describe(old)} for {old.period} and {self.describe(new)} for {new.period}, "
                               f"a {stated_as} of {_relative_text(c.measure, computed)}, "
                               f"outside the stated {_relative_text(c.measure, ic)}.")
                mirror = self.explained((old, new), (c,))
                if mirror is not None:
                    numbers["explained_by"], statistics = self.mirror_numbers(mirror)
                    own = self.judged[c.obs_id]
                    each = ", ".join(f"{r.reporter} {headline_value(r, c.measure, own.unit)}"
                                     for r in own.main.comparisons)
                    self.add(
                        "change_mismatch", Severity.info, (c, new, old),
                        f"{capital(self.figure(old))} → {self.figure(new)} mixes two countries’ statistics; "
                        f"{self.figure(c)} ({self.claimant(c)}) fits each",
                        explanation, numbers,
                        f"{capital(self.named(c))} ({self.label(c.key())}) does not follow from {self.named(old)} "
                        f"for {period_words(old.period)} and {self.named(new)} for {period_words(new.period)} "
                        f"because those are two countries’ statistics: {self.figure(old)} "
                        f"{self.statistic_of(old, mirror[old.obs_id])}, {self.figure(new)} "
                        f"{self.statistic_of(new, mirror[new.obs_id])}; in each country’s own figures the "
                        f"{stated_as} is {each}.",
                        statistics,
                    )
                    continue
                self.add(
                    "change_mismatch", Severity.conflict, (c, new, old),
                    f"{capital(self.figure(c))} ({self.claimant(c)}) does not match "
                    f"{self.figure(old)} → {self.figure(new)}",
                    explanation, numbers,
                    f"{capital(self.named(c))} ({self.label(c.key())}) does not follow from {self.named(old)} "
                    f"for {period_words(old.period)} and {self.named(new)} for {period_words(new.period)}, "
                    f"which give {_relative_words(c.measure, computed)}.",
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
            numbers = {"implied": implied.as_list(), "stated": self.interval[s.obs_id].as_list(),
                       "intervals": {o.obs_id: self.interval[o.obs_id].as_list() for o in (c, level)}}
            explanation = (f"{because}: together they imply {self.amount(implied, indicator_id)} for "
                           f"{self.subject(key)}, but {self.describe(s)} ({self.interval[s.obs_id]}).")
            title = (f"{capital(self.figure(level))} ({level.period}) and {self.figure(c)} imply "
                     f"{self.amount(implied, indicator_id)} for {period}, not {self.figure(s)} ({self.claimant(s)})")
            second = (claim_words(c, self._unit(c.indicator_id)) if self.claimant(c) == self.claimant(level)
                      else self.named(c))
            lead = (f"{capital(self.named(level))} for {period_words(level.period)} and {second} imply "
                    f"{self.amount(implied, indicator_id)} for {period_words(period)}")
            mirror = self.explained((level, s), (c,))
            if mirror is not None:
                numbers["explained_by"], statistics = self.mirror_numbers(mirror)
                self.add("implied_value", Severity.info, (c, level, s), title + ": two countries’ statistics",
                         explanation, numbers,
                         f"{lead}, in line with {possessive(mirror[level.obs_id])} figures, while {self.named(s)} "
                         f"{self.statistic_of(s, mirror[s.obs_id])}: two countries’ statistics, not an error.",
                         statistics)
                continue
            self.add("implied_value", Severity.conflict, (c, level, s), title, explanation, numbers,
                     f"{lead}, not {self.named(s)}.")

    def _targets(self) -> None:
        for key, targets in self.targets.items():
            for t in self.representatives(targets):
                it = self.interval[t.obs_id]
                for outcome in self._levels_at(key):
                    io = self.interval[outcome.obs_id]
                    if io.overlaps(it) or io.lo > it.hi:
                        verdict, severity, numbers = "met", Severity.info, {}
                        short = Interval(0.0, 0.0)
                        tail = f"the outcome {io} reaches the target {it}."
                    else:
                        short = Interval(it.lo - io.hi, it.hi - io.lo)
                        share = short / it if it.lo > 0 else Interval.everything()
                        verdict, severity = "missed", Severity.info  # an outcome, not an error in the text
                        pct = share.scale(100.0)
                        tail = (f"short by {self.amount(short, key[0])}"
                                + (f" ({format_number(pct.lo)}% to {format_number(pct.hi)}% of the target)."
                                   if share.bounded else "."))
                        numbers = {"shortfall": short.as_list(), "shortfall_pct": share.scale(100.0).as_list()}
                    by = ("reaches it" if verdict == "met" else
                          f"falls short by {self.amount(short, key[0])}")
                    self.add(
                        "target_outcome", severity, (t, outcome),
                        f"Target {verdict}: {self.subject(key)}, per {self.claimant(outcome)}",
                        f"{self.describe(t)} as the target for {self.subject(key)}; {self.describe(outcome)}: {tail}",
                        {"target": it.as_list(), "outcome": io.as_list(), **numbers},
                        f"The {self.figure(t)} target ({self.label(key)}, set by {self.claimant(t)}) was {verdict} "
                        f"by {self.named(outcome)}, which {by}.",
                    )

    def _editorial(self) -> None:
        for row in self.ds.flag_rows:
            obs = [self.ds.observations_by_id[i] for i in row.obs_ids if i in self.ds.observations_by_id]
            sources = set(self.source_ids(*obs)) | ({row.source_id} if row.source_id else set())
            self.result.flags.append(
                Flag(id=f"editorial-{row.flag_id}", kind="editorial", severity=row.severity, title=row.title,
                     explanation=row.explanation, obs_ids=tuple(row.obs_ids), source_ids=tuple(sorted(sources)),
                     numbers={}, sentence=row.explanation)
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


def _relative_words(measure: Measure, interval: Interval) -> str:
    """'a fall of 31.8% to 33.5%', '3.5 to 3.6 times': a computed change or multiple in words."""
    if measure is Measure.multiple:
        return f"{format_number(interval.lo)} to {format_number(interval.hi)} times"
    lo, hi = interval.lo, interval.hi
    if hi <= 0:
        return f"a fall of {format_number(-hi)}% to {format_number(-lo)}%"
    if lo >= 0:
        return f"a rise of {format_number(lo)}% to {format_number(hi)}%"
    return f"a change of {signed_percent(lo)} to {signed_percent(hi)}"
