"""Check that every quote is in the source text and actually states its row's figure.

A figure is only as good as the sentence behind it: a quote that is not in the
article, or that does not contain the number in some written form ("$95 billion",
"fourth-largest", "more than half", "17-24 hours"), is an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .csvfile import CsvError, ErrorCode, ParsedTable
from .schema import ClaimInWords, Event, Indicator, Measure, Observation, Qualifier, Unit, number_text

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                              "–": "-", "—": "-", "‑": "-", "−": "-"})

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
_WORD_NUMBERS = {**_UNITS, **_TENS, **_ORDINALS, "hundred": 100, "thousand": 1000, "dozen": 12,
                 "once": 1, "twice": 2, "thrice": 3, "a": 1, "an": 1, "single": 1}
_UNIT_WORDS = {
    # a unit word that carries its own number, for the units it makes sense in
    Unit.days: {"day": 1, "week": 7, "fortnight": 14},
    Unit.months: {"month": 1, "year": 12},
    Unit.years: {"decade": 10, "year": 1, "century": 100},
    Unit.percent: {"half": 50, "quarter": 25, "third": Decimal("33.3")},
    Unit.rank: {"most": 1, "largest": 1, "biggest": 1, "main": 1, "top": 1, "leading": 1},
}

_DIGITS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_WORDS = re.compile(r"[a-z]+")


def normalise(text: str) -> str:
    """Fold the differences copy-and-paste introduces: quote marks, dashes, spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class QuoteMatch:
    found: bool
    exact: bool
    line: int | None = None  # line of the source text where it starts


def find_quote(quote: str, source_text: str) -> QuoteMatch:
    at = source_text.find(quote)
    if at >= 0:
        return QuoteMatch(True, True, source_text.count("\n", 0, at) + 1)
    folded_quote = normalise(quote)
    if folded_quote and folded_quote in normalise(source_text):
        return QuoteMatch(True, False)
    return QuoteMatch(False, False)


def numbers_stated(quote: str, unit: Unit | None = None) -> set[Decimal]:
    """Every number a passage writes, in digits or in words."""
    text = normalise(quote).lower()
    found = {Decimal(m.group().replace(",", "")) for m in _DIGITS.finditer(text)}
    words = _WORDS.findall(text.replace("-", " "))
    unit_words = _UNIT_WORDS.get(unit, {}) if unit else {}
    for i, word in enumerate(words):
        stem = word[:-1] if word.endswith("s") and word[:-1] in unit_words else word
        if word in _WORD_NUMBERS and word not in ("a", "an", "single"):
            number = _WORD_NUMBERS[word]
            after = words[i + 1] if i + 1 < len(words) else ""
            if word in _TENS and after in _UNITS:
                number += _UNITS[after]
            found.add(Decimal(number))
        if stem in unit_words:
            before = words[i - 1] if i else ""
            count = _WORD_NUMBERS.get(before, 1)
            found.add(Decimal(str(unit_words[stem])) * count)
    return found


DIRECTION_WORDS = {
    Qualifier.less_than: re.compile(r"\b(declin\w*|decreas\w*|fell|fall(s|en)?|dropp?\w*|shr[ai]nk\w*|lower)\b", re.I),
    Qualifier.more_than: re.compile(r"\b(increas\w*|r[io]se|risen|grew|grow\w*|higher)\b", re.I),
}
"""A change stated only by its direction ("still declined") is a change of less (more) than 0 percent: its word."""


def states_value(o: Observation, unit: Unit | None) -> bool:
    if o.measure is Measure.change_pct and o.value == 0 and o.qualifier in DIRECTION_WORDS:
        return bool(DIRECTION_WORDS[o.qualifier].search(o.quote))
    stated = numbers_stated(o.quote, unit)
    wanted = [o.low, o.high] if o.qualifier is Qualifier.range else [o.value]
    return all(w is not None and abs(w) in stated for w in wanted)


@dataclass
class ProvenanceReport:
    errors: list[CsvError] = field(default_factory=list)
    notes: list[CsvError] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _quoted_rows(parsed: Mapping[str, ParsedTable]) -> Iterator[tuple[str, int, Observation | Event | ClaimInWords]]:
    model: type[Observation] | type[Event] | type[ClaimInWords]
    for model in (Observation, Event, ClaimInWords):
        p = parsed.get(model.table)
        if p is not None:
            yield from ((p.file, line, row) for row, line in zip(p.rows_of(model), p.lines))


def verify(parsed: Mapping[str, ParsedTable], source_text: str) -> ProvenanceReport:
    """Every quote found in the text; every observation's quote states its value."""
    report = ProvenanceReport()
    indicators = {r.indicator_id: r for r in parsed["indicators"].rows_of(Indicator)} if "indicators" in parsed else {}
    for file, line, row in _quoted_rows(parsed):
        report.checked += 1
        quote = row.quote
        match = find_quote(quote, source_text)
        if not match.found:
            report.errors.append(CsvError(file, line, "quote", quote[:80], "quote not found in the source text",
                                          ErrorCode.quote_missing))
            continue
        if not match.exact:
            report.notes.append(
                CsvError(file, line, "quote", quote[:80],
                         "found only after normalising quote marks, dashes or spaces; copy it exactly",
                         ErrorCode.quote_missing, level="note")
            )
        if isinstance(row, Observation):
            indicator = indicators.get(row.indicator_id)
            unit = indicator.unit if indicator is not None else None
            if not states_value(row, unit):
                figure = (f"{number_text(row.low)}-{number_text(row.high)}" if row.qualifier is Qualifier.range
                          else number_text(row.value))
                report.errors.append(
                    CsvError(file, line, "value", figure, f"the quote does not state {figure} in any written form",
                             ErrorCode.quote_missing)
                )
    return report


def read_source_text(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")
