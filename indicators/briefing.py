"""The briefing pack: each chart as PNG and SVG, the deck (deck.pptx, every chart editable), one data.xlsx,
and a README whose descriptions, citations and flags travel with the figures."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

import pandas as pd

from .checks import CheckResult
from .charts import build_figure, find_spec
from .dataset import Dataset
from .deck import deck_bytes
from .describe import chart_description
from .text import md_readable
from .render import ImageExportUnavailable, figure_bytes, image_support
from .schema import Severity
from .sheets import FLAG_COLUMNS, SOURCE_COLUMNS, chart_flags, sheet_name, chart_sheets, cite_chart, to_xlsx_bytes

# --------------------------------------------------------------------------- briefing pack

PACK_PNG_SCALE = 2  # 3200x1800 px: sharp on a projector, a retina screen or paper


def briefing_pack(dataset: Dataset, result: CheckResult, chart_ids: list[str], revision: str) -> bytes:
    """A zip for a briefing: each chart as PNG and SVG, deck.pptx, one data.xlsx, and a README whose
    descriptions, citations and flags travel with the figures."""
    specs = [find_spec(dataset, cid) for cid in dict.fromkeys(chart_ids)]  # unknown id -> KeyError
    taken: set[str] = {"sources", "flags"}
    data_sheets: dict[str, pd.DataFrame] = {}
    sheet_of: dict[str, str] = {}
    sources, flags = [], []
    for spec in specs:
        sheets = chart_sheets(dataset, result, spec.id)
        name = sheet_name(spec.id, taken)
        sheet_of[spec.id] = name
        data_sheets[name] = sheets["data"]
        sources.append(sheets["sources"].assign(chart=spec.id))
        flags.append(sheets["flags"].assign(chart=spec.id))
    all_sources = _merge_by(sources, "source_id", SOURCE_COLUMNS)
    all_flags = _merge_by(flags, "id", FLAG_COLUMNS)

    images: dict[str, bytes] = {}
    described = {spec.id: chart_description(dataset, result, spec.id) for spec in specs}
    missing: str | None = image_support()
    if missing is None:
        try:
            for spec in specs:
                fig = build_figure(dataset, result, spec.id)
                images[f"charts/{spec.id}.png"] = figure_bytes(fig, "png", scale=PACK_PNG_SCALE,
                                                               description=described[spec.id])
                images[f"charts/{spec.id}.svg"] = figure_bytes(fig, "svg", description=described[spec.id])
        except ImageExportUnavailable as exc:
            images, missing = {}, exc.message

    readme = _readme(dataset, result, specs, revision, sheet_of, missing, described)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", readme)
        zf.writestr("deck.pptx", deck_bytes(dataset, result, [spec.id for spec in specs], revision))
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
            sheet_of: dict[str, str], missing: str | None, described: dict[str, str]) -> str:
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
    lines += ["- `deck.pptx`: one slide per chart, the chart editable in PowerPoint or LibreOffice (Edit Data), "
              "its sources on the slide, its findings, quotes and citations in the speaker notes",
              "- `data.xlsx`: one sheet of figures per chart, plus `sources` (full citations) and "
              "`flags` (conflicts and caveats)", ""]
    severity_label = {Severity.conflict: "CONFLICT", Severity.warning: "WARNING", Severity.info: "INFO"}
    for spec in specs:
        lines += [f"## {md_readable(spec.title)}", ""]
        files = [f"`charts/{spec.id}.png`", f"`charts/{spec.id}.svg`"] if missing is None else []
        files.append(f"sheet `{sheet_of[spec.id]}` of `data.xlsx`")
        lines += ["Files: " + ", ".join(files) + ".", "", f"In words: {md_readable(described[spec.id])}", "",
                  "Cite this figure:", ""]
        lines += [f"> {md_readable(line)}  " for line in cite_chart(dataset, spec.id, revision, result=result).splitlines()]
        lines.append("")
        on_chart = chart_flags(dataset, result, spec.indicator_id)
        if on_chart:
            lines += [f"Flags on this chart's figures ({len(on_chart)}):", ""]
            lines += [f"- **{f.verdict.upper() if f.verdict else severity_label[f.severity]}**: "
                      f"{md_readable(f.sentence or f.explanation)}" for f in on_chart]
        else:
            lines.append("No flags on this chart's figures.")
        lines.append("")
    return "\n".join(lines)
