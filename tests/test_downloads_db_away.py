"""Downloads that need the database say so when it is away (issue 22): the revision zip is made while the
page runs, not on click, where a failure showed nothing after 40 s."""

from __future__ import annotations

from indicators.store import Store, StoreUnavailable

from .test_upload_page import data_page


def zip_button(at):
    return next(b for b in at.get("download_button") if b.proto.label.startswith("Download revision"))


def test_the_revision_zip_is_in_the_page_so_a_download_needs_no_database_later(private_store):
    at = data_page()
    button = zip_button(at)
    assert not button.proto.HasField("deferred_file_id") and button.proto.url and not button.proto.disabled
    assert "formulas" in button.proto.help


def test_with_the_database_away_the_zip_says_so_with_a_sentence(private_store, monkeypatch):
    def away(self, revision_id):
        raise StoreUnavailable("The database (sqlite:///x) cannot be reached or the connection was lost while "
                               "reading a revision's files. Nothing was changed; reload the page in a moment.")
    at = data_page()
    monkeypatch.setattr(Store, "zip", away)
    import streamlit as st

    st.cache_resource.clear()  # the page keeps each revision's zip: start from none
    at.run()
    assert not at.exception
    (error,) = [e.value for e in at.error if "zip of revision" in e.value]
    assert error.startswith("The zip of revision 0 cannot be made now: The database") and "reload the page" in error
    assert zip_button(at).proto.disabled

