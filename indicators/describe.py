"""Every chart described in words: what a screen reader says for it, the alt text of a slide's chart
and of an exported image, and a paragraph in the briefing pack's README.

The facts are gathered first (`chart_facts`: data, no wording), then written (`description`), so the
page, the deck and the images say the same thing. A description names what is measured, the span of
each official series, each claim with its verdict, and the largest gap between a claim and the
statistics; it is what a reader who cannot see the chart needs to know, not a dump of its table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .charts import find_spec, points_for
from .checks import CheckResult
from .dataset import Dataset
from .schema import Measure, Qualifier, Unit, number_text
from .verdicts import Judgement
from .wording import (claim_words, claimant_of, figure, headline_value, joint_brief, joint_claim, ordinal,
                      period_words, possessive, stat_amount,
                      unit_label, verdict_brief)

MEASURED_AS = {Unit.rank: "as a rank (1 = first)", Unit.count: "as a number"}
RANKS_SAID = 5  # a ranking's first places said in words; the claim's entity is said wherever it ranks


@dataclass(frozen=True)
class SeriesSpan:
    """One official series (or published estimate) as drawn: who, from when to when, its ends and its peak."""

    who: str
    first: str
    last: str
    first_label: str
    last_label: str
    peak_label: str
    peak_period: str
    count: int
    peak_word: str = "highest"  # 'best' for a rank (the smallest number)
    peak_times: int = 1  # how many periods share the peak (Russia's 1st partner in twelve years)


@dataclass(frozen=True)
class ClaimLine:
    who: str
    label: str  # the figure as written
    entity: str
    period: str
    target: bool
    verdict: str  # '' when no statistics test it


@dataclass(frozen=True)
class Gap:
    """The claim furthest from the statistics it was compared with (relative to the published value)."""

    claimant: str
    claim: str  # the figure after a possessive: 'Chen Yu’s 40% decrease'
    reporter: str
    value: str  # the reporter's published (or computed) value
    period: str
    distance: float  # how far the value lies outside what the claim allows, in the claim's terms
    measure: Measure
    unit: Unit | None
    relative: float


@dataclass(frozen=True)
class RankedView:
    who: str
    period: str
    first_places: tuple[str, ...]  # '1st Germany ($58.3bn)'
    entity: str
    entity_place: str  # '16th', or '' when the entity is among the first places


@dataclass(frozen=True)
class ChartFacts:
    chart_id: str
    title: str
    measured: str
    series: tuple[SeriesSpan, ...]
    claims: tuple[ClaimLine, ...]
    implied: int  # values implied by stated changes or multiples
    gap: Gap | None
    ranking: tuple[RankedView, ...] = ()


# --------------------------------------------------------------------------- facts

def chart_facts(dataset: Dataset, result: CheckResult, chart_id: str,
                points: pd.DataFrame | None = None) -> ChartFacts:
    """`points`: the chart's table when the caller has it already (`charts.points_for`), not built again."""
    spec = find_spec(dataset, chart_id)
    indicator = dataset.indicators_by_id[spec.indicator_id]
    points = points_for(dataset, result, spec) if points is None else points
    judged = _judgements(dataset, result, spec.indicator_id)
    measured = f"{indicator.name}, " + MEASURED_AS.get(indicator.unit, f"in {unit_label(indicator.unit)}")
    claims = tuple(_claim_lines(dataset, result, spec.indicator_id))
    if spec.kind == "ranking":
        return ChartFacts(chart_id, spec.title, measured, (), claims, 0, _largest_gap(dataset, judged),
                          tuple(_ranked_views(points)))
    several = points["entity"].nunique() > 1
    series = tuple(_spans(points[points["kind"].isin(["reference", "estimate"])], indicator.unit, several))
    implied = int((points["kind"] == "implied").sum())
    return ChartFacts(chart_id, spec.title, measured, series, claims, implied, _largest_gap(dataset, judged))


def _judgements(dataset: Dataset, result: CheckResult, indicator_id: str) -> list[Judgement]:
    ids = [o.obs_id for o in dataset.observation_rows if o.indicator_id == indicator_id]
    seen, out = set(), []
    for obs_id in ids:
        j = result.judgement(obs_id)
        if j is not None and id(j) not in seen:
            seen.add(id(j))
            out.append(j)
    return out


def _claim_lines(dataset: Dataset, result: CheckResult, indicator_id: str) -> list[ClaimLine]:
    """One line per claim; a claim naming several entities together (the two largest) is one line."""
    indicator = dataset.indicators_by_id[indicator_id]
    sources = dataset.sources_by_id
    lines, joint_seen = [], set()
    for o in dataset.observation_rows:
        if o.indicator_id != indicator_id:
            continue
        j = result.judgement(o.obs_id)
        who_ = claimant_of(sources.get(o.source_id), o.source_id)
        if j is not None and j.joint:
            if id(j) not in joint_seen:
                joint_seen.add(id(j))
                lines.append(ClaimLine(who=who_, label=joint_claim(j), entity="", period=o.period, target=False,
                                       verdict=joint_brief(j)))
            continue
        ranked = indicator.unit is Unit.rank and o.measure is Measure.level  # 'Russia among the top 10'
        lines.append(ClaimLine(
            who=who_, label=(f"{o.entity} " if ranked else "") + _figure_words(o, indicator.unit),
            entity="" if ranked else o.entity,
            period=o.period + (f" against {o.base_period}" if o.base_period else ""),
            target=o.measure is Measure.target, verdict=verdict_brief(j) if j is not None else ""))
    return lines


def _figure_words(o, unit: Unit | None) -> str:
    """A figure as said aloud: 'among the top 10' rather than 'at most rank 10'."""
    if unit is Unit.rank and o.measure is Measure.level and o.value is not None:
        n = number_text(o.value)
        if o.qualifier is Qualifier.at_most:
            return f"among the top {n}"
        if o.qualifier is Qualifier.exact:
            return f"ranked {ordinal(int(o.value))}"
    return figure(o, unit)


def _spans(series: pd.DataFrame, unit: Unit, several: bool) -> list[SeriesSpan]:
    """Per series and entity (a chart of several entities names each); an estimate keeps its range."""
    def said(row) -> str:
        return row["interval"] if row["kind"] == "estimate" else stat_amount(float(row["y"]), unit)

    spans = []
    for (who_, entity), group in series.groupby(["who", "entity"], sort=True):
        ordered = group.sort_values("period", kind="stable")
        peak = ordered.loc[ordered["y"].idxmin() if unit is Unit.rank else ordered["y"].idxmax()]
        times = int((ordered["y"] == peak["y"]).sum())
        spans.append(SeriesSpan(
            who=f"{who_} for {entity}" if several else str(who_), first=str(ordered["period"].iat[0]),
            last=str(ordered["period"].iat[-1]), first_label=said(ordered.iloc[0]), last_label=said(ordered.iloc[-1]),
            peak_label=said(peak), peak_period=str(peak["period"]), count=len(ordered),
            peak_word="best" if unit is Unit.rank else "highest", peak_times=times))
    return spans


def _ranked_views(points: pd.DataFrame) -> list[RankedView]:
    views = []
    for _, g in points.groupby("view", sort=True):
        ordered = g.sort_values("rank", kind="stable")
        first = tuple(f"{label.split(' · ')[0]} {entity}" + (f" ({label.split(' · ', 1)[1]})" if " · " in label else "")
                      for entity, label in zip(ordered["entity"][:RANKS_SAID], ordered["label"][:RANKS_SAID]))
        own = ordered[ordered["highlight"]]
        entity = str(own["entity"].iat[0]) if not own.empty else ""
        place = ("" if own.empty or int(own["rank"].iat[0]) <= RANKS_SAID
                 else str(own["label"].iat[0]).split(" · ")[0])
        views.append(RankedView(str(ordered["who"].iat[0]), str(ordered["period"].iat[0]), first, entity, place))
    return views


def _largest_gap(dataset: Dataset, judged: list[Judgement]) -> Gap | None:
    """Of the claims the statistics do not confirm, the one furthest from its closest reporter."""
    best: Gap | None = None
    for j in judged:
        if j.joint or j.target or j.verdict not in ("inconsistent", "near", "indeterminate"):
            continue
        o = j.observation
        closest = min(j.main.comparisons, key=lambda c: c.gap, default=None)
        if closest is None or closest.gap <= 0:
            continue
        relative = closest.gap / abs(closest.value) if closest.value else float("inf")
        if best is None or relative > best.relative:
            best = Gap(claimant=claimant_of(dataset.sources_by_id.get(o.source_id), o.source_id),
                       claim=claim_words(o, j.unit), reporter=closest.reporter,
                       value=headline_value(closest, o.measure, j.unit), period=period_words(closest.period),
                       distance=closest.gap, measure=o.measure, unit=j.unit, relative=relative)
    return best


# --------------------------------------------------------------------------- words

def description(facts: ChartFacts) -> str:
    """The facts as a paragraph of plain sentences (no markup: escape for the medium where it is used)."""
    parts = [f"What is measured: {facts.measured}."]  # the title is the chart's name: said before this
    for s in facts.series:
        span = (f"from {_date_words(s.first)} to {_date_words(s.last)} ({s.count} values): {s.first_label} "
                f"{_when(s.first)}, {s.last_label} {_when(s.last)}")
        when = (_when(s.peak_period) if s.peak_times == 1 else
                f"in {s.peak_times} {'years' if len(s.peak_period) == 4 else 'periods'}, first {_when(s.peak_period)}")
        peak = f", {s.peak_word} {s.peak_label} {when}" if s.count > 2 else ""
        parts.append(f"{s.who} run {span}{peak}." if s.count > 1 else f"{s.who}: {s.first_label} {_when(s.first)}.")
    for v in facts.ranking:
        place = f"; {v.entity} is {v.entity_place}" if v.entity_place else ""
        parts.append(f"The ranking by {v.who} for {period_words(v.period)}: {', '.join(v.first_places)}{place}.")
    if facts.claims:
        said = []
        for c in facts.claims:
            what = ("the target " if c.target else "") + c.label + (f" for {c.entity}" if c.entity else "") + \
                f", {_date_words(c.period)}"
            said.append(f"{c.who}: {what}" + (f", which {_verdict_clause(c.verdict)}" if c.verdict else
                                               " (no statistics here test it)"))
        noun = "claim" if len(facts.claims) == 1 else f"{len(facts.claims)} claims"
        parts.append(f"The {noun}: " + "; ".join(said) + ".")
    if facts.implied:
        parts.append(f"{facts.implied} value{'s' if facts.implied != 1 else ''} implied by a stated change or "
                     "multiple, drawn as hollow grey markers.")
    if facts.gap is not None:
        g = facts.gap
        parts.append(f"The largest gap between a claim of fact and the statistics: {possessive(g.reporter)} {g.value} "
                     f"for {g.period} lies "
                     f"{_distance(g.distance, g.measure, g.unit)} outside "
                     f"what {possessive(g.claimant)} {g.claim} allows.")
    return " ".join(parts)


def _distance(gap: float, measure: Measure, unit: Unit | None) -> str:
    """A gap in the claim's terms: '2.0 percentage points', '0.29 (as a multiple)', '6 places', '$0.55bn'."""
    if measure is Measure.change_pct or (unit is Unit.percent and measure is not Measure.multiple):
        return f"{gap:.1f} percentage points"
    if measure is Measure.multiple:
        return f"{gap:.2f} (as a multiple)"
    if unit is Unit.rank:
        return f"{round(gap)} place{'s' if round(gap) != 1 else ''}"
    return stat_amount(gap, unit)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _date_words(period: str) -> str:
    """'2015', '2011–2015', '26 January 2015' (an estimate's date), 'July 2016'."""
    if len(period) == 10 and period[4] == "-" and period[7] == "-":
        return f"{int(period[8:])} {MONTHS[int(period[5:7]) - 1]} {period[:4]}"
    if len(period) == 7 and period[4] == "-":
        return f"{MONTHS[int(period[5:7]) - 1]} {period[:4]}"
    return period_words(period)


def _when(period: str) -> str:
    """'in 2015', 'in 2011–2015', 'on 26 January 2015', 'in July 2016'."""
    return ("on " if len(period) == 10 and period[4] == "-" else "in ") + _date_words(period)


def _verdict_clause(brief: str) -> str:
    """verdict_brief after 'which': 'matches …', 'is close to …'; a target's 'missed: …' as 'was missed (…)'."""
    for word in ("missed", "met"):
        if brief.startswith(word + ": "):
            return f"was {word} ({brief.removeprefix(word + ': ')})"
    if brief == "pending":
        return "is pending (no statistics yet)"
    if brief.startswith("depends on"):
        return brief
    return brief


def chart_description(dataset: Dataset, result: CheckResult, chart_id: str,
                      points: pd.DataFrame | None = None) -> str:
    """A chart in words: its accessible description on the page, its alt text on a slide and in an image."""
    return description(chart_facts(dataset, result, chart_id, points))


def timeline_description(dataset: Dataset, since: int | None = None) -> str:
    """The timeline in words: how many events, from when to when, how many of each category."""
    events = [e for e in dataset.event_rows if since is None or int(e.date[:4]) >= since]
    if not events:
        return "Timeline: no dated event" + (f" from {since} on." if since is not None else ".")
    years = sorted(e.date[:4] for e in events)
    counts: dict[str, int] = {}
    for e in events:
        counts[e.category.value] = counts.get(e.category.value, 0) + 1
    return (f"Timeline: {len(events)} dated event{'s' if len(events) != 1 else ''} the articles cite, from {years[0]} "
            f"to {years[-1]}, one row per category: " + "; ".join(f"{c} ({n})" for c, n in sorted(counts.items())) + ".")
