"""Text from data is never a link, markup or a bidi trick where Streamlit shows it (issue 22).

The hostile strings go into a copy of data/ (an indicator's name, a quote, its source's author), the
pages are run with AppTest, and what Streamlit would render is read from the elements it sends."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from indicators.text import WORD_JOINER, inert, inert_frame, md

from .conftest import DATA, ROOT

HOSTILE = ("**Bold** :red[red] [a](https://b.example) see https://evil.example, www.evil.example and "
           "mail x@evil.example \u202eevil\u202c \x85\x9b end")
TRIGGERS = ("https://evil", "www.evil", "x@evil", "**Bold**", ":red[", "](", "\u202e", "\x85", "\x9b")


def edited(path, column: str, row_id: str, value: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    header = list(rows[0])
    for row in rows:
        if next(iter(row.values())) == row_id:
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def hostile_data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    edited(folder / "indicators.csv", "name", "china-russia-trade", HOSTILE)
    edited(folder / "observations.csv", "quote", "china-russia-trade-2014-liu-fenghua", HOSTILE)
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    return folder


def bodies(at) -> list[str]:
    return [el.proto.body for el in at.get("html")]


def markdown_texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                    + [w.value for w in at.warning] + [i.value for i in at.info])


def test_md_escapes_markup_breaks_every_autolink_and_shows_controls():
    shown = md(HOSTILE)
    for trigger in TRIGGERS:
        assert trigger not in shown, trigger
    assert "https:" + WORD_JOINER + "//evil" in shown.replace("\\", "")
    assert WORD_JOINER + "\\@" + WORD_JOINER in shown and "www" + WORD_JOINER in shown
    assert "\\\\u202eevil" in shown and "\\\\u0085" in shown  # the code, its backslash escaped for markdown
    assert shown.replace("\\", "").replace(WORD_JOINER, "").startswith("**Bold** :red[red] [a](https://b.example)")


def test_inert_shows_bidi_overrides_and_c1_controls_as_codes_in_text_and_tables():
    import pandas as pd

    assert inert("a\u202eb\x85c\u2066d\u200fe") == "a\\u202eb\\u0085c\\u2066d\\u200fe"
    frame = pd.DataFrame({"name": ["plain", "r\u202el"], "n": [1, 2]})
    assert list(inert_frame(frame)["name"]) == ["plain", "r\\u202el"]
    clean = pd.DataFrame({"name": ["plain"]})
    assert inert_frame(clean) is clean  # nothing to change: not copied


def test_a_hostile_indicator_name_is_a_literal_pill_and_its_quote_a_literal_source(hostile_data):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/trade.py").run()
    assert not at.exception, [e.value for e in at.exception]
    options = at.pills[0].options
    (pill,) = [o for o in options if "Bold" in o]
    assert pill == md(HOSTILE)  # escaped markdown: a label has no plain-text path
    for trigger in TRIGGERS:
        assert trigger not in pill
    chart_id = "china-russia-trade"
    at.pills[0].set_value(chart_id).run()
    at.session_state[f"tabs-{chart_id}"] = "Sources"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    quoted = [b for b in bodies(at) if "evil.example" in b]
    assert quoted, bodies(at)
    for body in quoted:  # sent through st.html, escaped: no markdown is parsed there and nothing is linked
        assert "<a" not in body and "<strong" not in body and "\u202e" not in body and "\x85" not in body
        assert "**Bold** :red[red] [a](https://b.example)" in body and "\\u202eevil" in body
        assert "x@evil.example" in body  # as written, not a mailto: link
    assert "evil" not in markdown_texts(at)  # no markdown element carries the data


def test_hostile_names_from_a_register_are_literal_in_the_import_note(private_store):
    from .reference_files import register_bytes
    from .test_upload_page import data_page

    hostile = "Evil https://evil.example x@evil.example **b** \u202eR"

    def rename(lines):
        return [line.replace(",Afghanistan,", f",{hostile},") for line in lines]
    at = data_page()
    at.file_uploader[0].set_value(("register.csv", register_bytes(rename), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [b for b in bodies(at) if "evil.example" in b]
    assert notes and all("<a" not in b and "<strong" not in b and "\u202e" not in b for b in notes), notes
    assert any("in no region (counted in World only)" in b and "\\u202eR" in b for b in notes), notes
    assert "evil" not in markdown_texts(at)


def test_verdict_sentences_and_findings_carry_hostile_names_as_escaped_text(hostile_data):
    """The verdicts' sentences (overview findings, Inconsistencies cards, a chart's notes) hold names from
    data: shown through `md` (beside a badge, so markdown), never a link, markup or a bidi trick."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    pages = {"overview": at}
    for page in ("views/inconsistencies.py", "views/trade.py"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page(page).run()
        pages[page] = at
    trade = pages["views/trade.py"]
    trade.pills[0].set_value("china-russia-trade").run()  # its Chart tab: the findings under the chart
    seen = 0
    for name, at in pages.items():
        assert not at.exception, (name, [e.value for e in at.exception])
        for text in [m.value for m in at.markdown] + [c.value for c in at.caption]:
            if "evil" not in text:
                continue
            seen += 1
            for trigger in TRIGGERS:
                assert trigger not in text, (name, trigger, text)
    assert seen, "the hostile indicator name should reach at least one verdict sentence"
