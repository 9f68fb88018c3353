"""Every table's columns and rules, written once.

The CSV loader, the error messages, the column docs and the engine's output all
derive from these models; nothing else may restate a column or a rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

# --------------------------------------------------------------------------- types


class ColumnRuleError(ValueError):
    """A rule across cells, naming the column a user should look at."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PERIOD_PATTERN = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
MAX_DIGITS, MAX_DECIMALS = 15, 20
"""Digits a number may have before and after the point: beyond any statistic (a workbook's binary
double, converted exactly, needs up to 20 decimals), within exact arithmetic."""
NUMBER_PATTERN = rf"^-?[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,{MAX_DECIMALS}}})?$"  # ASCII digits only
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_LONG_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def number_text(value: Decimal) -> str:
    """A number as a CSV cell holds it: positional, never '1.2E-7', so whatever is accepted reads back."""
    return format(value, "f")


def _plain_number(value: Any) -> Any:
    """Accept only numbers written as the text writes them: digits and one dot."""
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_RE.match(text):
            if re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
                raise ValueError(
                    f"write {text!r} without thousands separators, e.g. {text.replace(',', '')}"
                )
            if re.fullmatch(r"-?\d+,\d+", text):
                raise ValueError(f"use a dot for decimals: {text.replace(',', '.')}")
            if _LONG_NUMBER_RE.fullmatch(text):  # linear: cells are at most MAX_CELL_CHARS
                raise ValueError(f"a number has at most {MAX_DIGITS} digits before and {MAX_DECIMALS} after the point")
            raise ValueError(
                "expected a plain number such as 95, -28 or 37.63 "
                "(digits, an optional minus and one dot; no units, NaN or infinity)"
            )
        return text
    if isinstance(value, float):
        raise ValueError("give numbers as text so their written precision is kept")
    return value


def _real_calendar_period(value: str) -> str:
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real calendar date ({exc})") from None
    return value


def _window_in_order(value: str) -> str:
    if "/" in value:
        start, end = value.split("/")
        if start >= end:
            raise ValueError(f"{value!r}: a window runs from an earlier year to a later one, e.g. 2011/2015")
    return value


def _true_or_false(value: Any) -> Any:
    """Only the two words the CSVs write, so a file reads back exactly as it was written."""
    if isinstance(value, str):
        if value.strip() not in ("true", "false"):
            raise ValueError("expected true or false")
        return value.strip() == "true"
    return value


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


# --------------------------------------------------------------------------- vectorised twins
# Each custom validator has a twin over a whole column or table (see fastpath.py):
# it may flag a valid row, never pass an invalid one.

FIELD_TWINS: dict[Any, Any] = {}
MODEL_TWINS: dict[tuple[str, str], Any] = {}


def _unanchored(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def _number_twin(cells):
    return ~cells.str.fullmatch(_unanchored(NUMBER_PATTERN))


def _period_twin(cells):
    import pandas as pd

    shaped = cells.str.fullmatch(_unanchored(PERIOD_PATTERN))
    padded = cells.where(cells.str.len() != 4, cells + "-01-01")
    padded = padded.where(padded.str.len() != 7, padded + "-01")
    real = pd.to_datetime(padded.where(shaped, "1970-01-01"), format="%Y-%m-%d", errors="coerce").notna()
    return ~(shaped & real) | (cells.str[:4] == "0000")  # pandas accepts year 0, Python's date does not


def _always(cells):
    """Flag every non-empty cell: Pydantic decides (only small tables use these fields)."""
    return cells == cells


def _window_twin(cells):
    return cells.str.contains("/", regex=False) & ~(cells.str[:4] < cells.str[5:])


def _true_or_false_twin(cells):
    return ~cells.isin(["true", "false"])


FIELD_TWINS.update({_plain_number: _number_twin, _real_calendar_period: _period_twin, _split_ids: _always,
                    _window_in_order: _window_twin, _true_or_false: _true_or_false_twin})


def _text_rule(pattern: str, description: str, max_length: int | None = None) -> Any:
    """A text column's rule: the pattern it matches and what it means; an id also has a length."""
    return Field(pattern=pattern, description=description, min_length=None if max_length is None else 1,
                 max_length=max_length)


Slug = Annotated[str, _text_rule(
    SLUG_PATTERN, "a lowercase id of letters, digits and single hyphens (e.g. china-russia-trade)", max_length=64)]
SeriesId = Annotated[str, _text_rule(
    SLUG_PATTERN, "a lowercase id of letters, digits and single hyphens, at most 160 characters", max_length=160)]
Period = Annotated[str, _text_rule(PERIOD_PATTERN, "an ISO 8601 year, month or date (2015, 2016-07 or 2016-08-30)"),
                   AfterValidator(_real_calendar_period)]
SERIES_PERIOD_PATTERN = r"^[0-9]{4}(?:/[0-9]{4})?$"
SeriesPeriod = Annotated[
    str, _text_rule(SERIES_PERIOD_PATTERN, "a year (2015) or a window of years, first/last inclusive (2011/2015)"),
    AfterValidator(_window_in_order)]
Number = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    PlainSerializer(number_text, return_type=str, when_used="json"),
    Field(allow_inf_nan=False, description="a plain number as the text writes it (95, -28, 37.63)"),
]
Flag01 = Annotated[
    bool,
    BeforeValidator(_true_or_false),
    PlainSerializer(lambda b: "true" if b else "false", return_type=str, when_used="json"),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=2000)]


class Measure(StrEnum):
    level = "level"
    change_pct = "change_pct"
    multiple = "multiple"
    target = "target"


class Qualifier(StrEnum):
    exact = "exact"
    approx = "approx"
    more_than = "more_than"
    at_least = "at_least"
    less_than = "less_than"
    at_most = "at_most"
    range = "range"


class Unit(StrEnum):
    usd_bn = "usd_bn"
    million_tonnes = "million_tonnes"
    percent = "percent"
    count = "count"
    km = "km"
    hours = "hours"
    days = "days"
    months = "months"
    years = "years"
    pages = "pages"
    rank = "rank"
    tiv_mn = "tiv_mn"


class Category(StrEnum):
    trade = "trade"
    energy = "energy"
    security = "security"
    military = "military"
    infrastructure = "infrastructure"
    institutions = "institutions"
    other = "other"


class SourceKind(StrEnum):
    text = "text"
    statistics = "statistics"


class ClaimantType(StrEnum):
    analyst = "analyst"
    official = "official"
    media = "media"
    ecfr = "ecfr"


class Severity(StrEnum):
    conflict = "conflict"
    warning = "warning"
    info = "info"


class EventCategory(StrEnum):
    treaty = "treaty"
    summit = "summit"
    exercise = "exercise"
    attack = "attack"
    statement = "statement"
    institution = "institution"
    publication = "publication"
    other = "other"


@dataclass(frozen=True)
class UnitRule:
    """What a unit allows for levels and targets (changes and multiples are unitless)."""

    label: str
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = None
    whole: bool = False
    comparable: bool = True  # may carry change_pct / multiple


UNIT_RULES: dict[Unit, UnitRule] = {
    Unit.usd_bn: UnitRule("US$ billion"),
    Unit.million_tonnes: UnitRule("million tonnes"),
    Unit.percent: UnitRule("percent (a share, 0–100)", maximum=Decimal(100)),
    Unit.count: UnitRule("count", whole=True),
    Unit.km: UnitRule("km"),
    Unit.hours: UnitRule("hours"),
    Unit.days: UnitRule("days"),
    Unit.months: UnitRule("months"),
    Unit.years: UnitRule("years"),
    Unit.pages: UnitRule("pages", whole=True),
    Unit.rank: UnitRule("rank (1 = first)", minimum=Decimal(1), whole=True, comparable=False),
    Unit.tiv_mn: UnitRule("SIPRI TIV, millions (a volume of military capability, not money)"),
}

# --------------------------------------------------------------------------- rows


def refers_to(table: str, default: Any = ..., **kwargs: Any) -> Any:
    """A column holding ids of another table: the cross-table check reads this off the model."""
    return Field(default, json_schema_extra={"refers_to": table}, **kwargs)


def references(model: type[BaseModel]) -> dict[str, str]:
    """column -> the table whose ids it holds."""
    out = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "refers_to" in extra:
            out[name] = str(extra["refers_to"])
    return out


class CsvRow(BaseModel):
    """A row of one of the interchange CSVs; an empty cell means 'not given'."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    table: ClassVar[str]
    id_column: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _blank_cells_are_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())
            }
        return data

    @property
    def row_id(self) -> str:
        return getattr(self, self.id_column)


MODEL_TWINS[("CsvRow", "_blank_cells_are_missing")] = lambda frame: frame.index != frame.index  # '' is missing


class Source(CsvRow):
    """Who claims a figure and where the ECFR cites it (kind text), or a body of official statistics."""

    table: ClassVar[str] = "sources"
    id_column: ClassVar[str] = "source_id"

    TEXT_ONLY: ClassVar[tuple[str, ...]] = ("claimed_by_type", "article", "article_author", "publication")
    STATISTICS_ONLY: ClassVar[tuple[str, ...]] = ("dataset", "reporter", "retrieved")

    source_id: Slug
    kind: SourceKind = Field(
        SourceKind.text,
        description="text (a figure an article states; the default when empty) or statistics (an official dataset)",
    )
    claimed_by: ShortText | None = Field(
        None,
        description="the Chinese author, body or medium who claims the figure; empty when the ECFR writer states it",
    )
    claimed_by_type: ClaimantType | None = Field(
        None, description="analyst, official, media or ecfr; required for kind text, empty for statistics"
    )
    cited_work: ShortText | None = Field(None, description="the cited work's title, when the text names it")
    article: ShortText | None = Field(None, description="the ECFR article's title; required for kind text")
    article_author: ShortText | None = Field(None, description="the ECFR writer of the article; required for kind text")
    publication: ShortText | None = Field(None, description="e.g. China Analysis; required for kind text")
    publisher: ShortText = Field(description="e.g. ECFR, IMF, SIPRI")
    year: int = Field(ge=1900, le=2100, description="the publication year (for statistics, the release used)")
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)] | None = Field(
        None, description="an http(s) link to the article or the dataset"
    )
    dataset: ShortText | None = Field(
        None, description="the statistical dataset, e.g. Direction of Trade Statistics (DOTS); required for statistics"
    )
    reporter: ShortText | None = Field(
        None, description="whose statistics: the reporting country (China, Russia, Vietnam) or body (SIPRI); required for statistics"
    )
    definition: LongText | None = Field(None, description="what the statistics measure, and how they are defined")
    retrieved: Period | None = Field(None, description="when the data were retrieved (ISO 8601 date); required for statistics")

    @model_validator(mode="after")
    def _claimant_matches_type(self) -> Source:
        if self.kind is SourceKind.statistics:
            for column in self.STATISTICS_ONLY:
                if getattr(self, column) is None:
                    raise ColumnRuleError(column, f"{column} is required when kind is statistics")
            for column in ("claimed_by", "claimed_by_type"):
                if getattr(self, column) is not None:
                    raise ColumnRuleError(column, f"{column} must be empty when kind is statistics (the publisher states the figures)")
            return self
        for column in self.TEXT_ONLY:
            if getattr(self, column) is None:
                raise ColumnRuleError(column, f"{column} is required when kind is text")
        if self.claimed_by_type is ClaimantType.ecfr and self.claimed_by:
            raise ColumnRuleError("claimed_by", "claimed_by must be empty when claimed_by_type is ecfr (the ECFR writer states it)")
        if self.claimed_by_type is not ClaimantType.ecfr and not self.claimed_by:
            raise ColumnRuleError("claimed_by", f"claimed_by is required when claimed_by_type is {self.claimed_by_type.value}")
        return self


def _claimant_twin(f):
    statistics = f["kind"] == SourceKind.statistics.value
    text = ~statistics  # '' is text; an unknown kind is flagged by its own column check
    flag = statistics & ((f["claimed_by"] != "") | (f["claimed_by_type"] != ""))
    for column in Source.STATISTICS_ONLY:
        flag |= statistics & (f[column] == "")
    for column in Source.TEXT_ONLY:
        flag |= text & (f[column] == "")
    ecfr = f["claimed_by_type"] == ClaimantType.ecfr.value
    flag |= text & ((ecfr & (f["claimed_by"] != "")) | (~ecfr & (f["claimed_by"] == "")))
    return flag


MODEL_TWINS[("Source", "_claimant_matches_type")] = _claimant_twin


class Indicator(CsvRow):
    """What is measured, in which unit."""

    table: ClassVar[str] = "indicators"
    id_column: ClassVar[str] = "indicator_id"

    indicator_id: Slug
    name: ShortText = Field(description="a short title, e.g. China–Russia bilateral trade")
    unit: Unit = Field(description="the unit of a level: " + ", ".join(u.value for u in Unit))
    category: Category = Field(description=", ".join(c.value for c in Category))
    description: LongText | None = None
    basis: Slug | None = Field(
        None,
        description="for a rank or a share: the indicator whose values it ranks or divides (e.g. russia-trade); "
                    "the ranking charts draw those values (it may come with a later import)")


class Observation(CsvRow):
    """One figure as one source states it."""

    table: ClassVar[str] = "observations"
    id_column: ClassVar[str] = "obs_id"

    obs_id: Slug
    indicator_id: Slug = refers_to("indicators")
    entity: ShortText = Field(description="who or what the figure is about, e.g. China–Russia, Uzbekistan")
    period: Period
    measure: Measure = Field(description="level, change_pct, multiple or target")
    value: Number | None = Field(None, description="the figure as written; empty only for a range")
    qualifier: Qualifier = Field(description="exact, approx, more_than, at_least, less_than, at_most or range")
    low: Number | None = Field(None, description="lower end of a range")
    high: Number | None = Field(None, description="upper end of a range")
    base_period: Period | None = Field(None, description="period of the base of a change or multiple")
    base_indicator_id: Slug | None = refers_to("indicators", None, description="indicator of the base, when it is another one")
    base_entity: ShortText | None = Field(None, description="entity of the base, when it is another one")
    source_id: Slug = refers_to("sources")
    quote: Annotated[str, Field(min_length=8, max_length=500)] = Field(
        description="the verbatim passage of the source text that states the figure"
    )
    note: LongText | None = None
    other_periods: Annotated[tuple[Period, ...], BeforeValidator(_split_ids)] = Field(
        default_factory=tuple,
        description="other years the text may mean when it gives none, separated by ';' (e.g. 2016 beside a "
                    "period of 2015); a change's or multiple's base moves with the period. The verdict is "
                    "indeterminate when the readings disagree")

    @model_validator(mode="after")
    def _consistent(self) -> Observation:
        if self.qualifier is Qualifier.range:
            if self.low is None or self.high is None:
                raise ColumnRuleError("low" if self.low is None else "high", "a range needs both low and high")
            if self.value is not None:
                raise ColumnRuleError("value", "a range gives low and high; leave value empty")
            if self.low > self.high:
                raise ColumnRuleError("low", f"low ({self.low}) is greater than high ({self.high})")
        else:
            if self.value is None:
                raise ColumnRuleError("value", f"value is required when qualifier is {self.qualifier.value}")
            if self.low is not None or self.high is not None:
                raise ColumnRuleError("low" if self.low is not None else "high", "low and high are only for qualifier range")
        base = (self.base_period, self.base_indicator_id, self.base_entity)
        if self.measure in (Measure.change_pct, Measure.multiple):
            if not any(base):
                raise ColumnRuleError(
                    "base_period",
                    f"a {self.measure.value} needs a base: base_period, base_indicator_id or base_entity"
                )
            if self.base_key() == self.key():
                raise ColumnRuleError("base_period", "the base of a change or multiple cannot be the row's own figure")
            lowest = self.low if self.value is None else self.value
            if self.measure is Measure.change_pct and lowest is not None and lowest <= -100:
                raise ColumnRuleError("value", "a decrease cannot reach or exceed 100 percent")
            if self.measure is Measure.multiple and lowest is not None and lowest <= 0:
                raise ColumnRuleError("value", "a multiple must be greater than 0")
        elif any(base):
            raise ColumnRuleError("base_period", f"a {self.measure.value} has no base: leave base_period, base_indicator_id and base_entity empty")
        if self.period in self.other_periods:
            raise ColumnRuleError("other_periods", f"other_periods repeats the row's own period {self.period}")
        if self.other_periods and not all(len(p) == len(self.period) for p in self.other_periods):
            raise ColumnRuleError("other_periods", "other_periods are written like the period (a year beside a year)")
        return self

    def key(self) -> tuple[str, str, str]:
        return (self.indicator_id, self.entity, self.period)

    def base_key(self) -> tuple[str, str, str]:
        return (
            self.base_indicator_id or self.indicator_id,
            self.base_entity or self.entity,
            self.base_period or self.period,
        )


def _consistent_twin(f):
    import pandas as pd

    def number(column):
        return pd.to_numeric(column.where(column != ""), errors="coerce")

    is_range = f["qualifier"] == Qualifier.range.value
    value, low, high = f["value"], f["low"], f["high"]
    flag = is_range & ((low == "") | (high == "") | (value != ""))
    flag |= ~is_range & ((value == "") | (low != "") | (high != ""))
    if is_range.any():  # numbers are parsed only where a rule compares them
        r = f[is_range]
        flag[is_range] |= number(r["low"]) > number(r["high"])
    relative = f["measure"].isin([Measure.change_pct.value, Measure.multiple.value])
    bp, bi, be = f["base_period"], f["base_indicator_id"], f["base_entity"]
    has_base = (bp != "") | (bi != "") | (be != "")
    flag |= ~relative & has_base
    flag |= f["other_periods"] != "" if "other_periods" in f else False  # rare: Pydantic decides
    if relative.any():
        r = f[relative]
        own = (((r["base_indicator_id"] == "") | (r["base_indicator_id"] == r["indicator_id"]))
               & ((r["base_entity"] == "") | (r["base_entity"] == r["entity"]))
               & ((r["base_period"] == "") | (r["base_period"] == r["period"])))
        lowest = number(r["low"].where(r["qualifier"] == Qualifier.range.value, r["value"]))
        flag[relative] |= (~has_base[relative] | own
                           | ((r["measure"] == Measure.change_pct.value) & (lowest <= -100))
                           | ((r["measure"] == Measure.multiple.value) & (lowest <= 0)))
    return flag


MODEL_TWINS[("Observation", "_consistent")] = _consistent_twin


class EditorialFlag(CsvRow):
    """A flag the arithmetic cannot compute, written by an editor."""

    table: ClassVar[str] = "flags"
    id_column: ClassVar[str] = "flag_id"

    flag_id: Slug
    severity: Severity = Field(description="conflict, warning or info")
    obs_ids: Annotated[list[Slug], BeforeValidator(_split_ids), Field(min_length=1)] = refers_to(
        "observations", description="the observations concerned, separated by ';'"
    )
    title: ShortText
    explanation: LongText
    source_id: Slug | None = refers_to("sources", None)


class Event(CsvRow):
    """A dated event for the timeline."""

    table: ClassVar[str] = "events"
    id_column: ClassVar[str] = "event_id"

    event_id: Slug
    date: Period
    end_date: Period | None = Field(None, description="for events that last, the last period")
    title: ShortText
    category: EventCategory = Field(description=", ".join(c.value for c in EventCategory))
    source_id: Slug = refers_to("sources")
    quote: Annotated[str, Field(min_length=8, max_length=500)] = Field(
        description="the verbatim passage of the source text that dates the event"
    )
    note: LongText | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Event:
        if self.end_date is not None and self.end_date[:4] < self.date[:4]:
            raise ColumnRuleError("end_date", f"end_date {self.end_date} is before date {self.date}")
        return self


MODEL_TWINS[("Event", "_ends_after_start")] = lambda f: (f["end_date"] != "") & (f["end_date"].str[:4] < f["date"].str[:4])


class SeriesValue(CsvRow):
    """One value of an official statistic (kind statistics source); its unit comes from the indicator."""

    table: ClassVar[str] = "series"
    id_column: ClassVar[str] = "series_id"

    series_id: SeriesId
    indicator_id: Slug = refers_to("indicators")
    entity: ShortText = Field(
        description="the partner, recipient or region the value is about, named as the claims name it (Russia, Vietnam, World)"
    )
    period: SeriesPeriod
    value: Number = Field(description="the value as a plain decimal number, exact (no scientific notation)")
    estimate: Flag01 = Field(description="true when the publisher marks the value as an estimate, else false")
    source_id: Slug = refers_to("sources", description="a source of kind statistics; it names the reporter")
    note: LongText | None = Field(None, description="how the value was derived, when the indicator does not say")


class SeriesLink(CsvRow):
    """A claim's figure and the reference series that tests it, when their indicator or entity differ."""

    table: ClassVar[str] = "links"
    id_column: ClassVar[str] = "link_id"

    link_id: Slug
    indicator_id: Slug = refers_to("indicators", description="the claim's indicator (observations.csv)")
    entity: ShortText = Field(description="the claim's entity, e.g. China–Russia")
    series_indicator_id: Slug = refers_to("indicators", description="the reference series' indicator (series.csv)")
    series_entity: ShortText = Field(description="the reference series' entity, e.g. Russia")
    note: LongText | None = Field(None, description="why the two measure the same thing, and how they differ")


class Membership(CsvRow):
    """A country's membership of a group (the EU, the euro area, the SCO …) from one date to another.

    A claim about a group is compared with the group built from its members as they stood in the
    claim's period, never with a publisher's aggregate row, whose membership may be today's."""

    table: ClassVar[str] = "memberships"
    id_column: ClassVar[str] = "membership_id"

    membership_id: Slug
    group: ShortText = Field(description="the group as links.csv and the claims name it, e.g. European Union")
    member: ShortText = Field(description="the member as series.csv names it, e.g. United Kingdom")
    joined: Period = Field(description="the day membership began (ISO 8601 date)")
    left: Period | None = Field(None, description="the day membership ended; empty while it lasts")
    basis: ShortText = Field(description="where the membership and its dates come from, e.g. country_converter EU28")

    @model_validator(mode="after")
    def _left_after_joined(self) -> Membership:
        if self.left is not None and self.left <= self.joined:
            raise ColumnRuleError("left", f"left {self.left} is not after joined {self.joined}")
        return self


MODEL_TWINS[("Membership", "_left_after_joined")] = lambda f: (f["left"] != "") & (f["left"] <= f["joined"])


TABLES: dict[str, type[CsvRow]] = {
    m.table: m for m in (Source, Indicator, Observation, EditorialFlag, Event, SeriesValue, SeriesLink, Membership)
}
REQUIRED_TABLES = ("sources", "indicators", "observations")


def columns(model: type[CsvRow]) -> list[str]:
    return list(model.model_fields)


def describe_columns(model: type[CsvRow]) -> list[dict[str, str]]:
    """Column docs for the README and the Data page, read off the model."""
    rows = []
    for name, field in model.model_fields.items():
        rows.append(
            {
                "column": name,
                "required": "yes" if field.is_required() else "no",
                "description": field.description or "",
            }
        )
    return rows


# --------------------------------------------------------------------------- engine output

FlagKind = Literal[
    "value_conflict", "change_mismatch", "implied_value", "target_outcome", "editorial", "corroborated",
    "reference_check",
]
Verdict = Literal["consistent", "near", "inconsistent", "indeterminate", "met", "missed", "pending"]
"""What official statistics say of a claim (indicators/verdicts.py; README "How claims are judged"):
claims of fact are consistent, near, inconsistent or indeterminate; targets are met, missed or pending."""


class Flag(BaseModel):
    """One finding of the consistency engine, ready to read aloud."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: FlagKind
    severity: Severity
    title: str
    explanation: str
    obs_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    numbers: dict[str, Any] = Field(default_factory=dict)
    verdict: Verdict | None = Field(
        None, description="reference_check only: what official statistics say of the claim (see Verdict)")
    sentence: str = Field("", description="one plain sentence a briefer can paste: who said what, what the "
                                          "statistics show, for which year and reporter; the arithmetic is in "
                                          "explanation and numbers")


def flag_id(kind: FlagKind, obs_ids: Sequence[str]) -> str:
    """A Flag's id, stable across runs and revisions: the kind and the observations in their roles."""
    digest = hashlib.sha1("|".join(obs_ids).encode()).hexdigest()[:10]
    return f"{kind}-{digest}"
