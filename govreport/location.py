"""Where a value came from in a source document.

A :class:`Location` is deliberately format-neutral: text sources fill ``line`` and
``column``; HTML and DOCX fill ``table``/``row``/``cell`` (and ``line`` for HTML when
known); PDF fills ``page`` and, for table cells, ``table``/``row``/``cell`` plus the
cell's position on the page (``x``, ``y`` in PDF points from the top-left corner).
What was read by OCR from a picture inside a DOCX or HTML file names the picture
(``image``: the package part or the ``src``), with ``x``/``y`` from its top-left corner.
All numbers are 1-based, as people count them.
"""

from __future__ import annotations

from attrs import define, field

__all__ = ["Location", "Provenance"]

@define(frozen=True, kw_only=True, slots=True)
class Location:
    """A place in a source document (all fields optional, 1-based)."""

    line: int | None = None
    column: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    x: float | None = field(default=None)
    y: float | None = field(default=None)
    image: str | None = None

    def to_dict(self) -> dict[str, int | float]:
        """The non-empty fields, for JSON output."""
        out: dict[str, int | float] = {}
        for name in ("line", "column", "page", "image", "table", "row", "cell", "x", "y"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def describe(self, lang: str = "zh") -> str:
        """A short human description, e.g. ``第3页 表格2 第4行 第5格`` or ``line 12, column 5``."""
        zh = lang == "zh"
        parts = []
        for name in ("page", "image", "table", "row", "cell", "line", "column"):
            value = getattr(self, name)
            if value is None:
                continue
            # In a table the line is the source line of the cell, not the row.
            key = "source_line" if name == "line" and self.row is not None else name
            parts.append(_WORDS[key][0 if zh else 1].format(value))
        return (" " if zh else ", ").join(parts)


_WORDS = {
    "page": ("第{}页", "page {}"), "image": ("图片{}", "picture {}"), "table": ("表格{}", "table {}"), "row": ("第{}行", "row {}"),
    "cell": ("第{}格", "cell {}"), "line": ("第{}行", "line {}"), "source_line": ("源码第{}行", "source line {}"),
    "column": ("第{}列", "column {}"),
}



@define(frozen=True, kw_only=True, slots=True)
class Provenance:
    """Where one value of an instance was read: the place and the raw text found there.

    ``raw`` keeps what the source said (``"/"``, ``"—"``, ``"251000元"``…), so a blank or
    converted cell can always be traced back to the document. ``undetermined`` marks a
    cell left null because the document's digits could not be split unambiguously
    (the value is printed, but which part is this cell's is not known).
    """

    location: Location
    raw: str | None = None
    undetermined: bool = False
    #: For a text value (a section's narrative): ``(offset, location)`` pairs, sorted, each
    #: the place in the source where the text from ``offset`` on was read (one per line).
    anchors: tuple[tuple[int, Location], ...] = ()

    def locate(self, offset: int) -> Location:
        """Where character ``offset`` of a text value was read (its line and column when known).

        Without anchors (a JSON instance), the location of the value itself.
        """
        best: tuple[int, Location] | None = None
        for anchor in self.anchors:
            if anchor[0] > offset:
                break
            best = anchor
        if best is None:
            return self.location
        start, where = best
        if where.column is None:
            return where
        return Location(line=where.line, column=where.column + (offset - start), page=where.page,
                        table=where.table, row=where.row, cell=where.cell)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"location": self.location.to_dict()}
        if self.raw is not None:
            out["raw"] = self.raw
        if self.undetermined:
            out["undetermined"] = True
        return out

