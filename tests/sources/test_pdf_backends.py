"""The PDF reader reads the same Document from pdfium's page objects as from pdfplumber's.

pdfium is the reader's source; pdfplumber (pdfminer) reads the files pdfium does not
lay out like pdfminer. Both feed the same table and line logic, so the Documents must
agree: table cells exactly (text, merged copies, page, row and column), text lines on
the same page with the same line number and the same characters. Where a text line
differs it is only in the spaces put between a run of digits and the next character:
pdfium takes the width of some embedded fonts' digits as one em where the file says
half an em, which closes a gap of a few points (``711 号`` against ``711号``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pdfplumber = pytest.importorskip("pdfplumber")

from govreport.sources import pdf, pdfium  # noqa: E402
from govreport.sources.document import Document, Table  # noqa: E402
from govreport.sources.limits import Limits  # noqa: E402

FILES = Path(__file__).resolve().parent.parent / "corpus" / "files"


def _both(data: bytes) -> tuple[Document, Document]:
    by_pdfium = pdf._read(data, "a.pdf", "0", Limits(), pdfplumber, pdf._pdfium_pages(data, pdfium))
    by_pdfminer = pdf._read(data, "a.pdf", "0", Limits(), pdfplumber, pdf._pdfplumber_pages(data, pdfium, pdfplumber))
    return by_pdfium, by_pdfminer


def _shape(document: Document) -> list[Any]:
    out: list[Any] = []
    for block in document.blocks:
        if isinstance(block, Table):
            out.append([[(c.text, c.spanned, c.location.page, c.location.row, c.location.cell) for c in row]
                        for row in block.rows])
        else:
            out.append((block.text.replace(" ", ""), block.location.page, block.location.line))
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(p.name for p in FILES.glob("*.pdf")))
def test_the_corpus_pdfs_read_alike(name: str) -> None:
    by_pdfium, by_pdfminer = _both((FILES / name).read_bytes())
    assert _shape(by_pdfium) == _shape(by_pdfminer)
    assert by_pdfium.tables()
    assert by_pdfium.images == by_pdfminer.images
    assert (by_pdfium.title, by_pdfium.metadata) == (by_pdfminer.title, by_pdfminer.metadata)
    # positions differ by tenths of a point at most
    for a, b in zip(by_pdfium.lines(), by_pdfminer.lines()):
        assert abs((a.location.x or 0) - (b.location.x or 0)) < 1 and abs((a.location.y or 0) - (b.location.y or 0)) < 1


def _built(rotate: int = 0) -> bytes:
    """One page: a heading, a 3x3 ruled table (stroked lines, a filled thin rule, a
    rectangle border), a page number; Helvetica, so widths are the standard ones."""
    content = ["BT /F1 12 Tf 72 780 Td (Annual report) Tj ET"]
    content.append("0 0 0 RG 1 w 72 700 300 -90 re S")  # the border
    for y in (670, 640):
        content.append(f"72 {y} m 372 {y} l S")
    content.append("0 0 0 rg 172 610 0.8 90 re f")  # a thin filled rule as a column line
    content.append("272 700 m 272 610 l S")
    content.append("1 1 1 rg 72 560 300 20 re f")  # invisible: a white box behind text
    for r, y in enumerate((680, 650, 620)):
        for c, x in enumerate((80, 180, 280)):
            content.append(f"BT /F1 10 Tf {x} {y} Td (r{r}c{c}-{r * 3 + c}) Tj ET")
    content.append("BT /F1 12 Tf 80 565 Td (Text in a white box) Tj ET")
    content.append("BT /F1 10 Tf 290 40 Td (- 1 -) Tj ET")
    stream = "\n".join(content).encode("latin-1")
    rotation = f" /Rotate {rotate}" if rotate else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{rotation} /Contents 4 0 R "
         f"/Resources << /Font << /F1 5 0 R >> >> >>").encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
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


def test_a_built_ruled_table_reads_alike() -> None:
    by_pdfium, by_pdfminer = _both(_built())
    assert _shape(by_pdfium) == _shape(by_pdfminer)
    # and what both read is what was drawn (not merely the same mistake twice)
    (table,) = by_pdfium.tables()
    assert [[c.text for c in row] for row in table.rows] == [
        [f"r{r}c{c}-{r * 3 + c}" for c in range(3)] for r in range(3)
    ]
    assert [line.text for line in by_pdfium.lines()] == ["Annual report", "Text in a white box"]


def test_a_rotated_page_is_read_by_pdfplumber() -> None:
    data = _built(rotate=90)
    with pytest.raises(pdf._Fallback):
        pdf._read(data, "r.pdf", "0", Limits(), pdfplumber, pdf._pdfium_pages(data, pdfium))
    document = pdf.read_pdf(data, name="r.pdf", sha256="0")
    by_pdfminer = pdf._read(data, "r.pdf", "0", Limits(), pdfplumber, pdf._pdfplumber_pages(data, pdfium, pdfplumber))
    assert _shape(document) == _shape(by_pdfminer)
    assert document.lines()  # read (as pdfminer lays a turned page out), not refused


def _overprinted() -> bytes:
    """Text printed twice, the second time 0.4 pt to the right (fake bold), and once more
    nearly 2 pt away (a real second character)."""
    data = _built()
    return data.replace(b"BT /F1 12 Tf 72 780 Td (Annual report) Tj ET",
                        b"BT /F1 12 Tf 72 780 Td (Annual report) Tj ET\nBT /F1 12 Tf 72.4 780 Td (Annual report) Tj ET"
                        b"\nBT /F1 12 Tf 74 760 Td (Annual) Tj ET")


@pytest.mark.parametrize("source", ["built", "hongze-2023.pdf"])
def test_duplicate_characters_are_dropped_as_pdfplumber_drops_them(source: str) -> None:
    data = _overprinted() if source == "built" else (FILES / source).read_bytes()
    with pdfplumber.open(__import__("io").BytesIO(data)) as document:
        for page in document.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            theirs = page.filter(lambda o: o.get("object_type") != "char" or o["text"].strip()).dedupe_chars(
                tolerance=1, extra_attrs=("fontname", "size")).chars
            ours = pdf._dedupe_chars(chars)
            assert sorted((c["text"], c["x0"], c["top"]) for c in ours) == \
                sorted((c["text"], c["x0"], c["top"]) for c in theirs)
            if source == "built":
                assert len(ours) < len(chars)
