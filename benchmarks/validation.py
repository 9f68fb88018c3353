"""Validation of an uploaded observations CSV, against pandas.read_csv of the same bytes.

What it measures
    Generates observations CSVs of 10k, 100k and 1M rows (deterministic, seed 7, in a temporary
    folder, never in the repo): valid ids, periods (years, months, dates), every measure and
    qualifier, numbers with decimals, ranges, bases of changes and multiples, quotes with commas,
    accents and double quotes inside quoted fields, notes. For each size also a variant with 1% bad
    rows of six kinds (bad number, bad period, low > high, unknown qualifier, empty quote, bad id),
    each bad row carrying exactly one error.
    Each file goes through `indicators.csvfile.parse_table(name, bytes, "observations")`, the code
    path of an upload (the Data page and `plan_upload` call it), in a fresh subprocess that only
    reads the bytes and runs that one function; time is measured around the call, and peak memory
    is the subprocess's peak RSS (ru_maxrss: interpreter, imports, the bytes and the
    call, read with getrusage(RUSAGE_SELF) by the subprocess once the call is done; nothing subtracted). `max_rows` is raised above the file's size: the app refuses an
    upload of more than `dataset.MAX_ROWS` rows, so the 1M-row figure is validation throughput,
    not an upload the app accepts.
    `ParsedTable.rows` is built on demand (the fast path keeps the valid rows as text until asked),
    so a third subprocess also times parse_table plus `.rows`, which combine() and plan_upload() ask
    for next; it is reported beside the goal's figure, not instead of it.
    For the bad variant, the errors are compared with the injected ones: the same count, and each
    bad row reported with its spreadsheet row and column.

The floor
    `pandas.read_csv(io.BytesIO(bytes), dtype=str)` of the same bytes, in the same kind of fresh
    subprocess (it imports only pandas), the runs interleaved with the parse_table runs.

The goal
    parse_table <= 2x read_csv at 100k and 1M rows; peak memory at 1M rows <= 1.3x read_csv's;
    every error reported with its row and column.

How to run (from the repo root)
    .venv/bin/python benchmarks/validation.py           # 10k, 100k, 1M: median of 5 runs (3 at 1M)
    .venv/bin/python benchmarks/validation.py --quick   # 10k only, 3 runs
    Options: --sizes 10000,100000  --runs N
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import CodeWatch, ROOT, fmt_mib, fmt_s, machine, median, ratio, table

GOAL_TIME = 2.0
GOAL_MEMORY = 1.3
SEED = 7
HEADER = ["obs_id", "indicator_id", "entity", "period", "measure", "value", "qualifier", "low", "high",
          "base_period", "base_indicator_id", "base_entity", "source_id", "quote", "note"]

# --------------------------------------------------------------------------- realistic rows

INDICATORS = ["china-russia-trade", "russia-china-crude-exports", "eu-share-russian-trade", "china-share-russian-trade",
              "isis-recruits-central-asia", "arms-export-share", "sco-members", "rail-freight-hours",
              "pipeline-capacity", "oil-gas-revenue-share", "joint-exercises", "un-vetoes", "gas-deliveries",
              "yuan-swap-line", "border-length", "students-exchanged"] + [f"indicator-{k:03d}" for k in range(60)]
ENTITIES = ["China–Russia", "Russia", "China", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan",
            "Côte d’Ivoire", "São Tomé and Príncipe", "Türkiye", "Curaçao", "Réunion", "Åland",
            "Moscow, Beijing and Astana", 'the "Power of Siberia" pipeline', "Xinjiang–Kazakhstan border",
            "EU (27)", "Shanghai Cooperation Organisation", "Ürümqi", "Nur-Sultan / Astana"]
SOURCES = ["liu-fenghua-duchatel", "liu-changmin-makocki", "godement", "duchatel", "makocki", "zhao-huasheng",
           "feng-shaolei", "yang-cheng", "xinhua", "global-times", "mofcom", "china-customs", "sipri",
           "rosstat", "iea", "wang-haiyun", "li-xin", "kommersant", "ecfr-editors", "cass-ires"]
OPENINGS = ["Bilateral trade totalled", "According to the customs figures, imports reached",
            "Liu says the figure was", "As Zhao puts it, “the partnership” accounts for",
            'Officials called it "a record", about', "Exports fell, sharply, to", "The share rose to",
            "Déjà vu: the plan foresaw", "In 2015, Rosneft’s deliveries came to", "Some estimates put it at"]
TAILS = ["in 2014.", ", a level not seen since 2008.", ", down from the year before, despite the rouble.",
         " — “more than ever”, he wrote.", ', which the article calls "insufficient", at best.',
         ", says the Ministry of Commerce (MOFCOM).", ", per Xinhua; Global Times gives a lower figure.",
         ", i.e. roughly one-fifth, cf. the EU’s share.", "."]
NOTES = ["", "", "", "Converted from a monthly figure; the text rounds it.",
         'The writer says "about", so the qualifier is approx.', "Cited by Duchâtel, summarising Liu’s list, p. 4.",
         "Unit: US$ billion, current prices, not deflated.", "Two sources, one claim: see the flag on this row."]


def _number(rng: random.Random, lo: float, hi: float) -> str:
    return f"{rng.uniform(lo, hi):.{rng.choice((0, 0, 1, 2))}f}"


def _period(rng: random.Random) -> str:
    year = rng.randint(1991, 2024)
    kind = rng.random()
    if kind < 0.75:
        return str(year)
    if kind < 0.92:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def valid_row(rng: random.Random, i: int) -> dict[str, str]:
    indicator = rng.choice(INDICATORS)
    r = dict.fromkeys(HEADER, "")
    r["obs_id"] = f"obs-{i:07d}-{indicator}"[:64].rstrip("-")
    r["indicator_id"] = indicator
    r["entity"] = rng.choice(ENTITIES)
    r["period"] = _period(rng)
    m = rng.random()
    r["measure"] = "level" if m < 0.70 else "change_pct" if m < 0.85 else "multiple" if m < 0.90 else "target"
    q = rng.random()
    r["qualifier"] = ("exact" if q < 0.5 else "approx" if q < 0.7 else "range" if q < 0.8 else
                      rng.choice(("more_than", "at_least", "less_than", "at_most")))
    lo, hi = {"level": (0, 2000), "target": (0, 2000), "change_pct": (-90, 200), "multiple": (0.5, 20)}[r["measure"]]
    if r["qualifier"] == "range":
        a, b = sorted((float(_number(rng, lo, hi)), float(_number(rng, lo, hi))))
        r["low"], r["high"] = f"{a:g}", f"{b + 1:g}"
    else:
        r["value"] = _number(rng, lo, hi)
    if r["measure"] in ("change_pct", "multiple"):
        r["base_period"] = str(int(r["period"][:4]) - rng.randint(1, 5))
        if rng.random() < 0.2:
            r["base_entity"] = rng.choice(ENTITIES)
        if rng.random() < 0.1:
            r["base_indicator_id"] = rng.choice(INDICATORS)
    r["source_id"] = rng.choice(SOURCES)
    r["quote"] = f"{rng.choice(OPENINGS)} {r['value'] or r['low']} {rng.choice(TAILS)}"
    r["note"] = rng.choice(NOTES)
    return r


BAD_KINDS = ["bad_number", "bad_period", "low_gt_high", "unknown_qualifier", "empty_quote", "bad_id"]


def bad_row(rng: random.Random, i: int, kind: str) -> tuple[dict[str, str], str]:
    """A row with exactly one error, and the column it must be reported in."""
    r = valid_row(rng, i)
    # a plain level keeps every other rule satisfied
    r.update(measure="level", qualifier="exact", value=_number(rng, 0, 2000), low="", high="",
             base_period="", base_indicator_id="", base_entity="")
    if kind == "bad_number":
        r["value"] = rng.choice(["1,234", "12,5", "n/a", "95bn", "1e5", "--3", "NaN", "$69"])
        return r, "value"
    if kind == "bad_period":
        r["period"] = rng.choice(["2015-13", "2015-02-30", "15/03/2015", "2015-1", "FY2015", "2015-00"])
        return r, "period"
    if kind == "low_gt_high":
        r.update(qualifier="range", value="", low="50.5", high="10")
        return r, "low"
    if kind == "unknown_qualifier":
        r["qualifier"] = rng.choice(["roughly", "about", "EXACT", "circa", "~"])
        return r, "qualifier"
    if kind == "empty_quote":
        r["quote"] = rng.choice(["", "   "])
        return r, "quote"
    if kind == "bad_id":
        column = rng.choice(["obs_id", "indicator_id", "source_id"])
        r[column] = rng.choice(["Trade_2015", "trade--2015", "-trade", "China Russia", "trade-2015-"])
        return r, column
    raise ValueError(kind)


def generate(path: Path, n: int, bad: bool) -> list[tuple[int, str, str]]:
    """Write n rows; returns the injected (spreadsheet row, column, kind) of the bad ones."""
    rng = random.Random(SEED * 1_000_003 + n)
    bad_rng = random.Random(SEED + n)
    bad_at = set(bad_rng.sample(range(n), n // 100)) if bad else set()
    injected = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        k = 0
        for i in range(n):
            if i in bad_at:
                kind = BAD_KINDS[k % len(BAD_KINDS)]
                k += 1
                row, column = bad_row(rng, i, kind)
                injected.append((i + 2, column, kind))  # the header is row 1
            else:
                row = valid_row(rng, i)
            w.writerow([row[h] for h in HEADER])
    return injected


# --------------------------------------------------------------------------- one measurement per subprocess

def worker(what: str, path: str, errors_out: str | None) -> None:
    """Runs in a fresh subprocess: read the bytes, run the one function, report time (and errors)."""
    if what in ("parse", "parse_rows"):
        sys.path.insert(0, str(ROOT))
        from indicators import csvfile

        data = Path(path).read_bytes()
        rows = data.count(b"\n")
        max_rows = max(getattr(csvfile, "MAX_ROWS", 0), rows + 1)
        t0 = time.perf_counter()
        result = csvfile.parse_table(Path(path).name, data, "observations", max_rows=max_rows)
        elapsed = time.perf_counter() - t0
        if what == "parse_rows":  # what combine()/plan_upload do next: every valid row as a model
            valid = len(result.rows)
            elapsed = time.perf_counter() - t0
        else:
            valid = len(result.lines)  # the valid rows' line numbers: no model is built
        out = {"time": elapsed, "valid": valid, "errors": len(result.errors), "records": result.records}
        if errors_out:
            with open(errors_out, "w", encoding="utf-8") as f:
                json.dump([[e.row, e.column, e.value, e.message] for e in result.errors], f)
    else:
        import io

        import pandas as pd

        data = Path(path).read_bytes()
        t0 = time.perf_counter()
        frame = pd.read_csv(io.BytesIO(data), dtype=str)
        elapsed = time.perf_counter() - t0
        out = {"time": elapsed, "valid": len(frame), "errors": 0, "records": len(frame)}
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux: the whole process's peak
    print(json.dumps(out))


def measure(what: str, path: Path, errors_out: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", what, str(path)]
    if errors_out:
        cmd += ["--errors-out", str(errors_out)]
    proc = subprocess.run(cmd, capture_output=True, cwd=ROOT, timeout=1800)  # bounded
    if proc.returncode != 0:
        raise RuntimeError(f"{what} {path.name} failed ({proc.returncode}):\n{proc.stderr.decode()[-3000:]}")
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


# --------------------------------------------------------------------------- report

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10k rows only, 3 runs")
    ap.add_argument("--sizes", help="comma-separated row counts (default 10000,100000,1000000)")
    ap.add_argument("--runs", type=int, help="runs per measurement (default 5, 3 at 1M; quick 3)")
    ap.add_argument("--worker", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--errors-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.errors_out)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([10_000] if args.quick else
                                                                        [10_000, 100_000, 1_000_000])
    print(machine())
    watch = CodeWatch()
    print(f"mode: {'quick' if args.quick else 'full'}; sizes {', '.join(f'{n:,}' for n in sizes)}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    rows, checks, summary = [], [], []
    try:
        for n in sizes:
            runs = args.runs or (3 if args.quick or n >= 1_000_000 else 5)
            for bad in (False, True):
                path = tmp / f"observations-{n}{'-bad' if bad else ''}.csv"
                t0 = time.perf_counter()
                injected = generate(path, n, bad)
                gen = time.perf_counter() - t0
                size = path.stat().st_size
                errors_file = tmp / "errors.json"
                parse, floor, full = [], [], []
                for r in range(runs):  # interleaved, the order alternating
                    trio = [("parse", parse), ("read_csv", floor), ("parse_rows", full)]
                    for what, into in (trio if r % 2 == 0 else trio[::-1]):
                        into.append(measure(what, path, errors_file if (what == "parse" and r == 0) else None))
                label = f"{n:,}{' (1% bad)' if bad else ''}"
                t_p, t_f = median(x["time"] for x in parse), median(x["time"] for x in floor)
                m_p, m_f = median(x["peak_rss"] for x in parse), median(x["peak_rss"] for x in floor)
                t_r, m_r = median(x["time"] for x in full), median(x["peak_rss"] for x in full)
                rows.append([label, f"{size / 2**20:.1f} MB", str(runs), fmt_s(t_f), fmt_s(t_p), fmt_s(t_r),
                             fmt_mib(m_f), fmt_mib(m_p), fmt_mib(m_r), f"{ratio(m_r, m_f):.2f}",
                             f"{ratio(t_r, t_f):.2f}", f"{ratio(m_p, m_f):.2f}", f"{ratio(t_p, t_f):.2f}"])
                summary.append((n, bad, ratio(t_p, t_f), ratio(m_p, m_f)))
                first = parse[0]
                if full[0]["valid"] != first["valid"]:
                    checks.append(f"{label}: {first['valid']} valid line numbers but {full[0]['valid']} row models  [FAIL]")
                if first["valid"] + (len(injected) if bad else 0) != n or first["records"] != n:
                    checks.append(f"{label}: parse_table read {first['records']} records, {first['valid']} valid "
                                  f"(expected {n} and {n - len(injected)})")
                errors = json.loads(errors_file.read_text())
                if bad:
                    got = {(row, col) for row, col, _, _ in errors}
                    want = {(row, col) for row, col, _ in injected}
                    located = all(row is not None and col and msg for row, col, _, msg in errors)
                    ok = len(errors) == len(injected) and got == want and located
                    checks.append(
                        f"{label}: {len(errors):,} errors reported for {len(injected):,} bad rows injected; "
                        f"rows and columns {'all match' if got == want else 'DIFFER'}"
                        f"{'' if located else '; some errors lack a row, column or message'}"
                        + ("" if ok else f" — missing {sorted(want - got)[:5]}, unexpected {sorted(got - want)[:5]}")
                        + f"  [{'OK' if ok else 'FAIL'}]")
                    if n == sizes[0]:
                        seen = {}
                        by_rc = {(row, col): (val, msg) for row, col, val, msg in errors}
                        for row, col, kind in injected:
                            if kind not in seen and (row, col) in by_rc:
                                seen[kind] = f"  {kind:18} row {row}, {col}: {by_rc[(row, col)][0]!r} -> {by_rc[(row, col)][1]}"
                        checks.extend(seen.values())
                else:
                    checks.append(f"{label}: {len(errors)} errors in a file generated valid"
                                  + (f", e.g. {errors[:3]}  [FAIL]" if errors else "  [OK]"))
                print(f"  done {label}: generated in {gen:.1f} s, {size / 2**20:.1f} MB; parse {fmt_s(t_p)}, "
                      f"read_csv {fmt_s(t_f)}", flush=True)
                path.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    watch.end()
    print()
    print("\n".join(checks))
    print()
    print("Median time and median peak RSS of a fresh subprocess (floor: pandas.read_csv(dtype=str)). 'parse' is")
    print("parse_table(); '+rows' also builds every valid row's model (ParsedTable.rows, built on demand), as")
    print("combine() and plan_upload() do next. Ratios to read_csv; the goal's ratios last:")
    print(table(["rows", "file", "runs", "read_csv", "parse", "+rows", "read_csv peak", "parse peak", "+rows peak",
                 "+rows mem", "+rows time", "memory ratio", "time ratio"], rows))
    print()
    goals = []
    for n, bad, rt, rm in summary:
        if n >= 100_000:
            goals.append(f"{n:,}{' bad' if bad else ''}: time {rt:.2f}x ({'met' if rt <= GOAL_TIME else 'NOT met'})")
        if n >= 1_000_000:
            goals.append(f"{n:,}{' bad' if bad else ''}: memory {rm:.2f}x ({'met' if rm <= GOAL_MEMORY else 'NOT met'})")
    if goals:
        print(f"goals (time <= {GOAL_TIME}x at 100k and 1M, memory <= {GOAL_MEMORY}x at 1M): " + "; ".join(goals))
    at_goal = [x for x in summary if x[0] >= 100_000] or summary
    worst = max(at_goal, key=lambda x: x[2])
    print(f"time ratio parse_table / read_csv, worst{' at 100k+' if at_goal is not summary else ''} "
          f"({worst[0]:,}{' bad' if worst[1] else ''}): {worst[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
