"""Command line: python -m indicators validate|check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .checks import filter_by_severity, run_checks
from .changes import parse_files, plan_upload
from .dataset import CsvError, combine, load_folder
from .store import folder_files
from .provenance import read_source_text, verify
from .schema import Severity

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"


def _print_errors(errors: list[CsvError]) -> None:
    for e in errors:
        print(e)


def cmd_validate(args: argparse.Namespace) -> int:
    result = load_folder(args.data)
    errors = list(result.errors)
    parsed = result.parsed
    if args.files:
        uploads = []
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                print(f"{name}: no such file", file=sys.stderr)
                return 2
            uploads.append((path.name, path.read_bytes()))
        if errors:  # the folder itself is broken: say so before judging the files against it
            errors.insert(0, CsvError(str(args.data), None, None, None, "the data folder is invalid"))
        else:
            plan = plan_upload(folder_files(args.data), uploads, args.mode)
            errors = plan.errors
            if plan.ok:
                parsed = parse_files(plan.files)
                result = combine(parsed)
    verified = None
    if args.source_text:
        if not Path(args.source_text).is_file():
            print(f"{args.source_text}: no such source text", file=sys.stderr)
            return 2
        if not errors:
            report = verify(parsed, read_source_text(args.source_text))
            errors.extend(report.errors)
            for note in report.notes:
                print(f"note: {note}")
            verified = report.checked
    if errors:
        _print_errors(errors)
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    counts = result.dataset.counts() if result.dataset else {}
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    print(f"OK: {summary}" + (f"; {verified} quotes found in the source text and stating their figures" if verified is not None else ""))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = load_folder(args.data)
    if not result.ok or result.dataset is None:
        _print_errors(result.errors)
        print(f"the data is invalid: {len(result.errors)} error(s)", file=sys.stderr)
        return 1
    flags = filter_by_severity(run_checks(result.dataset).flags, args.severity)
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
            print(f"[{f.kind}] {f.title}  ({f.id})")
            print(f"    {f.explanation}")
            print(f"    observations: {', '.join(f.obs_ids)}")
        print()
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no such data folder", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
