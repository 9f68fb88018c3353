"""Official statistics in, series rows out: IMF DOTS workbooks, SIPRI's trade register, China Customs' Wind
exports, and ICSR's estimates of foreign fighters (a source of estimates, not statistics).

Everything here is pure (bytes and a file name in, typed rows and errors out); the CLI and
the Data page decide what to write. `read_upload` recognises the kind of file;
`merged_files` puts an import into the current tables, replacing only the rows of the
sources being imported, so a newer download can be dropped in and imported again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from ..changes import to_csv
from ..csvfile import CsvError, parse_table
from ..schema import CsvRow
from . import china_customs, icsr
from .common import ImportResult, capped_errors, guarded
from .dots import import_dots
from .sipri import HEADER_START, import_sipri

Kind = Literal["dots", "sipri", "china-customs", "icsr"]
TABLES_WRITTEN = ("series", "indicators", "sources")


def kind_of(file: str, data: bytes) -> Kind | None:
    """dots for a workbook, sipri for a trade-register CSV, china-customs for a Wind export, icsr for ICSR's
    estimates, None otherwise."""
    if data.startswith(b"PK\x03\x04") or file.lower().endswith((".xlsx", ".xlsm")):
        return "dots"
    if HEADER_START.encode() in data[:20_000] or b"SIPRI Arms Transfers Database" in data[:20_000]:
        return "sipri"
    if china_customs.recognised(data):
        return "china-customs"
    if icsr.recognised(data):
        return "icsr"
    return None


def import_files(kind: Kind, files: Sequence[tuple[str, bytes]], retrieved: str | None = None,
                 first_year: int | None = None) -> ImportResult:
    """Import downloads of one kind; two workbooks of one reporter are an error. Wind exports are one import
    (a newer export revises and extends an older one).

    Whatever a file holds, it gives rows or errors (capped like a CSV's), never an exception.
    """
    if kind == "china-customs":
        names = ", ".join(name for name, _ in files)
        one = guarded(names, "China Customs exports (CSV) as Wind downloads them",
                      lambda: china_customs.import_china_customs(files, retrieved))
        one.errors = capped_errors(one.errors)
        return one
    result = ImportResult()
    seen: dict[str, str] = {}
    for name, data in files:
        if kind == "dots":
            one = guarded(name, "an IMF DOTS workbook (.xlsx) as downloaded",
                          lambda: import_dots(name, data, retrieved, **({"first_year": first_year} if first_year else {})))
        elif kind == "icsr":
            one = guarded(name, "ICSR's estimates (CSV) as transcribed",
                          lambda: icsr.import_icsr(name, data, retrieved))
        else:
            one = guarded(name, "SIPRI's trade register (CSV) as downloaded", lambda: import_sipri(name, data, retrieved))
        for source in one.sources:
            if source.source_id in seen:
                one.errors.append(CsvError(name, None, None, None, f"{seen[source.source_id]} already gives "
                                           f"{source.source_id} ({source.reporter}): import one file per reporter"))
            seen[source.source_id] = name
        result.extend(one)
    result.errors = capped_errors(result.errors)
    return result


def read_upload(file: str, data: bytes, retrieved: str | None = None) -> ImportResult:
    """The rows an uploaded download would produce: an .xlsx is a DOTS workbook, a CSV SIPRI's register.

    A DOTS workbook does not say when it was downloaded: pass `retrieved` (an ISO date; the
    Data page passes today's). SIPRI's register says when it was generated.
    """
    kind = kind_of(file, data)
    if kind is None:
        return ImportResult(errors=[CsvError(file, None, None, None,
                                             "not a reference download: expected an IMF DOTS workbook (.xlsx), "
                                             f"SIPRI's trade register (a CSV with a header starting {HEADER_START!r}), "
                                             "a Wind export of China Customs statistics or ICSR's estimates")])
    return import_files(kind, [(file, data)], retrieved)


def merged_files(current: Mapping[str, bytes], result: ImportResult) -> tuple[dict[str, bytes], list[CsvError]]:
    """The new series.csv, indicators.csv and sources.csv: the imported sources' rows replaced.

    Series rows of other sources stay as they are; a generated indicator whose id exists is
    kept as written (the claims' indicators, e.g. russia-trade-share, are shared); a source
    row with the same id is replaced.
    """
    errors: list[CsvError] = []
    tables: dict[str, list[CsvRow]] = {}
    for table in TABLES_WRITTEN:
        name = f"{table}.csv"
        if name in current or table in current:
            parsed = parse_table(name, current.get(table, current.get(name, b"")), table)
            errors.extend(parsed.errors)
            tables[table] = list(parsed.rows)
        else:
            tables[table] = []
    if errors:
        return {}, errors
    imported = {s.source_id for s in result.sources}
    # A re-imported row keeps its place (a download that changes nothing writes the same bytes, and a
    # revision's diff is only what changed); rows the download no longer has go; new ones go last.
    fresh = {r.series_id: r for r in result.series}
    series = []
    for r in tables["series"]:
        if r.source_id not in imported:
            series.append(r)
        elif r.series_id in fresh:
            series.append(fresh.pop(r.series_id))
    series += fresh.values()
    known = {i.indicator_id: i for i in tables["indicators"]}
    for i in result.indicators:
        if i.indicator_id in known and known[i.indicator_id].unit != i.unit:
            errors.append(CsvError("indicators.csv", None, "unit", known[i.indicator_id].unit.value,
                                   f"indicator {i.indicator_id} exists in {known[i.indicator_id].unit.value}; the "
                                   f"import needs it in {i.unit.value}"))
    indicators = list(tables["indicators"]) + [i for i in result.indicators if i.indicator_id not in known]
    new_sources = {s.source_id: s for s in result.sources}
    sources = [new_sources.pop(s.source_id, s) for s in tables["sources"]] + list(new_sources.values())
    out = {"series": to_csv("series", series), "indicators": to_csv("indicators", indicators),
           "sources": to_csv("sources", sources)}
    return out, errors
