"""The consistency engine (`indicators.checks.run_checks`) on synthetic datasets of growing size.

What it measures
    Datasets of 1k, 10k and 100k observations built in memory (deterministic, seed 7) as a
    `Dataset` of validated models (`indicators.schema`): many indicators (units usd_bn,
    million_tonnes, percent, count), 10 entities, 25 years; per (indicator, entity, year) one to
    three levels from different sources, the same figure rounded differently or qualified (3% of the
    levels are off by up to 40%: conflicts); changes with a base period (some not matching the levels), multiples
    with a base entity, targets, approximations, bounds and ranges, and a few editorial flags. Each
    run times `run_checks(dataset)` on a fresh `Dataset` of the same rows (so its cached lookups are
    cold, as for a new revision). Median of 5 runs per size; the growth exponent between sizes is
    log(t2/t1) / log(n2/n1).

The floor
    A plain Python pass over the same observations grouping them by (indicator_id, entity, period)
    in a dict, timed the same way (median of 5): the least any per-key check must do.

The goal
    100k observations under 1 s; growth close to n log n (exponent about 1.0-1.1).

Hostile shapes (issue 11)
    The same figure stated thousands of times for one key (alternating 70/72), thousands of
    changes against one base, one long series, every source stating every key: each at two
    sizes, with the growth exponent and the number of flags (bounded per group, not per pair).

How to run (from the repo root)
    .venv/bin/python benchmarks/engine.py           # 1k, 10k, 100k
    .venv/bin/python benchmarks/engine.py --quick   # 1k and 10k, 3 runs
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter, defaultdict

from _common import CodeWatch, fmt_s, machine, median, ratio, table

from indicators.checks import run_checks
from indicators.dataset import Dataset
from indicators.schema import EditorialFlag, Indicator, Observation, Source

GOAL_100K_S = 1.0
SEED = 7
ENTITIES = ["China–Russia", "Russia", "China", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan",
            "Turkmenistan", "Mongolia", "EU"]
YEARS = list(range(1995, 2020))
UNITS = [("usd_bn", "trade", 50.0, 600.0), ("million_tonnes", "energy", 5.0, 80.0), ("percent", "trade", 2.0, 60.0),
         ("count", "security", 100.0, 5000.0)]


def _sources(rng: random.Random) -> list[Source]:
    out = []
    for k in range(40):
        analyst = k % 4 != 0
        out.append(Source.model_validate({
            "source_id": f"source-{k:02d}", "claimed_by": f"Author {k}" if analyst else "",
            "claimed_by_type": "analyst" if analyst else "ecfr", "article": f"Article {k % 7}",
            "article_author": f"Writer {k % 5} Surname{k % 5}", "publication": "China Analysis", "publisher": "ECFR",
            "year": "2016",
        }))
    return out


def _fmt(x: float, unit: str, decimals: int) -> str:
    if unit == "count":
        return str(int(round(x)))
    return f"{x:.{decimals}f}"


def build(n: int) -> Dataset:
    """About n observations over as many keys as needed (about 2.4 figures per key)."""
    rng = random.Random(SEED * 1_000_003 + n)
    sources = _sources(rng)
    keys_per_indicator = len(ENTITIES) * len(YEARS)
    n_indicators = max(2, math.ceil(n / 2.0 / keys_per_indicator))  # the loop stops at n
    indicators, raw = [], []
    for i in range(n_indicators):
        unit, category, lo, hi = UNITS[i % len(UNITS)]
        indicators.append(Indicator.model_validate({"indicator_id": f"indicator-{i:04d}", "name": f"Indicator {i}",
                                                    "unit": unit, "category": category}))
    k = 0

    def add(**cells) -> str:
        nonlocal k
        k += 1
        obs_id = f"o-{k:07d}"
        raw.append({"obs_id": obs_id, "qualifier": "exact", "quote": "a quote long enough to pass", **cells})
        return obs_id

    done = False
    for ind in indicators:
        unit, lo, hi = ind.unit.value, *next((u[2], u[3]) for u in UNITS if u[0] == ind.unit.value)
        truth = {e: {y: rng.uniform(lo, hi) for y in YEARS} for e in ENTITIES}
        for entity in ENTITIES:
            true = truth[entity]
            for year in YEARS:
                key = {"indicator_id": ind.indicator_id, "entity": entity, "period": str(year)}
                for s in rng.sample(sources, rng.choice((1, 2, 2, 3))):
                    x = true[year] * (rng.uniform(0.6, 1.4) if rng.random() < 0.03 else 1.0)
                    if unit == "percent":
                        x = min(x, 99.0)
                    q = rng.random()
                    if q < 0.75:
                        add(**key, measure="level", value=_fmt(x, unit, rng.choice((0, 1, 2))), source_id=s.source_id)
                    elif q < 0.88:
                        add(**key, measure="level", value=_fmt(x, unit, 0), qualifier="approx", source_id=s.source_id)
                    elif q < 0.94:
                        add(**key, measure="level", value=_fmt(x * 0.9, unit, 0),
                            qualifier=rng.choice(("more_than", "at_least")), source_id=s.source_id)
                    else:
                        add(**key, measure="level", value="", qualifier="range", low=_fmt(x * 0.9, unit, 0),
                            high=_fmt(x * 1.1 + 1, unit, 0), source_id=s.source_id)
                if year > YEARS[0] and rng.random() < 0.15:
                    change = (true[year] / true[year - 1] - 1) * 100 * (1.5 if rng.random() < 0.05 else 1.0)
                    add(**key, measure="change_pct", value=f"{max(change, -95):.0f}", base_period=str(year - 1),
                        source_id=rng.choice(sources).source_id)
                if rng.random() < 0.05:
                    other = rng.choice([e for e in ENTITIES if e != entity])
                    add(**key, measure="multiple", value=f"{true[year] / truth[other][year]:.2f}", base_entity=other,
                        source_id=rng.choice(sources).source_id)
                if rng.random() < 0.05:
                    add(**key, measure="target", value=_fmt(true[year] * rng.uniform(0.8, 1.2), unit, 0),
                        source_id=rng.choice(sources).source_id)
                if k >= n:
                    done = True
                    break
            if done:
                break
        if done:
            break
    observations = [Observation.model_validate(r) for r in raw[:n]]
    flags = [EditorialFlag.model_validate({"flag_id": f"editorial-{j}", "severity": "warning",
                                           "obs_ids": f"{observations[j * 7].obs_id};{observations[j * 7 + 1].obs_id}",
                                           "title": "An editor's caveat", "explanation": "Explained in a sentence."})
             for j in range(min(10, len(observations) // 8))]
    return Dataset({"sources": tuple(sources), "indicators": tuple(indicators),
                    "observations": tuple(observations), "flags": tuple(flags), "events": ()})


def hostile(shape: str, n: int) -> Dataset:
    """The shapes real and hostile uploads take (issue 11), n observations each."""
    sources = _sources(random.Random(SEED))
    ind = Indicator.model_validate({"indicator_id": "trade", "name": "Trade", "unit": "usd_bn", "category": "trade"})
    rows = []

    def add(i: int, **cells) -> None:
        rows.append({"obs_id": f"o-{i:07d}", "indicator_id": "trade", "entity": "China–Russia", "period": "2015",
                     "measure": "level", "qualifier": "exact", "quote": "a quote long enough to pass",
                     "source_id": sources[i % len(sources)].source_id, **cells})

    for i in range(n):
        if shape == "one key":  # every figure about the same thing, alternating 70/72
            add(i, value="70" if i % 2 else "72")
        elif shape == "changes vs one base":  # one base level, every other row a change against it
            if i < 2:
                add(i, period=str(2014 + i), value=("95", "64")[i])
            else:
                add(i, measure="change_pct", value=str(-20 - i % 15), base_period="2014")
        elif shape == "long series":  # one figure per period, one indicator
            add(i, period=f"{1000 + i // 12:04d}-{i % 12 + 1:02d}", value=str(50 + i % 40))
        else:  # "many sources": each key stated by every source, some disagreeing
            add(i, period=str(1990 + (i // len(sources)) % 30), entity=f"E{i // (30 * len(sources))}",
                value=str(60 + (i % 7 == 0) * 9))
    observations = [Observation.model_validate(r) for r in rows]
    return Dataset({"sources": tuple(sources), "indicators": (ind,), "observations": tuple(observations),
                    "flags": (), "events": ()})


SHAPES = ("one key", "changes vs one base", "long series", "many sources")


def shapes(sizes: list[int], runs: int) -> None:
    print()
    print("hostile shapes: run_checks, median of runs, growth exponent between sizes, flags at the largest size")
    out = []
    for shape in SHAPES:
        times, flags = [], 0
        for n in sizes:
            ds = hostile(shape, n)
            samples = []
            for _ in range(runs):
                t, result = timed(run_checks, fresh(ds))
                samples.append(t)
            times.append(median(samples))
            flags = len(result.flags)
        growth = math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
        out.append([shape, *(fmt_s(t) for t in times), f"{growth:.2f}", f"{flags:,}"])
    print(table(["shape", *(f"{n:,}" for n in sizes), "growth", "flags"], out))


def fresh(ds: Dataset) -> Dataset:
    return Dataset(dict(ds.tables))


def floor_pass(ds: Dataset) -> dict:
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for o in ds.rows("observations"):
        groups[(o.indicator_id, o.entity, o.period)].append(o)
    return groups


def timed(fn, arg) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(arg)
    return time.perf_counter() - t0, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k, 3 runs")
    ap.add_argument("--runs", type=int, help="runs per size (default 5, quick 3)")
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of one run at the largest size")
    args = ap.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    runs = args.runs or (3 if args.quick else 5)
    print(machine())
    watch = CodeWatch()
    print(f"mode: {'quick' if args.quick else 'full'}; sizes {', '.join(f'{n:,}' for n in sizes)}; {runs} runs each")
    results = []
    for n in sizes:
        t0 = time.perf_counter()
        ds = build(n)
        built = time.perf_counter() - t0
        obs = ds.rows("observations")
        keys = len(floor_pass(ds))
        engine, floor = [], []
        result = None
        for r in range(runs):  # interleaved
            d = fresh(ds)
            t, result = timed(run_checks, d)
            engine.append(t)
            floor.append(timed(floor_pass, fresh(ds))[0])
        kinds = Counter(f.kind for f in result.flags)
        measures = Counter(o.measure.value for o in obs)
        print(f"  {len(obs):,} observations ({', '.join(f'{v:,} {m}' for m, v in sorted(measures.items()))}), "
              f"{keys:,} keys, {len(ds.rows('indicators'))} indicators; built in {built:.1f} s; flags: "
              + ", ".join(f"{v:,} {k}" for k, v in sorted(kinds.items())) + f"; {len(result.implied):,} implied values",
              flush=True)
        results.append((len(obs), median(engine), median(floor)))
        if args.profile and n == sizes[-1]:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.runcall(run_checks, fresh(ds))
            pstats.Stats(prof).sort_stats("cumulative").print_stats(18)

    shapes([2_000, 20_000] if args.quick else [5_000, 50_000], runs)
    watch.end()
    rows = []
    for i, (n, te, tf) in enumerate(results):
        if i:
            n0, te0, tf0 = results[i - 1]
            ge = f"{math.log(te / te0) / math.log(n / n0):.2f}"
            gf = f"{math.log(tf / tf0) / math.log(n / n0):.2f}"
        else:
            ge = gf = "-"
        rows.append([f"{n:,}", fmt_s(tf), gf, fmt_s(te), f"{te / n * 1e6:.1f} µs", ge, f"{ratio(te, tf):.1f}"])
    print()
    print("run_checks, median per size; floor: group the observations by (indicator, entity, period) in a dict;")
    print("growth exponent from the previous size; ratio engine / floor last:")
    print(table(["observations", "floor", "floor growth", "run_checks", "per obs", "growth", "ratio"], rows))
    print()
    n, te, tf = results[-1]
    growth = math.log(te / results[0][1]) / math.log(n / results[0][0])
    verdicts = []
    if n >= 100_000:
        verdicts.append(f"100k under {GOAL_100K_S:.0f} s: {'met' if te < GOAL_100K_S else 'NOT met'} ({fmt_s(te)})")
    verdicts.append(f"growth exponent {results[0][0]:,}->{n:,}: {growth:.2f} "
                    f"({'met' if growth <= 1.15 else 'NOT met'}, goal about 1.0-1.1)")
    print("; ".join(verdicts))
    print(f"ratio run_checks / floor at {n:,}: {ratio(te, tf):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
