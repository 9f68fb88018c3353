"""An upload's preview: what it adds, changes and removes, and the flags it raises or resolves."""

from __future__ import annotations

import csv
import io

from indicators.changes import plan_upload
from indicators.loading import folder_files

from .conftest import DATA, csv_bytes, obs

CURRENT = folder_files(DATA)


def rows_of(table: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(CURRENT[table].decode("utf-8-sig"))))


def test_merge_upserts_by_id_and_reports_cell_changes_and_flag_delta():
    rows = rows_of("observations")
    target = next(r for r in rows if r["obs_id"] == "china-russia-trade-2015-liu-changmin")
    target["value"] = "69"  # as if a corrected reading agreed with Liu Fenghua
    plan = plan_upload(CURRENT, [("fix.csv", csv_bytes("observations", [target]))], "merge")
    assert plan.ok, plan.errors
    (diff,) = plan.diffs
    assert (len(diff.added), len(diff.changed), len(diff.removed)) == (0, 1, 0)
    assert diff.changed[0].fields == {"value": ("64", "69")}
    assert diff.unchanged == len(rows) - 1
    resolved = {f.kind for f in plan.resolved}
    assert "value_conflict" in resolved and "change_mismatch" in resolved
    assert plan.files["sources"] == CURRENT["sources"]  # untouched tables keep their bytes


def test_replace_removes_rows_not_in_the_upload_and_dangling_references_are_errors():
    rows = rows_of("observations")
    plan = plan_upload(CURRENT, [("few.csv", csv_bytes("observations", rows[:10]))], "replace")
    # the editorial flags name observations that the replacement drops
    assert not plan.ok and any("unknown obs_ids" in e.message and e.file.startswith("flags.csv") for e in plan.errors)
    kept = {r["obs_id"] for r in rows[:10]}
    flags_rows = [f for f in rows_of("flags") if set(f["obs_ids"].split(";")) <= kept]
    plan = plan_upload(CURRENT, [("few.csv", csv_bytes("observations", rows[:10])),
                                 ("flags.csv", csv_bytes("flags", flags_rows))], "replace")
    assert plan.ok, plan.errors
    obs_diff = next(d for d in plan.diffs if d.table == "observations")
    assert len(obs_diff.removed) == len(rows) - 10


def test_errors_name_the_uploaded_file_and_its_row():
    bad = obs("new-one", "7", indicator_id="china-russia-trade", source_id="nobody")
    plan = plan_upload(CURRENT, [("mine.csv", csv_bytes("observations", [bad]))], "merge")
    assert [str(e) for e in plan.errors] == ["mine.csv:2:source_id: unknown source_id 'nobody': not in sources.csv"]


def test_duplicate_ids_inside_an_upload_and_two_files_of_one_kind():
    one = obs("dup", "7", indicator_id="china-russia-trade", source_id="makocki")
    plan = plan_upload(CURRENT, [("d.csv", csv_bytes("observations", [one, one]))], "merge")
    assert any("duplicate obs_id 'dup' (first at row 2)" in e.message and e.row == 3 for e in plan.errors)
    plan = plan_upload(CURRENT, [("a.csv", csv_bytes("observations", [one])), ("b.csv", csv_bytes("observations", [one]))], "merge")
    assert any("a second observations file" in e.message for e in plan.errors)


def test_unrecognised_or_broken_files_change_nothing():
    plan = plan_upload(CURRENT, [("x.csv", b"\x00\x00binary")], "merge")
    assert not plan.ok and plan.files == {} and "binary" in plan.errors[0].message
