"""What a PDF page holds, read with pdfium: characters with boxes, ruling, pictures.

pdfium (pypdfium2, which pdfplumber itself depends on) parses a page's content in C:
about 30x faster than pdfminer's Python parser, which was over 90 % of reading a
report. This module turns its page objects into the same records pdfplumber gives --
dicts with pdfplumber's keys and top-left coordinates in points -- so that the
reader (:mod:`govreport.sources.pdf`) lays out tables and lines from either source
alike:

* ``chars``: each character pdfium did not generate itself (the spaces and line
  breaks it adds between words are not in the file), with its *loose* box: from the
  origin, the advance width, and the font's ascent and descent scaled to the font
  size -- the box pdfminer gives, not the glyph's ink. ``fontname`` is the font
  object (its identity is all that is compared), ``upright`` is pdfminer's test on
  the text matrix. A character whose code the font cannot map to Unicode becomes
  U+FFFD and is counted as undecodable.
* ``lines``, ``rects``, ``curves``: the path objects of the page and of the forms it
  draws, split into subpaths and classified as pdfminer does (a single segment is a
  line, a closed axis-aligned four-sided path a rectangle, anything else a curve),
  with the stroke and fill flags and colours (as 0-1 RGB).
* ``images``: where pictures stand (``top``).

A page that pdfium cannot lay out the way pdfminer does -- rotated, or with a media
box not at the origin -- raises :class:`Unsupported`; the reader then reads the whole
file with pdfplumber.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import pypdfium2.raw as pdfium  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = ["Page", "Unsupported", "pages"]

#: pdfium's FPDF_ERR_PASSWORD: the file is encrypted and needs a password.
_ERR_PASSWORD = 4

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class Unsupported(Exception):
    """A page this module does not lay out like pdfminer (see the module docstring)."""


class Encrypted(Exception):
    """The file needs a password."""


class Page:
    """The records of one page (see the module docstring)."""

    __slots__ = ("bbox", "chars", "curves", "height", "images", "lines", "number", "rects", "undecodable")

    def __init__(self, number: int, width: float, height: float) -> None:
        self.number = number
        self.height = height
        self.bbox = (0.0, 0.0, width, height)
        self.chars: list[dict[str, Any]] = []
        self.lines: list[dict[str, Any]] = []
        self.rects: list[dict[str, Any]] = []
        self.curves: list[dict[str, Any]] = []
        self.images: list[dict[str, Any]] = []
        self.undecodable = 0

    @property
    def objects(self) -> int:
        """Characters and paths: what the page-complexity limits count."""
        return len(self.chars) + len(self.lines) + len(self.rects) + len(self.curves)


def page_count(document: Any) -> int:
    return int(pdfium.FPDF_GetPageCount(document))


def open_document(data: bytes) -> tuple[Any, Any]:
    """The pdfium document of ``data`` and the buffer it reads (keep both alive).

    Raises :class:`Encrypted`, or ``ValueError`` for a file pdfium cannot open.
    """
    buffer = ctypes.create_string_buffer(data, len(data))
    document = pdfium.FPDF_LoadMemDocument64(buffer, len(data), None)
    if not document:
        if pdfium.FPDF_GetLastError() == _ERR_PASSWORD:
            raise Encrypted
        raise ValueError(f"pdfium cannot open the file (error {pdfium.FPDF_GetLastError()})")
    return document, buffer


def close_document(document: Any) -> None:
    pdfium.FPDF_CloseDocument(document)


def metadata(document: Any) -> dict[str, str]:
    """The information dictionary's usual entries, as pdfium decodes them."""
    out: dict[str, str] = {}
    for key in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate"):
        size = pdfium.FPDF_GetMetaText(document, key.encode("ascii"), None, 0)
        if size <= 2:
            continue
        buffer = ctypes.create_string_buffer(size)
        pdfium.FPDF_GetMetaText(document, key.encode("ascii"), buffer, size)
        out[key] = buffer.raw[: size - 2].decode("utf-16-le", "replace")
    return out


def pages(document: Any) -> Iterator[Page]:
    """Each page's records, in order; a page's memory is released before the next."""
    for index in range(page_count(document)):
        page = pdfium.FPDF_LoadPage(document, index)
        if not page:
            raise ValueError(f"pdfium cannot load page {index + 1}")
        try:
            yield _read(page, index + 1)
        finally:
            pdfium.FPDF_ClosePage(page)


def _read(page: Any, number: int) -> Page:
    if pdfium.FPDFPage_GetRotation(page) != 0:
        raise Unsupported(f"page {number} is rotated")
    sides = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(side) for side in sides]
    media = (0.0, 0.0, 0.0, 0.0)
    if pdfium.FPDFPage_GetMediaBox(page, *refs):
        media = tuple(side.value for side in sides)  # type: ignore[assignment]
        if media[0] != 0 or media[1] != 0:
            raise Unsupported(f"the media box of page {number} is not at the origin")
    if pdfium.FPDFPage_GetCropBox(page, *refs) and tuple(side.value for side in sides) != media:
        raise Unsupported(f"page {number} is cropped")
    out = Page(number, float(pdfium.FPDF_GetPageWidthF(page)), float(pdfium.FPDF_GetPageHeightF(page)))
    _read_chars(page, out)
    for index in range(pdfium.FPDFPage_CountObjects(page)):
        _read_object(pdfium.FPDFPage_GetObject(page, index), None, out)
    return out


def _read_chars(page: Any, out: Page) -> None:
    text_page = pdfium.FPDFText_LoadPage(page)
    if not text_page:
        raise ValueError(f"pdfium cannot read the text of page {out.number}")
    try:
        count = pdfium.FPDFText_CountChars(text_page)
        if count <= 0:
            return
        buffer = ctypes.create_string_buffer((count + 1) * 2)
        pdfium.FPDFText_GetText(text_page, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        text = buffer.raw[: 2 * count].decode("utf-16-le", "surrogatepass")
        if len(text) != count or any("\ud800" <= ch <= "\udfff" for ch in text):
            text = "".join(chr(pdfium.FPDFText_GetUnicode(text_page, i)) for i in range(count))
        height = out.height
        box = pdfium.FS_RECTF()
        box_ref = ctypes.byref(box)
        matrix = pdfium.FS_MATRIX()
        matrix_ref = ctypes.byref(matrix)
        # text object -> (font, upright, descent, where the loose box starts, size)
        fonts: dict[int, tuple[int, bool, float, float, float]] = {}
        descent = ctypes.c_float()
        ascent = ctypes.c_float()
        font_size = ctypes.c_float()
        x, y = ctypes.c_double(), ctypes.c_double()
        chars = out.chars
        previous: dict[str, Any] | None = None  # the last character, if its advance is unknown
        previous_key = 0
        for i, char in enumerate(text):
            if char in "\r\n":
                previous = None
                continue
            obj = pdfium.FPDFText_GetTextObject(text_page, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            if previous is not None and key == previous_key and key:
                # the next character of the same text object starts where this one's
                # advance ends: some fonts' widths pdfium takes as one em are less
                pdfium.FPDFText_GetLooseCharBox(text_page, i, box_ref)
                if previous["x0"] < box.left < previous["x1"] and abs(height - box.bottom - previous["_bottom"]) < 0.01:
                    previous["x1"] = box.left
                    previous["width"] = box.left - previous["x0"]
            previous = None
            if not char.strip() or not key:
                continue  # spaces and the breaks pdfium adds: the reader drops blank characters
            known = fonts.get(key)
            if known is None:
                font = pdfium.FPDFTextObj_GetFont(obj)
                pdfium.FPDFText_GetMatrix(text_page, i, matrix_ref)
                pdfium.FPDFFont_GetAscent(font, ctypes.c_float(1000), ctypes.byref(ascent))
                pdfium.FPDFFont_GetDescent(font, ctypes.c_float(1000), ctypes.byref(descent))
                pdfium.FPDFTextObj_GetFontSize(obj, ctypes.byref(font_size))
                low = descent.value / 1000
                span = (ascent.value - descent.value) / 1000
                known = fonts[key] = (
                    ctypes.cast(font, ctypes.c_void_p).value or 0,
                    matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0,
                    low,
                    low / span if span > 0 else 0.0,
                    font_size.value * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5,
                )
            if pdfium.FPDFText_HasUnicodeMapError(text_page, i) == 1:
                char = "\ufffd"
                out.undecodable += 1
            pdfium.FPDFText_GetLooseCharBox(text_page, i, box_ref)
            size = box.top - box.bottom
            left, right = box.left, box.right
            if abs(size - known[4]) <= 0.01 * known[4] + 0.1:
                # pdfium's loose box spans the font's ascent to descent scaled to the size;
                # pdfminer's starts at the descent and is one size high
                low = box.bottom - known[3] * size + known[2] * size
            else:  # a box not scaled by the text matrix (vertical CJK fonts): one em at the origin
                pdfium.FPDFText_GetCharOrigin(text_page, i, ctypes.byref(x), ctypes.byref(y))
                size = known[4]
                left, right = x.value, x.value + size
                low = y.value + known[2] * size
            top = height - (low + size)
            previous = {
                "object_type": "char", "text": char, "fontname": known[0], "upright": known[1],
                "size": size, "x0": left, "x1": right, "top": top, "bottom": height - low,
                "doctop": top, "width": right - left, "height": size, "_bottom": height - box.bottom,
            }
            previous_key = key
            chars.append(previous)
        for record in chars:
            del record["_bottom"]
    finally:
        pdfium.FPDFText_ClosePage(text_page)


def _matrix(obj: Any, parent: _Matrix | None) -> _Matrix:
    """The object's matrix followed by its form's (``parent``)."""
    m = pdfium.FS_MATRIX()
    if not pdfium.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        own: _Matrix = _IDENTITY
    else:
        own = (m.a, m.b, m.c, m.d, m.e, m.f)
    if parent is None:
        return own
    a, b, c, d, e, f = own
    pa, pb, pc, pd, pe, pf = parent
    return (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd,
            e * pa + f * pc + pe, e * pb + f * pd + pf)


def _read_object(obj: Any, parent: _Matrix | None, out: Page) -> None:
    kind = pdfium.FPDFPageObj_GetType(obj)
    if kind == pdfium.FPDF_PAGEOBJ_PATH:
        _read_path(obj, _matrix(obj, parent), out)
    elif kind == pdfium.FPDF_PAGEOBJ_FORM:
        inner = _matrix(obj, parent)
        for index in range(pdfium.FPDFFormObj_CountObjects(obj)):
            _read_object(pdfium.FPDFFormObj_GetObject(obj, index), inner, out)
    elif kind == pdfium.FPDF_PAGEOBJ_IMAGE:
        sides = [ctypes.c_float() for _ in range(4)]
        if pdfium.FPDFPageObj_GetBounds(obj, *(ctypes.byref(s) for s in sides)):
            left, bottom, right, top = (s.value for s in sides)
            if parent is not None:
                a, b, c, d, e, f = parent
                top = max(b * x + d * y + f for x in (left, right) for y in (bottom, top))
            out.images.append({"object_type": "image", "top": out.height - top})


def _colour(getter: Any, obj: Any) -> tuple[float, float, float] | None:
    rgba = [ctypes.c_uint() for _ in range(4)]
    if not getter(obj, *(ctypes.byref(v) for v in rgba)):
        return None
    return (rgba[0].value / 255, rgba[1].value / 255, rgba[2].value / 255)


def _read_path(obj: Any, matrix: _Matrix, out: Page) -> None:
    """The path's subpaths as pdfminer classifies them (see ``PDFLayoutAnalyzer.paint_path``)."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    xy = (ctypes.byref(x), ctypes.byref(y))
    subpaths: list[list[tuple[str, tuple[float, float]]]] = []
    bezier = 0
    for index in range(pdfium.FPDFPath_CountSegments(obj)):
        segment = pdfium.FPDFPath_GetPathSegment(obj, index)
        kind = pdfium.FPDFPathSegment_GetType(segment)
        pdfium.FPDFPathSegment_GetPoint(segment, *xy)
        point = (round(a * x.value + c * y.value + e, 3), round(b * x.value + d * y.value + f, 3))
        if kind == pdfium.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([("m", point)])
            bezier = 0
        elif kind == pdfium.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # control points: pdfminer keeps a curve's end point only
            subpaths[-1].append(("c", point))
        else:
            subpaths[-1].append(("l", point))
        if pdfium.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(("h", subpaths[-1][0][1]))
    style = {
        "stroke": bool(stroke.value), "fill": fill_mode.value != 0,
        "stroking_color": _colour(pdfium.FPDFPageObj_GetStrokeColor, obj),
        "non_stroking_color": _colour(pdfium.FPDFPageObj_GetFillColor, obj),
    }
    for subpath in subpaths:
        _paint(subpath, style, out)


def _paint(path: list[tuple[str, tuple[float, float]]], style: dict[str, Any], out: Page) -> None:
    shape = "".join(op for op, _ in path)
    pts = [point for _, point in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant lineto back to the start before closing
        pts.pop()
    kind = "curve"
    if shape in ("mlh", "ml"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            kind = "rect"
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    height = out.height
    record = {
        "object_type": kind, "x0": min(xs), "x1": max(xs), "y0": min(ys), "y1": max(ys),
        "top": height - max(ys), "bottom": height - min(ys), "doctop": height - max(ys),
        "width": max(xs) - min(xs), "height": max(ys) - min(ys),
        "pts": [(px, height - py) for px, py in pts], **style,
    }
    {"line": out.lines, "rect": out.rects, "curve": out.curves}[kind].append(record)
