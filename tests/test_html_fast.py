"""The fast HTML tokenizer against html.parser: the same tokens, the same Documents.

``govreport.sources.html_scan.scan`` must make exactly the calls
``HTMLParser(convert_charrefs=False)`` makes, at the same positions, on every page it
accepts; on a page it refuses, the calls it made before refusing are the first calls
html.parser makes. And a page read either way is the same :class:`Document`.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport.sources.encoding import decode
from govreport.sources.errors import ReadError
from govreport.sources.html import read_html
from govreport.sources.html_scan import Attrs, scan
from govreport.sources.limits import Limits
from govreport.writers.render import render
from tests import hostile_inputs as h

FILES = Path(__file__).parent / "corpus" / "files"
CORPUS = sorted(FILES.glob("*.htm*"))

Event = tuple[object, ...]


class _Stdlib(HTMLParser):
    """html.parser's calls, each with getpos()."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[Event] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("start", tag, attrs, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("startend", tag, attrs, self.getpos()))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, self.getpos()))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data, self.getpos()))

    def handle_entityref(self, name: str) -> None:
        self.events.append(("entity", name, self.getpos()))

    def handle_charref(self, name: str) -> None:
        self.events.append(("charref", name, self.getpos()))


class _Recorder:
    """scan's calls, each offset turned into getpos()'s (line from 1, column from 0)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.events: list[Event] = []

    def _pos(self, offset: int) -> tuple[int, int]:
        return self.text.count("\n", 0, offset) + 1, offset - (self.text.rfind("\n", 0, offset) + 1)

    def starttag(self, tag: str, attrs: Attrs, offset: int) -> None:
        self.events.append(("start", tag, attrs, self._pos(offset)))

    def startendtag(self, tag: str, attrs: Attrs, offset: int) -> None:
        self.events.append(("startend", tag, attrs, self._pos(offset)))

    def endtag(self, tag: str, offset: int) -> None:
        self.events.append(("end", tag, self._pos(offset)))

    def data(self, data: str, offset: int) -> None:
        self.events.append(("data", data, self._pos(offset)))

    def entityref(self, name: str, offset: int) -> None:
        self.events.append(("entity", name, self._pos(offset)))

    def charref(self, name: str, offset: int) -> None:
        self.events.append(("charref", name, self._pos(offset)))


def _stdlib_events(text: str) -> list[Event] | None:
    parser = _Stdlib()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:  # html.parser gives up on some markup; scan must refuse it too
        return None
    return parser.events


def check_tokens(text: str) -> bool:
    """Compare the two tokenizers on ``text``; whether scan accepted it."""
    recorder = _Recorder(text)
    clean = scan(text, recorder)
    expected = _stdlib_events(text)
    if expected is None:
        assert not clean, "html.parser failed on markup scan calls clean"
        return False
    if clean:
        assert recorder.events == expected
    else:
        assert recorder.events == expected[: len(recorder.events)]
    return clean


def _read(data: bytes, fast: bool, limits: Limits | None = None) -> object:
    try:
        return read_html(data, name="page.html", sha256="-", limits=limits, fast=fast)
    except ReadError as error:
        return ("error", error.code, str(error))


def check_documents(data: bytes, limits: Limits | None = None) -> None:
    assert _read(data, True, limits) == _read(data, False, limits)


def _pages() -> list[tuple[str, bytes]]:
    pages = [(p.name, p.read_bytes()) for p in CORPUS]
    pages.append(("rendered", render(h.seed(), to="html").encode()))
    pages.append(("spans", h.html_spans(rows=20)))
    pages.append(("diagonal", h.html_diagonal(30)))
    return pages


@pytest.mark.parametrize(("name", "data"), _pages(), ids=[n for n, _ in _pages()])
def test_real_pages_are_clean_and_read_the_same(name: str, data: bytes) -> None:
    text, _ = decode(data, name, html=True)
    assert check_tokens(text.replace("\r\n", "\n").replace("\r", "\n")), f"{name} should take the fast path"
    check_documents(data)


def test_grid_limit_is_the_same_error_on_both_paths() -> None:
    for limit in (109, 110):
        check_documents(h.html_diagonal(10), Limits(grid_cells=limit))


@pytest.mark.parametrize(
    "text",
    [
        '<a href="x>y</a>',  # unterminated quote
        "<p>a<!-- b -- c -->d</p>",  # "--" inside a comment
        "<p>a<!-->b-->c</p>",
        "<p>1 &amp",  # an entity at the end of the file
        "<p>x &#12a; y</p>",
        "<title><b>t</b></title><p>x</p>",  # markup in <title>
        "<script>if (a <!-- b) {}</script><p>x</p>",
        "<p\vclass=x>y</p>",  # a tag name html.parser reads up to the next ASCII space
        "<p>a <",
        "<td colspan=2\u3000rowspan=3>x</td>",
        '<td a="1"b="2">x</td>',
        "<![CDATA[x>y]]><p>z</p>",
        "<plaintext><p>x",
        "<p>x</ p>y",
        "<iframe>a &amp; b</iframe><p>c</p>",
        "<style/>p{}<p>x</p>",
    ],
)
def test_unclean_markup_is_left_to_html_parser(text: str) -> None:
    assert not check_tokens(text)
    check_documents(text.encode())


# -- generated pages -------------------------------------------------------------------

_TAGS = ["p", "div", "br", "td", "th", "tr", "table", "tbody", "thead", "caption", "span", "b", "img", "pre",
         "li", "ul", "h1", "head", "body", "html", "meta", "noscript", "template", "o:p", "font", "center"]
_TEXT = st.text(st.sampled_from(list("ab 12\n\t\xa0\u3000一二三，。-./=\"'")), max_size=8)
_VALUE = st.sampled_from(["2", "0", "-1", "3x", "1000000", " 2", "a&amp;b", "x y", "", "cell"])
_ATTR_NAME = st.sampled_from(["colspan", "rowspan", "name", "content", "property", "src", "class", "COLSPAN"])


@st.composite
def _attribute(draw: st.DrawFn) -> str:
    name = draw(_ATTR_NAME)
    value = draw(_VALUE)
    form = draw(st.sampled_from(["plain", "double", "single", "bare", "spaced"]))
    if form == "plain":
        return f" {name}"
    if form == "double":
        return f' {name}="{value}"'
    if form == "single":
        return f" {name}='{value}'"
    if form == "spaced":
        return f'\n {name} = "{value}"'
    bare = value.replace(" ", "").replace("&amp;", "") or "1"
    return f" {name}={bare}"


@st.composite
def _clean_piece(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["start", "start", "end", "end", "text", "text", "text", "entity", "other"]))
    if kind == "start":
        tag = draw(st.sampled_from(_TAGS))
        attrs = "".join(draw(st.lists(_attribute(), max_size=3)))
        close = draw(st.sampled_from([">", "/>", " >", " / >"]))
        return f"<{draw(st.sampled_from([tag, tag.upper()]))}{attrs}{close}"
    if kind == "end":
        return f"</{draw(st.sampled_from(_TAGS))}{draw(st.sampled_from(['', ' ', chr(10)]))}>"
    if kind == "text":
        return draw(_TEXT) + draw(st.sampled_from(["", " & ", " < ", "5<6 "]))
    if kind == "entity":
        return draw(st.sampled_from(["&nbsp;", "&amp;", "&#49;", "&#x31;", "&#X4e00;", "&foo;", "&lt;", "&nbsp ",
                                     "&copy2020 ", "&a.b;", "&#12 ", "&#0;", "&#99999999;"]))
    return draw(st.sampled_from([
        "<!-- note -->", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<![if !supportLists]>", "<![endif]>",
        "<script>var a = '<p>';</script>", "<STYLE>p { x: 1 }</style>", "<title>a &amp; b</title>",
        "<textarea>t</textarea>", "<!---->", "<!-- a - b -->",
    ]))


_JUNK = st.sampled_from(["<", "&", ">", '"', "'", "</", "<!", "<!-", "--", "&#", "&#x", "<?", "]]>", "\v", "\r",
                         "<a b='c", "<td colspan=\"2", "<title>", "<script>", "</script", "<![CDATA[", "<xmp>",
                         "\x00", "<p\u3000x>", "&amp", "<noscript>", "</noscript>", "<=", "<a =b>"])


@given(st.lists(_clean_piece(), max_size=30).map("".join))
def test_clean_generated_markup_takes_the_fast_path(text: str) -> None:
    if text.endswith(("&", "<")):
        text += "."  # a lone "<" or "&" is clean only when something follows
    assert check_tokens(text)
    check_documents(text.encode())


@given(st.lists(st.one_of(_clean_piece(), _JUNK), max_size=30).map("".join))
def test_any_generated_markup_reads_the_same(text: str) -> None:
    check_tokens(text.replace("\r", "\n"))
    check_documents(text.encode())
