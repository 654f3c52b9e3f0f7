"""Turn the bytes of a text-like file (plain text, Markdown, HTML) into ``str``.

Chinese government documents come as UTF-8 (most), GB2312/GBK (older sites and
Windows-made text files) and occasionally Big5 (Traditional-script mirrors), and
declared charsets are often wrong (``<meta charset="gb2312">`` on a page the CMS
re-encoded as UTF-8, or ``iso-8859-1`` on a GBK page). So the order is:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) -- unambiguous; without a mark, UTF-16
   is recognised by its NUL bytes (:func:`utf16_without_bom`);
2. strict UTF-8 -- multi-byte UTF-8 practically never decodes by accident, so a file
   that decodes is UTF-8 whatever its ``<meta>`` says;
3. for HTML, the declared charset (``<meta charset>`` / ``http-equiv`` content),
   trusted only for CJK and Unicode encodings and only if the bytes decode with it;
4. GB18030 (a superset of GB2312 and GBK) versus Big5-HKSCS: both are decoded
   strictly and scored by the share of double-byte characters that fall in the
   *frequent* region of each code (GB2312 level-1 hanzi and punctuation; Big5
   常用字 and punctuation). Real text scores ~0.95; text in the other code scores
   well under 0.7, because the two codes put their frequent characters in different
   byte ranges;
5. a declared single-byte charset as the last resort; otherwise
   :class:`~govreport.readers.errors.ReadError` ``encoding``.

A NUL byte left in text that is not UTF-16 is damage (a cut-off download, a
mis-saved file), and a NUL between two digits would silently join or split cells if
dropped, so it is refused as ``stray-nul`` naming its line and column -- whether it is
in the first few kilobytes or anywhere later.

Stdlib only, on purpose: the core stays light (no chardet/charset-normalizer), and
the question asked here is narrow enough not to need them.
"""

from __future__ import annotations

import codecs
import re

from govreport.location import Location
from govreport.sources.errors import ReadError

__all__ = ["BOMS", "TEXT_CONTROL", "UTF16_BOMS", "declared_charset", "decode", "nul_location", "split_bom",
           "utf16_without_bom"]

#: Control bytes that do not occur in text (NUL aside: it is judged on its own).
TEXT_CONTROL = frozenset(range(1, 9)) | frozenset(range(14, 27)) | frozenset(range(28, 32)) | {127}

#: How many bytes are examined to recognise UTF-16 without a byte-order mark.
UTF16_SAMPLE = 4096

#: How many bytes of an HTML file are searched for a ``<meta>`` charset. The HTML
#: standard's prescan uses 1024; real CMS pages put 2-3 KB of comments first.
META_SCAN_BYTES = 8192

#: How many non-ASCII characters are scored when choosing GB18030 versus Big5.
#: A sample is plenty and keeps the cost flat on large files.
SCORE_SAMPLE_CHARS = 20000

#: The byte-order marks, each with the codec of the bytes after it -- the one list
#: every reader uses to detect or strip a BOM. UTF-32 LE comes before UTF-16 LE
#: (``FF FE 00 00`` starts with ``FF FE``).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: The UTF-16 marks only (PDF text strings are UTF-16 when they start with one).
UTF16_BOMS: tuple[bytes, ...] = tuple(bom for bom, codec in BOMS if codec.startswith("utf-16"))

# The name reported for a file decoded after a BOM (the codec that reads the mark too).
_BOM_NAMES = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
              "utf-32-le": "utf-32", "utf-32-be": "utf-32"}


def split_bom(data: bytes) -> tuple[str | None, bytes]:
    """The codec named by ``data``'s byte-order mark (None if it has none) and the bytes after the mark."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, data[len(bom) :]
    return None, data

def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` if ``data`` (without a BOM) is UTF-16 text, else None.

    Text in UTF-16 has a NUL byte in every ASCII character (digits, punctuation, line
    ends) and on one side only: the high byte, odd offsets for little-endian, even for
    big-endian. Chinese characters rarely have one (一 is U+4E00, on the other side), so
    a report has its NULs nearly all on one side; binary formats have them on both. There must be
    enough of them (a stray NUL in UTF-8 text is not UTF-16), and the sample must decode
    strictly to no control characters but tab and line ends and no private-use
    characters (UTF-8 Chinese read as UTF-16 gives those).
    """
    sample = data[:UTF16_SAMPLE]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if min(even, odd) * 8 > max(even, odd):
        return None
    # A report is at least ~5% ASCII (digits, line ends); a stray NUL or two in UTF-8
    # text is not UTF-16.
    if max(even, odd) < max(4, len(sample) // 64):
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        # The sample may end inside a surrogate pair.
        try:
            text = sample[:-2].decode(codec)
        except UnicodeDecodeError:
            return None
    if any(ord(char) < 32 and char not in "\t\n\r\x0c" or 0xE000 <= ord(char) <= 0xF8FF for char in text):
        return None
    return codec


def nul_location(text: str) -> Location:
    """The line and column of the first NUL in ``text``."""
    at = text.index("\x00")
    line = text.count("\n", 0, at) + 1
    return Location(line=line, column=at - (text.rfind("\n", 0, at) + 1) + 1)


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)

# Declared names -> the codec actually used. GB2312 and GBK pages routinely contain
# GBK-only characters, so they are decoded as GB18030 (a strict superset); Big5 pages
# likewise as Big5-HKSCS (what browsers do).
_CJK_ALIASES: dict[str, str] = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML file declares in a ``<meta>`` tag near its start, lower-cased."""
    match = _META_CHARSET.search(data, 0, META_SCAN_BYTES)
    if match is None:
        return None
    return match.group(1).decode("ascii").lower()


def decode(data: bytes, name: str, *, html: bool = False) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` with the Python codec name used.

    ``html`` enables the ``<meta>`` charset step. Raises ``ReadError("encoding")``
    naming ``name`` when no encoding fits, and ``ReadError("stray-nul")`` with the
    place of the first NUL in text that is not UTF-16/32.
    """
    text, codec = _decode(data, name, html=html)
    if "\x00" in text:
        raise ReadError(name, "stray-nul", location=nul_location(text))
    return text, codec


def _decode(data: bytes, name: str, *, html: bool) -> tuple[str, str]:
    marked, rest = split_bom(data)
    if marked is None and b"\x00" in data[:UTF16_SAMPLE]:
        unmarked = utf16_without_bom(data)
        if unmarked is not None:
            try:
                return data.decode(unmarked), unmarked
            except UnicodeDecodeError:
                raise ReadError(name, "encoding") from None
    if marked is not None:
        try:
            return rest.decode(marked), _BOM_NAMES[marked]
        except UnicodeDecodeError:
            raise ReadError(name, "encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    declared = declared_charset(data) if html else None
    if declared is not None and declared in _CJK_ALIASES:
        codec = _CJK_ALIASES[declared]
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass  # the declaration lies; look at the bytes

    best: tuple[float, str, str] | None = None
    for codec in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _frequent_share(text, codec)
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best is not None:
        return best[1], best[2]

    if declared is not None:
        try:
            codecs.lookup(declared)
            return data.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass
    raise ReadError(name, "encoding")


def _frequent_share(text: str, codec: str) -> float:
    """Share of the double-byte characters of ``text`` in the frequent region of ``codec``.

    Frequent regions (lead byte, trail byte):

    * GB2312: punctuation/full-width forms A1-A3, level-1 hanzi B0-D7; trail A1-FE.
    * Big5: punctuation A1-A3 and 常用字 A4-C6; trail 40-7E or A1-FE.

    Characters that need 1 or 4 bytes (GB18030) count as infrequent.
    """
    seen = 0
    frequent = 0
    gb = codec == "gb18030"
    for char in text:
        if char < "\x80":
            continue
        seen += 1
        if seen > SCORE_SAMPLE_CHARS:
            seen -= 1
            break
        raw = char.encode(codec)
        if len(raw) != 2:
            continue
        lead, trail = raw[0], raw[1]
        if gb:
            if (0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7) and trail >= 0xA1:
                frequent += 1
        elif 0xA1 <= lead <= 0xC6 and (0x40 <= trail <= 0x7E or trail >= 0xA1):
            frequent += 1
    return frequent / seen if seen else 0.0
