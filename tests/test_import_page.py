"""A reference download uploaded on the Data page: preview of what changes, apply as one revision;
a broken download shows file, sheet, row, column and message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.changes import parse_files
from indicators.store import Store

from .conftest import ROOT, csv_bytes
from .reference_files import CHINA, RUSSIA_2021, SIPRI_REGISTER, WIND_2022, WIND_MARCH_2023, XLSX, append_year, \
    register_bytes, set_cell, wind_bytes, \
    workbook_bytes
from .test_upload_page import NEW_ROW, data_page
from .test_upload_page import texts as markdown_texts


def texts(at) -> str:
    """The page's text as a reader sees it (markdown's escapes removed)."""
    return markdown_texts(at).replace("\\", "")


def series_values(url: str) -> dict[str, str]:
    """series_id -> value in the store's head revision."""
    store = Store(url)
    frame = parse_files({"series": store.files(store.head().id)["series"]})["series"].frame
    return dict(zip(frame["series_id"], frame["value"]))


def source_row(url: str, source_id: str) -> dict:
    store = Store(url)
    frame = parse_files({"sources": store.files(store.head().id)["sources"]})["sources"].frame
    return frame[frame["source_id"] == source_id].iloc[0].to_dict()


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def metric(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def apply(at, message: str):
    next(t for t in at.text_input if t.label == "What changed and why").input(message).run()
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception
    return at


def test_a_newer_dots_workbook_previews_the_changed_figures_then_applies_as_one_revision(private_store):
    # Russia's exports to China in 2015 revised from 28,606.412842 to 30,000.5 US$ mn
    data = workbook_bytes(set_cell("Exports, FOB", CHINA, "2015", 30000.5))
    at = data_page()  # creates revision 0 from data/
    before = series_values(private_store)
    assert before["russia-trade-china-2015"] == "63.552217219"
    at.file_uploader[0].set_value(("DOTS_162.xlsx", data, XLSX)).run()
    assert not at.exception
    assert [d.label for d in at.date_input] == ["Retrieved on"] and at.date_input[0].value == dt.date.today()
    assert not at.radio  # a download replaces its source's rows: no merge/replace choice
    at.date_input[0].set_value(dt.date(2024, 5, 1)).run()
    assert "The upload is valid" in texts(at)
    assert "imf-dots-russia (Russia), retrieved 2024-05-01" in texts(at)
    assert "DOTS_162.xlsx → series.csv" in texts(at)
    changed = next(f for f in frames(at) if list(f.columns) == ["id", "column", "old", "new"]
                   and "russia-trade-china-2015" in set(f["id"]))
    cells = {(r.id, r.column): (r.old, r.new) for r in changed.itertuples()}
    # 63,552.217219 - 28,606.412842 + 30,000.5 US$ mn
    trade = cells[("russia-trade-china-2015", "value")]
    assert trade == ("63.552217219", "64.946304377")
    assert ("russia-trade-share-china-2015", "value") in cells
    assert metric(at, "added")[0] == "0" and metric(at, "removed")[0] == "0"
    assert Store(private_store).head().id == 0  # nothing applied yet

    apply(at, "DOTS Russia: revised 2015 exports to China")
    head = Store(private_store).head()
    assert (head.id, head.message) == (1, "DOTS Russia: revised 2015 exports to China")
    assert "Applied as revision 1" in texts(at)
    after = series_values(private_store)
    assert after["russia-trade-china-2015"] == trade[1]
    assert source_row(private_store, "imf-dots-russia")["retrieved"] == "2024-05-01"
    changed_ids = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed_ids == {"russia-trade-china-2015", "russia-trade-share-china-2015"}


def test_a_workbook_with_a_new_year_adds_its_series_rows(private_store):
    at = data_page()
    at.file_uploader[0].set_value(("DOTS_162-2021.xlsx", workbook_bytes(append_year("2021", RUSSIA_2021)), XLSX)).run()
    assert not at.exception and "The upload is valid" in texts(at)
    added = next(f for f in frames(at) if "series_id" in f.columns)
    assert dict(zip(added["series_id"], added["value"])) == {
        "russia-trade-china-2021": "140.00075", "russia-trade-world-2021": "790",
        "russia-trade-share-china-2021": "17.72", "russia-trade-partner-rank-china-2021": "1"}
    assert metric(at, "added")[0] == "4"
    apply(at, "DOTS Russia 2021")
    after = series_values(private_store)
    assert after["russia-trade-china-2021"] == "140.00075" and after["russia-trade-world-2021"] == "790"
    assert len(after) == len(series_values_at(private_store, 0)) + 4


def series_values_at(url: str, revision: int) -> dict[str, str]:
    frame = parse_files({"series": Store(url).files(revision)["series"]})["series"].frame
    return dict(zip(frame["series_id"], frame["value"]))


BROKEN = [
    ("DOTS_162.xlsx", lambda: workbook_bytes(lambda wb: wb.remove(wb["Imports, CIF"])),
     {"file": "DOTS_162.xlsx", "sheet": "", "row": None, "column": None}, "no sheet 'Imports, CIF'"),
    ("DOTS_162.xlsx", lambda: workbook_bytes(lambda wb: wb["Exports, FOB"].insert_rows(1)),
     {"file": "DOTS_162.xlsx", "sheet": "Exports, FOB", "row": 2, "column": "B"}, "expected the title"),
    ("DOTS_162.xlsx", lambda: workbook_bytes(set_cell("Exports, FOB", CHINA, "2015", "n/a")),
     {"file": "DOTS_162.xlsx", "sheet": "Exports, FOB", "row": 58, "column": "Z"},
     "2015 for China, P.R.: Mainland: expected a number of US$ millions"),
    ("register.xlsx", lambda: SIPRI_REGISTER.read_bytes()[:5000],
     {"file": "register.xlsx", "sheet": "", "row": None, "column": None}, "not an Excel workbook (this looks like a CSV"),
    ("empty.xlsx", lambda: b"", {"file": "empty.xlsx", "sheet": "", "row": None, "column": None}, "the file is empty"),
]


@pytest.mark.parametrize("name, data, where, message", BROKEN,
                         ids=["missing-sheet", "shifted-header", "text-in-number", "csv-as-workbook", "empty"])
def test_a_broken_download_shows_where_and_what_and_changes_nothing(private_store, name, data, where, message):
    at = data_page()
    at.file_uploader[0].set_value((name, data(), XLSX)).run()
    assert not at.exception
    assert any("problem(s) found; nothing was applied" in e.value for e in at.error)
    errors = next(f for f in frames(at) if "message" in f.columns)
    assert list(errors.columns) == ["file", "sheet", "row", "column", "value", "message"]
    first = errors.iloc[0]
    got = {k: (None if first[k] is None or first[k] != first[k] else first[k]) for k in where}
    assert got == where, errors.to_dict("records")
    assert message in first["message"], first["message"]
    assert not any(b.label == "Apply" for b in at.button)
    assert Store(private_store).head().id == 0


def test_a_download_with_interchange_csvs_is_refused_with_a_sentence(private_store):
    at = data_page()
    at.file_uploader[0].set_value([("DOTS_162.xlsx", workbook_bytes(), XLSX),
                                   ("mine.csv", csv_bytes("observations", [NEW_ROW]), "text/csv")]).run()
    assert not at.exception
    errors = next(f for f in frames(at) if "message" in f.columns)
    assert "cannot be applied in one upload: upload the download on its own" in errors.iloc[0]["message"]
    assert not any(b.label == "Apply" for b in at.button) and Store(private_store).head().id == 0


def test_the_same_workbook_again_changes_only_its_retrieval_date(private_store):
    at = data_page()
    at.file_uploader[0].set_value(("DOTS_162.xlsx", workbook_bytes(), XLSX)).run()
    assert not any(f for f in frames(at) if "series_id" in f.columns)  # no series row added or changed
    assert "DOTS_162.xlsx → sources.csv" in texts(at) and "DOTS_162.xlsx → series.csv" not in texts(at)
    apply(at, "DOTS Russia downloaded again")
    assert Store(private_store).head().id == 1
    assert source_row(private_store, "imf-dots-russia")["retrieved"] == dt.date.today().isoformat()


def test_a_newer_sipri_register_previews_and_applies(private_store):
    # one delivery of R-73s to Viet Nam in 2015 revised from 5.25 to 15.25 TIV millions
    old = "61217,Russia,Viet Nam,R-73,SRAAM,Missiles,2013,Yes,35,Yes,2015,Yes,New,0.15,0.15,5.25,No"
    data = register_bytes(lambda ls: [line.replace(old, old.replace(",5.25,No", ",15.25,No")) for line in ls])
    assert data != SIPRI_REGISTER.read_bytes()
    at = data_page()
    before = series_values(private_store)
    at.file_uploader[0].set_value(("trade-register.csv", data, "text/csv")).run()
    assert not at.exception and not at.date_input  # the register says when it was generated
    assert "The upload is valid" in texts(at) and "sipri-arms-transfers" in texts(at)
    changed = next(f for f in frames(at) if list(f.columns) == ["id", "column", "old", "new"])
    cells = {(r.id, r.column): (r.old, r.new) for r in changed.itertuples()}
    old_value, new_value = cells[("russia-arms-exports-vietnam-2015", "value")]
    assert float(new_value) - float(old_value) == pytest.approx(10)
    apply(at, "SIPRI: a revised delivery")
    assert Store(private_store).head().id == 1
    assert series_values(private_store)["russia-arms-exports-vietnam-2015"] == new_value
    assert before["russia-arms-exports-vietnam-2015"] == old_value


def test_series_rows_upload_through_the_generic_path(private_store):
    row = {"series_id": "russia-trade-china-2021", "indicator_id": "russia-trade", "entity": "China",
           "period": "2021", "value": "140.5", "estimate": "false", "source_id": "imf-dots-russia"}
    at = data_page()
    at.file_uploader[0].set_value(("series-2021.csv", csv_bytes("series", [row]), "text/csv")).run()
    assert not at.exception and [r.label for r in at.radio] == ["Mode"] and not at.date_input
    assert "series-2021.csv → series.csv" in texts(at) and metric(at, "added") == ["1"]
    apply(at, "Russia's 2021 trade with China")
    assert series_values(private_store)["russia-trade-china-2021"] == "140.5"


# --------------------------------------------------------------------------- apply re-plans against the head


def test_apply_is_planned_against_the_head_not_the_previewed_revision(private_store):
    """Someone applies another upload between the preview and the apply: both changes are in the result."""
    from indicators.changes import plan_upload
    from indicators.imports.upload import apply_import, preview_import

    store = Store(private_store)
    store.ensure_initialised(str(ROOT / "data"))
    uploads = [("DOTS_162.xlsx", workbook_bytes(append_year("2021", RUSSIA_2021)))]
    preview = preview_import(store.files(0), uploads, "2024-05-01")
    assert preview.plan.ok and preview.plan.changes_anything
    store.commit(lambda _h, files: plan_upload(files, [("m.csv", csv_bytes("observations", [NEW_ROW]))], "merge").files,
                 "another editor's figure", "someone else")
    rev = apply_import(store, uploads, "2024-05-01", "DOTS Russia 2021", "tester")
    assert (rev.id, rev.parent_id) == (2, 1)
    assert b"china-russia-trade-2015-example" in store.files(2)["observations"]  # the other revision is kept
    assert series_values(private_store)["russia-trade-china-2021"] == "140.00075"


def test_an_apply_that_no_longer_fits_the_head_is_refused_and_stores_nothing(private_store):
    from indicators.imports.upload import apply_import
    from indicators.store import ChangeRefused

    store = Store(private_store)
    store.ensure_initialised(str(ROOT / "data"))
    indicators = store.files(0)["indicators"].decode().splitlines(keepends=True)
    lines = [line.replace(",usd_bn,", ",percent,") if line.startswith("russia-trade,") else line for line in indicators]
    assert lines != indicators  # someone else's revision stores russia-trade in percent
    store.commit(lambda _h, files: {**files, "indicators": "".join(lines).encode()}, "russia-trade in percent", "x")
    with pytest.raises(ChangeRefused) as refused:
        apply_import(store, [("DOTS_162.xlsx", workbook_bytes())], "2024-05-01", "again", "tester")
    assert any("russia-trade" in e.message and "usd_bn" in e.message for e in refused.value.errors)
    assert store.head().id == 1


def test_wind_exports_preview_the_new_month_then_apply_as_one_revision(private_store):
    at = data_page()
    before = series_values(private_store)
    assert before["china-crude-imports-part-year-russia-2023-01-2023-02"] == "15.678076932"
    at.file_uploader[0].set_value([("wind-2022-12.csv", wind_bytes(WIND_2022), "text/csv"),
                                   ("wind-2023-03.csv", wind_bytes(extra=WIND_MARCH_2023), "text/csv")]).run()
    assert not at.exception
    assert not at.date_input  # a Wind export says when it was updated
    assert "The upload is valid" in texts(at)
    assert "china-customs (China), retrieved 2023-03-22" in texts(at)
    added = next(f for f in frames(at) if "series_id" in f.columns
                 and "china-crude-imports-part-year-russia-2023-01-2023-03" in set(f["series_id"]))
    row = added[added["series_id"] == "china-crude-imports-part-year-russia-2023-01-2023-03"].iloc[0]
    assert row["value"] == "23.678076932"  # January–March 2023: a part-year, never 2023's total
    assert Store(private_store).head().id == 0
    apply(at, "China Customs: March 2023")
    after = series_values(private_store)
    assert Store(private_store).head().id == 1
    assert after["china-crude-imports-part-year-russia-2023-01-2023-03"] == "23.678076932"
    assert "china-crude-imports-part-year-russia-2023-01-2023-02" not in after
    assert "china-crude-imports-russia-2023" not in after
    assert after["china-crude-imports-russia-2015"] == before["china-crude-imports-russia-2015"] == "42.433036473"


def test_a_broken_wind_export_shows_row_and_column_and_changes_nothing(private_store):
    at = data_page()
    broken = wind_bytes(edit=lambda ls: [ls[0], ls[1], ls[2], *ls[4:]])  # the Unit row removed
    at.file_uploader[0].set_value(("wind-2023-03.csv", broken, "text/csv")).run()
    assert not at.exception
    assert any("problem(s) found; nothing was applied" in e.value for e in at.error)
    first = next(f for f in frames(at) if "message" in f.columns).iloc[0]
    assert (first["file"], first["row"], first["column"]) == ("wind-2023-03.csv", 4, "A")
    assert "expected 'Unit' in column A" in first["message"]
    assert not any(b.label == "Apply" for b in at.button)
    assert Store(private_store).head().id == 0
