"""Exports: a chart as PNG, cold and warm, and a 10-chart briefing pack.

What it measures
    - Cold PNG export: a fresh subprocess imports the export code, loads and checks the real data/,
      builds the `china-russia-trade` chart and makes its first `export.figure_bytes(fig, "png")`
      (which starts kaleido's Chromium, Debian's /usr/bin/chromium). Time from the parent starting
      the process to the PNG in hand (the browser's shutdown at exit is reported apart).
      Median of 3.
    - Warm PNG export: the same figure exported again in one process whose browser is already up,
      median of 10.
    - Briefing pack: `export.briefing_pack` of the first 10 charts of the real data (each chart as
      PNG at scale 2 and SVG, deck.pptx, data.xlsx, README), warm browser, median of 3.
    - PowerPoint deck: `export.deck_bytes` of the same charts (native charts, no browser), median of 9.

The floors
    - cold export: a fresh subprocess that only does the same imports (process start to imported);
    - warm export: `plotly.io.to_json(fig)` of the same figure, warm, median of 10;
    - briefing pack: `plotly.io.to_json` of its 10 figures, warm (the pack's images alone are
      printed too: 10 PNG at scale 2 plus 10 SVG exported one by one);
    - deck: the XLSX downloads of the same charts (their sheets built and written), interleaved.

The goal
    None set by the issue: these figures are reported for the README's Performance section.

How to run (from the repo root)
    .venv/bin/python benchmarks/exports.py            # 3 cold runs, 10 warm, pack of 10 charts x 3
    .venv/bin/python benchmarks/exports.py --quick    # 1 cold run, 3 warm, pack of 3 charts x 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import CodeWatch, ROOT, fmt_s, machine, median, now, ratio, table

CHART = "china-russia-trade"
IMPORTS = """
from indicators import export
from indicators.charts import build_figure
from indicators.checks import run_checks
from indicators.loading import load_folder
"""


def worker(what: str) -> None:
    """Fresh subprocess: print CLOCK_MONOTONIC milestones as JSON."""
    sys.path.insert(0, str(ROOT))
    out = {"started": now()}
    exec(IMPORTS, {})  # the same imports in both kinds of worker
    out["imported"] = now()
    if what == "cold":
        from indicators import export
        from indicators.charts import build_figure
        from indicators.checks import run_checks
        from indicators.loading import load_folder

        loaded = load_folder(ROOT / "data")
        assert loaded.ok, loaded.errors[:3]
        fig = build_figure(loaded.dataset, run_checks(loaded.dataset), CHART)
        out["figure"] = now()
        png = export.figure_bytes(fig, "png")
        out["png"] = now()
        assert png.startswith(b"\x89PNG"), "not a PNG"
        out["png_bytes"] = len(png)
    print(json.dumps(out), flush=True)


def run_worker(what: str) -> dict:
    t0 = now()
    proc = subprocess.run([sys.executable, __file__, "--worker", what], capture_output=True, cwd=ROOT, timeout=300)
    done = now()
    if proc.returncode != 0:
        raise RuntimeError(f"{what} worker failed ({proc.returncode}):\n{proc.stderr.decode()[-3000:]}")
    out = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return {k: (v - t0 if isinstance(v, float) else v) for k, v in out.items()} | {"exited": done - t0}


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 cold run, 3 warm, a pack of 3 charts once")
    ap.add_argument("--worker", choices=("cold", "imports"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    cold_runs, warm_runs, pack_charts, pack_runs = (1, 3, 3, 1) if args.quick else (3, 10, 10, 3)
    print(machine())
    watch = CodeWatch()
    print(f"mode: {'quick' if args.quick else 'full'}")

    # ------------------------------------------------------------------ cold: fresh subprocesses, interleaved
    cold, imports = [], []
    for _ in range(cold_runs):
        imports.append(run_worker("imports"))
        cold.append(run_worker("cold"))
    print(f"  cold: {len(cold)} runs done", flush=True)

    # ------------------------------------------------------------------ warm: this process
    import plotly.io as pio

    from indicators import export
    from indicators.charts import build_figure, chart_specs
    from indicators.checks import run_checks
    from indicators.loading import load_folder

    loaded = load_folder(ROOT / "data")
    dataset = loaded.dataset
    result = run_checks(dataset)
    fig = build_figure(dataset, result, CHART)
    export.figure_bytes(fig, "png")  # start the browser
    pio.to_json(fig)
    png, js = [], []
    for _ in range(warm_runs):  # interleaved
        png.append(timed(export.figure_bytes, fig, "png"))
        js.append(timed(pio.to_json, fig))
    print(f"  warm: {warm_runs} runs done", flush=True)

    ids = [s.id for s in chart_specs(dataset)][:pack_charts]
    figs = [build_figure(dataset, result, i) for i in ids]
    pack, pack_floor, images = [], [], []
    size = 0
    for _ in range(pack_runs):
        t0 = time.perf_counter()
        blob = export.briefing_pack(dataset, result, ids, "benchmark")
        pack.append(time.perf_counter() - t0)
        size = len(blob)
        pack_floor.append(sum(timed(pio.to_json, f) for f in figs))
        images.append(sum(timed(export.figure_bytes, f, "png", 1600, 900, export.PACK_PNG_SCALE)
                          + timed(export.figure_bytes, f, "svg") for f in figs))
    export._shutdown()  # close the browser now rather than at exit
    deck, deck_floor = [], []
    for _ in range(pack_runs * 3):  # interleaved: the deck, then its floor (the same charts' XLSX downloads)
        deck.append(timed(export.deck_bytes, dataset, result, ids, "benchmark"))
        deck_floor.append(sum(timed(lambda i: export.to_xlsx_bytes(export.chart_sheets(dataset, result, i)), i)
                              for i in ids))
    deck_size = len(export.deck_bytes(dataset, result, ids, "benchmark"))

    watch.end()
    c_png, c_imp = median(r["png"] for r in cold), median(r["imported"] for r in imports)
    c_import_in_cold = median(r["imported"] for r in cold)
    c_fig = median(r["figure"] - r["imported"] for r in cold)
    c_first = median(r["png"] - r["figure"] for r in cold)
    c_exit = median(r["exited"] - r["png"] for r in cold)
    w_png, w_js = median(png), median(js)
    p, pf, im = median(pack), median(pack_floor), median(images)
    d, df = median(deck), median(deck_floor)
    print()
    print(f"cold export of {CHART}, median of {len(cold)}: imports {fmt_s(c_import_in_cold)}, data + checks + figure "
          f"{fmt_s(c_fig)}, first figure_bytes (starts Chromium) {fmt_s(c_first)}; then exiting (closes Chromium) "
          f"{fmt_s(c_exit)}; PNG {cold[-1]['png_bytes']:,} bytes")
    print(f"briefing pack of {len(ids)} charts: {size / 1024:.0f} KiB; its {2 * len(ids)} images exported one by one: "
          f"{fmt_s(im)} (pack / images {ratio(p, im):.2f})")
    print()
    print("Medians; ratio to the floor last:")
    print(table(["what", "runs", "floor", "floor time", "time", "ratio"], [
        ["PNG export, cold (process start to PNG)", str(len(cold)), "process start to imported", fmt_s(c_imp),
         fmt_s(c_png), f"{ratio(c_png, c_imp):.1f}"],
        ["PNG export, warm", str(len(png)), "plotly.io.to_json(fig)", fmt_s(w_js), fmt_s(w_png),
         f"{ratio(w_png, w_js):.1f}"],
        [f"briefing pack, {len(ids)} charts", str(len(pack)), f"to_json of its {len(ids)} figures", fmt_s(pf), fmt_s(p),
         f"{ratio(p, pf):.1f}"],
        [f"PowerPoint deck, {len(ids)} native charts ({deck_size / 1024:.0f} KiB)", str(len(deck)),
         f"XLSX downloads of its {len(ids)} charts", fmt_s(df), fmt_s(d), f"{ratio(d, df):.1f}"],
    ]))
    print()
    print(f"ratios: cold export / imports {ratio(c_png, c_imp):.1f}; warm PNG / to_json {ratio(w_png, w_js):.1f}; "
          f"pack / to_json {ratio(p, pf):.1f}; deck / XLSX {ratio(d, df):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
