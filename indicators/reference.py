"""Reference series beside the claims: every official value with its unit and reporter, and a claim's series.

A claim (indicator_id, entity) is tested by the series rows with the same indicator_id and
entity, plus the rows of every (series_indicator_id, series_entity) that links.csv joins to it.
"""

from __future__ import annotations

import pandas as pd

from .dataset import Dataset
from .schema import Indicator, SeriesValue, Source

COLUMNS = ["indicator_id", "entity", "reporter", "period", "value", "unit", "estimate", "low", "high", "source_id",
           "series_id", "via_link"]


def _frame(dataset: Dataset, rows: list[tuple[SeriesValue, str]]) -> pd.DataFrame:
    indicators: dict = dataset.indicators_by_id
    sources: dict = dataset.sources_by_id
    records = []
    for v, via in rows:
        indicator, source = indicators.get(v.indicator_id), sources.get(v.source_id)
        records.append({
            "indicator_id": v.indicator_id, "entity": v.entity,
            "reporter": source.reporter if isinstance(source, Source) else "",
            "period": v.period, "value": format(v.value, "f"),
            "unit": indicator.unit.value if isinstance(indicator, Indicator) else "",
            "estimate": v.estimate, "low": "" if v.low is None else format(v.low, "f"),
            "high": "" if v.high is None else format(v.high, "f"), "source_id": v.source_id, "series_id": v.series_id, "via_link": via,
        })
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def series_table(dataset: Dataset, indicator_id: str | None = None) -> pd.DataFrame:
    """Every reference value (value as exact text), optionally of one indicator."""
    rows = [(v, "") for v in dataset.series_rows if indicator_id is None or v.indicator_id == indicator_id]
    return _frame(dataset, rows)


def claim_series(dataset: Dataset, indicator_id: str, entity: str) -> pd.DataFrame:
    """The series that test a claim: same indicator and entity, then those linked (via_link names the link)."""
    wanted: dict[tuple[str, str], str] = {(indicator_id, entity): ""}
    for link in dataset.link_rows:
        if (link.indicator_id, link.entity) == (indicator_id, entity):
            wanted.setdefault((link.series_indicator_id, link.series_entity), link.link_id)
    rows = [(v, wanted[(v.indicator_id, v.entity)]) for v in dataset.series_rows
            if (v.indicator_id, v.entity) in wanted]
    return _frame(dataset, rows)
