"""Time to chart in a real browser: every page of the dashboard against a bare one-chart page.

What it measures
    Serves the dashboard as `make run` does (`serve.py`, which serves app.py; `--entry app.py` to
    compare), with its own revision store INDICATORS_DB_URL in a temporary folder, so var/ is never
    touched, and `benchmarks/bare_app.py` (the floor), each with
    `streamlit run ... --server.headless true --server.address 127.0.0.1 --server.port <free>`,
    and loads them in headless Chromium (Debian's /usr/bin/chromium through Playwright; nothing
    is downloaded). Each load uses a fresh browser context (empty cache, new Streamlit session), so
    each is a real page load. An init script records, in the page, `performance.now()` (ms since
    navigation start) at every animation frame where the number of charts with a visible
    `<chart> .main-svg` grows (a chart: Streamlit's `[data-testid=stPlotlyChart]`, or the dashboard's
    `.indicators-chart`, where views/_plotly.py draws with plotly.js's basic bundle), and when the main block's content last changed.
    A load ends when the app has settled (script not running, websocket connected, nothing stale,
    for 400 ms), every chart on the page is drawn and the main block has not changed for 1 s: the
    figure is the time until no more charts appear (the last time the number of drawn charts grew).
    On pages with a chart picker, after the load: a click on the picker's last option, timed in the
    page until a chart with that option's title is drawn (every chart is one click away).
    Per page: median over the loads of the time to the first chart and to the last chart. Pages
    without a chart report the time to the main block's content (`[data-testid=stMainBlockContainer]`:
    its first element, and its last change), and are marked so.
    Also: server cold start (process start to a 200 on /_stcore/health, median of 3) of the dashboard
    against the bare app, and the servers' resident memory (psutil if installed, else /proc VmRSS,
    children included) after 20 page loads.

The floor
    The bare page, served and loaded the same way in the same run, its loads interleaved with the
    dashboard's so machine noise hits both alike.

The goal
    Every chart page <= 1.15x the bare page (first chart and last chart). Pages without a chart are
    reported beside it (their main block's first element and last change against the bare page's chart).

How to run (from the repo root)
    .venv/bin/python benchmarks/page_speed.py            # >= 7 loads per page: a few minutes
    .venv/bin/python benchmarks/page_speed.py --quick    # smoke: /trade and the bare page, 2 loads, 1 cold start
    Options: --loads N, --cold N, --paths /trade,/timeline (only those pages).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from _common import (
    CodeWatch,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    fmt_mib,
    fmt_s,
    free_port,
    machine,
    median,
    now,
    ratio,
    rss_bytes,
    stop,
    table,
)

from views._plotly import CHART_CLASS  # noqa: E402 (_common puts the repo root on sys.path)

GOAL = 1.15
PICKER_PATHS = {"/trade", "/security", "/military", "/infrastructure", "/other"}  # pages with a chart picker
EXPECTED_PATHS = ["/", "/trade", "/security", "/military", "/infrastructure", "/other", "/timeline",
                  "/inconsistencies", "/sources", "/data", "/briefing"]
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT_S = 60
LOAD_TIMEOUT_MS = 60_000
RSS_AFTER_LOADS = 20

# A chart: Streamlit's own (the floor's), or the element views/_plotly.py draws the dashboard's figures in.
CHART = f":is([data-testid=stPlotlyChart], .{CHART_CLASS})"

# Runs in every document before the page's own scripts. Bounded: it stops sampling after 90 s.
RECORDER = """
(() => {
  const rec = window.__bench = {charts: [], mainFirst: null, mainLast: null, runStart: null, runEnd: null, frames: 0};
  let seen = 0, lastSig = '';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    return typeof el.checkVisibility === 'function' ? el.checkVisibility({visibilityProperty: true}) : true;
  };
  const sample = () => {
    const t = performance.now();
    rec.frames++;
    let n = 0;
    for (const c of document.querySelectorAll('__CHART__')) {
      const svg = c.querySelector('.main-svg');
      if (svg && visible(svg)) n++;
    }
    while (seen < n) { rec.charts.push(t); seen++; }
    const main = document.querySelector('[data-testid=stMainBlockContainer]');
    if (main) {
      const els = main.querySelectorAll('[data-testid=stElementContainer]');
      let shown = 0;
      for (const e of els) { if (e.getBoundingClientRect().height > 0) shown++; }
      if (shown > 0 && rec.mainFirst === null) rec.mainFirst = t;
      const sig = shown + ':' + main.scrollHeight + ':' + main.textContent.length;
      if (shown > 0 && sig !== lastSig) { rec.mainLast = t; lastSig = sig; }
    }
    const app = document.querySelector('[data-testid=stApp]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'running' && rec.runStart === null) rec.runStart = t;
    if (state === 'notRunning' && rec.runStart !== null) { if (rec.runEnd === null || rec.lastState !== 'notRunning') rec.runEnd = t; }
    rec.lastState = state;
    if (t < 90000) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})();
""".replace("__CHART__", CHART)

# True once the script has finished, the websocket is up, nothing is stale, no element is still a
# skeleton (a lazily loaded component such as the plotly chart shows [data-testid=stSkeleton] while
# its JavaScript loads) and every chart container has drawn its svg, for 400 ms in a row.
SETTLED = """(minCharts) => {
  const app = document.querySelector('[data-testid=stApp]');
  const containers = document.querySelectorAll('__CHART__');
  const drawn = document.querySelectorAll('__CHART__ .main-svg').length > 0
    ? [...containers].filter(c => c.querySelector('.main-svg')).length : 0;
  const ok = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale=true]')
    && !document.querySelector('[data-testid=stSkeleton]')
    && !!document.querySelector('[data-testid=stMainBlockContainer] [data-testid=stElementContainer]')
    && containers.length >= minCharts && drawn === containers.length;
  if (!ok) { window.__quietSince = null; return false; }
  if (window.__quietSince == null) window.__quietSince = performance.now();
  return performance.now() - window.__quietSince >= 400;
}""".replace("__CHART__", CHART)


@dataclass
class Server:
    name: str
    cmd: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    base: str = ""
    loads: int = 0
    rss_at: dict[int, int] = field(default_factory=dict)  # loads served -> RSS bytes
    log: Path | None = None

    def start(self, log_dir: Path) -> float:
        """Start it; seconds from process start to a 200 on /_stcore/health."""
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.loads = 0
        self.log = log_dir / f"{self.name}-{port}.log"
        cmd = [*self.cmd, "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
        with open(self.log, "wb") as out:
            t0 = now()
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = t0 + HEALTH_TIMEOUT_S
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return now() - t0
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not answer /_stcore/health within {HEALTH_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def served(self) -> None:
        self.loads += 1
        self.rss_at[self.loads] = rss_bytes(self.proc.pid)


@dataclass
class Load:
    first: float | None  # ms from navigation start to the first visible chart (None: no chart)
    last: float | None  # ... to the last chart
    charts: int
    main_first: float | None  # ms to the main block's first element
    main_last: float | None  # ms to the main block's last change
    run_start: float | None  # ms to the script starting to run (as the browser sees it)
    run_end: float | None  # ms to the script's last run ending
    big_js: float | None  # ms to the end of the download of the largest script (plotly.js when a chart is shown)
    wall: float  # s, goto to settled, as Python saw it
    switch: float | None = None  # ms from a click on the chart picker's last option to that chart drawn


QUIET_MS = 1000  # after settling, the main block must not change for this long (lazy elements load late)
WARM_QUIET_MS = 3000  # the same at warm-up, where the number of charts of each page is learnt
BIG_JS = """() => {
  const js = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script' || e.name.endsWith('.js'));
  if (!js.length) return null;
  js.sort((a, b) => (b.decodedBodySize || 0) - (a.decodedBodySize || 0));
  return js[0].responseEnd;
}"""


# The chart picker's last option: click it and time until a chart showing its title is drawn (warm page).
SWITCH = """async () => {
  const option = [...document.querySelectorAll('[data-testid=stButtonGroup] [role=radio]')].pop();
  if (!option) return null;
  const title = option.innerText.trim().slice(0, 20);
  const t0 = performance.now();
  option.click();
  return await new Promise((resolve) => {
    const check = () => {
      const text = [...document.querySelectorAll('__CHART__ .main-svg')].map(s => s.textContent).join(' ');
      if (text.includes(title)) return resolve(performance.now() - t0);
      if (performance.now() - t0 > 30000) return resolve(null);
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}""".replace("__CHART__", CHART)


def load(browser, server: Server, path: str, min_charts: int = 0, warm: bool = False, switch: bool = False) -> Load:
    """One page load in a fresh context. `warm`: a warm-up, waiting longer for lazily loaded elements
    (plotly.js is fetched only once a chart arrives), so that the charts are counted right."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        context.add_init_script(RECORDER)
        page = context.new_page()
        t0 = now()
        page.goto(server.base + path, wait_until="commit")
        page.wait_for_function(SETTLED, arg=min_charts, polling=50, timeout=LOAD_TIMEOUT_MS)
        try:  # bounded: lazily loaded elements (a chart's plotly.js) may still be arriving
            if warm:
                page.wait_for_load_state("networkidle", timeout=30_000)
            page.wait_for_function(
                "(q) => window.__bench.mainLast !== null && performance.now() - window.__bench.mainLast >= q",
                arg=WARM_QUIET_MS if warm else QUIET_MS, polling=100, timeout=30_000)
        except Exception:  # noqa: BLE001 a page that never goes quiet: take it as it is
            pass
        page.wait_for_function(SETTLED, arg=min_charts, polling=50, timeout=LOAD_TIMEOUT_MS)
        wall = now() - t0
        if page.locator("[data-testid=stException]").count():
            raise RuntimeError(f"{server.name}{path}: the page shows an exception")
        charts = page.locator(CHART).count()
        # every chart drawn: wait (bounded) until the recorder has seen each one visible
        page.wait_for_function("(n) => window.__bench.charts.length >= n", arg=charts, polling=50,
                               timeout=LOAD_TIMEOUT_MS)
        rec = page.evaluate("() => window.__bench")
        big_js = page.evaluate(BIG_JS)
        switched = page.evaluate(SWITCH) if switch else None
    finally:
        context.close()
    server.served()
    times = rec["charts"]
    return Load(times[0] if charts else None, times[charts - 1] if charts else None, charts,
                rec["mainFirst"], rec["mainLast"], rec["runStart"], rec["runEnd"], big_js, wall, switched)


def nav_paths(browser, server: Server) -> list[str]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(server.base + "/")
        page.wait_for_function(SETTLED, arg=0, polling=50, timeout=LOAD_TIMEOUT_MS)
        hrefs = page.locator("[data-testid=stSidebarNavLink]").evaluate_all("els => els.map(e => e.href)")
    finally:
        context.close()
    server.served()
    paths = []
    for h in hrefs:
        p = urlparse(h).path or "/"
        if p not in paths:
            paths.append(p)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke mode: /trade and the bare page, 2 loads, 1 cold start")
    ap.add_argument("--loads", type=int, help="loads per page (default 7, quick 2)")
    ap.add_argument("--cold", type=int, help="cold starts per server (default 3, quick 1)")
    ap.add_argument("--entry", default="serve.py",
                    help="what `streamlit run` serves: serve.py (as `make run`, default) or app.py (to compare)")
    ap.add_argument("--paths", help="comma-separated pages to measure (default: every sidebar link)")
    args = ap.parse_args()
    loads = args.loads or (2 if args.quick else 7)
    colds = args.cold or (1 if args.quick else 3)
    rss_after = 0 if args.quick else RSS_AFTER_LOADS  # quick: memory after whatever was loaded
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: `bash scripts/setup.sh` installs Debian's chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(machine())
    watch = CodeWatch()
    print(f"mode: {'quick' if args.quick else 'full'}; {loads} loads per page, {colds} cold starts per server")
    tmp = Path(tempfile.mkdtemp(prefix="bench-page-speed-"))
    env = dict(os.environ)
    env.pop("INDICATORS_EDITOR_KEY", None)
    env.pop("INDICATORS_DATA_DIR", None)
    dash_env = dict(env, INDICATORS_DB_URL=f"sqlite:///{tmp / 'bench.db'}")
    streamlit = [sys.executable, "-m", "streamlit", "run"]
    dash = Server("dashboard", [*streamlit, args.entry], dash_env)
    bare = Server("bare", [*streamlit, str(Path(__file__).with_name("bare_app.py"))], env)
    # reference only (not the floor): the bare chart at /chart, what a non-root URL costs any Streamlit app
    bare_path = Server("bare-at-path", [*streamlit, str(Path(__file__).with_name("bare_app.py"))],
                       dict(env, BARE_AT_PATH="1"))

    cold: dict[str, list[float]] = {"dashboard": [], "bare": []}
    try:
        # ---------------------------------------------------------------- cold starts (interleaved)
        for i in range(colds):
            for s in (bare, dash):
                cold[s.name].append(s.start(tmp))
                if i < colds - 1:
                    s.stop()
        # both servers from the last cold start stay up for the page loads
        bare_path.start(tmp)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                t0 = now()
                paths = nav_paths(browser, dash)  # the first load: loads and checks the dataset
                first_load = now() - t0
                if paths != EXPECTED_PATHS:
                    print(f"note: the sidebar links give {paths}, not the expected {EXPECTED_PATHS}; using the links")
                else:
                    print(f"sidebar links: {' '.join(paths)} (as expected)")
                if args.quick:
                    paths = [q for q in ("/trade",) if q in paths] or paths[:1]
                if args.paths:
                    paths = [q for q in args.paths.split(",") if q in paths]
                # warm every page once, and learn how many charts each has
                expected = {pth: load(browser, dash, pth, warm=True).charts for pth in paths}
                load(browser, bare, "/", 1)  # one chart: nothing to learn, only to warm
                load(browser, bare_path, "/chart", 1)
                results: dict[str, list[Load]] = {pth: [] for pth in paths}
                bare_loads: list[Load] = []
                bare_path_loads: list[Load] = []
                for r in range(loads):  # interleaved: one round loads the bare page and every page once
                    bare_loads.append(load(browser, bare, "/", 1))
                    bare_path_loads.append(load(browser, bare_path, "/chart", 1))
                    order = paths[r % len(paths):] + paths[: r % len(paths)]
                    for pth in order:
                        results[pth].append(load(browser, dash, pth, expected[pth], switch=pth in PICKER_PATHS))
                        if results[pth][-1].charts != expected[pth]:
                            print(f"note: {pth} showed {results[pth][-1].charts} charts, {expected[pth]} before")
                            expected[pth] = max(expected[pth], results[pth][-1].charts)
                for _ in range(rss_after):  # bounded: top both servers up to the same number of loads
                    if bare.loads >= rss_after and dash.loads >= rss_after:
                        break
                    if bare.loads < rss_after:
                        load(browser, bare, "/", 1)
                    if dash.loads < rss_after:
                        pth = paths[dash.loads % len(paths)]
                        load(browser, dash, pth, expected[pth])
            finally:
                browser.close()
        rss_end = {s.name: (rss_bytes(s.proc.pid), s.loads) for s in (dash, bare)}
    finally:
        dash.stop()
        bare.stop()
        bare_path.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    # -------------------------------------------------------------------- report
    watch.end()
    def med(runs: list[Load], attr: str) -> float:
        return median(getattr(load, attr) for load in runs if getattr(load, attr) is not None) / 1000

    b_first, b_last = med(bare_loads, "first"), med(bare_loads, "last")
    rows = [["bare_app.py (floor)", "1", str(len(bare_loads)), fmt_s(b_first), fmt_s(b_last), "1.00", "1.00"]]
    p_first, p_last = med(bare_path_loads, "first"), med(bare_path_loads, "last")
    rows.append(["(reference) bare chart at /chart", "1", str(len(bare_path_loads)), fmt_s(p_first), fmt_s(p_last),
                 f"{ratio(p_first, b_first):.2f}", f"{ratio(p_last, b_last):.2f}"])
    detail = [["bare_app.py (floor)", fmt_s(med(bare_loads, "run_start")), fmt_s(med(bare_loads, "run_end")),
               fmt_s(med(bare_loads, "main_first")), fmt_s(med(bare_loads, "big_js")), fmt_s(med(bare_loads, "main_last"))]]
    worst = (0.0, "")  # the goal: chart pages (the time until no more charts appear)
    worst_plain = (0.0, "")  # pages without a chart: reported beside it
    for pth in paths:
        charts = max(load.charts for load in results[pth])
        runs = [load for load in results[pth] if load.charts == charts]  # a load that missed a chart is not a measure
        if len(runs) < len(results[pth]):
            print(f"note: {pth}: {len(results[pth]) - len(runs)} load(s) with fewer than {charts} charts left out")
        if charts:
            first, last, label = med(runs, "first"), med(runs, "last"), pth
        else:
            first, last, label = med(runs, "main_first"), med(runs, "main_last"), f"{pth} (no chart: main block)"
        r1, r2 = ratio(first, b_first), ratio(last, b_last)
        if charts:
            worst = max(worst, (r1, f"{pth} first"), (r2, f"{pth} last"))
        else:
            worst_plain = max(worst_plain, (r2, f"{pth} main block's last change"))
        rows.append([label, str(charts), str(len(runs)), fmt_s(first), fmt_s(last), f"{r1:.2f}", f"{r2:.2f}"])
        detail.append([pth, fmt_s(med(runs, "run_start")), fmt_s(med(runs, "run_end")), fmt_s(med(runs, "main_first")),
                       fmt_s(med(runs, "big_js")), fmt_s(med(runs, "main_last"))])
    print()
    print("Where the time goes (medians, from navigation start; the script state is the browser's view of the")
    print("server's script run; 'largest script' is when the biggest JS file finished downloading):")
    print(table(["page", "script starts", "script ends", "main block 1st element", "largest script",
                 "main block last change"], detail))
    print()
    print(f"first load of a cold dashboard server (loads and checks the dataset): {fmt_s(first_load)}")
    c_dash, c_bare = median(cold["dashboard"]), median(cold["bare"])
    print(table(["server cold start (to /_stcore/health 200)", "runs", "median", "all", "ratio"], [
        ["bare_app.py (floor)", str(len(cold["bare"])), fmt_s(c_bare), " ".join(fmt_s(x) for x in cold["bare"]), "1.00"],
        [args.entry, str(len(cold["dashboard"])), fmt_s(c_dash), " ".join(fmt_s(x) for x in cold["dashboard"]),
         f"{ratio(c_dash, c_bare):.2f}"],
    ]))
    n = rss_after or min(dash.loads, bare.loads)
    rd, rb = dash.rss_at[n], bare.rss_at[n]
    print(table(["server RSS (children included)", f"after {n} loads", "at the end", "ratio"], [
        ["bare_app.py (floor)", fmt_mib(rb), f"{fmt_mib(rss_end['bare'][0])} ({rss_end['bare'][1]} loads)", "1.00"],
        [args.entry, fmt_mib(rd), f"{fmt_mib(rss_end['dashboard'][0])} ({rss_end['dashboard'][1]} loads)",
         f"{ratio(rd, rb):.2f}"],
    ]))
    print()
    print("Time from navigation start, median per page (pages without a chart: to the main block's first")
    print("element and to its last change). Ratios to the bare page's first chart / last chart:")
    print(table(["page", "charts", "loads", "first chart", "last chart", "ratio first", "ratio last"], rows))
    switches = [[pth, fmt_s(med(results[pth], "switch")), f"{ratio(med(results[pth], 'switch'), b_last):.2f}"]
                for pth in paths if any(load.switch is not None for load in results[pth])]
    if switches:
        print()
        print("Another chart of the page, one click away: click on the picker's last option to that chart drawn")
        print("(same loads, page warm; median; ratio to the bare page's whole load, for scale only):")
        print(table(["page", "click to chart", "ratio"], switches))
    print()
    print("The reference row is the floor's chart served at a path (/chart) instead of at /: on a fresh load of a page")
    print("that is not the app's root, Streamlit's page first probes <path>/_stcore/health, gets a 404 and retries")
    print("/_stcore/health after 100 ms. serve.py names the server's root in each page's HTML, so the dashboard's")
    print("pages do not (with --entry app.py they do). Compare its ratio with the pages' to see what this costs.")
    verdict = "met" if worst[0] <= GOAL else f"NOT met: {worst[0] / GOAL - 1:.0%} over"
    print(f"cold start ratio {ratio(c_dash, c_bare):.2f}; RSS ratio {ratio(rd, rb):.2f}; "
          f"goal every chart page <= {GOAL}x the bare page: {verdict}; worst ratio ({worst[1]}): {worst[0]:.2f}"
          + (f"; pages without a chart, worst ({worst_plain[1]}): {worst_plain[0]:.2f} (reported)"
             if worst_plain[1] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
