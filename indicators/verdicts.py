"""A verdict on every claim an official series can test: consistent, inconsistent or mixed.

A claim (an observation from a text) is tested by the reference series with its indicator
and entity, and by those links.csv joins to it (`reference.claim_series`). Each reporter's
statistics (China's, Russia's, SIPRI's …) are judged on their own; the verdict says whether
every reporter fits (consistent), none does (inconsistent) or some do (mixed).

The tolerance rule, written once (README, "Official statistics"):
- a claim allows the interval its wording allows (`intervals.stated_interval`): "$64bn" is
  [63.5, 64.5], "about 1,000" ±10%, "at most 10th" [1, 10] — so a claim is never called wrong
  for its own rounding;
- a published value is taken as itself ± REVISION_TOLERANCE (2%), because later releases
  revise official figures by about that much; ranks are taken as published (a revision that
  changes a rank changes the verdict, and the neighbouring periods are shown);
- a value fits when the two intervals overlap; a change or a multiple is computed from the
  reporter's own published levels (new / old), allowed the same ±2% (of that ratio), then
  compared the same way.

The claim's period decides what it is compared with. Where a series is given per five-year
window (SIPRI), the window ending in the claim's year is used (2011/2015 for 2015) and the
flag says so; the neighbouring periods are always in `numbers` and, when one of them would
have changed the verdict, in the sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .dataset import Dataset
from .intervals import Interval, format_interval, percent_change
from .wording import capital, listing, ordinal, whose
from .schema import Flag, Indicator, Measure, Observation, Severity, Source, SourceKind, Unit, flag_id

REVISION_TOLERANCE = 0.02
"""How much a later release may revise an official value: ±2% of it."""

Verdict = str  # "consistent" | "inconsistent" | "mixed"
SeriesKey = tuple[str, str]  # (indicator_id, entity)


@dataclass(frozen=True)
class Reading:
    """One reporter's value for one period."""

    reporter: str
    source_id: str
    series: str  # indicator_id/entity of the series
    period: str
    value: Decimal
    estimate: bool


class SeriesIndex:
    """Series values by (indicator, entity) -> reporter -> period, and the links, built once per dataset."""

    def __init__(self, dataset: Dataset) -> None:
        sources: Mapping = dataset.sources_by_id
        self.values: dict[SeriesKey, dict[str, dict[str, Reading]]] = defaultdict(lambda: defaultdict(dict))
        for v in dataset.series_rows:
            source = sources.get(v.source_id)
            reporter = source.reporter if isinstance(source, Source) and source.reporter else v.source_id
            self.values[(v.indicator_id, v.entity)][reporter][v.period] = Reading(
                reporter, v.source_id, f"{v.indicator_id}/{v.entity}", v.period, v.value, v.estimate)
        self.links: dict[SeriesKey, list[SeriesKey]] = defaultdict(list)
        for link in dataset.link_rows:
            self.links[(link.indicator_id, link.entity)].append((link.series_indicator_id, link.series_entity))

    def for_claim(self, key: SeriesKey) -> dict[str, dict[str, Reading]]:
        """reporter -> period -> reading, from the claim's own series and every linked one (first wins)."""
        out: dict[str, dict[str, Reading]] = {}
        for series_key in [key, *self.links.get(key, [])]:
            for reporter, periods in self.values.get(series_key, {}).items():
                out.setdefault(reporter, dict(periods))
        return out


_LAST: list[tuple[Dataset, SeriesIndex]] = []


def series_index(dataset: Dataset) -> SeriesIndex:
    """The index of the dataset most recently asked for: the engine's verdicts and a revision's charts
    share one instead of each building their own (a page works on one revision at a time)."""
    if not _LAST or _LAST[0][0] is not dataset:
        _LAST[:] = [(dataset, SeriesIndex(dataset))]
    return _LAST[0][1]


def _year(period: str) -> int:
    return int(period[:4])


def periods_for(readings: Mapping[str, Reading], claim_period: str) -> tuple[str | None, list[str]]:
    """The period compared with the claim, and its neighbours (the same kind of period, one step either side)."""
    year = _year(claim_period)
    windows = sorted(p for p in readings if "/" in p)
    if windows:
        chosen = next((w for w in windows if int(w[5:]) == year), None)
        if chosen is not None:
            near = [w for w in windows if abs(int(w[5:]) - year) == 1] + ([str(year)] if str(year) in readings else [])
            return chosen, near
    chosen = str(year) if str(year) in readings else None
    near = [str(y) for y in (year - 1, year + 1) if str(y) in readings]
    return chosen, near


def _revised(value: Decimal, unit: Unit | None) -> Interval:
    x = float(value)
    if unit is Unit.rank:
        return Interval(x, x)
    spread = abs(x) * REVISION_TOLERANCE
    return Interval(x - spread, x + spread)


class ReferenceChecks:
    """Builds the reference_check flags; `words` is the engine (who said what, in a briefer's words)."""

    def __init__(self, dataset: Dataset, words, intervals: Mapping[str, Interval]) -> None:
        self.ds, self.words, self.interval = dataset, words, intervals
        self.index = series_index(dataset)
        self.indicators: Mapping = dataset.indicators_by_id
        self.sources: Mapping = dataset.sources_by_id

    def flags(self) -> list[Flag]:
        if not self.index.values:
            return []
        out = []
        for o in self.ds.observation_rows:
            source = self.sources.get(o.source_id)
            if isinstance(source, Source) and source.kind is SourceKind.statistics:
                continue
            flag = self.check(o)
            if flag is not None:
                out.append(flag)
        return out

    def unit(self, indicator_id: str) -> Unit | None:
        ind = self.indicators.get(indicator_id)
        return ind.unit if isinstance(ind, Indicator) else None

    # ------------------------------------------------------------------ one claim

    def check(self, o: Observation) -> Flag | None:
        own = self.index.for_claim((o.indicator_id, o.entity))
        if not own:
            return None
        claim = self.interval[o.obs_id]
        unit = self.unit(o.indicator_id)
        results = []  # (reporter, reading(s), computed interval, fits, neighbours)
        if o.measure in (Measure.level, Measure.target):
            for reporter, readings in sorted(own.items()):
                period, near = periods_for(readings, o.period)
                if period is None:
                    continue
                got = readings[period]
                computed = _revised(got.value, unit)
                fits = (computed.overlaps(claim) if o.measure is Measure.level
                        else computed.hi >= claim.lo)  # a target is met when the outcome reaches it
                neighbours = [readings[p] for p in near]
                results.append((reporter, [got], computed, fits, neighbours))
        else:
            base_indicator, base_entity, base_period = o.base_key()
            base = self.index.for_claim((base_indicator, base_entity))
            for reporter, readings in sorted(own.items()):
                if reporter not in base:
                    continue
                period, _ = periods_for(readings, o.period)
                old_period, _ = periods_for(base[reporter], base_period)
                if period is None or old_period is None:
                    continue
                new, old = readings[period], base[reporter][old_period]
                if not old.value:
                    continue
                ratio = float(new.value) / float(old.value)  # published levels, then the revision allowance
                allowed = Interval(ratio * (1 - REVISION_TOLERANCE), ratio * (1 + REVISION_TOLERANCE))
                computed = (percent_change(allowed, Interval(1.0, 1.0)) if o.measure is Measure.change_pct
                            else allowed)
                results.append((reporter, [new, old], computed, computed.overlaps(claim), []))
        if not results:
            return None
        fitting = [r for r in results if r[3]]
        verdict = "consistent" if len(fitting) == len(results) else "inconsistent" if not fitting else "mixed"
        return self._flag(o, unit, claim, results, verdict)

    # ------------------------------------------------------------------ words

    def amount(self, value: Decimal | float, unit: Unit | None) -> str:
        x = float(value)
        if unit is Unit.rank:
            return ordinal(round(x))
        if unit is Unit.usd_bn:
            return f"${x:,.2f}bn"
        if unit is Unit.percent:
            return f"{x:.1f}%"
        if unit is Unit.tiv_mn:
            return f"{x:,.0f} TIV million"
        return f"{x:,.2f}"

    def _short(self, result, unit: Unit | None, measure: Measure) -> str:
        """A reporter's figure in a title: '$63.55bn', '16th in 2015', '−28.6%'."""
        _, readings, computed, _, _ = result
        if measure is Measure.change_pct:
            return f"{(float(readings[0].value) / float(readings[1].value) - 1) * 100:+.1f}%".replace("-", "−")
        if measure is Measure.multiple:
            return f"{float(readings[0].value) / float(readings[1].value):.2f} times"
        text = self.amount(readings[0].value, unit)
        return f"{text} in {readings[0].period}" if unit is Unit.rank else text

    def _reading_text(self, reading: Reading, unit: Unit | None) -> str:
        return self.amount(reading.value, unit) + (" (IMF estimate)" if reading.estimate else "")

    def _flag(self, o: Observation, unit: Unit | None, claim: Interval, results, verdict: Verdict) -> Flag:
        words = self.words
        relative = o.measure in (Measure.change_pct, Measure.multiple)
        subject = words.subject(o.key())
        reporters = [r[0] for r in results]
        fit = [r[0] for r in results if r[3]]
        unfit = [r[0] for r in results if not r[3]]
        window = next((r[1][0].period for r in results if "/" in r[1][0].period), None)
        parts = []
        for reporter, readings, computed, fits, neighbours in results:
            if relative:
                new, old = readings
                base_unit = self.unit(o.base_key()[0])
                shown = (f"{format_interval(computed)}%" if o.measure is Measure.change_pct
                         else f"{format_interval(computed)} times")
                where_old = _where(old, o.base_key()[1] != o.entity)
                where_new = _where(new, o.base_key()[1] != o.entity)
                parts.append(f"{whose(reporter)} statistics give {self._reading_text(old, base_unit)} ({where_old}) → "
                             f"{self._reading_text(new, unit)} ({where_new}), {shown}")
            else:
                (got,) = readings
                text = f"{whose(reporter)} statistics give {self._reading_text(got, unit)} for {got.period}"
                flips = [n for n in neighbours if _revised(n.value, unit).overlaps(claim) != fits]
                if flips:
                    text += " (" + ", ".join(f"{self._reading_text(n, unit)} in {n.period}" for n in flips) + ")"
                parts.append(text)
        short = {r[0]: self._short(r, unit, o.measure) for r in results}

        def named(names: list[str]) -> str:
            if len(names) == 1:
                return f"{whose(names[0])} statistics ({short[names[0]]})"
            return "the statistics of " + listing(f"{n} ({short[n]})" for n in names)

        if o.measure is Measure.target:
            outcome = {"consistent": "was reached", "inconsistent": "was missed",
                       "mixed": "was reached by some reporters' figures only"}[verdict]
            title = f"Target {words.figure(o)} for {subject} {outcome}: {listing(f'{n} {short[n]}' for n in reporters)}"
        elif verdict == "consistent":
            title = f"{capital(words.figure(o))} ({words.claimant(o)}) matches {named(reporters)}"
        elif verdict == "inconsistent":
            title = f"{capital(words.figure(o))} ({words.claimant(o)}) does not match {named(reporters)}"
        else:
            title = (f"{capital(words.figure(o))} ({words.claimant(o)}) matches {named(fit)}, "
                     f"not {listing(f'{whose(n)} ({short[n]})' for n in unfit)}")
        rule = ("ranks as published" if unit is Unit.rank and not relative
                else f"{REVISION_TOLERANCE:.0%} allowed for revisions")
        period_note = f"SIPRI's five-year window {window} (the claim's year is {o.period})" if window else o.period
        explanation = (f"{words.describe(o)} for {subject}, which allows {format_interval(claim)}"
                       + ("%" if o.measure is Measure.change_pct else "") + f"; compared with {period_note}: "
                       + "; ".join(parts) + f" ({rule}).")
        numbers = {
            "period": window or o.period,
            "claim": claim.as_list(),
            "tolerance": 0.0 if unit is Unit.rank and not relative else REVISION_TOLERANCE,
            "references": [
                {"reporter": reporter, "source_id": readings[0].source_id, "series": readings[0].series,
                 "period": readings[0].period, "value": float(readings[0].value), "estimate": readings[0].estimate,
                 **({"base_period": readings[1].period, "base_value": float(readings[1].value)} if relative else {}),
                 "computed": computed.as_list(), "fits": fits}
                for reporter, readings, computed, fits, _ in results
            ],
            "neighbours": [
                {"reporter": reporter, "period": n.period, "value": float(n.value),
                 "fits": _revised(n.value, unit).overlaps(claim)}
                for reporter, _, _, _, neighbours in results for n in neighbours
            ],
        }
        statistics = sorted({r[1][0].source_id for r in results} | {rd.source_id for r in results for rd in r[1]})
        severity = Severity.info if verdict == "consistent" else Severity.warning
        return Flag(id=flag_id("reference_check", (o.obs_id,)), kind="reference_check", severity=severity,
                    title=title, explanation=explanation, obs_ids=(o.obs_id,),
                    source_ids=tuple(sorted({o.source_id, *statistics})), numbers=numbers, verdict=verdict)


def _where(reading: Reading, with_entity: bool) -> str:
    entity = reading.series.split("/", 1)[1]
    return f"{entity}, {reading.period}" if with_entity else reading.period
