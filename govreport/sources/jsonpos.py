"""JSON with positions: where each value of an instance file starts (line, column).

People who keep their report as a JSON file want findings to say where in that file
the cell is, like for any other source. The standard ``json`` module does not report
positions, so this is a small recursive-descent parser over the same grammar that
records, for every value, the JSON Pointer and the 1-based line and column where it
starts. Strings are decoded by ``json.decoder.scanstring`` (the standard module's own
string scanner).

The instance itself is still produced by :func:`json.loads` (fast, and the reference
for what is valid JSON); positions are computed only when they are wanted:
:class:`SourceMap` walks the file the first time a position is asked for, so a file
without findings never pays for it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]

from govreport.location import Location, Provenance
from govreport.pointer import escape

__all__ = ["SourceMap", "positions"]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null")


class _Parser:
    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.shift = first_line - 1
        self.found: dict[str, Location] = {}

    def location(self, pos: int) -> Location:
        line = bisect.bisect_right(self.line_starts, pos)
        return Location(line=line + self.shift, column=pos - self.line_starts[line - 1] + 1)

    def skip(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def value(self, pos: int, ptr: str) -> int:
        pos = self.skip(pos)
        self.found[ptr] = self.location(pos)
        ch = self.text[pos:pos + 1]
        if ch == "{":
            return self.obj(pos + 1, ptr)
        if ch == "[":
            return self.arr(pos + 1, ptr)
        if ch == '"':
            end: int = _scanstring(self.text, pos + 1)[1]
            return end
        for literal in _LITERALS:
            if self.text.startswith(literal, pos):
                return pos + len(literal)
        m = _NUMBER.match(self.text, pos)
        if m is None:
            raise ValueError(f"unexpected character at {pos}")
        return m.end()

    def obj(self, pos: int, ptr: str) -> int:
        pos = self.skip(pos)
        if self.text[pos:pos + 1] == "}":
            return pos + 1
        while True:
            pos = self.skip(pos)
            key, pos = _scanstring(self.text, pos + 1)
            pos = self.skip(pos)
            if self.text[pos:pos + 1] != ":":
                raise ValueError(f"expected ':' at {pos}")
            pos = self.skip(self.value(pos + 1, f"{ptr}/{escape(key)}"))
            ch = self.text[pos:pos + 1]
            if ch == "}":
                return pos + 1
            if ch != ",":
                raise ValueError(f"expected ',' or '}}' at {pos}")
            pos += 1

    def arr(self, pos: int, ptr: str) -> int:
        pos = self.skip(pos)
        if self.text[pos:pos + 1] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self.skip(self.value(pos, f"{ptr}/{index}"))
            index += 1
            ch = self.text[pos:pos + 1]
            if ch == "]":
                return pos + 1
            if ch != ",":
                raise ValueError(f"expected ',' or ']' at {pos}")
            pos += 1


def positions(text: str, first_line: int = 1) -> dict[str, Location]:
    """JSON Pointer → where the value starts, for a text ``json.loads`` accepts
    (``first_line``: the line the text starts on, for a record of a JSON Lines stream).

    Returns an empty mapping if the text cannot be walked (positions are a help, never
    a reason to refuse an instance that the standard parser read).
    """
    parser = _Parser(text, first_line)
    try:
        parser.value(0, "")
    except (ValueError, IndexError, RecursionError):
        return {}
    return parser.found


class SourceMap(Mapping[str, Provenance]):
    """JSON Pointer → :class:`~govreport.location.Provenance` of each value of a JSON file.

    A read-only mapping like any other source map; the file is walked (by
    :func:`positions`) on the first lookup, not when the map is made. It pickles as
    the text, so it travels to and from worker processes without the walk.
    """

    __slots__ = ("_text", "_first_line", "_found")

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first_line = first_line
        self._found: dict[str, Provenance] | None = None

    def _map(self) -> dict[str, Provenance]:
        if self._found is None:
            self._found = {ptr: Provenance(location=loc)
                           for ptr, loc in positions(self._text, self._first_line).items()}
        return self._found

    def __getitem__(self, ptr: str) -> Provenance:
        return self._map()[ptr]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())

    def __contains__(self, ptr: object) -> bool:
        return ptr in self._map()

    def __repr__(self) -> str:
        state = "not walked yet" if self._found is None else f"{len(self._found)} values"
        return f"SourceMap({state})"

    def __reduce__(self) -> tuple[type[SourceMap], tuple[str, int]]:
        return (SourceMap, (self._text, self._first_line))
