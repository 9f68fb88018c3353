"""Text from data, made inert wherever it is shown: markdown pages, reports, terminals.

Data is shown exactly as written, never as markup, a link or a terminal command.
(Plotly labels: `charts.esc`.)
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=@&])")


def md(text: object) -> str:
    """Literal in Streamlit markdown: no emphasis, HTML, LaTeX ('$'), links or autolinks (':', '.', '@')."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text)).replace("\n", " ")


_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def md_readable(text: object) -> str:
    """Inert in a Markdown report that people also read raw: one line, no emphasis, HTML or links;
    brackets stay readable ('[68.5, 69.5]')."""
    flat = " ".join(str(text).split())
    flat = re.sub(r"([\\`*_<>@])", r"\\\1", flat)
    flat = _AUTOLINK.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)
    return flat.replace("](", "]\\(")


# C0 and C1 controls (but newline and tab), DEL, and the bidirectional overrides that reorder text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Control characters from data shown as \\uXXXX (valid inside JSON strings too), never obeyed."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream whose writes pass through terminal_safe."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
