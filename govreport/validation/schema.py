"""The schema stage: is the instance shaped like the edition's JSON Schema?

Validity is decided by a compiled predicate (:mod:`govreport._fastcheck`); only when
the instance is invalid does jsonschema run, and its errors become readable findings:
a stable rule id, the JSON Pointer, the official Chinese label, what was expected and
what was found. Under ``oneOf`` the branch the instance was evidently meant to follow
is reported, not jsonschema's English summary of every branch.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from govreport.contract import catalogue, editions, schemas, tables
from govreport.findings import Finding
from govreport.messages import Text
from govreport.pointer import escape, pointer
from govreport.validation import fastschema as _fastcheck
from govreport.validation.context import MAX_INT_BITS

__all__ = ["is_valid", "schema_findings", "validator"]


def _is_integer(checker: Any, instance: Any) -> bool:
    # As JSON Schema says: any number with a zero fractional part (1.0 too), not a bool.
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, int)


def _is_number(checker: Any, instance: Any) -> bool:
    # JSON has no infinities or NaNs (RFC 8259 §6): such a float or Decimal is not a number.
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite()
    if isinstance(instance, float):
        return math.isfinite(instance)
    return isinstance(instance, int)


_TYPE_CHECKER = Draft202012Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
_Validator = jsonschema.validators.extend(Draft202012Validator, type_checker=_TYPE_CHECKER)  # type: ignore[no-untyped-call]


@functools.cache
def validator(edition: str) -> jsonschema.protocols.Validator:
    """The jsonschema validator of ``edition``: offline registry, formats asserted."""
    schema = schemas.schema(edition)
    return _Validator(schema, registry=schemas.registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)  # type: ignore[no-any-return]


@functools.cache
def _fast(edition: str) -> Callable[[Any], bool]:
    return _fastcheck.compile_schema(schemas.schema(edition))


def is_valid(instance: Any, edition: str) -> bool:
    """Whether ``instance`` is valid against the edition's schema (fast)."""
    return _fast(edition)(instance)


_TYPE_NAMES = {
    "object": Text("对象", "an object"),
    "array": Text("数组", "an array"),
    "string": Text("字符串", "a string"),
    "integer": Text("整数", "an integer"),
    "number": Text("数值", "a number"),
    "null": Text("空白(null)", "blank (null)"),
    "boolean": Text("布尔值", "a boolean"),
}

_CELL_REQUIREMENTS = {
    "count": Text("不小于0的整数，或空白(null)", "an integer ≥ 0, or blank (null)"),
    "signed_count": Text("整数（可为负），或空白(null)", "an integer (may be negative), or blank (null)"),
    "amount": Text("不小于0的数值，或空白(null)", "a number ≥ 0, or blank (null)"),
}


def _show(value: Any) -> str:
    """A short rendering of any value for a message (never raises)."""
    if isinstance(value, str):
        return "“" + (value if len(value) <= 40 else value[:37] + "…") + "”"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        return f"{Decimal(value):.6E}"
    try:
        text = str(value)
    except Exception:  # noqa: BLE001 - a foreign object's __str__ may raise anything
        return type(value).__name__
    if len(text) > 40 and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{Decimal(value):.6E}"
    return text if len(text) <= 40 else text[:37] + "…"


class _Maker:
    """Builds findings with labels and messages in one language."""

    def __init__(self, edition: str, shape: tables.Shape | None, lang: str) -> None:
        self.edition = edition
        self.shape = shape
        self.lang = lang

    def label(self, ptr: str) -> str:
        return tables.label(self.edition, ptr, self.shape)

    def make(self, rule: str, ptr: str, args: dict[str, Any], *, expected: Any = None, actual: Any = None) -> Finding:
        # A cell of the wrong type or range is a finding about the cell, not the structure.
        stage = "cells" if rule == "CELL-TYPE" else "schema"
        return catalogue.finding(rule, ptr, self.label(ptr), args, self.lang, expected=expected, actual=actual,
                                 stage=stage)


def _pointer(error: ValidationError, prefix: _Path = ()) -> str:
    return pointer(list(prefix) + [str(p) for p in error.absolute_path])


def _branch_errors(error: ValidationError, edition: str) -> list[ValidationError]:
    """For a failed oneOf/anyOf: the errors of the branch the instance was meant for."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    if not by_branch:
        return []
    instance: Any = error.instance
    branches: Any = error.validator_value

    def score(item: tuple[int, list[ValidationError]]) -> tuple[int, int]:
        index, errors = item
        declared = set(branches[index].get("properties", {}))
        if "$ref" in branches[index]:
            target = branches[index]["$ref"].rsplit("/", 1)[-1]
            declared |= set(schemas.schema(edition)["$defs"].get(target, {}).get("properties", {}))
        overlap = len(declared & set(instance)) if isinstance(instance, dict) else 0
        return (overlap, -len(errors))

    return max(by_branch.items(), key=score)[1]


def _flatten(errors: list[ValidationError], edition: str) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            yield from _flatten(_branch_errors(error, edition), edition)
        else:
            yield error


def schema_findings(instance: Any, edition: str, *, lang: str = "zh", targeted: bool = True) -> list[Finding]:
    """Readable findings for every schema error of ``instance`` (empty when valid).

    jsonschema is slow, so it runs only where the compiled check fails: an object
    whose check fails is checked shallowly (its own keys, required and unknown), and
    only the children that fail their own compiled check are descended into.
    ``targeted=False`` runs jsonschema over the whole instance (a test compares both).
    """
    if is_valid(instance, edition):
        return []
    shape = editions.shape_of(instance) if isinstance(instance, dict) else None
    maker = _Maker(edition, shape, lang)
    if targeted:  # values are made safe to quote where jsonschema (or an error) gets them
        errors = list(_targeted_errors(instance, schemas.schema(edition), edition, ()))
    else:
        errors = [(e, ()) for e in validator(edition).iter_errors(_reprable(instance))]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for error, prefix in errors:
        for flat in _flatten([error], edition):
            for finding in _convert(flat, maker, edition, prefix):
                key = (finding.rule, finding.pointer)
                if key not in seen:
                    seen.add(key)
                    out.append(finding)
    return out


_Path = tuple[str, ...]


class _BigInt(int):
    """An int too long for ``repr`` (jsonschema quotes every value it rejects)."""

    def __repr__(self) -> str:
        return f"{Decimal(self):.6E}"

    __str__ = __repr__


class _DeepDict(dict):  # type: ignore[type-arg]
    def __repr__(self) -> str:
        return "{…}"


class _DeepList(list):  # type: ignore[type-arg]
    def __repr__(self) -> str:
        return "[…]"


#: Below this depth no schema looks; values there are only ever quoted as part of a parent.
_REPR_DEPTH = 16


def _reprable(value: Any, depth: int = 0) -> Any:
    """``value`` with the same verdict under the schema, but safe for jsonschema to quote.

    jsonschema's messages ``repr`` the instance: an int of more than 4300 digits makes that
    raise, and so does a container nested deeper than the recursion limit.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return _BigInt(value) if value.bit_length() > MAX_INT_BITS else value
    if isinstance(value, dict):
        if depth >= _REPR_DEPTH:
            return _DeepDict(value)
        return {_reprable(k, depth + 1): _reprable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth >= _REPR_DEPTH:
            return _DeepList(value)
        return [_reprable(v, depth + 1) for v in value]
    return value


@functools.cache
def _node_check(edition: str, node_id: int) -> Callable[[Any], bool]:
    node = _NODES[(edition, node_id)]
    return _fastcheck.compile_schema({**node, "$defs": schemas.schema(edition)["$defs"]})


_NODES: dict[tuple[str, int], dict[str, Any]] = {}


def _check_for(edition: str, node: dict[str, Any]) -> Callable[[Any], bool]:
    _NODES.setdefault((edition, id(node)), node)
    return _node_check(edition, id(node))


#: Keywords a cell's schema may carry besides its ``$ref`` without changing its verdict.
_ANNOTATIONS = frozenset({"title", "description", "$comment"})


@functools.cache
def _plain_cell(edition: str, node_id: int) -> dict[str, Any] | None:
    """The ``$defs`` entry of a plain cell schema — ``{"$ref": "#/$defs/X"}`` and
    annotations, X holding only ``type`` and ``minimum`` — else None."""
    node = _NODES[(edition, node_id)]
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return None
    if any(key != "$ref" and key not in _ANNOTATIONS and not key.startswith("x-") for key in node):
        return None
    target = schemas.schema(edition)["$defs"].get(ref.removeprefix("#/$defs/"))
    if not isinstance(target, dict) or "type" not in target:
        return None
    if set(target) - _ANNOTATIONS - {"type", "minimum"}:
        return None
    return target


def _cell_errors(instance: Any, target: dict[str, Any]) -> Iterator[ValidationError]:
    """What jsonschema says of a value under a plain cell schema, without running it:
    the same keywords in the same order (``type``, then ``minimum`` for a number)."""
    types = target["type"] if isinstance(target["type"], list) else [target["type"]]
    if not any(_TYPE_CHECKER.is_type(instance, t) for t in types):
        yield ValidationError("type", validator="type", validator_value=target["type"],
                              instance=instance, schema=target)
    if ("minimum" in target and _TYPE_CHECKER.is_type(instance, "number")
            and instance < target["minimum"]):
        yield ValidationError("minimum", validator="minimum", validator_value=target["minimum"],
                              instance=instance, schema=target)


def _plain_object(resolved: dict[str, Any]) -> bool:
    """Whether an object's schema only says which keys it has (type, properties,
    required, no additional properties): then its own errors are found directly.
    The root's ``$schema``, ``$id`` and ``$defs`` judge nothing at the node itself."""
    return (resolved.get("type") == "object" and resolved.get("additionalProperties", False) is False
            and not any(key not in _OBJECT_KEYWORDS and key not in _ANNOTATIONS and key not in _ROOT_KEYWORDS
                        and not key.startswith("x-") for key in resolved))


_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})
_ROOT_KEYWORDS = frozenset({"$schema", "$id", "$defs"})


def _object_errors(instance: dict[str, Any], shallow: dict[str, Any]) -> Iterator[ValidationError]:
    """What jsonschema says of an object's own keys under a plain object schema whose
    properties are all ``true``: its keywords in their order, as jsonschema yields them."""
    for keyword, value in shallow.items():
        if keyword == "additionalProperties" and value is False:
            if any(key not in shallow["properties"] for key in instance):
                yield ValidationError("additionalProperties", validator=keyword, validator_value=value,
                                      instance=instance, schema=shallow)
        elif keyword == "required":
            for key in value:
                if key not in instance:
                    yield ValidationError("required", validator=keyword, validator_value=value,
                                          instance=instance, schema=shallow)


def _meant_branch(instance: Any, resolved: dict[str, Any], edition: str) -> dict[str, Any] | None:
    """For an object failing a bare ``oneOf`` (annotations aside) under which every
    branch fails: the branch declaring the most of its keys, when one does strictly
    (as :func:`_branch_errors` scores them). Else None: jsonschema decides."""
    branches = resolved.get("oneOf")
    if (not isinstance(instance, dict) or not isinstance(branches, list) or not branches
            or any(key != "oneOf" and key not in _ANNOTATIONS and not key.startswith("x-") for key in resolved)):
        return None
    overlaps = []
    for branch in branches:
        if not isinstance(branch, dict) or _check_for(edition, branch)(instance):
            return None  # a valid branch: jsonschema's verdict is about validity under several
        declared = set(branch.get("properties", {}))
        if "$ref" in branch:
            target = branch["$ref"].rsplit("/", 1)[-1]
            declared |= set(schemas.schema(edition)["$defs"].get(target, {}).get("properties", {}))
        overlaps.append(len(declared & set(instance)))
    best = max(overlaps)
    if overlaps.count(best) != 1:
        return None  # a tie: jsonschema's error counts decide
    chosen: dict[str, Any] = branches[overlaps.index(best)]
    return chosen


def _targeted_errors(instance: Any, node: dict[str, Any], edition: str, path: _Path) -> Iterator[tuple[ValidationError, _Path]]:
    if _check_for(edition, node)(instance):
        return
    cell = _plain_cell(edition, id(node))
    if cell is not None:  # a bad cell, the common fault: explained directly
        for error in _cell_errors(_reprable(instance, len(path)), cell):
            yield error, path
        return
    resolved = tables.resolve(schemas.schema(edition), node)
    branch = _meant_branch(instance, resolved, edition)
    if branch is not None:  # what _branch_errors would pick, without running every branch
        yield from _targeted_errors(instance, branch, edition, path)
        return
    props = resolved.get("properties")
    if not isinstance(instance, dict) or not isinstance(props, dict) or "oneOf" in resolved:
        for error in validator(edition).evolve(schema=node).iter_errors(_reprable(instance, len(path))):
            yield error, path
        return
    shallow = {**resolved, "properties": {key: True for key in props}}
    if _plain_object(resolved):
        errors: Iterable[ValidationError] = _object_errors(instance, shallow)
    else:
        errors = validator(edition).evolve(schema=shallow).iter_errors(_reprable(instance, len(path)))
    for error in errors:
        yield error, path
    for key, sub in props.items():
        if key in instance:
            yield from _targeted_errors(instance[key], sub, edition, path + (key,))


def _convert(error: ValidationError, maker: _Maker, edition: str, prefix: _Path = ()) -> Iterator[Finding]:
    ptr = _pointer(error, prefix)
    kw = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if kw == "required":
        present = instance if isinstance(instance, dict) else {}
        for key in value:
            if key not in present:
                child = ptr + "/" + escape(key)
                yield maker.make("SCHEMA-REQUIRED", child, {"label": maker.label(child)}, expected=key)
        return
    if kw == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for raw_key in instance:
            if raw_key in allowed:
                continue
            key = raw_key if isinstance(raw_key, str) else _show(raw_key)  # JSON keys are strings; a dict's may not be
            child = ptr + "/" + escape(key)
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggestion = (
                Text(*(catalogue.get("SCHEMA-UNKNOWN-KEY").variants["suggestion"].get(lg).format(candidate=close[0])
                       for lg in ("zh", "en")))
                if close else ""
            )
            yield maker.make(
                "SCHEMA-UNKNOWN-KEY", child,
                {"parent_label": maker.label(ptr) or "报告", "key": key, "suggestion": suggestion},
                expected=close[0] if close else None, actual=key,
            )
        return
    node = tables.node(edition, ptr, maker.shape)
    if node is not None and node.kind == "cell" and kw in ("type", "minimum"):
        requirement = _CELL_REQUIREMENTS[node.cell_type or "count"]
        yield maker.make(
            "CELL-TYPE", ptr, {"label": maker.label(ptr), "requirement": requirement, "actual": _show(error.instance)},
            expected=requirement.get(maker.lang), actual=error.instance,
        )
        return
    if kw == "type":
        names = value if isinstance(value, list) else [value]
        expected_type = Text(
            "或".join(_TYPE_NAMES[n].zh for n in names), " or ".join(_TYPE_NAMES[n].en for n in names)
        )
        yield maker.make(
            "SCHEMA-TYPE", ptr,
            {"label": maker.label(ptr) or "报告", "expected_type": expected_type, "actual": _show(error.instance)},
            expected=expected_type.get(maker.lang), actual=_json_safe(error.instance),
        )
        return
    requirement = _requirement(kw, value)
    yield maker.make(
        "SCHEMA-VALUE", ptr,
        {"label": maker.label(ptr) or "报告", "actual": _show(error.instance), "requirement": requirement},
        expected=requirement.get(maker.lang), actual=_json_safe(error.instance),
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return None
    return value


def _requirement(keyword: str, value: Any) -> Text:
    if keyword == "const":
        return Text(f"应为 {_show(value)}", f"must be {_show(value)}")
    if keyword == "enum":
        options = "、".join(_show(v) for v in value)
        return Text(f"应为 {options} 之一", f"must be one of {', '.join(_show(v) for v in value)}")
    if keyword == "minimum":
        return Text(f"不小于 {value}", f"at least {value}")
    if keyword == "maximum":
        return Text(f"不大于 {value}", f"at most {value}")
    if keyword == "minLength":
        return Text("不能为空", "must not be empty")
    if keyword in ("pattern", "format"):
        return Text("格式应为 YYYY-MM-DD 的有效日期" if value == "date" or "0[1-9]" in str(value) else f"格式不符（{value}）",
                    "must be a valid date YYYY-MM-DD" if value == "date" or "0[1-9]" in str(value) else f"wrong format ({value})")
    if keyword == "minProperties":
        return Text("不能为空对象", "must not be empty")
    if keyword in ("oneOf", "anyOf"):
        return Text("结构不符合任何一种允许的样式", "matches none of the allowed layouts")
    return Text(f"不满足 {keyword} 约束", f"breaks the {keyword} constraint")


class SchemaCheck:
    """The JSON Schema of the edition: structure (SCHEMA-*) and cell types (CELL-TYPE).

    The compiled predicate decides validity fast; jsonschema explains only the parts it rejects.

    What a cell may hold is what the schema says (the schema is the contract), read as
    JSON Schema reads it; any other value is CELL-TYPE at the cell, quoting the value:

    * a *count* is an integer ≥ 0 or null, and "integer" means any number with a zero
      fractional part, so ``1.0``, ``-0.0`` and ``Decimal("1E+2")`` are counts (their
      integer value takes part in relations), while ``1.5`` is not;
    * a *signed count* is an integer or null; an *amount* a number ≥ 0 or null;
    * ``true``/``false`` are not numbers (JSON booleans), nor is a numeric string (``"3"``);
    * NaN and the infinities (``float`` or ``Decimal``, signalling or quiet) are not JSON
      numbers at all (RFC 8259 §6), so they are never a valid cell or year;
    * integers of any size are valid; one too long to print is quoted in scientific form.

    Any value elsewhere (a table that is a list, a year that is NaN, a key that is not a
    string) is a SCHEMA-* finding at that place; a top-level value that is not an object
    is SCHEMA-TYPE at pointer ``""``. Nothing here raises, whatever the instance holds.
    """

    stage = "schema"
    rules = frozenset({"SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY", "SCHEMA-TYPE", "SCHEMA-VALUE", "CELL-TYPE"})

    def run(self, context: Any) -> list[Finding]:
        return schema_findings(context.instance, context.edition, lang=context.lang)
