"""HTML pages: text blocks become :class:`Line`\\ s, ``<table>`` grids become :class:`Table`\\ s.

Read as one streaming pass, so the cost is linear in the size of the page: by
:mod:`govreport.sources.html_scan` when the markup is clean (nearly every real page),
else by the standard library's :mod:`html.parser` (no lxml/bs4 in the core). Both hand
the same tokens to the same builder, so the result does not depend on which one read
the page. The builder does not make a DOM; it keeps only what the output needs:

* a *container* (the page itself, or the table cell being read) that collects the
  finished blocks and the text of the block being read;
* a stack of open tables, each with its rows of cells.

What is dropped: ``<script>``, ``<style>``, ``<noscript>``, ``<template>``,
comments, and ``<head>`` content except ``<title>`` (the first one becomes
``Document.title``, wherever it is; later ones, e.g. from a site header pasted into
the body, are dropped too) and ``<meta name|property=... content=...>`` pairs (first
occurrence wins; layout noise like ``viewport`` is skipped) which go to
``Document.metadata``. Everything else stays, site navigation included: keeping the
rule simple makes the output predictable and the structure stage skips what it does
not need.

Lines. Block elements (``p``, ``div``, ``li``, ``h1``-``h6``, ``br``, table parts,
...) end a line; inline text is joined; runs of whitespace (ASCII whitespace and
no-break spaces) collapse to one space and the ends are trimmed. Other characters are
kept as they are (U+3000 ideographic spaces, full-width digits): normalising is the
structure stage's job. A line's :class:`Location` ``line``/``column`` is where its
first non-blank character is in the source (line endings counted as editors do).

Tables. ``rowspan``/``colspan`` are expanded into the full grid: every covered
position holds a copy of the origin's text with ``spanned=True`` (same ``line``/
``column`` as the origin, which is where the text is). ``colspan`` is clamped to
1..1000 as browsers do, ``rowspan`` to 0..65534 (0 = to the last row), anything
unparsable counts as 1, and spans never create rows beyond the last ``<tr>``.
Grid columns and rows in which no cell starts (left by an oversized ``colspan`` or
an empty ``<tr></tr>``) are dropped, so rows are as wide as the real grid; shorter
rows are padded with empty cells. Cell
text keeps ``<br>``/``<p>`` breaks as ``\\n``. Missing ``</td>``, ``</tr>``,
``<tbody>``, stray ``</table>`` are handled like browsers do (a new ``<td>``/``<tr>``
closes the open one; an end tag that matches nothing is ignored; everything open is
closed at the end of the file). Text inside a table but outside any cell is emitted
before the table (browsers' "foster parenting").

Layout tables. A table that contains another table, or whose grid is a single
column, is page layout rather than data: it is not emitted as a :class:`Table`; its
cells' content is emitted in reading order instead, so that data tables nested in
layout tables come out as :class:`Table` blocks and one-cell "frames" around the
whole article come out as ordinary lines. ``Location.table`` counts the emitted
tables only, in document order.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_left
from collections.abc import Callable
from html.parser import HTMLParser

from govreport.location import Location
from govreport.sources.document import Cell, Document, Line, Picture, Table
from govreport.sources.encoding import decode
from govreport.sources.errors import ReadError
from govreport.sources.html_scan import Attrs, scan
from govreport.sources.grid import (
    MAX_COLUMN_SPAN,
    MAX_ROW_SPAN,
    GridLimit,
    Slot,
    Span,
    expand,
)
from govreport.sources.limits import MAX_GRID_CELLS, Limits

__all__ = ["parse_html", "read_html"]

MAX_COLSPAN = MAX_COLUMN_SPAN
MAX_ROWSPAN = MAX_ROW_SPAN

_WS = re.compile(r"[ \t\n\r\f\v\xa0]+")
_NEWLINE = re.compile("\n")
_NON_WS = re.compile(r"[^ \t\n\r\f\v\xa0]")
_SPAN = re.compile(r"\s*\+?(\d+)")

#: Elements whose start and end end the current line.
_BLOCK = frozenset(
    """address article aside blockquote body br center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li
    main menu nav ol option p pre section summary ul legend optgroup select textarea
    caption tbody thead tfoot tr td th table""".split()
)
#: Elements whose content is dropped.
_SKIP = frozenset(("script", "style", "noscript", "template"))
#: Elements that may appear in ``<head>`` without implicitly ending it.
_HEAD_CONTENT = frozenset(("title", "meta", "link", "script", "style", "base", "noscript", "template", "object"))
#: ``<meta name=...>`` values that say nothing about the document.
_META_NOISE = frozenset(
    """viewport renderer robots format-detection referrer generator theme-color
    google-site-verification baidu-site-verification applicable-device
    mobile-agent handheldfriendly mobileoptimized""".split()
)


class _Image:
    """Where an ``<img>`` stands among the blocks, and its ``src`` (``""`` when it has none)."""

    __slots__ = ("src",)

    def __init__(self, src: str | None) -> None:
        self.src = (src or "").strip()


class _Container:
    """Where text goes: the page, or one table cell."""

    __slots__ = ("blocks", "column", "line", "pieces")

    def __init__(self) -> None:
        self.blocks: list[Line | _PendingTable | _Image] = []
        self.pieces: list[str] = []
        self.line = 0
        self.column = 0  # 0 = no non-blank text yet in the current line

    def flush(self) -> None:
        """End the current line (if it has any text)."""
        if not self.pieces:
            return
        if self.column:
            text = _WS.sub(" ", "".join(self.pieces)).strip(" ")
            if text:
                self.blocks.append(Line(text=text, location=Location(line=self.line, column=self.column)))
        self.pieces = []
        self.column = 0


class _CellState(_Container):
    __slots__ = ("colspan", "rowspan", "start_column", "start_line")

    def __init__(self, colspan: int, rowspan: int, line: int, column: int) -> None:
        super().__init__()
        self.colspan = colspan
        self.rowspan = rowspan
        self.start_line = line
        self.start_column = column

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if isinstance(b, Line))


class _TableState:
    __slots__ = ("cell", "column", "line", "nested", "number", "parent", "row_open", "rows")

    def __init__(self, parent: _Container, line: int, column: int, number: int = 0) -> None:
        self.parent = parent
        self.number = number
        self.rows: list[list[_CellState]] = []
        self.row_open = False
        self.cell: _CellState | None = None
        self.nested = False
        self.line = line
        self.column = column

    def close_cell(self) -> None:
        if self.cell is not None:
            self.cell.flush()
            self.cell = None

    def close_row(self) -> None:
        self.close_cell()
        self.row_open = False

    def open_row(self) -> None:
        self.close_row()
        self.rows.append([])
        self.row_open = True


class _PendingTable:
    """A data table whose document-wide index is assigned when the page is done."""

    __slots__ = ("column", "grid", "line")

    def __init__(self, grid: list[list[Slot[_CellState]]], line: int, column: int) -> None:
        self.grid = grid
        self.line = line
        self.column = column


def _span(value: str | None, *, low: int, high: int) -> int:
    if value is None:
        return 1
    match = _SPAN.match(value)
    if match is None:
        return 1
    number = int(match.group(1))
    if number < low:
        return 1
    return min(number, high)


def _grid(rows: list[list[_CellState]], max_cells: int = MAX_GRID_CELLS) -> list[list[Slot[_CellState]]]:
    """Lay the cells out on the HTML table grid; each position is ``(cell, spanned)``.

    Cells flow left to right past the positions that row spans from rows above
    reserve (the HTML table model); :func:`~govreport.sources.grid.expand` does the rest.
    Raises :class:`~govreport.sources.grid.GridLimit` past ``max_cells`` positions --
    already while laying out: every row span still open on a row with cells covers a
    position of the grid, so the work here is counted in positions too.
    """
    count = len(rows)
    spans: list[Span[_CellState]] = []
    reserved: list[tuple[int, int, int]] = []  # (first column, end column, last row) of row spans from above
    work = 0
    for index, row in enumerate(rows):
        if not row:
            continue  # nothing to place; the reservations are filtered at the next row with cells
        reserved = [r for r in reserved if r[2] >= index]
        work += len(reserved) + len(row)
        if work > max_cells:
            raise GridLimit(work, max_cells)
        taken = sorted((c0, c1) for c0, c1, _ in reserved)
        col = next_reserved = 0
        for cell in row:
            # col only grows along a row, so one pass over the sorted reservations
            # skips every one the next cell would start in.
            while next_reserved < len(taken) and taken[next_reserved][0] <= col:
                col = max(col, taken[next_reserved][1])
                next_reserved += 1
            rowspan = cell.rowspan if cell.rowspan else count - index  # 0 = to the last row
            rowspan = min(rowspan, count - index)
            spans.append(Span(cell, index, col, rowspan, cell.colspan))
            if rowspan > 1:
                reserved.append((col, col + cell.colspan, index + rowspan - 1))
            col += cell.colspan
    return expand(spans, rows=count, max_cells=max_cells)


#: The tags whose attributes :class:`_Builder` reads (the fast path parses no others').
_ATTRIBUTES = frozenset(("td", "th", "meta", "img"))
#: The tags :meth:`_Builder.handle_starttag` and ``handle_endtag`` act on; any other tag
#: only ends ``<head>`` (when it starts), so the fast path passes it on only there.
_ACTIVE = _BLOCK | _SKIP | _ATTRIBUTES | {"title", "head"}


class _Builder:
    """The page built from its tokens, as :class:`html.parser.HTMLParser` hands them.

    ``pos`` says where the current token starts: ``(line, column)``, the line from 1
    and the column from 0, as :meth:`~html.parser.HTMLParser.getpos` does. It is asked
    only when a position is needed (the start of a line's text, of a table, of a cell).
    """

    def __init__(self, name: str, limits: Limits | None, pos: Callable[[], tuple[int, int]]) -> None:
        self._pos = pos
        self.name = name
        self.max_cells = (limits or Limits()).grid_cells
        self.opened = 0  # tables opened so far, for messages
        self.images: tuple[int, ...] = ()
        self.pictures: tuple[Picture, ...] = ()
        self.root = _Container()
        self.tables: list[_TableState] = []
        self.title: str | None = None
        self.metadata: dict[str, str] = {}
        self._title_pieces: list[str] | None = None
        self._cdata_skip: str | None = None  # inside <script>/<style>
        self._skip_stack: list[str] = []  # open <noscript>/<template>
        self._in_head = False
        self._pre = 0

    # -- where text goes -------------------------------------------------------------

    def _container(self) -> _Container:
        if self.tables:
            table = self.tables[-1]
            return table.cell if table.cell is not None else table.parent
        return self.root

    def _text(self, data: str) -> None:
        if self._cdata_skip is not None or self._skip_stack:
            return
        if self._title_pieces is not None:
            self._title_pieces.append(data)
            return
        if self._in_head:
            if _NON_WS.search(data) is None:
                return
            self._in_head = False  # text in <head> means the head ended (browsers agree)
        if self._pre and "\n" in data:
            line, offset = self._pos()
            for number, part in enumerate(data.split("\n")):
                if number:
                    self._container().flush()
                    line, offset = line + 1, 0
                self._append(part, line, offset)
                offset += len(part)
            return
        self._append(data)

    def _append(self, data: str, line: int = 0, offset: int = 0) -> None:
        """Add text at ``line``/``offset`` (0: where the current token starts)."""
        container = self._container()
        if not container.column:
            found = _NON_WS.search(data)
            if found is None:
                if container.pieces or data:
                    container.pieces.append(data)
                return
            if not line:
                line, offset = self._pos()
            start = found.start()
            newlines = data.count("\n", 0, start)
            if newlines:
                container.line = line + newlines
                container.column = start - data.rfind("\n", 0, start)
            else:
                container.line = line
                container.column = offset + start + 1
        container.pieces.append(data)

    def _break(self) -> None:
        self._container().flush()

    # -- tables ----------------------------------------------------------------------

    def _open_table(self) -> None:
        if self.tables and self.tables[-1].cell is None:
            # <table> directly inside a table (not in a cell): browsers close the open one.
            self._close_table()
        parent = self._container()
        parent.flush()
        if self.tables:
            self.tables[-1].nested = True
        line, offset = self._pos()
        self.opened += 1
        self.tables.append(_TableState(parent, line, offset + 1, self.opened))

    def _close_table(self) -> None:
        table = self.tables.pop()
        table.close_row()
        table.parent.flush()  # fostered text comes before the table
        try:
            grid = _grid(table.rows, self.max_cells)
        except GridLimit as limit:
            raise ReadError(self.name, "too-many-cells", location=Location(line=table.line, column=table.column),
                            table=table.number, limit=limit.limit, variable="GOVREPORT_MAX_GRID_CELLS") from None
        if not grid or not grid[0]:
            return
        if table.nested or len(grid[0]) <= 1:
            for row in table.rows:
                for cell in row:
                    table.parent.blocks.extend(cell.blocks)
            return
        table.parent.blocks.append(_PendingTable(grid, table.line, table.column))

    def _open_cell(self, attrs: list[tuple[str, str | None]]) -> None:
        table = self.tables[-1]
        table.close_cell()
        table.parent.flush()
        if not table.row_open:
            table.open_row()
        values = dict(attrs)
        line, offset = self._pos()
        cell = _CellState(
            _span(values.get("colspan"), low=1, high=MAX_COLSPAN),
            _span(values.get("rowspan"), low=0, high=MAX_ROWSPAN),
            line,
            offset + 1,
        )
        table.rows[-1].append(cell)
        table.cell = cell

    # -- tokens --------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._cdata_skip is not None:
            return
        if self._skip_stack:
            if tag in ("noscript", "template"):
                self._skip_stack.append(tag)
            return
        if tag in _SKIP:
            if tag in ("script", "style"):
                self._cdata_skip = tag
            else:
                self._skip_stack.append(tag)
            return
        if tag == "title":
            self._title_pieces = []
            return
        if tag == "meta":
            self._meta(attrs)
            return
        if tag == "head":
            self._in_head = True
            return
        if self._in_head and tag not in _HEAD_CONTENT:
            self._in_head = False
        if self._title_pieces is not None and tag in _BLOCK:
            self._end_title()  # an unclosed <title> must not swallow the page
        if tag in ("td", "th"):
            if self.tables:
                self._open_cell(attrs)
            else:
                self._break()
        elif tag == "tr":
            if self.tables:
                table = self.tables[-1]
                table.parent.flush()
                table.open_row()
            else:
                self._break()
        elif tag in ("tbody", "thead", "tfoot", "caption"):
            if self.tables:
                self.tables[-1].close_row()
            self._break()
        elif tag == "table":
            self._open_table()
        elif tag == "img":
            container = self._container()
            container.flush()
            container.blocks.append(_Image(dict(attrs).get("src")))
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("td", "th", "tr", "table"):  # <td/> still opens a cell in browsers
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._cdata_skip is not None:
            if tag == self._cdata_skip:
                self._cdata_skip = None
            return
        if self._skip_stack:
            if tag == self._skip_stack[-1]:
                self._skip_stack.pop()
            return
        if tag in ("script", "style"):
            return
        if tag == "title":
            if self._title_pieces is not None:
                self._end_title()
            return
        if tag == "head":
            self._in_head = False
            return
        if tag in ("td", "th"):
            if self.tables:
                self.tables[-1].close_cell()
            else:
                self._break()
        elif tag in ("tr", "tbody", "thead", "tfoot", "caption"):
            if self.tables:
                self.tables[-1].close_row()
            self._break()
        elif tag == "table":
            if self.tables:
                self._close_table()
        elif tag in _BLOCK:
            self._break()
            if tag == "pre" and self._pre:
                self._pre -= 1

    # -- head ------------------------------------------------------------------------

    def _end_title(self) -> None:
        pieces = self._title_pieces or []
        self._title_pieces = None
        text = _WS.sub(" ", "".join(pieces)).strip(" ")
        if text and self.title is None:
            self.title = text

    def _meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        key = values.get("name") or values.get("property")
        content = values.get("content")
        if not key or content is None:
            return
        key = key.strip()
        if key.lower() in _META_NOISE or key.lower().startswith(("apple-", "msapplication")):
            return
        content = _WS.sub(" ", content).strip(" ")
        if content and key not in self.metadata:
            self.metadata[key] = content

    # -- end -------------------------------------------------------------------------

    def finish(self) -> tuple[Line | Table, ...]:
        """End the page: close what is open; the blocks (``images`` is set too)."""
        if self._title_pieces is not None:
            self._end_title()
        while self.tables:
            self._close_table()
        self.root.flush()
        blocks, self.pictures = _materialise(self.root.blocks)
        self.images = tuple(p.index for p in self.pictures)
        return blocks


class _Parser(_Builder, HTMLParser):
    """The page read by :mod:`html.parser`: reads any markup."""

    def __init__(self, name: str = "<html>", limits: Limits | None = None) -> None:
        HTMLParser.__init__(self, convert_charrefs=False)
        _Builder.__init__(self, name, limits, self.getpos)

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(html_lib.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._text(html_lib.unescape(f"&#{name};"))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # ``<![if !supportLists]>`` (Word HTML) is understood by the stdlib; anything
        # else it rejects with an AssertionError. Browsers treat it as a bogus comment.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1

    def finish(self) -> tuple[Line | Table, ...]:
        self.close()
        return super().finish()


class _Scanned(_Builder):
    """The page read by :func:`~govreport.sources.html_scan.scan`: clean markup only."""

    def __init__(self, text: str, name: str, limits: Limits | None) -> None:
        super().__init__(name, limits, self._where)
        self._source = text
        self._at = 0  # where the current token starts
        self._newlines: list[int] | None = None

    def _where(self) -> tuple[int, int]:
        if self._newlines is None:
            self._newlines = [m.start() for m in _NEWLINE.finditer(self._source)]
        before = bisect_left(self._newlines, self._at)
        return before + 1, self._at - (self._newlines[before - 1] + 1 if before else 0)

    def starttag(self, tag: str, attrs: Attrs, offset: int) -> None:
        if tag in _ACTIVE or self._in_head:
            self._at = offset
            self.handle_starttag(tag, attrs)

    def startendtag(self, tag: str, attrs: Attrs, offset: int) -> None:
        if tag in _ACTIVE or self._in_head:
            self._at = offset
            self.handle_startendtag(tag, attrs)

    def endtag(self, tag: str, offset: int) -> None:
        if tag in _ACTIVE:
            self._at = offset
            self.handle_endtag(tag)

    def data(self, data: str, offset: int) -> None:
        self._at = offset
        self._text(data)

    def entityref(self, name: str, offset: int) -> None:
        self._at = offset
        self._text(html_lib.unescape(f"&{name};"))

    def charref(self, name: str, offset: int) -> None:
        self._at = offset
        self._text(html_lib.unescape(f"&#{name};"))


def _materialise(blocks: list[Line | _PendingTable | _Image]) -> tuple[tuple[Line | Table, ...], tuple[Picture, ...]]:
    """The blocks as lines and tables, and the images: where they stood (see
    ``Document.images``) and their ``src`` (read, if at all, by :mod:`govreport.sources.embedded`)."""
    out: list[Line | Table] = []
    images: list[Picture] = []
    index = 0
    for block in blocks:
        if isinstance(block, _Image):
            images.append(Picture(index=len(out), name=block.src))
            continue
        if isinstance(block, Line):
            out.append(block)
            continue
        index += 1
        texts: dict[int, str] = {}
        rows: list[tuple[Cell, ...]] = []
        for r, grid_row in enumerate(block.grid, 1):
            cells: list[Cell] = []
            for c, (origin, spanned) in enumerate(grid_row, 1):
                if origin is None:
                    cells.append(Cell(text="", location=Location(table=index, row=r, cell=c)))
                    continue
                key = id(origin)
                if key not in texts:
                    texts[key] = origin.text()
                cells.append(
                    Cell(
                        text=texts[key],
                        location=Location(
                            table=index, row=r, cell=c, line=origin.start_line, column=origin.start_column
                        ),
                        spanned=spanned,
                    )
                )
            rows.append(tuple(cells))
        out.append(Table(rows=tuple(rows), location=Location(table=index, line=block.line, column=block.column)))
    return tuple(out), tuple(images)


def parse_html(
    text: str, name: str = "<html>", *, limits: Limits | None = None, fast: bool = True
) -> tuple[tuple[Line | Table, ...], str | None, dict[str, str]]:
    """Parse decoded HTML; return ``(blocks, title, metadata)``.

    ``fast=False`` reads with :mod:`html.parser` even clean markup (the result is the
    same; see :mod:`govreport.sources.html_scan`).
    """
    blocks, page = _parse(text, name, limits, fast)
    return blocks, page.title, page.metadata


def _parse(text: str, name: str, limits: Limits | None, fast: bool) -> tuple[tuple[Line | Table, ...], _Builder]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fast:
        scanned = _Scanned(text, name, limits)
        if scan(text, scanned, _ATTRIBUTES):
            return scanned.finish(), scanned
    parser = _Parser(name, limits)
    try:
        parser.feed(text)
        blocks = parser.finish()
    except AssertionError as error:  # the stdlib parser's last-resort complaints
        raise ReadError(name, "corrupt", media="HTML", detail=str(error).splitlines()[0][:120]) from None
    return blocks, parser


def read_html(
    data: bytes,
    *,
    name: str,
    sha256: str,
    media_type: str = "text/html",
    limits: Limits | None = None,
    fast: bool = True,
) -> Document:
    """Read an HTML page into a :class:`Document` (``fast``: as in :func:`parse_html`)."""
    text, encoding = decode(data, name, html=True)
    blocks, page = _parse(text, name, limits, fast)
    return Document(
        blocks=blocks,
        images=page.images,
        pictures=page.pictures,
        media_type=media_type,
        sha256=sha256,
        name=name,
        encoding=encoding,
        title=page.title,
        metadata=page.metadata,
    )
