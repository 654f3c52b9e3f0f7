"""Reports whose tables are pictures, made in the test from the corpus PDFs.

Each page of a PDF is rasterised (pypdfium2, grey, a small turn, noise, JPEG: as a
scan) and every table on it (pdfplumber's table boxes) is cut out as a picture; the
text outside the tables stays text. ``pictured_docx`` writes the lines as paragraphs and
the pictures with python-docx's ``add_picture``; ``pictured_html`` writes ``<p>`` lines
and ``<img>`` tags, the pictures as ``data:`` URIs or as files next to the page.
Everything is seeded: the same call gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import random
import re
from pathlib import Path

import pypdfium2
from PIL import Image

from tests.sources.scans import degrade

_PAGE_NUMBER = re.compile(r"[-—–\s]*\d+[-—–\s]*")

#: A block of the pictured report: a line of text, or a picture (JPEG bytes).
Block = tuple[str, str | bytes]


def pictured_blocks(data: bytes, *, dpi: int, seed: int) -> list[Block]:
    """The PDF's text lines and its tables cut out of scanned pages, in reading order.

    A table's box is the box of a connected group of long ruling strokes on the rendered
    page; the text is the PDF's own characters outside the boxes, in lines."""
    rng = random.Random(seed)
    out: list[Block] = []
    pdf = pypdfium2.PdfDocument(data)
    scale = dpi / 72
    for index in range(len(pdf)):
        page = pdf[index]
        height = page.get_height()
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        boxes = [(x0 / scale, y0 / scale, x1 / scale, y1 / scale) for x0, y0, x1, y1 in _grids(image)]
        items: list[tuple[float, Block]] = []
        for x0, top, x1, bottom in boxes:
            crop = image.crop((max(0, int(x0 * scale) - 12), max(0, int(top * scale) - 12),
                               min(image.width, int(x1 * scale) + 12), min(image.height, int(bottom * scale) + 12)))
            turned = degrade(crop, seed=seed * 100 + index, angle=rng.uniform(-1.0, 1.0))
            buffer = io.BytesIO()
            turned.save(buffer, "JPEG", quality=80, dpi=(dpi, dpi))
            items.append((top, ("picture", buffer.getvalue())))
        text = page.get_textpage()
        chars: list[tuple[float, float, float, str]] = []  # (middle, size, left, text)
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if not char.strip():
                continue
            left, low, right, high = text.get_charbox(i)
            x, middle = (left + right) / 2, height - (low + high) / 2
            if any(x0 <= x <= x1 and t <= middle <= b for x0, t, x1, b in boxes):
                continue
            chars.append((middle, max(high - low, 4.0), left, char))
        lines: list[list[tuple[float, float, float, str]]] = []
        for char in sorted(chars):
            if lines and abs(char[0] - lines[-1][0][0]) < 0.6 * max(char[1], lines[-1][0][1]):
                lines[-1].append(char)
            else:
                lines.append([char])
        for line in lines:
            joined = "".join(c[3] for c in sorted(line, key=lambda c: c[2]))
            if not _PAGE_NUMBER.fullmatch(joined):  # Word has no running page numbers in the text
                items.append((line[0][0] - line[0][1] / 2, ("line", joined)))
        items.sort(key=lambda item: item[0])
        out.extend(block for _, block in items)
    pdf.close()
    return out


def _grids(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Boxes (pixels) of the ruled tables of a page image: long strokes, grouped."""
    import cv2
    import numpy

    grey = numpy.asarray(image)
    ink = (grey < 160).astype(numpy.uint8) * 255
    height, width = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width // 10, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, height // 60)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(horizontal | vertical, numpy.ones((3, 3))))
    return sorted((int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:count]
                  if w > width // 4 and h > 30)


def pictured_docx(blocks: list[Block]) -> bytes:
    import docx
    from docx.shared import Inches

    document = docx.Document()
    for kind, value in blocks:
        if kind == "line":
            assert isinstance(value, str)
            document.add_paragraph(value)
        else:
            assert isinstance(value, bytes)
            document.add_picture(io.BytesIO(value), width=Inches(6))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pictured_html(blocks: list[Block], *, files: Path | None = None) -> bytes:
    """An HTML page of ``blocks``: pictures as ``data:`` URIs, or as files written into
    ``files`` (named ``t1.jpg``...) and linked by relative paths."""
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>报告</title></head><body>"]
    count = 0
    for kind, value in blocks:
        if kind == "line":
            assert isinstance(value, str)
            parts.append(f"<p>{html.escape(value)}</p>")
            continue
        assert isinstance(value, bytes)
        count += 1
        if files is None:
            src = "data:image/jpeg;base64," + base64.b64encode(value).decode("ascii")
        else:
            (files / "img").mkdir(exist_ok=True)
            (files / "img" / f"t{count}.jpg").write_bytes(value)
            src = f"img/t{count}.jpg"
        parts.append(f"<p><img src='{src}' alt='表格'></p>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
