"""The one merged-cell expansion (govreport.sources.grid) and the three readers that use it."""

from __future__ import annotations


import pytest

from govreport.sources.document import Table
from govreport.sources.grid import MAX_COLUMN_SPAN, MAX_ROW_SPAN, Span, expand
from govreport.sources.html import parse_html
from tests.helpers import peak_mib


def text(grid: list[list[tuple[str | None, bool]]]) -> list[list[str]]:
    """Origins as text, spanned copies marked ``~``, uncovered positions ``.``."""
    return [["." if o is None else ("~" if s else "") + o for o, s in row] for row in grid]


def test_spans_are_expanded_with_copies_marked() -> None:
    spans = [Span("a", 0, 0, rows=2), Span("b", 0, 1, columns=2), Span("c", 1, 1), Span("d", 1, 2)]
    assert text(expand(spans)) == [["a", "b", "~b"], ["~a", "c", "d"]]


def test_no_spans_no_grid() -> None:
    assert expand([]) == []


def test_ragged_rows_are_padded() -> None:
    spans = [Span("a", 0, 0), Span("b", 0, 1), Span("c", 0, 2), Span("d", 1, 0)]
    assert text(expand(spans)) == [["a", "b", "c"], ["d", ".", "."]]


def test_overlapping_spans_the_first_keeps_the_position() -> None:
    spans = [
        Span("a", 0, 0, rows=2, columns=2), Span("b", 1, 1, columns=2), Span("c", 0, 2), Span("d", 1, 0),
        Span("e", 1, 3),
    ]
    # b's own start is taken by a, so b shows only as a copy where it is alone; d
    # loses entirely; column 1 then has no start of its own and is dropped.
    assert text(expand(spans)) == [["a", "c", "."], ["~a", "~b", "e"]]


def test_rows_and_columns_where_nothing_starts_are_dropped() -> None:
    # column 1 and row 1 are only ever covered by spans, never started in.
    spans = [Span("a", 0, 0, columns=2), Span("b", 0, 2), Span("c", 0, 3, rows=2), Span("d", 2, 0), Span("e", 2, 2)]
    assert text(expand(spans)) == [["a", "b", "c"], ["d", "e", "."]]


def test_continuations_extend_an_origin_without_starting_it() -> None:
    # A DOCX vMerge continue cell: the same origin, every position a copy.
    spans = [Span("a", 0, 0), Span("b", 0, 1), Span("a", 1, 0, start=False), Span("c", 1, 1)]
    assert text(expand(spans)) == [["a", "b"], ["~a", "c"]]


def test_bounds_cut_spans_and_leave_out_what_starts_beyond() -> None:
    spans = [Span("a", 0, 0, rows=10), Span("b", 0, 1, columns=10), Span("x", 12, 0), Span("y", 0, 12)]
    assert text(expand(spans, rows=2, columns=3)) == [["a", "b"]]
    assert text(expand(spans, rows=2)) == [["a", "b", "y"]]
    assert text(expand(spans)) == [["a", "b", "y"], ["x", ".", "."]]


@pytest.mark.parametrize("size", [0, -3])
def test_zero_and_negative_sizes_count_as_one(size: int) -> None:
    spans = [Span("a", 0, 0, rows=size, columns=size), Span("b", 0, 1), Span("c", 1, 0), Span("d", 1, 1)]
    assert text(expand(spans)) == [["a", "b"], ["c", "d"]]


def test_negative_positions_are_clamped_to_the_edge() -> None:
    assert text(expand([Span("a", -5, -1), Span("b", 0, 1)])) == [["a", "b"]]


def test_huge_spans_are_clamped_and_cost_nothing() -> None:
    far = MAX_COLUMN_SPAN + 5
    spans = [Span("a", 0, 0, columns=10**9), Span("b", 0, far), Span("c", 1, 0, rows=10**9), Span("d", 1, far)]
    grid, peak = peak_mib(lambda: expand(spans))
    assert peak < 16
    # a covers columns 0..999 only (clamped), so b at column 1005 is not covered by it.
    assert text(grid) == [["a", "b"], ["c", "d"]]
    tall = expand([Span("a", 0, 0, rows=10**9), Span("b", MAX_ROW_SPAN + 1, 0)])
    assert text(tall) == [["a"], ["b"]]


def test_huge_positions_cost_nothing() -> None:
    grid, peak = peak_mib(lambda: expand([Span("a", 0, 10**12), Span("b", 10**12, 0)]))
    assert peak < 16
    assert text(grid) == [[".", "a"], ["b", "."]]


def test_the_grid_is_no_larger_than_the_spans_are_many() -> None:
    spans = [Span(str(i), i, i * MAX_COLUMN_SPAN, rows=MAX_ROW_SPAN, columns=MAX_COLUMN_SPAN) for i in range(200)]
    grid = expand(spans)
    assert len(grid) == 200 and all(len(row) == 200 for row in grid)
    assert grid[199][0] == ("0", True) and grid[0][199] == (None, False)


# -- the readers ------------------------------------------------------------------------


def _tables(source: str) -> list[Table]:
    blocks, _, _ = parse_html(source)
    return [b for b in blocks if isinstance(b, Table)]


def _cells(table: Table) -> list[list[str]]:
    return [[("~" if c.spanned else "") + c.text for c in row] for row in table.rows]


def test_html_hostile_colspan_does_not_allocate_a_huge_grid() -> None:
    row = "".join(f'<td colspan="100000" rowspan="100000">{i}</td>' for i in range(300))
    source = f"<table><tr>{row}</tr>" + "<tr><td>x</td><td>y</td></tr>" * 300 + "</table>"
    [table], peak = peak_mib(lambda: _tables(source))
    assert peak < 64  # a grid of 300 × 10^5 columns would be gigabytes
    # 300 origins in the first row, then x and y after all the reserved columns
    assert len(table.rows[0]) == 302 and table.rows[0][0].text == "0"
    assert _cells(table)[1][:2] == ["~0", "~1"] and _cells(table)[1][-2:] == ["x", "y"]


def test_html_rowspans_reserve_positions_for_the_rows_below() -> None:
    [table] = _tables(
        "<table><tr><td rowspan=2>a</td><td>b</td><td rowspan=3>c</td></tr>"
        "<tr><td>d</td></tr><tr><td>e</td><td>f</td></tr></table>"
    )
    assert _cells(table) == [["a", "b", "c"], ["~a", "d", "~c"], ["e", "f", "~c"]]


def test_docx_hostile_grid_before_and_span() -> None:
    etree = pytest.importorskip("lxml.etree")
    from govreport.sources.docx import _grid

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (
        f'<w:tbl xmlns:w="{w}">'
        '<w:tr><w:trPr><w:gridBefore w:val="1000000000"/></w:trPr>'
        '<w:tc><w:tcPr><w:gridSpan w:val="100000"/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>'
        '<w:tr><w:tc><w:p/></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>'
        "</w:tbl>"
    )
    (grid, origins), peak = peak_mib(lambda: _grid(etree.fromstring(xml)))
    assert peak < 16
    assert len(origins) == 4  # the vMerge continue cell has nothing above it: a cell of its own
    assert [[(origins.index(o) if o is not None else None, s) for o, s in row] for row in grid] == [
        [(None, False), (None, False), (0, False), (1, False)],
        [(2, False), (3, False), (None, False), (None, False)],
    ]
