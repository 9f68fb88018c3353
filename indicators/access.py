"""Who may change the data: an editor key, compared in constant time."""

from __future__ import annotations

import hmac

from .settings import editor_key


def configured_key(secrets: dict | None = None) -> str | None:
    """INDICATORS_EDITOR_KEY, else the app's secrets' editor_key; None means local single-user mode."""
    return editor_key(secrets)


def may_edit(given: str | None, expected: str | None) -> bool:
    if expected is None:
        return True
    return hmac.compare_digest((given or "").encode(), expected.encode())
