"""The upload flow on the Data page: validate, preview, apply; bad files change nothing; the editor key."""

from __future__ import annotations

import html
import re

from streamlit.testing.v1 import AppTest

from indicators.store import Store

from .conftest import ROOT, csv_bytes, figures, obs

NEW_ROW = obs("china-russia-trade-2015-example", "70", indicator_id="china-russia-trade",
              source_id="liu-fenghua-duchatel", quote="Bilateral trade totalled $95 billion in 2014",
              note="test row")


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    return at


def html_texts(at) -> list[str]:
    """What st.html elements (text from data, shown literally) read as: tags dropped, entities decoded."""
    return [html.unescape(re.sub(r"<[^>]+>", "", el.proto.body)) for el in at.get("html")]


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
                    + [c.value for c in at.caption] + html_texts(at))


def test_valid_upload_previews_then_applies_and_every_page_sees_it(private_store):
    at = data_page()
    at.file_uploader[0].upload("mine.csv", csv_bytes("observations", [NEW_ROW]), "text/csv").run()
    assert not at.exception
    assert any(m.label == "added" and m.value == "1" for m in at.metric)
    assert "Flags:" in texts(at) and Store(private_store).head().id == 0  # nothing applied yet
    apply = next(b for b in at.button if b.label == "Apply")
    assert apply.disabled  # a message is required
    next(t for t in at.text_input if t.label == "What changed and why").input("a test figure").run()
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception
    assert Store(private_store).head().id == 1
    assert "Applied as revision 1" in texts(at)
    at.switch_page("views/trade.py").run()
    assert any("$70bn" in " ".join(t.get("text") or []) for f in figures(at) for t in f["data"])
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # another user's session
    assert "Dataset: revision 1" in " ".join(c.value for c in fresh.sidebar.caption)


def test_invalid_upload_shows_an_error_table_and_changes_nothing(private_store):
    bad = dict(NEW_ROW, value="seventy", period="2015-13")
    at = data_page()
    at.file_uploader[0].upload("bad.csv", csv_bytes("observations", [bad]), "text/csv").run()
    assert not at.exception
    assert any("2 problem(s) found; nothing was applied" in e.value for e in at.error)
    errors = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert list(errors["column"]) == ["period", "value"] and set(errors["file"]) == {"bad.csv"}
    assert not any(b.label == "Apply" for b in at.button)
    assert Store(private_store).head().id == 0


def test_binary_and_semicolon_files_are_refused_with_a_message(private_store):
    at = data_page()
    at.file_uploader[0].upload("x.csv", b"\x00\x01\x02", "text/csv").run()
    assert any("problem(s) found" in e.value for e in at.error) and not at.exception
    header = ";".join(["obs_id", "indicator_id", "entity"]).encode()
    at.file_uploader[0].upload("y.csv", header + b"\n", "text/csv").run()
    assert not at.exception and Store(private_store).head().id == 0
    shown = next(d.value for d in at.dataframe if "message" in d.value.columns)  # the errors table
    assert list(shown["message"]) == ["the columns are separated by semicolons (';'); expected commas"]
    assert list(shown["file"]) == ["y.csv"] and list(shown["code"]) == ["header"]


def test_editor_key_is_enforced(monkeypatch, private_store):
    monkeypatch.setenv("INDICATORS_EDITOR_KEY", "s3cret")
    at = data_page()
    assert at.file_uploader[0].disabled
    assert "View only" in texts(at)
    at.sidebar.text_input[0].input("wrong").run()
    assert at.file_uploader[0].disabled
    at.sidebar.text_input[0].input("s3cret").run()
    assert not at.file_uploader[0].disabled and "Editor mode." in texts(at)


def test_history_lists_revisions_and_revert_makes_a_new_one(private_store):
    store = Store(private_store)
    at = data_page()  # creates revision 0
    from indicators.changes import plan_upload

    store.commit(lambda _h, files: plan_upload(files, [("m.csv", csv_bytes("observations", [NEW_ROW]))], "merge").files,
                 "add", "tester")
    at.run()
    at.selectbox[0].set_value(0).run()
    revert = next(b for b in at.button if b.label == "Revert to revision 0")
    revert.click().run()
    assert not at.exception
    head = store.head()
    assert (head.id, head.kind) == (2, "revert") and store.files(2) == store.files(0)


def test_an_apply_blocked_past_the_lock_timeout_says_so_in_a_sentence_and_can_be_retried(monkeypatch, private_store):
    """Another writer holds the database's write lock longer than the timeout: a message, no traceback."""
    from .test_store import write_lock_held

    monkeypatch.setenv("INDICATORS_DB_LOCK_TIMEOUT_S", "0.5")
    at = data_page()
    at.file_uploader[0].upload("mine.csv", csv_bytes("observations", [NEW_ROW]), "text/csv").run()
    next(t for t in at.text_input if t.label == "What changed and why").input("a test figure").run()
    with write_lock_held(private_store):
        next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception
    assert any(e.value.startswith("The database is busy: another change held its lock for more than 0.5 s")
               for e in at.error)
    assert Store(private_store).head().id == 0
    next(b for b in at.button if b.label == "Apply").click().run()  # the upload is still there: apply again
    assert not at.exception and Store(private_store).head().id == 1 and "Applied as revision 1" in texts(at)


def test_an_unreadable_head_still_offers_revert_on_the_data_page(private_store):
    """However a head became unreadable, the pages say so and the Data page keeps History and revert."""
    from .conftest import DATA

    store = Store(private_store)
    store.ensure_initialised(DATA)
    broken = store.commit(lambda _head, files: {**files, "observations": b"obs_id\nnot a valid table\n"},
                          "a broken head written behind the app's back", "test")
    assert broken.id == 1
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("is invalid" in e.value for e in at.error)  # the overview says so instead of crashing
    at.switch_page("views/data.py").run()
    assert not at.exception and any("is invalid" in e.value for e in at.error)
    at.selectbox[0].set_value(0).run()  # History: choose revision 0
    revert = next(b for b in at.button if b.label == "Revert to revision 0")
    assert not revert.disabled
    revert.click().run()
    assert not at.exception
    head = Store(private_store).head()
    assert head.id == 2 and head.kind == "revert"
    assert Store(private_store).files(2) == Store(private_store).files(0)
