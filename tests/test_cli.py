"""The command line a data editor uses: exit codes, one line per error, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from .conftest import DATA, ROOT, SOURCE_TEXT


def run(*args: str):
    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=ROOT, capture_output=True, text=True)


def test_validate_the_data_folder_with_its_source_text():
    done = run("validate", "--source-text", str(SOURCE_TEXT))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK: ") and "quotes found in the source text" in done.stdout


def test_three_broken_cells_give_three_error_lines_and_exit_1(tmp_path):
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    path = broken / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    header = rows[0]
    rows[1][header.index("value")] = "ninety"
    rows[2][header.index("period")] = "2015-13"
    rows[3][header.index("qualifier")] = "roughly"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    done = run("validate", "--data", str(broken))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        "observations.csv:2:value: expected a plain number such as 95, -28 or 37.63 "
        "(digits, an optional minus and one dot; no units, NaN or infinity)",
        "observations.csv:3:period: '2015-13' is not a real calendar date (month must be in 1..12)",
        "observations.csv:4:qualifier: Input should be 'exact', 'approx', 'more_than', 'at_least', "
        "'less_than', 'at_most' or 'range'",
    ]


def test_validate_a_file_against_the_folder(tmp_path):
    upload = tmp_path / "new.csv"
    text = (DATA / "observations.csv").read_text(encoding="utf-8")
    upload.write_text(text.replace(",liu-fenghua-duchatel,", ",nobody-known,", 1), encoding="utf-8")
    done = run("validate", str(upload))
    assert done.returncode == 1
    assert "new.csv:" in done.stdout and "unknown source_id 'nobody-known'" in done.stdout
    assert run("validate", str(DATA / "sources.csv")).returncode == 0


def test_usage_errors_exit_2_without_traceback(tmp_path):
    for args in (("validate", "--data", str(tmp_path / "nowhere")), ("validate", str(tmp_path / "missing.csv")),
                 ("frobnicate",), ("validate", "--source-text", str(tmp_path / "none.txt"))):
        done = run(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, args


def test_binary_or_empty_upload_is_an_error_line_not_a_crash(tmp_path):
    (tmp_path / "blob.csv").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "empty.csv").write_bytes(b"")
    done = run("validate", str(tmp_path / "blob.csv"), str(tmp_path / "empty.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "blob.csv:-:-: this is a binary file" in done.stdout and "empty.csv:-:-: the file is empty" in done.stdout


def test_check_text_and_json():
    text = run("check")
    # the article's one disagreement between authors ($69bn against $64bn) is two countries' statistics: a note
    assert text.returncode == 0 and "== CONFLICT" not in text.stdout and "== WARNING" in text.stdout
    assert "[value_conflict] $69bn and $64bn for 2015: two countries’ statistics, not a disagreement" in text.stdout
    doc = json.loads(run("check", "--format", "json", "--severity", "warning").stdout)
    assert doc and {f["severity"] for f in doc} == {"warning"}
    assert set(doc[0]) == {"id", "kind", "severity", "title", "explanation", "obs_ids", "source_ids", "numbers",
                           "verdict", "sentence"}


def test_check_on_invalid_data_exits_1_with_the_errors(tmp_path):
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    (broken / "indicators.csv").write_text("indicator_id,name\n", encoding="utf-8")
    done = run("check", "--data", str(broken))
    assert done.returncode == 1 and "indicators.csv:1:unit: missing column 'unit'" in done.stdout


# --------------------------------------------------------------------------- official statistics

REFERENCE = DATA / "reference"
WORKBOOKS = [str(REFERENCE / "imf-dots" / f"DOTS_{n}.xlsx") for n in (40, 162, 213)]
REGISTER = str(REFERENCE / "sipri" / "trade-register-2000-2030.csv")
WIND_EXPORTS = [str(REFERENCE / "china-customs" / d / "china_imports_wind.csv") for d in ("wind-2022-12", "wind-2023-03")]
ICSR = str(REFERENCE / "icsr" / "icsr.csv")


def test_importing_the_downloads_into_a_folder_without_series_reproduces_the_committed_files(tmp_path):
    folder = tmp_path / "data"
    # links.csv and claims_in_words.csv name series indicators: they come back once the series exist
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("reference", "series.csv", "links.csv",
                                                               "claims_in_words.csv"))
    generated = {"indicators": lambda r: any(s in r["name"] for s in ("IMF DOTS", "SIPRI Arms Transfers", "(China Customs)",
                                                                      "(ICSR estimates)")),
                 "sources": lambda r: r["kind"] in ("statistics", "estimates")}
    for table, is_generated in generated.items():  # as before any import: the claims' rows only
        rows = list(csv.DictReader(io.StringIO((DATA / f"{table}.csv").read_text(encoding="utf-8"))))
        kept = [r for r in rows if not is_generated(r)]
        assert 0 < len(kept) < len(rows)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        (folder / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    done = run("import", "dots", *WORKBOOKS, "--retrieved", "2022-02-02", "--data-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "series.csv: 39260 added, 0 changed, 0 removed, 0 unchanged" in done.stdout
    assert "note: DOTS_40.xlsx: 'Czechoslovakia' is a former name of Czechia" in done.stdout
    done = run("import", "sipri", REGISTER, "--data-dir", str(folder))
    assert done.returncode == 0 and "series.csv: 10218 added, 0 changed, 0 removed, 39260 unchanged" in done.stdout
    done = run("import", "china-customs", *WIND_EXPORTS, "--data-dir", str(folder))
    assert done.returncode == 0 and "series.csv: 2950 added, 0 changed, 0 removed, 49478 unchanged" in done.stdout
    assert "imported 2950 series values from china-customs (retrieved 2023-03-22)" in done.stdout
    done = run("import", "icsr", ICSR, "--retrieved", "2016", "--data-dir", str(folder))
    assert done.returncode == 0 and "series.csv: 102 added, 0 changed, 0 removed, 52428 unchanged" in done.stdout
    assert "note: icsr.csv:39: Qatar 2013-12-17 left out" in done.stdout
    for table in ("series", "indicators", "sources"):
        assert (folder / f"{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes(), table


def test_a_newer_download_replaces_only_its_own_rows(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("reference"))
    done = run("import", "dots", WORKBOOKS[1], "--retrieved", "2023-03-01", "--data-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "series.csv: 0 added, 0 changed, 0 removed, 52530 unchanged" in done.stdout
    assert "sources.csv: 0 added, 1 changed, 0 removed, 31 unchanged" in done.stdout
    assert "imf-dots-russia (retrieved 2023-03-01)" in done.stdout
    assert (folder / "series.csv").read_bytes() == (DATA / "series.csv").read_bytes()


def test_a_broken_or_undated_download_writes_nothing(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("reference"))
    fake = tmp_path / "DOTS_1.xlsx"
    fake.write_text("partner,2015\nWorld,1\n", encoding="utf-8")
    done = run("import", "dots", str(fake), "--retrieved", "2022-02-02", "--data-dir", str(folder))
    assert done.returncode == 1 and "Traceback" not in done.stderr and "nothing written" in done.stderr
    assert done.stdout.startswith("DOTS_1.xlsx:-:-: not an Excel workbook (this looks like a CSV or text file)")
    done = run("import", "dots", WORKBOOKS[1], "--data-dir", str(folder))
    assert done.returncode == 1 and "say when the workbook was downloaded" in done.stdout
    done = run("import", "sipri", WORKBOOKS[1], "--data-dir", str(folder))
    assert done.returncode == 1 and "not SIPRI's trade register CSV" in done.stdout
    assert run("import", "sipri", str(tmp_path / "none.csv")).returncode == 2
    for table in ("series", "indicators", "sources"):
        assert (folder / f"{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes()


def test_series_prints_every_reference_value_with_unit_and_reporter():
    done = run("series", "--indicator", "china-trade")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["indicator_id", "entity", "reporter", "period", "value", "unit", "estimate", "low", "high",
                             "source_id", "series_id"]
    assert {"indicator_id": "china-trade", "entity": "Russia", "reporter": "China", "period": "2015",
            "value": "67.954953564", "unit": "usd_bn", "estimate": "false", "low": "", "high": "",
            "source_id": "imf-dots-china",
            "series_id": "china-trade-russia-2015"} in rows
    assert {r["indicator_id"] for r in rows} == {"china-trade"}
    doc = json.loads(run("series", "--indicator", "russia-arms-importer-rank", "--format", "json").stdout)
    vietnam = [r for r in doc if r["entity"] == "Vietnam" and r["period"] == "2011/2015"]
    assert vietnam == [{"indicator_id": "russia-arms-importer-rank", "entity": "Vietnam", "reporter": "SIPRI",
                        "period": "2011/2015", "value": "2", "unit": "rank", "estimate": False, "low": "", "high": "",
                        "source_id": "sipri-arms-transfers", "series_id": "russia-arms-importer-rank-vietnam-2011-2015"}]
    everything = run("series")
    assert everything.returncode == 0 and everything.stdout.count("\n") == 52531
    russia = json.loads(run("series", "--indicator", "foreign-fighters-icsr", "--format", "json").stdout)
    assert {"entity": "Russia", "period": "2015-01-26", "value": "1150", "low": "800", "high": "1500",
            "reporter": "ICSR"}.items() <= next(r for r in russia if r["entity"] == "Russia" and r["period"] == "2015-01-26").items()
    unknown = run("series", "--indicator", "no-such")
    assert unknown.returncode == 2 and "no indicator 'no-such'" in unknown.stderr


def test_schema_prints_the_columns_and_rules_of_each_csv_from_the_models():
    from indicators.schema import TABLES, describe_columns

    done = run("schema")
    assert done.returncode == 0, done.stderr
    for name, model in TABLES.items():
        assert f"{name}.csv" in done.stdout.splitlines()
        for col in describe_columns(model):
            assert any(line.split()[:1] == [col["column"]] and col["description"] in line
                       for line in done.stdout.splitlines()), col
    one = json.loads(run("schema", "observations", "--format", "json").stdout)
    assert one["table"] == "observations.csv" and any(c["column"] == "qualifier" for c in one["columns"])


def test_validate_merge_says_what_the_file_would_change_cell_by_cell(tmp_path):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((DATA / "observations.csv").read_text(encoding="utf-8"))))
    changed = dict(rows[0], note="a new note")
    added = dict(rows[0], obs_id="cli-new-row", note="added by a test")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([changed, added])
    path = tmp_path / "merge.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    done = run("validate", "--mode", "merge", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert f"merge.csv -> observations.csv (merge): 1 added, 1 changed, 0 removed, {len(rows) - 1} unchanged" in lines
    assert any(line.startswith("  + cli-new-row: ") for line in lines)
    assert f"  ~ {rows[0]['obs_id']} note: {rows[0]['note']!r} -> 'a new note'" in lines


def test_every_command_the_readme_shows_runs(tmp_path):
    """The README's command-line block, run as written (outputs into tmp_path)."""
    import re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Command line", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) >= 6
    (tmp_path / "my-observations.csv").write_bytes((DATA / "observations.csv").read_bytes())
    for command in commands:
        bare = re.sub(r"\s*\[[^\]]*\]", "", command)  # optional [--flags] left out
        args = shlex.split(bare.replace("../shared/sources/china-russia-gaming-the-west.txt", str(SOURCE_TEXT)))
        assert args[:3] == [".venv/bin/python", "-m", "indicators"], command
        args = [str(tmp_path / a) if a.endswith((".png", ".zip", "my-observations.csv")) else a for a in args[3:]]
        done = run(*args)
        assert done.returncode == 0, (command, done.stdout[-500:], done.stderr[-500:])
