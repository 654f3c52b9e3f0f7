"""A character-by-character folding of text, applied to whole strings at once.

The narrative rules match their patterns against a section's text folded character by
character (NFKC, Traditional → Simplified, whitespace dropped) and map a match back to
offsets of the text as written. Folding in a Python loop costs microseconds a character;
a :class:`Folding` instead learns the mapping of each distinct character once and then
folds a whole string by translating only the runs of characters that change. The last texts
folded are remembered (a report validated again, or read by two rules). Offsets are computed with one slice per run
of characters that fold to exactly one character, so their cost grows with the number of
dropped or expanded characters (spaces, line breaks, ``㈠``), not with the text's length.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = ["Folding"]

#: How many texts (and their offsets) a folding remembers.
_REMEMBERED = 64


class Folding:
    """``char`` (what one character folds to: any string, ``""`` to drop it) applied to
    whole strings. Build once per mapping; the characters seen are remembered."""

    def __init__(self, char: Callable[[str], str]) -> None:
        self._char = char
        self._table: dict[int, str] = {}  # only the characters that change
        self._known: frozenset[str] = frozenset()
        self._uneven: set[str] = set()  # characters that fold to other than one character
        self._uneven_re: re.Pattern[str] | None = None
        self._changing_re: re.Pattern[str] | None = None
        #: the last texts folded, and their offsets
        self.text: Callable[[str], str] = functools.lru_cache(maxsize=_REMEMBERED)(self._text)
        self.offsets: Callable[[str], tuple[int, ...]] = functools.lru_cache(maxsize=_REMEMBERED)(self._offsets)

    def _learn(self, text: str) -> None:
        new = set(text).difference(self._known)
        if not new:
            return
        uneven = set(self._uneven)
        changed = False
        for ch in new:
            folded = self._char(ch)
            if folded != ch:
                self._table[ord(ch)] = folded
                changed = True
            if len(folded) != 1:
                uneven.add(ch)
        if changed:
            self._changing_re = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(self._table)) + "]+")
        if uneven != self._uneven:
            self._uneven_re = re.compile("[" + "".join(re.escape(c) for c in sorted(uneven)) + "]")
            self._uneven = uneven
        self._known = self._known | new  # last: a character is known only once its mapping is

    def _text(self, text: str) -> str:
        """``text`` folded."""
        self._learn(text)
        if self._changing_re is None:
            return text
        table = self._table
        return self._changing_re.sub(lambda m: m.group().translate(table), text)

    def _offsets(self, text: str) -> tuple[int, ...]:
        """For each character of ``text`` folded, the offset in ``text`` it came from."""
        self._learn(text)
        out: list[int] = []
        at = 0
        pattern = self._uneven_re
        if pattern is not None:
            table = self._table
            for m in pattern.finditer(text):
                i = m.start()
                out.extend(range(at, i))
                out.extend([i] * len(table[ord(text[i])]))
                at = i + 1
        out.extend(range(at, len(text)))
        return tuple(out)
