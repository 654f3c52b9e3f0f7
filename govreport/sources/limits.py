"""Limits on the work one input may cost, not only on its size in bytes.

A small file can ask for a lot: a 15 KB page of ``<td colspan=1000 rowspan=65534>``, a
1 MB Word file that inflates to 1 GiB, a PDF of thousands of pages, a text whose
run-together digits can be split in millions of ways. Each such cost has a limit with
a documented default, well above what real reports need (the measured figures are in
``docs/hostile-input.md``). Reaching one is a :class:`~govreport.sources.errors.ReadError`
naming the file and the limit (CLI exit 2) -- or, for digit splitting, cells left blank
with a READ-AMBIGUOUS finding -- never an escaped exception or an unbounded run. (The size limit itself,
:data:`govreport.sources.MAX_BYTES`, is checked before any of these.)

Every limit can be raised (or lowered): pass ``limits=Limits(...)`` to the reading
functions, or set the environment variable named next to each default (read when a
:class:`Limits` is made with no arguments, so worker processes of a batch run inherit
it).
"""

from __future__ import annotations

import os

from attrs import define, field

__all__ = [
    "LIMIT_NAMES",
    "MAX_DIGIT_SPLITS",
    "MAX_DOCUMENT_CHARS",
    "MAX_DOCX_MEMBER",
    "MAX_DOCX_RATIO",
    "MAX_DOCX_TOTAL",
    "MAX_GRID_CELLS",
    "MAX_IMAGES",
    "MAX_IMAGE_PIXELS",
    "MAX_PDF_OBJECTS",
    "MAX_PDF_PAGES",
    "MAX_PDF_PAGE_OBJECTS",
    "MAX_PDF_STREAM",
    "MAX_PDF_STREAMS",
    "Limits",
]

#: Grid positions one table may expand to, counting every position each merged cell
#: covers ("too-many-cells"). The official tables have 40-300 positions (the largest in
#: the corpus: 280). ``GOVREPORT_MAX_GRID_CELLS``.
MAX_GRID_CELLS = 200_000

#: Uncompressed bytes of one member of a .docx ("docx-bomb"). The corpus's Word file has a
#: 250 KB ``document.xml``; 14 MB of paragraphs read in ~1.5 s and 160 MB.
#: ``GOVREPORT_MAX_DOCX_MEMBER``.
MAX_DOCX_MEMBER = 16 * 1024 * 1024

#: Uncompressed bytes of all members of a .docx together (images included) ("docx-bomb").
#: ``GOVREPORT_MAX_DOCX_TOTAL``.
MAX_DOCX_TOTAL = 128 * 1024 * 1024

#: Largest compression ratio of a member bigger than 1 MiB ("docx-bomb"). The corpus's
#: ``document.xml`` is compressed 19:1; deflate's best is about 1030:1, which only a file
#: made to expand reaches. ``GOVREPORT_MAX_DOCX_RATIO``.
MAX_DOCX_RATIO = 200

#: Pages of a PDF ("too-many-pages"). The corpus PDFs have 5-6 pages; reading costs ~50 ms
#: a page (200 pages: 10 s). ``GOVREPORT_MAX_PDF_PAGES``.
MAX_PDF_PAGES = 150

#: Characters, lines, rectangles and curves on one PDF page ("page-too-complex"). The
#: fullest page in the corpus has 753. ``GOVREPORT_MAX_PDF_PAGE_OBJECTS``.
MAX_PDF_PAGE_OBJECTS = 20_000

#: Characters, lines, rectangles and curves on all pages of a PDF together
#: ("pdf-too-complex"). The corpus PDFs have 2,500-3,000; reading costs ~70 µs an object
#: (measured up to 20,000 objects on one page). ``GOVREPORT_MAX_PDF_OBJECTS``.
MAX_PDF_OBJECTS = 60_000

#: Inflated bytes of one compressed (Flate) stream of a PDF ("pdf-bomb"): page contents,
#: fonts, images. Measured with a bounded inflater before pdfminer inflates anything; a
#: 200 MB content stream took 9 s and 440 MB to parse. The largest in the corpus: 430 KB.
#: ``GOVREPORT_MAX_PDF_STREAM``.
MAX_PDF_STREAM = 32 * 1024 * 1024

#: Inflated bytes of all compressed streams of a PDF together ("pdf-bomb"); the corpus
#: PDFs have 1.2-2 MB. ``GOVREPORT_MAX_PDF_STREAMS``.
MAX_PDF_STREAMS = 256 * 1024 * 1024

#: Characters of text (lines and cells) in one document ("too-much-text"). A report has
#: 5,000-60,000; finding the structure costs 2-4 µs a character, so the limit keeps a
#: document under ~8 s. ``GOVREPORT_MAX_DOCUMENT_CHARS``.
MAX_DOCUMENT_CHARS = 2_000_000

#: Search steps spent splitting run-together digits in one document, all rows together
#: (each row also has its own limit of 210,000). The corpus reports flattened to runs
#: need at most ~2,000; a step costs ~1 µs. Past the budget the remaining rows are
#: left blank with READ-AMBIGUOUS. ``GOVREPORT_MAX_DIGIT_SPLITS``.
MAX_DIGIT_SPLITS = 250_000

#: Pictures of one DOCX or HTML file looked at for OCR (decoded, searched for a ruled
#: table, and read): a report's tables printed as pictures are 2-10 pictures, each read
#: in ~5-10 s ("too-many-images"). ``GOVREPORT_MAX_IMAGES``.
MAX_IMAGES = 40

#: Pixels of one picture decoded for OCR ("image-too-large"), checked from the image's
#: header before it is decoded: a PNG of a few KB may claim 100,000 x 100,000 pixels (a
#: decompression bomb). An A4 page at 300 dpi has 8.7 million. ``GOVREPORT_MAX_IMAGE_PIXELS``.
MAX_IMAGE_PIXELS = 40_000_000

_ENV = {
    "grid_cells": ("GOVREPORT_MAX_GRID_CELLS", MAX_GRID_CELLS),
    "docx_member": ("GOVREPORT_MAX_DOCX_MEMBER", MAX_DOCX_MEMBER),
    "docx_total": ("GOVREPORT_MAX_DOCX_TOTAL", MAX_DOCX_TOTAL),
    "docx_ratio": ("GOVREPORT_MAX_DOCX_RATIO", MAX_DOCX_RATIO),
    "pdf_pages": ("GOVREPORT_MAX_PDF_PAGES", MAX_PDF_PAGES),
    "pdf_page_objects": ("GOVREPORT_MAX_PDF_PAGE_OBJECTS", MAX_PDF_PAGE_OBJECTS),
    "pdf_objects": ("GOVREPORT_MAX_PDF_OBJECTS", MAX_PDF_OBJECTS),
    "pdf_stream": ("GOVREPORT_MAX_PDF_STREAM", MAX_PDF_STREAM),
    "pdf_streams": ("GOVREPORT_MAX_PDF_STREAMS", MAX_PDF_STREAMS),
    "document_chars": ("GOVREPORT_MAX_DOCUMENT_CHARS", MAX_DOCUMENT_CHARS),
    "digit_splits": ("GOVREPORT_MAX_DIGIT_SPLITS", MAX_DIGIT_SPLITS),
    "images": ("GOVREPORT_MAX_IMAGES", MAX_IMAGES),
    "image_pixels": ("GOVREPORT_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS),
}


#: Each limit's name (as in :class:`Limits` and ``--limit NAME=N``) and its environment variable.
LIMIT_NAMES: dict[str, str] = {name: variable for name, (variable, _) in _ENV.items()}


def _default(key: str) -> int:
    """The limit ``key`` from its environment variable, else its documented default."""
    variable, default = _ENV[key]
    raw = os.environ.get(variable, "").strip().replace("_", "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{variable}={os.environ[variable]!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{variable} must be at least 1, not {value}")
    return value


def _positive(instance: object, attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"a limit must be a whole number of at least 1, not {value!r}")


@define(frozen=True, kw_only=True)
class Limits:
    """The work limits of one read; fields default to the environment or the module constants."""

    grid_cells: int = field(factory=lambda: _default("grid_cells"), validator=_positive)
    docx_member: int = field(factory=lambda: _default("docx_member"), validator=_positive)
    docx_total: int = field(factory=lambda: _default("docx_total"), validator=_positive)
    docx_ratio: int = field(factory=lambda: _default("docx_ratio"), validator=_positive)
    pdf_pages: int = field(factory=lambda: _default("pdf_pages"), validator=_positive)
    pdf_page_objects: int = field(factory=lambda: _default("pdf_page_objects"), validator=_positive)
    pdf_objects: int = field(factory=lambda: _default("pdf_objects"), validator=_positive)
    pdf_stream: int = field(factory=lambda: _default("pdf_stream"), validator=_positive)
    pdf_streams: int = field(factory=lambda: _default("pdf_streams"), validator=_positive)
    document_chars: int = field(factory=lambda: _default("document_chars"), validator=_positive)
    digit_splits: int = field(factory=lambda: _default("digit_splits"), validator=_positive)
    images: int = field(factory=lambda: _default("images"), validator=_positive)
    image_pixels: int = field(factory=lambda: _default("image_pixels"), validator=_positive)
