"""A document as one normalised stream of text, with labels and cells found in it.

Every source format ends up here the same way: each text line and each table-grid row
becomes a *line* of *pieces* (a grid cell, a ``|``-separated cell, or the whole line),
normalised (:class:`~govreport.extract.normalize.View`) and joined into one string.
Labels are found in that string with the patterns of ``labels.json``
(:mod:`~govreport.extract.labels`); cells are the numbers and blank markers outside
labels. Every event keeps the piece it came from, so its source location is one
lookup away.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator

from attrs import define

from govreport.extract.labels import LabelDef, find_labels, label_defs
from govreport.extract.normalize import View
from govreport.location import Location
from govreport.sources.document import Document, Line, Table

__all__ = ["Cell", "Event", "Piece", "Stream"]


@define(slots=True)
class Piece:
    """One cell-like unit of the source: grid cell, pipe cell or whole text line."""

    raw: str
    view: View
    location: Location
    line: int  # index of the stream line it belongs to
    kind: str  # "grid" | "pipe" | "plain" | "gap"
    start: int = 0  # offset of view.text within the stream
    blanks: int = 0  # for a "gap": how many blank cells the run of empty lines stands for

    def locate(self, view_index: int) -> Location:
        """The source location of a character of this piece's normalised text."""
        if self.kind == "grid":
            return self.location
        return self.locate_raw(self.view.source(view_index))

    def locate_raw(self, offset: int) -> Location:
        """The source location of character ``offset`` of this piece's raw text."""
        if self.kind == "grid":
            return self.location
        base = self.location
        prefix = self.raw[:offset]
        newlines = prefix.count("\n")
        if base.line is None:
            return base
        if newlines:
            return Location(line=base.line + newlines, column=offset - prefix.rfind("\n"),
                            page=base.page, table=base.table, row=base.row, cell=base.cell)
        return Location(line=base.line, column=(base.column or 1) + offset, page=base.page,
                        table=base.table, row=base.row, cell=base.cell, x=base.x, y=base.y)


@define(slots=True)
class Cell:
    """A cell value as printed: a number (maybe run together with others) or a blank."""

    text: str  # normalised token, e.g. "12", "-3", "1424.4万元", "640020470", "" (blank)
    raw: str  # as in the source
    blank: bool
    piece: Piece
    start: int  # stream offset
    separated: bool = True  # preceded by a separator (space, pipe, line break) or a label
    #: A counter word printed after the number ("12件"): the cell is the number, and the
    #: reader says so.
    suffix: str = ""
    #: Text typed where a number belongs ("O", "l2", "十二"): never guessed, so the cell
    #: is blank (null) and the reader reports the raw text as an invalid cell.
    unreadable: bool = False

    @property
    def location(self) -> Location:
        return self.piece.locate(self.start - self.piece.start)


@define(slots=True)
class Event:
    """A label or a cell, in stream order."""

    start: int
    end: int
    line: int
    label: LabelDef | None = None
    cell: Cell | None = None
    text: str = ""  # the matched label text (normalised)
    piece: Piece | None = None


_NUMBER = re.compile(
    r"(?P<sign>[+\-]?)(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?(?:[ ]?(?P<unit>万元|元))?"
)
# A number followed by a counter word or preceded by 第 is prose, not a cell.
_PROSE_AFTER = re.compile(r"[ ]?[件条个项次人年月日号页份篇期名家场%‰倍天]")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
# In run-together text each "/" is one blank cell; a dash or a typographic double dash
# ("——") is one blank cell too.
_INLINE_BLANK = re.compile(r"/|(?<!—)—{1,2}(?!—)")
_BLANK_PIECE = re.compile(r"^[ ]*(/|—+|-{1,2}|–|无|不适用|空|\\|／)[ ]*$")
# A whole cell holding a number and a counter word ("12件", "0 项"): the number, read with
# a finding. Only these counters: they name what a count counts, never a unit to convert.
COUNTERS = "件个条项次"
_SUFFIX_PIECE = re.compile(rf"^(?P<number>[+\-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)[ ]?(?P<suffix>[{COUNTERS}])$")
# A whole cell of characters typed where digits belong: letters that look like digits
# (O for 0, l or I for 1) mixed with digits, or a number in Chinese numerals. Nothing
# else: other text in a cell is a label fragment or a note, not a cell.
_TYPO_PIECE = re.compile(rf"^(?=.*[OoIl])[0-9OoIl.,]{{1,12}}[{COUNTERS}]?$")
_NUMERAL_PIECE = re.compile(rf"^[〇零一二三四五六七八九十百千两]{{1,8}}[{COUNTERS}]?$")
# A list number in running text ("（12）行政处罚…") is not a cell.
_LIST_NUMBER_AFTER = re.compile(r"^\)[ ]?[\u4e00-\u9fff]")


class Stream:
    """The normalised stream of a :class:`~govreport.readers.document.Document`."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.pieces: list[Piece] = []
        self.lines: list[list[Piece]] = []
        self.line_kinds: list[str] = []
        self.block_lines: list[int] = []  # the first line of each block (lines so far)
        self._build(document.blocks)
        chunks: list[str] = []
        pos = 0
        for i, line in enumerate(self.lines):
            if i:
                chunks.append("\n")
                pos += 1
            for j, piece in enumerate(line):
                if j:
                    chunks.append(" | ")
                    pos += 3
                piece.start = pos
                chunks.append(piece.view.text)
                pos += len(piece.view.text)
        self.text = "".join(chunks)
        self._starts = [p.start for p in self.pieces]
        self._labels: list[Event] | None = None
        self._label_starts: list[int] = []
        self.line_starts = [line[0].start if line else 0 for line in self.lines]

    # -- building ----------------------------------------------------------------

    def _add_line(self, pieces: list[Piece], kind: str) -> None:
        index = len(self.lines)
        for p in pieces:
            p.line = index
        self.lines.append(pieces)
        self.line_kinds.append(kind)
        self.pieces.extend(pieces)

    def _build(self, blocks: Iterable[Line | Table]) -> None:
        blocks = list(blocks)
        spacing = _line_spacing(blocks)
        empties = 0
        last = Location()
        for block in blocks:
            self.block_lines.append(len(self.lines))
            if isinstance(block, Table):
                empties = 0
                for row in block.rows:
                    cells = [c for c in row if not c.spanned]
                    pieces = [Piece(raw=c.text, view=View(c.text.replace("\n", " ")), location=c.location,
                                    line=0, kind="grid") for c in cells]
                    if pieces:
                        self._add_line(pieces, "grid")
                continue
            if not block.text.strip():
                if "\xa0" in block.text:
                    # A line holding only a no-break space is an empty table cell of a web
                    # page flattened to text (&nbsp;), not a separator.
                    self._add_gap(1, 0, block.location, at_end=True, blanks=1)
                    empties = 0
                    continue
                empties += 1
                last = block.location
                continue
            self._add_gap(empties, spacing, block.location)
            empties = 0
            self._add_text_line(block)
        if empties and blocks:
            self._add_gap(empties, spacing, last, at_end=True)

    def _add_gap(self, empties: int, spacing: int, location: Location, at_end: bool = False,
                 blanks: int = 0) -> None:
        """Cells separated by blank lines: a longer run of empty lines holds blank cells
        (each blank cell adds itself and one more separator; at the end of the document
        no separator follows the last one). ``blanks`` forces a known number."""
        if blanks:
            extra, rest = blanks, 0
        elif not spacing or empties <= (0 if at_end else spacing):
            return
        else:
            extra, rest = divmod(empties if at_end else empties - spacing, spacing + 1)
        if extra and not rest:
            gap = Piece(raw="", view=View(""), location=location, line=0, kind="gap")
            gap.blanks = extra
            self._add_line([gap], "gap")

    def _add_text_line(self, line: Line) -> None:
        text = line.text
        base = line.location
        if _PAGE_NUMBER.match(text):
            return  # running page numbers of a PDF turned into text: not content
        if "|" not in text:
            self._add_line([Piece(raw=text, view=View(text), location=base, line=0, kind="plain")], "plain")
            return
        if re.fullmatch(r"\|+", text.rstrip("\r")):
            return  # filler pipes left by merged cells of a web table (|||); " |" is a blank cell
        # A line with pipes: the segments are cells (Markdown tables, "cell |" web-page dumps).
        segments: list[tuple[int, str]] = []
        start = 0
        for m in re.finditer(r"\|", text):
            segments.append((start, text[start:m.start()]))
            start = m.end()
        segments.append((start, text[start:]))
        # Only the empty text before a leading pipe and after a trailing pipe is not a
        # cell: " |" is a blank cell (a web dump writes every cell as "text |"), and
        # "label | " ends with a blank cell.
        if segments and segments[0][1] == "":
            segments = segments[1:]
        if segments and segments[-1][1].strip("\r") == "":
            segments = segments[:-1]
        if all(re.fullmatch(r"\s*:?-{2,}:?\s*", s) for _, s in segments if s.strip()) and any(s.strip() for _, s in segments):
            return  # a Markdown header separator row
        pieces = []
        for offset, seg in segments:
            loc = Location(line=base.line, column=(base.column or 1) + offset, page=base.page,
                           table=base.table, row=base.row, cell=base.cell)
            pieces.append(Piece(raw=seg, view=View(seg), location=loc, line=0, kind="pipe"))
        if pieces:
            self._add_line(pieces, "pipe")

    # -- lookups -------------------------------------------------------------------

    def piece_at(self, offset: int) -> Piece:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.pieces[max(i, 0)]

    def pieces_from(self, offset: int) -> Iterator[Piece]:
        """The pieces in order, from the one holding ``offset`` on."""
        return itertools.islice(self.pieces, max(bisect.bisect_right(self._starts, offset) - 1, 0), None)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def raw_text(self, start: int, end: int) -> str:
        """The source text behind the stream span ``[start, end)``, pieces joined by spaces."""
        parts = []
        for piece in self.pieces[max(bisect.bisect_right(self._starts, start) - 1, 0):]:
            if piece.start >= end:
                break
            lo = max(start, piece.start) - piece.start
            hi = min(end, piece.start + len(piece.view.text)) - piece.start
            if hi > lo:
                a = piece.view.source(lo)
                b = piece.view.source(hi - 1) + 1
                parts.append(piece.raw[a:b].strip())
        return " ".join(p for p in parts if p)

    def location(self, offset: int) -> Location:
        piece = self.piece_at(offset)
        return piece.locate(offset - piece.start)

    # -- events ----------------------------------------------------------------------

    def _all_labels(self) -> list[Event]:
        # Scanned once per document: the label regex is the costly part of reading.
        if self._labels is None:
            defs = label_defs()
            found = [
                Event(start=a, end=b, line=self.line_of(a), label=defs[i], text=self.text[a:b], piece=self.piece_at(a))
                for a, b, i in find_labels(self.text)
            ]
            self._labels = found
            self._label_starts = [e.start for e in found]
        return self._labels

    def labels(self, start: int = 0, end: int | None = None) -> list[Event]:
        """Label occurrences (rows, groups, headers) in ``[start, end)``, in order.

        Labels are matched over the whole document, so a label that begins before
        ``start`` is not found again half-way through.
        """
        found = self._all_labels()
        stop = len(self.text) if end is None else end
        lo = bisect.bisect_left(self._label_starts, start)
        hi = bisect.bisect_left(self._label_starts, stop)
        return found[lo:hi]

    def events(self, start: int, end: int) -> list[Event]:
        """Labels and cells in ``[start, end)``, in stream order."""
        labels = self.labels(start, end)
        # Labels never overlap, so their ends are in order as their starts are.
        taken = [(e.start, e.end) for e in labels]
        ends = [e.end for e in labels]
        starts = [e.start for e in labels]
        events: list[Event] = list(labels)
        first = bisect.bisect_right(self._starts, start) - 1
        for piece in self.pieces[max(first, 0):]:
            if piece.start >= end:
                break
            pend = piece.start + len(piece.view.text)
            if pend <= start:
                continue
            near = taken[bisect.bisect_right(ends, piece.start):bisect.bisect_left(starts, pend)]
            events.extend(self._cells(piece, near, start, end))
        events.sort(key=lambda e: (e.start, 0 if e.label else 1))
        return events

    def _whole_cell(self, piece: Piece, base: int, start: int, end: int) -> list[Event] | None:
        """A piece that is one cell holding a counter word or a mistyped number, or None.

        A line of running text is such a cell only when the whole line is it (a cell per
        line); Chinese numerals only count inside a table cell (a grid or pipe cell),
        since a line holding just 一 or 三 may be a list number of broken text.
        """
        text = piece.view.text
        stripped = text.strip()
        if not stripped:
            return None
        lead = len(text) - len(text.lstrip())
        raw = piece.raw.strip()
        suffix = _SUFFIX_PIECE.match(stripped)
        if suffix is not None:
            cell = Cell(text=suffix.group("number").replace(",", ""), raw=raw, blank=False, piece=piece,
                        start=base + lead, suffix=suffix.group("suffix"))
        elif _TYPO_PIECE.match(stripped) or (piece.kind != "plain" and _NUMERAL_PIECE.match(stripped)):
            cell = Cell(text="", raw=raw, blank=True, piece=piece, start=base + lead, unreadable=True)
        else:
            return None
        if not (start <= cell.start < end):
            return []
        return [Event(start=cell.start, end=base + len(text.rstrip()), line=piece.line, cell=cell, piece=piece)]

    def _cells(self, piece: Piece, near: list[tuple[int, int]], start: int, end: int) -> list[Event]:
        """The cells of ``piece`` in ``[start, end)``; ``near`` are the labels that
        overlap the piece, in order."""
        text = piece.view.text
        base = piece.start
        # The parts of the piece not covered by a label.
        covered = [(max(s, base) - base, min(e, base + len(text)) - base) for s, e in near]
        free = []
        pos = 0
        for s, e in covered:
            if s > pos:
                free.append((pos, s))
            pos = max(pos, e)
        if pos < len(text):
            free.append((pos, len(text)))
        out: list[Event] = []
        if piece.kind == "gap":
            if start <= base < end:
                for _ in range(piece.blanks):
                    cell = Cell(text="", raw="", blank=True, piece=piece, start=base)
                    out.append(Event(start=base, end=base, line=piece.line, cell=cell, piece=piece))
            return out
        has_label = bool(covered)
        if not has_label and piece.kind in ("grid", "pipe", "plain"):
            whole = self._whole_cell(piece, base, start, end)
            if whole is not None:
                return whole
        if piece.kind in ("grid", "pipe") and not has_label:
            stripped = text.strip()
            if not stripped or _BLANK_PIECE.match(stripped):
                if start <= base < end:
                    cell = Cell(text="", raw=piece.raw.strip(), blank=True, piece=piece, start=base)
                    out.append(Event(start=base, end=base + len(text), line=piece.line, cell=cell, piece=piece))
                return out
        if piece.kind == "plain" and not has_label and _BLANK_PIECE.match(text.strip() or "x"):
            if start <= base < end:
                cell = Cell(text="", raw=piece.raw.strip(), blank=True, piece=piece, start=base)
                out.append(Event(start=base, end=base + len(text), line=piece.line, cell=cell, piece=piece))
            return out
        for fs, fe in free:
            segment = text[fs:fe]
            if piece.kind == "plain":
                # A dash standing between cells of a run-together row is a blank cell
                # ("9—0"): dropping it would shift every cell after it.
                for m in _INLINE_BLANK.finditer(segment):
                    abs_start = base + fs + m.start()
                    if start <= abs_start < end:
                        cell = Cell(text="", raw=m.group(), blank=True, piece=piece, start=abs_start)
                        out.append(Event(start=abs_start, end=abs_start + len(m.group()), line=piece.line,
                                         cell=cell, piece=piece))
            for m in _NUMBER.finditer(segment):
                abs_start = base + fs + m.start()
                if not (start <= abs_start < end):
                    continue
                before = segment[m.start() - 1] if m.start() else ""
                after = segment[m.end():m.end() + 2]
                if before == "第" or (before and (before.isalpha() and before.isascii())):
                    continue
                if not m.group("unit") and _PROSE_AFTER.match(after):
                    continue
                if before == "." or (before.isdigit() and not m.group("sign")):
                    continue
                if before == "(" and _LIST_NUMBER_AFTER.match(segment[m.end():]):
                    continue
                token = m.group()
                separated = m.start() == 0 or segment[m.start() - 1] in " \n"
                cell = Cell(text=token.replace(" ", "").replace(",", ""), raw=_raw(piece, fs + m.start(), fs + m.end()).strip(),
                            blank=False, piece=piece, start=abs_start, separated=separated)
                out.append(Event(start=abs_start, end=base + fs + m.end(), line=piece.line, cell=cell, piece=piece))
        return out


def _line_spacing(blocks: list[Line | Table]) -> int:
    """The usual number of empty lines between two text lines (the commonest run).

    A document that separates its cells by one empty line has spacing 1; a run of
    three then means one blank cell. Documents without empty lines have spacing 0,
    and then runs of empty lines are never read as cells.
    """
    runs: dict[int, int] = {}
    empties = 0
    for block in blocks:
        if isinstance(block, Line) and not block.text.strip():
            empties += 1
            continue
        if empties:
            runs[empties] = runs.get(empties, 0) + 1
        empties = 0
    if not runs:
        return 0
    common = max(runs.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return common if runs[common] >= 20 else 0


def _raw(piece: Piece, start: int, end: int) -> str:
    a = piece.view.source(start)
    b = piece.view.source(end - 1) + 1 if end > start else a
    return piece.raw[a:b]
