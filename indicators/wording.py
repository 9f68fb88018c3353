"""How a figure, a claimant, a qualifier and a citation are written: one home for the words.

The engine (checks, verdicts), the charts, the pages' summaries and the exports all say things
the same way because they say them with these functions. Escaping for a medium is elsewhere
(`text.md` for markdown, `charts.esc` for plotly labels): this module writes plain text.
"""

from __future__ import annotations

import re

from .intervals import INF, Interval, format_number

from .schema import UNIT_RULES, Measure, Observation, Qualifier, Source, SourceKind, Unit, number_text

PREFIX = {
    Qualifier.exact: "", Qualifier.approx: "≈", Qualifier.more_than: ">", Qualifier.at_least: "≥",
    Qualifier.less_than: "<", Qualifier.at_most: "≤", Qualifier.range: "",
}



def who(source: Source | None) -> str:
    if source is None:
        return "unknown source"
    if source.kind is SourceKind.statistics:
        name = short_name(source)
        return name if name.startswith(str(source.reporter)) else f"{source.reporter} ({name})"
    if source.claimed_by:
        return f"{source.claimed_by} (cited by {source.article_author})"
    return source.article_author


def short_name(source: Source) -> str:
    """A statistical dataset as a legend names it: 'IMF DOTS', 'SIPRI Arms Transfers Database'."""
    def acronym(text: str | None) -> str | None:
        found = re.search(r"\(([A-Z][A-Za-z]{1,9})\)\s*$", text or "")
        return found.group(1) if found else None

    publisher = acronym(source.publisher) or source.publisher
    dataset = acronym(source.dataset) or (source.dataset or "").split(",")[0]
    return dataset if dataset.startswith(publisher) else f"{publisher} {dataset}"


def citation(source: Source) -> str:
    """The footnote line of DESIGN.md: 'Liu Changmin, cited by Michal Makocki, “…”, China Analysis, ECFR (2016).'

    A statistical source: 'IMF, Direction of Trade Statistics (DOTS), reporter China, retrieved 2022-02-02.'"""
    if source.kind is SourceKind.statistics:
        url = f" {source.url}" if source.url else ""
        return (f"{source.publisher}, {source.dataset}, as {source.reporter} reports it" if source.reporter != "SIPRI"
                else f"{source.publisher}, {source.dataset}") + f", retrieved {source.retrieved}.{url}"
    lead = f"{source.claimed_by}, cited by {source.article_author}" if source.claimed_by else source.article_author
    work = f", {source.cited_work}" if source.cited_work and not source.claimed_by else ""
    return f"{lead}{work}, “{source.article}”, {source.publication}, {source.publisher} ({source.year})."


def unit_label(unit: Unit) -> str:
    return UNIT_RULES[unit].label


def written(o: Observation, unit: Unit | None = None, with_unit: bool = False) -> str:
    """The figure as the text writes it, with its qualifier: '>5,000', '≈1,000', '17–24'.

    Money and shares always carry their sign ($, %); other units only when asked
    (a chart's axis already names them, a headline card does not).
    """
    def fmt(d) -> str:
        whole, _, frac = number_text(d).partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "")
    if o.qualifier is Qualifier.range:
        body = f"{fmt(o.low)}–{fmt(o.high)}"
    else:
        body = PREFIX[o.qualifier] + fmt(o.value)
    if o.measure is Measure.change_pct:
        return body + "%"
    if o.measure is Measure.multiple:
        return body + "×"
    if unit is Unit.usd_bn:
        return f"${body}bn".replace("$>", ">$").replace("$≈", "≈$").replace("$<", "<$")
    if unit is Unit.percent:
        return body + "%"
    if with_unit and unit is Unit.rank:
        return f"rank {body}"
    if with_unit and unit is not None and unit is not Unit.count:
        return f"{body} {UNIT_RULES[unit].label}"
    return body


def reference_label(value, unit: Unit | None) -> str:
    """An official value as a chart labels it: '$67.95bn', '42.7%', '16th', '1,234 TIV'."""
    x = float(value)
    if unit is Unit.usd_bn:
        return f"${x:,.2f}bn"
    if unit is Unit.percent:
        return f"{x:.1f}%"
    if unit is Unit.rank:
        n = round(x)
        return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"




def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


QUALIFIER_WORDS = {
    Qualifier.exact: "", Qualifier.approx: "about ", Qualifier.more_than: "more than ",
    Qualifier.at_least: "at least ", Qualifier.less_than: "less than ", Qualifier.at_most: "at most ",
    Qualifier.range: "",
}


def grouped(text: str) -> str:
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = f"{int(whole.lstrip('-')):,}"
    return sign + digits + (f".{frac}" if frac else "")


def with_unit(number: str, unit: Unit | None, bare: bool = False) -> str:
    if unit is Unit.usd_bn:
        return number if bare else f"${number}bn"
    if unit is Unit.percent:
        return number if bare else f"{number}%"
    if unit is Unit.rank:
        return number if bare else f"rank {number}"
    if unit is None or unit is Unit.count:
        return number
    return number if bare else f"{number} {UNIT_RULES[unit].label}"



def whose(reporter: str) -> str:
    return reporter + ("’" if reporter.endswith("s") else "’s")


def listing(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"



def cited_who(source: Source | None, fallback: str) -> str:
    """'Liu Fenghua (cited by Duchâtel)', or the ECFR writer; the engine's short form of `who`."""
    if source is None:
        return fallback
    if source.kind is SourceKind.statistics:
        return who(source)
    writer = (source.article_author or "").split()[-1] if source.article_author else ""
    return f"{source.claimed_by} (cited by {writer})" if source.claimed_by else str(source.article_author)


def claimant_of(source: Source | None, fallback: str) -> str:
    if source is None:
        return fallback
    return source.claimed_by or source.article_author or source.reporter or fallback


def figure(o: Observation, unit: Unit | None) -> str:
    """The figure as a briefer would say it: '$69bn', 'about 1,000', 'a 28% decrease'."""
    if o.measure is Measure.change_pct:
        assert o.value is not None or o.qualifier is Qualifier.range
        if o.qualifier is Qualifier.range:
            return f"a change of {number_text(o.low)}% to {number_text(o.high)}%"
        word = "decrease" if o.value < 0 else "increase"
        return f"{QUALIFIER_WORDS[o.qualifier]}a {number_text(abs(o.value))}% {word}"
    if o.measure is Measure.multiple:
        amount = (f"{number_text(o.low)}–{number_text(o.high)}" if o.qualifier is Qualifier.range
                  else number_text(o.value))
        return f"{QUALIFIER_WORDS[o.qualifier]}{amount} times"
    if o.qualifier is Qualifier.range:
        return f"{with_unit(number_text(o.low), unit, bare=True)}–{with_unit(number_text(o.high), unit)}"
    return QUALIFIER_WORDS[o.qualifier] + with_unit(grouped(number_text(o.value)), unit)


def interval_words(interval: Interval, unit: Unit | None) -> str:
    """'$87.59bn to $90.21bn', 'more than 11.2%': an interval in words."""
    lo, hi = format_number(interval.lo), format_number(interval.hi)
    if interval.bounded:
        return f"{with_unit(lo, unit)} to {with_unit(hi, unit)}"
    if interval.lo == -INF and interval.hi == INF:
        return "any value"
    if interval.hi == INF:
        return ("more than " if interval.lo_open else "at least ") + with_unit(lo, unit)
    return ("less than " if interval.hi_open else "at most ") + with_unit(hi, unit)


def subject(indicator_name: str, entity: str, period: str) -> str:
    """'China–Russia bilateral trade (2015)', 'Share of Russian foreign trade (Europe, 2015)'."""
    return f"{indicator_name} ({period})" if entity in indicator_name else f"{indicator_name} ({entity}, {period})"
