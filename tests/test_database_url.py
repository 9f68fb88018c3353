"""A database URL is parsed once and shown with its password hidden however it is written (issue 22):
an unencoded '@', '/' or '#' in the password no longer leaks the rest of it into messages."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from indicators.store import DatabaseUrlError, Store, StoreError, normalise_url, redacted

from .conftest import ROOT

PASSWORDS = ["p@ss/w0rd#1", "a:b@c", "50%off?", "plain", "p%40ss"]


@pytest.mark.parametrize("password", PASSWORDS)
def test_any_password_is_hidden_and_reaches_the_driver_whole(password):
    url = f"postgresql://probe:{password}@127.0.0.1:5432/indicators"
    shown = redacted(url)
    assert shown == "postgresql+psycopg://probe:***@127.0.0.1:5432/indicators"
    expected = "p@ss" if password == "p%40ss" else password  # percent-encoded is read as the README says
    assert make_url(normalise_url(url)).password == expected


def test_a_password_given_as_a_query_parameter_is_hidden_too():
    assert "s3cret" not in redacted("postgresql://probe@db.example/indicators?password=s3cret&sslmode=require")


@pytest.mark.parametrize("url", ["postgresql://u:sec@ret@host:notaport/db", "not a url", "://x"])
def test_an_unreadable_url_is_refused_with_a_sentence_that_does_not_repeat_it(url):
    with pytest.raises(DatabaseUrlError) as caught:
        Store(url)
    assert isinstance(caught.value, StoreError)
    assert "percent-encoded" in str(caught.value) and "sec" not in str(caught.value) and "not a url" not in str(caught.value)
    assert redacted(url) == "(the configured database, whose URL cannot be read)"


def test_a_page_with_the_database_away_shows_no_part_of_an_unencoded_password(monkeypatch):
    monkeypatch.setenv("INDICATORS_DB_URL", "postgresql://probe:p@ss/w0rd#1@127.0.0.1:1/indicators")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "cannot be reached" in error and "probe:***@127.0.0.1:1/indicators" in error.replace("\\", ""), error
    assert "w0rd" not in error and "ss/" not in error and "%23" not in error and "%2F" not in error
