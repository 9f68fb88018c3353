"""Downloads for briefings: chart images, chart data as CSV/XLSX, and a briefing pack.

Everything a user downloads is built here, never in a page, so the CLI and the
pages export the same bytes. Two concerns shape the module:

- Spreadsheets open CSV/XLSX cells that start with `=`, `+`, `-` or `@` as formulas,
  and every string here may come from an uploaded CSV: such cells are neutralised
  (OWASP "CSV injection"), except plain numbers such as "-28".
- kaleido renders images in a Chromium. Starting one costs about 2 s and 465 MiB,
  so one browser is started on the first image export and kept for the process.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import io
import math
import os
import re
import shutil
import threading
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .checks import CheckResult, run_checks
from .charts import build_figure, citation, find_spec, points_for
from .dataset import Dataset
from .settings import forced_browser
from .text import md_readable
from .schema import Severity, Source

# --------------------------------------------------------------------------- neutralising cells

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = b"\xef\xbb\xbf"


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe.

    Plain numbers written as text ("-28", "-0.5") stay as they are: they are data.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object).map(neutralise) if not frame.empty else frame.copy()
    out.columns = [neutralise(c) for c in frame.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, excel: bool = False) -> bytes:
    """UTF-8 CSV with neutralised cells; `excel=True` adds the BOM Excel needs to read UTF-8."""
    text = _neutral_frame(frame).to_csv(index=False, lineterminator="\n")
    data = text.encode("utf-8")
    return BOM + data if excel else data


# --------------------------------------------------------------------------- XLSX

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _cell_value(value: Any) -> Any:
    """A value openpyxl stores as a number, a boolean or plain text (never a formula)."""
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # Excel has no inf/NaN
    if isinstance(value, (bool, int)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell_value(value.item())
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = neutralise(str(value))
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _sheet_name(name: str, taken: set[str]) -> str:
    """Excel allows 31 characters, no []:*?/\\, and names unique regardless of case."""
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'") or "sheet"
    candidate, n = base[:_MAX_SHEET_NAME], 1
    while candidate.lower() in taken or candidate.lower() == "history":  # "History" is reserved
        n += 1
        suffix = f"~{n}"
        candidate = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per frame: bold header, sized columns, every text cell stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_name(str(name), taken))
        header = [_cell_value(str(c)) for c in frame.columns]
        rows = [[_cell_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        for r, values in enumerate([header, *rows], start=1):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if cell.data_type == "f":  # belt and braces: neutralise() already prevents this
                    cell.data_type = "s"
                if r == 1:
                    cell.font = bold
        for c, title in enumerate(header, start=1):
            longest = max([len(str(title))] + [len(str(row[c - 1])) for row in rows[:500] if row[c - 1] is not None])
            width = min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)
            letter = ws.cell(row=1, column=c).column_letter
            ws.column_dimensions[letter].width = width
            if longest + 2 > _MAX_WIDTH:  # long text (quotes, explanations): wrap instead of a wide column
                for row in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                    row[0].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    if not wb.sheetnames:
        wb.create_sheet("empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- the data behind a chart

DATA_COLUMNS = ["kind", "entity", "period", "figure", "allows", "lo", "hi", "who", "quote",
                "obs_id", "source_id", "flags", "note"]
SOURCE_COLUMNS = ["source_id", "claimed_by", "claimed_by_type", "cited_work", "article", "article_author",
                  "publication", "publisher", "year", "url", "citation"]
FLAG_COLUMNS = ["id", "kind", "severity", "title", "explanation", "obs_ids"]


def _chart_obs_ids(dataset: Dataset, result: CheckResult, indicator_id: str) -> set[str]:
    """Every observation behind a chart: its own figures (also the changes and multiples
    the chart shows only as implied points) and the figures its implied points come from."""
    ids = {o.obs_id for o in dataset.observation_rows if o.indicator_id == indicator_id}
    for imp in result.implied:
        if imp.indicator_id == indicator_id:
            ids.update(imp.from_obs)
    return ids


def _chart_flags(dataset: Dataset, result: CheckResult, indicator_id: str) -> list:
    ids = _chart_obs_ids(dataset, result, indicator_id)
    flags = [f for f in result.flags if ids.intersection(f.obs_ids)]
    order = {s: i for i, s in enumerate(Severity)}
    return sorted(flags, key=lambda f: order[f.severity])


def _source_row(src: Source) -> dict:
    """A source as the Sources sheet lists it: a text's claimant and article, or a dataset's reporter."""
    return {
        "source_id": src.source_id, "claimed_by": src.claimed_by or "",
        "claimed_by_type": src.claimed_by_type.value if src.claimed_by_type else "", "cited_work": src.cited_work or "",
        "article": src.article or src.dataset or "", "article_author": src.article_author or src.reporter or "",
        "publication": src.publication or "", "publisher": src.publisher, "year": src.year,
        "url": src.url or "", "citation": citation(src),
    }


def _chart_source_ids(points: pd.DataFrame) -> list[str]:
    return sorted({s for ids in points["source_id"] for s in str(ids).split(";") if s})


def _finite(x: Any) -> float | None:
    """A bound for a spreadsheet: empty when open-ended, without binary float noise."""
    return float(f"{float(x):.12g}") if x is not None and math.isfinite(float(x)) else None


def chart_sheets(dataset: Dataset, result: CheckResult, chart_id: str) -> dict[str, pd.DataFrame]:
    """The chart's figures, the full citations of its sources, and the flags on its figures."""
    spec = find_spec(dataset, chart_id)
    points = points_for(dataset, result, spec)
    if spec.kind == "ranking":
        return _ranking_sheets(dataset, result, spec, points)
    data = pd.DataFrame({
        "kind": points["kind"], "entity": points["entity"], "period": points["period"],
        "figure": points["label"], "allows": points["interval"],
        "lo": points["lo"].map(_finite).astype(object), "hi": points["hi"].map(_finite).astype(object),
        "who": points["who"], "quote": points["quote"], "obs_id": points["obs_id"],
        "source_id": points["source_id"], "flags": points["flags"], "note": points["note"],
    }, columns=DATA_COLUMNS)
    rows = []
    for sid in _chart_source_ids(points):
        src = dataset.sources_by_id.get(sid)
        if isinstance(src, Source):
            rows.append(_source_row(src))
    sources = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    flags = pd.DataFrame(
        [{"id": f.id, "kind": f.kind, "severity": f.severity.value, "title": f.title,
          "explanation": f.explanation, "obs_ids": ";".join(f.obs_ids)}
         for f in _chart_flags(dataset, result, spec.indicator_id)],
        columns=FLAG_COLUMNS,
    )
    return {"data": data, "sources": sources, "flags": flags}


RANKING_DATA_COLUMNS = ["reporter", "period", "rank", "entity", "value", "label", "highlight", "source_id"]


def _ranking_sheets(dataset: Dataset, result: CheckResult, spec, points: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A ranking chart's cross-sections, the statistics' citations, and the verdicts on its claims."""
    data = points.reindex(columns=RANKING_DATA_COLUMNS)
    data["highlight"] = data["highlight"].map(lambda h: "the claim's entity" if h else "")
    sources = pd.DataFrame([_source_row(dataset.sources_by_id[sid]) for sid in _chart_source_ids(points)
                            if sid in dataset.sources_by_id], columns=SOURCE_COLUMNS)
    flags = pd.DataFrame(
        [{"id": f.id, "kind": f.kind, "severity": f.severity.value, "title": f.title,
          "explanation": f.explanation, "obs_ids": ";".join(f.obs_ids)}
         for f in _chart_flags(dataset, result, spec.indicator_id) if f.kind == "reference_check"],
        columns=FLAG_COLUMNS,
    )
    return {"data": data, "sources": sources, "flags": flags}


def cite_chart(dataset: Dataset, chart_id: str, revision: str, *,
               result: CheckResult | None = None, today: dt.date | None = None) -> str:
    """'Cite this figure': the title, each source as in the footnote, and the dataset revision."""
    spec = find_spec(dataset, chart_id)
    result = result if result is not None else run_checks(dataset)
    points = points_for(dataset, result, spec)
    lines = [spec.title]
    for sid in _chart_source_ids(points):
        src = dataset.sources_by_id.get(sid)
        if isinstance(src, Source):
            lines.append(citation(src).removesuffix("."))
    accessed = (today or dt.date.today()).isoformat()
    lines.append(f"China–Russia indicators dashboard, dataset {revision}, accessed {accessed}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- images

IMAGE_FORMATS = ("png", "svg", "pdf")
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("Image downloads need a Chromium: on Debian/Ubuntu run "
                "`sudo apt-get install -y chromium` (or set BROWSER_PATH)")
START_TIMEOUT = 60.0   # seconds to launch Chromium and load plotly.js
RENDER_TIMEOUT = 60.0  # seconds for one image


class ImageExportUnavailable(RuntimeError):
    """Static images cannot be made here; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _browser_path() -> tuple[str | None, str | None]:
    """(path, problem): the Chromium we will launch, chosen here so kaleido never
    picks a different (or downloaded) browser than the one image_support reported."""
    forced = forced_browser()
    if forced:
        if os.path.isfile(forced) and os.access(forced, os.X_OK):
            return forced, None
        return None, f"BROWSER_PATH={forced!r} is not an executable file. {INSTALL_HINT}."
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found, None
    return None, f"{INSTALL_HINT}."


def image_support() -> str | None:
    """None when PNG/SVG/PDF export can work; otherwise what is missing and how to install it."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "Image downloads need the kaleido package (>= 1.5): run `bash scripts/setup.sh`."
    return _browser_path()[1]


class _Renderer:
    """One kaleido Chromium on a private event loop, kept for the process.

    Why not kaleido.start_sync_server(): its calls wait on a queue without a
    timeout, so a browser that fails to launch (or dies) hangs the caller forever,
    and two threads (two Streamlit sessions) calling at once can receive each
    other's images. Here every call has a timeout and a failed browser is replaced.
    """

    def __init__(self, browser: str) -> None:
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-renderer", daemon=True)
        self._thread.start()

        async def launch():
            # mathjax=False: no request to a CDN at start, and the charts use no LaTeX; path: the
            # browser image_support() reported, never one kaleido would look for or download.
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=browser)
            await k.open()
            return k

        try:
            self._kaleido = self._run(launch(), START_TIMEOUT)
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coro, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()  # a stuck launch or render must not keep running in the loop
            raise

    def render(self, fig: dict, opts: dict) -> bytes:
        return self._run(self._kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT + 15)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        try:
            self._run(self._kaleido.close(), 10)
        except BaseException:  # noqa: BLE001 closing a broken browser: best effort
            pass
        self._stop_loop()

    def _stop_loop(self) -> None:
        async def cancel_the_rest() -> None:  # e.g. the watchdog of a browser that crashed
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        try:
            self._run(cancel_the_rest(), 5)
        except BaseException:  # noqa: BLE001 best effort
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()


_LOCK = threading.Lock()
_renderer: _Renderer | None = None


def _shutdown() -> None:
    global _renderer
    with _LOCK:
        if _renderer is not None:
            _renderer.close()
            _renderer = None


atexit.register(_shutdown)
# plotly.io.to_image warns on every call when kaleido's sync server runs; harmless if
# anything else in the process uses it, so keep the log clean.
warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server", category=UserWarning)


def _render(fig_dict: dict, opts: dict) -> bytes:
    """Render with the process's browser, starting it on first use and replacing it once if it broke."""
    global _renderer
    from kaleido.errors import JavascriptError, KaleidoError

    with _LOCK:
        last_error: BaseException | None = None
        for _attempt in range(2):
            if _renderer is not None and not _renderer.alive():
                _renderer = None
            if _renderer is None:
                browser, problem = _browser_path()
                if problem:
                    raise ImageExportUnavailable(problem)
                try:
                    _renderer = _Renderer(browser)
                except Exception as exc:  # noqa: BLE001 any launch failure means: no images
                    raise ImageExportUnavailable(
                        f"Image downloads could not start Chromium at {browser} ({_reason(exc)}). {INSTALL_HINT}."
                    ) from exc
            try:
                return _renderer.render(fig_dict, opts)
            except (KaleidoError, JavascriptError) as exc:  # plotly.js refused this figure: the browser is fine
                last_error = exc
                break
            except Exception as exc:  # noqa: BLE001 a crashed or stuck browser: replace it, try once more
                last_error = exc
                _renderer.close()
                _renderer = None
        raise ImageExportUnavailable(f"The image could not be rendered ({_reason(last_error)}); "
                                     "try again, or download the data instead.") from last_error


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    text = text.strip().splitlines()[0] if text.strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def figure_bytes(fig: go.Figure | dict, fmt: str, width: int = 1600, height: int = 900, scale: float = 1.0) -> bytes:
    """The figure as PNG, SVG or PDF, exactly as on screen, at a 16:9 slide size by default.

    Only width and height change: the figure's own template, fonts and footnote are kept.
    1600x900 at scale 1 is a full-HD slide; pass scale=2 for print.
    """
    fmt = fmt.lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}: expected one of {', '.join(IMAGE_FORMATS)}")
    if not (50 <= width <= 10_000 and 50 <= height <= 10_000 and 0 < scale <= 8):
        raise ValueError(f"image size out of range: {width}x{height} at scale {scale}")
    fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    return _render(fig_dict, {"format": fmt, "width": width, "height": height, "scale": scale})


# --------------------------------------------------------------------------- briefing pack

PACK_PNG_SCALE = 2  # 3200x1800 px: sharp on a projector, a retina screen or paper


def briefing_pack(dataset: Dataset, result: CheckResult, chart_ids: list[str], revision: str) -> bytes:
    """A zip for a briefing: each chart as PNG and SVG, one data.xlsx, and a README whose
    citations and flags travel with the figures."""
    specs = [find_spec(dataset, cid) for cid in dict.fromkeys(chart_ids)]  # unknown id -> KeyError
    taken: set[str] = {"sources", "flags"}
    data_sheets: dict[str, pd.DataFrame] = {}
    sheet_of: dict[str, str] = {}
    sources, flags = [], []
    for spec in specs:
        sheets = chart_sheets(dataset, result, spec.id)
        name = _sheet_name(spec.id, taken)
        sheet_of[spec.id] = name
        data_sheets[name] = sheets["data"]
        sources.append(sheets["sources"].assign(chart=spec.id))
        flags.append(sheets["flags"].assign(chart=spec.id))
    all_sources = _merge_by(sources, "source_id", SOURCE_COLUMNS)
    all_flags = _merge_by(flags, "id", FLAG_COLUMNS)

    images: dict[str, bytes] = {}
    missing: str | None = image_support()
    if missing is None:
        try:
            for spec in specs:
                fig = build_figure(dataset, result, spec.id)
                images[f"charts/{spec.id}.png"] = figure_bytes(fig, "png", scale=PACK_PNG_SCALE)
                images[f"charts/{spec.id}.svg"] = figure_bytes(fig, "svg")
        except ImageExportUnavailable as exc:
            images, missing = {}, exc.message

    readme = _readme(dataset, result, specs, revision, sheet_of, missing)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", readme)
        zf.writestr("data.xlsx", to_xlsx_bytes({**data_sheets, "sources": all_sources, "flags": all_flags}))
        for path, blob in images.items():
            zf.writestr(path, blob)
    return buf.getvalue()


def _merge_by(frames: list[pd.DataFrame], key: str, columns: list[str]) -> pd.DataFrame:
    """One row per key, with the charts it belongs to."""
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*columns, "chart"])
    if frame.empty:
        return pd.DataFrame(columns=[*columns, "charts"])
    charts = frame.groupby(key, sort=False)["chart"].agg(lambda s: ";".join(dict.fromkeys(s)))
    first = frame.drop_duplicates(key).set_index(key)
    first["charts"] = charts
    return first.reset_index()[[*columns, "charts"]]


def _readme(dataset: Dataset, result: CheckResult, specs: Iterable, revision: str,
            sheet_of: dict[str, str], missing: str | None) -> str:
    lines = [
        "# Briefing pack: China–Russia indicators",
        "",
        f"Dataset: {md_readable(revision)}. Made {dt.date.today().isoformat()}.",
        "",
    ]
    if missing is None:
        lines += [f"- `charts/<chart>.png`: {1600 * PACK_PNG_SCALE}×{900 * PACK_PNG_SCALE} px (16:9), for slides and print",
                  "- `charts/<chart>.svg`: vector, for editing"]
    else:
        lines += [f"Images were left out of this pack: {' '.join(missing.split())}", ""]  # our own message
    lines += ["- `data.xlsx`: one sheet of figures per chart, plus `sources` (full citations) and "
              "`flags` (conflicts and caveats)", ""]
    severity_label = {Severity.conflict: "CONFLICT", Severity.warning: "WARNING", Severity.info: "INFO"}
    for spec in specs:
        lines += [f"## {md_readable(spec.title)}", ""]
        files = [f"`charts/{spec.id}.png`", f"`charts/{spec.id}.svg`"] if missing is None else []
        files.append(f"sheet `{sheet_of[spec.id]}` of `data.xlsx`")
        lines += ["Files: " + ", ".join(files) + ".", "", "Cite this figure:", ""]
        lines += [f"> {md_readable(line)}  " for line in cite_chart(dataset, spec.id, revision, result=result).splitlines()]
        lines.append("")
        chart_flags = _chart_flags(dataset, result, spec.indicator_id)
        if chart_flags:
            lines += [f"Flags on this chart's figures ({len(chart_flags)}):", ""]
            lines += [f"- **{severity_label[f.severity]}**: {md_readable(f.title)}. {md_readable(f.explanation)}" for f in chart_flags]
        else:
            lines.append("No flags on this chart's figures.")
        lines.append("")
    return "\n".join(lines)
