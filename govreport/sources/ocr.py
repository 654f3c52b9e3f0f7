"""Scanned reports: image-only PDF pages and image files, read by OCR.

Needs the optional extra ``ocr`` (rapidocr-onnxruntime: the PP-OCRv4 detection and
recognition models ship inside its wheel and run on onnxruntime on the CPU, so nothing
is downloaded at run time; pypdfium2 renders PDF pages). Without it
:class:`~govreport.sources.errors.MissingExtra` names the extra.

What is read, per page, into the same :class:`~govreport.sources.document.Document`
model as the other readers (so :mod:`govreport.extract` finds sections, rows and cells
with the same code):

* The page is turned grey and **deskewed**: the angle is the median angle of the long
  straight ruling segments (a table's lines), corrected when it is between 0.1° and 5°.
* **Tables** come from the page's ruling lines (most scans show the grid): horizontal and
  vertical strokes are isolated by morphological opening, a group of crossing strokes
  is a table, and each white region enclosed by them is a cell. Region edges are
  clustered into the grid's column and row edges, so merged cells come out as in the
  PDF reader (expanded, ``spanned=True`` on the copies); tables cut by a page break are
  joined to the part on the page before by the PDF reader's rules.
* **Text**: the ruling found above is painted out (a piece of rule in a crop reads as
  ``1``), the engine's detector finds the text boxes on the whole page, and each box is
  recognised once, keeping the runner-up character at every position. A box goes to the
  cell its centre lies in, or else to a visual line outside the tables (boxes whose
  vertical extents overlap, left to right; running page numbers dropped). A box that runs
  across several cells sends each of them to be detected again in its own crop; a cell
  with ink and no box (detection drops isolated single ``0`` cells) is recognised from
  its own crop.
* A table continued on the next page keeps the column edges of its part on the page
  before (two scans are never placed alike), then the PDF reader joins the parts.
* Every cell read by OCR carries an :class:`~govreport.sources.document.OcrText`: the
  engine's text, its confidence, the runner-up characters, and whether a letter the
  engine returned in a number (``o``/``O``/``Q``/``D`` for 0, ``l``/``I``/``|`` for 1, …)
  was read as the digit it stands for. :mod:`govreport.extract` uses them to repair a
  digit with the report's own relations (rule READ-OCR) -- never silently.
* ``Location``: ``page``, ``table``/``row``/``cell`` or ``line``, and ``x``/``y`` of the
  box's top-left corner in points (1/72 inch) from the page's top-left, as for PDF.

Measured with rapidocr-onnxruntime 1.4.4 on two shared cores: about 5-10 s of CPU per
A4 page (detection on the whole page is about half of it); the tests marked ``slow`` in
tests/sources/test_ocr.py print seconds per page.
"""

from __future__ import annotations

import functools
import io
import re
import statistics
from typing import Any

from govreport.location import Location
from govreport.sources.document import Document, Line, OcrText, Table
from govreport.sources.errors import MissingExtra, ReadError, error_detail
from govreport.sources.pdf import _PAGE_NUMBER, MARGIN_BAND, _assemble, _Block, _Fragment, _PdfCell

__all__ = ["OCR_MODES", "available", "load_picture", "read_image", "read_pictures", "read_scanned_pdf", "ruled"]

#: ``--ocr``: ``auto`` reads a PDF page by OCR when the PDF has no usable text layer;
#: ``always`` reads every PDF page by OCR; ``never`` refuses scanned files.
OCR_MODES = ("auto", "always", "never")

#: Resolution PDF pages are rendered at for OCR.
RENDER_DPI = 200
#: Resolution assumed for an image file that does not say.
IMAGE_DPI = 150
#: Column edges of a table's parts on two scanned pages match within this (points).
ALIGN_TOLERANCE = 12.0
#: A runner-up character at least this likely is kept as an alternative.
RUNNER_UP = 0.1
#: Pages larger than this (pixels, longer side) are scaled down before reading.
MAX_SIDE = 3600

# Letters the engine returns for digits, in a cell that is otherwise a number.
_LETTER_DIGITS = str.maketrans({
    "o": "0", "O": "0", "Q": "0", "D": "0", "〇": "0", "○": "0", "θ": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "丨": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9", "q": "9",
})
# A lone stroke read as a Latin letter between Chinese characters (a speck, the end of a
# rule) is no text: 三、I收到 -> 三、收到. A list number 1. read as L. or l. is 1.
_STRAY = re.compile(r"(?<=[、，。；：（）])\s*[Il|丨!]\s*(?=[\u4e00-\u9fff（])")
_LIST_ONE = re.compile(r"^[LlI|](?=[.．、]\s*[\u4e00-\u9fff])")
_NUMBERISH = re.compile(r"[0-9oOQD〇○θlIi|!丨ZzSsBgq.,，。·]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def available() -> bool:
    """Whether the ``ocr`` extra is installed."""
    try:
        _modules()
    except ImportError:
        return False
    return True


def _modules() -> tuple[Any, Any, Any]:
    import cv2
    import numpy
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return cv2, numpy, RapidOCR


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    _, _, rapid = _modules()
    return rapid(params={"Global.print_verbose": False})


def _require(name: str, media: str | tuple[str, str]) -> tuple[Any, Any]:
    try:
        cv2, numpy, _ = _modules()
    except ImportError:
        raise MissingExtra(name, media, "ocr") from None
    return cv2, numpy


# -- entry points --------------------------------------------------------------------------


def read_scanned_pdf(data: bytes, *, name: str, sha256: str) -> Document:
    """Every page of a PDF read by OCR (see the module docstring)."""
    cv2, numpy = _require(name, "扫描版PDF")
    try:
        import pypdfium2  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise MissingExtra(name, "扫描版PDF", "ocr") from None
    pages: list[list[_Block]] = []
    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as error:  # pdfium's errors on a damaged file
        raise ReadError(name, "corrupt", media="PDF", detail=error_detail(error)) from None
    try:
        info = {k: str(v).strip() for k, v in pdf.get_metadata_dict(skip_empty=True).items() if str(v).strip()}
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=RENDER_DPI / 72, grayscale=True)
            grey = numpy.array(bitmap.to_pil().convert("L"))
            pages.append(_read_page(grey, index + 1, 72 / RENDER_DPI, cv2, numpy))
            page.close()
    finally:
        pdf.close()
    return _document(pages, name=name, sha256=sha256, media_type="application/pdf", title=info.get("Title"),
                     metadata=info)


def read_image(data: bytes, *, name: str, sha256: str, media_type: str) -> Document:
    """An image file (PNG, JPEG, TIFF; every frame of a multi-page TIFF is a page)."""
    cv2, numpy = _require(name, "图片")
    from PIL import Image, ImageSequence

    frames: list[tuple[Any, float]] = []
    try:
        with Image.open(io.BytesIO(data)) as image:
            for frame in ImageSequence.Iterator(image):
                dpi = _dpi(frame.info.get("dpi"))
                frames.append((numpy.array(frame.convert("L")), dpi))
    except Exception as error:  # PIL's errors on a damaged or unknown image
        raise ReadError(name, "corrupt", media=_IMAGE_NAMES.get(media_type, "image"),
                        detail=error_detail(error)) from None
    pages = [_read_page(grey, number, 72 / dpi, cv2, numpy) for number, (grey, dpi) in enumerate(frames, 1)]
    return _document(pages, name=name, sha256=sha256, media_type=media_type, title=None, metadata={})


#: Formats a picture inside a DOCX or HTML file is decoded from (never EPS and the like,
#: which PIL reads by running other programs).
PICTURE_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP")


def load_picture(data: bytes, *, name: str, image: str, max_pixels: int) -> tuple[Any, float] | None:
    """A picture inside a document (its first frame) in grey on white, and its resolution;
    None when it is no image of :data:`PICTURE_FORMATS` (a Word drawing, SVG...).

    The pixel count is checked from the header before anything is decoded
    (``image-too-large``: a few KB of PNG may claim billions of pixels)."""
    _, numpy = _require(name, ("DOCX/HTML中的图片", "pictures in DOCX/HTML"))
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=PICTURE_FORMATS) as picture:
            width, height = picture.size
            if width * height > max_pixels:
                raise ReadError(name, "image-too-large", detail=image, size=width * height, limit=max_pixels,
                                variable="GOVREPORT_MAX_IMAGE_PIXELS")
            dpi = _dpi(picture.info.get("dpi"))
            if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
                # transparent paper is white paper (converted directly it would be black)
                paper = Image.new("RGBA", picture.size, (255, 255, 255, 255))
                grey = Image.alpha_composite(paper, picture.convert("RGBA")).convert("L")
            else:
                grey = picture.convert("L")
            return numpy.array(grey), dpi
    except ReadError:
        raise
    except Exception:  # PIL's errors on what is no picture it can read (or a damaged one)
        return None


def ruled(grey: Any, dpi: float) -> bool:
    """Whether a picture shows a ruled table (the page reader's grid search, without OCR)."""
    cv2, numpy, _ = _modules()
    height, width = grey.shape[:2]
    page = (max(height, round(11.69 * dpi)), max(width, round(8.27 * dpi)))
    if max(height, width) > MAX_SIDE:
        factor = MAX_SIDE / max(height, width)
        grey = cv2.resize(grey, (int(width * factor), int(height * factor)), interpolation=cv2.INTER_AREA)
        page = (round(page[0] * factor), round(page[1] * factor))
    if min(grey.shape[:2]) < 40:
        return False  # an icon
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    return bool(_tables(ink, cv2, numpy, page)[0])


def read_pictures(pictures: list[tuple[Any, float]]) -> tuple[Line | Table, ...]:
    """Pictures that follow one another in a document, read like the pages of a scan (a
    table continued from one picture to the next is joined); ``Location.page`` is the
    picture's place in ``pictures`` (1-based)."""
    cv2, numpy, _ = _modules()
    pages = [_read_page(grey, number, 72 / dpi, cv2, numpy, picture=True)
             for number, (grey, dpi) in enumerate(pictures, 1)]
    _align(pages)
    blocks, _ = _assemble(pages)
    return blocks


def _dpi(value: Any) -> float:
    """The horizontal resolution an image states, if plausible, else :data:`IMAGE_DPI`."""
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return float(IMAGE_DPI)
    return dpi if 50 <= dpi <= 1200 else float(IMAGE_DPI)


_IMAGE_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}


def _document(pages: list[list[_Block]], *, name: str, sha256: str, media_type: str, title: str | None,
              metadata: dict[str, str]) -> Document:
    if not any(pages):
        raise ReadError(name, "ocr-no-text")
    _align(pages)
    blocks, _ = _assemble(pages)  # a scan's pictures are what OCR read: no image positions to record
    return Document(blocks=blocks, media_type=media_type, sha256=sha256, name=name,
                    title=title, metadata={**metadata, "ocr": "rapidocr-onnxruntime"})


def _align(pages: list[list[_Block]]) -> None:
    """Give a table continued at the top of a page the column edges of its part on the
    page before, when each edge is within :data:`ALIGN_TOLERANCE` of one of them.

    Two scanned pages are never placed or turned quite alike, so the same column edge
    lies a few points apart on them -- more than the PDF reader's tolerance for joining
    the parts of a table; the grid's cells index the edges, so moving them is safe.
    """
    for before, page in zip(pages, pages[1:]):
        if not before or not page or not isinstance(before[-1], _Fragment) or not isinstance(page[0], _Fragment):
            continue
        above, below = before[-1].xs, page[0].xs
        moved = []
        for x in below:
            nearest = min(above, key=lambda edge: abs(edge - x))
            if abs(nearest - x) > ALIGN_TOLERANCE:
                break
            moved.append(nearest)
        else:
            if len(set(moved)) == len(moved):
                page[0].xs = moved


# -- one page ------------------------------------------------------------------------------


class _Box:
    """A text box found by the detector, in page pixels."""

    __slots__ = ("bottom", "left", "right", "runners", "score", "text", "top")

    def __init__(self, quad: Any, text: str, score: float) -> None:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        self.left, self.right, self.top, self.bottom = min(xs), max(xs), min(ys), max(ys)
        self.text = text
        self.score = float(score)
        self.runners: tuple[tuple[int, str], ...] = ()

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _read_page(grey: Any, number: int, points: float, cv2: Any, numpy: Any, picture: bool = False) -> list[_Block]:
    """The blocks of one page image in reading order; ``points`` converts pixels to points.

    A ``picture`` (cut out of a page) is searched for ruling as on the A4 page it would
    be part of: the strokes that count as rules are as long as on a page of its
    resolution, not a fraction of the picture (which would take a digit's stroke for one)."""
    height, width = grey.shape[:2]
    page = (max(height, round(11.69 * 72 / points)), max(width, round(8.27 * 72 / points))) if picture else None
    if max(height, width) > MAX_SIDE:
        factor = MAX_SIDE / max(height, width)
        if page is not None:
            page = (round(page[0] * factor), round(page[1] * factor))
        grey = cv2.resize(grey, (int(width * factor), int(height * factor)), interpolation=cv2.INTER_AREA)
        points /= factor
        height, width = grey.shape[:2]
    grey = _deskew(grey, cv2, numpy)
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    tables, rules = _tables(ink, cv2, numpy, page)
    # Text is read with the ruling removed: a cell's box (or a slightly turned cell's
    # crop) must not bring a piece of rule into the recogniser, which reads it as 1.
    # Painted with the paper's own grey: white stripes on a grey scan would read as boxes.
    paper = numpy.uint8(numpy.median(grey))
    grey = numpy.where(rules > 0, paper, grey)

    boxes = _find_text(grey, cv2, numpy)

    placed: list[tuple[float, int, _Block]] = []
    outside: list[_Box] = []
    owners: list[list[list[_Box]]] = [[[] for _ in cells] for _, cells in tables]
    again: list[set[int]] = [set() for _ in tables]  # cells to detect again in their own crop
    for box in boxes:
        for t, (bbox, cells) in enumerate(tables):
            if not (bbox[0] <= box.cx < bbox[2] and bbox[1] <= box.cy < bbox[3]):
                continue
            slack = 0.3 * (box.bottom - box.top)
            for c, (x0, y0, x1, y1) in enumerate(cells):
                if not (x0 <= box.cx < x1 and y0 <= box.cy < y1):
                    continue
                if box.left < x0 - slack or box.right > x1 + slack or box.top < y0 - slack or box.bottom > y1 + slack:
                    # one box across several cells (text of neighbouring cells run together):
                    # every cell it touches is read again on its own
                    again[t].update(k for k, (a0, b0, a1, b1) in enumerate(cells)
                                    if a0 < box.right and box.left < a1 and b0 < box.bottom and box.top < b1)
                else:
                    owners[t][c].append(box)
                break
            break
        else:
            outside.append(box)
    for t, (_, cells) in enumerate(tables):
        for c in again[t]:
            owners[t][c] = _detect(grey, cells[c], cv2, numpy)

    for order, ((bbox, cells), owned) in enumerate(zip(tables, owners)):
        fragment = _fragment(cells, owned, grey, ink, number, points, cv2, numpy)
        if fragment is not None:
            placed.append((bbox[1] * points, order, fragment))

    lines = _lines(outside, number, points)
    page_height = height * points
    for n, (top, line) in enumerate(lines, 1):
        # running page numbers are dropped, as the PDF reader does
        edge = n == 1 or n == len(lines)
        in_band = top < page_height * MARGIN_BAND or top > page_height * (1 - MARGIN_BAND)
        if (edge or in_band) and _PAGE_NUMBER.match(line.text):
            continue
        placed.append((top, len(tables) + n, line))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed]


def _find_text(grey: Any, cv2: Any, numpy: Any, shift: tuple[int, int] = (0, 0)) -> list[_Box]:
    """Text boxes of an image: the engine's detector, then :func:`_recognise` on each box
    (once: a box in a number cell is not read again). ``shift`` is added to positions."""
    quads, _ = _engine().text_det(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
    if quads is None or len(quads) == 0:
        return []
    height, width = grey.shape[:2]
    crops = []
    for quad in quads:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        x0, x1 = max(0, int(min(xs)) - 2), min(width, int(max(xs)) + 3)
        y0, y1 = max(0, int(min(ys)) - 2), min(height, int(max(ys)) + 3)
        crop = grey[y0:y1, x0:x1]
        if crop.shape[0] >= 1.5 * crop.shape[1]:
            crop = numpy.rot90(crop)  # a vertical box, turned as the engine does
        crops.append(crop)
    out = []
    for quad, (text, score, runners) in zip(quads, _recognise(crops, cv2, numpy)):
        if text.strip():
            box = _Box([(p[0] + shift[0], p[1] + shift[1]) for p in quad], text, score)
            box.runners = runners
            out.append(box)
    return out


def _detect(grey: Any, cell: tuple[int, int, int, int], cv2: Any, numpy: Any) -> list[_Box]:
    """Text boxes found in one cell's own crop (page pixels)."""
    x0, y0, x1, y1 = cell
    pad = 2
    crop = grey[y0 + pad:y1 - pad, x0 + pad:x1 - pad]
    if crop.size == 0:
        return []
    margin = 16
    framed = numpy.pad(crop, margin, constant_values=255)
    return _find_text(framed, cv2, numpy, shift=(x0 + pad - margin, y0 + pad - margin))


def _deskew(grey: Any, cv2: Any, numpy: Any) -> Any:
    """The page turned so that its long ruling lines are level (±5° at most)."""
    height, width = grey.shape[:2]
    edges = cv2.Canny(grey, 50, 150)
    segments = cv2.HoughLinesP(edges, 1, numpy.pi / 1800, threshold=200, minLineLength=width // 4, maxLineGap=8)
    if segments is None:
        return grey
    angles = []
    for x1, y1, x2, y2 in segments.reshape(-1, 4).tolist():
        angle = float(numpy.degrees(numpy.arctan2(y2 - y1, x2 - x1)))
        if abs(angle) < 5:
            angles.append(angle)
    if len(angles) < 2:
        return grey
    angle = statistics.median(angles)
    if abs(angle) < 0.1:
        return grey
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _tables(ink: Any, cv2: Any, numpy: Any, page: tuple[int, int] | None = None
            ) -> tuple[list[tuple[tuple[int, int, int, int], list[tuple[int, int, int, int]]]], Any]:
    """Each ruled table of the page (its box and the boxes of its cells, in pixels), and
    the mask of the ruling lines. ``page`` is the (height, width) the strokes of a rule
    are measured against (default: the image's)."""
    height, width = page or ink.shape[:2]
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, width // 30), 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, height // 60))))
    rules = cv2.dilate(horizontal | vertical, numpy.ones((3, 3), numpy.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    out: list[tuple[tuple[int, int, int, int], list[tuple[int, int, int, int]]]] = []
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        if w < width // 5 or h < 20:
            continue
        region = (labels[y:y + h, x:x + w] == label).astype(numpy.uint8)
        # Close the grid at its outer edges: a table cut by a page break has no rule
        # there, and its last (first) row of cells would otherwise run out of the table.
        region[0, :] = region[-1, :] = 1
        region[:, 0] = region[:, -1] = 1
        if not vertical[y:y + h, x:x + w].any() or not horizontal[y:y + h, x:x + w].any():
            continue
        holes, hole_labels, hole_stats, _ = cv2.connectedComponentsWithStats(1 - region, connectivity=4)
        cells = []
        for hole in range(1, holes):
            hx, hy, hw, hh, area = (int(v) for v in hole_stats[hole])
            if hw < 8 or hh < 8 or area < 0.5 * hw * hh:
                continue  # a sliver between doubled lines, or the ragged outside of the grid
            cells.append((x + hx, y + hy, x + hx + hw, y + hy + hh))
        if len(cells) >= 2:
            out.append(((x, y, x + w, y + h), cells))
    out.sort(key=lambda item: item[0][1])
    return out, rules


def _cluster(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= tolerance:
            continue
        out.append(value)
    return out


def _nearest(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _fragment(cells: list[tuple[int, int, int, int]], owned: list[list[_Box]], grey: Any, ink: Any, number: int,
              points: float, cv2: Any, numpy: Any) -> _Fragment | None:
    """One table of the page as a fragment of the PDF reader's model."""
    # Edges of one grid line, measured on different cells, differ by the remaining skew
    # and the line's width: about 1% of the page width apart at most.
    tolerance = max(6.0, 0.009 * grey.shape[1])
    xs = _cluster([float(c[0]) for c in cells] + [float(c[2]) for c in cells], tolerance)
    ys = _cluster([float(c[1]) for c in cells] + [float(c[3]) for c in cells], tolerance)
    if len(xs) < 3 or len(ys) < 2:
        return None
    crops: list[tuple[int, Any]] = []
    pieces: list[tuple[int, int, int, int, tuple[int, int, int, int], list[_Box]]] = []
    for index, (box, boxes) in enumerate(zip(cells, owned)):
        c0, c1 = _nearest(xs, box[0]), _nearest(xs, box[2])
        r0, r1 = _nearest(ys, box[1]), _nearest(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        pieces.append((r0, r1, c0, c1, box, boxes))
        if _reread(box, boxes, ink):
            crops.append((len(pieces) - 1, _cell_crop(grey, box, cv2, numpy)))
    reread = dict(zip((i for i, _ in crops), _recognise([c for _, c in crops], cv2, numpy)))

    out: list[_PdfCell] = []
    for index, (r0, r1, c0, c1, box, boxes) in enumerate(pieces):
        text, ocr = _cell_text(boxes, reread.get(index))
        pbox = (box[0] * points, box[1] * points, box[2] * points, box[3] * points)
        chars = [{"top": b.top * points, "bottom": b.bottom * points} for b in boxes]
        cell = _PdfCell(r0, r1, c0, c1, text, number, pbox, chars)
        cell.ocr = ocr
        out.append(cell)
    if not out:
        return None
    rows = max(cell.r1 for cell in out)
    return _Fragment([x * points for x in xs], rows, out, number, round(xs[0] * points, 1), round(ys[0] * points, 1))


def _reread(box: tuple[int, int, int, int], boxes: list[_Box], ink: Any) -> bool:
    """Whether a cell is read from its own crop: the detector found no box in it, but there
    is ink (an isolated single ``0`` is easily missed)."""
    if boxes:
        return False
    x0, y0, x1, y1 = box
    inner = ink[y0 + 3:y1 - 3, x0 + 3:x1 - 3]
    return bool(inner.size) and int(inner.sum() // 255) > 12


def _cell_crop(grey: Any, box: tuple[int, int, int, int], cv2: Any, numpy: Any) -> Any:
    """A cell's inside, without what is left of its rules: the crop is inset, and ink
    touching the crop's edge (a faint or turned rule the ruling mask missed) is removed."""
    x0, y0, x1, y1 = box
    inset = max(3, int(0.08 * min(x1 - x0, y1 - y0)))
    crop = numpy.array(grey[y0 + inset:y1 - inset, x0 + inset:x1 - inset])
    if crop.size == 0:
        return crop
    dark = (crop < 170).astype(numpy.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    height, width = crop.shape[:2]
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        if x == 0 or y == 0 or x + w >= width or y + h >= height:
            crop[labels == label] = 255
    return crop


def _recognise(crops: list[Any], cv2: Any, numpy: Any) -> list[tuple[str, float, tuple[tuple[int, str], ...]]]:
    """Recognise single-line crops: text, confidence, and runner-up characters by position."""
    engine = _engine()
    recogniser = engine.text_rec
    characters = recogniser.postprocess_op.character
    out: list[tuple[str, float, tuple[tuple[int, str], ...]]] = [("", 0.0, ())] * len(crops)
    ready = []
    for index, crop in enumerate(crops):
        if crop.size == 0 or min(crop.shape[:2]) < 4:
            continue
        ready.append((index, _trim(crop, numpy)))
    ready.sort(key=lambda item: item[1].shape[1] / item[1].shape[0])
    batch = 8
    for start in range(0, len(ready), batch):
        part = ready[start:start + batch]
        ratio = max([320 / 48] + [c.shape[1] / c.shape[0] for _, c in part])
        images = numpy.concatenate([
            recogniser.resize_norm_img(cv2.cvtColor(c, cv2.COLOR_GRAY2BGR), ratio)[numpy.newaxis, :] for _, c in part
        ]).astype(numpy.float32)
        predictions = recogniser.session(images)[0]
        for (index, _), prediction in zip(part, predictions):
            out[index] = _decode(prediction, characters, numpy)
    return out


def _trim(crop: Any, numpy: Any) -> Any:
    """The crop with its contrast stretched (faint grey digits are read as boxes
    otherwise), cut to its ink, with a white margin (the recogniser wants a text line)."""
    low, high = int(crop.min()), int(crop.max())
    if high - low >= 24:
        crop = ((crop.astype(numpy.float32) - low) * (255.0 / (high - low))).astype(numpy.uint8)
    dark = crop < 160
    rows = numpy.where(dark.any(axis=1))[0]
    columns = numpy.where(dark.any(axis=0))[0]
    if rows.size == 0 or columns.size == 0:
        return crop
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    x0, x1 = int(columns[0]), int(columns[-1]) + 1
    body = crop[y0:y1, x0:x1]
    margin = max(4, (y1 - y0) // 4)
    return numpy.pad(body, margin, constant_values=255)


def _decode(prediction: Any, characters: list[str], numpy: Any) -> tuple[str, float, tuple[tuple[int, str], ...]]:
    """CTC decoding of one line with the runner-up character of every kept position."""
    best = prediction.argmax(axis=1)
    text: list[str] = []
    scores: list[float] = []
    runners: list[tuple[int, str]] = []
    previous = -1
    for t, index in enumerate(best):
        index = int(index)
        if index != previous and index != 0:
            text.append(characters[index])
            scores.append(float(prediction[t, index]))
            order = numpy.argsort(prediction[t])[::-1]
            for other in order[:4]:
                other = int(other)
                if other not in (0, index) and float(prediction[t, other]) >= RUNNER_UP:
                    runners.append((len(text) - 1, characters[other]))
                    break
        previous = index
    joined = "".join(text)
    return joined, (float(numpy.mean(scores)) if scores else 0.0), tuple(runners)


def _cell_text(boxes: list[_Box], reread: tuple[str, float, tuple[tuple[int, str], ...]] | None) -> tuple[str, OcrText | None]:
    """The text of a cell and what OCR says about it."""
    if reread is not None and reread[0].strip():
        raw, confidence, runners = reread
    elif boxes:
        lines = _rows(boxes)
        raw = "\n".join(_clean("".join(b.text for b in line)) for line in lines)
        confidence = min(b.score for b in boxes)
        runners = boxes[0].runners if len(boxes) == 1 else ()
    else:
        return "", None
    compact = raw.replace(" ", "")
    text = raw
    lettered = False
    if _NUMBERISH.fullmatch(compact):
        digits = compact.translate(_LETTER_DIGITS).replace("，", ",").replace("。", ".").replace("·", ".")
        digits = digits.replace(",", "")
        if _NUMBER.fullmatch(digits) and not (len(digits) > 1 and digits[0] == "0" and digits[1] != "."):
            lettered = digits != compact.replace(",", "")
            text = digits
    return text, OcrText(read=raw, confidence=round(confidence, 3), alternatives=runners, lettered=lettered)


def _clean(text: str) -> str:
    """Text without the recogniser's usual specks (see :data:`_STRAY`, :data:`_LIST_ONE`)."""
    return _LIST_ONE.sub("1", _STRAY.sub("", text))


def _rows(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes grouped into visual lines (vertical overlap), each left to right."""
    lines: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines:
            last = lines[-1]
            top = min(b.top for b in last)
            bottom = max(b.bottom for b in last)
            overlap = min(bottom, box.bottom) - max(top, box.top)
            if overlap > 0.5 * min(bottom - top, box.bottom - box.top):
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.left) for line in lines]


def _lines(boxes: list[_Box], number: int, points: float) -> list[tuple[float, Line]]:
    out: list[tuple[float, Line]] = []
    for n, line in enumerate(_rows(boxes), 1):
        parts: list[str] = []
        previous: _Box | None = None
        for box in line:
            if previous is not None and box.left - previous.right > (box.bottom - box.top):
                parts.append(" ")
            parts.append(box.text)
            previous = box
        top = min(b.top for b in line) * points
        out.append((top, Line(text=_clean("".join(parts).strip()),
                              location=Location(page=number, line=n, x=round(line[0].left * points, 1),
                                                y=round(top, 1)))))
    return out
