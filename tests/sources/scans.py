"""Scans made in the test: a PDF's pages as a photocopier or a phone would give them.

``scan_pdf`` rasterises a PDF with pypdfium2 (grey), turns each page by a small angle,
adds noise, compresses it as JPEG and writes the pages into an image-only PDF (no text
layer); ``draw_document`` draws a :class:`~govreport.sources.document.Document` (lines
and ruled tables with merged cells) onto pages, so a rendered report becomes an image.
Everything is seeded: the same call gives the same bytes.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import numpy
import pypdfium2
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from govreport.sources.document import Document, Line, Table

FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def degrade(page: Image.Image, *, seed: int, angle: float, noise: float = 8.0, quality: int = 70) -> Image.Image:
    """``page`` turned by ``angle`` degrees, with Gaussian noise and a JPEG round trip."""
    rng = numpy.random.default_rng(seed)
    turned = page.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    pixels = numpy.asarray(turned, dtype=numpy.float32)
    pixels = numpy.clip(pixels + rng.normal(0, noise, pixels.shape), 0, 255).astype(numpy.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.4)).save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def pages_to_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF of ``pages`` (JPEG-compressed, no text layer)."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


def scan_pdf(data: bytes, *, dpi: int, seed: int, max_angle: float = 2.0) -> bytes:
    """An image-only PDF of ``data``'s pages as scanned at ``dpi`` (grey, turned, noisy, JPEG)."""
    rng = random.Random(seed)
    pdf = pypdfium2.PdfDocument(data)
    pages = []
    for index in range(len(pdf)):
        image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
        angle = rng.uniform(-max_angle, max_angle)
        pages.append(degrade(image, seed=seed * 100 + index, angle=angle))
    pdf.close()
    return pages_to_pdf(pages, dpi)


def font_path() -> Path | None:
    return next((p for p in FONTS if p.exists()), None)


# -- drawing a document -------------------------------------------------------------------


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if line and font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _spans(table: Table) -> Iterator[tuple[int, int, int, int, str]]:
    """``(row, col, rows, cols, text)`` of every origin cell: a merged cell's copies
    (``spanned``, same text) extend it to the right and down."""
    rows, columns = len(table.rows), len(table.rows[0])
    covered = [[False] * columns for _ in range(rows)]

    def copy(r: int, c: int, text: str) -> bool:
        cell = table.rows[r][c]
        return cell.spanned and cell.text == text and not covered[r][c]

    for r in range(rows):
        for c in range(columns):
            if covered[r][c]:
                continue
            text = table.rows[r][c].text
            cs = 1
            while c + cs < columns and copy(r, c + cs, text):
                cs += 1
            rs = 1
            while r + rs < rows and all(copy(r + rs, c + k, text) for k in range(cs)):
                rs += 1
            for dr in range(rs):
                for dc in range(cs):
                    covered[r + dr][c + dc] = True
            yield r, c, rs, cs, text


def draw_document(document: Document, *, dpi: int = 150) -> list[Image.Image]:
    """``document`` drawn on A4 pages at ``dpi``: lines as text, tables ruled with merged cells."""
    path = font_path()
    assert path is not None, "a CJK font is needed to draw reports (apt-get install fonts-noto-cjk)"
    size = round(10.5 * dpi / 72)
    font = ImageFont.truetype(str(path), size)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin = round(0.9 * dpi)
    usable = width - 2 * margin
    leading = round(size * 1.6)
    pages: list[Image.Image] = []
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = margin

    def new_page() -> None:
        nonlocal page, draw, y
        pages.append(page)
        page = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(page)
        y = margin

    for block in document.blocks:
        if isinstance(block, Line):
            for text in _wrap(block.text, font, usable):
                if y + leading > height - margin:
                    new_page()
                draw.text((margin, y), text, font=font, fill=0)
                y += leading
            continue
        columns = len(block.rows[0])
        spans = list(_spans(block))
        # column widths: labels wide, numbers narrow
        wide = [max((font.getlength(t) for r, c, rs, cs, t in spans if c == k and cs == 1), default=0.0)
                for k in range(columns)]
        base = [min(max(w + size, 2.2 * size), usable * 0.4) for w in wide]
        # number columns keep the width their numbers need; label columns share the rest
        narrow = sum(w for w in base if w <= 5 * size)
        wide_total = sum(w for w in base if w > 5 * size)
        factor = (usable - narrow) / wide_total if wide_total else 1.0
        widths = [w if w <= 5 * size else w * factor for w in base]
        widths = [w * usable / sum(widths) for w in widths]
        xs = [float(margin)]
        for w in widths:
            xs.append(xs[-1] + w)
        heights = [leading + size // 2] * len(block.rows)
        for r, c, rs, cs, text in spans:
            lines = len(_wrap(text, font, xs[c + cs] - xs[c] - size // 2))
            need = lines * leading + size // 2
            if rs == 1:
                heights[r] = max(heights[r], need)
        y += size // 2
        top = y
        for r in range(len(block.rows)):
            if y + heights[r] > height - margin:  # the table goes on on the next page
                _rule(draw, spans, xs, heights, top, r_from, r, font, size, leading)
                new_page()
                top = y
                r_from = r
            if r == 0:
                r_from = 0
            y += heights[r]
        _rule(draw, spans, xs, heights, top, r_from, len(block.rows), font, size, leading)
        y += size
    pages.append(page)
    return pages


def _rule(draw: ImageDraw.ImageDraw, spans: list[tuple[int, int, int, int, str]], xs: list[float],
          heights: list[int], top: int, first: int, end: int, font: ImageFont.FreeTypeFont, size: int,
          leading: int) -> None:
    """Draw rows ``first``..``end`` of a table from ``top``: boxes of merged cells, and text
    where the cell starts on this part."""
    ys = [top]
    for r in range(first, end):
        ys.append(ys[-1] + heights[r])
    for r, c, rs, cs, text in spans:
        r_end = r + rs
        if r_end <= first or r >= end:
            continue
        y0 = ys[max(r, first) - first]
        y1 = ys[min(r_end, end) - first]
        draw.rectangle((xs[c], y0, xs[c + cs], y1), outline=0, width=2)
        if r < first:
            continue  # the rest of a merged cell cut by the page: empty
        lines = _wrap(text, font, xs[c + cs] - xs[c] - size // 2)
        block = len(lines) * leading
        ty = y0 + (y1 - y0 - block) / 2 + (leading - size) / 2
        for line in lines:
            tx = xs[c] + (xs[c + cs] - xs[c] - font.getlength(line)) / 2
            draw.text((tx, ty), line, font=font, fill=0)
            ty += leading
