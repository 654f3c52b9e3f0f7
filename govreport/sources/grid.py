"""Merged cells expanded into a table grid: the one expansion HTML, DOCX and PDF share.

Each reader says where its cells are -- as :class:`Span`\\ s: an origin (whatever the
reader keeps for a cell), its top-left grid position and how many rows and columns it
covers -- and :func:`expand` lays them out:

* every grid position a span covers holds ``(origin, spanned)``; ``spanned`` is False
  only at the top-left position of a span that starts its origin (``start=True``), so
  a covered position repeats the origin with ``spanned=True``;
* where spans overlap (bad markup, odd geometry) the first span given keeps the
  position;
* rows and columns in which no origin starts are dropped: they carry nothing of their
  own (browsers give them no size), so an oversized span or an empty row does not
  blow the table up with copies; positions no span covers are ``(None, False)``, so
  ragged rows come out padded to the same width.

Hostile sizes. Span sizes are clamped to ``1..MAX_COLUMN_SPAN`` columns and
``1..MAX_ROW_SPAN`` rows (zero, negative and absurd values alike; the limits are the
ones browsers apply to ``colspan``/``rowspan``), and negative positions to 0. The work
and memory do not depend on span sizes or positions at all: the grid is built on the
rows and columns where some span starts (at most one each per span), so a
``colspan="100000"`` or a DOCX ``gridBefore`` of a billion costs no more than
``colspan="2"``. The result has at most as many rows and columns as there are spans.

Hostile counts. What a table *can* cost is the positions its spans cover on that grid
-- ``n`` cells on a diagonal, each spanning to the right edge, cover ``n²/2``, and the
grid padded to full rows is ``n²`` even for cells one position wide. Both are counted
before anything is filled in, and a table over ``max_cells`` raises
:class:`GridLimit` (the readers turn it into the ``too-many-cells`` read error), so
neither time nor memory can run away whatever the markup.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Generic, TypeVar

from attrs import define

__all__ = ["MAX_COLUMN_SPAN", "MAX_ROW_SPAN", "GridLimit", "Slot", "Span", "expand"]

#: Largest column span honoured (what browsers clamp ``colspan`` to).
MAX_COLUMN_SPAN = 1000
#: Largest row span honoured (what browsers clamp ``rowspan`` to).
MAX_ROW_SPAN = 65534

T = TypeVar("T")

#: One grid position: the origin covering it (None if none) and whether it is a copy.
Slot = tuple[T | None, bool]


@define(frozen=True, slots=True)
class Span(Generic[T]):
    """A rectangle of the grid covered by one origin (0-based position, sizes >= 1).

    ``start=False`` marks a continuation of an origin placed by an earlier span (a
    DOCX ``vMerge`` continue cell): all its positions are spanned copies.
    """

    origin: T
    row: int
    column: int
    rows: int = 1
    columns: int = 1
    start: bool = True


class GridLimit(Exception):
    """The spans of one table cover more than ``limit`` grid positions."""

    def __init__(self, cells: int, limit: int) -> None:
        super().__init__(cells, limit)
        self.cells = cells
        self.limit = limit


def _clamp(value: int, high: int) -> int:
    return min(max(1, value), high)


def expand(
    spans: Iterable[Span[T]], *, rows: int | None = None, columns: int | None = None, max_cells: int | None = None
) -> list[list[Slot[T]]]:
    """The grid covered by ``spans``: rows of ``(origin, spanned)``, all the same width.

    ``rows``/``columns`` (optional) bound the grid: spans are cut at them and spans
    starting beyond them are left out (an HTML ``rowspan`` never adds rows after the
    last ``<tr>``). See the module docstring for overlaps, dropped rows and columns
    and clamping. Raises :class:`GridLimit` when the spans cover more than
    ``max_cells`` positions (no limit if None).
    """
    boxes: list[tuple[T, int, int, int, int, bool]] = []  # origin, r0, r1, c0, c1 (end-exclusive), start
    for span in spans:
        r0, c0 = max(0, span.row), max(0, span.column)
        r1 = r0 + _clamp(span.rows, MAX_ROW_SPAN)
        c1 = c0 + _clamp(span.columns, MAX_COLUMN_SPAN)
        if rows is not None:
            r1 = min(r1, rows)
        if columns is not None:
            c1 = min(c1, columns)
        if r0 < r1 and c0 < c1:
            boxes.append((span.origin, r0, r1, c0, c1, span.start))

    # Only rows and columns where a span starts can survive; build the grid on those.
    start_rows = sorted({r0 for _, r0, _, _, _, start in boxes if start})
    start_columns = sorted({c0 for _, _, _, c0, _, start in boxes if start})
    ranges = [
        (origin, bisect_left(start_rows, r0), bisect_left(start_rows, r1), bisect_left(start_columns, c0),
         bisect_left(start_columns, c1), r0, c0, start)
        for origin, r0, r1, c0, c1, start in boxes
    ]
    if max_cells is not None:
        # The grid itself (padded rows) and what the spans cover both have to fit.
        if len(start_rows) * len(start_columns) > max_cells:
            raise GridLimit(len(start_rows) * len(start_columns), max_cells)
        covered = 0
        for _, i0, i1, j0, j1, _, _, _ in ranges:
            covered += (i1 - i0) * (j1 - j0)
            if covered > max_cells:
                raise GridLimit(covered, max_cells)
    grid: list[list[tuple[T, bool] | None]] = [[None] * len(start_columns) for _ in start_rows]
    for origin, i0, i1, j0, j1, r0, c0, start in ranges:
        for i in range(i0, i1):
            row = grid[i]
            top = start_rows[i] == r0
            for j in range(j0, j1):
                if row[j] is None:  # the first span keeps a position
                    row[j] = (origin, not (start and top and start_columns[j] == c0))

    # A row or column survives if an origin actually starts there (an overlapped
    # start position belongs to the earlier span).
    def starts_here(slot: tuple[T, bool] | None) -> bool:
        return slot is not None and not slot[1]

    kept_columns = [j for j in range(len(start_columns)) if any(starts_here(r[j]) for r in grid)]
    empty: Slot[T] = (None, False)
    return [[row[j] or empty for j in kept_columns] for row in grid if any(map(starts_here, row))]
