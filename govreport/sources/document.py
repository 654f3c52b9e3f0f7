"""The neutral document model every reader produces.

Readers only *extract*: they turn bytes into a :class:`Document` made of text lines and
table grids, each piece carrying its :class:`~govreport.location.Location`. Finding the
report's structure (sections, tables 2-4, cells) is a separate stage
(:mod:`govreport.extract`) that works on this model whatever the source format was.
"""

from __future__ import annotations

from attrs import define, field

from govreport.location import Location

__all__ = ["Cell", "Document", "Line", "OcrText", "Picture", "Table"]


@define(frozen=True, kw_only=True, slots=True)
class Line:
    """One line of running text, as the source lays it out.

    For plain text and Markdown this is a physical line of the file; for HTML/DOCX
    a block element (paragraph, heading, list item, ``<br>``-separated line); for PDF
    a visual line of text outside the tables.
    """

    text: str
    location: Location


@define(frozen=True, kw_only=True, slots=True)
class OcrText:
    """What OCR said about a cell's text (only on cells read from an image).

    ``read`` is the engine's text before a letter standing for a digit was read as that
    digit (``lettered``); ``confidence`` is the engine's (0-1); ``alternatives`` are the
    runner-up characters, as ``(position in read, character)`` pairs.
    """

    read: str
    confidence: float
    alternatives: tuple[tuple[int, str], ...] = ()
    lettered: bool = False


@define(frozen=True, kw_only=True, slots=True)
class Cell:
    """One position of a table grid.

    Merged cells are expanded: every grid position covered by a ``rowspan``/``colspan``
    (or DOCX ``vMerge``/``gridSpan``, or a PDF merged region) holds a cell with the
    origin's text and ``spanned=True``; the origin itself has ``spanned=False``.
    ``text`` keeps internal line breaks as ``\\n``.
    """

    text: str
    location: Location
    spanned: bool = False
    #: Set when the cell was read by OCR (see :class:`OcrText`).
    ocr: OcrText | None = None


@define(frozen=True, kw_only=True, slots=True)
class Table:
    """A rectangular grid of cells (rows padded to the same width)."""

    rows: tuple[tuple[Cell, ...], ...]
    location: Location


@define(frozen=True, kw_only=True, slots=True)
class Picture:
    """A picture inside a DOCX or HTML file, which may hold a table printed as an image.

    ``index`` is the block it precedes (as in ``Document.images``); ``name`` is the
    package part (``word/media/image1.png``) or the ``src`` as written (a ``data:`` URI
    shortened to its media type). ``data`` is the image's bytes when they are at hand
    (DOCX parts, ``data:`` URIs, files next to an HTML file read from disk); otherwise
    ``unread`` says why not (``remote``: on the network, never fetched; ``missing``: no
    such file, or no directory to look in; ``unreadable``: not an image, or too large).
    """

    index: int
    name: str
    data: bytes = b""
    unread: str = ""


@define(frozen=True, kw_only=True, slots=True)
class Document:
    """A source document as a sequence of blocks in reading order."""

    blocks: tuple[Line | Table, ...]
    media_type: str
    sha256: str
    name: str = ""
    encoding: str | None = None
    title: str | None = None
    metadata: dict[str, str] = field(factory=dict)
    #: Where pictures stand in the text: each is the index of the block it precedes
    #: (``len(blocks)`` for one at the end). Only the place is kept -- enough to say that
    #: a table which is missing was printed as a picture.
    images: tuple[int, ...] = ()
    #: The pictures of a DOCX or HTML file in reading order (see :class:`Picture`); those
    #: read by OCR are spliced into ``blocks`` in their place and left out of ``images``.
    pictures: tuple[Picture, ...] = ()

    def lines(self) -> list[Line]:
        """The text lines only (tables left out)."""
        return [b for b in self.blocks if isinstance(b, Line)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
