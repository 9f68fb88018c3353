"""Other estimates beside a claim (ICSR's foreign fighters beside the recruit figures): notes, never verdicts.

A source of kind `estimates` publishes series that are not statistics: researchers' counts from
government figures, media and their own work. A claim whose series (its own or linked) include
such estimates gets one info note per claim (`checks` adds them to the flags), with one plain
sentence a briefer can paste: who said what, what the latest estimate shows and its date, and
why the figures can differ (the date, counting one year or all years so far, and who is counted).
Every estimate, with the range its publisher gives, is in the note's `numbers` and explanation.
"""

from __future__ import annotations

import datetime as dt
import re

from .dataset import Dataset
from .schema import Flag, Indicator, Measure, Severity, Source, SourceKind, flag_id
from .series_index import series_index
from .wording import claimant_of, figure, grouped, listing, written
from .schema import number_text


def _date(period: str) -> str:
    """2015-01-26 -> '26 Jan 2015'; a year or month as written."""
    if len(period) == 10:
        return dt.date.fromisoformat(period).strftime("%-d %b %Y")
    return period


def _plain(name: str) -> str:
    """An indicator's name as words in a sentence: 'nationals who joined ISIS'."""
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return bare[:1].lower() + bare[1:]


def _count(number) -> str:
    """1,150 or 14.5 as written, never 14.00."""
    text = number_text(number)
    return grouped(text.rstrip("0").rstrip(".") if "." in text else text)


def _amount(value, low, high) -> str:
    """'500', or '14 to 150' where the publisher gives a range (its midpoint is the value)."""
    return f"{_count(low)} to {_count(high)}" if low is not None and high is not None else _count(value)


def estimate_notes(dataset: Dataset) -> list[Flag]:
    """One note per claim that published estimates sit beside, the estimates in `numbers`."""
    index = series_index(dataset)
    sources, indicators = dataset.sources_by_id, dataset.indicators_by_id
    rows = {(v.indicator_id, v.entity, v.period, v.source_id): v for v in dataset.series_rows}
    out = []
    for o in dataset.observation_rows:
        if o.measure is not Measure.level:
            continue
        source = sources.get(o.source_id)
        if isinstance(source, Source) and source.kind is not SourceKind.text:
            continue
        found = []
        for key in [(o.indicator_id, o.entity), *index.links.get((o.indicator_id, o.entity), [])]:
            for readings in index.estimates.get(key, {}).values():
                for reading in readings.values():
                    publisher = sources.get(reading.source_id)
                    if isinstance(publisher, Source):
                        found.append((key, reading, publisher, rows[(*key, reading.period, reading.source_id)]))
        if not found:
            continue
        found.sort(key=lambda f: f[1].period)
        key, latest, publisher, row = found[-1]
        indicator, series_indicator = indicators.get(o.indicator_id), indicators.get(key[0])
        unit = indicator.unit if isinstance(indicator, Indicator) else None
        claimant = claimant_of(source, o.source_id)
        what = _plain(series_indicator.name if isinstance(series_indicator, Indicator) else key[0])
        counted = _plain(indicator.name if isinstance(indicator, Indicator) else o.indicator_id)
        gap = abs(int(o.period[:4]) - int(latest.period[:4]))
        apart = "the same year" if gap == 0 else f"{gap} year{'s' if gap > 1 else ''} apart"
        amount = _amount(latest.value, row.low, row.high)
        estimator = publisher.reporter or publisher.publisher
        sentence = (f"{claimant} gives {figure(o, unit)} for {o.entity} in {o.period} ({counted}); "
                    f"{estimator} estimated {amount} by {_date(latest.period)} ({what}, everyone counted so far): "
                    f"the figures can differ by date ({apart}), by counting one year or all years so far, "
                    f"and by who is counted.")
        each = listing(f"{_amount(r.value, v.low, v.high)} by {_date(r.period)}" for _, r, _, v in found)
        explanation = (f"{sentence} {estimator}’s estimates for {o.entity}: {each}; a range is the publisher’s, "
                       f"its midpoint the value drawn. Estimates are set beside the claim, never judged as statistics.")
        title = (f"{estimator} estimated {amount.replace(' to ', '–')} for {o.entity} by {_date(latest.period)}; "
                 f"{claimant}: {written(o, unit, with_unit=False)}")
        numbers = {"claim": {"obs_id": o.obs_id, "period": o.period, "value": written(o, unit, with_unit=False)},
                   "estimates": [{"source_id": r.source_id, "series": r.series, "period": r.period,
                                  "value": float(r.value), "low": None if v.low is None else float(v.low),
                                  "high": None if v.high is None else float(v.high)} for _, r, _, v in found]}
        out.append(Flag(id=flag_id("estimate_note", (o.obs_id,)), kind="estimate_note", severity=Severity.info,
                        title=title, explanation=explanation, sentence=sentence, obs_ids=(o.obs_id,),
                        source_ids=tuple(sorted({o.source_id, *(r.source_id for _, r, _, _ in found)})),
                        numbers=numbers))
    return out
