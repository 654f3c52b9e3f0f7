"""Reading gives what it gave when the record was taken, to the line and column.

The record (``tests/extract_recorded/readings.json.gz``, made by
``tests/tools/record_readings.py`` from the code before the extraction stage was made
faster) holds the whole reading of the corpus, the seed example and the seed rendered
in every layout with real-page noise: instance, source map and observations. Text
and Markdown are read from their bytes; HTML, PDF and DOCX from their recorded
:class:`~govreport.sources.document.Document`, so only the extraction stage is
compared (the readers of those formats change on their own).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools import record_readings as rec

RECORD = rec.load()


def _input(name: str, entry: dict[str, Any]) -> Any:
    if "document" in entry:
        return rec.document_of(entry["document"])
    if entry["text"] is None:
        return (rec.CORPUS / name).read_bytes()
    return entry["text"].encode("utf-8")


def _without_absent_pictures(value: Any) -> Any:
    """The reading without ``"image": None`` in its locations: the field (which picture
    a value was read from, by OCR) came after the record was taken, and is None for
    every document in it."""
    if isinstance(value, dict):
        return {k: _without_absent_pictures(v) for k, v in value.items() if not (k == "image" and v is None)}
    if isinstance(value, list):
        return [_without_absent_pictures(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(RECORD))
def test_reading_is_as_recorded(name: str) -> None:
    entry = RECORD[name]
    got = rec.reading_of(name, _input(name, entry))
    assert _without_absent_pictures(got) == _without_absent_pictures(entry["reading"])


def test_the_record_covers_every_kind_of_input() -> None:
    kinds = {name.rsplit(".", 1)[1] for name in RECORD}
    assert kinds >= {"txt", "md", "html", "pdf", "docx"}
    assert any("traditional" in n for n in RECORD) and any("pinyin" in n for n in RECORD)
