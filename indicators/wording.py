"""How a figure, a claimant, a qualifier and a citation are written: one home for the words.

The engine (checks, verdicts), the charts, the pages' summaries and the exports all say things
the same way because they say them with these functions. Escaping for a medium is elsewhere
(`text.md` for markdown, `charts.esc` for plotly labels): this module writes plain text.
"""

from __future__ import annotations

import re

from .intervals import APPROX_TOLERANCE, INF, Interval, format_number
from .verdicts import REVISION_TOLERANCE

from .schema import UNIT_RULES, Measure, Observation, Qualifier, Source, SourceKind, Unit, number_text

PREFIX = {
    Qualifier.exact: "", Qualifier.approx: "≈", Qualifier.more_than: ">", Qualifier.at_least: "≥",
    Qualifier.less_than: "<", Qualifier.at_most: "≤", Qualifier.range: "",
}



def who(source: Source | None) -> str:
    if source is None:
        return "unknown source"
    if source.kind is SourceKind.estimates:  # researchers' estimates: named as such, never as statistics
        return whose(str(source.reporter or source.publisher)) + " estimates"
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

    A statistical source: 'IMF, Direction of Trade Statistics (DOTS), reporter China, retrieved 2022-02-02.'
    Published estimates say they are estimates: 'ICSR …, ICSR estimates of …: estimates, not statistics; retrieved 2016.'"""
    if source.kind is SourceKind.estimates:
        return (f"{source.publisher}, {source.dataset}: estimates, not statistics; retrieved {source.retrieved}."
                + (f" {source.url}" if source.url else ""))
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
    label = UNIT_RULES[unit].label
    if number == "1" and label.endswith("s") and " " not in label:  # 1 year, 1 day, not '1 years'
        label = label[:-1]
    return number if bare else f"{number} {label}"



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
    if source.kind in (SourceKind.statistics, SourceKind.estimates):
        return who(source)
    writer = (source.article_author or "").split()[-1] if source.article_author else ""
    return f"{source.claimed_by} (cited by {writer})" if source.claimed_by else str(source.article_author)


def claimant_of(source: Source | None, fallback: str) -> str:
    if source is None:
        return fallback
    return source.claimed_by or source.article_author or source.reporter or fallback


DIRECTION_WORDS = {
    Qualifier.less_than: "a decrease", Qualifier.at_most: "a decrease or no change",
    Qualifier.more_than: "an increase", Qualifier.at_least: "an increase or no change",
    Qualifier.exact: "no change", Qualifier.approx: "little or no change",
}
"""A change of 0% with its qualifier is a direction: 'less than a 0% increase' is said 'a decrease'."""


def figure(o: Observation, unit: Unit | None) -> str:
    """The figure as a briefer would say it: '$69bn', 'about 1,000', 'a 28% decrease'."""
    if o.measure is Measure.change_pct:
        assert o.value is not None or o.qualifier is Qualifier.range
        if o.qualifier is Qualifier.range:
            return f"a change of {number_text(o.low)}% to {number_text(o.high)}%"
        if o.value == 0:  # a direction alone ("still declined" is a change of less than 0%)
            return DIRECTION_WORDS[o.qualifier]
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


# --------------------------------------------------------------------------- verdicts in words
# A verdict is data (verdicts.Judgement); these write it as one sentence a briefer can paste,
# a short title, and the arithmetic. Nothing here decides anything.

VERDICT_WORDS = {
    "consistent": "matches the statistics",
    "near": "is close to the statistics (within what later revisions change)",
    "inconsistent": "does not match the statistics",
    "indeterminate": "depends on the year meant (the text gives none)",
    "met": "target met",
    "missed": "target missed",
    "pending": "target pending (no statistics yet)",
}
"""Each verdict in a few words: filters, headline cards and tables."""


def possessive(name: str) -> str:
    return whose(name)


def period_words(period: str) -> str:
    """'2015', or '2011–2015' for a five-year window."""
    return period.replace("/", "–")


def claim_words(o: Observation, unit: Unit | None) -> str:
    """A figure after a possessive: 'Chen Yu’s 40% decrease', 'Liu Fei’s multiple of 5', 'a rank of at most 10'."""
    if o.measure is Measure.change_pct:
        if o.value == 0 and o.qualifier is not Qualifier.range:
            return "claim of " + figure(o, unit) if o.qualifier in (Qualifier.exact, Qualifier.approx) \
                else figure(o, unit).removeprefix("an ").removeprefix("a ")
        return figure(o, unit).removeprefix("a ").replace("about a ", "about ").replace("than a ", "than ")\
            .replace("least a ", "least ").replace("most a ", "most ")
    if o.measure is Measure.multiple:
        return "multiple of " + figure(o, unit).removesuffix(" times")
    if unit is Unit.rank:
        if o.qualifier is Qualifier.at_most and o.value is not None:
            return f"claim that {o.entity} is among the top {number_text(o.value)}"
        if o.qualifier is Qualifier.exact and o.value is not None:
            return f"claim that {o.entity} ranks {ordinal(int(o.value))}"
        bound = QUALIFIER_WORDS[o.qualifier]
        n = number_text(o.value) if o.value is not None else f"{number_text(o.low)}–{number_text(o.high)}"
        return f"rank of {bound}{n}"
    return figure(o, unit)


def stat_amount(x: float, unit: Unit | None) -> str:
    """An official value as a sentence writes it: '$63.55bn', '44.84%', '16th', '1,234 TIV million'."""
    if unit is Unit.rank:
        return ordinal(round(x))
    if unit is Unit.usd_bn:
        return f"${x:,.2f}bn"
    if unit is Unit.percent:
        return f"{x:.2f}%"
    if unit is Unit.tiv_mn:
        return f"{x:,.0f} TIV million"
    if unit is None or unit is Unit.count:
        return f"{x:,.0f}" if x == round(x) else f"{x:,.2f}"
    return f"{x:,.2f} {UNIT_RULES[unit].label}"


def signed_percent(x: float) -> str:
    return f"{x:+.1f}%".replace("-", "−")


def group_words(reading) -> str:
    """' for the European Union of 2015, 28 members' for a value built from members, else ''."""
    g = reading.group
    return "" if g is None else f" for the {g.name} of {g.as_of}, {len(g.members)} members"


def headline_value(c, measure: Measure, unit: Unit | None) -> str:
    """A reporter's figure alone: '$63.55bn', '−28.1%', '3.71 times', '16th'."""
    if measure is Measure.change_pct:
        return signed_percent(c.value)
    if measure is Measure.multiple:
        return f"{c.value:.2f} times"
    return stat_amount(c.value, unit)


def comparison_value(c, measure: Measure, unit: Unit | None, base_unit: Unit | None = None) -> str:
    """What one reporter's statistics give: '$63.55bn', '−28.1%: $88.35bn in 2014 to $63.55bn in 2015'."""
    head = headline_value(c, measure, unit)
    if measure not in (Measure.change_pct, Measure.multiple):
        return head + group_words(c.readings[0])
    new, old = c.readings
    new_entity, old_entity = new.series.split("/", 1)[1], old.series.split("/", 1)[1]
    if new_entity != old_entity:
        def side(r, entity: str, u) -> str:
            return stat_amount(float(r.value), u) + (group_words(r) or f" for {entity}")
        return f"{head}: {side(new, new_entity, unit)} against {side(old, old_entity, base_unit or unit)}"
    return (f"{head}: {stat_amount(float(old.value), base_unit or unit)} in {period_words(old.period)} to "
            f"{stat_amount(float(new.value), unit)} in {period_words(new.period)}{group_words(new)}")


def _label(name: str, entity: str, period: str) -> str:
    return f"{name}, {period}" if entity in name else f"{name}: {entity}, {period}"


def _statistics_of(c, j, base_unit) -> str:
    """'Russia’s statistics for 2015 ($63.55bn)', with a neighbouring period that would have fitted."""
    window = "/" in c.period and "/" not in j.observation.period
    when = f"for {period_words(c.period)}"
    value = comparison_value(c, j.observation.measure, j.unit, base_unit)
    if c.outcome == "outside":
        fitting = [n for n in c.neighbours if j.claim.contains(float(n.value))]
        if fitting:
            value += "; " + ", ".join(f"{stat_amount(float(n.value), j.unit)} in {period_words(n.period)}"
                                      for n in fitting)
    if (c.readings[0].note or "").startswith("region:"):  # SIPRI publishes no such region: the importer groups it
        value += ", for a region grouped here from UN subregions"
    if window:
        return f"{possessive(c.reporter)} statistics for {period_words(c.period)} ({value}), the five-year period {c.reporter} compares"
    return f"{possessive(c.reporter)} statistics {when} ({value})"


def _others(cs, j, base_unit) -> str:
    return "".join(f"; {possessive(c.reporter)} own: {comparison_value(c, j.observation.measure, j.unit, base_unit)}"
                    for c in cs)


def _near_words(c, j) -> str:
    side = "below" if c.value < j.claim.lo else "above"
    edge = j.claim.lo if side == "below" else j.claim.hi
    pct = abs(c.gap / edge) * 100 if edge else 0.0
    return (f"{pct:.1f}% {side} what {figure(j.observation, j.unit)} allows as written, within the "
            f"{REVISION_TOLERANCE:.0%} later releases may revise")


def _round_words(j, c) -> str:
    """The claim read as a round figure, said only when that reading exists."""
    if j.round_claim is None or c is None or c.round_fits is None:
        return ""
    lo, hi = format_number(j.round_claim.lo), format_number(j.round_claim.hi)
    if j.target:
        return (f" Even allowing {APPROX_TOLERANCE:.0%} (from {with_unit(lo, j.unit)}), it was "
                + ("met." if c.round_fits else "still missed."))
    span = (f"{lo}% to {hi}%" if j.observation.measure is Measure.change_pct
            else f"{with_unit(lo, j.unit)} to {with_unit(hi, j.unit)}")
    if c.round_fits:
        return f" Read as a round figure ({span}), it holds."
    gap = max(j.round_claim.lo - c.value, c.value - j.round_claim.hi)
    if gap <= abs(c.value) * REVISION_TOLERANCE:  # outside only by what a revision could change
        return (f" Read as a round figure ({span}), it misses only narrowly "
                f"({headline_value(c, j.observation.measure, j.unit)}).")
    return f" Read as a round figure ({span}), it does not hold either."


def verdict_sentence(j, claimant: str, name: str, base_unit: Unit | None = None) -> str:
    """One plain sentence: who said what, what the statistics show, for which year and reporter, with units."""
    o = j.observation
    label = _label(name, o.entity, period_words(o.period))
    if j.joint:
        return _joint_sentence(j, claimant, name)
    fig = figure(o, j.unit)
    if j.verdict == "pending":
        return (f"The {fig} target for {label.replace(', ' + period_words(o.period), '')} in {period_words(o.period)}, "
                f"set by {claimant}, is pending: no statistics cover {period_words(o.period)} yet.")
    if j.target:
        first = j.main.comparisons[0] if j.main.comparisons else None
        parts = ", ".join(f"{possessive(c.reporter)} {'statistics give ' if n == 0 else ''}"
                          f"{comparison_value(c, o.measure, j.unit)}" for n, c in enumerate(j.main.comparisons))
        return (f"The {fig} target for {label.replace(', ' + period_words(o.period), '')} in {period_words(o.period)}, "
                f"set by {claimant}, was {j.verdict}: {parts}." + _round_words(j, first))
    if o.measure is Measure.multiple and o.base_entity and o.base_entity != o.entity:
        label = f"{name}: {o.entity} against {o.base_entity}, {period_words(o.period)}"  # what is multiplied
    if len(j.readings) > 1 and j.verdict == "indeterminate":  # the year is what the text leaves open
        label = name if o.entity in name else f"{name}: {o.entity}"
    lead = f"{possessive(claimant)} {claim_words(o, j.unit)} ({label})"
    if len(j.readings) > 1:
        return _readings_sentence(j, lead, base_unit)
    return f"{lead} {_reading_clause(j, j.main, base_unit)}"


def _reading_clause(j, r, base_unit) -> str:
    fits = [c for c in r.comparisons if c.reporter in r.follows]
    others = [c for c in r.comparisons if c.reporter not in r.follows]
    first = fits[0] if fits else (r.comparisons[0] if r.comparisons else None)
    if r.verdict == "consistent":
        return ("matches " + " and ".join(_statistics_of(c, j, base_unit) for c in fits)
                + _others(others, j, base_unit) + "." + _round_words(j, first))
    if r.verdict == "near":
        c = fits[0]
        return (f"is close to {_statistics_of(c, j, base_unit)}: {_near_words(c, j)}"
                + _others(others, j, base_unit) + "." + _round_words(j, first))
    parts = [_statistics_of(c, j, base_unit) for c in r.comparisons]
    return "does not match " + parts[0] + "".join(f", nor {p}" for p in parts[1:]) + "." + _round_words(j, first)


def _readings_sentence(j, lead: str, base_unit) -> str:
    """A claim with no stated year: each reporter's value under each plausible year, or, when the readings
    agree, the verdict of the claim's own year with the other years' values beside it."""
    measure = j.observation.measure
    ordered = sorted(j.readings, key=lambda r: r.period)

    def when(r, c) -> str:
        if measure in (Measure.change_pct, Measure.multiple):
            return f"{period_words(c.readings[1].period)} to {period_words(c.period)}"
        return period_words(c.period)

    if j.verdict != "indeterminate":
        follows = set(j.main.follows) or {c.reporter for c in j.main.comparisons}
        others = "; ".join(f"{headline_value(c, measure, j.unit)} for {when(r, c)}"
                           for r in ordered if r is not j.main for c in r.comparisons if c.reporter in follows)
        clause = _reading_clause(j, j.main, base_unit).removesuffix(".")
        round_words = _round_words(j, j.main.comparisons[0])
        clause = clause.removesuffix(round_words.removesuffix(".")).removesuffix(".") if round_words else clause
        return f"{lead} {clause}, and the same whichever year is meant ({others})." + round_words
    reporters = list(dict.fromkeys(c.reporter for r in ordered for c in r.comparisons))
    parts = []
    for reporter in reporters:
        values = [f"{headline_value(c, measure, j.unit)} for {when(r, c)} ({VERDICT_SHORT[FACT_OF[c.outcome]]})"
                  for r in ordered for c in r.comparisons if c.reporter == reporter]
        parts.append(f"{possessive(reporter)} statistics give " + ", ".join(values))
    return f"{lead} gives no year, and the plausible years disagree: " + "; ".join(parts) + "."


FACT_OF = {"within": "consistent", "near": "near", "outside": "inconsistent"}


VERDICT_SHORT = {"consistent": "matches", "near": "close", "inconsistent": "does not match",
                 "met": "met", "missed": "missed", "pending": "pending", "indeterminate": "depends on the year"}

SMALL_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _joint_sentence(j, claimant: str, name: str) -> str:
    o = j.observation
    claim = (f"{possessive(claimant)} claim that {joint_claim(j)} ({name}, {period_words(o.period)})")
    return f"{claim} {joint_brief(j)}."


def joint_claim(j) -> str:
    """'Vietnam and Venezuela are the two largest'."""
    k = SMALL_NUMBERS.get(len(j.joint), str(len(j.joint)))
    return f"{listing(m.entity for m in j.joint)} are the {k} largest"


def joint_brief(j) -> str:
    """'does not match SIPRI’s statistics for 2011–2015: the two largest were India and Vietnam; Venezuela was 6th'."""
    k = SMALL_NUMBERS.get(len(j.joint), str(len(j.joint)))
    c = j.main.comparisons[0] if j.main.comparisons else None
    reporter = c.reporter if c else "the"
    when = period_words(c.period) if c else period_words(j.observation.period)
    leaders = listing(e for e, _ in j.leaders) if j.leaders else "none"
    if j.verdict == "consistent":
        return f"matches {possessive(reporter)} statistics for {when}: the {k} largest were {leaders}"
    missing = "; ".join(f"{m.entity} was {ordinal(round(m.value))}" if m.value is not None else f"{m.entity} is not ranked"
                        for m in j.joint if not m.within)
    return f"does not match {possessive(reporter)} statistics for {when}: the {k} largest were {leaders}; {missing}"


def verdict_brief(j) -> str:
    """The verdict after the figure: 'matches Russia’s statistics ($63.55bn)', 'missed: China $67.95bn, …'."""
    o = j.observation
    r = j.main
    if j.joint:
        return (f"{VERDICT_SHORT[j.verdict]} {possessive(r.comparisons[0].reporter)} statistics"
                if r.comparisons else VERDICT_WORDS[j.verdict])
    if j.target:
        if j.verdict == "pending":
            return "pending"
        return f"{j.verdict}: " + ", ".join(f"{c.reporter} {headline_value(c, o.measure, j.unit)}" for c in r.comparisons)
    if j.verdict == "indeterminate":
        return "depends on the year meant (" + "; ".join(
            f"{period_words(x.period)} {VERDICT_SHORT[x.verdict]}" for x in sorted(j.readings, key=lambda x: x.period)) + ")"
    fits = [c for c in r.comparisons if c.reporter in r.follows]
    if j.verdict == "consistent":
        return "matches " + " and ".join(
            f"{possessive(c.reporter)} statistics ({headline_value(c, o.measure, j.unit)})" for c in fits)
    if j.verdict == "near":
        c = fits[0]
        return f"is close to {possessive(c.reporter)} statistics ({headline_value(c, o.measure, j.unit)})"
    return "does not match " + " or ".join(
        f"{possessive(c.reporter)} statistics ({headline_value(c, o.measure, j.unit)})" for c in r.comparisons)


def verdict_title(j, claimant: str) -> str:
    """A short headline: '$64bn (Liu Changmin) matches Russia’s statistics ($63.55bn)'."""
    o = j.observation
    if j.joint:
        names = listing(m.entity for m in j.joint)
        k = SMALL_NUMBERS.get(len(j.joint), str(len(j.joint)))
        return f"“{names} are the {k} largest” ({claimant}): {verdict_brief(j)}"
    if j.target:
        brief = verdict_brief(j)
        return f"Target {figure(o, j.unit)} for {o.period} " + (f"({claimant}): pending" if brief == "pending" else brief)
    separator = ": " if j.verdict == "indeterminate" else " "
    return f"{capital(figure(o, j.unit))} ({claimant}){separator}{verdict_brief(j)}"


def fits_words(c, measure: Measure, unit: Unit | None) -> str:
    """'matches Russia’s ($63.55bn for 2015)', 'is close to China’s ($67.95bn for 2015)'."""
    verb = "matches" if c.outcome == "within" else "is close to"
    return f"{verb} {possessive(c.reporter)} ({headline_value(c, measure, unit)} for {period_words(c.period)})"


# --------------------------------------------------------------------------- claims in words

def _in_words_values(iw) -> str:
    """'Russia’s statistics for 2015 give 0.06% (85th of 208)'; SIPRI's window said as the period it compares."""
    parts = []
    for r in iw.readings:
        rd = r.reading
        rank = f" ({ordinal(round(r.rank.value))} of {r.ranked})" if r.rank is not None else ""
        window = (f" (the five-year period {rd.reporter} compares)"
                  if "/" in rd.period and "/" not in iw.claim.period else "")
        parts.append(f"{possessive(rd.reporter)} statistics for {period_words(rd.period)}{window} give "
                     f"{stat_amount(float(rd.value), iw.unit)}{rank}")
    return "; ".join(parts)


def in_words_title(iw, claimant: str) -> str:
    """'Syria’s share of Russia’s trade (Bi Hongye, in words): 0.06%, 85th; no verdict'."""
    values = ", ".join(stat_amount(float(r.reading.value), iw.unit)
                       + (f", {ordinal(round(r.rank.value))}" if r.rank is not None else "") for r in iw.readings)
    return f"{capital(iw.claim.reading)} ({claimant}, in words): {values or 'no statistics'}; no verdict"


def in_words_sentence(iw, claimant: str) -> str:
    """Who said what in words, the statistic it is read as, what the statistics give, and why no verdict."""
    quote = iw.claim.quote.rstrip(".")
    values = _in_words_values(iw) or "no statistics this data holds give it"
    return (f"{possessive(claimant)} words “{quote}” can be read as {iw.claim.reading}: {values}. "
            f"No verdict: {iw.claim.no_verdict.rstrip('.')}.")
