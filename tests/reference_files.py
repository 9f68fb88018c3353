"""The genuine reference downloads, edited as a newer release would be: for upload tests (AppTest and browser)."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl

from .conftest import DATA

DOTS_DIR = DATA / "reference" / "imf-dots"
SIPRI_REGISTER = DATA / "reference" / "sipri" / "trade-register-2000-2030.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHINA = "China, P.R.: Mainland"  # the partner's name in the workbooks


def workbook_bytes(edit: Callable | None = None, name: str = "DOTS_162.xlsx") -> bytes:
    """A real DOTS workbook, opened with openpyxl, edited, saved again."""
    wb = openpyxl.load_workbook(DOTS_DIR / name)
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def partner_row(ws, partner: str) -> int:
    return next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 2).value == partner)


def year_column(ws, year: str) -> int:
    return next(c for c in range(3, ws.max_column + 1) if str(ws.cell(7, c).value) == year)


def set_cell(sheet: str, partner: str, year: str, value) -> Callable:
    def edit(wb):
        ws = wb[sheet]
        ws.cell(partner_row(ws, partner), year_column(ws, year), value)
    return edit


def append_year(year: str, values: dict[str, dict[str, float]]) -> Callable:
    """A new last year column: values[sheet][partner]; the other partners' cells stay empty (missing)."""
    def edit(wb):
        for sheet, cells in values.items():
            ws = wb[sheet]
            col = ws.max_column + 1
            ws.cell(7, col, year)
            for partner, value in cells.items():
                ws.cell(partner_row(ws, partner), col, value)
    return edit


# Russia's 2021 as a newer release would add it (US$ millions): trade with China 140.00075 bn of 790 bn.
RUSSIA_2021 = {"Exports, FOB": {CHINA: 68000.5, "World": 490000}, "Imports, CIF": {CHINA: 72000.25, "World": 300000}}


def register_bytes(edit: Callable[[list[str]], list[str]]) -> bytes:
    lines = SIPRI_REGISTER.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(edit(lines)).encode("utf-8")


WIND_DIR = DATA / "reference" / "china-customs"
WIND_2022 = WIND_DIR / "wind-2022-12" / "china_imports_wind.csv"
WIND_2023 = WIND_DIR / "wind-2023-03" / "china_imports_wind.csv"
# March 2023 as a newer Wind export would add it, Russia's columns in the 2023 export's order (ton/USD/kg):
# crude 8,000,000,000 kg (8 Mt) and US$ 4,000,000,000 in the last two columns.
WIND_MARCH_2023 = "2023-03-31,3000000,500000000,2000000,400000000,1200000000,6500000,1500000000,500000000,4000000000,0,500000000,8000000000,4000000000"


def wind_bytes(path=WIND_2023, extra: str | None = None, edit: Callable[[list[str]], list[str]] | None = None) -> bytes:
    """A real Wind export, unchanged, with a month appended (the Time Period row's spans extended to it, as a
    newer export's are), or edited line by line."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if extra:
        at = next(i for i, line in enumerate(lines) if line.startswith("Time Period,"))
        lines[at] = lines[at].replace(f":{lines[-1][:7]}", f":{extra[:7]}")
        lines.append(extra)
    if edit:
        lines = edit(lines)
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
