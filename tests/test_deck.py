"""PowerPoint decks as a briefer uses them: each chart native and editable with the chart's own numbers,
its sources on the slide, its findings and quotes in the notes; and opened in a real office suite."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from pptx import Presentation

from indicators.charts import TIMELINE_ID, chart_specs, find_spec, points_for
from indicators.checks import run_checks
from indicators.deck import IMPLIED_NAME, deck_bytes, legend_name, slide_points
from indicators.describe import chart_description
from indicators.export import image_support
from indicators.summaries import chart_findings
from indicators.wording import citation

from .conftest import in_ci, indicator, make_dataset, obs, source
from .test_export import run

TRADE, SHARE_RANKING, CRUDE = "china-russia-trade", "russia-trade-share-ranking", "russia-china-crude-exports"


@pytest.fixture(scope="module")
def checked(real):
    return real.dataset, run_checks(real.dataset)


@pytest.fixture(scope="module")
def every_chart_deck(checked):
    dataset, result = checked
    ids = [s.id for s in chart_specs(dataset)]
    return ids, Presentation(io.BytesIO(deck_bytes(dataset, result, ids, "revision 0")))


def chart_frames(slide):
    return [shape for shape in slide.shapes if shape.has_chart]


def texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


def test_a_deck_has_a_title_slide_one_slide_per_chart_and_a_sources_slide(checked, every_chart_deck):
    ids, prs = every_chart_deck
    slides = list(prs.slides)
    assert len(slides) == len(ids) + 2
    assert (prs.slide_width, prs.slide_height) == (12192300, 6858000) or prs.slide_width / prs.slide_height == \
        pytest.approx(16 / 9, rel=0.01)
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == "China–Russia indicators: briefing" and titles[-1] == "Sources"
    assert titles[1:-1] == [find_spec(checked[0], i).title for i in ids]


def test_every_chart_is_native_with_the_numbers_of_the_charts_table(checked, every_chart_deck):
    """Read back with python-pptx: each series' values are the chart's table rows, none lost, none invented."""
    dataset, result = checked
    ids, prs = every_chart_deck
    for chart_id, slide in zip(ids, list(prs.slides)[1:-1]):
        spec = find_spec(dataset, chart_id)
        frames = chart_frames(slide)
        assert frames, f"{chart_id}: no native chart on its slide"
        points = points_for(dataset, result, spec)
        if spec.kind == "ranking":
            views = sorted(points["view"].unique())
            assert len(frames) == len(views)
            for frame, view in zip(frames, views):
                rows = points[points["view"] == view]
                plot = frame.chart.plots[0]
                assert list(plot.categories) == list(rows["entity"])
                expected = rows["value"] if rows["value"].notna().all() else rows["rank"]
                assert list(plot.series[0].values) == pytest.approx([float(v) for v in expected])
            continue
        shown, _, _ = slide_points(points)
        plot = frames[0].chart.plots[0]
        categories = list(plot.categories)
        drawn = {}
        for series in plot.series:
            for category, value in zip(categories, series.values):
                if value is not None:
                    drawn.setdefault((series.name, category), []).append(value)
        assert sum(map(len, drawn.values())) == len(shown), f"{chart_id}: points drawn ≠ rows of its table"
        for row in shown.itertuples():
            name = IMPLIED_NAME if row.kind == "implied" else legend_name(row.who)
            values = [v for (n, c), vs in drawn.items() if c == row.x and (n == name or n.startswith(name + " ("))
                      for v in vs]
            assert any(math.isclose(v, row.y, rel_tol=1e-9) for v in values), (chart_id, row.who, row.x, row.y)


def test_the_chart_data_is_embedded_so_edit_data_opens_it(checked):
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [CRUDE], "revision 0")))
    chart = chart_frames(prs.slides[1])[0].chart
    book = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    sheet = book.active
    header = [c.value for c in sheet[1]][1:]
    assert header == [s.name for s in chart.plots[0].series]
    years = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert years == list(chart.plots[0].categories) and "2015" in years
    zhao = header.index("Zhao Mingwen") + 2
    assert sheet.cell(row=years.index("2015") + 2, column=zhao).value == pytest.approx(37.63)


def test_a_slide_carries_its_title_footnote_and_labels_and_its_notes_the_findings(checked):
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [TRADE], "revision 0")))
    slide = prs.slides[1]
    on_slide = texts(slide)
    for sid in ("dots-china", "dots-russia"):
        src = dataset.sources_by_id.get(sid)
        if src is not None:
            assert citation(src) in on_slide
    labels = [p.data_label.text_frame.text for s in chart_frames(slide)[0].chart.plots[0].series
              for p in (s.points[k] for k in range(len(s.values))) if p.data_label.has_text_frame]
    assert {"$69bn", "$64bn", "$95bn", "$100bn target"} <= set(labels)
    said = notes(slide)
    assert chart_description(dataset, result, TRADE) in said
    for finding in chart_findings(dataset, result, "china-russia-trade"):
        assert finding.sentence in said
    # every figure stated for the chart, also the change drawn as implied values, with its range and quote
    assert "• Liu Fenghua: $95bn for China–Russia, 2014; allows $94.5bn to $95.5bn. “Bilateral trade" in said
    assert "• Liu Changmin: a 28% decrease for China–Russia, 2015 against 2014; allows −28.5% to −27.5%." in said
    assert "(1) 2014: " in said and "(3) 2015: " in said  # numbered as the markers are
    assert said.index("What the statistics and the checks say") < said.index("In words (the chart's alt text)")
    assert "Cite this figure" in said
    assert "this slide shows 2011–2017, around the claims" in said  # the years left out are said, not dropped
    last = prs.slides[-1]
    assert "Liu Changmin, cited by Michal Makocki" in texts(last)


def test_the_chart_has_alt_text_the_chart_in_words(checked):
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [CRUDE, SHARE_RANKING], "revision 0")))
    for slide, chart_id in zip(list(prs.slides)[1:3], (CRUDE, SHARE_RANKING)):
        for frame in chart_frames(slide):
            c_nv_pr = frame._element.xpath(".//p:cNvPr")[0]
            assert c_nv_pr.get("descr") == chart_description(dataset, result, chart_id)
            assert c_nv_pr.get("title", "").startswith(find_spec(dataset, chart_id).title)


def test_claimants_differ_by_shape_not_only_colour(checked):
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [TRADE], "revision 0")))
    plotted = [s for s in chart_frames(prs.slides[1])[0].chart.plots[0].series
               if "statistics" not in s.name and not s.name.startswith(IMPLIED_NAME)]
    shapes = [s.marker.style for s in plotted]
    assert len(plotted) >= 3 and len(set(shapes)) == len(shapes)


def test_hostile_text_cannot_become_a_formula_or_break_the_file(tmp_path):
    hostile = "=HYPERLINK(\"http://evil.example\",\"x\")\x07"
    dataset = make_dataset(tmp_path, [obs("o1", "69", source_id="a"), obs("o2", "64", source_id="b")],
                           sources=[source("a", hostile, "Writer One"), source("b", "@SUM(A1)", "Writer Two")],
                           indicators=[indicator("trade", name="<b>Trade</b> =1+1")])
    result = run_checks(dataset)
    data = deck_bytes(dataset, result, ["trade"], "revision 1")
    prs = Presentation(io.BytesIO(data))
    chart = chart_frames(prs.slides[1])[0].chart
    book = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert cells and not any(c.data_type == "f" for c in cells)
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    assert prs.slides[1].shapes.title.text == "<b>Trade</b> =1+1"  # shown as written, never markup
    assert "\\u0007" in notes(prs.slides[1]) and "\x07" not in notes(prs.slides[1])


def test_cli_export_and_brief_write_decks(tmp_path):
    one = tmp_path / "one.pptx"
    done = run("export", CRUDE, "--format", "pptx", "-o", str(one))
    assert done.returncode == 0, done.stderr
    assert len(Presentation(str(one)).slides) == 3
    pack = tmp_path / "brief.pptx"
    done = run("brief", TRADE, SHARE_RANKING, "--format", "pptx", "-o", str(pack))
    assert done.returncode == 0, done.stderr
    assert [s.shapes.title.text for s in Presentation(str(pack)).slides][1:3] == [
        "China–Russia bilateral trade", "Share of Russian foreign trade: the official ranking"]
    assert run("export", "no-such-chart", "--format", "pptx", "-o", str(tmp_path / "x.pptx")).returncode == 2


def test_the_briefing_pack_holds_the_deck_and_describes_each_chart(checked, monkeypatch):
    from indicators import briefing

    monkeypatch.setattr(briefing, "image_support", lambda: "no images in this test")
    dataset, result = checked
    pack = zipfile.ZipFile(io.BytesIO(briefing.briefing_pack(dataset, result, [TRADE, CRUDE], "revision 0")))
    assert "deck.pptx" in pack.namelist()
    assert len(Presentation(io.BytesIO(pack.read("deck.pptx"))).slides) == 4
    readme = pack.read("README.md").decode()
    assert "`deck.pptx`" in readme and readme.count("In words: What is measured:") == 2


@pytest.mark.skipif(image_support() is not None, reason=str(image_support()))
def test_the_timeline_has_no_native_chart_so_its_image_carries_the_alt_text(checked):
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [TIMELINE_ID], "revision 0")))
    pictures = [s for s in prs.slides[1].shapes if s.shape_type == 13]
    assert len(pictures) == 1 and not chart_frames(prs.slides[1])
    descr = pictures[0]._element.xpath(".//p:cNvPr")[0].get("descr")
    assert descr.startswith(f"Timeline: {len(dataset.event_rows)} dated events")
    assert pictures[0].left + pictures[0].width <= prs.slide_width


# --------------------------------------------------------------------------- a real office suite

def _office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not shutil.which("pdftotext"):
        reason = ("LIBREOFFICE TESTS NOT RUN: `bash scripts/setup.sh --dev` installs Debian's "
                  "libreoffice-impress-nogui and poppler-utils")
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


def test_libreoffice_opens_each_deck_and_prints_titles_footnotes_and_labels(checked, tmp_path):
    """Impress, headless, converts the deck to PDF: every chart's title, its source line and its data labels
    are in the PDF's text (the slide is drawn, not only stored)."""
    soffice = _office()
    dataset, result = checked
    ids = [TRADE, CRUDE, SHARE_RANKING, "russian-arms-importer-rank", "isis-recruits"]
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(deck_bytes(dataset, result, ids, "revision 0"))
    profile = tmp_path / "lo-profile"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(deck)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "deck.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr + done.stdout
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert len([p for p in pages if p.strip()]) == len(ids) + 2
    flat = [" ".join(p.split()) for p in pages]
    expected_labels = {TRADE: ["$69bn", "$64bn", "$95bn", "$100bn target"], CRUDE: ["37.63"],
                       SHARE_RANKING: ["2nd · 44.8%", "28 members", "◀ claimed:"], "isis-recruits": [">5,000", "ICSR 500"],
                       "russian-arms-importer-rank": ["≤2"]}
    for page, chart_id in zip(flat[1:], ids):
        title = find_spec(dataset, chart_id).title
        assert title in page, (chart_id, page[:200])
        assert "Source: " in page
        for label in expected_labels[chart_id]:
            assert label in page, (chart_id, label)
    assert "Sources" in flat[len(ids) + 1]


def test_the_range_each_figure_allows_is_drawn_as_the_charts_own_error_bars(checked):
    """$69bn allows 68.5 to 69.5 (±0.5); ≈20 years allows ±10%: custom error bars, values in the chart."""
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, [TRADE, "time-span-years"], "revision 0")))

    def bars(slide, name):
        plot = chart_frames(slide)[0].chart.plots[0]
        (series,) = [s for s in plot.series if s.name == name]
        (err,) = series._element.xpath("./c:errBars")
        ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
        read = {tag: {int(pt.get("idx")): float(pt.find("c:v", ns).text)
                      for pt in err.findall(f"c:{tag}/c:numLit/c:pt", ns)} for tag in ("plus", "minus")}
        return list(plot.categories), read

    categories, read = bars(prs.slides[1], "Liu Fenghua")
    k = categories.index("2015")
    assert read["plus"][k] == pytest.approx(0.5) and read["minus"][k] == pytest.approx(0.5)
    categories, read = bars(prs.slides[2], "Zhao Mingwen")
    (k,) = [i for i, v in read["plus"].items() if v]
    assert read["plus"][k] == pytest.approx(2.0) and read["minus"][k] == pytest.approx(2.0)  # ≈20: 18 to 22
    # the official series have no bars, and an open end (>10) has none above it
    plot = chart_frames(prs.slides[1])[0].chart.plots[0]
    assert not [s for s in plot.series if "statistics" in s.name and s._element.xpath("./c:errBars")]


def test_a_stated_change_is_labelled_on_the_official_series_and_exact_counts_have_no_bars(checked):
    """The dashboard's arrow for 'a decrease of 40 percent' becomes a label on Russia's line at 2015, inside
    the years the slide shows; 'six member states' gets no ±0.5 bar; a ranking says what was claimed."""
    dataset, result = checked
    prs = Presentation(io.BytesIO(deck_bytes(dataset, result, ["russia-europe-trade", "sco-member-states",
                                                               "russia-china-crude-exports-ranking"], "revision 0")))
    plot = chart_frames(prs.slides[1])[0].chart.plots[0]
    categories = list(plot.categories)
    assert categories == [str(y) for y in range(2011, 2018)]
    (line,) = plot.series
    label = line.points[categories.index("2015")].data_label.text_frame.text
    assert label == "-40% since 2014 (Chen Yu)"
    assert not chart_frames(prs.slides[2])[0].chart.plots[0].series[0]._element.xpath("./c:errBars")
    labels = [p.data_label.text_frame.text for s in chart_frames(prs.slides[3])[0].chart.plots[0].series
              for p in (s.points[k] for k in range(len(s.values))) if p.data_label.has_text_frame]
    assert "2nd · 42.43  ◀ claimed: 37.63 million tonnes" in labels
