"""Word (.docx) files: body paragraphs become :class:`Line`\\ s, tables :class:`Table`\\ s.

Needs the optional extra ``docx`` (python-docx, which brings lxml); without it
:class:`~govreport.readers.errors.MissingExtra` is raised. python-docx opens and
checks the package; the body is then walked on the underlying WordprocessingML,
because ``table.cell(r, c)`` returns the *same* cell object for every position a
merged cell covers without saying which position is the origin -- exactly what the
structure stage needs to know.

Reading order. The body's children in order: ``w:p`` -> line(s), ``w:tbl`` -> table;
content controls (``w:sdt``) and ``w:customXml`` wrappers are looked through.
Headers, footers, footnotes, comments, text boxes (``w:txbxContent``), drawings and
the fallback half of ``mc:AlternateContent`` are ignored; deleted tracked changes
(``w:del``, ``w:moveFrom``) and field instructions (``PAGE``...) are left out, field
results and inserted text are kept. ``w:br``/``w:cr`` inside a paragraph start a new
line; ``w:tab`` is a tab. Paragraph text is kept as written (no trimming or width
normalisation -- the structure stage does that); whitespace-only paragraphs produce
no line.

Pictures. Each picture of the body (``a:blip`` in ``w:drawing``, ``v:imagedata`` in
``w:pict``; the fallback copy of ``mc:AlternateContent`` left out) becomes a
:class:`~govreport.sources.document.Picture` in body order, with the bytes of its
package part (``word/media/...``) and the part's name; a picture linked to a file
outside the package is ``remote`` (never fetched). Pictures inside data tables are not
looked at. Whether they are read by OCR is decided by :mod:`govreport.sources.embedded`.

Locations. A line's ``Location.line`` is the paragraph's 1-based index among the
paragraphs read in reading order *outside data tables* (empty paragraphs count, so
the number identifies the paragraph in the file; several lines of one paragraph split
by ``w:br`` share it). DOCX has no stable page numbers, so ``page`` is not set.
Cells have ``table``/``row``/``cell``; ``table`` counts emitted tables in order.

Table grid. Horizontal merges (``w:gridSpan``, legacy ``w:hMerge``) and vertical ones
(``w:vMerge`` restart/continue) are expanded: every covered position holds the
origin's text with ``spanned=True``; ``w:gridBefore``/``w:gridAfter`` leave empty
positions. Grid columns and rows in which no cell starts are dropped and rows are
padded to the same width (as for HTML). Cell text is its paragraphs joined with
``\\n`` (empty paragraphs left out). A table that contains a nested table, or whose
grid is a single column, is layout: its cells' content is emitted in order as
lines and tables instead (as for HTML), so data tables inside frames are found.
"""

from __future__ import annotations

import io
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from govreport.location import Location
from govreport.sources.document import Cell, Document, Line, Picture, Table
from govreport.sources.errors import MissingExtra, ReadError, error_detail
from govreport.sources.grid import MAX_COLUMN_SPAN, GridLimit, Slot, Span, expand
from govreport.sources.limits import MAX_GRID_CELLS, Limits

__all__ = ["read_docx"]

MAX_GRID_SPAN = MAX_COLUMN_SPAN

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_P = _W + "p"
_TBL = _W + "tbl"
_TR = _W + "tr"
_TC = _W + "tc"
_T = _W + "t"
_VAL = _W + "val"
_WRAPPERS = frozenset((_W + "sdt", _W + "customXml", _W + "sdtContent", _W + "smartTag"))
#: Subtrees of a paragraph whose text is not part of the running text.
_SKIP_IN_PARAGRAPH = frozenset(
    (
        _W + "pPr",
        _W + "rPr",
        _W + "del",
        _W + "moveFrom",
        _W + "delText",
        _W + "instrText",
        _W + "delInstrText",
        _W + "drawing",
        _W + "pict",
        _W + "object",
        _W + "txbxContent",
        _W + "fldData",
        _W + "footnoteReference",
        _W + "endnoteReference",
        _W + "commentReference",
        _MC + "Fallback",
    )
)
_BREAKS = frozenset((_W + "br", _W + "cr"))


#: Members smaller than this are not judged by their compression ratio (a small
#: member of blanks may compress extremely well and still cost nothing).
_RATIO_FLOOR = 1 << 20


def check_members(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a package whose members inflate past the limits, before inflating any.

    The sizes checked are the ones the archive declares; :mod:`zipfile` never inflates a
    member past its declared size (a member that lies is cut there and fails its CRC),
    so the declared sizes bound the memory reading can take.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ReadError(name, "corrupt", media="DOCX", detail=error_detail(error)) from None
    total = 0
    for member in members:
        size, packed = member.file_size, max(1, member.compress_size)
        total += size
        if size > limits.docx_member:
            raise ReadError(name, "docx-bomb", variable="GOVREPORT_MAX_DOCX_MEMBER", detail=(
                f"{member.filename}解压后{size}字节，单个部件上限{limits.docx_member}字节",
                f"{member.filename} inflates to {size} bytes, more than the {limits.docx_member} allowed for one part"))
        if size > _RATIO_FLOOR and size > packed * limits.docx_ratio:
            ratio = size // packed
            raise ReadError(name, "docx-bomb", variable="GOVREPORT_MAX_DOCX_RATIO", detail=(
                f"{member.filename}的压缩比为{ratio}:1，上限{limits.docx_ratio}:1",
                f"{member.filename} is compressed {ratio}:1, more than the {limits.docx_ratio}:1 allowed"))
        if total > limits.docx_total:
            raise ReadError(name, "docx-bomb", variable="GOVREPORT_MAX_DOCX_TOTAL", detail=(
                f"全部部件解压后超过{limits.docx_total}字节", f"its parts inflate to more than {limits.docx_total} bytes"))


def _xml_detail(error: BaseException) -> str | tuple[str, str]:
    """What is wrong, in the reader's words: libxml2's resource limits come with advice
    to turn on ``XML_PARSE_HUGE``, which is about the parser, not the file."""
    detail = error_detail(error)
    if "Excessive depth" in detail:
        return ("XML元素嵌套超过256层", "its XML is nested more than 256 levels deep")
    if "XML_PARSE_HUGE" in detail or "Resource limit exceeded" in detail:
        return ("XML中有一段文字或一个元素过大（超过10 MB）", "its XML holds a text or element over 10 MB")
    return detail


def read_docx(data: bytes, *, name: str, sha256: str, limits: Limits | None = None) -> Document:
    """Read a .docx file into a :class:`Document`."""
    try:
        import docx  # python-docx
    except ImportError:
        raise MissingExtra(name, "DOCX", "docx") from None
    limits = limits or Limits()
    check_members(data, name, limits)
    try:
        package = docx.Document(io.BytesIO(data))
        body = package.element.body
    except Exception as error:  # zip, XML and package errors of a damaged file
        raise ReadError(name, "corrupt", media="DOCX", detail=_xml_detail(error)) from None

    walker = _Walker(limits.grid_cells)
    try:
        walker.container(body)
    except RecursionError:
        raise ReadError(name, "corrupt", media="DOCX", detail=("表格嵌套过深", "tables nested too deeply")) from None
    except GridLimit as limit:
        raise ReadError(name, "too-many-cells", table=walker.tables, limit=limit.limit,
                        variable="GOVREPORT_MAX_GRID_CELLS") from None
    title, metadata = _properties(package)
    return Document(
        blocks=walker.finish(),
        images=tuple(walker.images),
        pictures=tuple(_pictures(package, walker.pictures)),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        sha256=sha256,
        name=name,
        encoding=None,
        title=title,
        metadata=metadata,
    )


def _pictures(package: Any, found: list[tuple[int, str, bool]]) -> Iterator[Picture]:
    """The pictures' bytes and part names, by their relationship ids."""
    rels = package.part.rels
    for index, rid, linked in found:
        rel = rels.get(rid)
        if rel is None:
            continue  # a dangling id: Word shows nothing either
        if linked or rel.is_external:
            yield Picture(index=index, name=str(rel.target_ref), unread="remote")
            continue
        part = rel.target_part
        yield Picture(index=index, name=str(part.partname).lstrip("/"), data=bytes(part.blob))


def _properties(package: Any) -> tuple[str | None, dict[str, str]]:
    """Title and a few core properties (author, dates) as metadata."""
    metadata: dict[str, str] = {}
    title: str | None = None
    try:
        core = package.core_properties
        for key in ("title", "subject", "author", "keywords", "created", "modified"):
            value = getattr(core, key, None)
            if value is None:
                continue
            text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
            if text:
                metadata[key] = text
    except Exception:  # core properties are optional and often broken; never fatal
        return None, {}
    title = metadata.get("title")
    return title, metadata


def _children(element: Any) -> Iterator[Any]:
    """Child elements, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        elif isinstance(child.tag, str):
            yield child


def _int_val(parent: Any, tag: str, default: int) -> int:
    element = parent.find(tag) if parent is not None else None
    if element is None:
        return default
    try:
        return int(element.get(_VAL, default))
    except (TypeError, ValueError):
        return default


def _paragraph_lines(paragraph: Any) -> list[str]:
    """The text of a paragraph, split at ``w:br``/``w:cr``."""
    lines: list[str] = [""]
    pieces: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
                continue
            if tag == _T:
                pieces.append(child.text or "")
            elif tag == _W + "tab":
                pieces.append("\t")
            elif tag in _BREAKS:
                lines[-1] += "".join(pieces)
                pieces.clear()
                lines.append("")
            elif tag == _W + "noBreakHyphen":
                pieces.append("-")
            else:
                walk(child)

    walk(paragraph)
    lines[-1] += "".join(pieces)
    return lines


class _Origin:
    """One ``w:tc`` that starts a grid region."""

    __slots__ = ("element", "text")

    def __init__(self, element: Any) -> None:
        self.element = element
        self.text: str | None = None


class _Walker:
    def __init__(self, max_cells: int) -> None:
        self.blocks: list[Line | tuple[list[list[Slot[_Origin]]], int]] = []
        self.paragraphs = 0
        self.max_cells = max_cells
        self.tables = 0  # tables met so far, for messages
        self.images: list[int] = []  # see Document.images
        self.pictures: list[tuple[int, str, bool]] = []  # (block index, relationship id, linked)

    def container(self, element: Any) -> None:
        for child in _children(element):
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)

    def paragraph(self, element: Any) -> None:
        self.paragraphs += 1
        if next(element.iter(_W + "drawing", _W + "pict"), None) is not None:
            self.images.append(len(self.blocks))
            for image in element.iter(_BLIP, _IMAGEDATA):
                if next(image.iterancestors(_MC + "Fallback"), None) is not None:
                    continue  # the same picture again, for older readers
                embed = image.get(_R + "embed") or image.get(_R + "id")
                link = image.get(_R + "link")
                if embed or link:
                    self.pictures.append((len(self.blocks), embed or link, not embed))
        for text in _paragraph_lines(element):
            if text.strip():
                self.blocks.append(Line(text=text, location=Location(line=self.paragraphs)))

    def table(self, element: Any) -> None:
        self.tables += 1
        grid, origins = _grid(element, self.max_cells)
        if not grid or not grid[0]:
            return
        nested = any(True for origin in origins for _ in origin.element.iter(_TBL))
        if nested or len(grid[0]) <= 1:
            for origin in origins:
                self.container(origin.element)
            return
        self.blocks.append((grid, 0))

    def finish(self) -> tuple[Line | Table, ...]:
        out: list[Line | Table] = []
        index = 0
        for block in self.blocks:
            if isinstance(block, Line):
                out.append(block)
                continue
            index += 1
            grid = block[0]
            rows: list[tuple[Cell, ...]] = []
            for r, grid_row in enumerate(grid, 1):
                cells: list[Cell] = []
                for c, (origin, spanned) in enumerate(grid_row, 1):
                    location = Location(table=index, row=r, cell=c)
                    if origin is None:
                        cells.append(Cell(text="", location=location))
                        continue
                    if origin.text is None:
                        origin.text = _cell_text(origin.element)
                    cells.append(Cell(text=origin.text, location=location, spanned=spanned))
                rows.append(tuple(cells))
            out.append(Table(rows=tuple(rows), location=Location(table=index)))
        return tuple(out)


def _cell_text(element: Any) -> str:
    lines: list[str] = []
    for child in _children(element):
        if child.tag == _P:  # not ``iter()``: that would enter text boxes
            lines.extend(text for text in _paragraph_lines(child) if text.strip())
    return "\n".join(lines)


def _grid(table: Any, max_cells: int = MAX_GRID_CELLS) -> tuple[list[list[Slot[_Origin]]], list[_Origin]]:
    """The expanded grid of a ``w:tbl`` and its origin cells in reading order.

    Each ``w:tc`` is placed at its grid column (after ``w:gridBefore`` and the cells
    before it); a ``vMerge`` continue cell extends the origin above it in the same
    column, a legacy ``hMerge`` continue cell the one to its left. The expansion is
    :func:`~govreport.sources.grid.expand`.
    """
    spans: list[Span[_Origin]] = []
    origins: list[_Origin] = []
    above: list[tuple[int, int, _Origin]] = []  # the row above: (first column, end column, origin)
    count = 0
    for row in _children(table):
        if row.tag != _TR:
            continue
        properties = row.find(_W + "trPr")
        col = max(0, _int_val(properties, _W + "gridBefore", 0))
        current: list[tuple[int, int, _Origin]] = []
        for cell in _children(row):
            if cell.tag != _TC:
                continue
            cell_properties = cell.find(_W + "tcPr")
            span = min(max(1, _int_val(cell_properties, _W + "gridSpan", 1)), MAX_GRID_SPAN)
            origin: _Origin | None = None
            vmerge = cell_properties.find(_W + "vMerge") if cell_properties is not None else None
            hmerge = cell_properties.find(_W + "hMerge") if cell_properties is not None else None
            if vmerge is not None and vmerge.get(_VAL, "continue") != "restart":
                origin = _covering(above, col)  # continues the cell above
            if origin is None and hmerge is not None and hmerge.get(_VAL, "continue") != "restart":
                origin = _covering(current, col - 1)  # legacy horizontal merge
            start = origin is None
            if origin is None:
                origin = _Origin(cell)
                origins.append(origin)
            spans.append(Span(origin, count, col, 1, span, start=start))
            current.append((col, col + span, origin))
            col += span
        above = current
        count += 1
    return expand(spans, rows=count, max_cells=max_cells), origins


def _covering(row: list[tuple[int, int, _Origin]], column: int) -> _Origin | None:
    """The origin covering ``column`` in a row's cells (sorted by column)."""
    index = bisect_right(row, column, key=lambda cell: cell[0]) - 1
    if index >= 0 and row[index][1] > column:
        return row[index][2]
    return None
