"""PDF files with a text layer: lines of text and ruled tables, page by page.

Needs the optional extra ``pdf`` (pdfplumber, MIT, and pypdfium2, which pdfplumber
depends on); without it :class:`~govreport.readers.errors.MissingExtra` is raised.

Where the characters and the ruling come from. pdfium (:mod:`govreport.sources.pdfium`)
reads each page's characters with their boxes and its path objects in C; pdfminer's
Python content parser, which pdfplumber uses, was over 90 % of the time (corpus
reports: ~0.85 s each, now ~0.2 s, most of it the table finding and text
clustering below). Both give the same records, and the table finder, the character
de-duplication and the text clustering are pdfplumber's, on either. A file pdfium
cannot open, or with a rotated or cropped page, is read with pdfplumber throughout.
The two agree on the corpus cell for cell (``tests/sources/test_pdf_backends.py``);
text lines differ only where pdfium takes an embedded font's digits as one em wide
and the gap after a number closes (``711号`` against pdfplumber's ``711 号``).

What is read, per page, in reading order (top to bottom):

* **Tables** found from the page's *visible* ruling: stroked lines and rectangles,
  and thin filled ones. Invisible rectangles are ignored -- Word/WPS exports paint a
  white, unstroked rectangle behind every line of body text, which would otherwise
  turn whole pages of prose into one-column "tables" glued to the real table below.
  A table cut by a page break has no closing border on the page; where several
  vertical rules end (or start) at the same height and no other rule crosses that
  height, a horizontal rule is added there so the last (first) row is closed. Grids
  with a single column are not tables (boxes around text): their text is read as
  lines.
  Cells come from the table's cell boxes: merged regions are expanded into the full
  grid (covered positions get the origin's text with ``spanned=True``); text inside a
  cell keeps its line breaks as ``\\n``, except vertical writing in a narrow column
  (三、本年度办理结果 set one character per line), which is joined back.
  ``Location``: ``page``, ``table``, ``row``, ``cell`` and ``x``/``y`` (top-left of
  the cell box, PDF points from the page's top-left); spanned copies carry the
  origin's page and position.
* **Lines**: the text outside the tables' cells, clustered into visual lines.
  Characters printed twice at the same place (fake bold) are kept once.
  ``Location``: ``page``, ``line`` (1-based, counting the text lines outside tables
  on that page from the top) and ``x``/``y`` of the line start.
* Running page numbers (``- 3 -``, ``— 4 —``, ``第 3 页``, ``3/5``, a bare number)
  are dropped when they are in the top or bottom margin band or are the first or
  last line of the page.

**Tables across page breaks.** When a page's first block is a table and the
previous page's last block (page numbers dropped) was a table, and their columns
agree -- the same number of columns, or one's column edges a subset of the other's
(table 2's later sub-blocks use fewer columns) -- the two are one table: rows are
appended, row numbers continue, each cell keeps its own page. A cell merged down
across the break (a row label like （四）无法提供) is cut by the page into two
cells; the part at the top of the next page is joined to the part above when one of
them spans several rows and either the lower part is empty (the label stayed above)
or the text visibly runs on (it fills the upper part to its bottom edge and starts at
the top of the taller lower part, instead of sitting centred like a new label): then
the texts are joined with ``\\n``.

Unreadable files raise :class:`ReadError`: ``corrupt`` (damaged), ``encrypted``
(needs a password), ``no-text-layer`` (scanned images without text), ``no-unicode``
(text that cannot be decoded to characters).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import zlib
from bisect import bisect_right
from collections.abc import Generator, Iterator
from operator import itemgetter
from typing import Any

from govreport.location import Location
from govreport.sources.document import Cell, Document, Line, OcrText, Table
from govreport.sources.encoding import UTF16_BOMS
from govreport.sources.errors import MissingExtra, ReadError, error_detail
from govreport.sources.grid import GridLimit, Span, expand
from govreport.sources.limits import Limits

__all__ = ["read_pdf"]

#: Coordinates closer than this (points) are the same grid edge.
EDGE_TOLERANCE = 2.0
#: Column edges of two page fragments of a table match within this (points).
COLUMN_TOLERANCE = 4.0
#: Share of the page height at the top and at the bottom where page numbers live.
MARGIN_BAND = 0.12

_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-—–－―~～_\s]*\d{1,4}[-—–－―~～_\s]*            # 3, - 3 -, — 4 —
      | 第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?  # 第 3 页, 第3页 共5页
      | 共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页
      | \d{1,4}\s*/\s*\d{1,4}                              # 3/5
      | (?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
    )\s*$""",
    re.VERBOSE,
)


_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")


# -- model of a page ---------------------------------------------------------------------


class _PdfCell:
    """A merged region of a table fragment, in grid coordinates (end-exclusive)."""

    __slots__ = ("c0", "c1", "gap_bottom", "gap_top", "line_height", "ocr", "page", "r0", "r1", "text", "x", "y")

    def __init__(
        self,
        r0: int,
        r1: int,
        c0: int,
        c1: int,
        text: str,
        page: int,
        box: tuple[float, float, float, float],
        chars: list[dict[str, Any]],
    ) -> None:
        self.r0, self.r1, self.c0, self.c1 = r0, r1, c0, c1
        self.text = text
        self.page = page
        self.ocr: OcrText | None = None  # set by the OCR reader, which builds pages of this model
        self.x = round(box[0], 1)
        self.y = round(box[1], 1)
        # Where the text sits in its box: used to recognise a cell cut by a page break.
        if chars:
            self.gap_top = min(c["top"] for c in chars) - box[1]
            self.gap_bottom = box[3] - max(c["bottom"] for c in chars)
            self.line_height = max(c["bottom"] - c["top"] for c in chars)
        else:
            self.gap_top = self.gap_bottom = box[3] - box[1]
            self.line_height = 0.0


class _Fragment:
    """A table, or the part of one on one page, until numbering."""

    __slots__ = ("cells", "last_page", "page", "rows", "x", "xs", "y")

    def __init__(self, xs: list[float], rows: int, cells: list[_PdfCell], page: int, x: float, y: float) -> None:
        self.xs = xs
        self.rows = rows
        self.cells = cells
        self.page = page
        self.last_page = page
        self.x = x
        self.y = y


class _Image:
    """Where a picture stands on a page (only its place is kept)."""

    __slots__ = ()


_Block = Line | _Fragment | _Image


def read_pdf(data: bytes, *, name: str, sha256: str, limits: Limits | None = None) -> Document:
    """Read a PDF into a :class:`Document` (see the module docstring).

    ``limits`` bounds the inflated streams (``pdf-bomb``, checked before anything is
    parsed), the pages read (``too-many-pages``, checked before any page is laid out),
    the objects on one page (``page-too-complex``) and on all pages
    (``pdf-too-complex``), and the grid of a table (``too-many-cells``).
    """
    limits = limits or Limits()
    try:
        import pdfplumber

        from govreport.sources import pdfium  # pypdfium2 comes with pdfplumber
    except ImportError:
        raise MissingExtra(name, "PDF", "pdf") from None

    _check_streams(data, name, limits)
    try:
        return _read(data, name, sha256, limits, pdfplumber, _pdfium_pages(data, pdfium))
    except _Fallback:
        return _read(data, name, sha256, limits, pdfplumber, _pdfplumber_pages(data, pdfium, pdfplumber))


class _Fallback(Exception):
    """pdfium cannot read the file as pdfminer would: read it with pdfplumber."""


def _pdfium_pages(data: bytes, pdfium: Any) -> Generator[Any]:
    """(page count, metadata, then each page's records), read by pdfium; raises
    :class:`_Fallback` for a file or a page pdfium does not read like pdfminer."""
    try:
        document, buffer = pdfium.open_document(data)
    except ValueError:
        raise _Fallback from None
    try:
        yield pdfium.page_count(document), pdfium.metadata(document), buffer  # the buffer must outlive the document
        try:
            yield from pdfium.pages(document)
        except pdfium.Unsupported:
            raise _Fallback from None
    finally:
        pdfium.close_document(document)


def _pdfplumber_pages(data: bytes, pdfium: Any, pdfplumber: Any) -> Generator[Any]:
    """The same as :func:`_pdfium_pages`, read by pdfplumber (pdfminer): used for the
    files pdfium cannot open or lay out like pdfminer (rotated or cropped pages)."""
    # Its debug calls alone cost 0.14 s a report, and its warnings about a damaged file
    # ("Could not get FontBBox…") would be printed on stderr by logging's last resort:
    # what is wrong with a file is said by our own errors and findings.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        yield len(pdf.pages), dict(pdf.metadata or {}), None
        for page in pdf.pages:
            records = pdfium.Page(page.page_number, float(page.width), float(page.height))
            records.bbox = tuple(page.bbox)
            chars = page.chars
            records.chars = [c for c in chars if c.get("text", "").strip()]
            records.undecodable = sum(1 for c in records.chars if c["text"].startswith("(cid:"))
            records.lines, records.rects, records.curves = page.lines, page.rects, page.curves
            records.images = page.images
            objects = len(chars) + len(page.lines) + len(page.rects) + len(page.curves)
            yield records, objects
            page.close()  # release the page's cached layout: memory stays flat


def _read(data: bytes, name: str, sha256: str, limits: Limits, pdfplumber: Any, records: Generator[Any]) -> Document:
    try:
        return _read_records(name, sha256, limits, pdfplumber, records)
    finally:
        records.close()  # the file is closed now, not when the generator is collected (at exit: a crash)


def _read_records(name: str, sha256: str, limits: Limits, pdfplumber: Any, records: Iterator[Any]) -> Document:
    pages: list[list[_Block]] = []
    chars = 0
    undecodable = 0
    try:
        count, metadata, _ = next(records)
        if count > limits.pdf_pages:
            raise ReadError(name, "too-many-pages", size=count, limit=limits.pdf_pages,
                            variable="GOVREPORT_MAX_PDF_PAGES")
        everything = 0
        for item in records:
            page, objects = item if isinstance(item, tuple) else (item, item.objects)
            number = page.number
            if objects > limits.pdf_page_objects:
                raise ReadError(name, "page-too-complex", location=Location(page=number), size=objects,
                                limit=limits.pdf_page_objects, variable="GOVREPORT_MAX_PDF_PAGE_OBJECTS")
            everything += objects
            if everything > limits.pdf_objects:
                raise ReadError(name, "pdf-too-complex", page=number, size=everything,
                                limit=limits.pdf_objects, variable="GOVREPORT_MAX_PDF_OBJECTS")
            try:
                blocks = _read_page(page, pdfplumber, limits.grid_cells)
            except GridLimit as limit:
                raise ReadError(name, "too-many-cells", location=Location(page=number),
                                table=1 + sum(isinstance(b, _Fragment) for p in pages for b in p),
                                limit=limit.limit, variable="GOVREPORT_MAX_GRID_CELLS") from None
            pages.append(blocks)
            chars += len(page.chars)
            undecodable += page.undecodable
    except (ReadError, _Fallback):
        raise
    except Exception as error:  # everything pdfium, pdfminer and pdfplumber raise on a bad file
        if _is_encrypted(error):
            raise ReadError(name, "encrypted") from None
        raise ReadError(name, "corrupt", media="PDF", detail=error_detail(error)) from None
    if chars == 0:
        raise ReadError(name, "no-text-layer")
    if undecodable * 2 > chars:
        raise ReadError(name, "no-unicode")

    title, info = _metadata(metadata)
    try:
        assembled, images = _assemble(pages, limits.grid_cells)
    except _TableLimit as limit:
        raise ReadError(name, "too-many-cells", location=Location(page=limit.page), table=limit.table,
                        limit=limit.limit, variable="GOVREPORT_MAX_GRID_CELLS") from None
    return Document(
        blocks=assembled,
        images=images,
        media_type="application/pdf",
        sha256=sha256,
        name=name,
        encoding=None,
        title=title,
        metadata=info,
    )


def _inflated_size(raw: bytes, limit: int) -> int:
    """How many bytes zlib data inflates to, counting at most ``limit + 1`` (memory stays
    at one chunk; a damaged stream counts what inflated before the damage)."""
    inflater = zlib.decompressobj()
    size = 0
    pending = raw
    try:
        while pending and size <= limit:
            size += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        pass
    return size


_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")


def _check_streams(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a PDF whose compressed streams inflate past the limits, before any is read.

    A parser inflates a stream whole when a page, a font or a CMap needs it: 1 MB of
    deflated blanks became 1 GiB and a minute of parsing. Every stream of the file
    (found by its ``stream`` keyword, so a damaged cross-reference table hides none) is
    measured with a bounded inflater first (``pdf-bomb``); a stream that is not Flate
    data fails at once and counts nothing.
    """
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if len(data) < start + 2 or data[start] & 0x0F != 8 or (data[start] * 256 + data[start + 1]) % 31:
            continue  # no zlib header: not Flate data
        end = data.find(b"endstream", start)
        size = _inflated_size(data[start:end if end >= 0 else len(data)], limits.pdf_stream)
        if size > limits.pdf_stream:
            owner = [m.group(1).decode() for m in _OBJECT.finditer(data, max(0, start - 4096), start)]
            objid = owner[-1] if owner else "?"
            raise ReadError(name, "pdf-bomb", variable="GOVREPORT_MAX_PDF_STREAM", detail=(
                f"对象{objid}解压后超过{limits.pdf_stream}字节", f"object {objid} inflates to more than {limits.pdf_stream} bytes"))
        total += size
        if total > limits.pdf_streams:
            raise ReadError(name, "pdf-bomb", variable="GOVREPORT_MAX_PDF_STREAMS", detail=(
                f"全部数据流解压后超过{limits.pdf_streams}字节", f"its streams inflate to more than {limits.pdf_streams} bytes"))


def _is_encrypted(error: BaseException) -> bool:
    seen: list[BaseException] = [error]
    if error.args and isinstance(error.args[0], BaseException):
        seen.append(error.args[0])
    if error.__cause__ is not None:
        seen.append(error.__cause__)
    return any(type(e).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning", "Encrypted") for e in seen)


# -- one page ----------------------------------------------------------------------------


def _white(color: Any) -> bool:
    """Whether a pdfplumber colour is white (or absent), i.e. invisible on paper."""
    if color is None:
        return True
    if isinstance(color, (int, float)):
        return float(color) >= 0.95
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return False  # patterns and the like: assume visible
    if len(values) in (1, 3):
        return all(v >= 0.95 for v in values)
    if len(values) == 4:  # CMYK
        return all(v <= 0.05 for v in values)
    return False


def _visible(obj: dict[str, Any]) -> bool:
    kind = obj.get("object_type")
    if kind == "rect":
        if obj.get("stroke") and not _white(obj.get("stroking_color")):
            return True
        thin = min(obj.get("width", 0), obj.get("height", 0)) <= 3
        return bool(obj.get("fill")) and thin and not _white(obj.get("non_stroking_color"))
    if kind in ("line", "curve"):
        return not (obj.get("stroke", True) and _white(obj.get("stroking_color")) and not obj.get("fill"))
    return True


def _closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules where a table's vertical rules all end (or start) together.

    A table cut by a page break has no border at the cut, but its vertical rules
    still end together there. A height only counts as such an end if no vertical
    rule within the same horizontal extent crosses it: inside a table, the rules
    of a cell merged down across rows cross every row boundary it covers, so no
    rule is invented through a merged label cell.
    """
    verticals = [e for e in edges if e.get("orientation") == "v"]
    out: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        groups: dict[int, list[dict[str, Any]]] = {}
        for edge in verticals:
            groups.setdefault(round(edge[key] / EDGE_TOLERANCE), []).append(edge)
        for group in groups.values():
            xs = sorted({round(e["x0"], 1) for e in group})
            if len(xs) < 3:
                continue
            y = sum(e[key] for e in group) / len(group)
            crossed = any(
                xs[0] - EDGE_TOLERANCE <= e["x0"] <= xs[-1] + EDGE_TOLERANCE
                and e["top"] < y - EDGE_TOLERANCE
                and e["bottom"] > y + EDGE_TOLERANCE
                for e in verticals
            )
            if crossed:
                continue
            out.append(
                {
                    "object_type": "synthetic_edge",
                    "orientation": "h",
                    "x0": xs[0],
                    "x1": xs[-1],
                    "top": y,
                    "bottom": y,
                    "width": xs[-1] - xs[0],
                    "height": 0,
                }
            )
    return out


def _cluster(values: list[float]) -> list[float]:
    """Sorted representative values, merging values closer than EDGE_TOLERANCE."""
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= EDGE_TOLERANCE:
            continue
        out.append(value)
    return out


def _index(edges: list[float], value: float) -> int:
    """Index of the edge nearest to ``value``."""
    i = bisect_right(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def _dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``page.dedupe_chars()`` in n·log n: the same characters are kept (one of each group
    with the same text, font and size within 1 pt), but pdfplumber's own version orders
    the result with ``list.index``, quadratic in the characters of a page (20,000
    characters: 54 s, against 2.8 s here). A character alone of its text, font and size
    on the page is kept without clustering (most are)."""
    key = itemgetter("upright", "text", "fontname", "size")
    position = itemgetter("doctop", "x0")
    keep: set[int] = set()
    for _, group in itertools.groupby(sorted(chars, key=key), key=key):
        same = list(group)
        if len(same) == 1:
            keep.add(id(same[0]))
            continue
        for row in _chains(same, "doctop"):
            for run in _chains(row, "x0"):
                keep.add(id(min(run, key=position)))
    return [c for c in chars if id(c) in keep]


def _chains(objects: list[dict[str, Any]], name: str) -> list[list[dict[str, Any]]]:
    """``objects`` in groups whose ``name`` values are chained within 1 pt of each other
    (pdfplumber's ``cluster_objects(objects, name, 1)``; the order within a group is
    by value, then as given)."""
    ordered = sorted(objects, key=itemgetter(name))
    out = [[ordered[0]]]
    for previous, obj in zip(ordered, ordered[1:]):
        if obj[name] <= previous[name] + 1:
            out[-1].append(obj)
        else:
            out.append([obj])
    return out


class _Ruling:
    """What pdfplumber's table finder reads of a page: its edges and its box."""

    def __init__(self, edges: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> None:
        self.edges = edges
        self.bbox = bbox


def _read_page(page: Any, pdfplumber: Any, max_cells: int | None = None) -> list[_Block]:
    """Blocks of one page's records (:class:`~govreport.sources.pdfium.Page`) in reading order."""
    number = page.number
    chars = _dedupe_chars(page.chars)  # fake bold by overprinting doubles every character
    if not chars:
        return []

    utils = pdfplumber.utils
    edges = [utils.line_to_edge(o) for o in page.lines if _visible(o)]
    edges += [e for o in page.rects if _visible(o) for e in utils.rect_to_edges(o)]
    edges += [e for o in page.curves if _visible(o) for e in utils.curve_to_edges(o)]
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    closing = _closing_edges(edges)
    if closing:
        settings["explicit_horizontal_lines"] = closing  # type: ignore[assignment]
    found = pdfplumber.table.TableFinder(_Ruling(edges, page.bbox), settings).tables

    placed: list[tuple[float, int, _Block]] = []  # (top, order, block)
    grids: list[
        tuple[
            tuple[float, float, float, float],
            list[float],
            list[float],
            list[list[int | None]],
            list[list[dict[str, Any]]],
            list[tuple[int, int, int, int, tuple[float, float, float, float]]],
        ]
    ] = []
    for table in found:
        cells = table.cells
        xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
        ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
        if len(xs) < 3 or len(ys) < 2:
            continue  # a single column (or row of nothing) is a box, not a table
        if max_cells is not None and (len(xs) - 1) * (len(ys) - 1) > max_cells:
            raise GridLimit((len(xs) - 1) * (len(ys) - 1), max_cells)
        owner: list[list[int | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
        regions: list[tuple[int, int, int, int, tuple[float, float, float, float]]] = []
        for bbox in cells:
            c0, c1 = _index(xs, bbox[0]), _index(xs, bbox[2])
            r0, r1 = _index(ys, bbox[1]), _index(ys, bbox[3])
            if c1 <= c0 or r1 <= r0:
                continue
            regions.append((r0, r1, c0, c1, bbox))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if owner[r][c] is None:
                        owner[r][c] = len(regions) - 1
        grids.append((table.bbox, xs, ys, owner, [[] for _ in regions], regions))

    outside: list[dict[str, Any]] = []
    for char in chars:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2
        for bbox, xs, ys, owner, buckets, _ in grids:
            if not (bbox[0] <= cx < bbox[2] and bbox[1] <= cy < bbox[3]):
                continue
            col = bisect_right(xs, cx) - 1
            row = bisect_right(ys, cy) - 1
            if 0 <= row < len(owner) and 0 <= col < len(owner[0]) and owner[row][col] is not None:
                buckets[owner[row][col]].append(char)  # type: ignore[index]
                break
        else:
            outside.append(char)

    for order, (bbox, xs, _ys, _owner, buckets, regions) in enumerate(grids):
        fragment_cells = [
            _PdfCell(
                r0,
                r1,
                c0,
                c1,
                _cell_text(pdfplumber.utils.extract_text(bucket)) if bucket else "",
                number,
                box,
                bucket,
            )
            for (r0, r1, c0, c1, box), bucket in zip(regions, buckets)
        ]
        rows = max((cell.r1 for cell in fragment_cells), default=0)
        fragment = _Fragment(list(xs), rows, fragment_cells, number, round(bbox[0], 1), round(bbox[1], 1))
        placed.append((bbox[1], order, fragment))

    if outside:
        textmap = pdfplumber.utils.chars_to_textmap(outside, layout_bbox=page.bbox)
        lines = textmap.extract_text_lines(strip=True, return_chars=False)
        height = float(page.height) or 1.0
        for n, line in enumerate(lines, 1):
            text = line["text"]
            edge = n == 1 or n == len(lines)
            in_band = line["top"] < height * MARGIN_BAND or line["bottom"] > height * (1 - MARGIN_BAND)
            if (edge or in_band) and _PAGE_NUMBER.match(text):
                continue
            located = Line(
                text=text, location=Location(page=number, line=n, x=round(line["x0"], 1), y=round(line["top"], 1))
            )
            placed.append((line["top"], len(grids) + n, located))

    for n, image in enumerate(page.images):
        placed.append((float(image.get("top", 0.0)), len(grids) + len(placed) + n + 100_000, _Image()))

    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


# -- across pages ------------------------------------------------------------------------


def _cell_text(text: str) -> str:
    """Cell text; vertical writing in a narrow cell is joined back into one line.

    A label like 三、本年度办理结果 set in a one-character-wide column comes out as
    one character per line; three or more lines of at most two characters, without
    digits or Latin letters, are such a column and are joined without breaks.
    """
    lines = text.split("\n")
    if len(lines) >= 3 and all(len(line.strip()) <= 2 for line in lines) and not _LATIN_OR_DIGIT.search(text):
        return "".join(line.strip() for line in lines)
    return text


def _edge_map(small: list[float], large: list[float]) -> list[int] | None:
    """Index in ``large`` of each edge of ``small``, or None if one has no match."""
    out: list[int] = []
    for x in small:
        j = _index(large, x)
        if abs(large[j] - x) > COLUMN_TOLERANCE:
            return None
        out.append(j)
    return out


def _continues(above: _PdfCell, below: _PdfCell) -> bool:
    """Whether ``below`` (first row on a page) is the rest of ``above`` (last row before).

    Only merged cells qualify (one of the two spans several rows): single-row data
    cells are never joined. An empty continuation is the common case (the label
    stayed on the first page). A continuation with text is joined only when the
    text was visibly cut: it fills ``above`` to the bottom and starts at the top of
    ``below`` although ``below`` is taller (a vertically centred label of another
    group would sit in the middle).
    """
    if not above.text.strip():
        return False
    if above.r1 - above.r0 <= 1 and below.r1 - below.r0 <= 1:
        return False
    if not below.text.strip():
        return True
    height = max(above.line_height, below.line_height, 1.0)
    return bool(
        above.gap_bottom <= 1.5 * height and below.gap_top <= 1.5 * height and below.gap_top * 2 < below.gap_bottom
    )


def _join(previous: _Fragment, following: _Fragment) -> bool:
    """Append ``following`` (top of the next page) to ``previous`` if they are one table."""
    if following.page != previous.last_page + 1:
        return False
    if len(previous.xs) == len(following.xs):
        mapping: list[int] | None = list(range(len(following.xs)))
    elif len(following.xs) < len(previous.xs):
        mapping = _edge_map(following.xs, previous.xs)
    else:
        back = _edge_map(previous.xs, following.xs)
        if back is None:
            return False
        for cell in previous.cells:  # re-grid the earlier part on the finer columns
            cell.c0, cell.c1 = back[cell.c0], back[cell.c1]
        previous.xs = list(following.xs)
        mapping = list(range(len(following.xs)))
    if mapping is None:
        return False

    offset = previous.rows
    bottom = {(c.c0, c.c1): c for c in previous.cells if c.r1 == offset}
    for cell in following.cells:
        c0, c1 = mapping[cell.c0], mapping[cell.c1]
        above = bottom.get((c0, c1)) if cell.r0 == 0 else None
        if above is not None and _continues(above, cell):
            above.r1 = offset + cell.r1  # a merged cell cut by the page break
            if cell.text.strip():
                above.text = f"{above.text}\n{cell.text}"
            continue
        cell.r0 += offset
        cell.r1 += offset
        cell.c0, cell.c1 = c0, c1
        previous.cells.append(cell)
    previous.rows = offset + following.rows
    previous.last_page = following.page
    return True


class _TableLimit(Exception):
    def __init__(self, table: int, page: int, limit: int) -> None:
        super().__init__(table, page, limit)
        self.table, self.page, self.limit = table, page, limit


def _assemble(
    pages: list[list[_Block]], max_cells: int | None = None
) -> tuple[tuple[Line | Table, ...], tuple[int, ...]]:
    """The blocks of all pages, tables continued across pages joined, and where the
    pictures stood (see ``Document.images``)."""
    merged: list[_Block] = []
    last: _Block | None = None  # the last block that is not a picture
    for blocks in pages:
        content = [b for b in blocks if not isinstance(b, _Image)]
        first = content[0] if content else None
        for block in blocks:
            if (
                block is first
                and isinstance(block, _Fragment)
                and isinstance(last, _Fragment)
                and _join(last, block)
            ):
                continue
            merged.append(block)
            if not isinstance(block, _Image):
                last = block

    out: list[Line | Table] = []
    images: list[int] = []
    index = 0
    for block in merged:
        if isinstance(block, _Image):
            images.append(len(out))
            continue
        if isinstance(block, Line):
            out.append(block)
            continue
        try:
            table = _table(block, index + 1, max_cells)
        except GridLimit as limit:
            raise _TableLimit(index + 1, block.page, limit.limit) from None
        if table is not None:
            index += 1
            out.append(table)
    return tuple(out), tuple(images)


def _table(fragment: _Fragment, index: int, max_cells: int | None = None) -> Table | None:
    spans = [
        Span(cell, cell.r0, cell.c0, cell.r1 - cell.r0, cell.c1 - cell.c0)
        for cell in fragment.cells
        if cell.r1 > cell.r0 and cell.c1 > cell.c0  # a box thinner than one grid step covers nothing
    ]
    grid = expand(spans, rows=fragment.rows, columns=len(fragment.xs) - 1, max_cells=max_cells)
    if not grid or len(grid[0]) < 2:
        return None
    rows: list[tuple[Cell, ...]] = []
    for r, grid_row in enumerate(grid, 1):
        cells: list[Cell] = []
        for c, (origin, spanned) in enumerate(grid_row, 1):
            if origin is None:
                cells.append(Cell(text="", location=Location(table=index, row=r, cell=c)))
                continue
            cells.append(
                Cell(
                    text=origin.text,
                    location=Location(page=origin.page, table=index, row=r, cell=c, x=origin.x, y=origin.y),
                    spanned=spanned,
                    ocr=origin.ocr,
                )
            )
        rows.append(tuple(cells))
    return Table(rows=tuple(rows), location=Location(page=fragment.page, table=index, x=fragment.x, y=fragment.y))


# -- document information ----------------------------------------------------------------


def _metadata(raw: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """Title and the usual information-dictionary entries, as text."""
    out: dict[str, str] = {}
    for key in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate"):
        value = raw.get(key)
        if value is None:
            continue
        text = _pdf_text(value).strip().strip("\x00")
        if text:
            out[key] = text
    return out.get("Title"), out


def _pdf_text(value: Any) -> str:
    """Decode an information-dictionary string.

    Many Chinese producers write UTF-16 *little*-endian with a ``FF FE`` mark, which
    the PDF standard does not allow and pdfminer therefore decodes as PDFDocEncoding
    (``ÿþ*mýl...``). Such strings are re-encoded and decoded as UTF-16.
    """
    raw: bytes | None
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str):
        if not value.startswith(("ÿþ", "þÿ")):
            return value
        raw = _pdfdoc_bytes(value)
        if raw is None:
            return value
    else:
        return str(value)
    if raw.startswith(UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return raw.decode("utf-16", "replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _pdfdoc_bytes(text: str) -> bytes | None:
    try:
        from pdfminer.utils import PDFDocEncoding
    except ImportError:  # pragma: no cover - pdfminer comes with pdfplumber
        return None
    reverse: dict[str, int] = {}
    for code, char in enumerate(PDFDocEncoding):
        reverse.setdefault(char, code)  # undefined codes decode to NUL too; NUL is 0
    out = bytearray()
    for char in text:
        if char in reverse:
            out.append(reverse[char])
        elif ord(char) < 256:
            out.append(ord(char))
        else:
            return None
    return bytes(out)
