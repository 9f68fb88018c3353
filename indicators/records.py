""""A record": a claim that its year's level is the highest so far, read against the official series.

A level claim whose quote calls its figure a record ("Russia actually exported a record 37.63
million tonnes") says two things: the figure (judged by verdicts.py like any level) and that no
earlier year was higher. The second is not a figure the verdict method can judge (it has no
interval of its own), so it gets a note computed from each reporter's full-year series (its own
or linked, as the verdict reads it): the claim year's published value against the highest of
the years before it, from the series' first full year. Info when the record holds in the
published series, a warning when an earlier year was higher. Part-years, months and dates are
never compared with a year.
"""

from __future__ import annotations

import re

from .dataset import Dataset
from .intervals import Interval
from .schema import Flag, Indicator, Measure, Severity, Source, SourceKind, flag_id
from .series_index import series_index
from .wording import capital, claimant_of, figure, possessive, stat_amount

RECORD = re.compile(r"\b(?:a|an all-time|the) record\b|\brecord (?:high|level|volume)\b|\ball-time high\b|"
                    r"\bhighest ever\b", re.I)
"""The words that make a level a record claim."""


def record_notes(dataset: Dataset, intervals: dict[str, Interval]) -> list[Flag]:
    """One note per level claim called a record, for each reporter whose full years cover its year."""
    index = series_index(dataset)
    sources, indicators = dataset.sources_by_id, dataset.indicators_by_id
    out = []
    for o in dataset.observation_rows:
        source = sources.get(o.source_id)
        if o.measure is not Measure.level or not RECORD.search(o.quote) or \
                (isinstance(source, Source) and source.kind is not SourceKind.text):
            continue
        indicator = indicators.get(o.indicator_id)
        unit = indicator.unit if isinstance(indicator, Indicator) else None
        name = indicator.name if isinstance(indicator, Indicator) else o.indicator_id
        year = o.period[:4]
        found = []
        for reporter, readings in sorted(index.for_claim((o.indicator_id, o.entity)).items()):
            years = {p: r for p, r in readings.items() if len(p) == 4 and p <= year}
            if year not in years or len(years) < 2:
                continue
            earlier = [r for p, r in years.items() if p < year]
            high = max(earlier, key=lambda r: (r.value, r.period))
            found.append((reporter, years[year], high, min(years)))
        if not found:
            continue
        claimant = claimant_of(source, o.source_id)
        stated = figure(o, unit)
        claim = intervals[o.obs_id]
        parts, numbers, holds_all = [], [], True
        for reporter, own, high, first in found:
            holds = own.value > high.value
            holds_all &= holds
            value, previous = stat_amount(float(own.value), unit), stat_amount(float(high.value), unit)
            above = claim.lo > float(high.value)
            if holds:
                part = (f"in {possessive(reporter)} statistics {year}’s {value} is the highest full-year figure "
                        f"from {first} to {year}, above the previous high of {previous} in {high.period}")
            else:
                part = (f"in {possessive(reporter)} statistics {year}’s {value} is not the highest full-year figure "
                        f"from {first} to {year}: {high.period} had {previous}")
            part += (f", and the {stated} stated is above {high.period}’s too" if above and holds
                     else f"; the {stated} stated is above it" if above
                     else f"; the {stated} stated is not above {high.period}’s")
            parts.append(part)
            numbers.append({"reporter": reporter, "source_id": own.source_id, "series": own.series, "period": year,
                            "value": float(own.value), "first": first, "highest_before": {
                                "period": high.period, "value": float(high.value)},
                            "holds": holds, "stated_above_previous_high": above})
        sentence = (f"{claimant} calls {year}’s {stated} ({name}) a record: " + "; ".join(parts) + ".")
        reporters = " and ".join(possessive(r) for r, *_ in found)
        title = (f"“A record” ({claimant}): {year} is the highest full year in {reporters} statistics" if holds_all
                 else f"“A record” ({claimant}): {year} is not the highest full year in {reporters} statistics")
        explanation = (f"{sentence} A record is read as a year's published value above every earlier full year "
                       f"of the same series; part-years are not compared.")
        out.append(Flag(
            id=flag_id("record_note", (o.obs_id,)), kind="record_note",
            severity=Severity.info if holds_all else Severity.warning, title=capital(title),
            explanation=explanation, sentence=sentence, obs_ids=(o.obs_id,),
            source_ids=tuple(sorted({o.source_id, *(own.source_id for _, own, _, _ in found)})),
            numbers={"record": numbers}))
    return out
