"""Every page renders without an exception and shows what a briefer looks for: its title, and the
figures, names and sentences of the canonical data (data/, revision 0) that a reader would notice."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from indicators.text import md

from .conftest import ROOT, figures
from indicators.charts import plain

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


CHART_PAGES = ["views/trade.py", "views/security.py", "views/military.py", "views/infrastructure.py", "views/other.py"]


TITLES = {
    "views/overview.py": "China and Russia: Gaming the West — the figures",
    "views/trade.py": "Trade & energy",
    "views/security.py": "Security & counter-terrorism",
    "views/military.py": "Military & arms",
    "views/infrastructure.py": "Infrastructure",
    "views/other.py": "Other figures",
    "views/timeline.py": "Timeline",
    "views/inconsistencies.py": "Inconsistencies",
    "views/sources.py": "Sources",
    "views/data.py": "Data",
    "views/briefing.py": "Briefing pack",
}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_its_own_title(path):
    at = open_page(path)
    assert [t.value for t in at.title] == [TITLES[path]]


def chart_ids() -> dict[str, str]:
    """Chart title -> chart id, as the picker's options name them."""
    from indicators.charts import chart_specs
    from indicators.loading import load_folder

    return {md(s.title): s.id for s in chart_specs(load_folder(ROOT / "data").dataset)}


def pick(at: AppTest, title_part: str) -> AppTest:
    """Click the chart picker's option whose title contains `title_part`."""
    picker = at.pills[0]
    option = next(o for o in picker.options if title_part in o)
    picker.set_value(chart_ids()[option]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_title(figure: dict) -> str:
    """A figure's bold title, its lines joined (a long one wraps to fit a laptop-width chart; the subtitle
    under it is the indicator's description)."""
    return " ".join(figure["layout"]["title"]["text"].split("<br>")).replace("</b> <b>", " ")


# Each chart page's first chart, as the article states it: the figures drawn (as written) and who states them.
FIRST_CHARTS = {
    "views/trade.py": ("China–Russia bilateral trade", ["$95bn", "$64bn", "$69bn", "$100bn target"],
                       "Liu Changmin (cited by Michal Makocki)"),
    "views/security.py": ("SCO member states", ["6", "8 target", "5"], "Marc Julienne"),
    "views/military.py": ("Share of Russian arms exports by region", ["60%"],
                          "Liu Fei (cited by Alexandre Sheldon-Duplaix)"),
    "views/infrastructure.py": ("Distance between cities", ["≈7,000", "800"], "Jiang Zhenjun (cited by Michal Makocki)"),
    "views/other.py": ("Length of the Science of Military Strategy", ["276"], "Alexandre Sheldon-Duplaix"),
}


@pytest.mark.parametrize("path", CHART_PAGES)
def test_a_chart_page_draws_its_first_chart_and_names_every_other_in_its_picker(path):
    from indicators.charts import PAGE_CATEGORIES, chart_specs
    from indicators.loading import load_folder

    at = open_page(path)
    (first,) = figures(at)  # one figure per page load: the browser draws one chart, not ten
    title, stated, claimant = FIRST_CHARTS[path]
    assert chart_title(first) == f"<b>{title}</b>"
    texts = [t for trace in first["data"] for t in trace.get("text") or []]
    assert all(html.escape(figure, quote=False) in texts for figure in stated), texts
    assert claimant in [trace.get("name") for trace in first["data"]]
    page = path.removeprefix("views/").removesuffix(".py")
    specs = chart_specs(load_folder(ROOT / "data").dataset, PAGE_CATEGORIES[page])
    picker = at.pills[0]
    # a pill's label is markdown: each title is escaped (shown as written, never bold, red or a link)
    assert picker.options == [md(s.title) for s in specs] and picker.options[0] == md(title) and picker.indices == [0]
    assert picker.label == f"{len(specs)} charts on this page: pick one"
    last = picker.options[-1]
    pick(at, last)
    (shown,) = figures(at)
    assert chart_title(shown) == f"<b>{html.escape(specs[-1].title, quote=False)}</b>"
    assert at.query_params["chart"] == specs[-1].id  # the picked chart is in the address, to share it


def test_sidebar_says_what_is_shown():
    at = open_page()
    assert "60 figures · 32 sources · 50 events  \nOpen flags: **0** conflicts · **10** warnings · 29 notes" in [
        m.value for m in at.sidebar.markdown]
    (caption,) = [c.value for c in at.sidebar.caption]
    assert caption.startswith("Dataset: revision 0 (") and "content " in caption


def test_overview_shows_both_2015_trade_figures_and_whose_statistics_each_matches():
    at = open_page()
    text = [m.value for m in at.markdown]
    label = next(i for i, v in enumerate(text) if v.startswith("**China–Russia bilateral trade"))
    assert "$64bn · $69bn" in text[label + 1]  # the value under its title, whole (it wraps, never cut)
    captions = [c.value for c in at.caption]
    assert ("Official statistics: \\$64bn\\: matches Russia’s statistics \\(\\$63\\.55bn\\) · \\$69bn\\: is close to "
            "China’s statistics \\(\\$67\\.95bn\\)") in " ".join(captions)
    assert any("two countries’ statistics, not a disagreement" in c for c in captions)
    assert not any("sources disagree" in v for v in text)  # the statistics explain the two figures
    crude = next(i for i, v in enumerate(text) if "crude" in v and v.startswith("**"))
    assert ">37.63 million tonnes<" in text[crude + 1]  # a card names its unit


def test_overview_leads_with_what_the_statistics_say():
    at = open_page()
    assert [s.value for s in at.header][0] == "What the official statistics say"
    assert at.caption[0].value.startswith("Of 17 figures tested against the official statistics, 6 do not match, "
                                          "1 depends on the year meant")
    findings = [m.value for m in at.markdown if m.value.startswith(":") and "-badge[" in m.value]
    assert len(findings) == 5
    assert findings[0].startswith(":blue-badge[two countries’ statistics] Liu Fenghua’s \\$69bn and Liu Changmin’s "
                                  "\\$64bn")
    assert all(f.startswith(":red-badge[does not match]") for f in findings[1:])
    assert "Chen Yu’s 40% decrease" in " ".join(findings)
    assert "[" not in " ".join(findings).replace("-badge[", "")  # sentences, no interval notation
    assert "Flags the statistics do not settle" in [s.value for s in at.header]
    cards = [m.value for m in at.markdown if m.value.startswith("**") and "  \n" in m.value]
    assert any(c.startswith("**Five “Nos” announced, four listed**") for c in cards)  # an editorial flag
    assert any(m.value.startswith("- 60 figures of 71 indicators, each with its verbatim quote") for m in at.markdown)


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
    assert "$100bn target" in texts and "$64bn" in texts and "$69bn" in texts and "⚠" not in texts
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
    icsr = next(t for t in recruits["data"] if t.get("name", "").startswith("ICSR"))
    assert "ICSR 500" in icsr["text"] and "ICSR 14–150" in icsr["text"]  # beside the claims, ranges as error bars
    notes = plain(" ".join(a.get("text", "") for a in recruits["layout"].get("annotations", [])))
    assert "estimates, not statistics" in notes and "by counting one year or all years so far" in notes


def test_inconsistency_cards_are_grouped_by_finding_and_filter_by_author_and_verdict():
    at = open_page("views/inconsistencies.py")
    assert "39 of 39 flags" in [m.value for m in at.markdown]
    sections = [s.value for s in at.header]
    assert sections[:2] == ["Claims the official statistics contradict (6)",
                            "Claims whose verdict depends on the year meant (1)"]
    assert "Disagreements the official statistics explain (4)" in sections
    assert "Claims in words, beside the statistic they can be read as (no verdict) (3)" in sections
    first = next(m.value for m in at.markdown if m.value.startswith(":orange["))
    assert first.startswith(":orange[:material/warning:] :red-badge[does not match] **")
    body = " ".join(m.value for m in at.markdown)
    assert "Liu Fenghua" in body and "Bilateral trade totalled \\$95 billion" in body
    assert "Liu Changmin’s \\$64bn \\(China–Russia bilateral trade, 2015\\) matches Russia’s statistics" in body

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
    judged = [t for t in titles if "-badge[" in t]
    assert len(judged) == 3 and all("\\(Chen Yu" in t for t in judged)  # his 44.8%, −40%, "four times" against Russia's
    assert any("Europe trades four times more" in t for t in titles)  # the editorial note on his comparison
    author.set_value([]).run()
    verdict = next(m for m in at.multiselect if m.label == "Verdict against official statistics")
    assert verdict.options[:3] == ["inconsistent: does not match the statistics",
                                   "indeterminate: depends on the year meant (the text gives none)",
                                   "missed: target missed"]
    verdict.set_value(["indeterminate"]).run()
    assert shown()[0] == 1 and [s.value for s in at.header] == ["Claims whose verdict depends on the year meant (1)"]
    assert not at.exception


def test_a_flag_link_brings_its_chart_first():
    at = open_page("views/trade.py", chart="russia-china-crude-exports")
    (shown,) = figures(at)
    assert chart_title(shown) == "<b>Russian crude oil exports to China</b>"
    assert at.pills[0].value == "russia-china-crude-exports"


def test_timeline_draws_the_dated_events_from_the_chosen_year():
    at = open_page("views/timeline.py")

    def events() -> str:
        (chart,) = figures(at)
        assert chart_title(chart) == "<b>Timeline of events cited in “China and Russia: Gaming the West”</b>"
        return " ".join(h for t in chart["data"] for h in t.get("hovertext") or [])

    shown = events()
    assert "<b>SCO formally established (Shanghai Five plus Uzbekistan)</b><br>2001-06-15" in shown
    assert "<b>Suicide car bomb at the Chinese Embassy in Bishkek</b><br>2016-08-30" in shown
    at.slider[0].set_value(2010).run()
    later = events()
    assert "SCO formally established" not in later and "Suicide car bomb at the Chinese Embassy in Bishkek" in later


def test_sources_page_names_the_writers_and_what_each_claimant_contributes():
    at = open_page("views/sources.py")
    assert [s.value for s in at.header] == ["ECFR writers", "Who claims what"]
    writers = at.dataframe[0].value.set_index("ECFR writer")
    assert writers.loc["Mathieu Duchâtel", "cites"] == "Chen Yu, Fu Ying, Liu Fenghua"
    claimants = at.dataframe[1].value.set_index("source_id")
    liu_fei = claimants.loc["liu-fei-sheldon-duplaix"]
    assert (liu_fei["claimed by"], liu_fei["figures"], liu_fei["flags"]) == ("Liu Fei", 5, 5)  # one joint rank flag
    assert "[warning] 60% (Liu Fei) does not match SIPRI’s statistics (66.20%)" in liu_fei["flag titles"]


def test_data_page_filters_and_counts():
    at = open_page("views/data.py")
    assert [t.label for t in at.tabs] == ["Observations", "Upload", "History"]
    assert "60 of 60 figures" in [m.value for m in at.markdown]
    at.text_input[0].input("Uzbek").run()
    assert "2 of 60 figures" in [m.value for m in at.markdown]
    shown = at.dataframe[0].value
    # Uzbekistan's ISIS recruits, and the SCO's six members, whose note names Uzbekistan
    assert set(shown["obs_id"]) == {"isis-recruits-uzbekistan-2016", "sco-member-states-sco-2016"}
    assert set(shown["figure"]) == {">5,000", "6"}


def test_briefing_page_offers_the_first_chart_with_its_citation():
    at = open_page("views/briefing.py")
    (charts,) = at.multiselect
    assert charts.label == "Charts" and charts.value == ["china-russia-trade"]
    assert [b.proto.label for b in at.get("download_button")] == ["Download briefing pack (1 chart)",
                                                                  "Download the deck alone (PowerPoint, 1 chart)"]
    assert [e.label for e in at.expander] == ["China–Russia bilateral trade"]
    (citation,) = [c.value for c in at.code]
    assert citation.startswith("China–Russia bilateral trade\n")
    assert "Direction of Trade Statistics (DOTS), as China reports it, retrieved 2022-02-02" in citation


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
    assert any(e.value.startswith("The active dataset (revision 0) is invalid: ") for e in at.error)
    first = at.dataframe[0].value.iloc[0]
    assert (first["file"], first["message"]) == ("sources.csv", "this is a binary file (it contains NUL bytes), not a CSV")
    assert [link.proto.label for link in at.get("page_link")] == ["Open the Data page to revert"]
