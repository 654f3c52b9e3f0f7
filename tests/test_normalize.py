"""The normaliser (govreport/extract/normalize.py) against the character-by-character way.

:class:`View` translates whole runs of text and maps offsets by ranges; the reference
here normalises one character at a time and records every offset, as the normaliser
is specified (module docstring). Both must give the same text and the same offsets.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport.extract.normalize import _SPACE, View, _char, _junk_spans, t2s
from govreport.sources import read_source
from govreport.sources.document import Line, Table

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "tests" / "corpus" / "files").iterdir() if p.name != "SOURCES.md")
FILES.append(ROOT / "examples" / "chaotian-2021.txt")


def reference(original: str) -> tuple[str, list[int]]:
    """Character by character: junk dropped, each character normalised, repeated spaces dropped."""
    chars: list[str] = []
    offsets: list[int] = []
    junk = _junk_spans(original)
    for i, ch in enumerate(original):
        if any(a <= i < b for a, b in junk):
            continue
        if ch in _SPACE:
            out = " "
        else:
            out = t2s(unicodedata.normalize("NFKC", ch).translate(_EXTRA_OF_REFERENCE))
        for piece in out:
            if piece == " " and chars and chars[-1] in " \n":
                continue
            chars.append(piece)
            offsets.append(i)
    return "".join(chars), offsets


_EXTRA_OF_REFERENCE = str.maketrans({
    "\u2014": "—", "\u2015": "—", "\u2013": "-", "\u2212": "-", "\uff0d": "-",
    "\u3001": "、", "\u2018": "'", "\u2019": "'", "\u201c": "“", "\u201d": "”",
    "\uff0e": ".", "\u3002": "。", "\u00b7": "·", "\u30fb": "·",
})


def _same(text: str) -> None:
    view = View(text)
    assert (view.text, view.offsets) == reference(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_corpus_normalises_as_the_reference(path: Path) -> None:
    document = read_source(path.read_bytes(), name=path.name).document
    assert document is not None
    for block in document.blocks:
        if isinstance(block, Line):
            _same(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    _same(cell.text.replace("\n", " "))


_NOISY = st.lists(st.one_of(
    st.sampled_from([*_SPACE, "\n", "(", ")", "（", "）", "guī", "xǔ", "规", "規", "章", "許", "可", "a", "A",
                     "１", "２", "⑴", "㈠", "¨", "‥", "ﬁ", "—", "\u2015", "。", "·", "0", "  "]),
    st.characters(),
), max_size=50).map("".join)


@given(text=_NOISY)
def test_noisy_text_normalises_as_the_reference(text: str) -> None:
    _same(text)


@given(pieces=st.lists(st.sampled_from(["規(guī)章", "行政許(xǔ)可", "(ab)", "x(ab)", "  ", "\n", " \n ", "⑴", "\u3000", "a"]),
                       max_size=12))
def test_junk_and_expansions_normalise_as_the_reference(pieces: list[str]) -> None:
    _same("".join(pieces))


def test_no_character_normalises_to_nothing() -> None:
    # The normaliser maps a run of unchanged length character for character; that needs
    # every character to give at least one.
    empty = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and _char(chr(c)) == ""]
    assert empty == []


def test_offsets_point_at_the_source_characters() -> None:
    view = View("規(guī)章\u3000\u3000１２件")
    assert view.text == "规章 12件"
    assert [view.original[i] for i in view.offsets] == ["規", "章", "\u3000", "１", "２", "件"]
