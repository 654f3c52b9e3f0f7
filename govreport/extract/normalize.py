"""Normalising text for label matching, without losing the way back to the source.

Real reports write the same label many ways: full-width digits and brackets, U+3000
indents, Traditional characters, pinyin annotations left by converters (``規(guī)章``),
spaces inside labels (``规 章``). :class:`View` normalises a piece of text character
by character (NFKC, Traditional → Simplified with OpenCC's character table less the
characters that are also Simplified, all whitespace to one space, pinyin junk dropped) and remembers, for every character of
the normalised text, the offset it came from, so a match can be mapped back to a line
and column of the original.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
import unicodedata

__all__ = ["View", "normalize", "t2s"]


@functools.cache
def _t2s_table() -> dict[int, str]:
    data = json.loads((importlib.resources.files("govreport.extract") / "t2s.json").read_text(encoding="utf-8"))
    pairs = data["map"]
    return {ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)}


def t2s(text: str) -> str:
    """Traditional → Simplified, character by character (one character to one).

    The table (``t2s.json``) is generated from OpenCC's TSCharacters by
    ``tests/tools/build_t2s.py``; characters that are also standard Simplified
    characters (乾, 薹, ...) are left out, so Simplified text comes out unchanged.
    """
    return text.translate(_t2s_table())


# Pinyin with tone marks in brackets, as left by some converters: 規(guī)章.
_PINYIN = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[)）]")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ]")

_SPACE = frozenset(" \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\r\f\v")

# Characters NFKC leaves alone but reports use interchangeably.
_EXTRA = str.maketrans({
    "\u2014": "—", "\u2015": "—", "\u2013": "-", "\u2212": "-", "\uff0d": "-",
    "\u3001": "、", "\u2018": "'", "\u2019": "'", "\u201c": "“", "\u201d": "”",
    "\uff0e": ".", "\u3002": "。", "\u00b7": "·", "\u30fb": "·",
})


def _char(ch: str) -> str:
    """The normalised form of one character (never empty: NFKC never gives "")."""
    if ch in _SPACE:
        return " "
    out = unicodedata.normalize("NFKC", ch)
    return out.translate(_EXTRA).translate(_t2s_table())


class _Table(dict[int, str]):
    """``str.translate`` table of :func:`_char`, filled as characters are met (and
    emptied when it grows past a bound, so hostile text cannot make it huge)."""

    def __missing__(self, code: int) -> str:
        if len(self) > 65536:
            self.clear()
        out = self[code] = _char(chr(code))
        return out


_TABLE = _Table()
# A space right after a space or a line break (in the normalised text) is dropped.
_REPEATED_SPACE = re.compile(r"(?<=[ \n]) +")


def normalize(text: str) -> str:
    """The normalised form of ``text`` (see the module docstring)."""
    return View(text).text


class View:
    """Normalised text with a map back to offsets in the original string.

    ``text[i]`` came from ``original[offsets[i]]``. Runs of whitespace become a single
    space; newlines are kept (they separate lines of a table flattened to text).

    The text is translated a whole run at a time (the runs between pinyin junk); only a
    run where a character becomes several (``⑴`` → ``(1)``) is mapped character by
    character, so the offsets of every other run are a plain range.
    """

    __slots__ = ("offsets", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        parts: list[str] = []
        offsets: list[int] = []
        start = 0
        for a, b in [*_junk_spans(original), (len(original), len(original))]:
            run = original[start:a]
            out = run.translate(_TABLE)
            parts.append(out)
            if len(out) == len(run):
                offsets.extend(range(start, a))
            else:
                for i in range(start, a):
                    offsets.extend([i] * len(_TABLE[ord(original[i])]))
            start = b
        text = "".join(parts)
        if "  " in text or "\n " in text:
            kept: list[int] = []
            pos = 0
            for m in _REPEATED_SPACE.finditer(text):
                kept.extend(offsets[pos:m.start()])
                pos = m.end()
            kept.extend(offsets[pos:])
            text = _REPEATED_SPACE.sub("", text)
            offsets = kept
        self.text = text
        self.offsets = offsets
    def source(self, index: int) -> int:
        """The original offset of normalised index ``index`` (end maps past the end)."""
        if index >= len(self.offsets):
            return len(self.original)
        return self.offsets[index]


def _junk_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PINYIN.finditer(text):
        # Only bracketed latin with a tone mark, or directly after a Chinese character.
        before = text[m.start() - 1] if m.start() else ""
        if _TONED.search(m.group()) or ("\u4e00" <= before <= "\u9fff" and m.group()[1:-1].islower()):
            spans.append((m.start(), m.end()))
    return spans
