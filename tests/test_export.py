"""Downloads: images that match the screen, spreadsheets that cannot run formulas,
and a briefing pack whose citations and flags travel with the figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest

from indicators import export
from indicators.text import md_readable
from indicators.charts import build_figure, find_spec
from indicators.checks import run_checks

from .conftest import DATA, ROOT

CHART = "china-russia-trade"
TRADE_2015_CONFLICT = "$69bn and $64bn for 2015: two countries’ statistics, not a disagreement"
TRADE_2015_SENTENCE = ("Liu Fenghua’s $69bn and Liu Changmin’s $64bn (China–Russia bilateral trade, 2015) are two "
                       "countries’ statistics, not a disagreement about the world")
needs_chromium = pytest.mark.skipif(export.image_support() is not None, reason=str(export.image_support()))


@pytest.fixture(scope="module")
def checked(real):
    return real.dataset, run_checks(real.dataset)


@pytest.fixture(scope="module")
def figure(checked):
    return build_figure(*checked, CHART)


def run(*args: str, env: dict | None = None):
    import os

    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------- neutralising cells

@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1:A2)", "+x", "-x", "\tcmd", "\rcmd", "-2+3", "=-28"])
def test_formula_like_text_gets_an_apostrophe(text):
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-28", "-0.5", "28", "37.63", "China–Russia", "", 5, -2.5, None, "a=b"])
def test_numbers_and_plain_text_stay(value):
    assert export.neutralise(value) == value


def test_csv_neutralises_cells_and_keeps_numbers():
    frame = pd.DataFrame({"text": ["=1+1", "@SUM(A1)", "+x", "-x", "-28"], "n": [1, 2, 3, 4, -5]})
    text = export.to_csv_bytes(frame).decode("utf-8")
    assert text.splitlines() == ["text,n", "'=1+1,1", "'@SUM(A1),2", "'+x,3", "'-x,4", "-28,-5"]
    assert not text.startswith("\ufeff")


def test_excel_csv_starts_with_the_bom(checked):
    data = export.to_csv_bytes(export.chart_sheets(*checked, CHART)["data"], excel=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").columns[0] == "kind"


def test_xlsx_stores_text_never_formulas():
    hostile = pd.DataFrame({"cell": ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)", "+x", "-x", "-28", "ok\x01"],
                            "n": [1.5, float("inf"), None, 4, 5, 6]})
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"a" * 40: hostile, "data": hostile})))
    assert wb.sheetnames == ["a" * 31, "data"]
    ws = wb["data"]
    assert [c.value for c in ws[1]] == ["cell", "n"] and ws["A1"].font.bold
    assert [ws.cell(r, 1).value for r in range(2, 8)] == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1)", "'+x", "'-x", "-28", "ok"]
    assert [ws.cell(r, 2).value for r in range(2, 8)] == [1.5, None, None, 4, 5, 6]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# --------------------------------------------------------------------------- chart data and citation

def test_chart_sheets_hold_the_figures_their_sources_and_flags(checked):
    sheets = export.chart_sheets(*checked, CHART)
    data, sources, flags = sheets["data"], sheets["sources"], sheets["flags"]
    assert list(sheets) == ["data", "sources", "flags"]
    assert {"kind", "entity", "period", "figure", "lo", "hi", "who", "quote", "obs_id", "source_id", "flags"} <= set(data)
    assert {"$95bn", "$69bn", "$64bn", "$100bn"} <= set(data["figure"])
    claims = {"liu-changmin-makocki", "liu-fenghua-duchatel", "xi-putin-2014-makocki"}
    statistics = {"imf-dots-china", "imf-dots-russia"}  # the official series drawn under the claims
    assert set(sources["source_id"]) == claims | statistics
    for row in sources.itertuples():
        if row.source_id in claims:
            assert row.citation.startswith(("Liu", "Xi")) and row.citation.endswith("(2016).")
        else:
            assert row.citation.startswith("International Monetary Fund (IMF), Direction of Trade Statistics (DOTS)")
            assert "retrieved 2022-02-02" in row.citation
    reference = data[data["kind"] == "reference"]
    assert {"$67.95bn", "$63.55bn"} <= set(reference["figure"]) and set(reference["period"]) >= {"1992", "2020"}
    assert TRADE_2015_CONFLICT in set(flags["title"])
    # the 28% change is not drawn as a point but its flags concern the chart
    assert "change_mismatch" in set(flags["kind"])
    order = {"conflict": 0, "warning": 1, "info": 2}
    assert list(flags["severity"].map(order)) == sorted(flags["severity"].map(order))  # most serious first
    explained = flags[flags["title"] == TRADE_2015_CONFLICT].iloc[0]
    assert explained["severity"] == "info" and explained["sentence"].startswith(TRADE_2015_SENTENCE)


def test_cite_this_figure(checked):
    text = export.cite_chart(checked[0], CHART, "r42", today=dt.date(2026, 11, 28))
    lines = text.splitlines()
    assert lines[0] == "China–Russia bilateral trade"
    assert "Liu Fenghua, cited by Mathieu Duchâtel, “China and Russia: Towards an alliance treaty?”, China Analysis, ECFR (2016)" in lines
    assert lines[-1] == "China–Russia indicators dashboard, dataset r42, accessed 2026-11-28"


def test_unknown_chart_id_names_the_charts_command(checked):
    with pytest.raises(KeyError, match="python -m indicators charts"):
        export.chart_sheets(*checked, "no-such-chart")


# --------------------------------------------------------------------------- images

def test_image_support_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    message = export.image_support()
    assert "BROWSER_PATH" in message and "apt-get install -y chromium" in message
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert export.image_support().startswith("Image downloads need a Chromium")


def test_unknown_image_format_is_refused(figure):
    with pytest.raises(ValueError, match="png, svg, pdf"):
        export.figure_bytes(figure, "eps")


@needs_chromium
def test_png_is_a_slide_as_tall_as_its_footnote_needs_and_not_blank(figure, checked):
    """1600 wide; 900 high, or the figure's own height when its footnote makes it taller (the plot is
    never squeezed to make room for the sources); an explicit size is kept."""
    own = figure.layout.height
    assert own > 900  # the trade chart's sources and notes
    data = export.figure_bytes(figure, "png")
    assert png_size(data) == (1600, own)
    assert len(data) > 30_000  # a blank 1600x900 PNG compresses to a few KB
    assert png_size(export.figure_bytes(figure, "png", width=800, height=450, scale=2)) == (1600, 900)
    short = build_figure(*checked, "sco-member-states")
    assert short.layout.height < 900 and png_size(export.figure_bytes(short, "png")) == (1600, 900)
    Image = pytest.importorskip("PIL.Image")
    image = Image.open(io.BytesIO(data)).convert("L")
    assert image.size == (1600, own)
    assert image.getextrema()[0] < 80  # dark text and markers on the white template
    assert sum(1 for n in image.resize((160, 90)).histogram() if n) > 20  # many grey levels, not a flat image
    assert figure.layout.width is None  # the figure itself is not changed


@needs_chromium
def test_svg_keeps_the_title_and_the_footnote(figure):
    text = export.figure_bytes(figure, "svg").decode("utf-8")
    assert text.lstrip().startswith("<svg") and 'width="1600"' in text
    assert "China–Russia bilateral trade" in text and "Source:" in text


@needs_chromium
def test_a_static_chart_explains_its_implied_markers_and_years_to_a_printed_reader(figure):
    """No hover on paper: each hollow marker carries its number, and a note line per number says what
    implies it and the range it allows; gridlines between the years frame the markers dodged side by side."""
    import html

    text = html.unescape(export.figure_bytes(figure, "svg").decode("utf-8"))
    for n in (1, 2, 3):
        assert f">({n})<" in text  # beside the marker, alone: a crowded year's labels do not collide
        assert f"({n}) implied [" not in text
        assert f"({n}) 201" in text  # the note line: "(1) 2014: Liu Changmin … which implies …"
    words = " ".join(re.sub(r"<[^>]+>", " ", text).split())  # the note lines' words, across their wrapping
    assert "gives a 28% decrease, which implies $87.59bn to $90.21bn" in words
    assert "hover" not in text
    assert figure.layout.xaxis.tickson == "boundaries" and figure.layout.xaxis.showgrid


@needs_chromium
def test_pdf(figure):
    assert export.figure_bytes(figure, "pdf").startswith(b"%PDF")


# --------------------------------------------------------------------------- the briefing pack

def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@needs_chromium
def test_briefing_pack_carries_images_data_citations_and_flags(checked):
    files = read_zip(export.briefing_pack(*checked, [CHART, "russia-china-crude-exports"], "r42"))
    assert {"README.md", "data.xlsx", "deck.pptx", f"charts/{CHART}.png", f"charts/{CHART}.svg",
            "charts/russia-china-crude-exports.png", "charts/russia-china-crude-exports.svg"} == set(files)
    height = max(900, build_figure(*checked, CHART).layout.height)  # as tall as its footnote needs
    assert png_size(files[f"charts/{CHART}.png"]) == (1600 * export.PACK_PNG_SCALE, height * export.PACK_PNG_SCALE)
    readme = files["README.md"].decode("utf-8")
    assert "## China–Russia bilateral trade" in readme and "## Russian crude oil exports to China" in readme
    assert "Dataset: r42" in readme and "Liu Changmin, cited by Michal Makocki" in readme
    assert f"**INFO**: {TRADE_2015_SENTENCE}" in readme
    assert "**CONSISTENT**: Liu Changmin’s $64bn (China–Russia bilateral trade, 2015) matches Russia’s" in readme
    # every flag on the chart's figures travels with it, as the sentence a briefer pastes
    for sentence in export.chart_sheets(*checked, CHART)["flags"]["sentence"]:
        assert sentence.replace("*", "\\*").replace("_", "\\_") in readme
    wb = openpyxl.load_workbook(io.BytesIO(files["data.xlsx"]))
    assert wb.sheetnames == [CHART, "russia-china-crude-exports", "sources", "flags"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_briefing_pack_without_images_says_why(checked, monkeypatch):
    from indicators import briefing

    monkeypatch.setattr(briefing, "image_support", lambda: "Image downloads need a Chromium (test)")
    files = read_zip(export.briefing_pack(*checked, [CHART], "r42"))
    assert set(files) == {"README.md", "data.xlsx", "deck.pptx"}  # the deck's charts are native: no Chromium needed
    readme = files["README.md"].decode("utf-8")
    assert "Images were left out of this pack: Image downloads need a Chromium (test)" in readme
    assert TRADE_2015_SENTENCE in readme


def test_briefing_pack_readme_escapes_csv_markdown(checked, monkeypatch):
    spec_title = find_spec(checked[0], CHART).title
    assert md_readable("<img src=x> [a](http://e) *b*") == "\\<img src=x\\> [a]\\(http\\://e) \\*b\\*"
    assert md_readable("mail a@b.org or www.evil.example") == "mail a\\@b.org or www\\.evil.example"
    assert md_readable(spec_title) == spec_title


# --------------------------------------------------------------------------- the command line

def test_cli_lists_the_charts():
    done = run("charts")
    assert done.returncode == 0, done.stderr
    assert f"{CHART}\tChina–Russia bilateral trade" in done.stdout.splitlines()


def test_cli_exports_csv_and_xlsx(tmp_path):
    csv_path, xlsx_path = tmp_path / "t.csv", tmp_path / "t.xlsx"
    assert run("export", CHART, "--format", "csv", "-o", str(csv_path)).returncode == 0
    assert pd.read_csv(csv_path)["figure"].str.contains("$69bn", regex=False).any()
    assert run("export", CHART, "--format", "xlsx", "-o", str(xlsx_path)).returncode == 0
    assert openpyxl.load_workbook(xlsx_path).sheetnames == ["data", "sources", "flags"]


def test_cli_unknown_chart_exits_2(tmp_path):
    done = run("export", "no-such-chart", "--format", "png", "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "python -m indicators charts" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()
    assert run("brief", CHART, "no-such-chart", "-o", str(tmp_path / "b.zip")).returncode == 2


def test_cli_without_chromium_says_how_to_install_it(tmp_path):
    done = run("export", CHART, "--format", "svg", "-o", str(tmp_path / "x.svg"), env={"BROWSER_PATH": "/nonexistent"})
    assert done.returncode == 1 and "apt-get install -y chromium" in done.stderr and "Traceback" not in done.stderr


def test_cli_invalid_data_exits_1(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.csv").write_text("source_id\nx\n", encoding="utf-8")
    done = run("export", CHART, "--format", "csv", "-o", str(tmp_path / "x.csv"), "--data", str(tmp_path / "data"))
    assert done.returncode == 1 and "invalid" in done.stderr and "Traceback" not in done.stderr


@needs_chromium
def test_cli_brief_writes_the_pack(tmp_path):
    out = tmp_path / "brief.zip"
    done = run("brief", CHART, "-o", str(out))
    assert done.returncode == 0, done.stderr
    files = read_zip(out.read_bytes())
    assert {"README.md", "data.xlsx", "deck.pptx", f"charts/{CHART}.png", f"charts/{CHART}.svg"} == set(files)
    assert "Dataset: " in files["README.md"].decode("utf-8")


def test_the_pack_names_the_dataset_as_the_dashboard_does(tmp_path):
    """The CLI's pack and the dashboard's sidebar, citations and pack all carry one label."""
    import os
    import subprocess
    import sys

    from indicators.store import Store, folder_label

    url = f"sqlite:///{tmp_path / 'store.db'}"
    unstored = folder_label(DATA, url)  # no store file yet: the folder and its content digest
    assert not (tmp_path / "store.db").exists()  # reading a label never creates a store
    label = Store(url).ensure_initialised(DATA).label  # what the dashboard's sidebar shows
    assert label.startswith("revision 0 (") and unstored.endswith(label.rsplit("content ", 1)[1])  # same content digest
    out = tmp_path / "brief.zip"
    done = subprocess.run([sys.executable, "-m", "indicators", "brief", CHART, "-o", str(out)], cwd=ROOT,
                          env=dict(os.environ, INDICATORS_DB_URL=url), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    readme = read_zip(out.read_bytes())["README.md"].decode("utf-8")
    assert f"Dataset: {md_escaped(label)}." in readme
    assert f"dataset {md_escaped(label)}, accessed" in readme  # each chart's citation


def md_escaped(text: str) -> str:
    return md_readable(text)
