"""Streamlit glue shared by the pages: the active dataset, and how a chart is laid out.

Everything computed comes from `indicators`; this module only caches and lays out.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators import export
from indicators.charts import (PAGE_CATEGORIES, ChartSpec, build_figure, chart_specs, find_spec, footnote_lines,
                               point_source_ids, points_for)
from indicators.checks import CheckResult, run_checks
from indicators.describe import chart_description
from indicators.loading import parse_files
from indicators.dataset import Dataset, combine
from indicators.store import Store, StoreError, database_url
from indicators.summaries import VERDICT_BADGES, chart_findings, md
from indicators.text import inert, inert_frame
from views._plotly import draw_figure
from views.routes import FILE

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "width": 1600, "height": 900}}


@dataclass(frozen=True)
class AppState:
    dataset: Dataset
    result: CheckResult
    revision: str  # what the sidebar and citations call this version of the data
    revision_id: int


# Small, at 70% of the theme's near-black text (.streamlit/config.toml): 7.3:1 on white, above WCAG's 4.5:1.
CAPTION = '<div style="font-size: 0.875rem; opacity: 0.7">{}</div>'
QUOTE = '<blockquote style="border-left: 3px solid rgba(128, 128, 128, 0.5); margin: 0; padding-left: 1rem">{}</blockquote>'


def literal(template: str, *values: object) -> None:
    """App-written HTML with text from data in its {} slots, shown as written: escaped and sent through
    st.html, which parses no markdown and links nothing (st.markdown links URLs and e-mail addresses
    even when escaped); controls and bidi overrides show as \\uXXXX."""
    st.html(template.format(*(html.escape(inert(v)) for v in values)))


def show_table(frame: pd.DataFrame, **kwargs) -> None:
    """st.dataframe of text from data: cells shown as written, controls and bidi overrides as \\uXXXX."""
    st.dataframe(inert_frame(frame), **kwargs)


def data_dir() -> Path:
    return Path(os.environ.get("INDICATORS_DATA_DIR", ROOT / "data"))


def secrets() -> dict:
    """The app's secrets (.streamlit/secrets.toml): editor_key, db_url."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: that is the local single-user mode
        return {}


@st.cache_resource(show_spinner=False)
def _store(url: str, folder: str) -> Store:
    store = Store(url)
    store.ensure_initialised(folder)
    return store  # not cached if the database was away: the next page load tries again


def store() -> Store:
    """The revision store every user of this server shares (INDICATORS_DB_URL or secrets' db_url, default var/)."""
    return _store(database_url(secrets()), str(data_dir()))


def database_away(error: StoreError) -> None:
    """What a user sees when the database cannot answer: a sentence, not a traceback; the page stops."""
    st.error(str(error), icon=":material/cloud_off:")
    st.stop()


@st.cache_resource(show_spinner="Loading and checking the dataset…", max_entries=8)
def _load(url: str, revision_id: int):
    """Validated and checked once per revision: every user and rerun shares the result."""
    s = store()
    result = combine(parse_files(s.files(revision_id)))
    if not result.ok or result.dataset is None:
        return None, result.errors
    return AppState(result.dataset, run_checks(result.dataset), s.revision(revision_id).label, revision_id), []


def head_state() -> tuple[AppState | None, list, str]:
    """The head revision's state, or its errors: the Data page still works on an unreadable head.

    The head id is read on every page load (one indexed query), so an upload applied by another
    app process sharing the database shows on this one's next load."""
    try:
        s = store()
        head_id = s.head_id()
        assert head_id is not None  # ensure_initialised made revision 0
        state, errors = _load(s.url, head_id)
    except StoreError as error:
        database_away(error)
    return state, errors, f"revision {head_id}"


def app_state() -> AppState:
    state, errors, label = head_state()
    if state is None:
        st.error(f"The active dataset ({md(label)}) is invalid: {len(errors)} error(s). "
                 "Nothing can be shown until it is fixed or reverted on the Data page (History).")
        st.page_link(FILE["data"], label="Open the Data page to revert", icon=":material/history:")
        show_table(pd.DataFrame([e.as_dict() for e in errors]), hide_index=True)
        st.stop()
    return state


# --------------------------------------------------------------------------- charts

def render_category_page(page: str, title: str, intro: str) -> None:
    """A page title, a picker naming every chart of the page, and the picked chart.

    One chart at a time: the browser draws one plotly figure per load instead of ten, and every
    other chart is one click away. `?chart=ID` (a flag's link) picks the chart; picking one puts it
    in the address, so a chart can be shared by its URL.
    """
    state = app_state()
    st.title(title)
    st.caption(intro)
    specs = chart_specs(state.dataset, PAGE_CATEGORIES[page])
    if not specs:
        st.info("No figures in these categories yet.")
        return
    titles = {s.id: s.title for s in specs}
    focus = st.query_params.get("chart")
    key = f"pick-{page}"
    if focus in titles and st.session_state.get(f"{key}-focus") != focus:
        st.session_state[key] = focus  # a link to a chart picks it, also when this page is already open
        st.session_state[f"{key}-focus"] = focus
    if st.session_state.get(key) not in titles:
        st.session_state[key] = next(iter(titles))
    chosen = st.pills(
        f"{len(specs)} charts on this page: pick one", list(titles), required=True,
        format_func=lambda chart_id: md(titles[chart_id]), key=key, on_change=_chart_in_url, args=(key,), width="stretch",
    )
    spec = next(s for s in specs if s.id == chosen)
    render_chart(state, spec)


def _chart_in_url(key: str) -> None:
    st.query_params["chart"] = st.session_state[key]
    st.session_state[f"{key}-focus"] = st.session_state[key]


@st.cache_resource(show_spinner=False, max_entries=1024)
def _chart(url: str, revision_id: int, chart_id: str):
    """A chart's figure, points and description, built once per revision: plotly's validation is the slow part."""
    state, _ = _load(url, revision_id)
    points = points_for(state.dataset, state.result, find_spec(state.dataset, chart_id))
    return (build_figure(state.dataset, state.result, chart_id), points,
            chart_description(state.dataset, state.result, chart_id, points))


def render_chart(state: AppState, spec: ChartSpec) -> None:
    """Chart | Table | Sources, with downloads built only when clicked.

    The tabs are lazy (`on_change="rerun"`): only the open tab's content is sent, so a page load
    draws the chart and nothing else (the table grid's JavaScript loads when the Table tab opens).
    """
    with st.container(border=True, key=f"chart-{spec.id}"):
        fig, points, description = _chart(store().url, state.revision_id, spec.id)
        chart, rows, sources = st.tabs(["Chart", "Table", "Sources"], key=f"tabs-{spec.id}", on_change="rerun")
        if chart.open:
            with chart:
                # The chart in words (indicators/describe.py), for screen readers (aria-describedby) and under
                # the chart for everyone; the same words are the alt text of its slide and exported images.
                draw_figure(fig, key=f"plot-{spec.id}", config=PLOTLY_CONFIG, description=description)
                for flag in chart_findings(state.dataset, state.result, spec.indicator_id):
                    # Small text, not st.caption: a caption is drawn at 60% opacity, and its badge with it
                    # (green on pale green at 3:1, below WCAG's 4.5:1).
                    st.markdown(f"{VERDICT_BADGES[flag.verdict or 'explained']} :small[{md(flag.sentence)}]")
        if rows.open:
            with rows:
                if spec.kind == "ranking":
                    show_table(points[["who", "period", "rank", "entity", "label", "highlight"]], hide_index=True,
                                 column_config={"who": "whose statistics", "label": "rank and value",
                                                "highlight": "the claim's entity"})
                else:
                    show_table(
                        points[["kind", "entity", "period", "label", "interval", "who", "quote", "flags", "obs_id"]],
                        hide_index=True,
                        column_config={"label": "figure as written", "interval": "values it allows"},
                    )
        if sources.open:
            with sources:
                for line in footnote_lines(state.dataset, point_source_ids(points)):
                    literal("<p>{}</p>", line)
                if spec.kind != "ranking":
                    for row in points[points["kind"].isin(["stated", "target"])].itertuples():
                        literal(QUOTE + "<p>— {}, <i>{}</i> ({}, {})</p>", row.quote, row.who, row.article, row.label,
                                row.period)
        render_downloads(state, spec, fig, description)


def render_downloads(state: AppState, spec: ChartSpec, fig, description: str) -> None:
    cols = st.columns(7)
    missing = export.image_support()
    for col, fmt, mime in zip(cols[:3], ("png", "svg", "pdf"), ("image/png", "image/svg+xml", "application/pdf")):
        with col:
            st.download_button(
                f"{fmt.upper()}", data=lambda fmt=fmt: export.figure_bytes(fig, fmt, description=description),
                file_name=f"{spec.id}.{fmt}",
                mime=mime, key=f"dl-{fmt}-{spec.id}", disabled=missing is not None, on_click="ignore",
                help=missing or f"Download the chart as {fmt.upper()} with its title and source footnote",
            )
    with cols[3]:
        st.download_button(
            "CSV", data=lambda: export.to_csv_bytes(export.chart_sheets(state.dataset, state.result, spec.id)["data"]),
            file_name=f"{spec.id}.csv", mime="text/csv", key=f"dl-csv-{spec.id}", on_click="ignore",
            help="The chart's figures with quotes, authors and intervals",
        )
    with cols[4]:
        st.download_button(
            "XLSX", data=lambda: export.to_xlsx_bytes(export.chart_sheets(state.dataset, state.result, spec.id)),
            file_name=f"{spec.id}.xlsx", key=f"dl-xlsx-{spec.id}", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            help="Data, full source citations and the flags that concern this chart",
        )
    with cols[5]:
        st.download_button(
            "PPTX", data=lambda: export.deck_bytes(state.dataset, state.result, [spec.id], state.revision),
            file_name=f"{spec.id}.pptx", mime=export.PPTX_MIME, key=f"dl-pptx-{spec.id}", on_click="ignore",
            help="A PowerPoint slide with the chart editable (Edit Data), its sources, and its findings and "
                 "quotes in the speaker notes",
        )
    with cols[6]:
        with st.popover("Cite", help="Cite this figure"):
            st.code(export.cite_chart(state.dataset, spec.id, state.revision), language=None, wrap_lines=True)
    if missing:
        literal(CAPTION, missing)
