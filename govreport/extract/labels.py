"""The label dictionary (``labels.json``) and finding its labels in normalised text.

Each label pattern is matched on its own (:func:`find_labels`). Many begin with an
optional part -- the list number of a sub-row (``1.``, ``(1)``), ``属于``, ``申请人`` --
and a pattern that can begin with several characters gives the regex engine no first
character to skip ahead to, so it would try it at every position of the text (and a
character class is no better: the engine scans for one ten times slower than for one
character). Such a pattern ``P`` is therefore searched once per character ``c`` its
matches can begin with (:func:`first_chars`), as ``c(?<=(?=(P)).)``: the engine skips
to the next ``c`` and tries ``P`` right there. Together these give every place where
``P`` matches, and keeping those that do not overlap the one before gives exactly the
matches of ``P`` (:func:`find_labels`).
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from typing import Any

from attrs import define

__all__ = ["LabelDef", "find_labels", "first_chars", "label_defs", "spaced"]


@define(frozen=True, slots=True)
class LabelDef:
    """A label people print, for a row, a group, a header or a section heading."""

    key: str  # row/group pointer, "header:<table>:<edition>", or "section:<name>"
    kind: str  # "row" | "group" | "header" | "section"
    pattern: str
    enum: str | None = None
    enum_required: bool = False
    variant: bool = False


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "“”、"


def spaced(pattern: str) -> str:
    """Allow whitespace (spaces, line breaks) between consecutive Chinese characters.

    Character classes (``[、和及]``) are left alone.
    """
    out: list[str] = []
    in_class = False
    escaped = False
    for i, ch in enumerate(pattern):
        out.append(ch)
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            continue
        if ch == "[" and not in_class:
            in_class = True
            continue
        if ch == "]" and in_class:
            in_class = False
            continue
        if not in_class and _is_cjk(ch) and i + 1 < len(pattern) and _is_cjk(pattern[i + 1]):
            out.append("[ \n]*")
    return "".join(out)


@functools.cache
def data() -> dict[str, Any]:
    """The label dictionary, as in ``labels.json``."""
    text = (importlib.resources.files("govreport.extract") / "labels.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def label_defs() -> tuple[LabelDef, ...]:
    """Every label definition, most specific (longest pattern) first."""
    labels = data()
    defs: list[LabelDef] = []
    for kind in ("rows", "groups"):
        for key, spec in labels[kind].items():
            for pattern in spec["match"]:
                defs.append(LabelDef(key=key, kind=kind[:-1], pattern=pattern, enum=spec.get("enum"),
                                     enum_required=bool(spec.get("enum_required"))))
    for table, editions in labels["headers"].items():
        for edition, patterns in editions.items():
            for pattern in patterns:
                defs.append(LabelDef(key=f"header:{table}:{edition}", kind="header", pattern=pattern))
    for name, patterns in labels["sections"].items():
        for pattern in patterns:
            defs.append(LabelDef(key=f"section:{name}", kind="section", pattern=pattern))
    return tuple(sorted(defs, key=lambda d: -len(d.pattern)))


def label_source(d: LabelDef) -> str:
    """The regular expression of one label definition (spaced, with its list number)."""
    body = spaced(d.pattern)
    if d.enum:
        # The list number printed before a sub-row label belongs to the label, so it
        # is never read as a cell ("00000002.其他法律…" = cells 0000000, label 2.其他法律…).
        enum = rf"(?:\({d.enum}\)|{d.enum}[ ]*[.、,:)])[ ]*"
        body = f"{enum}{body}" if d.enum_required else f"(?:{enum})?{body}"
    return body


# -- the characters a match can begin with ------------------------------------------------

class _Unknown(Exception):
    """A construct :func:`first_chars` does not analyse."""


# Escapes that stand for the character itself.
_LITERAL_ESCAPES = frozenset("()[]{}.\\|?*+^$-/\"")


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can begin with, or None if not known.

    Knows literals, escaped punctuation, character classes without ranges or negation,
    groups (plain and ``(?:``) with alternatives, and the quantifiers ``? * + {m,n}``;
    anything else (``\\d``, ``.``, lookarounds, a pattern that can match the empty
    string) gives None, and the pattern is then searched as it is.
    """
    try:
        chars, nullable, end = _alternatives(pattern, 0)
    except _Unknown:
        return None
    if end != len(pattern) or nullable or not chars:
        return None
    return frozenset(chars)


def _alternatives(p: str, i: int) -> tuple[set[str], bool, int]:
    """First characters and nullability of the alternatives from ``p[i]`` to ``)`` or the end."""
    total: set[str] = set()
    any_nullable = False
    while True:
        chars: set[str] = set()
        nullable = True
        while i < len(p) and p[i] not in "|)":
            item, item_nullable, i = _item(p, i)
            item_nullable, i = _quantifier(p, i, item_nullable)
            if nullable:
                chars |= item
                nullable = item_nullable
        total |= chars
        any_nullable = any_nullable or nullable
        if i < len(p) and p[i] == "|":
            i += 1
            continue
        return total, any_nullable, i


def _quantifier(p: str, i: int, nullable: bool) -> tuple[bool, int]:
    if i >= len(p):
        return nullable, i
    if p[i] in "?*":
        nullable, i = True, i + 1
    elif p[i] == "+":
        i += 1
    elif p[i] == "{":
        m = re.compile(r"\{(\d+)(?:,(\d*))?\}").match(p, i)
        if m is None:
            raise _Unknown(p[i:])
        nullable = nullable or int(m.group(1)) == 0
        i = m.end()
    else:
        return nullable, i
    if i < len(p) and p[i] in "?+":  # lazy or possessive: the same first characters
        i += 1
    return nullable, i


def _item(p: str, i: int) -> tuple[set[str], bool, int]:
    ch = p[i]
    if ch == "(":
        j = i + 1
        if p.startswith("?:", j):
            j += 2
        elif p.startswith("?", j):
            raise _Unknown(p[i:])
        chars, nullable, j = _alternatives(p, j)
        if j >= len(p) or p[j] != ")":
            raise _Unknown(p[i:])
        return chars, nullable, j + 1
    if ch == "[":
        j = i + 1
        members: set[str] = set()
        if j < len(p) and p[j] in "^]":
            raise _Unknown(p[i:])
        while j < len(p) and p[j] != "]":
            if p[j] == "\\":
                if j + 1 >= len(p) or p[j + 1] not in _LITERAL_ESCAPES:
                    raise _Unknown(p[i:])
                j += 1
            elif p[j] == "-" and j > i + 1 and j + 1 < len(p) and p[j + 1] != "]":
                raise _Unknown(p[i:])  # a range
            elif p[j] == "[":
                raise _Unknown(p[i:])
            members.add(p[j])
            j += 1
        if j >= len(p):
            raise _Unknown(p[i:])
        return members, False, j + 1
    if ch == "\\":
        if i + 1 >= len(p) or p[i + 1] not in _LITERAL_ESCAPES:
            raise _Unknown(p[i:])
        return {p[i + 1]}, False, i + 2
    if ch in ".^$*+?{}]":
        raise _Unknown(p[i:])
    return {ch}, False, i + 1


# -- finding the labels ---------------------------------------------------------------------

@functools.cache
def _label_regexes() -> tuple[tuple[int, tuple[re.Pattern[str], ...], bool], ...]:
    """Per label definition: its index in :func:`label_defs`, its regexes, and whether
    they are the anchored form (one regex per first character, the match in group 1).

    A pattern with one literal first character already lets the engine skip ahead and
    is compiled as it is; so is one whose first characters are not known.
    """
    out: list[tuple[int, tuple[re.Pattern[str], ...], bool]] = []
    for i, d in enumerate(label_defs()):
        if d.kind == "section":
            continue
        source = label_source(d)
        first = first_chars(source)
        if first is None or len(first) == 1:
            out.append((i, (re.compile(source),), False))
            continue
        anchored = tuple(re.compile(f"{re.escape(c)}(?<=(?=({source}))(?s:.))") for c in sorted(first))
        out.append((i, anchored, True))
    return tuple(out)


def find_labels(text: str) -> list[tuple[int, int, int]]:
    """Non-overlapping label matches as (start, end, definition index), leftmost first.

    Each pattern's matches are its own non-overlapping matches (as ``finditer`` gives);
    where several labels match at the same place, the most specific (longest pattern,
    first in :func:`label_defs`) wins, as in an ordered alternation.
    """
    matches = []
    for index, regexes, anchored in _label_regexes():
        if not anchored:
            for m in regexes[0].finditer(text):
                if m.end() > m.start():
                    matches.append((m.start(), index, m.end()))
            continue
        # Every place the pattern matches (never empty: first_chars rules that out),
        # then those a finditer would give: each after the end of the one before.
        places = sorted((m.start(), m.end(1)) for regex in regexes for m in regex.finditer(text))
        pos = 0
        for start, end in places:
            if start >= pos:
                matches.append((start, index, end))
                pos = end
    matches.sort()
    out = []
    last = -1
    for start, index, end in matches:
        if start >= last:
            out.append((start, end, index))
            last = end
    return out
