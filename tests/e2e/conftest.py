"""Real-browser fixtures: one Streamlit server and one headless Chromium per test session.

The server runs `streamlit run serve.py` (app.py, each page at its own address) from the repo root on a free loopback port, with its own
revision store (INDICATORS_DB_URL in a temporary folder, so var/ is never touched) and no editor key.
The browser is Debian's /usr/bin/chromium driven by Playwright's sync API; nothing is downloaded.
Each test gets a fresh context (so a fresh Streamlit session) with downloads enabled.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks._common import free_port, stop  # one copy of the process helpers

from ..conftest import ROOT

from indicators.settings import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401  (one copy: tests and benchmarks)
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT_S = 60
TIMEOUT_MS = 30_000  # a page, its plotly.js and a chart on 2 loaded cores can take seconds


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no output)"


@contextlib.contextmanager
def streamlit_server(folder: Path, db_url: str):
    """`streamlit run serve.py` (the dashboard as `make run` serves it) on a free loopback port with the revision store at `db_url`; yields its base URL."""
    port = free_port()
    env = dict(os.environ)
    env["INDICATORS_DB_URL"] = db_url
    env.pop("INDICATORS_EDITOR_KEY", None)
    env["INDICATORS_OPEN_EDITING"] = "1"  # open editing, set explicitly: uploads may be applied
    env.pop("INDICATORS_DATA_DIR", None)  # the repo's canonical data/ seeds revision 0
    out, err = folder / f"stdout-{port}.log", folder / f"stderr-{port}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           # run the code as it was at start: no module reloads if a source file changes mid-run
           "--server.fileWatcherType", "none"]
    with open(out, "wb") as out_f, open(err, "wb") as err_f:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out_f, stderr=err_f, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode} before answering; stderr:\n{_tail(err)}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer {base}/_stcore/health within {HEALTH_TIMEOUT_S} s; "
                            f"stderr:\n{_tail(err)}")
            time.sleep(0.2)
        yield base
    finally:
        stop(proc)  # the server and whatever it started (normally nothing)


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `bash scripts/setup.sh --dev` installs Debian's chromium")


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium):
    """Base URL of a Streamlit server for this session's e2e tests (its own SQLite store); stopped at the end."""
    folder = tmp_path_factory.mktemp("e2e-server")
    with streamlit_server(folder, f"sqlite:///{folder / 'e2e.db'}") as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path, chromium):
    """A server no browser has opened yet, for what only a first load shows; stopped after the test."""
    with streamlit_server(tmp_path, f"sqlite:///{tmp_path / 'e2e.db'}") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
