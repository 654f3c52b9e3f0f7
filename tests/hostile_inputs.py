"""Builders of hostile inputs: small files that cost a reader far more than their size.

Generated, not committed: each builder makes the bytes of one case of
``docs/hostile-input.md`` (the tests, the memory-limit subprocess and the fuzz
harness share them). Sizes are parameters so a test can build one just under and
one just over a limit.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from govreport.writers.render import render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def seed() -> dict[str, Any]:
    """The seed report instance (a correct 2021 report)."""
    value: dict[str, Any] = json.loads((EXAMPLES / "chaotian-2021.json").read_text(encoding="utf-8"))
    return value


def seed_text(layout: str = "cells") -> str:
    """The seed report rendered as text in ``layout``."""
    return render(seed(), to="text", layout=layout)


def docx_package(body: str | bytes, *, level: int = 6) -> bytes:
    """A minimal .docx whose ``w:body`` content is ``body`` (XML text or bytes)."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    inner = body.encode("utf-8") if isinstance(body, str) else body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", head + inner + tail)
    return buffer.getvalue()


def docx_paragraphs(lines: list[str]) -> str:
    """Body XML: one paragraph per line."""
    return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>" for line in lines)


def docx_grid_span(rows: int = 160, span: int = 1000) -> bytes:
    """A table of ``rows`` rows, each one cell ``gridSpan=span`` wide, placed on a diagonal.

    Row ``i`` starts with ``gridBefore=i``: every row starts a new grid column, so the
    expanded grid is ``rows`` x ``rows`` positions (plus the spans' widths).
    """
    cells = "".join(
        f'<w:tr><w:trPr><w:gridBefore w:val="{i}"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'
        f"<w:p><w:r><w:t>{i}</w:t></w:r></w:p></w:tc>"
        f"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
        for i in range(rows)
    )
    return docx_package(f"<w:tbl>{cells}</w:tbl>")


def docx_bomb(expanded: int = 1 << 30) -> bytes:
    """A .docx whose ``document.xml`` inflates to ``expanded`` bytes (blanks between paragraphs).

    Deflate's best ratio is ~1000:1, so 1 GiB gives a ~1 MB file.
    """
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    tail = b"<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"
    left = expanded - len(head) - len(tail)
    chunk = b" " * (1 << 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w") as member:
            member.write(head)
            while left > 0:
                piece = chunk if left >= len(chunk) else chunk[:left]
                member.write(piece)
                left -= len(piece)
            member.write(tail)
    return buffer.getvalue()


def html_spans(rows: int = 160, colspan: int = 1000, rowspan: int = 65534) -> bytes:
    """The fuzzing case: ``rows`` rows of one huge cell each."""
    body = "".join(f'<tr><td colspan="{colspan}" rowspan="{rowspan}">{i}</td></tr>' for i in range(rows))
    return f"<html><body><table>{body}</table></body></html>".encode()


def html_diagonal(rows: int) -> bytes:
    """A table whose row ``i`` has a cell at column ``i``: ``rows`` x ``rows`` positions from ``2·rows`` cells."""
    body = "".join(f'<tr><td colspan="{i + 1}"></td><td>{i}</td></tr>' for i in range(rows))
    return f"<html><body><table>{body}</table></body></html>".encode()


def text_digit_rows(digits: int = 24, copies: int = 1) -> bytes:
    """The seed report flattened to runs, every table-3 row's seven cells replaced by a
    run of ``digits`` digits that no split makes add up (and the table printed ``copies``
    times): each row is a large search that ends without an answer."""
    text = seed_text("runs")
    start, end = text.index("三、收到"), text.index("四、政府信息公开行政复议")
    run = "".join("123456789"[(i * 4) % 9] for i in range(digits))
    table = re.sub(r"(?<=[^\d.])\d{7}(?=\D)", run, text[start:end])
    return (text[:start] + table * copies + text[end:]).encode("utf-8")


def pdf_pages(count: int, text: str = "Page") -> bytes:
    """A minimal PDF of ``count`` pages, each with the one line ``text``."""
    return pdf_content([f"BT /F1 10 Tf 72 720 Td ({text}) Tj ET"] * count)


def pdf_content(pages: list[str]) -> bytes:
    """A minimal PDF, one content stream per page (Helvetica as F1)."""
    count = len(pages)
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    font = f"{3 + 2 * count} 0 R"
    for i in range(count):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} >> >> >>".encode()
        )
        stream = pages[i].encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


#: The one line of text of :func:`pdf_flate_bomb`, after its blanks.
BOMB_LINE = b"BT /F1 10 Tf 72 720 Td (Hello) Tj ET"


def pdf_flate_bomb(expanded: int = 1 << 30) -> bytes:
    """A one-page PDF whose content stream inflates to ``expanded`` blanks and then
    :data:`BOMB_LINE` (the only compressed stream of the file)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = []
    left = expanded
    while left > 0:
        piece = chunk if left >= len(chunk) else chunk[:left]
        parts.append(compressor.compress(piece))
        left -= len(piece)
    parts.append(compressor.compress(BOMB_LINE))
    parts.append(compressor.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
