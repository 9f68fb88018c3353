"""Who may change the data: an editor key (compared in constant time, wrong ones slowed down and logged),
or open editing, set explicitly; with neither, the app is view only."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from .settings import editor_key, editor_key_is_blank, open_editing

FREE_ATTEMPTS = 3
"""Wrong keys allowed in a row before each further try must wait."""
MAX_WAIT_S = 300.0
TRACKED = 10_000
"""Sessions and clients remembered at most (the oldest forgotten first): the record cannot grow without bound."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Access:
    """How this server lets people change the data, and the sentence the Data page states."""

    mode: str  # "key" | "open" | "closed"
    key: str | None
    note: str


def editor_access(secrets: dict | None = None) -> Access:
    key = editor_key(secrets)
    if key is not None:
        return Access("key", key, "Editors enter the editor key in the sidebar to upload or revert.")
    if open_editing(secrets):
        return Access("open", None, "Open editing (INDICATORS_OPEN_EDITING is set, and no editor key): anyone who "
                                    "can open this page may upload and revert.")
    blank = ("The editor key setting is empty, which is not a key. " if editor_key_is_blank(secrets) else
             "No editor key is configured. ")
    return Access("closed", None, blank + "View only: set INDICATORS_EDITOR_KEY (or editor_key in secrets) for "
                                          "editors, or INDICATORS_OPEN_EDITING=1 to let anyone here apply.")


def configured_key(secrets: dict | None = None) -> str | None:
    """INDICATORS_EDITOR_KEY, else the app's secrets' editor_key; None when there is none (or it is blank)."""
    return editor_key(secrets)


def may_edit(given: str | None, expected: str | None) -> bool:
    """The key matches; no expected key never matches (open editing is `editor_access`'s decision)."""
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode(), expected.encode())


class KeyAttempts:
    """Wrong editor keys, counted per session and per client: after FREE_ATTEMPTS in a row the next try
    waits 2, 4, 8 … s (at most MAX_WAIT_S); each wrong key is logged; a right one clears the session's count."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # who -> (in a row, last at)

    def wait_s(self, *who: str) -> float:
        """Seconds until any of `who` may try a key again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [self._delay(n) - (now - at) for n, at in (self._failures.get(w, (0, 0.0)) for w in who)]
        return max([0.0, *waits])

    def failed(self, *who: str) -> None:
        now = self._clock()
        with self._lock:
            counts = []
            for w in who:
                n = self._failures.pop(w, (0, 0.0))[0] + 1
                self._failures[w] = (n, now)
                counts.append(n)
            while len(self._failures) > TRACKED:
                self._failures.popitem(last=False)
        _log.warning("wrong editor key (%s): %s in a row", ", ".join(who), ", ".join(map(str, counts)))

    def succeeded(self, *who: str) -> None:
        with self._lock:
            for w in who:
                self._failures.pop(w, None)

    @staticmethod
    def _delay(in_a_row: int) -> float:
        return 0.0 if in_a_row < FREE_ATTEMPTS else min(2.0 ** (in_a_row - FREE_ATTEMPTS + 1), MAX_WAIT_S)


ATTEMPTS = KeyAttempts()
"""This server's record (every session of the process shares it)."""
