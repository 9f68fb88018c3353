"""Charts are drawn in the page by plotly.js's basic bundle (views/_plotly.py): the vendored bundle is the
plotly.js release the exports draw with, every chart of the dashboard is one it can draw, and a figure it
cannot draw still appears (by st.plotly_chart)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version
from streamlit.testing.v1 import AppTest

from indicators.checks import run_checks
from indicators.charts import PAGE_CATEGORIES, build_figure, chart_specs, timeline_figure
from views._plotly import bundle_path, drawn_by_basic_bundle

from .conftest import ROOT, figures


def test_the_vendored_bundle_is_the_basic_build_of_the_plotly_js_the_exports_use():
    path = bundle_path()
    assert path.is_file(), f"{path.name} is missing: run `bash scripts/vendor-plotly.sh` after upgrading plotly"
    banner = path.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in banner, banner
    assert (path.parent / "LICENSE.plotly.js.txt").read_text(encoding="utf-8").startswith("MIT License")


def test_every_chart_of_the_dashboard_is_drawn_by_the_basic_bundle(real):
    specs = [spec for categories in PAGE_CATEGORIES.values() for spec in chart_specs(real.dataset, categories)]
    assert len(specs) > 40
    result = run_checks(real.dataset)
    for spec in specs:
        fig = build_figure(real.dataset, result, spec.id)
        assert drawn_by_basic_bundle(fig), (spec.id, {t.type for t in fig.data})
    assert drawn_by_basic_bundle(timeline_figure(real.dataset, since=1890))


def test_a_trace_outside_the_bundle_makes_the_figure_go_to_st_plotly_chart():
    assert drawn_by_basic_bundle(go.Figure([go.Scatter(y=[1]), go.Bar(y=[2]), go.Pie(values=[1])]))
    assert not drawn_by_basic_bundle(go.Figure([go.Scatter(y=[1]), go.Heatmap(z=[[1, 2]])]))


SCRIPT = """
import plotly.graph_objects as go
from views._plotly import draw_figure

draw_figure(go.Figure(go.Scatter(x=[2014, 2015], y=[95, 64]),
                      layout=dict(title="<b>China&#8211;Russia &amp; trade</b><br><b>by year</b>", height=520)),
            key="basic", config={"displaylogo": False})
draw_figure(go.Figure(go.Heatmap(z=[[1, 2]])), key="full", config={"displaylogo": False})
draw_figure(go.Figure(go.Scatter(y=[1]), layout=dict(height=1037)), key="tall",
            config={"toImageButtonOptions": {"format": "png", "width": 1600, "height": 900}})
"""


@pytest.fixture
def both_kinds(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_page_sends_the_figure_whole_with_its_height_and_a_readable_label(both_kinds):
    basic = [el for el in both_kinds.get("bidi_component") if el.proto.component_name == "indicators_chart"]
    assert len(basic) == 2
    data = json.loads(basic[0].proto.json)
    assert data["figure"]["data"][0]["y"] == [95, 64]
    assert data["height"] == 520  # the room kept for the chart before plotly.js has drawn it
    assert data["label"] == "China–Russia & trade by year"  # its accessible name: the title without markup
    assert data["config"] == {"displaylogo": False}
    assert data["src"] == f"app/static/{bundle_path().name}"
    assert len(both_kinds.get("plotly_chart")) == 1  # the heatmap, drawn by Streamlit's own plotly
    assert [f["data"][0]["type"] for f in figures(both_kinds)] == ["scatter", "scatter", "heatmap"]


def test_the_modebar_png_of_a_tall_figure_has_its_height_as_the_png_download_has(both_kinds):
    tall = json.loads(both_kinds.get("bidi_component")[1].proto.json)
    assert tall["config"]["toImageButtonOptions"] == {"format": "png", "width": 1600, "height": 1037}


def test_without_the_bundle_every_figure_goes_to_st_plotly_chart(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setattr("views._plotly.ROOT", tmp_path)  # a checkout without static/ (AppTest runs in this process)
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("bidi_component")) == 0
    assert len(at.get("plotly_chart")) == 3
