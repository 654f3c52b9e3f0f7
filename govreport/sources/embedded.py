"""Tables printed as pictures inside a DOCX or HTML file, read by OCR in their place.

A Word file or a web page often carries the report's tables as pasted pictures. With
``ocr="auto"`` (the default) the pictures are read when the document lacks some of the
report's three tables -- judged by their row labels (two of a table's official labels
among the cells of the document's tables) -- and only the pictures that show a ruled
table; ``ocr="always"`` reads every picture; ``ocr="never"`` reads none. What the page
reader (:mod:`govreport.sources.ocr`) finds in a picture is spliced into the blocks at
the picture's place, pictures that follow one another read as the pages of one scan (so
a table continued from one to the next is joined). Tables are then numbered in document
order; a block read from a picture has ``Location.image`` (the part name or the
``src``) and ``x``/``y`` in points from the picture's top-left corner.

Where the bytes come from: a DOCX package's parts; in HTML, ``data:`` URIs, and files
named by a relative ``src`` next to the HTML file -- only when the file was read from
disk (``directory``), never outside that directory, and never from the network: a
``http(s)://`` picture stays ``remote`` (see :class:`~govreport.sources.document.Picture`),
which the reading reports when a table is missing.

Limits: :attr:`~govreport.sources.limits.Limits.images` pictures looked at per file
(``too-many-images``), :attr:`~govreport.sources.limits.Limits.image_pixels` pixels per
picture (``image-too-large``, checked before decoding).
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import stat
import urllib.parse
from typing import Any

from attrs import evolve

from govreport.contract import tables as contract_tables
from govreport.location import Location
from govreport.sources.document import Cell, Document, Line, Picture, Table
from govreport.sources.errors import ReadError
from govreport.sources.limits import Limits
from govreport.sources.ocr import load_picture, read_pictures, ruled

__all__ = ["REPORT_TABLES", "held_tables", "read_embedded"]

#: The report's tables, as instance keys.
REPORT_TABLES = ("active_disclosure", "requests", "reviews")
#: A table is held when this many of its official row labels are among the cells.
LABELS_NEEDED = 2
#: A local picture larger than this is not read (the document limit, for one file).
MAX_PICTURE_BYTES = 50 * 1024 * 1024

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．])")
_ASIDE = re.compile(r"（[^）]*）")
_SPACE = re.compile(r"\s+")
_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_DATA = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*),", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _labels() -> dict[str, frozenset[str]]:
    """Each report table's row labels (both editions), without numbering and asides."""
    out: dict[str, set[str]] = {t: set() for t in REPORT_TABLES}
    for edition in ("2019", "2021"):
        for table in REPORT_TABLES:
            for node in contract_tables.rows(edition, "split", table):
                core = _ASIDE.sub("", _NUMBERING.sub("", _SPACE.sub("", node.title)))
                if len(core) >= 2:
                    out[table].add(core)
    return {t: frozenset(v) for t, v in out.items()}


def held_tables(document: Document) -> set[str]:
    """The report tables the document has as tables (not as pictures)."""
    texts = {_SPACE.sub("", cell.text) for block in document.tables() for row in block.rows for cell in row
             if cell.text and not cell.spanned}
    if not texts:
        return set()
    joined = "\n".join(texts)
    return {table for table, labels in _labels().items()
            if sum(1 for label in labels if label in joined) >= LABELS_NEEDED}


def read_embedded(document: Document, *, name: str, mode: str, limits: Limits,
                  directory: str | None = None) -> Document:
    """``document`` with its table pictures read by OCR in their place (see the module
    docstring); ``name`` names the file in errors."""
    if mode == "never" or not document.pictures:
        return document
    if mode == "auto" and held_tables(document) >= set(REPORT_TABLES):
        return document
    pictures = tuple(_resolved(p, n, directory) for n, p in enumerate(document.pictures, 1))
    candidates = [p for p in pictures if p.data]
    if len(candidates) > limits.images:
        raise ReadError(name, "too-many-images", limit=limits.images, variable="GOVREPORT_MAX_IMAGES")
    read: dict[int, tuple[Any, float]] = {}
    for number, picture in enumerate(pictures):
        if not picture.data:
            continue
        loaded = load_picture(picture.data, name=name, image=picture.name, max_pixels=limits.image_pixels)
        if loaded is None:
            pictures = pictures[:number] + (evolve(picture, unread="unreadable"),) + pictures[number + 1:]
        elif mode == "always" or ruled(*loaded):
            read[number] = loaded
    if not read:
        return evolve(document, pictures=pictures)
    return _spliced(document, pictures, read)


def _resolved(picture: Picture, number: int, directory: str | None) -> Picture:
    """An HTML picture with its bytes (a DOCX picture has them already)."""
    if picture.data or picture.unread:
        return picture
    src = picture.name
    data_uri = _DATA.match(src)
    if data_uri:
        media = data_uri.group(1) or "text/plain"
        shown = f"data:{media} #{number}"
        payload = src[data_uri.end():]
        try:
            if ";base64" in data_uri.group(2).lower():
                data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
            else:
                data = urllib.parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return evolve(picture, name=shown, unread="unreadable")
        return evolve(picture, name=shown, data=data) if data else evolve(picture, name=shown, unread="unreadable")
    if not src:
        return evolve(picture, unread="missing")
    if _REMOTE.match(src):
        return evolve(picture, unread="remote")  # never fetched: nothing from the network
    data = _local(src, directory)
    return evolve(picture, data=data) if data else evolve(picture, unread="missing")


def _local(src: str, directory: str | None) -> bytes:
    """The file a relative ``src`` names inside ``directory`` (empty when there is none)."""
    if directory is None:
        return b""
    relative = urllib.parse.unquote(src.split("#", 1)[0].split("?", 1)[0])
    if not relative or os.path.isabs(relative) or "\x00" in relative:
        return b""
    base = os.path.realpath(directory)
    path = os.path.realpath(os.path.join(base, relative))
    if os.path.commonpath([base, path]) != base:
        return b""  # ../ out of the page's directory
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PICTURE_BYTES:
            return b""
        with open(path, "rb") as handle:
            return handle.read(MAX_PICTURE_BYTES)
    except OSError:
        return b""


def _spliced(document: Document, pictures: tuple[Picture, ...], read: dict[int, tuple[Any, float]]) -> Document:
    """The blocks with what was read from the pictures in their places; tables renumbered."""
    # Pictures read that stand at the same place (nothing between them) are one scan.
    groups: list[list[int]] = []
    for number in sorted(read):
        if groups and pictures[groups[-1][-1]].index == pictures[number].index and groups[-1][-1] == number - 1:
            groups[-1].append(number)
        else:
            groups.append([number])
    inserted: dict[int, list[Line | Table]] = {}  # by the first picture of its group
    done: set[int] = set()
    for group in groups:
        blocks = read_pictures([read[n] for n in group])
        if not blocks:
            continue  # nothing legible: the picture stays a picture
        done.update(group)
        names = [pictures[n].name for n in group]
        inserted[group[0]] = [_relocated(b, names) for b in blocks]
    if not done:
        return evolve(document, pictures=pictures)
    out: list[Line | Table] = []
    images: list[int] = []  # where the pictures not read stand now (Document.images)
    by_place: dict[int, list[int]] = {}
    for number, picture in enumerate(pictures):
        by_place.setdefault(picture.index, []).append(number)
    for at in range(len(document.blocks) + 1):
        for number in by_place.get(at, ()):
            if number in inserted:
                out.extend(inserted[number])
            elif number not in done:
                images.append(len(out))
        if at < len(document.blocks):
            out.append(document.blocks[at])
    return evolve(document, blocks=_renumbered(out), images=tuple(images), pictures=pictures)


def _relocated(block: Line | Table, names: list[str]) -> Line | Table:
    """A block read from a picture, its page replaced by the picture's name."""
    if isinstance(block, Line):
        return evolve(block, location=_moved(block.location, names))
    rows = tuple(tuple(evolve(c, location=_moved(c.location, names)) for c in row) for row in block.rows)
    return evolve(block, rows=rows, location=_moved(block.location, names))


def _moved(location: Location, names: list[str]) -> Location:
    page = location.page
    image = names[page - 1] if page is not None and 0 < page <= len(names) else names[0]
    return evolve(location, page=None, image=image)


def _renumbered(blocks: list[Line | Table]) -> tuple[Line | Table, ...]:
    """Tables numbered in document order (``Location.table``), pictures' tables included."""
    out: list[Line | Table] = []
    number = 0
    for block in blocks:
        if isinstance(block, Table):
            number += 1
            if block.location.table != number:
                rows = tuple(tuple(_cell_table(c, number) for c in row) for row in block.rows)
                block = evolve(block, rows=rows, location=evolve(block.location, table=number))
        out.append(block)
    return tuple(out)


def _cell_table(cell: Cell, number: int) -> Cell:
    return evolve(cell, location=evolve(cell.location, table=number))
