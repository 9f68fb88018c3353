"""Command line: python -m indicators validate|check|schema|charts|export|brief|import|series."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .checks import filter_by_severity, run_checks
from .changes import plan_upload
from .csvfile import CsvError
from .dataset import Dataset
from .loading import folder_files, load_folder
from .provenance import read_source_text, verify
from .schema import TABLES, Severity
from .settings import data_dir
from .text import SafeStream

DEFAULT_DATA = data_dir()  # INDICATORS_DATA_DIR, as the app reads it


class Stop(Exception):
    """Ends a command: its errors (one line each, on stdout), one line on stderr, and the exit code
    (1: the data or a file is invalid or cannot be written, 2: asked for what is not there)."""

    def __init__(self, code: int, message: str, errors: Sequence[CsvError] = ()) -> None:
        super().__init__(message)
        self.code, self.errors = code, list(errors)


def _invalid(errors: Sequence[CsvError], outcome: str | None = None) -> Stop:
    """Exit 1 after every error, then their count and what came of it ("nothing written")."""
    count = f"{len(errors)} error(s)"
    return Stop(1, f"{outcome}: {count}" if outcome else count, errors)


def _read_files(names: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each named file's name and bytes; a missing one stops the command (exit 2)."""
    files = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            raise Stop(2, f"{name}: no such file")
        files.append((path.name, path.read_bytes()))
    return files


def _dataset(folder: Path) -> Dataset:
    """The folder's dataset; an invalid folder stops the command with its errors (exit 1)."""
    result = load_folder(folder)
    if result.dataset is None:
        raise _invalid(result.errors, "the data is invalid")
    return result.dataset


def cmd_validate(args: argparse.Namespace) -> int:
    # with files, the plan checks the merged tables across: the folder's own files are read once, here
    result = load_folder(args.data, build=False, across=not args.files)
    errors = list(result.errors)
    parsed = result.parsed
    if args.files:
        uploads = _read_files(args.files)
        if errors:  # the folder itself is broken: say so before judging the files against it
            errors.insert(0, CsvError(str(args.data), None, None, None, "the data folder is invalid"))
        else:
            plan = plan_upload(folder_files(args.data), uploads, args.mode, flags=args.mode == "merge",
                               current=result.parsed)
            errors = plan.errors
            if plan.ok:
                parsed = plan.parsed
                _print_plan(plan)
    verified = None
    if args.source_text:
        if not Path(args.source_text).is_file():
            raise Stop(2, f"{args.source_text}: no such source text")
        if not errors:
            report = verify(parsed, read_source_text(args.source_text))
            errors.extend(report.errors)
            for note in report.notes:
                print(f"note: {note}")
            verified = report.checked
    if errors:
        raise _invalid(errors)
    counts = {t: len(p) for t, p in parsed.items()}
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    print(f"OK: {summary}" + (f"; {verified} quotes found in the source text and stating their figures" if verified is not None else ""))
    return 0


PLAN_LINES = 50
"""Rows listed per table and kind of change; the counts say how many there are."""


def _print_plan(plan) -> None:
    """What applying the files would change, as the Data page's preview shows it: per table the rows
    added, each changed cell (old -> new), the removed ids (the first PLAN_LINES of each); then, in
    merge mode, the flags raised and resolved."""
    for diff in plan.diffs:
        print(f"{diff.file} -> {diff.table}.csv ({plan.mode}): {diff.added_count} added, {len(diff.changed)} changed, "
              f"{len(diff.removed)} removed, {diff.unchanged} unchanged")
        id_column = TABLES[diff.table].id_column
        added = diff.added_head(PLAN_LINES).to_dict("records") if diff.added_count else []
        for row in added:
            rest = ", ".join(f"{k}={v!r}" for k, v in row.items() if k != id_column and v != "")
            print(f"  + {row[id_column]}: {rest}")
        _more(diff.added_count, "added rows")
        cells = [(c.row_id, column, old, new) for c in diff.changed[:PLAN_LINES] for column, (old, new) in c.fields.items()]
        for row_id, column, old, new in cells:
            print(f"  ~ {row_id} {column}: {old!r} -> {new!r}")
        _more(len(diff.changed), "changed rows")
        for row_id in diff.removed[:PLAN_LINES]:
            print(f"  - {row_id}")
        _more(len(diff.removed), "removed ids")
    if plan.mode == "merge":
        print(f"flags: {len(plan.raised)} raised, {len(plan.resolved)} resolved")
        for flag in plan.raised:
            print(f"  new {flag.severity.value}: {flag.title}")
        for flag in plan.resolved:
            print(f"  resolved: {flag.title}")
    if not plan.changes_anything:
        print("the files change nothing")


def _more(count: int, what: str) -> None:
    if count > PLAN_LINES:
        print(f"  … and {count - PLAN_LINES:,} more {what}")


def cmd_schema(args: argparse.Namespace) -> int:
    """The columns of each CSV and their rules, read off the validation models (as the Data page shows them)."""
    from .schema import TABLES, describe_columns

    for n, (name, model) in enumerate(TABLES.items()):
        if args.table and name != args.table:
            continue
        rows = describe_columns(model)
        if args.format == "json":
            print(json.dumps({"table": f"{name}.csv", "columns": rows}, ensure_ascii=False))
            continue
        print(f"{name}.csv")
        width = max(len(r["column"]) for r in rows)
        for r in rows:
            required = "required" if r["required"] == "yes" else "optional"
            print(f"  {r['column'].ljust(width)}  {required:<8}  {r['description']}")
        print()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    flags = filter_by_severity(run_checks(_dataset(args.data)).flags, args.severity)
    if args.format == "json":
        print(json.dumps([f.model_dump(mode="json") for f in flags], ensure_ascii=False, indent=2))
        return 0
    if not flags:
        print("No flags.")
    for severity in Severity:
        group = [f for f in flags if f.severity is severity]
        if not group:
            continue
        print(f"== {severity.value.upper()} ({len(group)}) ==")
        for f in group:
            print(f"[{f.kind}{' ' + f.verdict if f.verdict else ''}] {f.title}  ({f.id})")
            print(f"    {f.sentence or f.explanation}")
            if f.obs_ids:
                print(f"    observations: {', '.join(f.obs_ids)}")
        print()
    return 0


# --------------------------------------------------------------------------- exports


def _known_charts(dataset: Dataset, chart_ids: Sequence[str], timeline: bool = False) -> None:
    """An unknown chart id stops the command (exit 2); a deck also takes the timeline (`timeline`)."""
    from .charts import TIMELINE_ID, chart_specs

    known = {s.id for s in chart_specs(dataset)} | ({TIMELINE_ID} if timeline else set())
    unknown = [c for c in chart_ids if c not in known]
    if unknown:
        raise Stop(2, f"no chart {', '.join(map(repr, unknown))}: `python -m indicators charts` lists the chart ids")


def _write(path: Path, data: bytes) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise Stop(1, f"{path}: cannot write ({exc.strerror or exc})") from None
    print(f"wrote {path} ({len(data):,} bytes)")
    return 0


def cmd_charts(args: argparse.Namespace) -> int:
    from .charts import chart_specs

    for spec in chart_specs(_dataset(args.data)):
        print(f"{spec.id}\t{spec.title}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from . import export
    from .charts import build_figure

    dataset = _dataset(args.data)
    fmt = args.format
    _known_charts(dataset, [args.chart_id], timeline=fmt == "pptx")
    checked = run_checks(dataset)
    if fmt == "pptx":
        from .store import folder_label

        data = export.deck_bytes(dataset, checked, [args.chart_id], folder_label(args.data))
    elif fmt == "csv":
        data = export.to_csv_bytes(export.chart_sheets(dataset, checked, args.chart_id)["data"], excel=args.excel)
    elif fmt == "xlsx":
        data = export.to_xlsx_bytes(export.chart_sheets(dataset, checked, args.chart_id))
    else:
        try:
            from .describe import chart_description

            data = export.figure_bytes(build_figure(dataset, checked, args.chart_id), fmt,
                                       width=args.width, height=args.height, scale=args.scale,
                                       description=chart_description(dataset, checked, args.chart_id))
        except export.ImageExportUnavailable as exc:
            raise Stop(1, exc.message) from None
        except ValueError as exc:
            raise Stop(2, str(exc)) from None
    return _write(args.output, data)


def cmd_brief(args: argparse.Namespace) -> int:
    from . import export

    dataset = _dataset(args.data)
    _known_charts(dataset, args.chart_ids, timeline=args.format == "pptx")
    checked = run_checks(dataset)
    from .store import folder_label  # the store (SQLAlchemy) only where a command needs it

    if args.format == "pptx":
        return _write(args.output, export.deck_bytes(dataset, checked, args.chart_ids, folder_label(args.data)))
    missing = export.image_support()
    if missing:
        print(f"note: the pack has no images. {missing}", file=sys.stderr)
    return _write(args.output, export.briefing_pack(dataset, checked, args.chart_ids, folder_label(args.data)))


# --------------------------------------------------------------------------- official statistics


def cmd_import(args: argparse.Namespace) -> int:
    from .changes import plan_upload
    from .imports import import_files, merged_files

    files = _read_files(args.files)
    if args.kind == "sipri" and len(files) != 1:
        raise Stop(2, "import sipri takes one trade-register CSV")
    result = import_files(args.kind, files, args.retrieved, args.first_year)
    if not result.ok:
        raise _invalid(result.errors, "nothing written")
    current = folder_files(args.data)
    new_files, errors = merged_files(current, result)
    if not errors:
        plan = plan_upload(current, [(f"{t}.csv", b) for t, b in new_files.items()], "replace")
        errors = plan.errors
    if errors:
        raise _invalid(errors, "nothing written")
    for note in result.notes:
        print(f"note: {note}")
    for diff in plan.diffs:
        if not diff.is_empty:
            path = args.data / f"{diff.table}.csv"
            path.write_bytes(new_files[diff.table])
        print(f"{diff.table}.csv: {len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed, "
              f"{diff.unchanged} unchanged")
    sources = ", ".join(f"{s.source_id} (retrieved {s.retrieved})" for s in result.sources)
    print(f"imported {len(result.series)} series values from {sources}")
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    from .reference import COLUMNS, series_table

    dataset = _dataset(args.data)
    if args.indicator and args.indicator not in dataset.indicators_by_id:
        raise Stop(2, f"no indicator {args.indicator!r} in indicators.csv")
    frame = series_table(dataset, args.indicator)
    columns = [c for c in COLUMNS if c != "via_link"]
    if args.format == "json":
        print(json.dumps(frame[columns].to_dict("records"), ensure_ascii=False, indent=1))
    else:
        out = frame[columns].assign(estimate=frame["estimate"].map({True: "true", False: "false"}))
        sys.stdout.write(out.to_csv(index=False, lineterminator="\n"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="validate the data folder, or files against it")
    v.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder (default: data/)")
    v.add_argument("--source-text", help="also verify every quote against this source text")
    v.add_argument("files", nargs="*", help="CSV files to check against the folder's other tables")
    v.add_argument("--mode", choices=("replace", "merge"), default="replace",
                   help="a FILE is the whole table (replace, default) or rows to upsert by id (merge)")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("check", help="run the consistency engine and print its flags")
    c.add_argument("--data", type=Path, default=DEFAULT_DATA)
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--severity", choices=[s.value for s in Severity], default="info",
                   help="show flags of this severity and above (default: all)")
    c.set_defaults(func=cmd_check)

    sc = sub.add_parser("schema", help="print the columns of each CSV and their rules, from the models")
    sc.add_argument("table", nargs="?", choices=list(TABLES), help="one table only (default: all)")
    sc.add_argument("--format", choices=("text", "json"), default="text", help="json: one object per table and line")
    sc.add_argument("--data", type=Path, default=DEFAULT_DATA, help=argparse.SUPPRESS)
    sc.set_defaults(func=cmd_schema)

    ch = sub.add_parser("charts", help="list the chart ids and titles (one per line, tab-separated)")
    ch.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ch.set_defaults(func=cmd_charts)

    e = sub.add_parser("export", help="write one chart as an image (png, svg, pdf), its data (csv, xlsx) "
                                      "or a PowerPoint deck with the chart editable (pptx)")
    e.add_argument("chart_id", help="a chart id from `python -m indicators charts`")
    e.add_argument("--format", required=True, choices=("png", "svg", "pdf", "csv", "xlsx", "pptx"))
    e.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    e.add_argument("--data", type=Path, default=DEFAULT_DATA)
    e.add_argument("--width", type=int, default=1600, help="image width in layout pixels (default 1600)")
    e.add_argument("--height", type=int, default=None,
                   help="image height in layout pixels (default 900, or the figure's own height when taller)")
    e.add_argument("--scale", type=float, default=1.0, help="pixels per layout pixel for png (default 1)")
    e.add_argument("--excel", action="store_true", help="csv: add a UTF-8 byte order mark for Excel")
    e.set_defaults(func=cmd_export)

    b = sub.add_parser("brief", help="write a briefing pack (zip: charts as PNG/SVG, deck.pptx, data.xlsx, README.md) "
                                     "or, with --format pptx, the deck alone")
    b.add_argument("chart_ids", nargs="+", metavar="CHART_ID")
    b.add_argument("-o", "--output", type=Path, required=True, help="the zip (or the .pptx) to write")
    b.add_argument("--format", choices=("zip", "pptx"), default="zip",
                   help="zip (default): the pack; pptx: one slide per chart, editable, with sources and notes")
    b.add_argument("--data", type=Path, default=DEFAULT_DATA)
    b.set_defaults(func=cmd_brief)

    im = sub.add_parser("import", help="import official statistics into series.csv (plus their indicators and sources)")
    im.add_argument("kind", choices=("dots", "sipri", "china-customs", "icsr"),
                    help="dots: IMF DOTS workbooks (.xlsx); sipri: SIPRI's trade register (CSV); china-customs: Wind "
                         "exports of China Customs statistics (CSV, several are one import); icsr: ICSR's estimates "
                         "of foreign fighters (CSV)")
    im.add_argument("files", nargs="+", metavar="FILE")
    im.add_argument("--data-dir", "--data", dest="data", type=Path, default=DEFAULT_DATA, help="data folder (default: data/)")
    im.add_argument("--retrieved", help="when the files were downloaded (ISO date); required for dots and icsr, "
                                        "sipri reads it from the file's 'Data generated' line, china-customs "
                                        "from the latest date in the Update row")
    im.add_argument("--first-year", type=int, help="dots: first year to import (default 1992, see README)")
    im.set_defaults(func=cmd_import)

    se = sub.add_parser("series", help="print every reference value with its unit and reporter")
    se.add_argument("--indicator", help="only this indicator's values")
    se.add_argument("--format", choices=("csv", "json"), default="csv")
    se.add_argument("--data-dir", "--data", dest="data", type=Path, default=DEFAULT_DATA)
    se.set_defaults(func=cmd_series)

    return parser


def main(argv: list[str] | None = None) -> int:
    if not isinstance(sys.stdout, SafeStream):  # data may hold terminal escapes: shown, never obeyed
        sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    args = build_parser().parse_args(argv)
    try:
        if not args.data.is_dir():
            raise Stop(2, f"{args.data}: no such data folder")
        return args.func(args)
    except Stop as stop:
        for error in stop.errors:
            print(error)
        print(stop, file=sys.stderr)
        return stop.code
    except Exception as exc:  # noqa: BLE001 - whatever the input, a sentence and exit 1, never a traceback
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        print(f"{args.command} failed unexpectedly ({type(exc).__name__}{': ' + detail if detail else ''}); "
              "nothing was written", file=sys.stderr)
        return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... | head` closed the pipe: not an error of ours
        sys.stderr.close()
        sys.exit(0)
