"""Who may apply (issue 22): wrong editor keys slow down per session and per client and are logged; no key
means view only unless open editing is set explicitly, and the Data page says which; a blank key is no key."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

import indicators.access as access
from indicators.access import FREE_ATTEMPTS, KeyAttempts, editor_access, may_edit

from .conftest import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def attempts(monkeypatch):
    """A fresh record for the server (the page reads indicators.access.ATTEMPTS at each run)."""
    clock = Clock()
    record = KeyAttempts(clock)
    monkeypatch.setattr(access, "ATTEMPTS", record)
    return record, clock


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    return at


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_wrong_keys_wait_longer_and_longer_per_session_and_per_client(attempts, caplog):
    record, clock = attempts
    with caplog.at_level(logging.WARNING, logger="indicators.access"):
        for _ in range(FREE_ATTEMPTS):
            assert record.wait_s("session a", "client 10.0.0.1") == 0
            record.failed("session a", "client 10.0.0.1")
    assert record.wait_s("session a", "client 10.0.0.1") == 2
    assert record.wait_s("session b", "client 10.0.0.1") == 2  # a new session from the same client waits too
    assert record.wait_s("session c", "client 10.0.0.2") == 0  # another client does not
    assert len([r for r in caplog.records if "wrong editor key" in r.getMessage()]) == FREE_ATTEMPTS
    assert "session a, client 10.0.0.1" in caplog.records[0].getMessage()
    clock.now += 2
    record.failed("session b", "client 10.0.0.1")
    assert record.wait_s("session a", "client 10.0.0.1") == 4


def test_on_the_page_a_fourth_wrong_key_waits_and_a_rerun_does_not_count_again(attempts, monkeypatch, caplog):
    record, clock = attempts
    monkeypatch.setenv("INDICATORS_EDITOR_KEY", "s3cret")
    at = data_page()
    with caplog.at_level(logging.WARNING, logger="indicators.access"):
        for i in range(FREE_ATTEMPTS):
            at.sidebar.text_input[0].input(f"wrong{i}").run()
            assert "Wrong editor key: view only." in captions(at)
        at.run()  # the same wrong key on a rerun is not another try
        assert len([r for r in caplog.records if "wrong editor key" in r.getMessage()]) == FREE_ATTEMPTS
        at.sidebar.text_input[0].input("s3cret").run()  # even the right key is not checked while waiting
    assert "Too many wrong editor keys: try again in 2 s (nothing was checked)." in captions(at)
    assert at.file_uploader[0].disabled
    clock.now += 2
    at.run()  # after the wait, the key entered is checked
    assert "Editor mode." in captions(at) and not at.file_uploader[0].disabled


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_key_is_not_a_key_and_the_page_says_view_only(blank, monkeypatch):
    monkeypatch.setenv("INDICATORS_EDITOR_KEY", blank)
    monkeypatch.delenv("INDICATORS_OPEN_EDITING")
    assert editor_access().mode == "closed" and not may_edit(blank, None) and not may_edit("", "")
    at = data_page()
    assert "The editor key setting is empty, which is not a key. View only" in captions(at)
    assert at.file_uploader[0].disabled and not at.sidebar.text_input


def test_without_a_key_editing_is_open_only_when_set_explicitly(monkeypatch):
    monkeypatch.delenv("INDICATORS_OPEN_EDITING")
    at = data_page()
    assert "No editor key is configured. View only" in captions(at) and at.file_uploader[0].disabled
    monkeypatch.setenv("INDICATORS_OPEN_EDITING", "1")
    at = data_page()
    assert "Open editing (INDICATORS_OPEN_EDITING is set, and no editor key)" in captions(at)
    assert not at.file_uploader[0].disabled
