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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from ..csvfile import MAX_ERRORS, CsvError, ErrorCode
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


# --------------------------------------------------------------------------- bad input, bounded and in words


class ErrorLog:
    """An import's errors as the CSV path caps them: the first MAX_ERRORS kept, the rest only counted.

    A register of a million one-cell lines costs a thousand messages, not a million: what a preview
    returns is pickled to the server, cached and laid out as a table.
    """

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.kept: list[CsvError] = []
        self.more: Counter[str] = Counter()

    def append(self, error: CsvError) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(error)
        else:
            self.more[error.file] += 1

    def extend(self, errors: Iterable[CsvError]) -> None:
        for error in errors:
            self.append(error)

    def __len__(self) -> int:
        return len(self.kept) + sum(self.more.values())

    def __bool__(self) -> bool:
        return bool(self.kept)

    def __iter__(self):
        return iter(self.listed())

    def listed(self) -> list[CsvError]:
        """The kept errors, then one line counting the rest (as `csvfile.capped` words it)."""
        if not self.more:
            return list(self.kept)
        rest = sum(self.more.values())
        where = ", ".join(f"{n:,} in {f}" for f, n in self.more.most_common(5))
        first = next(iter(self.more))
        return self.kept + [CsvError(first, None, None, None, f"… and {rest:,} more errors ({where}); fix these first",
                                     ErrorCode.limit)]


_MORE = re.compile(r"… and ([0-9,]+) more errors")


def capped_errors(errors: Iterable[CsvError], limit: int = MAX_ERRORS) -> list[CsvError]:
    """Errors of several files together, capped like one import's; a file's count line adds to the count."""
    log = ErrorLog(limit)
    for error in errors:
        more = _MORE.match(error.message) if error.code is ErrorCode.limit else None
        if more:
            log.more[error.file] += int(more[1].replace(",", ""))
        else:
            log.append(error)
    return log.listed()


def validation_sentence(exc: ValidationError) -> str:
    """A Pydantic error as 'column: what was expected' (the first one; the model is the rule)."""
    first = exc.errors(include_url=False)[0]
    column = ".".join(str(p) for p in first.get("loc", ())) or exc.title
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    return f"{column}: {message}"


_UNEXPECTED = {
    "ParseError": "a part of it is not well-formed XML, or declares entities ({detail})",
    "BadZipFile": "the zip it is packed in is damaged ({detail})",
    "MemoryError": "reading it needed more memory than the server allows",
    "RecursionError": "it is nested too deeply to read",
}


def unreadable(file: str, exc: BaseException, expected: str) -> CsvError:
    """Any failure while importing a file as one sentence naming the file and what was expected.

    The last line of defence: every known bad input has its own sentence where it is read. The
    detail of an unknown failure goes to the server's log, never to the page (it may name server paths).
    """
    kind = type(exc).__name__
    if isinstance(exc, ValidationError):
        text = f"a value it holds cannot be written ({validation_sentence(exc)})"
    elif isinstance(exc, ArithmeticError):
        text = "a number in it is too large or too precise to compute with"
    elif kind in _UNEXPECTED:
        text = _UNEXPECTED[kind].format(detail=str(exc)[:120])
    else:
        logging.getLogger(__name__).error("importing %s failed", file, exc_info=exc)
        text = f"it could not be read ({kind})"
    return CsvError(file, None, None, None, f"{text}; expected {expected}. Nothing was imported.", ErrorCode.file)


def guarded(file: str, expected: str, work: Callable[[], ImportResult]) -> ImportResult:
    """work() for one downloaded file; whatever it raises becomes one error naming the file, never a traceback."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - the page and the CLI show a sentence, whatever the input
        return ImportResult(errors=[unreadable(file, exc, expected)])


_ELEMENT = re.compile(rb"<[A-Za-z_]")
PROLOG_BYTES = 1 << 20
"""How far into an XML part its root element must start (Excel's prologs are one line)."""


def workbook_xml_problem(data: bytes) -> str | None:
    """Why an .xlsx's XML would not be read as a workbook's: a part declaring a DTD (entities, external
    references: Excel never writes one), not in UTF-8, or with a prolog past PROLOG_BYTES; else None.

    Checked before any XML parser sees the parts, reading each only up to its root element.
    """
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as part:
                head = b""
                while len(head) <= PROLOG_BYTES:
                    chunk = part.read(1 << 16)
                    head += chunk
                    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                        return f"its part {info.filename} is not UTF-8 XML"
                    root = _ELEMENT.search(head)
                    prolog = head[: root.start()] if root else head
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        return f"its part {info.filename} declares a DTD or entities (<!DOCTYPE>), which no saved workbook has"
                    if root or not chunk:
                        break
                else:
                    return f"its part {info.filename} does not start its content within {PROLOG_BYTES:,} bytes"
    return None


def entity_problem(indicator_id: str, entity: str) -> str | None:
    """Why a name from a download cannot name a series of this indicator (too long, no letter or digit
    for its id), or None: found where the name is read, not later in the generated series.csv."""
    try:
        series_row(indicator_id, entity, "2011/2015", Decimal(0), False, "x")
    except ValidationError as exc:
        return validation_sentence(exc)
    return None


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
