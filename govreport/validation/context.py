"""What every check sees, and the one protocol a check follows.

A check owns a set of rule ids and, given a :class:`Context`, yields findings of those
rules. The validator runs its checks in order; a new check (whole-document checks, a
collection of reports) plugs in without touching the validator's core.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from attrs import define, field

from govreport.contract import catalogue, tables
from govreport.contract.relations import MISSING
from govreport.contract.tables import Shape
from govreport.findings import Finding, Operand, RuleStats, Severity
from govreport.location import Location, Provenance
from govreport.reading import Observation
from govreport.validation.settings import DocumentSettings

__all__ = ["Check", "Context", "flatten", "printable"]

#: Python refuses to turn an int of more than 4300 digits into text (``sys.get_int_max_str_digits``).
MAX_INT_BITS = 14_000


def printable(value: Any) -> Any:
    """``value``, or for an int too long for Python to print, its rounded scientific form."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return f"{Decimal(value):.6E}"
    return value


@define(kw_only=True)
class Context:
    """One instance being validated, and the helpers every check uses.

    ``instance`` is the JSON instance as given (any value: a check must not assume it
    is well formed); ``values`` are its table cells in :func:`tables.cells` order
    (``MISSING`` for an absent cell) when it is an object, else None. ``stats``
    collects the relations' pass/fail/not-assessable counts. ``document`` holds the
    caller's overrides for the document rules (level, publication date).
    """

    instance: Any
    edition: str
    shape: Shape
    lang: str = "zh"
    blanks_as_zero: bool = False
    source_map: Mapping[str, Provenance] = field(factory=dict)
    observations: tuple[Observation, ...] = ()
    values: list[Any] | None = None
    stats: dict[str, RuleStats] = field(factory=dict)
    document: DocumentSettings = field(factory=DocumentSettings)

    def label(self, ptr: str, shape: Shape | None = None) -> str:
        """The official label path of ``ptr`` in this instance's edition and shape."""
        return tables.label(self.edition, ptr, shape or self.shape)

    def provenance(self, ptr: str) -> Provenance | None:
        return self.source_map.get(ptr)

    def finding(
        self, rule: str, ptr: str, args: Mapping[str, Any], *, stage: str, template: str = "",
        label: str | None = None, severity: Severity | None = None, expected: Any = None,
        actual: Any = None, operands: tuple[Operand, ...] = (), location: Location | None = None,
    ) -> Finding:
        """A finding of ``rule`` at ``ptr``, its message rendered in the context's language.

        ``args`` get the cell's ``label`` unless they name one.
        """
        shown = label if label is not None else self.label(ptr)
        return catalogue.finding(
            rule, ptr, shown, {"label": shown, **args}, self.lang, template=template, severity=severity,
            expected=expected, actual=actual, operands=operands, location=location, stage=stage,
        )


class Check(Protocol):
    """A stage of validation: the rule ids it owns and how it finds them."""

    #: The stage its findings carry (one of :data:`govreport.findings.STAGES`).
    stage: str
    #: The rule ids this check owns (each rule has exactly one owner).
    rules: frozenset[str]

    def run(self, context: Context) -> Iterable[Finding]:
        """The findings of this check on ``context`` (may fill ``context.stats``)."""
        ...


@functools.cache
def _row_plan(edition: str, shape: Shape) -> tuple[tuple[tuple[str, ...], tuple[tuple[int, str], ...]], ...]:
    """Cells grouped by row, so flattening fetches each row object once."""
    plan: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for i, spec in enumerate(tables.cells(edition, shape)):
        plan.setdefault(spec.path[:-1], []).append((i, spec.column))
    return tuple((path, tuple(cols)) for path, cols in plan.items())


def flatten(instance: Mapping[str, Any], edition: str, shape: Shape) -> list[Any]:
    """The value of every table cell in :func:`govreport.contract.tables.cells` order.

    Absent cells are :data:`govreport.contract.relations.MISSING`; blanks are ``None``.
    """
    return _flattener(edition, shape)(instance)


class _Trie:
    def __init__(self) -> None:
        self.cols: list[tuple[int, str]] = []
        self.children: dict[str, _Trie] = {}


@functools.cache
def _flattener(edition: str, shape: Shape) -> Callable[[Any], list[Any]]:
    """:func:`flatten` as straight-line code for one edition and shape: each object on
    the way to a row is fetched once, each cell with one ``get`` (this runs for every
    instance validated)."""
    root = _Trie()
    for path, cols in _row_plan(edition, shape):
        node = root
        for key in path:
            node = node.children.setdefault(key, _Trie())
        node.cols.extend(cols)
    lines = ["def flatten(node0):", f"    out = [MISSING] * {len(tables.cells(edition, shape))}",
             "    if not isinstance(node0, dict):", "        return out"]
    names = iter(range(1, 1 << 30))

    def emit(trie: _Trie, var: str, indent: str) -> None:
        if trie.cols:
            lines.append(f"{indent}get = {var}.get")
            lines.extend(f"{indent}out[{i}] = get({key!r}, MISSING)" for i, key in trie.cols)
        for key, child in trie.children.items():
            name = f"node{next(names)}"
            lines.append(f"{indent}{name} = {var}.get({key!r}, MISSING)")
            lines.append(f"{indent}if isinstance({name}, dict):")
            lines.append(f"{indent}    pass")
            emit(child, name, indent + "    ")

    emit(root, "node0", "    ")
    lines.append("    return out")
    namespace: dict[str, Any] = {"MISSING": MISSING}
    exec(compile("\n".join(lines), f"<govreport flatten {edition} {shape}>", "exec"), namespace)  # noqa: S102
    made: Callable[[Any], list[Any]] = namespace["flatten"]
    return made


def _flatten_reference(instance: Mapping[str, Any], edition: str, shape: Shape) -> list[Any]:
    """:func:`flatten` as a plain loop: the definition the generated code is tested against."""
    out: list[Any] = [MISSING] * len(tables.cells(edition, shape))
    for path, cols in _row_plan(edition, shape):
        node: Any = instance
        for key in path:
            node = node.get(key, MISSING) if isinstance(node, dict) else MISSING
            if node is MISSING:
                break
        if not isinstance(node, dict):
            continue
        for i, key in cols:
            out[i] = node.get(key, MISSING)
    return out
