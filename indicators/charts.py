"""Plotly figures of the dataset, ready to paste into a briefing.

One chart per indicator, derived from the data (no indicator is named here).
Every figure carries its title, units and source footnote inside the image, shows
each stated figure as the interval it allows, marks bounds, approximations,
implied values and conflicts with shapes (so it reads in greyscale), and escapes
every string that comes from a CSV.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from .checks import CheckResult
from .dataset import Dataset
from .intervals import format_interval
from .schema import UNIT_RULES, Category, Indicator, Measure, Observation, Qualifier, Severity, Source, Unit

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

_PREFIX = {
    Qualifier.exact: "", Qualifier.approx: "≈", Qualifier.more_than: ">", Qualifier.at_least: "≥",
    Qualifier.less_than: "<", Qualifier.at_most: "≤", Qualifier.range: "",
}


def esc(text: object) -> str:
    """Text from a CSV, made inert for plotly's HTML-like labels."""
    return html.escape("" if text is None else str(text), quote=True)


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str
    indicator_id: str
    category: str


def chart_specs(dataset: Dataset, categories: Iterable[Category | str] | None = None) -> list[ChartSpec]:
    """Every indicator that has figures gets a chart, in the indicators file's order."""
    wanted = {Category(c) for c in categories} if categories is not None else None
    with_data = {o.indicator_id for o in dataset.rows("observations")}
    specs = []
    for ind in dataset.rows("indicators"):
        assert isinstance(ind, Indicator)
        if ind.indicator_id in with_data and (wanted is None or ind.category in wanted):
            specs.append(ChartSpec(ind.indicator_id, ind.name, ind.indicator_id, ind.category.value))
    return specs


def find_spec(dataset: Dataset, chart_id: str) -> ChartSpec:
    for spec in chart_specs(dataset):
        if spec.id == chart_id:
            return spec
    raise KeyError(f"no chart {chart_id!r}; see `python -m indicators charts`")


# --------------------------------------------------------------------------- words

def who(source: Source | None) -> str:
    if source is None:
        return "unknown source"
    if source.claimed_by:
        return f"{source.claimed_by} (cited by {source.article_author})"
    return source.article_author


def citation(source: Source) -> str:
    """The footnote line of DESIGN.md: 'Liu Changmin, cited by Michal Makocki, “…”, China Analysis, ECFR (2016).'"""
    lead = f"{source.claimed_by}, cited by {source.article_author}" if source.claimed_by else source.article_author
    work = f", {source.cited_work}" if source.cited_work and not source.claimed_by else ""
    return f"{lead}{work}, “{source.article}”, {source.publication}, {source.publisher} ({source.year})."


def footnote_lines(dataset: Dataset, source_ids: Iterable[str]) -> list[str]:
    lines = []
    for sid in sorted(set(source_ids)):
        src = dataset.by_id["sources"].get(sid)
        if isinstance(src, Source):
            lines.append(f"Source: {citation(src)}")
    return lines


def unit_label(unit: Unit) -> str:
    return UNIT_RULES[unit].label


def written(o: Observation, unit: Unit | None = None, with_unit: bool = False) -> str:
    """The figure as the text writes it, with its qualifier: '>5,000', '≈1,000', '17–24'.

    Money and shares always carry their sign ($, %); other units only when asked
    (a chart's axis already names them, a headline card does not).
    """
    def fmt(d) -> str:
        whole, _, frac = str(d).partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "")
    if o.qualifier is Qualifier.range:
        body = f"{fmt(o.low)}–{fmt(o.high)}"
    else:
        body = _PREFIX[o.qualifier] + fmt(o.value)
    if o.measure is Measure.change_pct:
        return body + "%"
    if o.measure is Measure.multiple:
        return body + "×"
    if unit is Unit.usd_bn:
        return f"${body}bn".replace("$>", ">$").replace("$≈", "≈$").replace("$<", "<$")
    if unit is Unit.percent:
        return body + "%"
    if with_unit and unit is Unit.rank:
        return f"rank {body}"
    if with_unit and unit is not None and unit is not Unit.count:
        return f"{body} {UNIT_RULES[unit].label}"
    return body


# --------------------------------------------------------------------------- the data behind a chart

POINT_COLUMNS = [
    "kind", "obs_id", "source_id", "who", "entity", "period", "x", "y", "lo", "hi", "lo_open", "hi_open",
    "qualifier", "measure", "label", "interval", "quote", "article", "note", "flags", "in_conflict",
]


def chart_points(dataset: Dataset, result: CheckResult, indicator_id: str) -> pd.DataFrame:
    """The stated, target and implied points of one indicator, with their intervals and flags."""
    indicator = dataset.indicator(indicator_id)
    sources = dataset.by_id["sources"]
    rows = []
    levels = [o for o in dataset.rows("observations") if o.indicator_id == indicator_id]  # type: ignore[attr-defined]
    relative_only = all(o.measure in (Measure.change_pct, Measure.multiple) for o in levels)
    implied = [i for i in result.implied if i.indicator_id == indicator_id]
    if relative_only and implied:
        relative_only = False
    for o in levels:
        assert isinstance(o, Observation)
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
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    frame["x"] = _x_values(frame)
    return frame.sort_values(["x", "kind", "who"], kind="stable").reset_index(drop=True)


def _x_values(frame: pd.DataFrame) -> pd.Series:
    if frame.empty:
        return pd.Series([], dtype=object)
    entities, periods = frame["entity"].nunique(), frame["period"].nunique()
    if entities > 1 and periods > 1:
        return frame["entity"] + " · " + frame["period"]
    if entities > 1:
        return frame["entity"]
    return frame["period"]


# --------------------------------------------------------------------------- the figure

def build_figure(dataset: Dataset, result: CheckResult, chart_id: str) -> go.Figure:
    spec = find_spec(dataset, chart_id)
    indicator = dataset.indicator(spec.indicator_id)
    points = chart_points(dataset, result, spec.indicator_id)
    fig = go.Figure()
    stated = points[points["kind"] != "implied"]
    for i, (who_, group) in enumerate(stated.groupby("who", sort=True)):
        _add_points(fig, group, esc(who_), COLOURS[i % len(COLOURS)], SYMBOLS[i % len(SYMBOLS)])
    implied = points[points["kind"] == "implied"]
    if not implied.empty:
        # numbered, so a printed chart says what implies each hollow marker (a note line per number)
        implied = implied.assign(label=[f"({n}) {label}" for n, label in enumerate(implied["label"], 1)])
        _add_points(fig, implied, "Implied by a stated change or multiple", IMPLIED_COLOUR, "circle-open")
    for row in points.itertuples():
        if not (math.isfinite(row.lo) and math.isfinite(row.hi)):
            up = not math.isfinite(row.hi)
            fig.add_annotation(x=row.x, y=row.y, ax=0, ay=-38 if up else 38, axref="pixel", ayref="pixel",
                               showarrow=True, arrowside="start", arrowhead=2, arrowsize=1.3, arrowwidth=1.6,
                               arrowcolor="#333333", text="")
    relative = not points.empty and set(points["measure"]) <= {"change_pct", "multiple"}
    y_title = ("percent change / multiple of the base" if relative else unit_label(indicator.unit))
    sources = sorted({s for ids in points["source_id"] for s in str(ids).split(";") if s})
    notes = footnote_lines(dataset, sources) + implied_notes(implied)
    _layout(fig, spec.title, indicator, y_title, notes, points)
    return fig


def implied_notes(implied: pd.DataFrame) -> list[str]:
    """'(1) 2014: Liu Changmin … gives $64bn … and a 28% decrease, which implies $87.59bn to $90.21bn …'."""
    return [f"{label.split(' ', 1)[0]} {x}: {note}" for label, x, note in zip(implied["label"], implied["x"], implied["note"])]


def _add_points(fig: go.Figure, group: pd.DataFrame, name: str, colour: str, symbol: str) -> None:
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
              for label, t, c in zip(group["label"], is_target, group["in_conflict"])],
        textposition="middle right", textfont=dict(size=13, color="#222222"),
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


def _layout(fig: go.Figure, title: str, indicator: Indicator, y_title: str, notes: list[str], points: pd.DataFrame) -> None:
    footer = [esc(line) for line in notes] + [esc(KEY)]
    wrapped = [w for line in footer for w in textwrap.wrap(line, 125)]
    bottom = 75 + 17 * len(wrapped)
    x_is_year = not points.empty and points["x"].astype(str).str.fullmatch(r"\d{4}").all()
    fig.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT, size=15, color="#222222"),
        title=dict(font=dict(size=20), text=f"<b>{esc(title)}</b><br><span style='font-size:13px'>{esc(indicator.description or '')[:140]}</span>",
                   x=0.01, xanchor="left", y=0.97, yanchor="top"),
        height=520 + 17 * len(wrapped),
        margin=dict(l=70, r=40, t=150, b=bottom),
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
        text="<br>".join(wrapped), xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 8,
        xanchor="left", yanchor="bottom", align="left", showarrow=False, font=dict(size=12, color="#333333"),
    )


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
    events = [e for e in dataset.rows("events") if since is None or int(e.date[:4]) >= since]  # type: ignore[attr-defined]
    fig = go.Figure()
    by_category: dict[str, list] = {}
    for e in sorted(events, key=lambda e: e.date):  # type: ignore[attr-defined]
        by_category.setdefault(e.category.value, []).append(e)  # type: ignore[attr-defined]
    sources = dataset.by_id["sources"]
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
        s = sources.get(e.source_id)  # type: ignore[attr-defined]
        if isinstance(s, Source):
            articles[s.article] = f"Source: {s.article_author}, “{s.article}”, {s.publication}, {s.publisher} ({s.year})."
    notes = [esc(n) for n in sorted(articles.values())] + [
        esc("Dates as the articles give them; a year or month alone is placed at its start.")]
    bottom = 70 + 15 * len(notes)
    fig.update_layout(
        template=TEMPLATE, font=dict(family=FONT, size=13, color="#222222"),
        title=dict(text="<b>Timeline of events cited in “China and Russia: Gaming the West”</b>", x=0.01, xanchor="left"),
        height=460 + 15 * len(notes), margin=dict(l=110, r=40, t=90, b=bottom), showlegend=False,
        xaxis=dict(type="date", title=dict(text="Date")), yaxis=dict(type="category", title=dict(text="")),
        hoverlabel=dict(align="left", bgcolor="white", font=dict(family=FONT, size=12)),
    )
    fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 8,
                       xanchor="left", yanchor="bottom", align="left", showarrow=False,
                       font=dict(size=10, color="#444444"))
    return fig
