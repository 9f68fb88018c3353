"""Every page renders without an exception and shows what a briefer looks for."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT

PAGES = ["views/overview.py", "views/trade.py", "views/security.py", "views/military.py",
         "views/infrastructure.py", "views/other.py", "views/timeline.py", "views/inconsistencies.py",
         "views/sources.py", "views/data.py", "views/briefing.py"]


def open_page(path: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if path:
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


CHART_PAGES = ["views/trade.py", "views/security.py", "views/military.py", "views/infrastructure.py", "views/other.py"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_title(path):
    at = open_page(path)
    assert len(at.title) == 1 and at.title[0].value.strip()


def chart_ids() -> dict[str, str]:
    """Chart title -> chart id, as the picker's options name them."""
    from indicators.charts import chart_specs
    from indicators.loading import load_folder

    return {s.title: s.id for s in chart_specs(load_folder(ROOT / "data").dataset)}


def pick(at: AppTest, title_part: str) -> AppTest:
    """Click the chart picker's option whose title contains `title_part`."""
    picker = at.pills[0]
    option = next(o for o in picker.options if title_part in o)
    picker.set_value(chart_ids()[option]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("path", CHART_PAGES)
def test_a_chart_page_draws_one_chart_and_names_every_other_in_its_picker(path):
    at = open_page(path)
    assert len(figures(at)) == 1  # one figure per page load: the browser draws one chart, not ten
    picker = at.pills[0]
    assert picker.indices == [0] and len(picker.options) >= 1
    assert picker.label.startswith(f"{len(picker.options)} chart")
    if len(picker.options) > 1:
        pick(at, picker.options[-1])
        shown = figures(at)
        assert len(shown) == 1 and picker.options[-1].split(" ")[0] in shown[0]["layout"]["title"]["text"]
        assert at.query_params["chart"]  # the picked chart is in the address, to share it


def test_sidebar_says_what_is_shown():
    at = open_page()
    text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(c.value for c in at.sidebar.caption)
    assert "figures" in text and "conflicts" in text and "Dataset: revision 0" in text


def test_overview_shows_both_2015_trade_figures_with_a_badge():
    at = open_page()
    text = [m.value for m in at.markdown]
    label = next(i for i, v in enumerate(text) if v.startswith("**China–Russia bilateral trade"))
    assert "$64bn · $69bn" in text[label + 1]  # the value under its title, whole (it wraps, never cut)
    assert "sources disagree" in text[label + 2] and text[label + 2].startswith(":red[")
    crude = next(i for i, v in enumerate(text) if "crude" in v and v.startswith("**"))
    assert ">37.63 million tonnes<" in text[crude + 1]  # a card names its unit


def test_trade_page_charts_carry_title_footnote_target_and_implied_values():
    at = open_page("views/trade.py")
    specs = figures(at)
    trade = next(f for f in specs if "China–Russia bilateral trade" in f["layout"]["title"]["text"])
    notes = " ".join(a.get("text", "") for a in trade["layout"].get("annotations", []))
    assert "Source: Liu Fenghua, cited by Mathieu Duchâtel" in notes
    assert "Source: Liu Changmin, cited by Michal Makocki" in notes
    names = [t.get("name", "") for t in trade["data"]]
    assert "Implied by a stated change or multiple" in names
    texts = " ".join(" ".join(t.get("text", []) or []) for t in trade["data"])
    assert "$100bn target" in texts and "$64bn ⚠" in texts and "$69bn ⚠" in texts
    assert trade["layout"]["template"]["layout"]  # explicit template, so exports match the screen


def test_security_page_shows_bounds_and_approximations_as_such():
    at = pick(open_page("views/security.py"), "joined")
    recruits = next(f for f in figures(at) if "ISIS" in f["layout"]["title"]["text"] and "joined" in f["layout"]["title"]["text"])
    texts = " ".join(" ".join(t.get("text", []) or []) for t in recruits["data"])
    assert "&gt;5,000" in texts and "≈1,000" in texts  # escaped text: the browser shows ">5,000"
    symbols = [s for t in recruits["data"] for s in (t.get("marker", {}).get("symbol") or [])]
    assert "triangle-up" in symbols
    arrows = [a for a in recruits["layout"].get("annotations", []) if a.get("showarrow")]
    assert arrows  # the open end of ">5,000" points upwards


def test_inconsistency_cards_show_quotes_and_filter_by_author():
    at = open_page("views/inconsistencies.py")
    body = " ".join(m.value for m in at.markdown)
    assert "Liu Fenghua" in body and "Bilateral trade totalled \\$95 billion" in body

    def shown() -> tuple[int, int]:
        line = next(m.value for m in at.markdown if m.value.endswith(" flags") and " of " in m.value)
        n, _, total, _ = line.split(" ")
        return int(n), int(total)

    everything = shown()
    author = next(m for m in at.multiselect if m.label == "Author")
    author.set_value(["Chen Yu"]).run()
    chen_yu = shown()
    assert chen_yu[1] == everything[1] and 1 <= chen_yu[0] < everything[0]
    titles = [m.value for m in at.markdown if m.value.startswith(":")]
    assert titles and all("Chen Yu" in t for t in titles)  # his 44.8% and −40% against Russia's statistics
    next(m for m in at.multiselect if m.label == "Severity").set_value(["conflict", "warning", "info"]).run()
    assert shown()[0] > chen_yu[0] and not at.exception


def test_a_flag_link_brings_its_chart_first():
    at = open_page("views/trade.py", chart="russia-china-crude-exports")
    first = figures(at)[0]
    assert "crude" in first["layout"]["title"]["text"].lower()


def test_data_page_filters_and_counts():
    at = open_page("views/data.py")
    at.text_input[0].input("Uzbek").run()
    assert any(m.value.startswith("1 of ") or m.value.startswith("2 of ") for m in at.markdown)


def test_html_in_the_data_is_shown_as_text(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    path = folder / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "China–Russia bilateral trade,", "China–Russia bilateral trade <script>alert(1)</script>,", 1), encoding="utf-8")
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    at = open_page("views/trade.py")
    title = next(f["layout"]["title"]["text"] for f in figures(at) if "bilateral" in f["layout"]["title"]["text"])
    assert "&lt;script&gt;" in title and "<script>" not in title


def test_invalid_data_folder_shows_errors_not_a_traceback(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    (folder / "sources.csv").write_bytes(b"\x00\x01")
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("is invalid" in e.value for e in at.error)
