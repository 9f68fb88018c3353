"""PowerPoint decks for briefings: each chart as a native, editable PowerPoint chart.

A pasted PNG cannot be restyled, its numbers cannot be checked and a screen reader gets nothing from
it. Here each chart is a PowerPoint chart whose data is embedded (Edit Data works in PowerPoint and
LibreOffice): the official series as lines, each claimant's figures as markers of their own shape and
colour, labelled as the text writes them, the range each allows as the chart's own error bars. The slide
carries the title and the source footnote; the speaker notes carry the findings, each figure's range and
quote, the chart in words and the full citations; the last slide lists every source. The dashboard's arrow
for a stated change is a label on the official line at its year; what is still not drawn (the ▲/▼ of
open-ended figures) is said in the notes; a chart with no native equivalent (the timeline) is its static
image with the description as its alt text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Inches, Pt

from .charts import (COLOURS, ESTIMATE_COLOURS, IMPLIED_COLOUR, REFERENCE_COLOURS, TIMELINE_ID, ChartSpec,
                     find_spec, footnote_lines, point_source_ids, points_for, timeline_figure,
                     year_window)
from .checks import CheckResult
from .dataset import Dataset
from .describe import chart_description, timeline_description
from .render import ImageExportUnavailable, figure_bytes, image_support
from .schema import Measure, Severity, Source, Unit
from .sheets import chart_flags, cite_chart, neutralise
from .summaries import chart_findings
from .text import inert
from .wording import citation, claimant_of, figure, interval_words, period_words, unit_label

WIDE, HIGH = Inches(13.333), Inches(7.5)  # 16:9, PowerPoint's default widescreen slide
MARGIN = Inches(0.4)
CHART_TOP = Inches(1.15)
FOOTNOTE_PT, LABEL_PT, AXIS_PT = 10, 11, 12
CONTENTS_LISTED = 12  # more charts than this are listed in one paragraph on the title slide
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# Markers by shape as well as colour (the legend says who is who in greyscale too): the dashboard's order.
REFERENCE_MARKERS = [XL_MARKER_STYLE.CIRCLE, XL_MARKER_STYLE.SQUARE, XL_MARKER_STYLE.DIAMOND]  # as the dashboard's
# Diamonds are kept for published estimates, dashes for targets.
MARKERS = [XL_MARKER_STYLE.CIRCLE, XL_MARKER_STYLE.SQUARE, XL_MARKER_STYLE.TRIANGLE, XL_MARKER_STYLE.X,
           XL_MARKER_STYLE.PLUS, XL_MARKER_STYLE.STAR]
NOT_DRAWN = ("Error bars: the range each figure allows as written (listed above), up to a bound where it has one "
             "(a share stops at 100%). Not drawn on the slide: the dashboard's ▲/▼ arrows for open-ended figures "
             "(more than, at least…); their labels say so (>, ≥).")


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _cell(text: object) -> str:
    """A name or category as the embedded workbook stores it: never a formula (xlsxwriter runs '=…')."""
    return str(neutralise(inert(text)))


SEVERITY_WORDS = {Severity.conflict: "Conflict", Severity.warning: "Caveat", Severity.info: "Note"}


# --------------------------------------------------------------------------- the series of a claims chart

@dataclass
class DeckSeries:
    """One series of a native chart: its name, a value per category (None: no point there), each point's label."""

    name: str
    role: str  # reference | stated | estimate | implied
    values: list[float | None]
    labels: list[str]
    targets: list[bool]
    colour: str
    marker: XL_MARKER_STYLE
    below: list[float] = field(default_factory=list)  # how far the range a figure allows runs below it (0: none)
    above: list[float] = field(default_factory=list)
    joined: bool = True  # an official series over years is a line; values of entities side by side are points

    def has_ranges(self) -> bool:
        return any(self.below) or any(self.above)


IMPLIED_NAME = "Implied by a stated change or multiple"


def claims_series(points: pd.DataFrame, unit: Unit | None = None) -> tuple[list[str], list[DeckSeries]]:
    """The categories (years, or entities) and the series of a claims chart, from the rows it is given.

    The roles and their order are the dashboard's (official lines first, then each claimant, estimates,
    implied values numbered (1), (2)… as its notes are); two figures of one claimant in one category go
    to a second series of theirs. An exact rank or count has no error bar (its rounding range means nothing)."""
    categories = sorted(set(points["x"])) if points["x"].astype(str).str.fullmatch(r"\d{4}").all() \
        else list(dict.fromkeys(points["x"]))
    position = {c: i for i, c in enumerate(categories)}
    implied = points[points["kind"] == "implied"]
    numbers = {index: n for n, index in enumerate(implied.index, 1)}
    out: list[DeckSeries] = []
    roles = [("reference", points[points["kind"] == "reference"].groupby("who", sort=True)),
             ("stated", points[points["kind"].isin(["stated", "target"])].groupby("who", sort=True)),
             ("estimate", points[points["kind"] == "estimate"].groupby("who", sort=True)),
             ("implied", [(IMPLIED_NAME, implied)] if not implied.empty else [])]
    over_time = all(str(c).isdigit() and len(str(c)) == 4 for c in categories)
    for role, groups in roles:
        for i, (who_, group) in enumerate(groups):
            colour, marker = _look(role, i)
            slots: list[DeckSeries] = []
            for row in group.itertuples():
                slot = next((s for s in slots if s.values[position[row.x]] is None), None)
                if slot is None:
                    short = legend_name(str(who_))
                    name = short if not slots else f"{short} (series {len(slots) + 1})"
                    slot = DeckSeries(name, role, [None] * len(categories), [""] * len(categories),
                                      [False] * len(categories), colour, marker, [0.0] * len(categories),
                                      [0.0] * len(categories), joined=over_time)
                    slots.append(slot)
                k = position[row.x]
                slot.values[k] = float(row.y)
                slot.labels[k] = ("" if role == "reference" else f"({numbers[row.Index]})" if role == "implied" else
                                  f"{row.label}{' target' if row.kind == 'target' else ''}{' ⚠' if row.in_conflict else ''}")
                slot.targets[k] = row.kind == "target"
                whole = row.qualifier == "exact" and unit in (Unit.rank, Unit.count)
                if role != "reference" and not whole:  # an open end (more than, at least) has no bar: its label says ">"
                    slot.below[k] = row.y - row.lo if math.isfinite(row.lo) else 0.0
                    slot.above[k] = row.hi - row.y if math.isfinite(row.hi) else 0.0
            out += slots
    return categories, out


def legend_name(who_: str) -> str:
    """'Liu Fenghua', not 'Liu Fenghua (cited by Mathieu Duchâtel)': the slide's footnote cites who cites whom,
    and a legend of long names took a quarter of the chart's height."""
    return who_.split(" (cited by ", 1)[0]


def label_positions(series: list[DeckSeries]) -> dict[tuple[int, int], XL_LABEL_POSITION]:
    """Labels of one category placed apart, as the dashboard places them: a native line chart draws every
    series of a year at the same x, so with several labelled points the first (in series order) is
    labelled to the left, the last to the right, and those between above or below, by value."""
    by_category: dict[int, list[tuple[int, float]]] = {}
    for n, s in enumerate(series):
        for k, (value, label) in enumerate(zip(s.values, s.labels)):
            if value is not None and label:
                by_category.setdefault(k, []).append((n, value))
    placed = {}
    for k, marks in by_category.items():
        if len(marks) == 1:
            placed[(marks[0][0], k)] = XL_LABEL_POSITION.RIGHT
            continue
        values = sorted(v for _, v in marks)
        for i, (n, value) in enumerate(marks):
            if i == 0:
                placed[(n, k)] = XL_LABEL_POSITION.LEFT
            elif i == len(marks) - 1:
                placed[(n, k)] = XL_LABEL_POSITION.RIGHT
            else:
                above = min((v - value for v in values if v > value), default=math.inf)
                below = min((value - v for v in values if v < value), default=math.inf)
                placed[(n, k)] = XL_LABEL_POSITION.ABOVE if above >= below else XL_LABEL_POSITION.BELOW
    return placed


def _look(role: str, i: int) -> tuple[str, XL_MARKER_STYLE]:
    if role == "reference":
        return REFERENCE_COLOURS[i % len(REFERENCE_COLOURS)], REFERENCE_MARKERS[i % len(REFERENCE_MARKERS)]
    if role == "estimate":
        return ESTIMATE_COLOURS[i % len(ESTIMATE_COLOURS)], XL_MARKER_STYLE.DIAMOND
    if role == "implied":
        return IMPLIED_COLOUR, XL_MARKER_STYLE.CIRCLE
    return COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)]


# --------------------------------------------------------------------------- slides

def deck_bytes(dataset: Dataset, result: CheckResult, chart_ids: Iterable[str], revision: str,
               today: dt.date | None = None) -> bytes:
    """A deck: a title slide, one slide per chart (native and editable where PowerPoint has the chart
    type), and a last slide with every source in full."""
    ids = list(dict.fromkeys(chart_ids))
    specs = [None if cid == TIMELINE_ID else find_spec(dataset, cid) for cid in ids]  # unknown id -> KeyError
    made = (today or dt.date.today()).isoformat()
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    _title_slide(prs, [s.title if s else "Timeline" for s in specs], revision, made)
    source_ids: set[str] = set()
    for spec in specs:
        if spec is None:
            source_ids |= _timeline_slide(prs, dataset)
        elif spec.kind == "ranking":
            source_ids |= _ranking_slide(prs, dataset, result, spec, revision)
        else:
            source_ids |= _claims_slide(prs, dataset, result, spec, revision)
    _sources_slide(prs, dataset, source_ids, revision, made)
    prs.core_properties.title = "China–Russia indicators: briefing"
    subject = inert("; ".join(s.title if s else "Timeline" for s in specs))
    prs.core_properties.subject = subject if len(subject) <= 255 else subject[:254] + "…"  # the format's limit
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _slide(prs, title: str):
    """A 'Title Only' slide (its title is the slide's title for screen readers and the outline)."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    box = slide.shapes.title
    box.left, box.top, box.width, box.height = MARGIN, Inches(0.25), WIDE - 2 * MARGIN, Inches(0.85)
    box.text_frame.text = inert(title)
    box.text_frame.word_wrap = True
    for p in box.text_frame.paragraphs:
        p.font.size, p.font.bold = Pt(26 if len(title) <= 60 else 22), True  # one line on a 16:9 slide
    return slide


def _text_box(slide, left, top, width, height, lines: list[str], size: int, name: str):
    box = slide.shapes.add_textbox(left, top, width, height)
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = inert(line)
        p.font.size = Pt(size)
        p.font.color.rgb = _rgb("#333333")
    return box


def _alt_text(shape, title: str, description: str) -> None:
    """The shape's alt text (PowerPoint's and LibreOffice's 'Alt Text' / 'Description')."""
    c_nv_pr = shape._element.find(".//" + qn("p:cNvPr"))
    c_nv_pr.set("title", inert(title))
    c_nv_pr.set("descr", inert(description))


def _notes(slide, paragraphs: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = inert("\n\n".join(p for p in paragraphs if p))


def _title_slide(prs, titles: list[str], revision: str, made: str) -> None:
    slide = _slide(prs, "China–Russia indicators: briefing")
    listed = [f"• {t}" for t in titles] if len(titles) <= CONTENTS_LISTED else [
        f"{len(titles)} charts: " + " · ".join(titles)]
    lines = ["Figures cited in “China and Russia: Gaming the West”, China Analysis, ECFR (2016), beside the "
             "official statistics.", "", *listed, "",
             f"Dataset {revision}; made {made}. Each chart is editable (right-click, Edit Data); its notes hold "
             "the chart in words, the findings, the quotes and the full citations."]
    _text_box(slide, MARGIN, CHART_TOP, WIDE - 2 * MARGIN, Inches(5.5), lines,
              16 if len(titles) <= CONTENTS_LISTED else 11, "Contents")


def _claims_slide(prs, dataset: Dataset, result: CheckResult, spec: ChartSpec, revision: str) -> set[str]:
    indicator = dataset.indicators_by_id[spec.indicator_id]
    points = points_for(dataset, result, spec)
    shown, window_note, marks = slide_points(points)
    categories, series = claims_series(shown, indicator.unit)
    description = chart_description(dataset, result, spec.id, points)
    line = next((s for s in series if s.role == "reference"), None)
    for year, text in marks:  # a stated change, labelled on the first official series at its year
        if line is not None and year in categories and line.values[categories.index(year)] is not None:
            k = categories.index(year)
            line.labels[k] = "; ".join(filter(None, [line.labels[k], text]))
    slide = _slide(prs, spec.title)
    sources = point_source_ids(points)
    footnote, chart_height = _footnote(slide, footnote_lines(dataset, sources) + [
        "Markers: each claimant's figures as the text writes them (a shape and colour per claimant); lines: the "
        "official series; hollow grey (1), (2)…: implied by a stated change or multiple (how: the notes); "
        "⚠: in conflict with another figure. The range each figure allows and its quote: the notes."])
    data = CategoryChartData(number_format="General")
    data.categories = [_cell(c) for c in categories]
    for s in series:
        data.add_series(_cell(s.name), s.values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, MARGIN, CHART_TOP, WIDE - 2 * MARGIN, chart_height, data)
    frame.name = f"Chart: {spec.title}"
    _alt_text(frame, spec.title, description)
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(AXIS_PT - 1)
    relative = not points.empty and set(points["measure"]) <= {"change_pct", "multiple"}
    _axes(chart, "percent change / multiple of the base" if relative else unit_label(indicator.unit),
          reverse=indicator.unit is Unit.rank)
    positions = label_positions(series)
    for n, (s, plotted) in enumerate(zip(series, chart.plots[0].series)):
        _style_series(plotted, s, {k: pos for (m, k), pos in positions.items() if m == n})
        _error_bars(plotted, s)
    _after(footnote, frame)  # read after the chart: a screen reader follows the order of the slide's shapes
    figures = _figures_notes(dataset, result, spec.indicator_id)
    arrows = ("The dashboard draws each stated change as an arrow on the official series; on this slide it is a "
              "label on the first official series at its year." if marks else "")
    implied = points[points["kind"] == "implied"]
    _notes(slide, [
        _findings_notes(dataset, result, spec),
        "The figures, each with the range it allows as written and its quote:\n" + "\n".join(figures),
        "Implied values:\n" + "\n".join(f"({n}) {x}: {note}" for n, (x, note) in
                                         enumerate(zip(implied["x"], implied["note"]), 1)) if not implied.empty else "",
        window_note, arrows, NOT_DRAWN if any(s.has_ranges() for s in series) else "",
        "In words (the chart's alt text): " + description,
        "Cite this figure:\n" + cite_chart(dataset, spec.id, revision, result=result),
    ])
    return set(sources)


def _figures_notes(dataset: Dataset, result: CheckResult, indicator_id: str) -> list[str]:
    """Every figure stated for the indicator (also the changes and multiples a chart draws as implied values)."""
    unit = dataset.indicators_by_id[indicator_id].unit
    sources = dataset.sources_by_id
    lines = []
    for o in dataset.observation_rows:
        if o.indicator_id != indicator_id:
            continue
        allows = interval_words(result.intervals[o.obs_id], Unit.percent if o.measure is Measure.change_pct
                                else None if o.measure is Measure.multiple else unit)
        period = f"{o.period} against {o.base_period}" if o.base_period else o.period
        lines.append(f"• {claimant_of(sources.get(o.source_id), o.source_id)}: {figure(o, unit)}"
                     f"{' (target)' if o.measure is Measure.target else ''} for {o.entity}, {period_words(period)}; "
                     f"allows {allows}. “{o.quote}”")
    return lines


def _after(box, frame) -> None:
    """Move a shape after another in the slide's shape tree (its reading order)."""
    element = box._element
    element.getparent().remove(element)
    frame._element.addnext(element)


def slide_points(points: pd.DataFrame) -> tuple[pd.DataFrame, str, list[tuple[str, str]]]:
    """The rows a slide charts, what its notes say of the rest, and the stated changes to label on the line.

    The dashboard opens a long official series on the claims' years (`year_window`); so does the slide,
    whose chart holds those years' data (its Edit Data table); every year is in the CSV and XLSX
    downloads. A stated change the dashboard draws as an arrow on the official series is a label on the
    series at its year here ('40% decrease since 2014 (Chen Yu)'), and its years are within the window."""
    reference = points["kind"] == "reference"
    relative = points["measure"].isin(["change_pct", "multiple"]) & (points["kind"] == "stated")
    over_series = bool(reference.any() and relative.any())
    frame = points[~relative] if over_series else points
    marks: list[tuple[str, str]] = []
    years_claimed = frame
    if over_series:
        changes = points[relative]
        for row in changes.itertuples():
            year, _, base = str(row.period).partition(" vs ")
            marks.append((year, f"{row.label} since {base} ({row.who.split(' (cited by')[0]})"))
        extra = pd.DataFrame({"x": [y for r in changes.itertuples() for y in str(r.period).split(" vs ")],
                              "kind": "stated"})
        years_claimed = pd.concat([frame[["x", "kind"]], extra], ignore_index=True)
    window = year_window(years_claimed)
    if window is None:
        return frame, "", marks
    (first, last), (lo, hi) = window
    years = frame["x"].astype(int)
    note = (f"The official series run {first}–{last}; this slide shows {lo}–{hi}, around the claims (as the "
            "dashboard opens the chart). Every year is in the chart's CSV and XLSX downloads.")
    return frame[(years >= lo) & (years <= hi)], note, marks


def _footnote(slide, lines: list[str]):
    """The source footnote under the chart, sized to its text; returns it and the chart's height above it."""
    chars_per_line = int((WIDE - 2 * MARGIN) / Pt(FOOTNOTE_PT) * 1.9)  # Arial-like: ~0.53 em a character
    rows = sum(max(1, math.ceil(len(line) / chars_per_line)) for line in lines)
    size = FOOTNOTE_PT if rows <= 9 else max(7, int(FOOTNOTE_PT * 9 / rows))
    rows = sum(max(1, math.ceil(len(line) / int(chars_per_line * FOOTNOTE_PT / size))) for line in lines)
    height = Emu(int(Pt(size) * 1.25 * rows + Inches(0.15)))
    top = HIGH - height - Inches(0.1)
    box = _text_box(slide, MARGIN, top, WIDE - 2 * MARGIN, height, lines, size, "Sources")
    return box, max(Inches(3), top - CHART_TOP - Inches(0.05))


def _findings_notes(dataset: Dataset, result: CheckResult, spec: ChartSpec) -> str:
    found = chart_findings(dataset, result, spec.indicator_id)
    others = [f for f in chart_flags(dataset, result, spec.indicator_id) if f not in found]
    lines = [f"• {f.sentence or f.explanation}" for f in found]
    lines += [f"• {SEVERITY_WORDS[f.severity]}: {f.sentence or f.explanation}" for f in others]
    return "What the statistics and the checks say:\n" + "\n".join(lines) if lines else ""


def _axes(chart, value_title: str, reverse: bool = False) -> None:
    value_axis = chart.value_axis
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = value_title
    value_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(AXIS_PT)
    value_axis.tick_labels.font.size = Pt(AXIS_PT)
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb("#DDDDDD")
    if reverse:  # rank 1 at the top, as the dashboard draws ranks; whole ranks; the years still along the bottom
        value_axis.reverse_order = True
        value_axis.minimum_scale, value_axis.major_unit = 0, 1
        value_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
        value_axis.tick_labels.number_format, value_axis.tick_labels.number_format_is_linked = "0;;", False  # no rank 0
    chart.category_axis.tick_labels.font.size = Pt(AXIS_PT)


def _error_bars(plotted, s: DeckSeries) -> None:
    """The range each figure allows as the chart's own error bars (custom values, embedded in the chart),
    as the dashboard draws them; python-pptx has no API for them, so the chart XML is written here."""
    if not s.has_ranges():
        return

    def literal(tag: str, values: list[float]) -> str:
        points = "".join(f'<c:pt idx="{k}"><c:v>{v!r}</c:v></c:pt>' for k, v in enumerate(values))
        return (f"<c:{tag}><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val=\"{len(values)}\"/>{points}"
                f"</c:numLit></c:{tag}>")

    xml = (f'<c:errBars {nsdecls("c", "a")}><c:errDir val="y"/><c:errBarType val="both"/><c:errValType val="cust"/>'
           f'<c:noEndCap val="0"/>{literal("plus", s.above)}{literal("minus", s.below)}'
           f'<c:spPr><a:ln w="19050"><a:solidFill><a:srgbClr val="{s.colour.lstrip("#").upper()}"/></a:solidFill>'
           f'</a:ln></c:spPr></c:errBars>')
    ser = plotted._element
    anchor = ser.find(qn("c:cat"))
    if anchor is None:
        anchor = ser.find(qn("c:val"))
    anchor.addprevious(parse_xml(xml))  # the schema's order: … dLbls, trendline, errBars, cat, val …


def _style_series(plotted, s: DeckSeries, positions: dict[int, XL_LABEL_POSITION]) -> None:
    plotted.smooth = False
    marker = plotted.marker
    if s.role == "reference":
        plotted.format.line.color.rgb = _rgb(s.colour)
        plotted.format.line.width = Pt(2)
        marker.style, marker.size = s.marker, 4
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = _rgb(s.colour)
        marker.format.line.color.rgb = _rgb(s.colour)
        if not s.joined:
            plotted.format.line.fill.background()  # entities side by side: points, never a line between them
        if not s.joined or sum(v is not None for v in s.values) < 2:  # lone official values: markers one can see
            marker.size = 9
        _labels(plotted, s, positions)
        return
    plotted.format.line.fill.background()  # figures are points, never joined by a line
    marker.style, marker.size = s.marker, 10
    if s.role in ("implied", "estimate"):
        marker.format.fill.background()  # hollow, as on the dashboard
    else:
        marker.format.fill.solid()
        marker.format.fill.fore_color.rgb = _rgb(s.colour)
    marker.format.line.color.rgb = _rgb(s.colour)
    marker.format.line.width = Pt(1.5)
    _labels(plotted, s, positions)


def _labels(plotted, s: DeckSeries, positions: dict[int, XL_LABEL_POSITION]) -> None:
    for k, (value, label) in enumerate(zip(s.values, s.labels)):
        if value is None or not label:
            continue
        point = plotted.points[k]
        if s.targets[k]:
            point.marker.style, point.marker.size = XL_MARKER_STYLE.DASH, 18
            point.marker.format.fill.solid()
            point.marker.format.fill.fore_color.rgb = _rgb(s.colour)
            point.marker.format.line.color.rgb = _rgb(s.colour)
        frame = point.data_label.text_frame
        frame.text = inert(label)
        frame.paragraphs[0].font.size = Pt(LABEL_PT)
        point.data_label.position = positions.get(k, XL_LABEL_POSITION.RIGHT)


# --------------------------------------------------------------------------- rankings

def _ranking_slide(prs, dataset: Dataset, result: CheckResult, spec: ChartSpec, revision: str) -> set[str]:
    points = points_for(dataset, result, spec)
    description = chart_description(dataset, result, spec.id, points)
    slide = _slide(prs, spec.title)
    sources = point_source_ids(points)
    claims = "; ".join(sorted(set(points["claim"]))) if not points.empty else ""
    footnote, chart_height = _footnote(slide, footnote_lines(dataset, sources) + [
        f"Highlighted (coloured, outlined, “◀ claimed: …”): the entity the claim is about; the bar is the "
        f"statistics' value, the label after ◀ the claim's. The claim: {claims}. Bars show what is ranked."])
    views = sorted(points["view"].unique()) if not points.empty else []
    width = (WIDE - 2 * MARGIN) / max(1, len(views))
    for n, view in enumerate(views):
        g = points[points["view"] == view]
        has_value = bool(g["value"].notna().all())
        data = CategoryChartData(number_format="General")
        data.categories = [_cell(e) for e in g["entity"]]
        title = f"{g['who'].iat[0]}, {period_words(str(g['period'].iat[0]))}"
        data.add_series(_cell(title), [float(v) if has_value else float(r) for v, r in zip(g["value"], g["rank"])])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, MARGIN + Emu(int(width * n)), CHART_TOP,
                                       Emu(int(width)), chart_height, data)
        frame.name = f"Chart: {spec.title} ({title})"
        _alt_text(frame, f"{spec.title}: {title}", description)
        chart = frame.chart
        chart.has_title, chart.has_legend = True, False
        chart.chart_title.text_frame.text = inert(title)
        chart.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
        chart.category_axis.reverse_order = True  # the first rank at the top
        chart.category_axis.tick_labels.font.size = Pt(AXIS_PT - 1)
        chart.value_axis.visible = False  # each bar's label says its rank and value
        chart.value_axis.has_major_gridlines = False
        plot = chart.plots[0]
        plot.vary_by_categories = False
        plot.gap_width = 40
        bars = plot.series[0]
        bars.format.fill.solid()
        bars.format.fill.fore_color.rgb = _rgb("#9A9A9A")
        for k, (label, highlight, claim) in enumerate(zip(g["label"], g["highlight"], g["claim"])):
            point = bars.points[k]
            if highlight:  # the claim's entity: colour, a black outline and the label's words all say so
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _rgb(COLOURS[1])
                point.format.line.color.rgb = _rgb("#000000")
                point.format.line.width = Pt(1.5)
            frame_ = point.data_label.text_frame
            frame_.text = inert(f"{label}  ◀ claimed: {claim}" if highlight else label)
            frame_.paragraphs[0].font.size = Pt(LABEL_PT - 1)
            point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END
        last = frame
    if views:
        _after(footnote, last)  # read after the charts
    _notes(slide, [_findings_notes(dataset, result, spec), "In words (the charts' alt text): " + description,
                   "Cite this figure:\n" + cite_chart(dataset, spec.id, revision, result=result)])
    return set(sources)


# --------------------------------------------------------------------------- what PowerPoint cannot chart

def _timeline_slide(prs, dataset: Dataset) -> set[str]:
    """Dated events by category on a date axis: no native PowerPoint chart draws that, so the image."""
    fig = timeline_figure(dataset)
    slide = _slide(prs, "Timeline of events cited in “China and Russia: Gaming the West”")
    events = list(dataset.event_rows)
    description = timeline_description(dataset) + " Each event's date, title and quote are in the notes."
    missing = image_support()
    picture = None
    if missing is None:
        try:
            png = figure_bytes(fig, "png", width=1600, height=int(fig.layout.height or 900), scale=1.5)
            picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, CHART_TOP, height=HIGH - CHART_TOP - Inches(0.2))
        except ImageExportUnavailable as exc:
            missing = exc.message
    if picture is not None:
        picture.name = "Timeline"
        _alt_text(picture, "Timeline", description)
        if picture.width > WIDE - 2 * MARGIN:  # keep the aspect ratio within the slide
            ratio = (WIDE - 2 * MARGIN) / picture.width
            picture.width, picture.height = Emu(int(picture.width * ratio)), Emu(int(picture.height * ratio))
    else:
        _text_box(slide, MARGIN, CHART_TOP, WIDE - 2 * MARGIN, Inches(1), [f"The image could not be made: {missing}"],
                  14, "Missing image")
    sources = dataset.sources_by_id
    _notes(slide, ["In words: " + description, "The events:\n" + "\n".join(
        f"• {e.date}{' to ' + e.end_date if e.end_date else ''}: {e.title} ({e.category.value}). “{e.quote}”"
        for e in sorted(events, key=lambda e: e.date))])
    return {e.source_id for e in events if isinstance(sources.get(e.source_id), Source)}


def _sources_slide(prs, dataset: Dataset, source_ids: set[str], revision: str, made: str) -> None:
    slide = _slide(prs, "Sources")
    sources = [dataset.sources_by_id[s] for s in sorted(source_ids) if isinstance(dataset.sources_by_id.get(s), Source)]
    lines = [citation(s) for s in sources]
    lines.append(f"China–Russia indicators dashboard, dataset {revision}, made {made}.")
    chars = int((WIDE - 2 * MARGIN) / Pt(12) * 1.9)  # as _footnote estimates a line
    rows = sum(max(1, math.ceil(len(line) / chars)) for line in lines)
    size = 12 if rows <= 24 else max(8, int(12 * 24 / rows))
    _text_box(slide, MARGIN, CHART_TOP, WIDE - 2 * MARGIN, HIGH - CHART_TOP - Inches(0.3), lines, size, "Sources")
    _notes(slide, [f"{len(sources)} sources, each cited in full."])


__all__ = ["MIME", "claims_series", "deck_bytes"]
