"""Nothing an upload contains can hang, crash or brick the dashboard (issue 11).

Each test is built from a case that once got through: it is refused with a clear message,
or accepted and then reads back as a valid head every page can show.
"""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from indicators.__main__ import main
from indicators.bounded import BudgetExceeded, run_bounded
from indicators.changes import apply_upload, plan_upload, preview_upload
from indicators.charts import build_figure, chart_specs
from indicators.checks import run_checks
from indicators.csvfile import MAX_ERRORS, MAX_ROWS, ErrorCode, parse_table
from indicators.dataset import combine
from indicators.loading import folder_files, parse_files
from indicators.store import ChangeRefused, Store
from indicators.text import md

from .conftest import DATA, csv_bytes, obs

CURRENT = folder_files(DATA)
HEADER = CURRENT["observations"].split(b"\n")[0]
ROW = CURRENT["observations"].split(b"\n")[1]


def one(obs_id: str, **cells) -> bytes:
    """An observations file of one row about 2015 China–Russia trade, as Liu Fenghua states it."""
    base = dict(obs(obs_id, "69", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
                    quote="Bilateral trade totalled $95 billion in 2014"))
    base.update(cells)
    return csv_bytes("observations", [base])


def errors_of(data: bytes, name: str = "up.csv") -> list[str]:
    return [str(e) for e in plan_upload(CURRENT, [(name, data)], "merge").errors]


def head_reads_back(files: dict[str, bytes]):
    """What every page does with a head: parse, combine, check, draw each chart."""
    loaded = combine({t: parse_table(f"{t}.csv", b, t) for t, b in files.items()})
    assert loaded.ok, [str(e) for e in loaded.errors[:5]]
    result = run_checks(loaded.dataset)
    for spec in chart_specs(loaded.dataset):
        build_figure(loaded.dataset, result, spec.id)
    return loaded.dataset


# --------------------------------------------------------------------------- numbers


def test_a_tiny_number_is_written_back_as_written_and_reads_back():
    plan = plan_upload(CURRENT, [("tiny.csv", one("tiny", value="0.00000012"))], "merge")
    assert plan.ok, plan.errors
    assert b"0.00000012" in plan.files["observations"] and b"E-" not in plan.files["observations"]
    dataset = head_reads_back(plan.files)
    tiny = dataset.observations_by_id["tiny"]
    flags = run_checks(dataset).flags
    assert str(tiny.value) == "1.2E-7"  # Python's own form: never what a cell or a sentence shows
    assert any("$0.00000012bn" in f.explanation for f in flags if "tiny" in f.obs_ids)


@pytest.mark.parametrize("column,value", [("value", "9" * 4301), ("high", "1" + "0" * 99_000),
                                          ("value", "0." + "0" * 20 + "1")])
def test_numbers_longer_than_their_limit_are_refused_with_a_reason(column, value):
    cells = {"value": "", "qualifier": "range", "low": "1", "high": value} if column == "high" else {"value": value}
    (error,) = errors_of(one("long", **cells))
    assert error.startswith(f"up.csv:2:{column}:") and "at most 15 digits before and 20 after" in error


def test_a_value_in_exponent_form_is_refused_not_misread():
    (error,) = errors_of(one("exp", value="1.2E-7"))
    assert "up.csv:2:value: expected a plain number" in error


# --------------------------------------------------------------------------- shapes of a file


def test_a_wide_row_is_read_exactly_and_at_once():
    trailing = HEADER + b"\n" + ROW + b"," * 100_000 + b"\n"  # empty trailing cells: a spreadsheet's habit
    parsed = parse_table("wide.csv", trailing, "observations")
    assert not parsed.errors and len(parsed) == 1
    extra = HEADER + b"\n" + ROW + b"," * 3_000 + b"x\n"
    (error,) = parse_table("wide.csv", extra, "observations").errors
    assert str(error) == "wide.csv:2:-: expected 16 cells, found 3016 (an unquoted comma inside a cell?)"


def test_text_after_a_closing_quote_is_refused_not_glued():
    cells = ROW.split(b",")
    data = HEADER + b"\n" + b",".join([cells[0], cells[1], b'"China"Russia', *cells[3:]]) + b"\n"
    (error,) = parse_table("glued.csv", data, "observations").errors
    assert error.row == 2 and "text follows a closing quote" in error.message
    fine = HEADER + b"\n" + b",".join([cells[0], cells[1], b'"China ""Russia"""', *cells[3:]]) + b"\n"
    parsed = parse_table("fine.csv", fine, "observations")
    assert not parsed.errors and parsed.rows[0].entity == 'China "Russia"'


def test_millions_of_blank_lines_are_refused_at_once():
    data = HEADER + b"\n" + ROW + b"\n" + b"\n" * 5_000_000
    started = time.process_time()
    (error,) = parse_table("blank.csv", data, "observations").errors
    assert "the file has 5,000,003 lines" in error.message
    assert time.process_time() - started < 30  # a guard against a hang, not a benchmark


def test_errors_are_capped_with_a_count_of_the_rest():
    data = HEADER + b"\n" + b"obs_id,obs_id\n" * 0 + (b"Bad Id" + ROW[ROW.index(b","):] + b"\n") * 3_000
    errors = parse_table("many.csv", data, "observations").errors
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1].message.startswith("… and 2,000 more errors (2,000 in many.csv)")


def folder_errors(files: dict[str, bytes]):
    """What `validate` says of a data folder, and the Data page of a stored revision."""
    return combine(parse_files(files)).errors


def test_a_broken_sources_file_is_reported_once_not_in_every_row_that_cites_it():
    """A misspelled header made every row citing a source (48,630 of series.csv) an 'unknown source_id'."""
    errors = folder_errors({**CURRENT, "sources": CURRENT["sources"].replace(b"source_id", b"sourceid", 1)})
    said = [str(e) for e in errors]
    assert said[0] == "sources.csv:1:sourceid: unknown column 'sourceid' (did you mean 'source_id'?)"
    follow_on = [e for e in errors if e.code == ErrorCode.foreign_key]
    assert {e.file for e in follow_on} == {"observations.csv", "events.csv", "flags.csv", "series.csv", "claims_in_words.csv"}
    assert len(errors) < 10
    series = next(e for e in follow_on if e.file == "series.csv")
    assert (series.row, series.column) == (2, "source_id")
    assert series.message.startswith("52,530 row(s) refer to 6 source_id value(s) not among the valid rows of "
                                     "sources.csv ('imf-dots-china',")
    assert "fix sources.csv first" in series.message


def test_a_source_whose_row_is_invalid_is_not_called_unknown():
    """One bad cell in Duchâtel's row: his figures are not 'unknown … did you mean fu-ying-duchatel'."""
    lines = CURRENT["sources"].split(b"\n")
    row = next(i for i, line in enumerate(lines) if line.startswith(b"duchatel,"))
    lines[row] = lines[row].replace(b",ecfr,", b",ecfx,", 1)
    errors = folder_errors({**CURRENT, "sources": b"\n".join(lines)})
    assert [(e.file, e.row, e.column) for e in errors if e.code != ErrorCode.foreign_key] == [
        ("sources.csv", row + 1, "claimed_by_type")]
    follow_on = [str(e) for e in errors if e.code == ErrorCode.foreign_key]
    assert follow_on and all("('duchatel')" in m and "did you mean" not in m for m in follow_on)


def test_a_huge_header_is_one_error():
    errors = parse_table("header.csv", b"obs_id," * 300_000 + b"\n1\n").errors
    assert len(errors) == 1 and "the header has 300,000 columns" in errors[0].message


# --------------------------------------------------------------------------- limits of the merged table


def test_the_row_limit_holds_for_the_merged_table(monkeypatch):
    import indicators.changes as changes

    monkeypatch.setattr(changes, "MAX_ROWS", 60)
    rows = [obs(f"extra-{i}", "69", indicator_id="china-russia-trade", source_id="liu-fenghua-duchatel",
                quote="Bilateral trade totalled $95 billion in 2014") for i in range(3)]
    (error,) = plan_upload(CURRENT, [("more.csv", csv_bytes("observations", rows))], "merge").errors
    held = len((DATA / "observations.csv").read_text(encoding="utf-8").splitlines()) - 1 + 3
    assert held > 60 and f"observations.csv would hold {held} rows; at most 60 rows per table" in error.message
    assert MAX_ROWS == 200_000


# --------------------------------------------------------------------------- apply and store


def test_an_apply_that_changes_nothing_makes_no_revision(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.ensure_initialised(DATA)
    same = CURRENT["observations"]
    with pytest.raises(ChangeRefused, match="nothing to apply"):
        apply_upload(store, [("observations.csv", same)], "merge", "no-op", "tester")
    assert [r.id for r in store.history()] == [0]


def test_the_zip_of_an_unknown_revision_is_an_error_not_an_empty_zip(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.ensure_initialised(DATA)
    with pytest.raises(KeyError, match="no revision 7"):
        store.zip(7)
    names = zipfile.ZipFile(io.BytesIO(store.zip(0))).namelist()
    assert "revision-0/observations.csv" in names


def test_a_preview_past_its_budget_is_stopped_with_a_sentence():
    with pytest.raises(BudgetExceeded, match="took longer than 1 s and was stopped; nothing was changed"):
        run_bounded(time.sleep, 30, seconds=1, what="Checking the upload")
    with pytest.raises(BudgetExceeded, match="needed more than 300 MB of memory"):
        run_bounded(bytearray, 2 * 2**30, memory_mb=300, what="Checking the upload")


def test_a_preview_from_the_worker_carries_its_diff_and_flags():
    plan = run_bounded(preview_upload, CURRENT, [("tiny.csv", one("tiny", value="70"))], "merge")
    assert plan.ok and plan.changes_anything
    (diff,) = plan.diffs
    assert diff.added_count == 1 and diff.added[0]["obs_id"] == "tiny"


# --------------------------------------------------------------------------- text from data stays text


EVIL = '<a href="https://evil.example">x</a> "quoted"'


def test_no_link_or_markup_from_data_reaches_a_chart():
    plan = plan_upload(CURRENT, [("evil.csv", one("evil", entity=EVIL, value="69"))], "merge")
    assert plan.ok, plan.errors
    dataset = head_reads_back(plan.files)
    text = build_figure(dataset, run_checks(dataset), "china-russia-trade").to_json()
    figure = json.loads(text)
    text = json.dumps(figure, ensure_ascii=False)
    assert "<a" not in text  # the tag is text: &lt;a …&gt;, shown, never followed
    assert text.count("href=") == text.count("&lt;a href=")
    assert "&quot;" not in text  # quotes are shown as written
    xs = [x for trace in figure["data"] for x in trace.get("x", [])]
    assert '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; "quoted"' in " ".join(map(str, xs))


def test_markdown_from_data_has_no_autolinks():
    shown = md("see https://evil.example or www.evil.example, mail a@evil.example")
    assert "https://" not in shown and "www." not in shown and "a@" not in shown


def test_check_prints_control_characters_as_codes(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    for table, content in CURRENT.items():
        (folder / f"{table}.csv").write_bytes(content)
    poisoned = CURRENT["sources"].replace(b"Liu Fenghua,", b"Liu Fenghua\x1b]0;pwned\x07,", 1)
    assert poisoned != CURRENT["sources"]
    (folder / "sources.csv").write_bytes(poisoned)
    main(["check", "--data", str(folder)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\u001b]0;pwned\\u0007" in out
