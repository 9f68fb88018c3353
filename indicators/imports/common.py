"""What both importers share: their result, exact numbers, ids, ranks and shares, the indicators
they write, and which names are countries.

Which partner or recipient is a country (and may rank), its normalised name and its region
come from a maintained classification, the `country_converter` package (coco), never from a
list typed here. Regions group coco's UN M49 subregions as `regions.csv` beside this file says;
the indicators each importer writes are the rows of `indicator-templates.csv` beside it.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from ..csvfile import CsvError
from ..schema import CsvRow, Indicator, SeriesValue, Source

SHARE_DECIMALS = 2
"""A share is rounded half up to this many decimals of a percent (0.01 percentage point)."""

REGIONS_FILE = Path(__file__).with_name("regions.csv")
TEMPLATES_FILE = Path(__file__).with_name("indicator-templates.csv")
WORLD = "World"


@dataclass
class ImportResult:
    """What one or several downloads produce: rows for series.csv, indicators.csv and sources.csv."""

    series: list[SeriesValue] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def tables(self) -> dict[str, list[CsvRow]]:
        return {"series": list(self.series), "indicators": list(self.indicators), "sources": list(self.sources)}

    def extend(self, other: ImportResult) -> None:
        self.series += other.series
        self.indicators += [i for i in other.indicators if i.indicator_id not in {x.indicator_id for x in self.indicators}]
        self.sources += other.sources
        self.errors += other.errors
        self.notes += other.notes


def indicators_of(importer: str, id: str, country: str) -> list[Indicator]:
    """The indicators an importer writes for one country (a reporter or a supplier): its rows of
    `indicator-templates.csv`, with `{id}` and `{country}` filled in."""
    return [Indicator.model_validate({k: v.format(id=id, country=country) for k, v in row.items()})
            for row in _templates()[importer]]


@cache
def _templates() -> dict[str, list[dict[str, str]]]:
    with TEMPLATES_FILE.open(encoding="utf-8", newline="") as f:
        out: dict[str, list[dict[str, str]]] = {}
        for row in csv.DictReader(f):
            out.setdefault(row.pop("importer"), []).append(row)
        return out


def plain(number: Decimal) -> str:
    """A Decimal as a plain number with every digit it has, never in scientific notation."""
    text = format(number, "f")
    return text.removeprefix("-") if not number else text


def trimmed(number: Decimal) -> Decimal:
    """The same number without trailing zeros after the dot (no exponent: 1E+3 stays 1000)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part as a percent of whole, rounded half up to SHARE_DECIMALS."""
    return (part * 100 / whole).quantize(Decimal(1).scaleb(-SHARE_DECIMALS), rounding=ROUND_HALF_UP)


def ranks(values: Mapping[str, Decimal]) -> dict[str, int]:
    """Competition ranking (1 = largest; equal values share a rank, the next rank is skipped)."""
    ordered = sorted(values.values(), reverse=True)
    first = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in values.items()}


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def series_row(indicator_id: str, entity: str, period: str, value: Decimal, estimate: bool, source_id: str,
               note: str | None = None) -> SeriesValue:
    series_id = f"{indicator_id}-{slug(entity)}-{period.replace('/', '-')}"
    return SeriesValue.model_validate({
        "series_id": series_id, "indicator_id": indicator_id, "entity": entity, "period": period,
        "value": plain(value), "estimate": "true" if estimate else "false", "source_id": source_id,
        "note": note or "",
    })


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class Economy:
    """A country or territory with an ISO 3166 code, as coco knows it."""

    iso3: str
    name: str  # coco's short name: Russia, China, Vietnam, Hong Kong, South Korea
    un_subregion: str


@cache
def _converter():
    import country_converter as coco
    import pandas as pd
    from country_converter.country_converter import COUNTRY_DATA_FILE

    # coco 1.3.2 reads its own table with pandas' default missing-value words, and under
    # pandas 3 Namibia's ISO2 code "NA" becomes missing and the converter fails to start:
    # read the table as text here and hand it over.
    data = pd.read_csv(COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str, keep_default_na=False)
    for column in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete", "GEOnumeric"):
        if column in data:
            data[column] = pd.to_numeric(data[column].replace("", None)).astype("Int64")
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter(country_data=data)


@cache
def _economies() -> dict[str, Economy]:
    data = _converter().data
    return {row.ISO3: Economy(row.ISO3, row.name_short, row.UNregion)
            for row in data[["ISO3", "name_short", "UNregion"]].itertuples(index=False) if row.ISO3}


def economy_of(name: str) -> Economy | None:
    """The economy a name denotes, or None for an aggregate, a region, an organisation or a former state.

    When coco finds several (\"Aruba, Kingdom of the Netherlands\"), the part before the first
    comma decides.
    """
    return classify([name])[name]


def classify(names: Iterable[str]) -> dict[str, Economy | None]:
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    economies = _economies()
    found = _converter().convert(names, to="ISO3", not_found=None)
    if isinstance(found, str):
        found = [found]
    out: dict[str, Economy | None] = {}
    retry = []
    for name, code in zip(names, found):
        if isinstance(code, list):
            if "," in name:
                retry.append(name)
            else:
                out[name] = None  # ambiguous ("PIJ (Israel/Palestine)*"): not one economy
        else:
            out[name] = economies.get(code) if code != name else None
    if retry:
        heads = [n.split(",")[0] for n in retry]
        again = classify(heads)
        out.update({n: again[h] for n, h in zip(retry, heads)})
    return out


@cache
def region_of_subregion() -> dict[str, str]:
    with REGIONS_FILE.open(encoding="utf-8", newline="") as f:
        return {row["un_subregion"]: row["region"] for row in csv.DictReader(f)}
