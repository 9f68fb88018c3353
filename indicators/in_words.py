"""Claims in words beside the statistic they can be read as: the numbers and the reading, no verdict.

"Russia is only a minor supplier of technology to China" or "Damascus is one of Russia's major
trading partners" have a measurable core but set no threshold: "minor" and "major" are not numbers.
A verdict would be our threshold, not the author's; so the reading used (claims_in_words.csv) and what
each reporter's statistics give for it, with the entity's rank, are shown, and the reason no verdict
is given travels with them. The data is here; wording.py writes the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dataset import Dataset
from .schema import ClaimInWords, Unit
from .series_index import Reading, periods_for, series_index


@dataclass(frozen=True)
class WordsReading:
    """One reporter's figure for the reading, and the entity's rank in the same reporter's ranking."""

    reading: Reading
    rank: Reading | None
    ranked: int  # how many entities that ranking holds for the period


@dataclass(frozen=True)
class InWords:
    claim: ClaimInWords
    unit: Unit | None
    readings: tuple[WordsReading, ...]  # one per reporter that has the statistic for the claim's period


def in_words(dataset: Dataset) -> list[InWords]:
    index = series_index(dataset)
    out = []
    for claim in dataset.claim_in_words_rows:
        indicator = dataset.indicators_by_id.get(claim.indicator_id)
        by_reporter = index.series((claim.indicator_id, claim.entity))
        ranks = index.series((claim.rank_indicator_id, claim.entity)) if claim.rank_indicator_id else {}
        found = []
        for reporter, values in sorted(by_reporter.items()):
            period, _ = periods_for(values, claim.period)
            if period is None:
                continue
            rank = ranks.get(reporter, {}).get(period)
            ranked = _ranked(dataset, claim.rank_indicator_id, period, values[period].source_id) if rank else 0
            found.append(WordsReading(values[period], rank, ranked))
        out.append(InWords(claim, indicator.unit if indicator else None, tuple(found)))
    return out


def _ranked(dataset: Dataset, indicator_id: str | None, period: str, source_id: str) -> int:
    return sum(1 for s in dataset.series_rows
               if s.indicator_id == indicator_id and s.period == period and s.source_id == source_id)
