"""A fast yes/no schema check, generated once from the shipped schema.

Most reports are valid or nearly so. Building jsonschema's detailed errors is the slow
part, so the validator first asks this predicate whether the instance is valid at all,
and runs jsonschema (for readable errors) only when it is not.

The predicate is Python source generated from the schema and compiled with ``exec``:
one function per object node, with cell checks inlined and a fast path for the common
cell (an ``int`` ≥ 0). It supports exactly the keywords the shipped schemas use;
compiling a schema with any other keyword raises :class:`Unsupported`, so a keyword
can never be silently ignored. A property-based test checks that its verdict always
equals jsonschema's.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["Unsupported", "compile_schema", "generate_source"]

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({
    "$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
})
_KEYWORDS = frozenset({
    "$ref", "type", "const", "enum", "minimum", "maximum", "minLength", "pattern", "format",
    "properties", "required", "additionalProperties", "minProperties", "oneOf",
})
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "minProperties")


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(v: Any) -> bool:
    t = type(v)
    if t is int:
        return True
    if t is float:
        return v.is_integer()  # type: ignore[no-any-return]  # False for inf and nan
    if t is Decimal:
        return v.is_finite() and v == v.to_integral_value()  # type: ignore[no-any-return]
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return v.is_integer()
    if isinstance(v, Decimal):
        return v.is_finite() and v == v.to_integral_value()
    return False


def _is_number(v: Any) -> bool:
    # JSON has no infinities or NaNs (RFC 8259 §6): a non-finite float or Decimal is not a number.
    t = type(v)
    if t is int:
        return True
    if t is float:
        return math.isfinite(v)
    if t is Decimal:
        return v.is_finite()  # type: ignore[no-any-return]
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, Decimal):
        return v.is_finite()
    return False


def _date(v: str) -> bool:
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return len(v) == 10


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: booleans are not numbers, 1 == 1.0; a NaN equals nothing (and a
    # signalling Decimal NaN must not be compared at all: it raises).
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if (isinstance(a, Decimal) and a.is_nan()) or (isinstance(b, Decimal) and b.is_nan()):
        return False
    return bool(a == b)


_FORMATS: dict[str, str] = {"date": "_date"}

_TYPE_EXPR = {
    "object": "(type({v}) is dict or isinstance({v}, dict))",
    "array": "type({v}) is list",
    "string": "type({v}) is str",
    "integer": "_is_integer({v})",
    "number": "_is_number({v})",
    "null": "{v} is None",
    "boolean": "type({v}) is bool",
}


class _Generator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.consts: dict[str, Any] = {}
        self.functions: list[str] = []
        self.named: dict[int, str] = {}

    # -- helpers ---------------------------------------------------------------

    def const(self, value: Any) -> str:
        name = f"C{len(self.consts)}"
        self.consts[name] = value
        return name

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if ref is None:
            return node
        if not ref.startswith("#/$defs/"):
            raise Unsupported(f"$ref {ref!r}")
        target = self.resolve(self.defs[ref[len("#/$defs/"):]])
        merged = dict(target)
        for key, value in node.items():
            if key == "$ref":
                continue
            if key in merged and key not in _ANNOTATIONS and not key.startswith("x-") and merged[key] != value:
                raise Unsupported(f"keyword {key!r} both beside and inside a $ref")
            merged[key] = value
        return merged

    @staticmethod
    def check_keywords(node: dict[str, Any]) -> None:
        for key in node:
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            if key not in _KEYWORDS:
                raise Unsupported(f"keyword {key!r}")

    # -- expressions for leaf nodes --------------------------------------------

    def leaf_expr(self, node: dict[str, Any], v: str) -> str | None:
        """A boolean expression for a node without object/oneOf keywords, else None."""
        node = self.resolve(node)
        self.check_keywords(node)
        if "oneOf" in node or any(k in node for k in _OBJECT_KEYWORDS):
            return None
        parts: list[str] = []
        types = None
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            parts.append("(" + " or ".join(_TYPE_EXPR[t].format(v=v) for t in types) + ")")
        if "const" in node:
            parts.append(f"_equal({v}, {self.const(node['const'])})")
        if "enum" in node:
            parts.append(f"any(_equal({v}, o) for o in {self.const(tuple(node['enum']))})")
        if "minimum" in node:
            parts.append(f"(not _is_number({v}) or {v} >= {self.const(node['minimum'])})")
        if "maximum" in node:
            parts.append(f"(not _is_number({v}) or {v} <= {self.const(node['maximum'])})")
        if "minLength" in node:
            parts.append(f"(type({v}) is not str or len({v}) >= {self.const(node['minLength'])})")
        if "pattern" in node:
            parts.append(f"(type({v}) is not str or {self.const(re.compile(node['pattern']).search)}({v}) is not None)")
        if "format" in node:
            fmt = _FORMATS.get(node["format"])
            if fmt is None:
                raise Unsupported(f"format {node['format']!r}")
            parts.append(f"(type({v}) is not str or {fmt}({v}))")
        full = " and ".join(parts) or "True"
        # The common cell: a plain int ≥ 0, or null. Short-circuit it before the general test.
        if types and set(types) >= {"integer"} and node.get("minimum", 0) <= 0 and not ({"const", "enum"} & node.keys()):
            fast = f"(type({v}) is int and {v} >= 0)"
            if "null" in types:
                fast = f"({v} is None or {fast})"
            return f"({fast} or ({full}))"
        return f"({full})"

    # -- functions for object / oneOf nodes --------------------------------------

    def function(self, node: dict[str, Any]) -> str:
        key = id(node)
        if key in self.named:
            return self.named[key]
        name = f"f{len(self.named)}"
        self.named[key] = name
        resolved = self.resolve(node)
        self.check_keywords(resolved)
        body: list[str] = [f"def {name}(v):"]
        simple = dict(resolved)
        for k in _OBJECT_KEYWORDS + ("oneOf",):
            simple.pop(k, None)
        expr = self.leaf_expr(simple, "v")
        if expr and expr != "(True)":
            body.append(f"    if not {expr}: return False")
        if any(k in resolved for k in _OBJECT_KEYWORDS):
            body.append("    if type(v) is dict or isinstance(v, dict):")
            required = resolved.get("required", [])
            if required:
                body.append(f"        if not {self.const(frozenset(required))} <= v.keys(): return False")
            props: dict[str, Any] = resolved.get("properties", {})
            if resolved.get("additionalProperties", True) is False:
                body.append(f"        if not v.keys() <= {self.const(frozenset(props))}: return False")
            elif resolved.get("additionalProperties", True) is not True:
                raise Unsupported("additionalProperties with a schema")
            if "minProperties" in resolved:
                body.append(f"        if len(v) < {resolved['minProperties']}: return False")
            for prop, sub in props.items():
                k = self.const(prop)
                body.append(f"        x = v.get({k}, _M)")
                leaf = self.leaf_expr(sub, "x")
                test = leaf if leaf is not None else f"{self.function(sub)}(x)"
                if prop in required:
                    body.append(f"        if not {test}: return False")
                else:
                    body.append(f"        if x is not _M and not {test}: return False")
        if "oneOf" in resolved:
            branches = []
            for b in resolved["oneOf"]:
                leaf = self.leaf_expr(b, "v")
                branches.append(leaf if leaf is not None else f"{self.function(b)}(v)")
            body.append(f"    if sum(1 for ok in ({', '.join(branches)},) if ok) != 1: return False")
        body.append("    return True")
        self.functions.append("\n".join(body))
        return name


def generate_source(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Python source of the predicate (entry point ``check``) and its constants."""
    gen = _Generator(schema)
    leaf = gen.leaf_expr(schema, "v")
    if leaf is not None:
        entry = f"def check(v):\n    return bool({leaf})"
    else:
        entry = f"def check(v):\n    return {gen.function(schema)}(v)"
    return "\n\n".join(gen.functions + [entry]) + "\n", gen.consts


def compile_schema(schema: dict[str, Any]) -> Check:
    """Compile ``schema`` (with local ``$ref``s into ``$defs``) into a predicate."""
    source, consts = generate_source(schema)
    namespace: dict[str, Any] = {
        "_is_integer": _is_integer, "_is_number": _is_number, "_equal": _equal, "_date": _date,
        "_M": object(), **consts,
    }
    exec(compile(source, "<govreport schema check>", "exec"), namespace)  # noqa: S102 - our own generated code
    check: Check = namespace["check"]
    return check
