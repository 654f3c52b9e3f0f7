"""The report's own arithmetic as the check on every digit read by OCR.

Cells read from an image carry what the engine said about them
(:class:`~govreport.sources.document.OcrText`: its confidence, the runner-up characters,
whether a letter was read as a digit). After the instance is built, every such cell is
looked at with the declared relations among all the cells read
(:func:`govreport.contract.relations.local`):

* A cell is **unsure** when the engine's confidence is below :data:`LOW_CONFIDENCE`, a
  letter was read as a digit (``o`` → 0), or the engine's runner-up at some position is
  another digit. Only unsure cells are ever changed: a relation that fails on cells the
  engine read with confidence stays an error of the report, as it is on paper.
* When relations fail, the unsure cells of the failing relations are re-read from their
  alternatives -- the engine's runner-up digits and the usual confusions (6/8/9/0, 1/7,
  3/8, 5/6) -- changing one cell, or else two; when **exactly one** such choice makes
  every relation hold, it is taken and reported (READ-OCR, info: the OCR text, its
  confidence and the value used).
* An unsure cell that no holding relation confirms (none ties it, or its relation fails
  with no unique repair) keeps what was read and gets a warning at that cell
  (READ-OCR-UNSURE). A letter read as a digit that a relation confirms is reported too
  (READ-OCR, info): never a silent change.

When a report table is missing, a picture of a DOCX or HTML file that OCR could not read
is reported too (READ-OCR, info: on the network and never fetched, not found, or no
image), at the picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from govreport.contract import relations, tables
from govreport.location import Location, Provenance
from govreport.pointer import escape, split_pointer
from govreport.reading import Observation
from govreport.sources.document import Document, OcrText, Table

__all__ = ["CONFUSIONS", "LOW_CONFIDENCE", "check_digits"]

#: Below this engine confidence a cell read by OCR is unsure.
LOW_CONFIDENCE = 0.9
#: Digits the recogniser mistakes for one another in printed tables.
CONFUSIONS: dict[str, str] = {
    "0": "689", "6": "085", "8": "0693", "9": "08", "1": "7", "7": "1", "3": "8", "5": "6",
}
#: At most this many unsure cells are searched two at a time.
PAIR_LIMIT = 60


def _ocr_cells(document: Document) -> dict[Location, OcrText]:
    out: dict[Location, OcrText] = {}
    for block in document.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.ocr is not None and not cell.spanned:
                        out[cell.location] = cell.ocr
    return out


def _leaves(node: Any, ptr: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{ptr}/{escape(key)}")
    else:
        yield ptr, node


def _unsure(ocr: OcrText) -> bool:
    return ocr.confidence < LOW_CONFIDENCE or ocr.lettered or any(c.isdigit() for _, c in ocr.alternatives)


def _candidates(value: int | Decimal, ocr: OcrText) -> list[int | Decimal]:
    """Other readings of an unsure cell: one digit replaced by an alternative."""
    text = str(value)
    runners: dict[int, set[str]] = {}
    if not ocr.lettered and ocr.read.replace(" ", "") == text:
        for position, char in ocr.alternatives:
            if char.isdigit():
                runners.setdefault(position, set()).add(char)
    out: list[int | Decimal] = []
    for i, char in enumerate(text):
        if not char.isdigit():
            continue
        for other in sorted(set(CONFUSIONS.get(char, "")) | runners.get(i, set())):
            changed = text[:i] + other + text[i + 1:]
            if len(changed) > 1 and changed[0] == "0" and changed[1] != ".":
                continue  # a leading zero is no reading of a count
            number: int | Decimal = int(changed) if isinstance(value, int) else Decimal(changed)
            if number not in out and number != value:
                out.append(number)
    return out


def _members(check: tuple[int, tuple[tuple[int, int], ...]]) -> set[int]:
    return {check[0], *(j for _, j in check[1])}


def _number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def check_digits(instance: dict[str, Any], sources: dict[str, Provenance], document: Document,
                 edition: str, shape: tables.Shape) -> list[Observation]:
    """Repair misread digits by the relations, in place; what was done (and which pictures
    could not be read), as observations."""
    return [*_unread_pictures(instance, document), *_digits(instance, sources, document, edition, shape)]


def _unread_pictures(instance: dict[str, Any], document: Document) -> list[Observation]:
    """The pictures OCR could not read, when a report table is missing (else they do not matter)."""
    missing = [key for key in ("active_disclosure", "requests", "reviews") if key not in instance]
    if not missing:
        return []
    return [Observation(rule="READ-OCR", pointer=f"/{missing[0]}", template=f"READ-OCR:{picture.unread}",
                        args={"image": picture.name[:200]}, location=Location(image=picture.name[:200]))
            for picture in document.pictures if picture.name and picture.unread in ("remote", "missing", "unreadable")]


def _digits(instance: dict[str, Any], sources: dict[str, Provenance], document: Document,
            edition: str, shape: tables.Shape) -> list[Observation]:
    read = _ocr_cells(document)
    if not read:
        return []
    known = {c.pointer for c in tables.cells(edition, shape)}
    pointers: list[str] = []
    values: list[Any] = []
    unsure: dict[int, OcrText] = {}
    for key in ("active_disclosure", "requests", "reviews"):
        for ptr, value in _leaves(instance.get(key, {}), f"/{key}"):
            if ptr not in known:
                continue
            index = len(pointers)
            pointers.append(ptr)
            values.append(value)
            where = sources.get(ptr)
            ocr = read.get(where.location) if where is not None else None
            if ocr is not None and _number(value) and _unsure(ocr):
                unsure[index] = ocr
    if not unsure:
        return []
    local = relations.local(edition, shape, tuple(pointers))
    checks = local.checks

    def holds(check: tuple[int, tuple[tuple[int, int], ...]], vals: list[Any]) -> bool | None:
        total, terms = check
        parts = [vals[i] for _, i in terms]
        if vals[total] is None or None in parts or not all(_number(v) for v in [vals[total], *parts]):
            return None
        return bool(sum(w * v for (w, _), v in zip(terms, parts)) == vals[total])

    by_cell: dict[int, list[tuple[int, tuple[tuple[int, int], ...]]]] = {}
    for check in checks:
        for i in _members(check):
            by_cell.setdefault(i, []).append(check)
    # Failing relations that tie an unsure cell, in groups sharing unsure cells: each
    # group is repaired on its own (a real error elsewhere does not block it).
    failing = [c for c in checks if holds(c, values) is False and _members(c) & set(unsure)]
    groups: list[tuple[list[tuple[int, tuple[tuple[int, int], ...]]], set[int]]] = []
    for check in failing:
        cells = _members(check) & set(unsure)
        joined = [g for g in groups if g[1] & cells]
        for g in joined:
            groups.remove(g)
        groups.append(([c for g in joined for c in g[0]] + [check], set().union(cells, *(g[1] for g in joined))))
    # Groups whose unsure cells one relation ties (a row's total and a cell of it, each
    # failing its column) are solved together.
    merged = True
    while merged:
        merged = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            if any(_members(c) & groups[a][1] and _members(c) & groups[b][1]
                   for i in groups[a][1] for c in by_cell.get(i, [])):
                groups[a] = (groups[a][0] + groups[b][0], groups[a][1] | groups[b][1])
                del groups[b]
                merged = True
                break

    def solves(change: dict[int, Any], group: list[tuple[int, tuple[tuple[int, int], ...]]]) -> bool:
        touched = set(change)
        if any(not (touched & _members(c)) for c in group):
            return False
        trial = list(values)
        for i, v in change.items():
            trial[i] = v
        return all(holds(c, trial) is not False for i in touched for c in by_cell.get(i, []))

    solution: dict[int, Any] = {}
    for group, members in groups:
        variables = sorted(members)
        options = {i: _candidates(values[i], unsure[i]) for i in variables}
        found = [{i: v} for i in variables for v in options[i] if solves({i: v}, group)]
        if not found and len(variables) <= PAIR_LIMIT:
            found = [{i: a, j: b} for i, j in itertools.combinations(variables, 2)
                     for a in options[i] for b in options[j] if solves({i: a, j: b}, group)]
        if len(found) == 1:
            solution.update(found[0])

    observations: list[Observation] = []
    if solution:
        for i, value in solution.items():
            ocr = unsure[i]
            _set(instance, pointers[i], value)
            observations.append(Observation(
                rule="READ-OCR", pointer=pointers[i], location=sources[pointers[i]].location,
                args={"read": ocr.read, "confidence": f"{ocr.confidence:.2f}", "value": str(value)},
                expected=value, actual=ocr.read))
            values[i] = value
    for i, ocr in sorted(unsure.items()):
        if i in solution:
            continue
        confirmed = any(holds(c, values) is True for c in by_cell.get(i, []))
        args = {"read": ocr.read, "confidence": f"{ocr.confidence:.2f}", "value": str(values[i])}
        place = sources[pointers[i]].location
        if confirmed:
            if ocr.lettered:
                observations.append(Observation(rule="READ-OCR", pointer=pointers[i], template="READ-OCR:letter",
                                                args=args, location=place, actual=ocr.read))
            continue
        observations.append(Observation(rule="READ-OCR-UNSURE", pointer=pointers[i], args=args, location=place,
                                        actual=ocr.read))
    return observations


def _set(instance: Mapping[str, Any], ptr: str, value: Any) -> None:
    keys = split_pointer(ptr)
    node: Any = instance
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
