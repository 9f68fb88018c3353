"""Text from data, made inert wherever it is shown: markdown pages, reports, terminals.

Data is shown exactly as written, never as markup, a link, a terminal command or a bidi trick.
Streamlit links URLs and e-mail addresses in markdown after its escapes are undone (GFM's autolink
literals are found in the parsed text), so pages show data through a path that parses nothing
(`views._shell.literal`, tables); where Streamlit only offers markdown (alerts, pill, tab and
expander labels), `md` escapes it and breaks the autolink patterns with an invisible word joiner.
(Plotly labels: `charts.esc`.)
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=@&])")
WORD_JOINER = "\u2060"
_LINK_TRIGGER = re.compile(r"(?i)(:)(?=/)|(www)(?=\.)|(@)")


def md(text: object) -> str:
    """Literal in Streamlit markdown: no emphasis, HTML, LaTeX ('$'), links or autolinks, controls shown as codes.

    Escapes do not stop GFM's autolinks (they are found after the escapes are undone): a word joiner
    after '://' and 'www' and around '@' does, and is not seen.
    """
    text = terminal_safe("" if text is None else str(text))
    text = _LINK_TRIGGER.sub(lambda m: m.group() + WORD_JOINER if m.group() != "@" else
                             WORD_JOINER + "@" + WORD_JOINER, text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def plain(label: str | None) -> str:
    """A plotly label as a reader sees it, on one line: its tags (<b>, <br>) dropped, `charts.esc` undone."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", label or "")).split())


def inert(text: object) -> str:
    """Text for a path that parses nothing (st.text, st.html after escaping, table cells): controls and
    bidirectional overrides shown as \\uXXXX, never obeyed."""
    return terminal_safe("" if text is None else str(text))


def inert_frame(frame):
    """A table for the page with every text cell passed through `inert` (copied only when a cell needs it)."""
    columns = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string")]
    needs = [c for c in columns if frame[c].map(lambda v: isinstance(v, str) and bool(_CONTROL.search(v))).any()]
    if not needs:
        return frame
    out = frame.copy()
    for c in needs:
        out[c] = frame[c].map(lambda v: terminal_safe(v) if isinstance(v, str) else v)
    return out


_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def md_readable(text: object) -> str:
    """Inert in a Markdown report that people also read raw: one line, no emphasis, HTML or links;
    brackets stay readable ('[68.5, 69.5]')."""
    flat = " ".join(str(text).split())
    flat = re.sub(r"([\\`*_<>@])", r"\\\1", flat)
    flat = _AUTOLINK.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)
    return flat.replace("](", "]\\(")


# C0 and C1 controls (but newline and tab), DEL, and the bidirectional marks, embeddings, overrides and
# isolates that reorder text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
