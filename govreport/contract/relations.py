"""The relations engine: compile the declared relations once, evaluate them fast.

``schema/<edition>/relations.json`` declares each relation as data (see
``schema/relations.schema.json``). :func:`compile_relations` expands every relation
into flat *bindings* for one instance shape — a total cell and weighted term cells,
each an index into the edition's cell list — so evaluating a report is a pass over
integers and decimals, not a walk of the tree per rule.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from attrs import define

from govreport.contract import catalogue, schemas, tables
from govreport.contract.catalogue import Rule
from govreport.messages import Text
from govreport.pointer import escape

__all__ = ["Binding", "CellRef", "Local", "compile_relations", "evaluate", "local"]

_VAR = re.compile(r"\{([a-z_]+)\}")


@define(frozen=True, slots=True)
class CellRef:
    """A cell a relation uses: its index in :func:`govreport.tables.cells`, pointer, label."""

    index: int
    pointer: str
    label: str
    cell_type: str = "count"


@define(frozen=True, kw_only=True, slots=True)
class Binding:
    """One relation for one binding of its variables, ready to evaluate."""

    rule: Rule
    total: CellRef
    terms: tuple[tuple[int, CellRef], ...]
    args: dict[str, Any]
    binding: Text


def _substitute(template: str, values: dict[str, str]) -> str:
    return _VAR.sub(lambda m: values[m.group(1)], template)


def _rows_under(tree: dict[str, tables.Node], root: str, having: str) -> list[str]:
    """Row pointers at or below ``root`` whose member ``having`` is a cell (document order)."""
    start = tree.get(root)
    if start is None:
        return []
    member = tree.get(root + "/" + escape(having))
    if member is not None and member.kind == "cell":
        return [root]
    out: list[str] = []
    for child in start.children:
        out.extend(_rows_under(tree, root + "/" + escape(child), having))
    return out


def _domain(tree: dict[str, tables.Node], spec: Any) -> list[str]:
    if isinstance(spec, list):
        return [str(v) for v in spec]
    return _rows_under(tree, spec["rows_under"], spec["having"])


def _var_label(tree: dict[str, tables.Node], total: str, name: str, value: str, template: str) -> str:
    # The label of a variable is the title of the node its value names within the total's pointer.
    prefix_template = template[: template.index("{" + name + "}") + len(name) + 2]
    prefix = _substitute(prefix_template, {name: value, **_ANY})
    found = tree.get(prefix)
    return found.title if found is not None else value


class _Anything(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_ANY: dict[str, str] = _Anything()


@functools.cache
def compile_relations(edition: str, shape: tables.Shape = "split") -> tuple[Binding, ...]:
    """Every binding of every relation of ``edition`` for an instance of ``shape``."""
    tree = tables.tree(edition, shape)
    specs = {c.pointer: (i, c) for i, c in enumerate(tables.cells(edition, shape))}

    def ref(ptr: str) -> CellRef:
        if ptr not in specs:
            raise ValueError(f"relation refers to {ptr}, which is not a cell of the {edition} schema")
        i, spec = specs[ptr]
        return CellRef(i, ptr, spec.label, spec.cell_type)

    out: list[Binding] = []
    for decl in schemas.relations_document(edition)["relations"]:
        rule = catalogue.get(decl["id"])
        names = list(decl["for_each"])
        domains = [_domain(tree, decl["for_each"][n]) for n in names]
        for combo in itertools.product(*domains):
            values = dict(zip(names, combo))
            total_ptr = _substitute(decl["total"], values)
            terms: list[tuple[int, CellRef]] = []
            for term in decl["terms"]:
                weight = int(term["weight"])
                if "pointer" in term:
                    terms.append((weight, ref(_substitute(term["pointer"], values))))
                    continue
                cell = _substitute(term["cell"], values)
                for row in _rows_under(tree, _substitute(term["rows_under"], values), cell):
                    terms.append((weight, ref(row + "/" + escape(cell))))
            args: dict[str, Any] = {}
            var_labels = []
            for name, value in values.items():
                lab = _var_label(tree, total_ptr, name, value, decl["total"])
                args[name] = value
                args[name + "_label"] = lab
                var_labels.append(lab)
            binding = Text("、".join(var_labels), ", ".join(var_labels))
            out.append(Binding(rule=rule, total=ref(total_ptr), terms=tuple(terms), args=args, binding=binding))
    return tuple(out)


#: Marks an operand the instance does not have at all (absent key or wrong structure).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


#: A count written with a decimal exponent (``1E+999999``) beyond this many digits is not
#: added up: it is schema-valid, but converting it to an exact integer could exhaust memory.
MAX_DIGITS = 4300


def usable(value: Any, cell_type: str) -> bool:
    """Whether a cell value can take part in arithmetic.

    It must be a finite number (int, Decimal or float; not bool) that is valid for its
    cell type: counts are integers ≥ 0 (``1.0`` is one), signed counts integers, amounts
    ≥ 0. An invalid value is reported by CELL-TYPE; relations using it are not
    assessable rather than failing twice. Never raises, whatever the value.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        if not math.isfinite(value):
            return False
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return False
    elif not isinstance(value, int):
        return False
    if cell_type != "signed_count" and value < 0:
        return False
    if cell_type == "amount":
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, Decimal):
        return value == value.to_integral_value() and value.adjusted() < MAX_DIGITS
    return True


def _exact(value: Any, cell_type: str) -> Any:
    """A usable value as an exact number: an int for counts, a Decimal for amounts.

    A float is taken as the decimal it prints as (what the JSON text said).
    """
    if type(value) is int:
        return value
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return number if cell_type == "amount" else int(number)


@define(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What evaluating one binding gave.

    ``status`` is ``"pass"``, ``"fail"`` or ``"not_assessable"``; ``blanks`` lists
    operand cells that were null, ``missing`` those absent or invalid; ``zeroed`` lists
    blanks that were counted as zero at the caller's request.
    """

    binding: Binding
    status: str
    expected: Any = None
    actual: Any = None
    blanks: tuple[CellRef, ...] = ()
    missing: tuple[CellRef, ...] = ()
    zeroed: tuple[CellRef, ...] = ()
    values: tuple[Any, ...] = ()


def _getter(indices: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    if not indices:
        return lambda values: ()
    if len(indices) == 1:
        i = indices[0]
        return lambda values: (values[i],)
    return operator.itemgetter(*indices)


_Getter = Callable[[Sequence[Any]], tuple[Any, ...]]


@define(frozen=True, slots=True)
class _Plan:
    used: _Getter  # every cell any binding reads
    steps: tuple[tuple[int, _Getter, _Getter], ...]  # (total index, +1 terms, −1 terms)
    #: the indices of the failing bindings, as straight-line code (plain ints only)
    failing: Callable[[Sequence[Any]], list[int]]
    #: for each cell index, the bindings that read it
    touching: dict[int, tuple[int, ...]]


def _failing_code(bindings: tuple[Binding, ...]) -> Callable[[Sequence[Any]], list[int]]:
    """One comparison per binding, ``total != Σ(+terms) − Σ(−terms)``, generated once."""
    lines = ["def failing(v):", "    bad = []"]
    for number, b in enumerate(bindings):
        terms = "".join(f" {'+' if w == 1 else '-'} v[{r.index}]" for w, r in b.terms) or " + 0"
        lines += [f"    if v[{b.total.index}] != 0{terms}:", f"        bad.append({number})"]
    lines.append("    return bad")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<govreport relations>", "exec"), namespace)  # noqa: S102
    made: Callable[[Sequence[Any]], list[int]] = namespace["failing"]
    return made


_PLANS: dict[int, tuple[tuple[Binding, ...], _Plan | None]] = {}


def _plan(bindings: tuple[Binding, ...]) -> _Plan | None:
    """C-level getters per binding, or None when some weight is not ±1.

    Cached by identity: :func:`compile_relations` returns the same tuple for the same
    shape, and the tuple is kept alive beside its plan.
    """
    cached = _PLANS.get(id(bindings))
    if cached is not None and cached[0] is bindings:
        return cached[1]
    plan: _Plan | None = None
    if bindings and all(w in (1, -1) for b in bindings for w, _ in b.terms):
        used = sorted({b.total.index for b in bindings} | {r.index for b in bindings for _, r in b.terms})
        plan = _Plan(used=_getter(used), steps=tuple(
            (b.total.index, _getter([r.index for w, r in b.terms if w == 1]),
             _getter([r.index for w, r in b.terms if w == -1]))
            for b in bindings
        ), failing=_failing_code(bindings), touching=_touching(bindings))
    _PLANS[id(bindings)] = (bindings, plan)
    return plan


def failing(bindings: tuple[Binding, ...], values: Sequence[Any]) -> list[int] | None:
    """Indices of the bindings that fail, when every operand is a plain int ≥ 0; else None.

    This is the fast path for the common case (a complete report of counts): a few
    C-level sums per binding, no objects built. Callers fall back to :func:`evaluate`
    when it returns None, and use :func:`evaluate` to describe the failures.
    """
    plan = _plan(bindings)
    if plan is None:
        return None
    operands = plan.used(values)
    if set(map(type, operands)) != {int} or min(operands) < 0:  # every operand a plain int ≥ 0
        return None
    return plan.failing(values)


def _touching(bindings: tuple[Binding, ...]) -> dict[int, tuple[int, ...]]:
    """For each cell index, the bindings that read it (by their number)."""
    out: dict[int, list[int]] = {}
    for number, b in enumerate(bindings):
        for ref in (b.total, *(r for _, r in b.terms)):
            touched = out.setdefault(ref.index, [])
            if not touched or touched[-1] != number:
                touched.append(number)
    return {index: tuple(numbers) for index, numbers in out.items()}


def to_evaluate(bindings: tuple[Binding, ...], values: Sequence[Any]) -> list[int] | None:
    """The bindings :func:`evaluate` must look at, in order: those reading a cell that
    is not a plain int ≥ 0, and those that fail; every other binding holds.

    :func:`failing` when every operand is a plain int ≥ 0; None when the fast plan does
    not apply (a weight other than ±1). A blank or bad cell thus costs the bindings it
    touches, not every binding of the report.
    """
    plan = _plan(bindings)
    if plan is None:
        return None
    touching = plan.touching
    bad = [i for i in touching if type(values[i]) is not int or values[i] < 0]
    if not bad:
        return plan.failing(values)
    touched = {number for i in bad for number in touching[i]}
    plain = list(values)
    for i in bad:
        plain[i] = 0  # stands in for the bad cell in bindings that do not read it
    return sorted(touched.union(plan.failing(plain)))


def _failing_reference(bindings: tuple[Binding, ...], values: Sequence[Any]) -> list[int] | None:
    """:func:`failing` with the sums taken one binding at a time (what the generated code is tested against)."""
    plan = _plan(bindings)
    if plan is None:
        return None
    operands = plan.used(values)
    if not all(type(v) is int for v in operands) or min(operands) < 0:
        return None
    return [i for i, (total, pos, neg) in enumerate(plan.steps) if values[total] != sum(pos(values)) - sum(neg(values))]


def evaluate(bindings: Iterable[Binding], values: Sequence[Any], *, blanks_as_zero: bool = False) -> list[Outcome]:
    """Evaluate bindings against the flattened cell values of an instance.

    ``values[i]`` is the value of cell ``i`` (``None`` for blank, :data:`MISSING` for
    absent). Arithmetic is exact: counts are ints, amounts Decimals.
    """
    out: list[Outcome] = []
    for b in bindings:
        total_value = values[b.total.index]
        refs = (b.total,) + tuple(r for _, r in b.terms)
        raw = [total_value] + [values[r.index] for _, r in b.terms]
        # Fast path: every operand is an int ≥ 0 (the usual case for counts).
        if all(type(v) is int for v in raw) and min(raw) >= 0:
            expected = sum(w * values[r.index] for w, r in b.terms)
            status = "pass" if expected == total_value else "fail"
            out.append(Outcome(binding=b, status=status, expected=expected, actual=total_value, values=tuple(raw)))
            continue
        blanks = tuple(r for r, v in zip(refs, raw) if v is None)
        missing = tuple(r for r, v in zip(refs, raw)
                        if v is not None and not (type(v) is int and v >= 0) and not usable(v, r.cell_type))
        if missing and len(missing) == len(refs):
            continue  # nothing of this binding exists: the schema stage reports the absence
        if missing or (blanks and not blanks_as_zero):
            out.append(Outcome(binding=b, status="not_assessable", blanks=blanks, missing=missing, values=tuple(raw)))
            continue
        nums = [0 if v is None else _exact(v, r.cell_type) for r, v in zip(refs, raw)]
        expected = sum(w * v for (w, _), v in zip(b.terms, nums[1:]))
        status = "pass" if expected == nums[0] else "fail"
        out.append(Outcome(binding=b, status=status, expected=expected, actual=nums[0],
                           blanks=(), zeroed=blanks, values=tuple(raw)))
    return out


@define(frozen=True, slots=True)
class Local:
    """The declared relations among a few cells, for a reader choosing between readings.

    ``pointers`` are the cells (in the order the reader holds their values); ``checks``
    are the bindings whose every cell is among them, as ``(total, ((weight, term), …))``
    over indices into ``pointers``; ``groups`` is set when the cells fall into
    consecutive runs each of whose last cell is the plain sum of the others (a table-3
    row: ``(7,)``; table 4: ``(5, 5, 5)``), which lets a digit splitter search by sums.
    """

    pointers: tuple[str, ...]
    checks: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]
    groups: tuple[int, ...] | None

    def holds(self, values: Sequence[Any]) -> bool:
        """False when some relation fails on ``values``; one with a blank (None) is not counted."""
        for total, terms in self.checks:
            t = values[total]
            if t is None:
                continue
            parts = [values[i] for _, i in terms]
            if None in parts:
                continue
            if sum(w * v for (w, _), v in zip(terms, parts)) != t:
                return False
        return True


def _row_of(ptr: str) -> str:
    return ptr.rsplit("/", 1)[0]


@functools.lru_cache(maxsize=256)
def local(edition: str, shape: tables.Shape, pointers: tuple[str, ...], *, across_rows: bool = False) -> Local:
    """The relations of ``edition`` (for ``shape``) among ``pointers`` only.

    With ``across_rows`` only the relations tying cells of different rows are kept (a
    table's column relations, once each row has been checked on its own).
    Raises ValueError for a pointer that is not a cell of the edition.
    """
    cells = {c.pointer for c in tables.cells(edition, shape)}
    unknown = [p for p in pointers if p not in cells]
    if unknown:
        raise ValueError(f"{unknown[0]} is not a cell of the {edition} schema ({shape} shape)")
    where = {p: i for i, p in enumerate(pointers)}
    checks: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    for b in compile_relations(edition, shape):
        refs = [b.total.pointer] + [r.pointer for _, r in b.terms]
        if not all(p in where for p in refs):
            continue
        if across_rows and len({_row_of(p) for p in refs}) == 1:
            continue
        checks.append((where[b.total.pointer], tuple((w, where[r.pointer]) for w, r in b.terms)))
    return Local(pointers=pointers, checks=tuple(checks), groups=_sum_groups(len(pointers), checks))


def _sum_groups(n: int, checks: Sequence[tuple[int, tuple[tuple[int, int], ...]]]) -> tuple[int, ...] | None:
    """Consecutive runs covering 0…n−1, each closed by a plain sum of the cells before it."""
    sums = {total: sorted(i for _, i in terms) for total, terms in checks if all(w == 1 for w, _ in terms)}
    groups: list[int] = []
    start = 0
    while start < n:
        end = next((t for t, terms in sums.items() if terms == list(range(start, t))), None)
        if end is None or end <= start:
            return None
        groups.append(end - start + 1)
        start = end + 1
    return tuple(groups) if groups else None
