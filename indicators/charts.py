"""Plotly figures of the dataset, ready to paste into a briefing.

One chart per indicator, derived from the data (no indicator is named here).
Every figure carries its title, units and source footnote inside the image, shows
each stated figure as the interval it allows, marks bounds, approximations,
implied values and conflicts with shapes (so it reads in greyscale), and escapes
every string that comes from a CSV.
"""

from __future__ import annotations

import bisect
import html
import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from .checks import CheckResult
from .dataset import Dataset
from .intervals import format_interval
from .schema import Category, Indicator, Measure, Observation, Severity, Source, Unit, number_text
from .imports.common import region_of_subregion
from .series_index import periods_for, series_index
from .text import plain  # noqa: F401  (views._plotly names a figure by its title through it)
from .series_index import year_window as year_window_period
from .wording import citation, reference_label, short_name, unit_label, who, written

# Footnote lines of a chart: about 510 px of 12 px Arial, what a chart has on a 1024 px wide page
# with the sidebar open (wider lines were cut at the figure's right edge there).
FOOTNOTE_CHARS = 90
TITLE_CHARS = 44  # the same width in the title's 20 px bold: longer titles were cut at the right edge there
TEMPLATE = "plotly_white"  # explicit: importing streamlit changes plotly's default
FONT = "Arial, Helvetica, sans-serif"
# Okabe–Ito: distinguishable with colour-blindness; shapes carry the same information.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "cross", "x", "pentagon", "hexagon", "star"]
IMPLIED_COLOUR = "#7f7f7f"
KEY = ("Error bars: the values each figure allows as written. ▲/▼ more/less than (open-ended), "
       "≈ approximate, hollow grey markers (1), (2)…: implied by a stated change or multiple (how: the numbered notes), "
       "black outline and ⚠: in conflict with another figure.")

PAGE_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "trade": (Category.trade, Category.energy),
    "security": (Category.security, Category.institutions),
    "military": (Category.military,),
    "infrastructure": (Category.infrastructure,),
    "other": (Category.other,),
}

def esc(text: object) -> str:
    """Text from a CSV, made inert for plotly's HTML-like labels: no tag forms, shown as written.

    Plotly splits labels on tags, then decodes &amp; &lt; &gt; (and numeric references) in the
    text between them, but not &quot;: so quotes stay as they are and only &, <, > are escaped.
    """
    return html.escape("" if text is None else str(text), quote=False)


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str
    indicator_id: str
    category: str
    kind: str = "claims"  # claims (the figures with the official series under them) | ranking


RANKING_SUFFIX = "-ranking"
RANKED_UNITS = (Unit.rank, Unit.percent)


def chart_specs(dataset: Dataset, categories: Iterable[Category | str] | None = None) -> list[ChartSpec]:
    """Every indicator that has figures gets a chart, in the indicators file's order; a rank or
    share that official series test gets a second chart, the ranking they compute."""
    wanted = {Category(c) for c in categories} if categories is not None else None
    with_data = {o.indicator_id for o in dataset.observation_rows}
    specs = []
    for ind in dataset.indicator_rows:
        if ind.indicator_id in with_data and (wanted is None or ind.category in wanted):
            specs.append(ChartSpec(ind.indicator_id, ind.name, ind.indicator_id, ind.category.value))
            if (ind.unit in RANKED_UNITS or ind.basis) and ranking_views(dataset, ind.indicator_id):
                specs.append(ChartSpec(ind.indicator_id + RANKING_SUFFIX,
                                       f"{ind.name}: the official ranking",
                                       ind.indicator_id, ind.category.value, "ranking"))
    return specs


def find_spec(dataset: Dataset, chart_id: str) -> ChartSpec:
    for spec in chart_specs(dataset):
        if spec.id == chart_id:
            return spec
    raise KeyError(f"no chart {chart_id!r}; see `python -m indicators charts`")


# --------------------------------------------------------------------------- words

def point_source_ids(points: pd.DataFrame) -> list[str]:
    """The sources behind a chart's points (an implied point names each source it comes from, `a;b`)."""
    return sorted({s for ids in points["source_id"] for s in str(ids).split(";") if s})


def footnote_lines(dataset: Dataset, source_ids: Iterable[str]) -> list[str]:
    lines = []
    for sid in sorted(set(source_ids)):
        src = dataset.sources_by_id.get(sid)
        if isinstance(src, Source):
            lines.append(f"Source: {citation(src)}")
    return lines


# --------------------------------------------------------------------------- the data behind a chart

POINT_COLUMNS = [
    "kind", "obs_id", "source_id", "who", "entity", "period", "x", "y", "lo", "hi", "lo_open", "hi_open",
    "qualifier", "measure", "label", "interval", "quote", "article", "note", "flags", "in_conflict",
]


def chart_points(dataset: Dataset, result: CheckResult, indicator_id: str) -> pd.DataFrame:
    """The stated, target and implied points of one indicator, with their intervals and flags."""
    indicator = dataset.indicators_by_id[indicator_id]
    sources = dataset.sources_by_id
    rows = []
    levels = [o for o in dataset.observation_rows if o.indicator_id == indicator_id]
    relative_only = all(o.measure in (Measure.change_pct, Measure.multiple) for o in levels)
    implied = result.implied_for(indicator_id)
    if relative_only and implied:
        relative_only = False
    for o in levels:
        if not relative_only and o.measure in (Measure.change_pct, Measure.multiple):
            continue
        interval = result.intervals[o.obs_id]
        flags = result.for_obs(o.obs_id)
        src = sources.get(o.source_id)
        rows.append({
            "kind": "target" if o.measure is Measure.target else "stated",
            "obs_id": o.obs_id, "source_id": o.source_id, "who": who(src), "entity": o.entity,
            "period": o.period if not relative_only else f"{o.period} vs {o.base_period or o.period}",
            "y": float(o.value) if o.value is not None else (float(o.low) + float(o.high)) / 2,
            "lo": interval.lo, "hi": interval.hi, "lo_open": interval.lo_open, "hi_open": interval.hi_open,
            "qualifier": o.qualifier.value, "measure": o.measure.value,
            "label": written(o, indicator.unit), "interval": format_interval(interval), "quote": o.quote,
            "article": src.article if isinstance(src, Source) else "", "note": o.note or "",
            "flags": "; ".join(f.title for f in flags if f.kind != "corroborated"),
            "in_conflict": any(f.severity is Severity.conflict for f in flags),
        })
    for imp in implied:
        rows.append({
            "kind": "implied", "obs_id": "+".join(imp.from_obs), "source_id": ";".join(imp.source_ids),
            "who": "implied by " + " and ".join(who(sources.get(s)) for s in imp.source_ids),
            "entity": imp.entity, "period": imp.period,
            "y": imp.interval.midpoint if imp.interval.bounded else (imp.interval.lo if math.isfinite(imp.interval.lo) else imp.interval.hi),
            "lo": imp.interval.lo, "hi": imp.interval.hi, "lo_open": imp.interval.lo_open, "hi_open": imp.interval.hi_open,
            "qualifier": "implied", "measure": "level", "label": "implied " + format_interval(imp.interval),
            "interval": format_interval(imp.interval), "quote": "", "article": "", "note": imp.explanation,
            "flags": "", "in_conflict": False,
        })
    rows += _reference_rows(dataset, indicator_id, levels, relative_only)
    rows += _estimate_rows(dataset, indicator_id, levels)
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    frame["x"] = _x_values(frame).map(esc)  # category names become tick labels: made inert like any label
    return frame.sort_values(["x", "kind", "who"], kind="stable").reset_index(drop=True)


def _reference_rows(dataset: Dataset, indicator_id: str, claims: list, relative_only: bool) -> list[dict]:
    """The official series under a chart's claims: each reporter's annual values over their whole
    span (one entity), or at the claims' periods (several entities side by side). Under changes
    alone (a value that "still declined") the series are drawn and the changes become arrows."""
    if not claims:
        return []
    index = series_index(dataset)
    unit = dataset.indicators_by_id[indicator_id].unit
    entities = sorted({o.entity for o in claims})
    claim_periods = {o.period[:4] for o in claims}
    sources = dataset.sources_by_id
    rows = []
    for entity in entities:
        for reporter, readings in sorted(index.for_claim((indicator_id, entity)).items()):
            for period, reading in sorted(readings.items()):
                window = year_window_period(period)
                if window and period[5:] not in claim_periods:
                    continue  # a five-year window only where a verdict compares it: the one ending in a claim's year
                if ("/" in period and not window) or (len(entities) > 1 and period[-4:] not in claim_periods):
                    continue
                src = sources.get(reading.source_id)  # statistics only: estimates are markers (_estimate_rows)
                value = float(reading.value)
                rows.append({
                    "kind": "reference", "obs_id": reading.series + "/" + period, "source_id": reading.source_id,
                    "who": f"{reporter}’s statistics" + (", five-year window" if window else "")
                           + (f" ({short_name(src)})" if isinstance(src, Source) else ""),
                    "entity": entity, "period": period, "y": value, "lo": value, "hi": value,
                    "lo_open": False, "hi_open": False, "qualifier": "reference", "measure": "level",
                    "label": reference_label(reading.value, unit) + (" (estimate)" if reading.estimate else "")
                             + (f" ({period.replace('/', '–')})" if window else ""),
                    "interval": number_text(reading.value), "quote": "",
                    "article": citation(src) if isinstance(src, Source) else "",
                    "note": f"series {reading.series}" + ("; an IMF estimate" if reading.estimate else ""),
                    "flags": "", "in_conflict": False,
                })
    return rows


def _estimate_rows(dataset: Dataset, indicator_id: str, claims: list) -> list[dict]:
    """Published estimates beside the claims (a source of kind estimates): each at its own date, with its range."""
    index = series_index(dataset)
    sources = dataset.sources_by_id
    ranges = {(v.indicator_id, v.entity, v.period, v.source_id): (v.low, v.high) for v in dataset.series_rows
              if v.low is not None}
    rows = []
    for entity in sorted({o.entity for o in claims if o.measure is Measure.level}):
        for key in [(indicator_id, entity), *index.links.get((indicator_id, entity), [])]:
            for reporter, readings in sorted(index.estimates.get(key, {}).items()):
                for period, reading in sorted(readings.items()):
                    src = sources.get(reading.source_id)
                    low, high = ranges.get((*key, period, reading.source_id), (reading.value, reading.value))
                    amount = (f"{_count(low)}–{_count(high)}" if low != high else _count(reading.value))
                    rows.append({
                        "kind": "estimate", "obs_id": reading.series + "/" + period, "source_id": reading.source_id,
                        "who": f"{reporter}’s estimates (not statistics)", "entity": entity, "period": period,
                        "y": float(reading.value), "lo": float(low), "hi": float(high), "lo_open": False,
                        "hi_open": False, "qualifier": "estimate", "measure": "level", "label": f"{reporter} {amount}",
                        "interval": amount, "quote": "", "article": citation(src),
                        "note": f"series {reading.series}, as of {period}", "flags": "", "in_conflict": False,
                    })
    return rows


def _count(number) -> str:
    """An estimate as written: 1,150 or 14.5, never 14.00."""
    whole, _, frac = number_text(number).partition(".")
    return f"{int(whole):,}" + (f".{frac.rstrip('0')}" if frac.rstrip("0") else "")


def _x_values(frame: pd.DataFrame) -> pd.Series:
    """Where a point sits: its year (a five-year window at the year it ends, beside the claim it tests),
    its entity, or both."""
    if frame.empty:
        return pd.Series([], dtype=object)
    period = frame["period"].map(lambda p: p[5:] if year_window_period(p) else p)
    entities, periods = frame["entity"].nunique(), period.nunique()
    if entities > 1 and periods > 1:
        return frame["entity"] + " · " + period
    if entities > 1:
        return frame["entity"]
    return period


# --------------------------------------------------------------------------- the figure

def build_figure(dataset: Dataset, result: CheckResult, chart_id: str) -> go.Figure:
    """Any chart by id: an indicator's claims over their official series, or a ranking."""
    spec = find_spec(dataset, chart_id)
    return ranking_figure(dataset, result, chart_id) if spec.kind == "ranking" else claims_figure(dataset, result, chart_id)


def claims_figure(dataset: Dataset, result: CheckResult, chart_id: str) -> go.Figure:
    spec = find_spec(dataset, chart_id)
    indicator = dataset.indicators_by_id[spec.indicator_id]
    points = chart_points(dataset, result, spec.indicator_id)
    fig = go.Figure()
    references = points[points["kind"] == "reference"]
    changes = points[points["measure"].isin(["change_pct", "multiple"]) & (points["kind"] == "stated")]
    over_series = not references.empty and not changes.empty  # changes alone, drawn as arrows over the series
    if over_series:
        points = points[~points.index.isin(changes.index)]
    for i, (who_, group) in enumerate(references.groupby("who", sort=True)):
        _add_reference(fig, group, esc(who_), REFERENCE_COLOURS[i % len(REFERENCE_COLOURS)],
                       REFERENCE_SYMBOLS[i % len(REFERENCE_SYMBOLS)],
                       REFERENCE_DASHES[i % len(REFERENCE_DASHES)])
    stated = points[~points["kind"].isin(["implied", "reference", "estimate"])]
    for i, (who_, group) in enumerate(stated.groupby("who", sort=True)):
        _add_points(fig, group, esc(who_), COLOURS[i % len(COLOURS)], SYMBOLS[i % len(SYMBOLS)])
    estimates = points[points["kind"] == "estimate"]
    for i, (who_, group) in enumerate(estimates.groupby("who", sort=True)):
        _add_points(fig, group, esc(who_), ESTIMATE_COLOURS[i % len(ESTIMATE_COLOURS)],
                    ESTIMATE_SYMBOLS[i % len(ESTIMATE_SYMBOLS)])
    if over_series:
        _change_arrows(fig, changes, references)
    implied = points[points["kind"] == "implied"]
    if not implied.empty:
        # numbered, so a printed chart says what implies each hollow marker (a note line per number)
        implied = implied.assign(label=[f"({n}) {label}" for n, label in enumerate(implied["label"], 1)])
        # beside the marker only its number: the range and what implies it are in its note line (and the
        # hover), so the labels of one crowded year do not run into each other or off the plot's edge
        _add_points(fig, implied, "Implied by a stated change or multiple", IMPLIED_COLOUR, "circle-open",
                    marks=[label.split(" ", 1)[0] for label in implied["label"]], textposition="bottom center")
    _spread_labels(fig)
    for row in points[points["kind"] != "reference"].itertuples():
        if not (math.isfinite(row.lo) and math.isfinite(row.hi)):
            up = not math.isfinite(row.hi)
            fig.add_annotation(x=row.x, y=row.y, ax=0, ay=-38 if up else 38, axref="pixel", ayref="pixel",
                               showarrow=True, arrowside="start", arrowhead=2, arrowsize=1.3, arrowwidth=1.6,
                               arrowcolor="#333333", text="")
    relative = not points.empty and set(points["measure"]) <= {"change_pct", "multiple"}
    y_title = ("percent change / multiple of the base" if relative else unit_label(indicator.unit))
    notes = footnote_lines(dataset, point_source_ids(pd.concat([points, changes]))) + implied_notes(implied)
    if over_series:
        notes.append("Arrows: a stated change, from its base year to its year, drawn on the official series.")
    if not estimates.empty:
        notes += [f.sentence for f in result.flags if f.kind == "estimate_note"
                  and dataset.observations_by_id[f.obs_ids[0]].indicator_id == spec.indicator_id]
    window = year_window(pd.concat([points, changes.assign(x=changes["period"].str[:4])]) if over_series else points)
    if window:
        (first, last), (lo, hi) = window
        notes.append(f"The official series run {first}–{last}; shown: {lo}–{hi}, around the claims (every year is in "
                     "the table and the CSV; on screen, double-click the chart to see them all).")
        years = sorted(set(points["x"].astype(str)))  # the category axis: one position per year, ascending
        fig.update_xaxes(range=[bisect.bisect_left(years, str(lo)) - 0.5, bisect.bisect_right(years, str(hi)) - 0.5])
    _layout(fig, spec.title, indicator, y_title, notes, points)
    if not estimates.empty:  # each entity's claims and estimates side by side, in date order
        categories = sorted(set(points["x"]))
        fig.update_xaxes(categoryorder="array", categoryarray=categories, tickangle=0, tickvals=categories,
                         ticktext=[c.replace(" · ", "<br>") for c in categories])
    return fig


def _change_arrows(fig: go.Figure, changes: pd.DataFrame, references: pd.DataFrame) -> None:
    """Each stated change as an arrow from its base year to its year on the first official series, labelled."""
    line = references[references["who"] == sorted(references["who"])[0]].set_index("x")["y"]
    position = {x: i for i, x in enumerate(sorted(set(references["x"])))}  # the category axis, years ascending
    for row in changes.itertuples():
        year, _, base = str(row.period).partition(" vs ")
        if year in line.index and base in line.index:  # a category axis places an arrow's tail by position only
            fig.add_annotation(x=position[year], y=line[year], ax=position[base], ay=line[base], axref="x", ayref="y",
                               showarrow=True,
                               arrowhead=3, arrowsize=1.4, arrowwidth=2.5, arrowcolor=COLOURS[1],
                               text=esc(f"{row.label} ({row.who})"), xanchor="left", yanchor="bottom",
                               font=dict(size=13, color="#222222"), bgcolor="rgba(255,255,255,0.8)")


YEARS_BEFORE, YEARS_AFTER = 3, 2  # the years of official series shown around a chart's claims


def year_window(points: pd.DataFrame) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((first, last) year of the chart, (lo, hi) shown) when the official series run far beyond the claims.

    Drawn over all 29 years of DOTS, the claims of 2014-2015 share a corner of the plot and their labels
    run into each other; the chart opens on the claims' years and some context, every year still drawn."""
    x = points["x"].astype(str)
    if points.empty or not x.str.fullmatch(r"\d{4}").all():
        return None
    years = x.astype(int)
    claimed = years[points["kind"] != "reference"]
    if claimed.empty:
        return None
    first, last = int(years.min()), int(years.max())
    lo, hi = max(first, int(claimed.min()) - YEARS_BEFORE), min(last, int(claimed.max()) + YEARS_AFTER)
    return ((first, last), (lo, hi)) if (lo, hi) != (first, last) else None


REFERENCE_COLOURS = ["#555555", "#999999", "#333333"]
ESTIMATE_COLOURS = ["#009E73", "#56B4E9"]
ESTIMATE_SYMBOLS = ["diamond-open", "hexagon-open"]  # two publishers' estimates differ by shape, not colour alone
REFERENCE_DASHES = ["solid", "dash", "dot"]
REFERENCE_SYMBOLS = ["circle", "square", "diamond"]  # official values drawn as points: told apart by shape too


def _add_reference(fig: go.Figure, group: pd.DataFrame, name: str, colour: str, symbol: str, dash: str) -> None:
    """One reporter's official series: a line named in the legend (greyscale-safe dashes), under the claims."""
    ordered = group.sort_values("x", kind="stable")
    over_time = len(ordered) > 1 and ordered["x"].astype(str).str.fullmatch(r"\d{4}").all()
    fig.add_trace(go.Scatter(
        # a line only through years: values of different entities side by side are points, never joined
        x=ordered["x"], y=ordered["y"], name=name, mode="lines+markers" if over_time else "markers",
        # not dodged with the claims: the lines run through the years' centres, the claims share the cell
        alignmentgroup="official series", offsetgroup="official series",
        line=dict(color=colour, width=2, dash=dash),
        marker=dict(size=5 if over_time else 10, color=colour, symbol=symbol),
        hovertext=[_hover(r) for r in ordered.itertuples()], hoverinfo="text",
        cliponaxis=True,  # a chart opened on the claims' years (year_window) hides the years outside it
    ))


def implied_notes(implied: pd.DataFrame) -> list[str]:
    """'(1) 2014: Liu Changmin … gives $64bn … and a 28% decrease, which implies $87.59bn to $90.21bn …'."""
    return [f"{label.split(' ', 1)[0]} {x}: {note}" for label, x, note in zip(implied["label"], implied["x"], implied["note"])]


def _spread_labels(fig: go.Figure) -> None:
    """Labels of one year's claims placed apart, not all to the right of markers a few pixels apart.

    The claims of a year are dodged side by side, closer than a label is wide, so '$69bn' and '$64bn'
    of 2015 ran into each other and into the hollow markers beside them. In a year with several
    labelled markers the leftmost label goes left, the rightmost right (into the neighbouring years,
    where only the official lines run), and each one between above or below its marker, on the side
    with more room before the next marker of that year. A year with one labelled marker keeps its place.
    """
    labelled = [(k, i, str(x), float(y)) for k, trace in enumerate(fig.data) if trace.mode == "markers+text"
                for i, (x, y) in enumerate(zip(trace.x, trace.y))]
    by_year: dict[str, list[tuple[int, int, float]]] = {}
    for k, i, x, y in labelled:
        by_year.setdefault(x, []).append((k, i, y))
    placed: dict[tuple[int, int], str] = {}
    for marks in by_year.values():
        if len(marks) < 2:
            continue
        slots = sorted({k for k, _, _ in marks})  # dodged left to right in trace order
        ys = sorted(y for _, _, y in marks)
        for k, i, y in marks:
            if k == slots[0] and len(slots) > 1:
                placed[(k, i)] = "middle left"
            elif k == slots[-1] and len(slots) > 1:
                placed[(k, i)] = "middle right"
            else:
                above = min((v - y for v in ys if v > y), default=math.inf)
                below = min((y - v for v in ys if v < y), default=math.inf)
                placed[(k, i)] = "top center" if above >= below else "bottom center"
    for k, trace in enumerate(fig.data):
        if trace.mode == "markers+text" and any(key[0] == k for key in placed):
            trace.textposition = [placed.get((k, i), trace.textposition) for i in range(len(trace.x))]


def _add_points(fig: go.Figure, group: pd.DataFrame, name: str, colour: str, symbol: str,
                marks: list[str] | None = None, textposition: str = "middle right") -> None:
    finite_lo = group["lo"].where(group["lo"].map(math.isfinite), group["y"])
    finite_hi = group["hi"].where(group["hi"].map(math.isfinite), group["y"])
    is_target = group["kind"] == "target"
    symbols = [
        "line-ew-open" if t else ("triangle-up" if q in ("more_than", "at_least") else
                                  "triangle-down" if q in ("less_than", "at_most") else symbol)
        for t, q in zip(is_target, group["qualifier"])
    ]
    fig.add_trace(go.Scatter(
        x=group["x"], y=group["y"], name=name, mode="markers+text",
        text=[esc(label) + (" target" if t else "") + (" ⚠" if c else "")
              for label, t, c in zip(marks or group["label"], is_target, group["in_conflict"])],
        textposition=textposition, textfont=dict(size=13, color="#222222"),
        marker=dict(symbol=symbols, size=[26 if t else 12 for t in is_target], color=colour,
                    line=dict(width=[3 if (t or c) else 1 for t, c in zip(is_target, group["in_conflict"])],
                              color=["#000000" if c else colour for c in group["in_conflict"]])),
        error_y=dict(type="data", symmetric=False, array=(finite_hi - group["y"]).clip(lower=0),
                     arrayminus=(group["y"] - finite_lo).clip(lower=0), thickness=1.5, width=6, color=colour),
        hovertext=[_hover(r) for r in group.itertuples()], hoverinfo="text",
        cliponaxis=False,
    ))


def _hover(r) -> str:
    lines = [f"<b>{esc(r.who)}</b>", f"{esc(r.label)} — {esc(r.entity)}, {esc(r.period)}",
             f"allows {esc(r.interval)}"]
    if r.kind == "reference":
        lines[2] = esc(r.note)
    if r.quote:
        wrapped = textwrap.wrap(f"“{r.quote}”", 70)
        lines += [esc(w) for w in wrapped[:6]]
    if r.article:
        lines.append(f"<i>{esc(r.article)}</i>")
    if r.note and r.kind == "implied":
        lines += [esc(w) for w in textwrap.wrap(r.note, 70)[:4]]
    if r.flags:
        lines.append("⚠ " + esc(r.flags))
    return "<br>".join(lines)


def _titles(title: str, subtitle: str) -> tuple[dict, int]:
    """A chart's title and subtitle wrapped to a laptop-width chart (never cut at its edge), as plotly's
    `layout.title` fields, and the pixels they take beyond one line each."""
    titled = [esc(t) for t in textwrap.wrap(title, TITLE_CHARS, break_on_hyphens=False)] or [""]
    sub = [esc(t) for t in textwrap.wrap(subtitle, FOOTNOTE_CHARS)] or [""]
    fields = dict(text="<br>".join(f"<b>{t}</b>" for t in titled), font=dict(size=20),
                  subtitle=dict(text="<br>".join(sub), font=dict(size=13)))
    return fields, 26 * (len(titled) - 1) + 17 * (len(sub) - 1)


def _layout(fig: go.Figure, title: str, indicator: Indicator, y_title: str, notes: list[str], points: pd.DataFrame) -> None:
    footer = [esc(line) for line in notes] + [esc(KEY)]
    wrapped = [w for line in footer for w in textwrap.wrap(line, FOOTNOTE_CHARS)]
    bottom = 75 + 17 * len(wrapped)
    # the description wrapped, never cut: a printed chart said "… and definition: see"
    titles, extra = _titles(title, indicator.description or "")
    # the legend sits above the plot and wraps on a narrow screen (one entry a line at worst): room for it
    top = 110 + 22 * len(fig.data) + extra
    x_is_year = not points.empty and points["x"].astype(str).str.fullmatch(r"\d{4}").all()
    fig.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT, size=15, color="#222222"),
        title=dict(**titles, x=0.01, xanchor="left", y=0.97, yanchor="top"),
        height=370 + top + 17 * len(wrapped),
        margin=dict(l=70, r=40, t=top, b=bottom),
        scattermode="group", scattergap=0.55,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=13)),
        showlegend=True,
        hoverlabel=dict(align="left", bgcolor="white", font=dict(family=FONT, size=12)),
        yaxis=dict(title=dict(text=esc(y_title)), zeroline=True, rangemode="tozero" if indicator.unit is not Unit.rank else "normal",
                   autorange="reversed" if indicator.unit is Unit.rank else True),
        # gridlines between categories: the markers of one year, dodged side by side, sit in that year's cell
        xaxis=dict(type="category", title=dict(text="Year" if x_is_year else ""), tickson="boundaries", showgrid=True,
                   gridcolor="#cccccc", categoryorder="category ascending" if x_is_year else "trace"),
    )
    fig.add_annotation(
        text="<br>".join(wrapped), xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 8, xshift=-60,
        xanchor="left", yanchor="bottom", align="left", showarrow=False, font=dict(size=12, color="#333333"),
    )  # from the figure's left edge (margin 70): the footnote reads whole in a laptop-width page


# --------------------------------------------------------------------------- timeline

TIMELINE_ID = "timeline"
_EVENT_SYMBOLS = {"treaty": "square", "summit": "diamond", "exercise": "triangle-up", "attack": "x",
                  "statement": "circle", "institution": "pentagon", "publication": "star", "other": "cross"}


def period_start(period: str) -> str:
    """An ISO year or month as the date it starts, for a date axis."""
    parts = period.split("-")
    return f"{parts[0]}-{parts[1] if len(parts) > 1 else '01'}-{parts[2] if len(parts) > 2 else '01'}"


def timeline_figure(dataset: Dataset, since: int | None = None) -> go.Figure:
    """The dated events, one row per category; the articles that date them in the footnote."""
    events = [e for e in dataset.event_rows if since is None or int(e.date[:4]) >= since]
    fig = go.Figure()
    by_category: dict[str, list] = {}
    for e in sorted(events, key=lambda e: e.date):
        by_category.setdefault(e.category.value, []).append(e)
    sources = dataset.sources_by_id
    for i, (category, rows) in enumerate(sorted(by_category.items())):
        colour = COLOURS[i % len(COLOURS)]
        fig.add_trace(go.Scatter(
            x=[period_start(e.date) for e in rows], y=[category] * len(rows), mode="markers", name=category,
            marker=dict(symbol=_EVENT_SYMBOLS.get(category, "circle"), size=12, color=colour,
                        line=dict(width=1, color="#222222")),
            hovertext=["<br>".join([f"<b>{esc(e.title)}</b>", esc(e.date + (f" to {e.end_date}" if e.end_date else "")),
                                    *[esc(w) for w in textwrap.wrap(f"“{e.quote}”", 70)[:5]],
                                    f"<i>{esc(who(sources.get(e.source_id)))}</i>"]) for e in rows],
            hoverinfo="text",
        ))
        for e in rows:
            if e.end_date:
                fig.add_trace(go.Scatter(x=[period_start(e.date), period_start(e.end_date)], y=[category, category],
                                         mode="lines", line=dict(color=colour, width=4), showlegend=False,
                                         hoverinfo="skip"))
    articles = {}
    for e in events:
        s = sources.get(e.source_id)
        if isinstance(s, Source):
            articles[s.article] = f"Source: {s.article_author}, “{s.article}”, {s.publication}, {s.publisher} ({s.year})."
    notes = [w for n in [*sorted(articles.values()), "Dates as the articles give them; a year or month alone is placed "
                         "at its start."] for w in textwrap.wrap(esc(n), FOOTNOTE_CHARS + 10)]  # 10 px type
    bottom = 70 + 15 * len(notes)
    fig.update_layout(
        template=TEMPLATE, font=dict(family=FONT, size=13, color="#222222"),
        title=dict(text="<b>Timeline of events cited in “China and Russia: Gaming the West”</b>", x=0.01, xanchor="left"),
        height=460 + 15 * len(notes), margin=dict(l=110, r=40, t=90, b=bottom), showlegend=False,
        xaxis=dict(type="date", title=dict(text="Date")), yaxis=dict(type="category", title=dict(text="")),
        hoverlabel=dict(align="left", bgcolor="white", font=dict(family=FONT, size=12)),
    )
    fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 8,
                       xshift=-100, xanchor="left", yanchor="bottom", align="left", showarrow=False,
                       font=dict(size=10, color="#444444"))  # from the figure's left edge (margin 110)
    return fig


# --------------------------------------------------------------------------- rankings in the official series

RANKING_TOP = 15


@dataclass(frozen=True)
class RankingView:
    """One cross-section a rank or share claim is judged against: a reporter's series in one period."""

    claim: Observation
    reporter: str
    source_id: str
    indicator_id: str  # the series' indicator (e.g. china-trade-partner-rank)
    entity: str  # the claim's entity as the series names it (e.g. Russia, European Union)
    period: str  # the year, or SIPRI's five-year window


def _ranked_keys(dataset: Dataset, indicator_id: str, entity: str) -> list[tuple[str, str]]:
    """The series that rank a claim: its own and linked ones for a rank or share; for a level whose indicator
    names a basis, the rank series of that basis (China's crude suppliers for Russia's crude exports)."""
    index = series_index(dataset)
    keys = [(indicator_id, entity), *index.links.get((indicator_id, entity), [])]
    indicator = dataset.indicators_by_id[indicator_id]
    if indicator.unit in RANKED_UNITS or not indicator.basis:
        return keys
    ranks = [i.indicator_id for i in dataset.indicator_rows if i.unit is Unit.rank and i.basis == indicator.basis]
    return [(r, e) for i, e in keys if i == indicator.basis for r in ranks]


def ranking_views(dataset: Dataset, indicator_id: str) -> list[RankingView]:
    index = series_index(dataset)
    views: dict[tuple, RankingView] = {}
    for o in dataset.observation_rows:
        if o.indicator_id != indicator_id or o.measure is not Measure.level:
            continue
        seen_reporters: set[str] = set()
        for key in _ranked_keys(dataset, indicator_id, o.entity):
            for reporter, readings in sorted(index.values.get(key, {}).items()):
                period, _ = periods_for(readings, o.period)
                if period is None or reporter in seen_reporters:
                    continue
                seen_reporters.add(reporter)
                source_id = readings[period].source_id
                views.setdefault((key[0], reporter, period), RankingView(o, reporter, source_id, key[0], key[1], period))
    return list(views.values())


RANKING_COLUMNS = ["view", "reporter", "period", "rank", "entity", "value", "label", "highlight", "source_id",
                   "claim", "who"]


def ranking_points(dataset: Dataset, result: CheckResult, indicator_id: str) -> pd.DataFrame:
    """Per view, the entities around the claim's: the top 15 by the series (and the claim's own
    entity if it is further down), ranks and the values they rank (the indicator's basis)."""
    rows = []
    by_key: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)  # (indicator, source, period) -> entity -> value
    for v in dataset.series_rows:
        by_key[(v.indicator_id, v.source_id, v.period)][v.entity] = float(v.value)
    sources, indicators = dataset.sources_by_id, dataset.indicators_by_id
    for n, view in enumerate(ranking_views(dataset, indicator_id)):
        indicator = indicators[view.indicator_id]
        basis = indicator.basis
        own = by_key.get((view.indicator_id, view.source_id, view.period), {})
        values = by_key.get((basis, view.source_id, view.period), {}) if basis else {}
        if indicator.unit is Unit.rank:
            ordered = sorted(own.items(), key=lambda kv: (kv[1], kv[0]))
            ranked = [(e, int(r), values.get(e, float("nan"))) for e, r in ordered]
        else:
            own, groups = _groups_from_members(dataset, view, own)
            ranks = {e: r for (i, s, p), entity_ranks in by_key.items() for e, r in entity_ranks.items()
                     if s == view.source_id and p == view.period and i != view.indicator_id
                     and indicators[i].unit is Unit.rank and indicators[i].basis == basis}
            regions = set(region_of_subregion().values())
            if view.entity in regions:  # a region's share beside the other regions (a declared classification)
                same_kind = [(e, x) for e, x in own.items() if e in regions]
            else:  # a country beside countries, a group (EU, …) beside groups
                same_kind = [(e, x) for e, x in own.items() if e != "World" and ((e in ranks) == (view.entity in ranks))]
            ordered = sorted(same_kind, key=lambda kv: (-kv[1], kv[0]))
            ranked = [(e, i + 1, x) for i, (e, x) in enumerate(ordered)]
        shown = ranked[:RANKING_TOP] + [r for r in ranked[RANKING_TOP:] if r[0] == view.entity]
        src = sources.get(view.source_id)
        for entity, rank, value in shown:
            amount = (reference_label(value, indicators[basis].unit) if basis and indicator.unit is Unit.rank
                      and value == value else reference_label(value, indicator.unit) if value == value else "")
            if indicator.unit is not Unit.rank and entity in groups:
                amount += f", {len(groups[entity].members)} members as of {groups[entity].as_of}"
            rows.append({
                "view": n, "reporter": view.reporter, "period": view.period, "rank": rank, "entity": entity,
                "value": value, "label": f"{reference_label(rank, Unit.rank)} · {amount}" if amount else
                reference_label(rank, Unit.rank), "highlight": entity == view.entity, "source_id": view.source_id,
                "claim": written(view.claim, indicators[indicator_id].unit, with_unit=True),
                "who": who(src) if isinstance(src, Source) else view.reporter,
            })
    return pd.DataFrame(rows, columns=RANKING_COLUMNS)


def _groups_from_members(dataset: Dataset, view: RankingView, own: dict[str, float]):
    """A share's cross-section with each group memberships.csv defines built from its members as they stood in
    the period, as the claim is judged: DOTS's own "European Union" row is today's EU of 27 in every year."""
    index = series_index(dataset)
    built, groups = dict(own), {}
    for entity in own:
        if entity in index.groups:
            reading = index.group_reading((view.indicator_id, entity), view.reporter, view.period, view.period)
            if reading is None or reading.group is None:
                del built[entity]  # no members' values that year: no value rather than the publisher's aggregate
                continue
            built[entity], groups[entity] = float(reading.value), reading.group
    return built, groups


def ranking_figure(dataset: Dataset, result: CheckResult, chart_id: str) -> go.Figure:
    """Horizontal bars per reporter: the ranking the official series compute, the claim's entity highlighted."""
    from plotly.subplots import make_subplots

    spec = find_spec(dataset, chart_id)
    points = ranking_points(dataset, result, spec.indicator_id)
    views = sorted(points["view"].unique()) if not points.empty else []
    titles = [esc(f"{g['who'].iat[0]}, {g['period'].iat[0]}") for _, g in points.groupby("view", sort=True)]
    fig = make_subplots(rows=1, cols=max(1, len(views)), subplot_titles=titles or None, horizontal_spacing=0.18)
    for col, view in enumerate(views, start=1):
        g = points[points["view"] == view].iloc[::-1]  # first rank at the top
        has_value = g["value"].notna().all()
        fig.add_trace(go.Bar(
            # the claim's entity: its bar coloured and outlined, and its name bold (not colour alone)
            x=g["value"] if has_value else [1] * len(g),
            y=[f"<b>{esc(e)}</b>" if h else esc(e) for e, h in zip(g["entity"], g["highlight"])], orientation="h",
            marker=dict(color=[COLOURS[1] if h else "#9a9a9a" for h in g["highlight"]],
                        line=dict(color=["#000000" if h else "#9a9a9a" for h in g["highlight"]], width=1.5)),
            text=[esc(t) for t in g["label"]], textposition="outside", cliponaxis=False, showlegend=False,
            hovertext=[esc(f"{e}: {t} ({w}, {p})") for e, t, w, p in zip(g["entity"], g["label"], g["who"], g["period"])],
            hoverinfo="text",
        ), row=1, col=col)
        fig.update_xaxes(showticklabels=bool(has_value), row=1, col=col)
    claims = "; ".join(sorted({f"{c} ({w})" for c, w in zip(points["claim"], _claimants(dataset, spec.indicator_id))}))
    notes = footnote_lines(dataset, set(points["source_id"]))
    notes.append(f"Highlighted: the entity the claim is about. The claim: {claims}. "
                 f"Top {RANKING_TOP} shown, and the claim's entity wherever it ranks; bars show what is ranked.")
    footer = [w for line in notes for w in textwrap.wrap(esc(line), 95)]  # readable on a laptop-width page too
    bottom = 60 + 17 * len(footer)
    rows = max((len(points[points["view"] == v]) for v in views), default=1)
    titles, extra = _titles(spec.title, "The claim: " + claims)
    top = 150 + extra
    height = 90 + top + 24 * rows + 17 * len(footer)
    fig.update_layout(
        template=TEMPLATE, font=dict(family=FONT, size=14, color="#222222"),
        title=dict(**titles, x=0.01, xanchor="left", y=1 - 24 / height, yanchor="top"),
        height=height, margin=dict(l=150, r=90, t=top, b=bottom), bargap=0.25,
    )
    fig.add_annotation(text="<br>".join(footer), xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 8,
                       xshift=-140, xanchor="left", yanchor="bottom", align="left", showarrow=False,
                       font=dict(size=12, color="#333333"))  # from the figure's left edge, under the names
    return fig


def _claimants(dataset: Dataset, indicator_id: str) -> list[str]:
    sources = dataset.sources_by_id
    out = []
    for view in ranking_views(dataset, indicator_id):
        src = sources.get(view.claim.source_id)
        out.append((src.claimed_by or src.article_author) if isinstance(src, Source) else view.claim.source_id)
    return out


def points_for(dataset: Dataset, result: CheckResult, spec: ChartSpec) -> pd.DataFrame:
    return ranking_points(dataset, result, spec.indicator_id) if spec.kind == "ranking" else \
        chart_points(dataset, result, spec.indicator_id)
