"""The revision store on PostgreSQL beside SQLite: applies per second and loading the head's dataset.

What it measures (each on a PostgreSQL server started by this script, Debian's package, in a
temporary directory, and on a SQLite file in a temporary directory, both seeded with data/ as revision 0)
    apply        `Store.commit` of a new revision whose observations.csv differs from the head's (a new
                 blob, the other four tables shared): the write transaction of an upload, without
                 validating it. Reported as applies per second (1 / median time).
    apply_upload `changes.apply_upload` of a one-row merge upload: what the Apply button does (it
                 re-plans the upload against the head inside the transaction, so validation and the
                 consistency checks are included and dominate).
    head id      `Store.head_id()`: the one query every page load makes to follow the head.
    load head    `head_id()` + `files(head)` + `combine(parse_files(...))`: what a page load does when
                 the head is not cached yet (a new revision, or a restarted app process).
Runs interleave SQLite and PostgreSQL so load on the shared machine hits both alike; medians.

The floor
    SQLite, measured the same way in the same run. The ratio printed last is PostgreSQL / SQLite.
    The PostgreSQL server keeps its default durability (fsync, synchronous commit); SQLite runs in WAL
    mode with its default synchronous setting, as the app opens it.

The goal
    None fixed: PostgreSQL adds a network round trip per statement, so small queries cost more;
    what matters is that a page load stays dominated by the app, not by the store.

How to run (from the repo root, after `bash scripts/setup.sh --dev`)
    .venv/bin/python benchmarks/store.py           # 30 applies, 30 head loads per backend
    .venv/bin/python benchmarks/store.py --quick   # 5 of each
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, CodeWatch, fmt_s, machine, median, ratio, table
from _postgres import TempPostgres

sys.path.insert(0, str(ROOT))

from indicators.changes import apply_upload, parse_files  # noqa: E402
from indicators.dataset import combine  # noqa: E402
from indicators.store import Store  # noqa: E402

DATA = ROOT / "data"


def upload_csv(obs_id: str, value: int) -> bytes:
    """A one-row observations.csv, written under the canonical file's own header."""
    import csv
    import io

    header = (DATA / "observations.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    row = {"obs_id": obs_id, "indicator_id": "china-russia-trade", "entity": "China–Russia", "period": "2015",
           "measure": "level", "value": str(value), "qualifier": "exact", "source_id": "liu-fenghua-duchatel",
           "quote": "Bilateral trade totalled $95 billion in 2014", "note": "benchmark row"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="5 runs of each")
    ap.add_argument("--runs", type=int, help="runs of each measurement per backend (default 30, quick 5)")
    args = ap.parse_args()
    runs = args.runs or (5 if args.quick else 30)
    print(machine())
    watch = CodeWatch()

    base_obs = (DATA / "observations.csv").read_bytes()
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    pg = TempPostgres(durable=True).start()
    try:
        stores = {
            "SQLite": Store(f"sqlite:///{tmp / 'bench.db'}"),
            "PostgreSQL": Store(pg.create_database("bench")),
        }
        print(f"PostgreSQL server: {pg.bindir} on 127.0.0.1:{pg.port} (TCP, default durability: fsync on, "
              "synchronous commit; SQLite: WAL, its default synchronous mode)")
        for s in stores.values():
            s.ensure_initialised(DATA)
        times: dict[tuple[str, str], list[float]] = {}

        def record(name: str, what: str, seconds: float) -> None:
            times.setdefault((name, what), []).append(seconds)

        for i in range(runs):
            for name, s in stores.items():
                content = base_obs + f"bench-{i}-{name},{'x' * (i % 7)}\n".encode()
                record(name, "apply", timed(lambda: s.commit(
                    lambda _h, files, content=content: {**files, "observations": content}, f"bench {i}", "bench")))
        # apply_upload re-validates everything: fewer runs, on the canonical content again
        for s in stores.values():
            s.revert(0, "back to the canonical data", "bench")
        for i in range(max(3, runs // 5)):
            for name, s in stores.items():
                upload = upload_csv(f"bench-upload-{i}", 70 + i)
                record(name, "apply_upload", timed(lambda: apply_upload(s, [("b.csv", upload)], "merge",
                                                                       f"upload {i}", "bench")))
        for _ in range(runs):
            for name, s in stores.items():
                record(name, "head id", timed(s.head_id))

                def load(s=s):
                    result = combine(parse_files(s.files(s.head_id())))
                    assert result.ok and result.dataset is not None

                record(name, "load head", timed(load))
        revisions = {name: s.head_id() for name, s in stores.items()}
        for s in stores.values():
            s.dispose()
    finally:
        pg.stop()

    rows = []
    for what in ("apply", "apply_upload", "head id", "load head"):
        lite, post = median(times[("SQLite", what)]), median(times[("PostgreSQL", what)])
        rows.append([what, fmt_s(lite), fmt_s(post), f"{ratio(post, lite):.2f}"])
    print(f"\nruns: {runs} per backend (apply_upload: {max(3, runs // 5)}); head revision at the end: {revisions}")
    print(table(["median of", "SQLite (floor)", "PostgreSQL", "ratio PG/SQLite"], rows))
    lite_aps = 1 / median(times[("SQLite", "apply")])
    pg_aps = 1 / median(times[("PostgreSQL", "apply")])
    print(f"\napplies per second (Store.commit): SQLite {lite_aps:.1f}/s, PostgreSQL {pg_aps:.1f}/s")
    watch.end()
    print(f"ratio PostgreSQL/SQLite: apply {ratio(median(times[('PostgreSQL', 'apply')]), median(times[('SQLite', 'apply')])):.2f}, "
          f"load head {ratio(median(times[('PostgreSQL', 'load head')]), median(times[('SQLite', 'load head')])):.2f}")


if __name__ == "__main__":
    main()
