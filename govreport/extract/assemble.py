"""Finding tables 2–4 in the stream and reading their cells into the instance.

Tables are found by their labels, not by position. For each table:

* table 2 — each row label is followed by its cells (as many as the edition's columns);
  the edition is told by the column headers and the rows present;
* table 3 — cells are grouped into candidate rows (a grid row, a line of cells, or the
  cells after a label), and the groups are aligned with the official row sequence by
  dynamic programming: a label next to a group is strong evidence, a label before it
  weaker evidence, and order does the rest. This reads layouts where labels are
  displaced or missing (PDF text, converted Markdown) as well as clean grids. Both
  （六） shapes are tried and the better alignment wins;
* table 4 — the fifteen cells after the last header label.

Cells run together without separators are split with :mod:`govreport.extract.cells`
under the table's own relations; when more than one split survives, the cells are left
blank and a finding lists the candidates.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from attrs import define, field

from govreport.contract import relations, tables
from govreport.extract import cells as cellmod
from govreport.extract.cells import Budget, BudgetSpent, Parsed, SplitLimit
from govreport.extract.normalize import normalize
from govreport.extract.stream import Cell, Event, Stream
from govreport.location import Location, Provenance
from govreport.messages import Text
from govreport.pointer import pointer, split_pointer
from govreport.reading import Observation
from govreport.sources.limits import MAX_DIGIT_SPLITS

__all__ = ["Builder", "Regions", "find_regions"]

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org")
COLUMNS = APPLICANTS + ("total",)
REVIEW = ("upheld", "corrected", "other", "pending", "total")
GROUPS4 = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")

T2_COLUMNS = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",), "penalties": ("decisions",), "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "regulations": ("made", "published", "published_total"),
        "normative_documents": ("made", "published", "published_total"),
        "licensing": ("previous_items", "change", "decisions"),
        "other_services": ("previous_items", "change", "decisions"),
        "penalties": ("previous_items", "change", "decisions"),
        "coercion": ("previous_items", "change", "decisions"),
        "fees": ("previous_items", "change"),
        "procurement": ("items", "amount"),
    },
}


@define(slots=True)
class Regions:
    """Stream spans of the three tables (``None`` when a table was not found)."""

    active_disclosure: tuple[int, int] | None = None
    requests: tuple[int, int] | None = None
    reviews: tuple[int, int] | None = None

    def spans(self) -> list[tuple[int, int]]:
        return [s for s in (self.active_disclosure, self.requests, self.reviews) if s is not None]


def _first(events: Sequence[Event], test: Callable[[Event], bool], after: int = 0) -> Event | None:
    for e in events:
        if e.start >= after and test(e):
            return e
    return None


def find_regions(stream: Stream, section_starts: dict[str, int]) -> Regions:
    """Locate tables 2, 3 and 4 by their anchor labels."""
    labels = stream.labels()

    def is_t2_anchor(e: Event) -> bool:
        assert e.label is not None
        return e.label.key.startswith("header:active_disclosure") and ("第二十条" in e.text or "信息内容" in e.text)

    def is_t3_anchor(e: Event) -> bool:
        assert e.label is not None
        return (e.label.key == "header:requests:any" and ("勾稽" in e.text or "申请人情况" in e.text)) \
            or e.label.key == "/requests/received"

    def is_t4_anchor(e: Event) -> bool:
        assert e.label is not None
        return e.label.key == "header:reviews:any" and e.text.replace(" ", "").replace("\n", "") in (
            "行政复议", "结果维持", "未经复议直接起诉", "复议后起诉", "行政诉讼")

    regions = Regions()
    t2 = _first(labels, is_t2_anchor)
    t3 = _first(labels, is_t3_anchor, after=t2.start if t2 else 0)
    if t3 is None and t2 is not None:
        t3 = _first(labels, is_t3_anchor)
    cf = None
    if t3 is not None:
        cf = _first(labels, lambda e: e.label is not None and e.label.key == "/requests/carried_forward", after=t3.start)
    t4_after = cf.end if cf else (t3.end if t3 else (t2.end if t2 else 0))
    t4 = _first(labels, is_t4_anchor, after=t4_after)
    end = len(stream.text) + 1  # past the end: an empty last cell sits at len(text)
    ends = sorted(v for k, v in section_starts.items() if k in ("problems", "other_matters"))
    if t2 is not None:
        stop = t3.start if t3 and t3.start > t2.start else (t4.start if t4 and t4.start > t2.start else None)
        if stop is None:
            stop = next((s for s in ends if s > t2.start), end)
        regions.active_disclosure = (t2.start, stop)
    if t3 is not None:
        stop = t4.start if t4 else next((s for s in ends if s > t3.start), end)
        regions.requests = (t3.start, stop)
    if t4 is not None:
        stop = next((s for s in ends if s > t4.start), end)
        regions.reviews = (t4.start, stop)
    return regions


@define(slots=True)
class Group:
    """A run of cells that may be one table row, with the labels seen around it."""

    cells: list[Cell] = field(factory=list)
    strong: list[Event] = field(factory=list)  # labels on the same line, before the cells
    medium: list[Event] = field(factory=list)  # labels since the previous group
    after: list[Event] = field(factory=list)  # labels right after, before the next group
    lines: list[int] = field(factory=list)

    _evidence: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], bool] | None = None

    def leaf_keys(self, events: list[Event]) -> frozenset[str]:
        return frozenset(e.label.key for e in events if e.label is not None and e.label.kind == "row")

    def evidence(self) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], bool]:
        """(strong, medium, after) leaf labels, group labels seen, and whether too short."""
        if self._evidence is None:
            groups = frozenset(e.label.key for e in self.strong + self.medium
                               if e.label is not None and e.label.kind == "group")
            short = len(self.cells) < 7 and not _splittable(self.cells, 7)
            self._evidence = (self.leaf_keys(self.strong), self.leaf_keys(self.medium),
                              self.leaf_keys(self.after), groups, short)
        return self._evidence


class Builder:
    """Accumulates the instance, its source map and what reading observed."""

    def __init__(self, stream: Stream, digit_splits: int = MAX_DIGIT_SPLITS) -> None:
        self.stream = stream
        #: Search steps for splitting run-together digits, for the whole document.
        self.budget = Budget(digit_splits)
        self.instance: dict[str, Any] = {}
        self.sources: dict[str, Provenance] = {}
        self.observations: list[Observation] = []
        self.edition = "2021"

    # -- observations ------------------------------------------------------------

    def observe(self, rule: str, ptr: str, args: dict[str, Any], *, template: str = "",
                location: Location | None = None, expected: Any = None, actual: Any = None,
                label: str | None = None) -> None:
        """Record what reading noticed at ``ptr``; validation renders it as a finding."""
        self.observations.append(Observation(
            rule=rule, pointer=ptr, args=dict(args), template=template, label=label,
            expected=expected, actual=actual, location=location,
        ))

    # -- instance ----------------------------------------------------------------

    def put(self, ptr: str, value: Any, cell: Cell | None = None, raw: str | None = None,
            undetermined: bool = False) -> None:
        path = split_pointer(ptr)
        node = self.instance
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        if cell is not None:
            self.sources[ptr] = Provenance(location=cell.location, raw=cell.raw if raw is None else raw,
                                           undetermined=undetermined)

    def put_cells(self, ptr: str, columns: Sequence[str], fitted: Fitted, edition: str) -> None:
        """Write a row's fitted cells (values, blanks, undetermined parts) into the instance."""
        for column, (cell, parsed, printed) in zip(columns, fitted):
            cptr = f"{ptr}/{column}"
            node = tables.node(edition, cptr)
            cell_type = node.cell_type if node is not None and node.cell_type else "count"
            unit = node.unit if node is not None else None
            if printed is not None:  # undetermined: printed digits, but not which are this cell's
                self.put(cptr, None, cell, raw=printed, undetermined=True)
                unit_written = re.search(r"(万元|元)$", printed)
                if column == "amount" and ptr.endswith("/procurement") and unit_written:
                    self.put(f"{ptr}/unit", unit_written.group(1))  # the unit is printed either way
                continue
            if cell.unreadable:  # "O" typed for 0, "十二": never guessed
                self.observe("CELL-TYPE", cptr, {"raw": cell.raw}, template="CELL-TYPE:raw",
                             location=cell.location, actual=cell.raw)
            value = self.cell_value(cptr, cell, parsed, cell_type, unit)
            if cell.suffix and value is not None:
                self.observe("READ-SUFFIX", cptr, {"raw": cell.raw, "value": value},
                             location=cell.location, actual=cell.raw, expected=value)
            if column == "amount" and ptr.endswith("/procurement") and parsed is not None and parsed.unit:
                self.put(f"{ptr}/unit", parsed.unit)
            self.put(cptr, value, cell)

    def put_row_source(self, ptr: str, event: Event | None) -> None:
        """Where a row's label was read, and the label as printed."""
        if event is not None and ptr not in self.sources:
            self.sources[ptr] = Provenance(location=self.stream.location(event.start),
                                           raw=self.stream.raw_text(event.start, event.end))

    def cell_value(self, ptr: str, cell: Cell, parsed: Parsed | None, cell_type: str, unit: str | None) -> Any:
        """The instance value of a parsed cell in a column of ``cell_type`` and ``unit``."""
        if parsed is None or parsed.value is None:
            return None
        value = parsed.value
        if parsed.unit and unit and parsed.unit != unit:
            converted = _convert(value, parsed.unit, unit)
            self.observe("CELL-UNIT", ptr, {"raw": cell.raw, "unit": unit, "value": converted},
                         location=cell.location, actual=cell.raw, expected=converted)
            return converted
        if cell_type in ("count", "signed_count") and isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        return value

    def variant(self, ptr: str, event: Event | None) -> None:
        """An info finding when the label printed differs from the official one."""
        if event is None or event.piece is None or event.label is None:
            return
        node = tables.node(self.edition, ptr)
        if node is None:
            return
        # Only a label that fills its cell (or its line) says how the report words it;
        # inside run-together or broken text the match is just the key phrase.
        if len(event.piece.raw) > 3 * len(event.text) + 40:
            return
        whole = _clean_label(event.piece.raw)
        if event.piece.kind == "plain" and whole != _clean_label(event.text):
            return
        self.label_variant(ptr, node.title, whole, event)

    def label_variant(self, ptr: str, official: str, seen: str, event: Event) -> None:
        if not seen or len(seen) > 80 or _same_label(seen, _clean_label(official)):
            return
        self.observe("LABEL-VARIANT", ptr, {"official": official, "seen": seen},
                     location=self.stream.location(event.start), actual=seen, expected=official)


def _convert(value: int | Decimal, frm: str, to: str) -> Decimal | int:
    factor = {"元": Decimal(1), "万元": Decimal(10000)}
    out = Decimal(value) * factor[frm] / factor[to]
    return int(out) if out == out.to_integral_value() and to == "元" else out.normalize() if out != 0 else Decimal(0)


_ENUM_PREFIX = re.compile(r"^[(（]?[0-9一二三四五六七八九十]+[)）]?[、.．,，]?")


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


def _same_label(seen: str, official: str) -> bool:
    a = _ENUM_PREFIX.sub("", seen.replace("“", "").replace("”", "").replace('"', ""))
    b = _ENUM_PREFIX.sub("", official.replace("“", "").replace("”", "").replace('"', ""))
    a = a.replace("、", "").replace(",", "")
    b = normalize(b).replace("、", "").replace(",", "")
    return a == b


# -- table 2 ---------------------------------------------------------------------------


def read_table2(b: Builder, events: list[Event], year: int | None) -> str | None:
    """Read table 2; returns its edition (or None when no row was found)."""
    votes = {"2019": 0, "2021": 0}
    rows: list[tuple[str, Event, list[Cell]]] = []
    current: tuple[str, Event, list[Cell]] | None = None
    seen_rows: set[str] = set()
    for e in events:
        if e.label is not None:
            if e.label.key.startswith("header:active_disclosure:"):
                edition = e.label.key.rsplit(":", 1)[1]
                if edition in votes:
                    votes[edition] += 1
            if current is not None:
                rows.append(current)
                current = None
            if e.label.kind == "row" and e.label.key.startswith("/active_disclosure/"):
                key = e.label.key.rsplit("/", 1)[1]
                if key not in seen_rows:
                    seen_rows.add(key)
                    current = (key, e, [])
            continue
        if current is not None and e.cell is not None:
            current[2].append(e.cell)
    if current is not None:
        rows.append(current)
    if not rows:
        return None
    keys = {k for k, _, _ in rows}
    if keys & {"other_services", "procurement"}:
        votes["2019"] += 3
    for key, _, cells in rows:
        if key in ("licensing", "penalties", "coercion"):
            values = [c for c in cells if not c.blank]
            if len(values) >= 3 or any(c.text.startswith(("+", "-")) for c in values):
                votes["2019"] += 1
    if votes["2019"] > votes["2021"]:
        edition = "2019"
    elif votes["2021"] > votes["2019"]:
        edition = "2021"
    else:
        edition = "2019" if year is not None and year <= 2020 else "2021"
    b.edition = edition
    layout = T2_COLUMNS[edition]
    if edition == "2021":
        for e in events:
            if e.label is not None and e.label.key == "header:active_disclosure:2021" and e.piece is not None:
                seen = _clean_label(e.piece.raw) if e.piece.kind != "plain" else ""
                official = next((t for k, t in _T2_HEADERS.items() if k in e.text), None)
                if official and seen and _clean_label(e.text) == seen:
                    b.label_variant("/active_disclosure", official, seen, e)
    for key, label_event, cells in rows:
        if key not in layout:
            b.observe("FMT-SHAPE", f"/active_disclosure/{key}", {"detail": label_event.text}, template="FMT-SHAPE:row",
                      location=b.stream.location(label_event.start), label=f"表二 › {label_event.text}")
            continue
        ptr = f"/active_disclosure/{key}"
        columns = layout[key]
        b.variant(ptr, label_event)
        b.put_row_source(ptr, label_event)
        chosen = _fit(b, ptr, cells, len(columns), constraint=_signs_fit(edition, ptr, columns), align="left")
        if chosen is not None:
            b.put_cells(ptr, columns, chosen, edition)
    for key in layout:
        if key not in keys:
            b.observe("READ-MISSING", f"/active_disclosure/{key}", {})
    return edition


_T2_HEADERS = {
    "制发": "本年制发件数", "废止": "本年废止件数", "现行有效": "现行有效件数",
    "处理决定": "本年处理决定数量", "收费金额": "本年收费金额（单位：万元）",
}


def _signs_fit(edition: str, ptr: str, columns: Sequence[str]) -> Callable[[list[Parsed]], bool]:
    """Only a signed column (2019 本年增/减) may hold a signed or negative part."""
    signed = [(tables.node(edition, f"{ptr}/{c}") or tables.Node(pointer="", path=(), title="", description="",
               kind="cell", cell_type="count")).cell_type == "signed_count" for c in columns]

    def ok(parts: list[Parsed]) -> bool:
        return all(s or p.value is None or (not p.signed and p.value >= 0) for s, p in zip(signed, parts))

    return ok


# -- fitting cells to a row --------------------------------------------------------------

#: A row's cells: (cell, parsed value or None for a blank, printed digits when undetermined).
Fitted = list[tuple[Cell, Parsed | None, str | None]]


def _plain(cells: list[Cell]) -> Fitted:
    return [(c, None if c.blank else cellmod.parse_token(c.text), None) for c in cells]


def _splittable(cells: list[Cell], count: int) -> bool:
    """Fewer printed tokens than columns, numbers (and blanks): maybe cells run together."""
    numbers = [c for c in cells if not c.blank]
    if not numbers or len(cells) >= count:
        return False
    if not all(cellmod.parse_token(c.text) for c in numbers):
        return False
    return sum(len(re.sub(r"\D", "", c.text)) for c in numbers) + len(cells) - len(numbers) >= count


def _atomic(cells: list[Cell]) -> list[bool]:
    """Tokens that filled a grid or pipe cell on their own are one cell each."""
    per_piece: dict[int, int] = {}
    for c in cells:
        per_piece[id(c.piece)] = per_piece.get(id(c.piece), 0) + 1
    return [c.piece.kind in ("grid", "pipe") and per_piece[id(c.piece)] == 1 for c in cells]


def _fit(
    b: Builder, ptr: str, cells: list[Cell], count: int,
    constraint: Callable[[list[Parsed]], bool] | None,
    pending: list[Pending] | None = None, groups: Sequence[int] | None = None, align: str = "right",
) -> Fitted | None:
    """Cells for a row of ``count`` columns, splitting run-together digits if needed.

    Returns None (after a finding) when the cells cannot be fitted without guessing,
    or when the row was deferred to ``pending`` for a table-wide decision.
    """
    cells = _trim(cells, count, align)
    if len(cells) == count:
        return _plain(cells)
    if _splittable(cells, count):
        return _split(b, ptr, cells, count, constraint, pending, groups)
    found = ", ".join(c.raw or "空" for c in cells) or "—"
    b.observe("READ-CELLS", ptr, {"expected": count, "found": len(cells), "cells": found},
              location=cells[0].location if cells else None, expected=count, actual=len(cells))
    return None


def _trim(cells: list[Cell], count: int, align: str = "right") -> list[Cell]:
    """Drop blank cells beyond ``count`` that belong to the label area or to spans.

    Table 3 and 4 values sit at the right of their row (blank cells before them are
    empty label cells), table 2 values at the left (blank cells after them are what
    is left of a merged value cell).
    """
    out = list(cells)
    ends = (0, -1) if align == "right" else (-1, 0)
    for end in ends:
        while len(out) > count and out and out[end].blank:
            out.pop(end)
    if len(out) > count and out and out[0].piece.kind in ("grid", "pipe"):
        # A grid row: the values are its last cells (leading ones belong to the label area).
        lead = out[: len(out) - count]
        if all(c.blank for c in lead):
            out = out[len(out) - count:]
    return out


@define(slots=True)
class Pending:
    """A row whose run-together digits have several possible splits."""

    ptr: str
    cells: list[Cell]
    candidates: list[list[Parsed]]


def _printed(cells: list[Cell]) -> str:
    return " ".join(c.raw.strip() for c in cells)


def _split(
    b: Builder, ptr: str, cells: list[Cell], count: int, constraint: Callable[[list[Parsed]], bool] | None,
    pending: list[Pending] | None = None, groups: Sequence[int] | None = None,
) -> Fitted | None:
    """Split run-together tokens into ``count`` cells.

    With ``groups`` (cells adding up to a total, as in tables 3 and 4) the search uses
    the sums to stay small; if no split adds up (the report's own arithmetic is wrong),
    every split is considered and only a unique one is taken.
    """
    tokens = [c.text for c in cells]
    printed = _printed(cells)
    atomic = _atomic(cells)
    try:
        candidates = cellmod.sum_splits(tokens, groups, atomic=atomic, shared=b.budget) if groups else []
        if not candidates:
            everything = cellmod.splits(tokens, count, atomic=atomic, limit=10_000, shared=b.budget)
            candidates = [c for c in everything if constraint(c)] if constraint is not None else everything
            candidates = candidates or everything
    except BudgetSpent:
        b.observe("READ-AMBIGUOUS", ptr, {"printed": printed, "limit": b.budget.limit,
                                          "variable": "GOVREPORT_MAX_DIGIT_SPLITS"},
                  template="READ-AMBIGUOUS:budget", location=cells[0].location, actual=printed)
        return _undetermined(cells, count, [])
    except SplitLimit:
        b.observe("READ-AMBIGUOUS", ptr, {"printed": printed, "count": Text("很多", "very many"), "candidates": "…"},
                  location=cells[0].location, actual=printed)
        return _undetermined(cells, count, [])
    if not candidates:
        b.observe("READ-CELLS", ptr, {"expected": count, "found": len(cells), "cells": printed},
                  location=cells[0].location, expected=count, actual=len(cells))
        return None
    if len(candidates) == 1:
        return _resolved(b, ptr, cells, candidates[0])
    if pending is not None:
        pending.append(Pending(ptr=ptr, cells=cells, candidates=candidates))
        return None
    return _ambiguous(b, ptr, cells, candidates)


def _resolved(b: Builder, ptr: str, cells: list[Cell], split: list[Parsed]) -> Fitted:
    """A unique split. Say so when arithmetic decided it (not when the digits alone do,
    as in ``0000000``, which can only be seven zeros: one digit per cell)."""
    if len(cells) < len(split):
        digits = sum(len(re.sub(r"\D", "", c.text)) or 1 for c in cells)
        if digits != len(split):
            b.observe("READ-SPLIT", ptr, {"printed": _printed(cells), "split": ", ".join(_show(p) for p in split)},
                      location=cells[0].location)
    return [(_cell_for(cells, i, len(split), p), p, None) for i, p in enumerate(split)]


def _ambiguous(b: Builder, ptr: str, cells: list[Cell], candidates: list[list[Parsed]]) -> Fitted:
    """Several splits remain: keep the cells all of them agree on, leave the rest null."""
    printed = _printed(cells)
    shown = "；".join("(" + ", ".join(_show(p) for p in c) + ")" for c in candidates[:12])
    b.observe("READ-AMBIGUOUS", ptr, {
        "printed": printed, "count": len(candidates), "candidates": shown + ("…" if len(candidates) > 12 else ""),
    }, location=cells[0].location, actual=printed)
    return _undetermined(cells, len(candidates[0]), candidates)


def _undetermined(cells: list[Cell], count: int, candidates: list[list[Parsed]]) -> Fitted:
    printed = _printed(cells)
    out: Fitted = []
    for i in range(count):
        options = {(_show(c[i]), c[i].signed) for c in candidates}
        cell = _cell_for(cells, i, count, candidates[0][i] if candidates else None)
        if candidates and len(options) == 1:
            out.append((cell, candidates[0][i], None))
        else:
            out.append((cell, None, printed))
    return out


def _show(p: Parsed) -> str:
    return "空" if p.value is None else f"{p.value}{p.unit or ''}"


def _cell_for(cells: list[Cell], index: int, total: int, part: Parsed | None = None) -> Cell:
    """The printed token a split cell came from (for its location and raw text)."""
    if part is not None and 0 <= part.token < len(cells):
        return cells[part.token]
    if len(cells) == total:
        return cells[index]
    return cells[min(index * len(cells) // total, len(cells) - 1)]


# -- table 3 ---------------------------------------------------------------------------


def _counts(parts: list[Parsed]) -> bool:
    """Every part is blank or a plain count (table 3 and 4 cells are counts ≥ 0)."""
    return all(p.value is None or (isinstance(p.value, int) and p.value >= 0) for p in parts)


def _holds(check: relations.Local) -> Callable[[list[Parsed]], bool]:
    """A split is kept when its parts are counts and no declared relation among them fails."""
    def ok(parts: list[Parsed]) -> bool:
        return _counts(parts) and check.holds([p.value for p in parts])

    return ok


def _row_check(shape: tables.Shape, row: str) -> relations.Local:
    return relations.local("2021", shape, tuple(f"{row}/{c}" for c in COLUMNS))


def _groups(events: list[Event], width: int) -> list[Group]:
    """Candidate rows: cells grouped by line structure and by the labels between them."""
    per_line: dict[int, int] = {}
    for e in events:
        # Blank cells inferred from a run of empty lines are not a row of their own.
        if e.cell is not None and e.cell.piece.kind != "gap":
            per_line[e.line] = per_line.get(e.line, 0) + 1
    groups: list[Group] = []
    pending: list[Event] = []
    current: Group | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.cells:
            groups.append(current)
        current = None

    for e in events:
        if e.label is not None:
            if e.label.kind == "header":
                close()
                continue
            if current is not None and current.cells:
                close()
            if groups and not current and groups[-1].lines and e.line == groups[-1].lines[-1] and per_line.get(e.line, 0) >= 2:
                groups[-1].after.append(e)
            pending.append(e)
            continue
        assert e.cell is not None
        row_like = per_line.get(e.line, 0) >= 2
        if current is not None and current.cells:
            last_line = current.lines[-1]
            if e.line != last_line and (row_like or per_line.get(last_line, 0) >= 2):
                close()
        if current is None:
            current = Group()
            current.strong = [p for p in pending if p.line == e.line]
            current.medium = [p for p in pending if p.line != e.line]
            if groups and not groups[-1].after:
                groups[-1].after = [p for p in pending if p.line != e.line]
            pending = []
        current.cells.append(e.cell)
        if not current.lines or current.lines[-1] != e.line:
            current.lines.append(e.line)
    close()
    # A long run of cells without labels in between may hold several rows.
    out: list[Group] = []
    for g in groups:
        cells = g.cells
        if len(cells) >= 2 * width:
            trimmed = list(cells)
            while len(trimmed) % width and trimmed and trimmed[-1].blank:
                trimmed.pop()
            if len(trimmed) % width == 0:
                for i in range(0, len(trimmed), width):
                    out.append(Group(cells=trimmed[i:i + width], strong=g.strong if i == 0 else [],
                                     medium=g.medium if i == 0 else [], lines=g.lines))
                continue
        out.append(g)
    return out


def _row_sequence(shape: tables.Shape) -> list[str]:
    return [n.pointer for n in tables.rows("2021", shape, "requests")]


@functools.cache
def _parents(ptr: str) -> frozenset[str]:
    path = split_pointer(ptr)
    return frozenset(pointer(path[:i]) for i in range(1, len(path)))


def _scores(group: Group, rows: list[str]) -> list[float]:
    """The evidence score of ``group`` being each of ``rows``."""
    strong, medium, after, groups_seen, short = group.evidence()
    if short:
        return [-30.0] * len(rows)  # too few cells to be a row, even run together: a stray number
    base = 10.0
    if len(group.cells) > 7 and len(_trim(group.cells, 7)) != 7:
        base -= 4
    out = []
    for row in rows:
        score = base
        if row in strong:
            score += 20
        elif strong:
            score -= 15
        if row in medium:
            score += 8
        elif row in after and not strong and not medium:
            score += 3
        if groups_seen & _parents(row):
            score += 1
        if row in groups_seen:  # （六）其他处理 printed as one row
            score += 6
        out.append(score)
    return out


def _align(groups: list[Group], rows: list[str]) -> tuple[float, list[tuple[int, int]]]:
    """Monotone alignment of groups to rows maximising the evidence score."""
    skip_row, drop_group = -6.0, -9.0
    n, m = len(groups), len(rows)
    scores = [_scores(g, rows) for g in groups]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        best[0][j], move[0][j] = best[0][j - 1] + skip_row, 2
    for i in range(1, n + 1):
        above, here, row_scores, moves = best[i - 1], best[i], scores[i - 1], move[i]
        here[0], moves[0] = above[0] + drop_group, 3
        for j in range(1, m + 1):
            # The best of (score, move), ties to the higher move, as max() of the pairs.
            here[j], moves[j] = max((above[j - 1] + row_scores[j - 1], 1), (here[j - 1] + skip_row, 2),
                                    (above[j] + drop_group, 3))
    pairs = []
    i, j = n, m
    while i or j:
        step = move[i][j]
        if step == 1:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == 2:
            j -= 1
        else:
            i -= 1
    return best[n][m], pairs[::-1]


def _drop_extra_columns(b: Builder, events: list[Event]) -> list[Event]:
    """Drop a column the format does not have (a 法人或其他组织 小计), where it is known.

    Only a table grid says which column a header belongs to; in text the column cannot
    be told, and the rows then do not fit (READ-CELLS) rather than being misread.
    """
    first_row = next((e.start for e in events if e.label is not None and e.label.kind == "row"), None)
    extra = [e for e in events if e.label is not None and e.label.key == "header:requests:extra"
             and e.piece is not None and e.piece.kind == "grid" and (first_row is None or e.start < first_row)]
    if not extra:
        return events
    columns = {(e.piece.location.table, e.piece.location.cell) for e in extra if e.piece is not None}
    for e in extra:
        b.observe("FMT-SHAPE", "/requests", {"detail": f"“{e.text}”列"}, template="FMT-SHAPE:row",
                  location=b.stream.location(e.start))
    return [e for e in events if not (e.cell is not None and e.cell.piece.kind == "grid"
                                      and (e.cell.piece.location.table, e.cell.piece.location.cell) in columns)]


def read_table3(b: Builder, events: list[Event], year: int | None) -> tables.Shape | None:
    """Read table 3 into the instance; returns the （六） shape used (None if not found)."""
    events = _drop_extra_columns(b, events)
    groups = _groups(events, 7)
    if not groups:
        b.observe("READ-MISSING", "/requests", {})
        return None
    results = {shape: _align(groups, _row_sequence(shape)) for shape in ("split", "row")}
    split_evidence = any(
        e.label is not None and e.label.key.startswith("/requests/outcomes/other_handling/")
        for e in events
    )
    if results["split"][0] > results["row"][0] or (results["split"][0] == results["row"][0] and split_evidence):
        shape: tables.Shape = "split"
    elif results["row"][0] > results["split"][0]:
        shape = "row"
    else:
        shape = "split" if (year or 2021) >= 2021 else "row"
    rows = _row_sequence(shape)
    pairs = results[shape][1]
    assigned = {rows[j]: groups[i] for i, j in pairs}
    dropped = [groups[i] for i in range(len(groups)) if i not in {p[0] for p in pairs}]
    for g in dropped:
        if any(not c.blank for c in g.cells):
            keys = {e.label.key for e in g.strong + g.medium if e.label is not None}
            detail = "、".join(sorted(e.text for e in g.strong + g.medium if e.label is not None)) or " ".join(c.raw for c in g.cells)
            if keys & {"/requests/outcomes/withheld", "/requests/outcomes/unavailable", "/requests/outcomes/not_processed", "/requests/outcomes/other_handling"}:
                b.observe("FMT-SHAPE", "/requests/outcomes", {"detail": detail}, template="FMT-SHAPE:row",
                          location=g.cells[0].location)
    pending: list[Pending] = []
    fitted: dict[str, Fitted] = {}
    for row in rows:
        group = assigned.get(row)
        if group is None:
            b.observe("READ-MISSING", row, {})
            continue
        label_event = next((e for e in group.strong if e.label is not None and e.label.key == row), None) or \
            next((e for e in group.medium if e.label is not None and e.label.key == row), None)
        b.put_row_source(row, label_event)
        b.variant(row, label_event)
        check = _row_check(shape, row)
        result = _fit(b, row, group.cells, 7, _holds(check), pending, groups=check.groups)
        if result is not None:
            fitted[row] = result
    if pending:
        _solve_columns(b, shape, rows, fitted, pending)
    for row, items in fitted.items():
        b.put_cells(row, COLUMNS, items, "2021")
    return shape


_MAX_COMBINATIONS = 20_000


def _solve_columns(b: Builder, shape: tables.Shape, rows: list[str], fitted: dict[str, Fitted],
                   pending: list[Pending]) -> None:
    """Choose among ambiguous splits using the relations across rows (balance, outcomes)."""
    check = relations.local("2021", shape, tuple(f"{r}/{c}" for r in rows for c in COLUMNS), across_rows=True)
    base: list[Any] = []
    for r in rows:
        items = fitted.get(r)
        base.extend([None] * 7 if items is None else [None if p is None else p.value for _, p, _ in items])
    offset = {r: i * 7 for i, r in enumerate(rows)}

    def consistent(choice: dict[str, list[Parsed]]) -> bool:
        values = list(base)
        for ptr, split in choice.items():
            values[offset[ptr]:offset[ptr] + 7] = [p.value for p in split]
        return check.holds(values)

    combos = 1
    for p in pending:
        combos *= len(p.candidates)
    # Every consistent combination counts: a row is decided only when all of them agree
    # on it, and the candidates listed are exactly the splits some combination allows.
    # Too many combinations: nothing is decided and each row lists its own splits.
    options: dict[str, dict[tuple[str, ...], list[Parsed]]] = {p.ptr: {} for p in pending}
    searched = combos <= _MAX_COMBINATIONS
    if searched:
        for pick in itertools.product(*(p.candidates for p in pending)):
            choice = {p.ptr: c for p, c in zip(pending, pick)}
            if consistent(choice):
                for ptr, split in choice.items():
                    options[ptr].setdefault(tuple(_show(x) for x in split), split)
    for p in pending:
        found = options[p.ptr] if searched else {}
        if len(found) == 1:
            fitted[p.ptr] = _resolved(b, p.ptr, p.cells, next(iter(found.values())))
        else:
            fitted[p.ptr] = _ambiguous(b, p.ptr, p.cells, list(found.values()) or p.candidates)


# -- table 4 ---------------------------------------------------------------------------


def _t4_check() -> relations.Local:
    """Table 4's fifteen cells in reading order, and the declared relations among them."""
    return relations.local("2021", "split", tuple(f"/reviews/{g}/{c}" for g in GROUPS4 for c in REVIEW))


def read_table4(b: Builder, events: list[Event]) -> bool:
    """The fifteen cells of table 4, after its headers.

    Cells are taken from the first header on, so a table 4 printed as two tables
    (行政复议 with five cells, then 行政诉讼 with ten) reads too; blank cells on a header
    line are header furniture, not data.
    """
    headers = [i for i, e in enumerate(events) if e.label is not None and e.label.key.startswith("header:")]
    first = headers[0] if headers else -1
    header_lines = {events[i].line for i in headers}
    cells = [e.cell for e in events[first + 1:]
             if e.cell is not None and not (e.cell.blank and e.line in header_lines)]
    # Stop at the first line of prose numbers after the row (cells must be contiguous lines).
    if not cells:
        b.observe("READ-MISSING", "/reviews", {})
        return False
    # Blank cells before the first number are header furniture (filler of merged
    # header cells); after the row, stop at the first distant line (prose numbers).
    while len(cells) > 15 and cells[0].blank:
        cells.pop(0)
    lines: list[int] = []
    kept: list[Cell] = []
    for c in cells:
        if lines and c.piece.line - lines[-1] > 3 and len(kept) >= 15:
            break
        kept.append(c)
        lines.append(c.piece.line)
    chosen = _t4_cells(b, kept)
    if chosen is None:
        return False
    for g, group in enumerate(GROUPS4):
        b.put_cells(f"/reviews/{group}", REVIEW, chosen[g * 5:g * 5 + 5], "2021")
    return True


def _t4_cells(b: Builder, cells: list[Cell]) -> Fitted | None:
    trimmed = _trim(cells, 15)
    if len(trimmed) > 15:
        # Take the first run of fifteen (later cells are prose or notes).
        trimmed = trimmed[:15]
    if len(trimmed) == 15:
        return _plain(trimmed)
    if _splittable(trimmed, 15):
        check = _t4_check()
        return _split(b, "/reviews", trimmed, 15, _holds(check), groups=check.groups)
    b.observe("READ-CELLS", "/reviews", {"expected": 15, "found": len(trimmed),
                                         "cells": ", ".join(c.raw or "空" for c in trimmed)},
              location=trimmed[0].location if trimmed else None, expected=15, actual=len(trimmed))
    return None
