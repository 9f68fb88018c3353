"""Every setting of the app and the CLI, read in one place: paths, the database, the editor key, the browser.

Environment variables win over the app's secrets (.streamlit/secrets.toml, passed in by the
app; the CLI has none), which win over the defaults below.

    INDICATORS_DATA_DIR   the canonical CSV folder (revision 0)        default: data/ beside the code
    INDICATORS_DB_URL     the revision store (any SQLAlchemy URL)     default: SQLite in var/  (secrets: db_url)
    INDICATORS_EDITOR_KEY who may apply and revert                    default: none (secrets: editor_key);
                                                                      a blank key is not a key
    INDICATORS_OPEN_EDITING  1: anyone may apply when no key is set   default: off, view only
                                                                      (secrets: open_editing)
    INDICATORS_DB_LOCK_TIMEOUT_S  seconds an apply waits for another's lock   default: 30
    INDICATORS_MAX_WORKERS  previews and applies one server runs at once      default: 2
    BROWSER_PATH          the Chromium kaleido and the tests drive    default: chromium on PATH
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
DEFAULT_DB_URL = f"sqlite:///{ROOT / 'var' / 'indicators.db'}"
DEFAULT_LOCK_TIMEOUT_S = 30.0
DEFAULT_MAX_WORKERS = 2
"""Each preview or apply worker may take 2 GiB (bounded.MEMORY_MB): two at once on a 4 GiB, 2-core server."""
CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: the only browser this project launches (never a downloaded one)."""
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
"""Flags for headless Chromium on a closed network (tests and benchmarks launch it with these)."""


def data_dir() -> Path:
    return Path(os.environ.get("INDICATORS_DATA_DIR") or DEFAULT_DATA_DIR)


def database_url(secrets: Mapping | None = None) -> str:
    return os.environ.get("INDICATORS_DB_URL") or (secrets or {}).get("db_url") or DEFAULT_DB_URL


def _raw_editor_key(secrets: Mapping | None) -> object:
    if "INDICATORS_EDITOR_KEY" in os.environ:
        return os.environ["INDICATORS_EDITOR_KEY"]
    return (secrets or {}).get("editor_key")


def editor_key(secrets: Mapping | None = None) -> str | None:
    """The editor key; None when none is set or it is blank (an empty key is not a key)."""
    key = _raw_editor_key(secrets)
    return str(key) if key is not None and str(key).strip() else None


def editor_key_is_blank(secrets: Mapping | None = None) -> bool:
    key = _raw_editor_key(secrets)
    return key is not None and not str(key).strip()


def open_editing(secrets: Mapping | None = None) -> bool:
    """Anyone may apply when no editor key is set: only when said explicitly."""
    value = os.environ.get("INDICATORS_OPEN_EDITING")
    if value is None:
        value = (secrets or {}).get("open_editing", "")
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def lock_timeout_s() -> float:
    return float(os.environ.get("INDICATORS_DB_LOCK_TIMEOUT_S") or DEFAULT_LOCK_TIMEOUT_S)


def max_workers() -> int:
    """At least 1: a setting of 0 or less would stop every upload."""
    try:
        return max(1, int(os.environ.get("INDICATORS_MAX_WORKERS") or DEFAULT_MAX_WORKERS))
    except ValueError:
        return DEFAULT_MAX_WORKERS


def forced_browser() -> str | None:
    return os.environ.get("BROWSER_PATH") or None
