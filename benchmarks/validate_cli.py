"""`python -m indicators validate FILE` on the article's rows repeated under fresh ids, as whole processes.

What it measures
    The observations file made by repeating the article's 59 rows (data/observations.csv) to
    50,000 and 200,000 rows, each copy under a fresh obs_id (the first copy keeps the original
    ids so the editorial flags still point at them): the shape that once made the engine
    quadratic. `validate FILE` checks it as the whole observations table against data/ (the
    Data page's planner, without the engine). Wall time and peak RSS of the whole process
    (interpreter start, imports, read, validate), median of the runs, interleaved with the floor.

The floor
    A process that imports pandas and runs `pandas.read_csv(FILE, dtype=str, keep_default_na=False)`.

The goal (issue 11)
    <= 3x the floor's wall time, peak memory <= 1.5 GiB, at both sizes.

How to run (from the repo root)
    .venv/bin/python benchmarks/validate_cli.py            # 50k and 200k, 5 runs each
    .venv/bin/python benchmarks/validate_cli.py --quick    # 5k and 50k, 3 runs
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import CodeWatch, fmt_s, machine, median, ratio, table

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO, GOAL_MEMORY = 3.0, 1.5 * 2**30


def make_file(n: int, path: Path) -> None:
    with open(ROOT / "data" / "observations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            if i >= len(rows):
                row["obs_id"] = f"{row['obs_id'][:50]}-{i}"
            writer.writerow(row)


def measured(cmd: list[str]) -> tuple[float, int, int]:
    """The child's own peak RSS via a wrapper process, so earlier children do not mask it."""
    wrapper = [sys.executable, "-c",
               "import resource,subprocess,sys,time;t=time.perf_counter();"
               "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL).returncode;"
               "e=time.perf_counter()-t;"
               "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss*1024, r)", *cmd]
    out = subprocess.run(wrapper, cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int)
    args = ap.parse_args()
    sizes = [5_000, 50_000] if args.quick else [50_000, 200_000]
    runs = args.runs or (3 if args.quick else 5)
    print(machine())
    watch = CodeWatch()
    rows, verdicts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"observations-{n}.csv"
            make_file(n, path)
            validate = [sys.executable, "-m", "indicators", "validate", str(path)]
            floor = [sys.executable, "-c",
                     f"import pandas as pd; pd.read_csv({str(path)!r}, dtype=str, keep_default_na=False)"]
            v_t, v_m, f_t, f_m = [], [], [], []
            for _ in range(runs):  # interleaved: noise hits both
                t, m, rc = measured(validate)
                if rc != 0:
                    print(f"validate exited {rc} on {path.name}", file=sys.stderr)
                    return 1
                v_t.append(t)
                v_m.append(m)
                t, m, _ = measured(floor)
                f_t.append(t)
                f_m.append(m)
            tv, tf, mv, mf = median(v_t), median(f_t), max(v_m), max(f_m)
            size_mb = path.stat().st_size / 2**20
            rows.append([f"{n:,} ({size_mb:.0f} MB)", fmt_s(tf), fmt_s(tv), f"{mf / 2**20:,.0f} MiB",
                         f"{mv / 2**20:,.0f} MiB", f"{ratio(tv, tf):.2f}"])
            verdicts.append(f"{n:,}: {ratio(tv, tf):.2f}x ({'met' if ratio(tv, tf) <= GOAL_RATIO else 'NOT met'}), "
                            f"peak {mv / 2**20:,.0f} MiB ({'met' if mv <= GOAL_MEMORY else 'NOT met'})")
    watch.end()
    print()
    print(f"whole processes, median of {runs} (peak memory: the largest of the runs); ratio validate / read_csv last:")
    print(table(["rows", "read_csv", "validate", "read_csv peak", "validate peak", "ratio"], rows))
    print()
    print(f"goal <= {GOAL_RATIO:.0f}x and <= 1.5 GiB: " + "; ".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
