"""Chart data for briefings as CSV and XLSX, with every cell a spreadsheet would run as a formula neutralised.

Spreadsheets open CSV/XLSX cells that start with `=`, `+`, `-` or `@` as formulas, and every
string here may come from an uploaded CSV: such cells are neutralised (OWASP "CSV injection"),
except plain numbers such as "-28".
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .checks import CheckResult, run_checks
from .charts import find_spec, point_source_ids, points_for
from .dataset import Dataset
from .schema import Severity, Source
from .wording import citation

# --------------------------------------------------------------------------- neutralising cells

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = b"\xef\xbb\xbf"


_BLANK_BEFORE = " \n\x0b\x0c\u00a0"


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe, also when spaces come
    first (' =1+1': some spreadsheets skip them; imports strip them, which made it '=1+1').

    Plain numbers written as text ("-28", "-0.5") stay as they are: they are data.
    """
    if isinstance(value, str):
        bare = value.lstrip(_BLANK_BEFORE)
        if bare.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(bare):
            return "'" + value
    return value


def neutral_csv(content: bytes) -> bytes:
    """A stored CSV with every cell a spreadsheet would run neutralised; unchanged when none is (byte for byte)."""
    import csv

    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if all(neutralise(cell) is cell for row in rows for cell in row):
        return content
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[neutralise(cell) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8")


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


def sheet_name(name: str, taken: set[str]) -> str:
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
        ws = wb.create_sheet(sheet_name(str(name), taken))
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
FLAG_COLUMNS = ["id", "kind", "severity", "verdict", "title", "sentence", "explanation", "obs_ids"]


def _chart_obs_ids(dataset: Dataset, result: CheckResult, indicator_id: str) -> set[str]:
    """Every observation behind a chart: its own figures (also the changes and multiples
    the chart shows only as implied points) and the figures its implied points come from."""
    ids = {o.obs_id for o in dataset.observation_rows if o.indicator_id == indicator_id}
    for imp in result.implied:
        if imp.indicator_id == indicator_id:
            ids.update(imp.from_obs)
    return ids


def chart_flags(dataset: Dataset, result: CheckResult, indicator_id: str) -> list:
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
    for sid in point_source_ids(points):
        src = dataset.sources_by_id.get(sid)
        if isinstance(src, Source):
            rows.append(_source_row(src))
    sources = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    flags = pd.DataFrame(
        [flag_row(f)
         for f in chart_flags(dataset, result, spec.indicator_id)],
        columns=FLAG_COLUMNS,
    )
    return {"data": data, "sources": sources, "flags": flags}


def flag_row(f) -> dict:
    """A flag as a table row: the sentence to paste, then the working."""
    return {"id": f.id, "kind": f.kind, "severity": f.severity.value, "verdict": f.verdict or "", "title": f.title,
            "sentence": f.sentence, "explanation": f.explanation, "obs_ids": ";".join(f.obs_ids)}


RANKING_DATA_COLUMNS = ["reporter", "period", "rank", "entity", "value", "label", "highlight", "source_id"]


def _ranking_sheets(dataset: Dataset, result: CheckResult, spec, points: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A ranking chart's cross-sections, the statistics' citations, and the verdicts on its claims."""
    data = points.reindex(columns=RANKING_DATA_COLUMNS)
    data["highlight"] = data["highlight"].map(lambda h: "the claim's entity" if h else "")
    sources = pd.DataFrame([_source_row(dataset.sources_by_id[sid]) for sid in point_source_ids(points)
                            if sid in dataset.sources_by_id], columns=SOURCE_COLUMNS)
    flags = pd.DataFrame(
        [flag_row(f)
         for f in chart_flags(dataset, result, spec.indicator_id) if f.kind == "reference_check"],
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
    for sid in point_source_ids(points):
        src = dataset.sources_by_id.get(sid)
        if isinstance(src, Source):
            lines.append(citation(src).removesuffix("."))
    accessed = (today or dt.date.today()).isoformat()
    lines.append(f"China–Russia indicators dashboard, dataset {revision}, accessed {accessed}")
    return "\n".join(lines)


