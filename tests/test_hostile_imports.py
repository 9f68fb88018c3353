"""Statistics imports are as hardened as CSV uploads (issue 22): each hostile download the issue lists,
made here from the genuine reference files, gives capped errors with one sentence naming file, sheet or
line and what was expected: never a traceback, never a blame on the generated series.csv."""

from __future__ import annotations

import io
import pickle
import re
import sys
import zipfile

import pytest

from indicators.__main__ import main
from indicators.bounded import BudgetExceeded, ServerBusy, WorkFailed, run_bounded
from indicators.csvfile import MAX_ERRORS, ErrorCode
from indicators.imports import import_files, read_upload
from indicators.imports.upload import plan_import, preview_import
from indicators.loading import folder_files

from .conftest import DATA
from .reference_files import CHINA, SIPRI_REGISTER, register_bytes, set_cell, workbook_bytes

CURRENT = folder_files(DATA)
HEADER_AT = next(i for i, line in enumerate(SIPRI_REGISTER.read_text(encoding="utf-8").splitlines())
                 if line.startswith("SIPRI AT Database ID"))
DELIVERY = "37743,"  # Russia -> Afghanistan, aircraft engines, delivered 2005, TIV 3


def edited_row(old: str, new: str):
    """The register with one delivery row's text replaced."""
    return lambda lines: [line.replace(old, new) if line.startswith(DELIVERY) else line for line in lines]


def line_of_delivery() -> int:
    lines = SIPRI_REGISTER.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(DELIVERY))


def rezipped(data: bytes, part: str, edit) -> bytes:
    """A workbook with one of its XML parts rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info.filename, edit(content) if info.filename == part else content)
    return out.getvalue()


def with_doctype(doctype: bytes):
    """Sheet XML declaring a DTD after its XML declaration."""
    return lambda xml: re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, xml, count=1)


def errors_of(name: str, data: bytes) -> list[str]:
    result = read_upload(name, data, "2024-05-01" if name.endswith(".xlsx") else None)
    return [str(e) for e in result.errors]


# --------------------------------------------------------------------------- each case of the issue, one sentence

SIPRI_CASES = {
    "TIV of 21 digits": (edited_row(",0.5,0.5,3,", ",0.5,0.5,123456789012345678901,"),
                         "TIV delivery values: expected a plain number of SIPRI TIV millions"),
    "delivery year 2999": (edited_row(",2005,No,New,", ",2999,No,New,"),
                           "Delivery year: expected a year from 1950 to 2025 (the register was generated then)"),
    "quote never closed": (lambda lines: [('"' + line) if line.startswith(DELIVERY) else line for line in lines],
                           "a quoted cell starting on this row is never closed"),
    "NUL byte": (edited_row("Afghanistan", "Afghan\x00istan"), "holds a NUL byte: this is a binary file"),
}


@pytest.mark.parametrize("case", list(SIPRI_CASES))
def test_a_hostile_register_gives_one_sentence_naming_its_line(case):
    edit, expected = SIPRI_CASES[case]
    (error,) = errors_of("register.csv", register_bytes(edit))
    assert error.startswith(f"register.csv:{line_of_delivery()}:") and expected in error, error
    assert "Traceback" not in error and "series.csv" not in error


def test_data_generated_on_a_day_that_does_not_exist_names_that_line():
    lines = SIPRI_REGISTER.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("Data generated:"))
    (error,) = errors_of("register.csv", register_bytes(lambda ls: [x.replace("3 Jan 2025", "31 Feb 2025") for x in ls]))
    assert error.startswith(f"register.csv:{line}:") and "'2025-02-31' is not a real calendar date" in error
    assert "expected the date SIPRI writes" in error


def test_a_recipient_name_too_long_for_a_series_is_blamed_on_its_register_line():
    (error,) = errors_of("register.csv", register_bytes(edited_row("Afghanistan", "A" * 300)))
    assert error.startswith(f"register.csv:{line_of_delivery()}:Recipient:") and "cannot name a series" in error


def test_a_register_of_a_million_one_cell_lines_gives_a_thousand_errors_and_a_count():
    head = SIPRI_REGISTER.read_bytes().split(b"\n")[: HEADER_AT + 1]
    data = b"\n".join(head) + b"\n" + b"x\n" * 1_000_000
    result = read_upload("million.csv", data)
    assert len(result.errors) == MAX_ERRORS + 1
    assert result.errors[-1].code is ErrorCode.limit
    assert result.errors[-1].message.startswith("… and 999,000 more errors (999,000 in million.csv)")
    preview = preview_import(CURRENT, [("million.csv", data)], None)  # what a worker sends to the server
    assert len(pickle.dumps(preview)) < 1_000_000


def test_a_workbook_with_thousands_of_bad_cells_gives_a_thousand_errors_and_a_count():
    def every_cell_bad(wb):
        ws = wb["Exports, FOB"]
        for row in ws.iter_rows(min_row=8, min_col=3):
            for cell in row:
                cell.value = "n/a"
    result = read_upload("DOTS_162.xlsx", workbook_bytes(every_cell_bad), "2024-05-01")
    assert len(result.errors) == MAX_ERRORS + 1
    more = int(re.match(r"… and ([0-9,]+) more errors", result.errors[-1].message)[1].replace(",", ""))
    assert more > 1_000 and "in DOTS_162.xlsx[Exports, FOB]" in result.errors[-1].message


def test_several_files_over_the_cap_are_capped_together_with_the_whole_count():
    head = SIPRI_REGISTER.read_bytes().split(b"\n")[: HEADER_AT + 1]
    data = b"\n".join(head) + b"\n" + b"x\n" * 3_000
    result = import_files("sipri", [("a.csv", data), ("b.csv", data)])
    assert len(result.errors) == MAX_ERRORS + 1
    assert "… and 5,000 more errors" in result.errors[-1].message


def test_a_cell_of_1e308_names_its_sheet_row_and_column():
    (error,) = errors_of("DOTS_162.xlsx", workbook_bytes(set_cell("Exports, FOB", CHINA, "2015", 1e308)))
    assert re.match(r"DOTS_162\.xlsx\[Exports, FOB\]:\d+:[A-Z]+: 2015 for China, P\.R\.: Mainland: expected a number "
                    r"of US\$ millions with at most 15 digits before the point", error), error


def test_a_partner_trading_more_than_world_is_blamed_on_the_workbook_not_series_csv():
    data = workbook_bytes(set_cell("Exports, FOB", CHINA, "2015", 9e9))
    (error,) = [str(e) for e in plan_import(CURRENT, [("DOTS_162.xlsx", data)], "2024-05-01").plan.errors]
    assert error.startswith("DOTS_162.xlsx[Exports, FOB]:") and "exceeds World's" in error, error


@pytest.mark.parametrize("case", ["not well-formed", "entity expansion", "external entity"])
def test_hostile_xml_in_a_workbook_gives_a_sentence_and_reads_nothing_outside(case, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    lol = b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
                   for i in range(1, 10))
    edits = {
        "not well-formed": lambda xml: xml[:-50],
        "entity expansion": with_doctype(b'<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + lol + b"]>"),
        "external entity": with_doctype(b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://%s">]>' % str(secret).encode()),
    }
    data = workbook_bytes()
    part = "xl/worksheets/sheet1.xml"
    data = rezipped(data, part, edits[case])
    if case != "not well-formed":  # use the entity in a cell: B8, the first partner's name
        data = rezipped(data, part, lambda xml: re.sub(rb'(<c r="B8"[^>]*?)t="s"([^>]*)><v>\d+</v>',
                                                       lambda m: m.group(1) + b't="inlineStr"' + m.group(2) + b"><is><t>"
                                                       + (b"&l9;" if case == "entity expansion" else b"&e;")
                                                       + b"</t></is>", xml, count=1))
    result = read_upload("DOTS_162.xlsx", data, "2024-05-01")
    text = " ".join(str(e) for e in result.errors) + " ".join(s.entity for s in result.series)
    assert "TOP-SECRET-LINE" not in text and "lollol" not in text
    assert result.errors, "a workbook with a DTD or broken XML is refused"
    assert all(e.file.startswith("DOTS_162.xlsx") for e in result.errors)
    (error,) = result.errors
    if case == "not well-formed":
        assert "not well-formed XML" in str(error)
    else:
        assert str(error).startswith("DOTS_162.xlsx:-:-: refused without reading it: its part xl/worksheets/sheet1.xml "
                                     "declares a DTD or entities")


# --------------------------------------------------------------------------- nowhere a traceback


def test_the_cli_import_prints_a_sentence_and_no_traceback(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    for table, content in CURRENT.items():
        (folder / f"{table}.csv").write_bytes(content)
    path = tmp_path / "register.csv"
    path.write_bytes(register_bytes(lambda lines: [('"' + x) if x.startswith(DELIVERY) else x for x in lines]))
    assert main(["import", "sipri", str(path), "--data-dir", str(folder)]) == 1
    out = capsys.readouterr()
    assert f"register.csv:{line_of_delivery()}:" in out.out and "Traceback" not in out.out + out.err
    assert (folder / "series.csv").read_bytes() == CURRENT["series"]


def test_the_cli_turns_an_unforeseen_failure_into_one_line(tmp_path, capsys, monkeypatch):
    import indicators.imports as imports

    def broken(*_args, **_kwargs):
        raise OSError(2, "No such file", "/srv/app/secret/path")
    monkeypatch.setattr(imports, "import_files", broken)
    path = tmp_path / "register.csv"
    path.write_bytes(b"x")
    assert main(["import", "sipri", str(path), "--data-dir", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("import failed unexpectedly (FileNotFoundError") and "nothing was written" in err
    assert "Traceback" not in err


def _raises_with_a_path():
    raise ValueError("/srv/app/indicators/secret.py line 3")


def test_an_unforeseen_failure_in_a_worker_is_a_sentence_without_server_paths():
    with pytest.raises(WorkFailed) as caught:
        run_bounded(_raises_with_a_path, what="Reading the download")
    assert str(caught.value).startswith("Reading the download failed unexpectedly (ValueError); nothing was changed")
    assert "/srv" not in str(caught.value) and isinstance(caught.value, BudgetExceeded)


def test_a_foreseen_exception_still_reaches_the_caller_as_itself():
    from indicators.store import ChangeRefused

    with pytest.raises(ChangeRefused, match="refused"):
        run_bounded(_refuse)


def _refuse():
    from indicators.store import ChangeRefused

    raise ChangeRefused("refused")


def test_unexpected_errors_show_streamlits_sentence_not_their_details():
    """.streamlit/config.toml sets client.showErrorDetails: a page that fails shows no path, type or trace."""
    import tomllib

    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT

    setting = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]["showErrorDetails"]
    assert setting == "none"
    before, main_module = config.get_option("client.showErrorDetails"), sys.modules["__main__"]
    config.set_option("client.showErrorDetails", setting)
    try:
        at = AppTest.from_string('raise ValueError("/srv/app/views/data.py: secret")').run()
    finally:  # the script ran as __main__, which a worker process would import again
        config.set_option("client.showErrorDetails", before)
        sys.modules["__main__"] = main_module
    (shown,) = at.exception
    assert "/srv" not in shown.message and not shown.stack_trace and "has encountered an error" in shown.message


def test_past_the_global_bound_a_preview_does_not_start(monkeypatch):
    import threading

    import indicators.bounded as bounded

    monkeypatch.setattr(bounded, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setenv("INDICATORS_MAX_WORKERS", "1")
    started = []
    assert bounded._slot().acquire(blocking=False)  # another user's preview holds the only slot
    try:
        with pytest.raises(ServerBusy, match="already checking or applying 1 uploads, its limit. Nothing was started"):
            run_bounded(started.append, 1, what="Checking the upload")
    finally:
        bounded._slot().release()
    assert started == [] and run_bounded(len, [1, 2]) == 2  # the slot back: work runs again


def test_a_worker_does_not_run_the_page_script_again(tmp_path, monkeypatch):
    """Streamlit installs the page script as __main__; a worker must not execute it (the whole app again)."""
    import types

    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('the page ran in the worker')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    assert run_bounded(len, [1, 2, 3]) == 3
    assert not marker.exists() and sys.modules["__main__"] is page


# --------------------------------------------------------------------------- formula-neutral downloads

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("https://evil.example","x")', " =1+1", "@SUM(A1)"]


def test_the_revision_zip_holds_no_live_formula_from_imported_names(private_store):
    import csv

    from indicators.imports.upload import apply_import
    from indicators.sheets import neutralise
    from indicators.store import Store

    names = iter(FORMULAS * 1000)

    def poisoned(lines):
        return [line.replace(",Afghanistan,", f',"{next(names).replace(chr(34), chr(34) * 2)}",', 1)
                if line.startswith(DELIVERY) or ",Afghanistan," in line[:60] else line for line in lines]
    store = Store(private_store)
    store.ensure_initialised(DATA)
    rev = apply_import(store, [("register.csv", register_bytes(poisoned))], None, "poisoned names", "test")
    stored = store.files(rev.id)["series"].decode()
    assert "=cmd|" in stored and "\n=" not in stored  # stored as written; quoted, so never at a line start
    archive = zipfile.ZipFile(io.BytesIO(store.zip(rev.id)))
    cells = [cell for name in archive.namelist()
             for row in csv.reader(io.StringIO(archive.read(name).decode(), newline="")) for cell in row]
    live = [c for c in cells if c.lstrip(" \n").startswith(("=", "+", "-", "@", "\t", "\r")) and neutralise(c) != c]
    assert not live, live[:5]
    assert "'=cmd|' /C calc'!A0" in cells and "'=1+1" in cells  # the import stripped the space: still neutral
    unchanged = zipfile.ZipFile(io.BytesIO(store.zip(0)))
    assert unchanged.read("revision-0/observations.csv") == CURRENT["observations"]  # nothing to neutralise: as stored


def test_whitespace_before_a_formula_trigger_does_not_keep_it_live():
    import pandas as pd

    from indicators.sheets import neutralise, to_csv_bytes

    assert neutralise(" =1+1") == "' =1+1" and neutralise("\n@x") == "'\n@x" and neutralise("  -28") == "  -28"
    assert b"' =1+1" in to_csv_bytes(pd.DataFrame({"quote": [" =1+1"]}))
