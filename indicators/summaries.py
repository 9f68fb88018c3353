"""What the pages show besides charts: headline figures, flag cards, source tables.

Pages only lay these out; every number and sentence is computed here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from .charts import PAGE_CATEGORIES, chart_specs
from .wording import VERDICT_WORDS, verdict_brief, who, written
from .checks import SEVERITY_ORDER, CheckResult
from .dataset import Dataset
from .schema import Category, Flag, Measure, Observation, Severity, Source, SourceKind

from .text import md  # noqa: F401  (pages escape with it)


@dataclass(frozen=True)
class Headline:
    indicator_id: str
    label: str  # indicator name and period
    values: list[str]  # each stated figure as written, one per source
    sources: list[str]
    conflict: bool
    flag_titles: list[str] = field(default_factory=list)
    verdicts: list[str | None] = field(default_factory=list)  # per value: what official statistics say of it
    explained: list[str] = field(default_factory=list)  # disagreements the statistics explain, by their titles

    @property
    def value(self) -> str:
        return " · ".join(self.values)

    @property
    def verdict_line(self) -> str:
        """'$69bn: is close to China’s statistics ($67.95bn) · $64bn: matches Russia’s statistics ($63.55bn)',
        or '' when no official series tests these figures."""
        return " · ".join(f"{v}: {d}" for v, d in zip(self.values, self.verdicts) if d)


def headlines(dataset: Dataset, result: CheckResult, limit: int = 8) -> list[Headline]:
    """The most cited figures' latest stated levels, every source's value side by side.

    One card per indicator and entity, so a card never mixes countries; the
    catch-all 'other' category is left to its page.
    """
    levels: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in dataset.observation_rows:
        if o.measure is Measure.level and dataset.indicators_by_id[o.indicator_id].category is not Category.other:
            levels[(o.indicator_id, o.entity)].append(o)
    cited = Counter((o.indicator_id, o.entity) for o in dataset.observation_rows)
    position = {i: n for n, i in enumerate(dataset.indicators_by_id)}
    order = sorted(levels, key=lambda k: (-cited[k], position[k[0]], k[1]))
    out = []
    for key in order[:limit]:
        indicator_id, entity = key
        latest = max(o.period for o in levels[key])
        chosen = sorted((o for o in levels[key] if o.period == latest), key=lambda o: o.obs_id)
        indicator = dataset.indicators_by_id[indicator_id]
        label = f"{indicator.name} ({latest})" if entity in indicator.name else f"{indicator.name}: {entity} ({latest})"
        flags = [f for o in chosen for f in result.for_obs(o.obs_id) if f.severity is Severity.conflict]
        judged = [result.judgement(o.obs_id) for o in chosen]
        verdicts = [verdict_brief(j) if j is not None else None for j in judged]
        explained = sorted({f.title for o in chosen for f in result.for_obs(o.obs_id)
                            if f.kind == "value_conflict" and f.numbers.get("explained_by")})
        out.append(Headline(
            indicator_id, label, [written(o, indicator.unit, with_unit=True) for o in chosen],
            [who(dataset.sources_by_id.get(o.source_id)) for o in chosen],
            bool(flags), sorted({f.title for f in flags}), verdicts, explained,
        ))
    return out


def flag_counts(result: CheckResult) -> dict[str, int]:
    counts = Counter(f.severity.value for f in result.flags)
    return {s.value: counts.get(s.value, 0) for s in Severity}


FINDING_ORDER = {"inconsistent": 1, "indeterminate": 2, "missed": 3, "near": 4, "consistent": 5, "met": 6,
                 "pending": 7}


def explained_by_statistics(flag: Flag) -> bool:
    """A disagreement between authors that two countries' statistics account for."""
    return bool(flag.numbers.get("explained_by"))


def findings(result: CheckResult) -> list[Flag]:
    """What the official statistics say about the authors' figures, most important first.

    First the disagreements the statistics explain (two authors quoting two countries' customs, the
    article's strongest finding), then claims the statistics contradict, claims whose year decides,
    targets, and last the claims they confirm.
    """
    explained = sorted((f for f in result.flags if f.kind == "value_conflict" and explained_by_statistics(f)),
                       key=lambda f: f.id)
    verdicts = sorted((f for f in result.flags if f.kind == "reference_check" and f.verdict),
                      key=lambda f: (FINDING_ORDER[f.verdict], f.id))
    return explained + verdicts


FINDINGS_SHOWN = 5
"""How many findings the overview's first screen shows."""

VERDICT_BADGES = {
    "explained": ":blue-badge[two countries’ statistics]",
    "inconsistent": ":red-badge[does not match]",
    "indeterminate": ":orange-badge[depends on the year]",
    "missed": ":orange-badge[target missed]",
    "met": ":green-badge[target met]",
    "pending": ":gray-badge[target pending]",
    "near": ":blue-badge[close]",
    "consistent": ":green-badge[matches]",
}
"""Each finding's label on a page (Streamlit badge markup; the words, not the colour, carry the verdict)."""

VERDICT_COUNT_WORDS = {  # (one, several)
    "inconsistent": ("does not match", "do not match"), "indeterminate": ("depends on the year meant",
                                                                          "depend on the year meant"),
    "missed": ("is a target missed", "are targets missed"), "near": ("is close", "are close"),
    "consistent": ("matches", "match"), "met": ("is a target met", "are targets met"),
    "pending": ("is a target pending", "are targets pending")}


def findings_summary(result: CheckResult) -> str:
    """'Of 14 figures tested against IMF DOTS and SIPRI, 7 match, 1 is close, …' — the first line of the overview."""
    counts = verdict_counts(result)
    if not counts:
        return "No figure can be tested against the official statistics this data holds."
    tested = sum(counts.values())
    parts = [f"{n} {VERDICT_COUNT_WORDS[v][n != 1]}" for v, n in counts.items()]
    explained = sum(1 for f in result.flags if f.kind == "value_conflict" and explained_by_statistics(f))
    tail = (f"; {explained} disagreement{'s' if explained != 1 else ''} between authors "
            f"{'are' if explained != 1 else 'is'} two countries’ statistics" if explained else "")
    return f"Of {tested} figures tested against the official statistics, " + ", ".join(parts) + tail + "."


def chart_findings(dataset: Dataset, result: CheckResult, indicator_id: str) -> list[Flag]:
    """The findings on one chart's claims: the notes under the chart."""
    ids = {o.obs_id for o in dataset.observation_rows if o.indicator_id == indicator_id}
    return [f for f in findings(result) if ids.intersection(f.obs_ids)]


def verdict_counts(result: CheckResult) -> dict[str, int]:
    """How many claims each verdict covers, in the order a briefer reads them."""
    counts = Counter(j.verdict for j in result.judgements)
    return {v: counts[v] for v in sorted(counts, key=FINDING_ORDER.__getitem__)}


def top_flags(result: CheckResult, limit: int = 5) -> list[Flag]:
    """The most serious flags the statistics do not settle: conflicts, then warnings (findings are shown apart)."""
    serious = [f for f in result.flags if f.severity is not Severity.info and f.kind != "reference_check"]
    return sorted(serious, key=lambda f: (SEVERITY_ORDER[f.severity], f.kind != "value_conflict", f.id))[:limit]


FLAG_GROUPS: dict[str, str] = {
    "contradicted": "Claims the official statistics contradict",
    "indeterminate": "Claims whose verdict depends on the year meant",
    "conflict": "Disagreements and arithmetic between authors",
    "explained": "Disagreements the official statistics explain",
    "targets": "Targets against outcomes",
    "confirmed": "Claims the official statistics confirm",
    "editorial": "Editorial notes: what the arithmetic cannot compute",
    "other": "Other notes",
}
"""The Inconsistencies page's sections, most important first."""


def flag_group(flag: Flag) -> str:
    if flag.kind == "reference_check":
        return {"inconsistent": "contradicted", "indeterminate": "indeterminate", "consistent": "confirmed",
                "near": "confirmed"}.get(flag.verdict or "", "targets")
    if flag.kind == "target_outcome":
        return "targets"
    if flag.kind in ("value_conflict", "change_mismatch", "implied_value"):
        return "explained" if explained_by_statistics(flag) else "conflict"
    return "editorial" if flag.kind == "editorial" else "other"


def grouped_flags(flags: list[Flag]) -> list[tuple[str, list[Flag]]]:
    """(section title, its flags) in FLAG_GROUPS order, each section's flags most serious first."""
    by_group: dict[str, list[Flag]] = defaultdict(list)
    for f in flags:
        by_group[flag_group(f)].append(f)
    return [(title, sorted(by_group[key], key=lambda f: (SEVERITY_ORDER[f.severity], FINDING_ORDER.get(f.verdict or "", 0), f.id)))
            for key, title in FLAG_GROUPS.items() if by_group.get(key)]


@dataclass(frozen=True)
class FlagSide:
    obs_id: str
    who: str
    figure: str
    period: str
    quote: str
    article: str


def flag_sides(dataset: Dataset, flag: Flag) -> list[FlagSide]:
    """Each observation a flag names, with its author and verbatim quote."""
    sides = []
    for obs_id in flag.obs_ids:
        o = dataset.observations_by_id.get(obs_id)
        if not isinstance(o, Observation):
            continue
        src = dataset.sources_by_id.get(o.source_id)
        unit = dataset.indicators_by_id[o.indicator_id].unit
        side = FlagSide(obs_id, who(src), written(o, unit), o.period, o.quote,
                        src.article if isinstance(src, Source) else "")
        if not any((s.who, s.figure, s.period, s.quote) == (side.who, side.figure, side.period, side.quote)
                   for s in sides):  # a joint claim's rows share one sentence: show it once
            sides.append(side)
    return sides


def page_of_category(category: Category | str) -> str:
    for page, categories in PAGE_CATEGORIES.items():
        if Category(category) in categories:
            return page
    return "other"


def charts_of_flag(dataset: Dataset, flag: Flag) -> list[tuple[str, str, str]]:
    """(page, chart_id, chart title) of every chart that shows an observation of the flag."""
    specs = {s.indicator_id: s for s in chart_specs(dataset) if s.kind == "claims"}
    out = []
    for obs_id in flag.obs_ids:
        o = dataset.observations_by_id.get(obs_id)
        if isinstance(o, Observation) and o.indicator_id in specs:
            spec = specs[o.indicator_id]
            item = (page_of_category(spec.category), spec.id, spec.title)
            if item not in out:
                out.append(item)
    return out


def flag_authors(dataset: Dataset, flag: Flag) -> set[str]:
    """Everyone a flag concerns: claimants and the ECFR writers citing them."""
    names = set()
    for sid in flag.source_ids:
        s = dataset.sources_by_id.get(sid)
        if isinstance(s, Source):
            names.add(s.article_author)
            if s.claimed_by:
                names.add(s.claimed_by)
    return names


VERDICTS = {v: f"{v}: {VERDICT_WORDS[v]}" for v in FINDING_ORDER}
"""The verdict filter's choices, each with what it means."""


def filter_flags(dataset: Dataset, flags: list[Flag], kinds=None, severities=None, authors=None,
                 verdicts=None) -> list[Flag]:
    out = []
    for f in flags:
        if verdicts and f.verdict not in verdicts:
            continue
        if kinds and f.kind not in kinds:
            continue
        if severities and f.severity.value not in severities:
            continue
        if authors and not (flag_authors(dataset, f) & set(authors)):
            continue
        out.append(f)
    return out


def arithmetic_words(flag: Flag) -> str:
    """The flag's working beyond its sentence (intervals, the readings used), for the page's expander."""
    if not flag.sentence or flag.explanation == flag.sentence:
        return ""
    return flag.explanation.removeprefix(flag.sentence).strip() or flag.explanation


def all_authors(dataset: Dataset) -> list[str]:
    names = set()
    for s in dataset.source_rows:
        if s.kind is not SourceKind.text:
            continue  # statistics have no article or writer: they are listed with the series
        names.add(s.article_author)
        if s.claimed_by:
            names.add(s.claimed_by)
    return sorted(names)


def source_table(dataset: Dataset, result: CheckResult) -> pd.DataFrame:
    """Every source with how many figures it contributes and the flags that involve it."""
    figures = Counter(o.source_id for o in dataset.observation_rows)
    events = Counter(e.source_id for e in dataset.event_rows)
    flags: dict[str, list[str]] = defaultdict(list)
    for f in result.flags:
        if f.kind == "corroborated":
            continue
        for sid in f.source_ids:
            flags[sid].append(f"[{f.severity.value}] {f.title}")
    rows = []
    for s in dataset.source_rows:
        if s.kind is not SourceKind.text:
            continue  # statistics have no article or writer: they are listed with the series
        rows.append({
            "claimed by": s.claimed_by or "(the ECFR writer)", "type": s.claimed_by_type.value,
            "ECFR writer": s.article_author, "article": s.article, "cited work": s.cited_work or "",
            "figures": figures.get(s.source_id, 0), "events": events.get(s.source_id, 0),
            "flags": len(flags.get(s.source_id, [])), "flag titles": "; ".join(flags.get(s.source_id, [])),
            "source_id": s.source_id,
        })
    return pd.DataFrame(rows).sort_values(["ECFR writer", "figures"], ascending=[True, False], kind="stable")


def writers(dataset: Dataset) -> pd.DataFrame:
    """The ECFR writers, each with the Chinese authors and bodies they cite."""
    cited: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, str] = {}
    for s in dataset.source_rows:
        if s.kind is not SourceKind.text:
            continue  # statistics have no article or writer: they are listed with the series
        articles[s.article_author] = s.article
        if s.claimed_by:
            cited[s.article_author].add(s.claimed_by)
    return pd.DataFrame(
        [{"ECFR writer": w, "article": a, "cites": ", ".join(sorted(cited[w])) or "—"} for w, a in articles.items()]
    )


def observations_table(dataset: Dataset, result: CheckResult) -> pd.DataFrame:
    """All observations as an analyst reads them: figure as written, who says it, flags."""
    frame = dataset.observations
    indicators = dataset.indicators_by_id
    sources = dataset.sources_by_id
    figures, whos, names, flags = [], [], [], []
    for o in dataset.observation_rows:
        ind = indicators[o.indicator_id]
        figures.append(written(o, ind.unit))
        whos.append(who(sources.get(o.source_id)))
        names.append(ind.name)
        flags.append("; ".join(f"[{f.severity.value}] {f.title}" for f in result.for_obs(o.obs_id)))
    frame.insert(1, "indicator", names)
    frame.insert(2, "figure", figures)
    frame.insert(3, "who", whos)
    frame["flags"] = flags
    return frame


def filter_observations(frame: pd.DataFrame, indicators=None, entities=None, sources=None, text: str = "") -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if indicators:
        mask &= frame["indicator"].isin(indicators)
    if entities:
        mask &= frame["entity"].isin(entities)
    if sources:
        mask &= frame["who"].isin(sources)
    if text.strip():
        needle = text.strip().lower()
        hay = frame[["indicator", "entity", "who", "quote", "note", "obs_id"]].fillna("").astype(str).agg(" ".join, axis=1)
        mask &= hay.str.lower().str.contains(needle, regex=False)
    return frame[mask]


def events_table(dataset: Dataset) -> pd.DataFrame:
    frame = dataset.events
    sources = dataset.sources_by_id
    frame.insert(3, "who", [who(sources.get(s)) for s in frame["source_id"]])
    return frame.sort_values("date", kind="stable")
