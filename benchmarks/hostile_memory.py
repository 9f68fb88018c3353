"""The server's memory after hostile previews of reference downloads (issue 22).

What: the Data page (AppTest: the page, its caches and the worker's result live in this process, as in
a server) previews hostile downloads, each in a fresh session that is then dropped: a SIPRI register of
a million one-cell lines (2 MB), a DOTS workbook with every cell of a sheet bad, a register with a
quote never closed, a workbook cell of 1e308. Before the fix the first alone grew a server by ~700 MB.
Floor: the same process after previews of a valid download (caches warm, dataset loaded).
Goal: resident memory after every round within 100 MB of the floor (growth printed, then its ratio).

    .venv/bin/python benchmarks/hostile_memory.py [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time

from _common import ROOT, machine

sys.path.insert(0, str(ROOT))

from indicators.bounded import _rss_mb  # noqa: E402
from tests.reference_files import (  # noqa: E402
    CHINA, SIPRI_REGISTER, XLSX, register_bytes, set_cell, workbook_bytes)


def hostile_files(round_: int) -> list[tuple[str, bytes, str]]:
    """The hostile uploads, different bytes each round (a cached preview would measure nothing)."""
    head = SIPRI_REGISTER.read_bytes().split(b"\n")
    header_at = next(i for i, line in enumerate(head) if line.startswith(b"SIPRI AT Database ID"))

    def every_cell_bad(wb):
        for row in wb["Exports, FOB"].iter_rows(min_row=8, min_col=3):
            for cell in row:
                cell.value = f"n/a {round_}"
    return [
        ("million.csv", b"\n".join(head[: header_at + 1]) + b"\n" + b"x\n" * (1_000_000 + round_), "text/csv"),
        ("DOTS_162.xlsx", workbook_bytes(every_cell_bad), XLSX),
        ("quote.csv", register_bytes(lambda ls: ls[:header_at + 1] + ['"' + ls[header_at + 1]] + ls[header_at + 2:] + ["\n"] * round_),
         "text/csv"),
        ("DOTS_40.xlsx", workbook_bytes(set_cell("Exports, FOB", CHINA, "2015", 10.0 ** (300 + round_)), name="DOTS_162.xlsx"), XLSX),
    ]


def preview(name: str, data: bytes, mime: str) -> int:
    """One session: open the Data page, upload, read the errors; the session is then dropped."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = sum(len(d.value) for d in at.dataframe if "message" in d.value.columns)
    del at
    gc.collect()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    os.environ["INDICATORS_DB_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-memory-')}/bench.db"
    os.environ["INDICATORS_OPEN_EDITING"] = "1"
    print(machine())
    valid = ("DOTS_162.xlsx", (ROOT / "data/reference/imf-dots/DOTS_162.xlsx").read_bytes(), XLSX)
    for _ in range(2):
        preview(*valid)
    floor = _rss_mb(os.getpid())
    print(f"floor: {floor:,.0f} MB resident after 2 previews of a valid workbook")
    worst, count = 0.0, 0
    for r in range(1, rounds + 1):
        for name, data, mime in hostile_files(r):
            count += 1
            started = time.perf_counter()
            rows = preview(name, data, mime)
            rss = _rss_mb(os.getpid())
            worst = max(worst, rss - floor)
            print(f"round {r} {name:14s} {len(data) / 2**20:5.1f} MB upload: {rows:5d} rows in error tables, "
                  f"{time.perf_counter() - started:5.1f} s, server {rss:,.0f} MB ({rss - floor:+,.0f} MB)")
    after = _rss_mb(os.getpid())
    print(f"after {rounds} round(s), {count} hostile previews: {after:,.0f} MB, growth {after - floor:+,.0f} MB "
          f"(worst {worst:+,.0f} MB; goal within 100 MB); ratio to floor {after / floor:.2f}")


if __name__ == "__main__":
    main()
