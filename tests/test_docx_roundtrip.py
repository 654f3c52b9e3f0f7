"""Filled Word reports: an instance written as a DOCX with the official merged cells reads back.

The corpus has only the blank DOCX template. Here generated reports are written as
Word documents with python-docx — headings as paragraphs, tables 2–4 with exactly
the merged cells of the HTML rendering (which mirrors the official template) — and
read back through the DOCX reader.
"""

from __future__ import annotations

import html.parser
import io
from typing import Any

import pytest
from hypothesis import given, settings

from govreport import Report
from govreport.api import read_bytes
from govreport.strategies import reports
from govreport.writers.render import render
from tests.helpers import diff, table_part

docx = pytest.importorskip("docx")


class _Layout(html.parser.HTMLParser):
    """Paragraphs and tables (origin cells with their spans) of the rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Any] = []
        self.text: list[str] | None = None
        self.row: list[dict[str, Any]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.blocks.append([])
        elif tag == "tr":
            self.row = []
            self.blocks[-1].append(self.row)
        elif tag == "td" and self.row is not None:
            a = dict(attrs)
            self.row.append({"text": "", "rowspan": int(a.get("rowspan") or 1), "colspan": int(a.get("colspan") or 1)})
            self.text = None
        elif tag in ("p", "h1", "h2"):
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "h1", "h2") and self.text is not None:
            self.blocks.append("".join(self.text))
            self.text = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.row:
            self.row[-1]["text"] += data
        elif self.text is not None:
            self.text.append(data)


def to_docx(instance: dict[str, Any]) -> bytes:
    layout = _Layout()
    layout.feed(render(instance, to="html"))
    document = docx.Document()
    for block in layout.blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = sum(c["colspan"] for c in block[0])
        table = document.add_table(rows=len(block), cols=width)
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(block):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                origin = table.cell(r, c)
                far = table.cell(r + cell["rowspan"] - 1, c + cell["colspan"] - 1)
                merged = origin.merge(far) if far is not origin else origin
                merged.text = cell["text"]
                for dr in range(cell["rowspan"]):
                    for dc in range(cell["colspan"]):
                        taken.add((r + dr, c + dc))
                c += cell["colspan"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
@settings(max_examples=15)
@given(report=reports())
def test_generated_reports_round_trip_through_word(report: Report) -> None:
    """A report written as a Word document with merged cells reads back exactly."""
    _check_word_round_trip(report)


@settings(max_examples=2)  # the quick loop: each example is a whole Word document
@given(report=reports())
def test_generated_reports_round_trip_through_word_quick(report: Report) -> None:
    _check_word_round_trip(report)


def _check_word_round_trip(report: Report) -> None:
    data = report.to_dict()
    reading = read_bytes(to_docx(data), name="report.docx")
    assert reading.media_type.endswith("wordprocessingml.document")
    assert diff(table_part(data), table_part(reading.instance)) == []
    assert reading.instance["report"]["year"] == data["report"]["year"]
