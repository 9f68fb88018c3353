"""Validate a CSV column by column, and ask Pydantic only about the rows that may be wrong.

The checks are derived from each model's JSON schema (required, enums, patterns,
lengths, bounds) plus the vectorised twin that schema.py registers beside each
custom validator. They may flag a valid row but never pass an invalid one;
flagged rows then go through `model_validate`, so every message is Pydantic's.
A model feature this module cannot mirror is refused when it is compiled, so
nothing is ever skipped silently. tests/test_fastpath.py compares this with plain
per-row Pydantic on randomly corrupted files.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BeforeValidator, PlainValidator, WrapValidator
from pydantic.fields import FieldInfo

from .schema import FIELD_TWINS, MODEL_TWINS, CsvRow

_SCHEMA_KEYS = {"type", "pattern", "minLength", "maxLength", "minimum", "maximum", "description", "title",
                "default", "examples", "refers_to"}
_CONFIG_KEYS = {"extra", "frozen", "str_strip_whitespace", "title"}


class UnmirroredFeature(TypeError):
    """The model uses something the fast path has no vectorised check for."""


ColumnCheck = Callable[[pd.Series], pd.Series]  # stripped non-empty cells -> True where possibly invalid


@dataclass
class CompiledModel:
    model: type[CsvRow]
    required: list[str] = field(default_factory=list)
    checks: dict[str, list[ColumnCheck]] = field(default_factory=dict)
    row_checks: list[Callable[[pd.DataFrame], pd.Series]] = field(default_factory=list)
    strip: bool = True


def _validators_of(obj: object) -> list[Callable]:
    """Every custom validator function hiding in an annotation or its metadata."""
    if isinstance(obj, (BeforeValidator, AfterValidator, PlainValidator, WrapValidator)):
        return [obj.func]
    if isinstance(obj, FieldInfo):
        return [f for m in obj.metadata for f in _validators_of(m)]
    return [f for arg in typing.get_args(obj) for f in _validators_of(arg)]


def _schema_checks(name: str, prop: dict, defs: dict) -> tuple[list[ColumnCheck], bool]:
    """Checks for one property; the flag says whether a twin must cover it instead."""
    variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
    if len(variants) != 1:
        return [], True
    spec = variants[0]
    if "$ref" in spec:
        enum = defs[spec["$ref"].split("/")[-1]].get("enum")
        if enum is None:
            raise UnmirroredFeature(f"{name}: a reference that is not an enum")
        allowed = set(map(str, enum))
        return [lambda s, allowed=allowed: ~s.isin(allowed)], False
    if "anyOf" in spec or spec.get("type") in ("array", "boolean"):
        return [], True  # Pydantic's own coercion is lenient: a twin must say what the CSVs accept
    unknown = set(spec) - _SCHEMA_KEYS
    if unknown:
        raise UnmirroredFeature(f"{name}: JSON schema keywords {sorted(unknown)}")
    checks: list[ColumnCheck] = []
    kind = spec.get("type")
    if kind == "string":
        if "pattern" in spec:
            checks.append(lambda s, p=spec["pattern"]: ~s.str.fullmatch(p.removeprefix("^").removesuffix("$")))
        if "minLength" in spec or "maxLength" in spec:
            lo, hi = spec.get("minLength", 0), spec.get("maxLength", np.inf)
            checks.append(lambda s, lo=lo, hi=hi: ~s.str.len().between(lo, hi))
    elif kind == "integer":
        lo, hi = spec.get("minimum", -np.inf), spec.get("maximum", np.inf)

        def integer(s: pd.Series, lo=lo, hi=hi) -> pd.Series:
            digits = s.str.fullmatch(r"-?[0-9]{1,12}")
            numbers = pd.to_numeric(s.where(digits, "0"))
            return ~digits | ~numbers.between(lo, hi)

        checks.append(integer)
    else:
        raise UnmirroredFeature(f"{name}: type {kind!r}")
    return checks, False


@cache
def compile_model(model: type[CsvRow]) -> CompiledModel:
    unknown_config = set(model.model_config) - _CONFIG_KEYS
    if unknown_config:
        raise UnmirroredFeature(f"{model.__name__}: model_config {sorted(unknown_config)}")
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    compiled = CompiledModel(model, required=list(schema.get("required", [])),
                             strip=bool(model.model_config.get("str_strip_whitespace")))
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.root_validators or decorators.validators:
        raise UnmirroredFeature(f"{model.__name__}: field validators declared on the model")
    for name, info in model.model_fields.items():
        checks, needs_twin = _schema_checks(name, schema["properties"][name], defs)
        funcs = _validators_of(info.annotation) + [f for m in info.metadata for f in _validators_of(m)]
        missing = [f.__name__ for f in funcs if f not in FIELD_TWINS]
        if missing:
            raise UnmirroredFeature(f"{model.__name__}.{name}: validators without a vectorised twin: {missing}")
        if needs_twin and not funcs:
            raise UnmirroredFeature(f"{model.__name__}.{name}: a type the fast path cannot check")
        compiled.checks[name] = checks + [FIELD_TWINS[f] for f in funcs]
    for name, dec in decorators.model_validators.items():
        twin = MODEL_TWINS.get((model.__qualname__, name)) or MODEL_TWINS.get(("CsvRow", name))
        if twin is None:
            raise UnmirroredFeature(f"{model.__name__}.{name}: model validator without a vectorised twin")
        compiled.row_checks.append(twin)
    return compiled


def suspect_rows(model: type[CsvRow], frame: pd.DataFrame) -> np.ndarray:
    """Rows that may be invalid; every other row is valid by construction.

    `frame` holds one column per field, cells already stripped, '' for empty.
    """
    compiled = compile_model(model)
    flagged = np.zeros(len(frame), dtype=bool)
    for name, checks in compiled.checks.items():
        column = frame[name]
        present = (column != "").to_numpy()
        if name in compiled.required:
            flagged |= ~present
        if not checks or not present.any():
            continue
        values = column[present]
        bad = np.zeros(len(values), dtype=bool)
        for check in checks:
            bad |= check(values).fillna(True).to_numpy(dtype=bool)
        flagged[np.flatnonzero(present)[bad]] = True
    for row_check in compiled.row_checks:
        flagged |= pd.Series(row_check(frame), index=frame.index).fillna(True).to_numpy(dtype=bool)
    return flagged


def _base_type(annotation: object) -> object:
    """Decimal from Optional[Annotated[Decimal, ...]], Qualifier from Qualifier, and so on."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation


@cache
def row_builder(model: type[CsvRow]) -> Callable[[dict], CsvRow] | None:
    """Build an already-validated row without validating it again, or None if a type is not simple.

    Only for rows the column checks passed: the values are converted exactly as the
    model's validators would (the drift test compares the two), then constructed.
    """
    converters: dict[str, Callable[[str], object]] = {}
    for name, info in model.model_fields.items():
        base = _base_type(info.annotation)
        if base is str:
            converters[name] = str
        elif base is int:
            converters[name] = int
        elif base is bool:  # only 'true'/'false' pass the column checks
            converters[name] = "true".__eq__
        elif base is Decimal:
            converters[name] = Decimal
        elif isinstance(base, type) and issubclass(base, Enum):
            members = {m.value: m for m in base}
            converters[name] = members.__getitem__
        else:
            return None
    construct = model.model_construct
    defaults = {name: info.get_default(call_default_factory=True) for name, info in model.model_fields.items()
                if not info.is_required()}

    def build(record: dict) -> CsvRow:
        return construct(**{k: (converters[k](v) if v != "" else defaults.get(k)) for k, v in record.items()})

    return build
