"""Real reports flattened to plain text by other tools read like the originals.

Reports often reach users as text that some other program extracted: a PDF's text
layer (pdfplumber, pdfium), a web page's text (one text node per line, &nbsp; for an
empty cell). The corpus PDFs and HTML are flattened here with such tools and read as
plain text; every cell must still match the hand-built golden instance.
"""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from govreport.api import read_bytes
from tests.corpus import accuracy

pytestmark = pytest.mark.corpus

PDFS = ["hongze-2023", "hongze-2024", "huaian-2024"]


def _misses(name: str, text: str) -> list[tuple[str, object, object]]:
    golden = accuracy.json.loads((accuracy.GOLDEN / f"{name}.json").read_text(encoding="utf-8"),
                                 parse_float=accuracy.Decimal)
    read = read_bytes(text.encode("utf-8"), name=f"{name}.txt").instance
    want, got = accuracy.table_cells(golden), accuracy.table_cells(read)
    return [(p, v, got.get(p, "<absent>")) for p, v in want.items() if p not in got or not accuracy.same(v, got[p])]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_text_layer_from_pdfplumber(name: str) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(accuracy.source_for(name)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert _misses(name, text) == []


@pytest.mark.parametrize("name", PDFS)
def test_pdf_text_layer_from_pdfium(name: str) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(accuracy.source_for(name)))
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert _misses(name, text) == []


class _TextNodes(html.parser.HTMLParser):
    """One line per text node, as a crawler's 'text only' view writes a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip(" \n\t"):
            self.lines.append(data.strip(" \n\t"))


def test_web_page_text_nodes_with_nbsp_blank_cells() -> None:
    parser = _TextNodes()
    parser.feed(Path(accuracy.source_for("shanghai-office-2019")).read_text(encoding="utf-8"))
    text = "\n".join(parser.lines)
    assert "\xa0" in text  # the empty cells survive only as no-break spaces
    assert _misses("shanghai-office-2019", text) == []
