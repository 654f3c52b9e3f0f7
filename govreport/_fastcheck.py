"""A fast yes/no schema check, compiled once from the shipped schema.

Most reports are valid or nearly so. Building jsonschema's detailed errors is the slow
part, so the validator first asks this compiled predicate whether the instance is valid
at all, and only runs jsonschema (for readable errors) when it is not. The predicate
supports exactly the keywords the shipped schemas use; compiling a schema with any other
keyword raises, so a new keyword can never be silently ignored. A property-based test
checks that its verdict always equals jsonschema's.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["compile_schema", "Unsupported"]

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({
    "$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
})


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(v: Any) -> bool:
    t = type(v)
    if t is int:
        return True
    if t is float:
        return v.is_integer()  # type: ignore[no-any-return]
    if t is Decimal:
        return v.is_finite() and v == v.to_integral_value()  # type: ignore[no-any-return]
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    t = type(v)
    return t is int or t is float or t is Decimal or (isinstance(v, (int, float, Decimal)) and not isinstance(v, bool))


_TYPES: dict[str, Check] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": _is_integer,
    "number": _is_number,
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
}


def _date(v: str) -> bool:
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return len(v) == 10


_FORMATS: dict[str, Callable[[str], bool]] = {"date": _date}


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: booleans are not numbers, 1 == 1.0.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def compile_schema(schema: dict[str, Any]) -> Check:
    """Compile ``schema`` (with local ``$ref``s into ``$defs``) into a predicate."""
    defs = schema.get("$defs", {})
    cache: dict[str, Check] = {}

    def ref(target: str) -> Check:
        if not target.startswith("#/$defs/"):
            raise Unsupported(f"$ref {target!r}")
        name = target[len("#/$defs/"):]
        if name not in cache:
            holder: list[Check] = []
            cache[name] = lambda v: holder[0](v)
            holder.append(build(defs[name]))
        return cache[name]

    def build(node: dict[str, Any]) -> Check:
        checks: list[Check] = []
        for key in node:
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            if key not in _KEYWORDS:
                raise Unsupported(f"keyword {key!r}")
        if "$ref" in node:
            checks.append(ref(node["$ref"]))
        if "type" in node:
            names = node["type"] if isinstance(node["type"], list) else [node["type"]]
            tests = tuple(_TYPES[n] for n in names)
            if len(tests) == 1:
                checks.append(tests[0])
            else:
                checks.append(lambda v, tests=tests: any(t(v) for t in tests))
        if "const" in node:
            const = node["const"]
            checks.append(lambda v: _equal(v, const))
        if "enum" in node:
            options = tuple(node["enum"])
            checks.append(lambda v: any(_equal(v, o) for o in options))
        if "minimum" in node:
            low = node["minimum"]
            checks.append(lambda v: not _is_number(v) or v >= low)
        if "maximum" in node:
            high = node["maximum"]
            checks.append(lambda v: not _is_number(v) or v <= high)
        if "minLength" in node:
            n = node["minLength"]
            checks.append(lambda v: type(v) is not str or len(v) >= n)
        if "pattern" in node:
            search = re.compile(node["pattern"]).search
            checks.append(lambda v: type(v) is not str or search(v) is not None)
        if "format" in node:
            fmt = _FORMATS.get(node["format"])
            if fmt is None:
                raise Unsupported(f"format {node['format']!r}")
            checks.append(lambda v: type(v) is not str or fmt(v))
        if "properties" in node or "required" in node or "additionalProperties" in node or "minProperties" in node:
            checks.append(_object(node, build))
        if "oneOf" in node:
            branches = tuple(build(b) for b in node["oneOf"])
            checks.append(lambda v: sum(1 for b in branches if b(v)) == 1)
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        checks_t = tuple(checks)
        return lambda v: all(c(v) for c in checks_t)

    return build(schema)


def _object(node: dict[str, Any], build: Callable[[dict[str, Any]], Check]) -> Check:
    props = {k: build(v) for k, v in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    additional = node.get("additionalProperties", True)
    if additional not in (True, False):
        raise Unsupported("additionalProperties with a schema")
    closed = additional is False
    min_props = node.get("minProperties", 0)
    items = tuple(props.items())
    allowed = frozenset(props)

    def check(v: Any) -> bool:
        if type(v) is not dict:
            return True  # "type" decides; object keywords ignore other types
        for key in required:
            if key not in v:
                return False
        if closed and not allowed.issuperset(v):
            return False
        if len(v) < min_props:
            return False
        for key, sub in items:
            if key in v and not sub(v[key]):
                return False
        return True

    return check


_KEYWORDS = frozenset({
    "$ref", "type", "const", "enum", "minimum", "maximum", "minLength", "pattern", "format",
    "properties", "required", "additionalProperties", "minProperties", "oneOf",
})
