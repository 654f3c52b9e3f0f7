"""Record what reading gives for a fixed set of documents (dev only).

Run: python tests/tools/record_readings.py          # rewrite tests/extract_recorded/readings.json.gz
     python tests/tools/record_readings.py --check  # exit 1 if reading now gives anything else

The documents are the corpus, the seed example, and the seed rendered in every
layout with the noises of real pages (full-width digits, U+3000 indents, Traditional
script, pinyin junk, spaces inside labels). The record holds the whole reading of
each: instance, source map (line and column of every value) and observations, or the
error. It is taken before a change of the reading code that must not change results
(a faster normaliser or label finder), and tests/test_recorded_readings.py compares
the code against it; rerecord only for a change that is meant to change results.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from govreport.api import read_bytes  # noqa: E402
from govreport.extract import parse_document  # noqa: E402
from govreport.location import Location  # noqa: E402
from govreport.sources import read_source  # noqa: E402
from govreport.sources.document import Cell, Document, Line, OcrText, Table  # noqa: E402
from govreport.sources.errors import ReadError  # noqa: E402
from govreport.writers.render import render  # noqa: E402

RECORD = ROOT / "tests" / "extract_recorded" / "readings.json.gz"
CORPUS = ROOT / "tests" / "corpus" / "files"
SEED = ROOT / "examples" / "chaotian-2021.json"


def _noises(text: str) -> Iterator[tuple[str, str]]:
    full = text.translate({ord(c): chr(ord(c) - ord("0") + 0xFF10) for c in "0123456789"})
    yield "full-width", full
    yield "indents", "\n".join("\u3000\u3000" + line if line.strip() else line for line in text.split("\n"))
    yield "pinyin", text.replace("规章", "規(guī)章").replace("行政许可", "行政許(xǔ)可")
    spaced = text.replace("规章", "规 章").replace("行政处罚", "行 政\u3000处罚").replace("本年新收", "本年\t新收")
    yield "spaced", spaced
    yield "crlf", text.replace("\n", "\r\n")
    data = json.loads((ROOT / "govreport" / "extract" / "t2s.json").read_text(encoding="utf-8"))["map"]
    s2t: dict[str, str] = {}
    for i in range(0, len(data), 2):
        s2t.setdefault(data[i + 1], data[i])
    yield "traditional", "".join(s2t.get(ch, ch) for ch in text)
    yield "compat", full.replace("(", "（").replace(")", "）").replace(",", "，").replace(" ", "\u00a0")


TEXT = (".txt", ".md")


def documents() -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every recorded document, in a fixed order."""
    for path in sorted(CORPUS.iterdir()):
        if path.name != "SOURCES.md":
            yield path.name, path.read_bytes()
    yield "chaotian-2021.txt", (ROOT / "examples" / "chaotian-2021.txt").read_bytes()
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    rendered = [(f"seed-{layout}.txt", render(seed, to="text", layout=layout)) for layout in ("cells", "rows", "blank", "runs")]
    rendered += [("seed.md", render(seed, to="markdown")), ("seed.html", render(seed, to="html"))]
    for name, text in rendered:
        yield name, text.encode("utf-8")
        if not name.endswith(".html"):
            stem, ext = name.rsplit(".", 1)
            for noise, noisy in _noises(text):
                yield f"{stem}-{noise}.{ext}", noisy.encode("utf-8")


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _location(data: dict[str, Any]) -> Location:
    return Location(**data)


def _cell(data: dict[str, Any]) -> Cell:
    ocr = data["ocr"]
    if ocr is not None:
        ocr = OcrText(read=ocr["read"], confidence=ocr["confidence"], lettered=ocr["lettered"],
                      alternatives=tuple((a, b) for a, b in ocr["alternatives"]))
    return Cell(text=data["text"], location=_location(data["location"]), spanned=data["spanned"], ocr=ocr)


def document_of(data: dict[str, Any]) -> Document:
    """The :class:`Document` of a recorded one (see :func:`_plain`)."""
    blocks: list[Line | Table] = []
    for block in data["blocks"]:
        if "rows" in block:
            blocks.append(Table(rows=tuple(tuple(_cell(c) for c in row) for row in block["rows"]),
                                location=_location(block["location"])))
        else:
            blocks.append(Line(text=block["text"], location=_location(block["location"])))
    return Document(blocks=tuple(blocks), media_type=data["media_type"], sha256=data["sha256"], name=data["name"],
                    encoding=data["encoding"], title=data["title"], metadata=data["metadata"],
                    images=tuple(data["images"]))


def reading_of(name: str, data: bytes | Document) -> Any:
    """The whole reading of one document as plain JSON data (or its error).

    Text and Markdown are read from their bytes; other formats from their
    :class:`Document`, so that the record depends on the extraction stage only.
    """
    try:
        reading = read_bytes(data, name=name) if isinstance(data, bytes) else parse_document(data)
    except ReadError as error:
        return {"error": str(error), "detail": _plain(vars(error)) if hasattr(error, "__dict__") else None}
    return {"instance": _plain(reading.instance), "media_type": reading.media_type,
            "source_map": {k: _plain(v) for k, v in reading.source_map.items()},
            "observations": [_plain(o) for o in reading.observations]}


def record() -> dict[str, Any]:
    """Every recorded document: its input (text, or the document of other formats) and its reading."""
    out: dict[str, Any] = {}
    for name, data in documents():
        if name.endswith(TEXT):
            out[name] = {"text": data.decode("utf-8") if not (CORPUS / name).exists() else None,
                         "reading": reading_of(name, data)}
        else:
            source = read_source(data, name=name)
            assert source.document is not None
            out[name] = {"document": _plain(source.document), "reading": reading_of(name, source.document)}
    result: dict[str, Any] = json.loads(json.dumps(out, ensure_ascii=False))
    return result


def load() -> dict[str, Any]:
    with gzip.open(RECORD, "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    now = record()
    if args.check:
        old = load()
        changed = sorted(k for k in set(old) | set(now) if old.get(k) != now.get(k))
        for name in changed:
            print("changed:", name)
        return 1 if changed else 0
    text = json.dumps(now, ensure_ascii=False, sort_keys=True, indent=0)
    RECORD.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{len(now)} readings, {RECORD.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
