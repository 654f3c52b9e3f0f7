"""Sources: bytes of any supported format -> a JSON instance or the neutral :class:`Document`.

Public entry points:

* :func:`read_document` -- read a file (path) or bytes into a :class:`Document`;
* :func:`sniff` -- tell the media type from the content.

The format is decided by the *content*, not the file name: reports are downloaded
from CMSs that serve HTML as ``.doc``, save PDFs as ``.html``, or strip extensions.
The extension only breaks the tie between plain text and Markdown, which read the
same way anyway. Anything that is not one of the supported formats is refused with a
:class:`ReadError` naming the file -- a wrong guess would silently produce an empty
report, which is worse than a clear "this is a ZIP archive".

Readers only *extract*; finding report structure is the next stage's job.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from typing import Any

from attrs import define, evolve

from govreport.sources.document import Cell, Document, Line, Picture, Table
from govreport.sources.embedded import read_embedded
from govreport.sources.encoding import TEXT_CONTROL, split_bom, utf16_without_bom
from govreport.sources.errors import MESSAGES, MissingExtra, ReadError
from govreport.sources.instance import load_instance
from govreport.sources.limits import Limits
from govreport.sources.ocr import OCR_MODES, read_image, read_scanned_pdf

__all__ = [
    "DOCX",
    "HTML",
    "IMAGES",
    "JSON",
    "MARKDOWN",
    "MAX_BYTES",
    "MEDIA_TYPES",
    "MESSAGES",
    "PDF",
    "TEXT",
    "Cell",
    "Document",
    "Limits",
    "Line",
    "MissingExtra",
    "OCR_MODES",
    "Picture",
    "ReadError",
    "Source",
    "Table",
    "read_document",
    "read_file",
    "read_source",
    "sniff",
]

TEXT = "text/plain"
MARKDOWN = "text/markdown"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON = "application/json"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
#: Image files, read by OCR (extra ``ocr``).
IMAGES = (PNG, JPEG, TIFF)
MEDIA_TYPES = (TEXT, MARKDOWN, HTML, PDF, DOCX, JSON, *IMAGES)

#: Inputs larger than this are refused ("too-large"). Real reports are well under
#: 10 MB even as PDFs with images; the limit protects batch runs from stray archives.
MAX_BYTES = 50 * 1024 * 1024

#: Short names accepted for ``media_type`` (e.g. from a ``--format`` option).
_ALIASES = {
    "text": TEXT,
    "txt": TEXT,
    "plain": TEXT,
    "md": MARKDOWN,
    "markdown": MARKDOWN,
    "html": HTML,
    "htm": HTML,
    "pdf": PDF,
    "docx": DOCX,
    "json": JSON,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "tif": TIFF,
    "tiff": TIFF,
}

_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
_TEXT_EXTENSIONS = (".txt", ".text")

#: How much of the start of a file is examined for text markers.
_HEAD = 4096

# Tags a real HTML document (or fragment) starts with, after blanks, comments and an
# XML declaration. A bare ``<p`` is only accepted when followed by a tag delimiter.
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|span|br|h[1-6]|center|font|style|script|link|article|section|form|ul|ol|li)[\s/>]",
    re.IGNORECASE,
)
# Markers that make a file HTML wherever they are in the first few KB (crawler
# output sometimes puts a few header lines before the page).
_HTML_ANYWHERE = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_LEADING_JUNK = re.compile(rb"\A(?:\s+|<!--.*?-->|<\?xml[^>]*\?>)*", re.DOTALL)

_MARKDOWN_HINTS = re.compile(r"^(?:#{1,6}\s|\s*\|?\s*:?-{3,}:?\s*\|)", re.MULTILINE)

# Magic numbers of things people mistake for reports (with a readable name).
_MAGIC: tuple[tuple[bytes, tuple[str, str]], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        (
            "旧版Office/WPS文档（.doc/.wps/.xls，OLE2），请另存为.docx或PDF",
            "legacy Office/WPS document (.doc/.wps/.xls, OLE2); save it as .docx or PDF",
        ),
    ),
    (b"{\\rtf", ("RTF文档，请另存为.docx或PDF", "RTF; save it as .docx or PDF")),
    (b"GIF87a", ("GIF图片", "GIF image")),
    (b"GIF89a", ("GIF图片", "GIF image")),
    (b"\x7fELF", ("可执行文件（ELF）", "executable (ELF)")),
    (b"\x1f\x8b", ("gzip压缩包", "gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", ("7z压缩包", "7z archive")),
    (b"Rar!\x1a\x07", ("RAR压缩包", "RAR archive")),
    (b"AT&TFORM", ("DjVu文档", "DjVu document")),
)

# Images read by OCR.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_IMAGE_LABELS = {PNG: ("PNG图片", "PNG image"), JPEG: ("JPEG图片", "JPEG image"), TIFF: ("TIFF图片", "TIFF image")}

_CONTROL = TEXT_CONTROL | {0}


_BLANK = b" \t\r\n\x0c\x00"


def _blank(data: bytes) -> bool:
    """No content at all: nothing but a byte-order mark and whitespace."""
    _, head = split_bom(data[:4096])
    return not head.strip(_BLANK) and not data[4096:].strip(_BLANK)


def _display(name: str) -> str:
    return name or "<bytes>"


def sniff(data: bytes, name: str = "") -> str:
    """The media type of ``data``, decided by content; ``name`` only breaks ties.

    Returns one of :data:`MEDIA_TYPES`. Raises :class:`ReadError` (``empty``,
    ``unsupported``, ``binary``, ``corrupt``) for content that is none of them.
    """
    shown = _display(name)
    if _blank(data):
        raise ReadError(shown, "empty")
    if b"%PDF-" in data[:1024]:  # the spec tolerates junk before the header
        return PDF
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return _sniff_zip(data, shown, name)
    for magic, image in _IMAGE_MAGIC:
        if data.startswith(magic):
            return image
    for magic, label in _MAGIC:
        if data.startswith(magic):
            raise ReadError(shown, "unsupported", format=label)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise ReadError(shown, "unsupported", format=("WebP图片", "WebP image"))

    head = _text_head(data)
    if head is None:
        raise ReadError(shown, "binary")
    start = _LEADING_JUNK.match(head)
    body = head[start.end() if start else 0 :]
    if body.startswith(b"{"):
        # An object is a report instance; if it is not valid JSON the instance loader
        # says where. (A page saved as .json is still sniffed by its content.)
        return JSON
    if _HTML_START.match(body) or _HTML_ANYWHERE.search(head):
        return HTML
    lower = name.lower()
    if lower.endswith(_MARKDOWN_EXTENSIONS):
        return MARKDOWN
    if lower.endswith(_TEXT_EXTENSIONS):
        return TEXT
    if "." not in os.path.basename(lower) or not lower:
        sample = head.decode("utf-8", "ignore")
        if len(_MARKDOWN_HINTS.findall(sample)) >= 2:
            return MARKDOWN
    return TEXT


def _text_head(data: bytes) -> bytes | None:
    """The start of ``data`` as ASCII-compatible bytes, or None if it looks binary.

    UTF-16/32 (with a BOM, or UTF-16 recognised by where its NUL bytes fall) is
    transcoded so the ASCII markers can be found. Text has very few control
    characters; binary formats have many. A text with a stray NUL byte is still text
    here: decoding it says where the NUL is (``stray-nul``), rather than calling a
    damaged report "binary".
    """
    codec, head = split_bom(data[:_HEAD])
    if codec is None:
        codec = utf16_without_bom(data)
    if codec is not None and codec != "utf-8":
        return head.decode(codec, "ignore").encode("utf-8")
    if b"\x00" in head:
        # A stray NUL or two in otherwise clean text, or NUL padding at the end (a cut-off
        # download); many NULs inside, or other control bytes, is binary.
        nuls = head.rstrip(b"\x00").count(b"\x00")
        head = head.replace(b"\x00", b"")
        if nuls > max(4, len(head) // 200) or not head.strip() or any(byte in TEXT_CONTROL for byte in head):
            return None
    control = sum(1 for byte in head if byte in _CONTROL)
    if control > max(2, len(head) // 100):
        return None
    return head


def _sniff_zip(data: bytes, shown: str, name: str) -> str:
    media = "DOCX" if name.lower().endswith(".docx") else "ZIP"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ReadError(shown, "corrupt", media=media, detail=str(error) or type(error).__name__) from None
    if "word/document.xml" in names:
        return DOCX
    label: tuple[str, str]
    if "xl/workbook.xml" in names:
        label = ("Excel表格（.xlsx）", "Excel workbook (.xlsx)")
    elif "ppt/presentation.xml" in names:
        label = ("PowerPoint演示文稿（.pptx）", "PowerPoint presentation (.pptx)")
    elif any(n.lower() == "ofd.xml" for n in names):
        label = ("OFD版式文档，请另存为PDF", "OFD document; save it as PDF")
    elif "mimetype" in names and "content.xml" in names:
        label = ("OpenDocument文档（.odt/.ods）", "OpenDocument file (.odt/.ods)")
    else:
        label = ("ZIP压缩包", "ZIP archive")
    raise ReadError(shown, "unsupported", format=label)


@define(frozen=True, kw_only=True)
class Source:
    """One input, sniffed once: a JSON report instance, or a document to extract from."""

    media_type: str
    instance: dict[str, Any] | None = None
    document: Document | None = None


def read_source(data: bytes, *, name: str, limits: Limits | None = None, ocr: str = "auto",
                directory: str | None = None) -> Source:
    """``data`` as a :class:`Source`: the one place that decides JSON instance or document.

    ``ocr`` (one of :data:`OCR_MODES`) says when scanned pages and pictures are read by
    OCR; ``directory`` is where the file was read from, if from disk (see
    :func:`read_document`)."""
    shown = _display(name)
    if len(data) > MAX_BYTES:
        raise ReadError(shown, "too-large", size=len(data), limit=MAX_BYTES)
    media = sniff(data, name)
    if media == JSON:
        return Source(media_type=JSON, instance=load_instance(data, shown))
    return Source(media_type=media, document=read_document(data, name=name, media_type=media, limits=limits,
                                                           ocr=ocr, directory=directory))


def read_document(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    media_type: str | None = None,
    limits: Limits | None = None,
    ocr: str = "auto",
    directory: str | None = None,
) -> Document:
    """Read a report document from a path (``str``/``PathLike``) or from raw bytes.

    A ``str`` is always a path, never document text: pass text as bytes.
    ``name`` names the input in messages and becomes ``Document.name`` (default: the
    file's base name for a path -- messages then show the path as given -- and ``""``
    for bytes, shown as ``<bytes>`` in messages). ``media_type`` (a full media type or
    a short name such as ``"pdf"``) skips sniffing. JSON is read as text lines; report
    instances are loaded elsewhere. Unusable input raises :class:`ReadError`; a
    missing optional dependency raises :class:`MissingExtra`. ``limits`` bounds the
    work (see :mod:`govreport.sources.limits`; default: the environment, else the
    documented defaults).

    ``ocr`` (one of :data:`OCR_MODES`): ``auto`` (default) reads a PDF without a usable
    text layer, and image files (PNG, JPEG, TIFF), by OCR (extra ``ocr``); ``always``
    also reads PDFs that have a text layer by OCR; ``never`` refuses scanned files. Pictures
    inside DOCX and HTML files are read by OCR in their place (:mod:`govreport.sources.embedded`):
    with ``auto`` when the document lacks some of the report's tables (the pictures showing
    a ruled table), with ``always`` all of them. ``directory`` is where an HTML file's
    pictures named by a relative ``src`` are looked for: the file's own directory for a
    path, none for bytes unless given (nothing is ever fetched from the network).
    """
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    limits = limits or Limits()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        shown = _display(name or "")
        doc_name = name or ""
        if len(data) > MAX_BYTES:
            raise ReadError(shown, "too-large", size=len(data), limit=MAX_BYTES)
    else:
        path = os.fspath(source)
        if directory is None:
            directory = os.path.dirname(os.path.abspath(path))
        shown = name or path
        doc_name = name or os.path.basename(path)
        data = read_file(path, shown)
    if _blank(data):
        raise ReadError(shown, "empty")

    if media_type is None:
        media = sniff(data, doc_name or shown)
    else:
        media = _ALIASES.get(media_type.lower(), media_type.lower())
        if media not in MEDIA_TYPES:
            raise ReadError(shown, "unsupported", format=media_type)
    digest = hashlib.sha256(data).hexdigest()
    reader_name = doc_name

    if media == HTML:
        from govreport.sources.html import read_html

        document = read_embedded(read_html(data, name=shown, sha256=digest, limits=limits), name=shown, mode=ocr,
                                 limits=limits, directory=directory)
    elif media == PDF:
        from govreport.sources.pdf import read_pdf

        if ocr == "always":
            return _renamed(read_scanned_pdf(data, name=shown, sha256=digest), reader_name)
        try:
            document = read_pdf(data, name=shown, sha256=digest, limits=limits)
        except ReadError as error:
            # A scanned PDF (or one whose text layer is junk) is read by OCR.
            if ocr == "never" or error.code not in ("no-text-layer", "no-unicode"):
                raise
            return _renamed(read_scanned_pdf(data, name=shown, sha256=digest), reader_name)
    elif media in IMAGES:
        if ocr == "never":
            label = _IMAGE_LABELS[media]
            raise ReadError(shown, "unsupported", format=(f"{label[0]}（未启用OCR）", f"{label[1]} (OCR is off)"))
        return _renamed(read_image(data, name=shown, sha256=digest, media_type=media), reader_name)
    elif media == DOCX:
        from govreport.sources.docx import read_docx

        document = read_embedded(read_docx(data, name=shown, sha256=digest, limits=limits), name=shown, mode=ocr,
                                 limits=limits)
    else:
        from govreport.sources.text import read_text

        document = read_text(data, name=shown, sha256=digest, media_type=media)
    _check_text_size(document, shown, limits)
    return _renamed(document, reader_name)


def _check_text_size(document: Document, shown: str, limits: Limits) -> None:
    """Refuse a document with more text than ``limits.document_chars`` (``too-much-text``)."""
    size = 0
    for block in document.blocks:
        if isinstance(block, Line):
            size += len(block.text)
        else:
            size += sum(len(cell.text) for row in block.rows for cell in row if not cell.spanned)
    if size > limits.document_chars:
        raise ReadError(shown, "too-much-text", size=size, limit=limits.document_chars,
                            variable="GOVREPORT_MAX_DOCUMENT_CHARS")


def _renamed(document: Document, name: str) -> Document:
    """Readers get the *display* name for their errors; the Document gets the file name."""
    if document.name == name:
        return document
    return evolve(document, name=name)


def read_file(path: str, shown: str) -> bytes:
    """The bytes of the file at ``path`` (``shown`` names it in errors), size-limited."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ReadError(shown, "not-found") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise ReadError(shown, "unreadable", detail=getattr(error, "strerror", None) or str(error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(shown, "unreadable", detail=("是目录", "it is a directory"))
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO waits for a writer and a device may never end: refuse both.
        zh, en = _kind(info.st_mode)
        raise ReadError(shown, "unreadable", detail=(f"不是普通文件（{zh}）", f"not a regular file ({en})"))
    if info.st_size > MAX_BYTES:
        raise ReadError(shown, "too-large", size=info.st_size, limit=MAX_BYTES)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ReadError(shown, "unreadable", detail=error.strerror or str(error)) from None
    if len(data) > MAX_BYTES:  # grew while we looked, or a special file
        raise ReadError(shown, "too-large", size=len(data), limit=MAX_BYTES)
    return data


def _kind(mode: int) -> tuple[str, str]:
    """What a file that is not a regular file is, in Chinese and English."""
    if stat.S_ISFIFO(mode):
        return "命名管道", "a FIFO"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    if stat.S_ISCHR(mode):
        return "字符设备", "a character device"
    if stat.S_ISBLK(mode):
        return "块设备", "a block device"
    return "特殊文件", "a special file"
