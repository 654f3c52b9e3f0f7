"""A fast tokenizer for clean HTML that calls back exactly as :mod:`html.parser` would.

:class:`html.parser.HTMLParser` is a general tokenizer written in Python; it spends most
of its time on work the HTML reader does not need (attributes of every tag, positions
of every token). :func:`scan` reads the same markup with one regular expression per
token, parses attributes only of the tags asked for, and hands each token's *offset*
in the text instead of a line and column, so positions cost nothing until they are
asked for.

It reads only *clean* markup: the forms on which ``HTMLParser(convert_charrefs=False)``
and browsers agree, and on which :mod:`html.parser` has not changed from one Python
version to the next. There it makes the same calls, in the same order, with the same
arguments and at the same positions (``tests/test_html_fast.py`` checks this against
:mod:`html.parser` token by token). On anything else -- a ``<`` at the end of the
file, an attribute value with a quote inside, an unterminated comment, a ``--`` inside
a comment, ``<script>`` content with ``<!--`` in it, a ``<title>`` with markup inside,
an entity without its ``;`` at the end of the file, ... -- it stops and returns False,
and the caller reads the page with :mod:`html.parser` instead. The calls made before
it stopped must then be thrown away.

Clean means:

* start tags ``<name attr="v" attr='v' attr=v attr>`` (name: ASCII letters, digits,
  ``-:_.``; ASCII whitespace between attributes; unquoted values without quotes,
  ``=``, ``<``, ``>``, backquotes or whitespace); end tags ``</name>``;
* comments ``<!-- ... -->`` without ``--`` inside, ``<!DOCTYPE ...>``, ``<?...>``,
  Word's ``<![if ...]>`` / ``<![endif]>``;
* entities ``&name;`` and ``&#digits;``/``&#xhex;`` (the ``;`` may be missing when
  another character follows), and ``&`` or ``<`` as text when no name follows;
* ``<script>``/``<style>`` content up to ``</script>``/``</style>`` without ``<!--``;
  ``<title>``/``<textarea>`` content without ``<``; ``<iframe>``, ``<noembed>``,
  ``<noframes>``, ``<xmp>`` content without ``<`` or ``&``; no ``<plaintext>``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html import unescape
from typing import Protocol

__all__ = ["Attrs", "Sink", "scan"]

Attrs = list[tuple[str, "str | None"]]


class Sink(Protocol):
    """What :func:`scan` calls: :class:`html.parser.HTMLParser`'s handlers, with offsets."""

    def starttag(self, tag: str, attrs: Attrs, offset: int) -> None: ...

    def startendtag(self, tag: str, attrs: Attrs, offset: int) -> None: ...

    def endtag(self, tag: str, offset: int) -> None: ...

    def data(self, data: str, offset: int) -> None: ...

    def entityref(self, name: str, offset: int) -> None: ...

    def charref(self, name: str, offset: int) -> None: ...


_WS = "[ \t\n\r\f]"
_SEP = rf"(?:{_WS}|/(?!>))"
_NAME = "[^\\s/>\"'=<`][^\\s/=>\"'<`]*+"
_VALUE = "\"[^\"]*+\"|'[^']*+'|[^\\s\"'=<>`]++"
# Possessive and atomic throughout, as html.parser reads each attribute greedily on its
# own: no backtracking, so no input can make the match slow.
_ATTRS = re.compile(rf"{_SEP}++({_NAME})(?>({_WS}*+={_WS}*+)({_VALUE}))?")
#: One token: text, a tag, a comment or declaration, a character reference -- or, for a
#: ``<`` or ``&`` that starts none of these cleanly, ``bad``.
_TOKEN = re.compile(
    rf"""(?P<text>[^<&]++)
    | <(?:
        (?P<start>[a-zA-Z][-a-zA-Z0-9:_.]*+)(?=[ \t\n\r\f/>])
            (?P<attrs>(?>{_SEP}++{_NAME}(?>{_WS}*+={_WS}*+(?:{_VALUE}))?)*+){_SEP}*+(?P<slash>/?)>
      | /(?P<end>[a-zA-Z][-.a-zA-Z0-9:_]*+){_WS}*+>
      | !--(?!-?>)(?:[^-]|-(?!-))*+-->
      | ![dD][oO][cC][tT][yY][pP][eE][^<>]*+>
      | !\[(?:[iI][fF]|[eE][nN][dD][iI][fF])(?![-_.a-zA-Z0-9])[^\]<>]*+\]>
      | \?[^<>]*+>
      | (?P<lt>)(?=[^a-zA-Z/!?])
    )
    | &(?:
        \#(?P<charref>[0-9]+|[xX][0-9a-fA-F]+)(?:;|(?=[^0-9a-fA-F]))
      | (?P<entity>[a-zA-Z][-.a-zA-Z0-9]*)(?:;|(?=[^a-zA-Z0-9]))
      | (?P<amp>)(?=[^a-zA-Z\#])
    )
    | (?P<bad>[<&])""",
    re.VERBOSE,
)

#: Elements whose content html.parser reads as raw text up to the end tag.
_CDATA = frozenset(("script", "style"))
#: Elements that newer versions of html.parser read as raw text (or text with
#: entities): clean only when their content holds no markup (nor ``&``, for the raw ones).
_RCDATA = frozenset(("title", "textarea"))
_RAWTEXT = frozenset(("iframe", "noembed", "noframes", "xmp"))
_SPECIAL = _CDATA | _RCDATA | _RAWTEXT
_PLAINTEXT = re.compile("<plaintext", re.IGNORECASE)
#: The first thing html.parser might take for the end of the content of each (any case).
_END_OF = {tag: re.compile(rf"</\s*{tag}", re.IGNORECASE) for tag in _SPECIAL}
_TAG_CLOSE = re.compile(rf"{_WS}*+>")


def _attrs(source: str) -> Attrs:
    out: Attrs = []
    for match in _ATTRS.finditer(source):
        name, equals, value = match.group(1, 2, 3)
        if equals is None:
            out.append((name.lower(), None))
            continue
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        out.append((name.lower(), unescape(value) if value and "&" in value else value))
    return out


def _special_end(text: str, tag: str, start: int) -> int:
    """Where the content of ``<tag>`` (from ``start``) ends if it is clean, else -1."""
    match = _END_OF[tag].search(text, start)
    if match is None:
        return -1
    name = text[match.start() + 2:match.end()]  # no space after "</", ASCII letters only
    if not name.isascii() or name.lower() != tag:
        return -1
    if not _TAG_CLOSE.match(text, match.end()):
        return -1
    content = text[start:match.start()]
    if tag in _CDATA:
        return -1 if "<!--" in content else match.start()
    if "<" in content or (tag in _RAWTEXT and "&" in content):
        return -1
    return match.start()


def scan(text: str, sink: Sink, attrs_of: Collection[str] | None = None) -> bool:
    """Feed ``text`` to ``sink`` token by token; False (having stopped) if it is not clean.

    Attributes are parsed only for the tags in ``attrs_of`` (all tags if None); other
    tags get an empty list. ``text`` must have its line endings normalised to ``\\n``.
    """
    if _PLAINTEXT.search(text):
        return False
    tokens = _TOKEN.finditer
    data, starttag, startendtag, endtag = sink.data, sink.starttag, sink.startendtag, sink.endtag
    pos, n = 0, len(text)
    while pos < n:
        for token in tokens(text, pos):
            kind = token.lastgroup
            if kind == "text":
                data(token.group(), token.start())
            elif kind == "slash":  # a start tag (the last of its three groups)
                tag = token.group("start").lower()
                attrs = _attrs(token.group("attrs")) if attrs_of is None or tag in attrs_of else []
                if token.group("slash"):
                    if tag in _SPECIAL:
                        return False  # newer parsers ignore the "/" and read raw text
                    startendtag(tag, attrs, token.start())
                    continue
                starttag(tag, attrs, token.start())
                if tag in _SPECIAL:
                    end = token.end()
                    close = _special_end(text, tag, end)
                    if close < 0:
                        return False
                    if tag in _CDATA:
                        if close > end:
                            data(text[end:close], end)
                        pos = close  # go on from the end tag
                        break
            elif kind == "end":
                endtag(token.group("end").lower(), token.start())
            elif kind == "entity":
                sink.entityref(token.group("entity"), token.start())
            elif kind == "charref":
                sink.charref(token.group("charref"), token.start())
            elif kind == "lt":
                data("<", token.start())
            elif kind == "amp":
                data("&", token.start())
            elif kind == "bad":
                return False
        else:
            return True
    return True
