"""The tables as the schema declares them: nodes, cells, rows and official labels.

Everything here is derived from ``schema/`` at first use and cached, so labels,
pointers and cell lists never drift from the published contract. The only shape
choice the schema leaves open is （六）其他处理: one row (2019 style) or three rows
(2021 style); functions that depend on it take ``shape`` (``"row"`` or ``"split"``).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from attrs import define

from govreport.contract import schemas
from govreport.pointer import pointer, split_pointer

__all__ = [
    "CellSpec",
    "Node",
    "OTHER_HANDLING",
    "Shape",
    "cells",
    "label",
    "node",
    "nodes",
    "resolve",
    "rows",
    "tree",
    "document_order",
]

Shape = Literal["row", "split"]
SHAPES: tuple[Shape, ...] = ("row", "split")

#: Where the shape choice lives.
OTHER_HANDLING = "/requests/outcomes/other_handling"

#: Label path separator.
SEP = " › "

_TABLE_KEYS = ("active_disclosure", "requests", "reviews")


@define(frozen=True, kw_only=True, slots=True)
class Node:
    """One node of the instance tree as the schema declares it.

    ``kind`` is ``"table"`` (tables 2–4), ``"group"`` (a set of rows or groups),
    ``"row"`` (an object of cells), ``"cell"`` (a number) or ``"value"`` (metadata
    and narrative). ``cell_type`` is ``"count"``, ``"signed_count"`` or ``"amount"``.
    """

    pointer: str
    path: tuple[str, ...]
    title: str
    description: str
    kind: str
    cell_type: str | None = None
    unit: str | None = None
    table: str | None = None
    block: str | None = None
    group: str | None = None
    children: tuple[str, ...] = ()


@define(frozen=True, kw_only=True, slots=True)
class CellSpec:
    """A table cell: where it is, what it is called, what it holds."""

    pointer: str
    path: tuple[str, ...]
    label: str
    cell_type: str
    unit: str | None
    row: str
    column: str


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with a local ``$ref`` into ``$defs`` merged in (siblings win); ``x-def``
    names the definition it came from."""
    ref = node.get("$ref")
    if ref is None:
        return node
    if not ref.startswith("#/$defs/"):
        raise ValueError(f"unexpected $ref {ref!r} in the shipped schema")
    target = resolve(schema, schema["$defs"][ref[len("#/$defs/"):]])
    merged = dict(target)
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    merged["x-def"] = ref[len("#/$defs/"):]
    return merged


def _cell_type(definition: dict[str, Any]) -> str | None:
    name = definition.get("x-def")
    return name if name in ("count", "signed_count", "amount") else None


@functools.cache
def tree(edition: str, shape: Shape = "split") -> dict[str, Node]:
    """Every node of an instance of ``edition`` with the given （六） shape, by pointer."""
    schema = schemas.schema(edition)
    out: dict[str, Node] = {}

    def visit(path: tuple[str, ...], raw: dict[str, Any], table: str | None, block: str | None) -> None:
        definition = resolve(schema, raw)
        if "oneOf" in definition:
            branch = definition["oneOf"][0 if shape == "row" else 1]
            resolved = resolve(schema, branch)
            # The branch supplies structure; the property supplies the name people use.
            definition = {**resolved, "title": definition.get("title", ""),
                          "description": definition.get("description", "")}
        ptr = pointer(path)
        table = definition.get("x-table", table)
        block = definition.get("x-block", block)
        cell_type = _cell_type(definition)
        props: dict[str, Any] = definition.get("properties", {})
        if cell_type:
            kind = "cell"
        elif path and path[0] in _TABLE_KEYS and len(path) == 1:
            kind = "table"
        elif props and path and path[0] in _TABLE_KEYS:
            leaves = all("properties" not in resolve(schema, p) and "oneOf" not in p for p in props.values())
            kind = "row" if leaves else "group"
        elif props:
            kind = "group"
        else:
            kind = "value"
        out[ptr] = Node(
            pointer=ptr, path=path, title=definition.get("title", ""),
            description=definition.get("description", ""), kind=kind, cell_type=cell_type,
            unit=definition.get("x-unit"), table=table, block=block,
            group=definition.get("x-group"), children=tuple(props),
        )
        for key, child in props.items():
            visit(path + (key,), child, table, block)

    visit((), schema, None, None)
    return out


def node(edition: str, ptr: str, shape: Shape | None = None) -> Node | None:
    """The node at ``ptr``, looking in both （六） shapes unless ``shape`` is given."""
    for s in (shape,) if shape else SHAPES:
        found = tree(edition, s).get(ptr)
        if found is not None:
            return found
    return None


def nodes(edition: str, shape: Shape = "split") -> list[Node]:
    """All nodes in document order."""
    return list(tree(edition, shape).values())


@functools.cache
def _label(edition: str, ptr: str, shape: Shape | None) -> str:
    path = split_pointer(ptr)
    parts: list[str] = []
    for i in range(1, len(path) + 1):
        n = node(edition, pointer(path[:i]), shape)
        if n is None:
            parts.append(path[i - 1])
            continue
        if n.kind == "table":
            parts.append(n.table or n.title)
            continue
        if n.kind == "row" and n.block and (not parts or parts[-1] != n.block):
            parts.append(n.block)
        if n.group and n.kind in ("cell", "group", "row"):
            parts.append(n.group)
        parts.append(n.title or path[i - 1])
    return SEP.join(parts)


def label(edition: str, ptr: str, shape: Shape | None = None) -> str:
    """The official Chinese label path of a pointer.

    >>> label("2021", "/requests/carried_forward/natural_person")
    '表三 › 四、结转下年度继续办理 › 自然人'

    Unknown keys are shown as they are, so a label can be given for any pointer.
    """
    return _label(edition, ptr, shape)


@functools.cache
def cells(edition: str, shape: Shape = "split") -> tuple[CellSpec, ...]:
    """Every table cell of ``edition`` in document order."""
    out = []
    for n in tree(edition, shape).values():
        if n.kind != "cell":
            continue
        out.append(CellSpec(
            pointer=n.pointer, path=n.path, label=label(edition, n.pointer, shape),
            cell_type=n.cell_type or "count", unit=n.unit,
            row=pointer(n.path[:-1]), column=n.path[-1],
        ))
    return tuple(out)


@functools.cache
def rows(edition: str, shape: Shape = "split", table: str | None = None) -> tuple[Node, ...]:
    """Every row (object of cells) in document order, optionally of one table key."""
    return tuple(
        n for n in tree(edition, shape).values()
        if n.kind == "row" and (table is None or n.path[0] == table)
    )


@functools.cache
def _document_order() -> dict[str, int]:
    order: dict[str, int] = {}
    for edition in schemas.EDITIONS:
        for shape in SHAPES:
            for ptr in tree(edition, shape):
                order.setdefault(ptr, len(order))
    return order


def document_order(ptr: str) -> tuple[int, str]:
    """A sort key that puts pointers in the order of the report (table, row, column).

    Pointers the schema does not know sort right after their nearest known parent.
    """
    order = _document_order()
    if ptr in order:
        return (order[ptr], "")
    path = split_pointer(ptr) if ptr.startswith("/") else ()
    for depth in range(len(path) - 1, -1, -1):
        parent = pointer(path[:depth])
        if parent in order:
            return (order[parent], ptr)
    return (len(order), ptr)
