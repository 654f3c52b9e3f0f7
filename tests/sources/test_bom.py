"""Byte-order marks: one list, used by sniffing, decoding, JSON loading and PDF metadata."""

from __future__ import annotations

import codecs

import pytest

from govreport import ReadError, read_bytes
from govreport.sources import HTML, sniff
from govreport.sources.encoding import BOMS, UTF16_BOMS, decode, split_bom
from govreport.sources.pdf import _pdf_text

TEXT = "二〇二一年政府信息公开工作年度报告"


@pytest.mark.parametrize(("codec", "name"), [
    ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-32", "utf-32"),
    ("utf-16-be", "utf-16"), ("utf-32-be", "utf-32"),
])
def test_every_bom_decodes_and_is_named(codec: str, name: str) -> None:
    data = TEXT.encode(codec)
    if codec.endswith("-be"):
        data = (codecs.BOM_UTF16_BE if "16" in codec else codecs.BOM_UTF32_BE) + data
    assert decode(data, "x") == (TEXT, name)


def test_split_bom_prefers_utf32_over_utf16_and_leaves_unmarked_bytes() -> None:
    assert split_bom(codecs.BOM_UTF32_LE + b"a\x00\x00\x00") == ("utf-32-le", b"a\x00\x00\x00")
    assert split_bom(codecs.BOM_UTF16_LE + b"a\x00") == ("utf-16-le", b"a\x00")
    assert split_bom(b"plain") == (None, b"plain")
    assert {codec for _, codec in BOMS} == {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}
    assert set(UTF16_BOMS) == {codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE}


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_bom_and_blanks_is_an_empty_file(codec: str) -> None:
    with pytest.raises(ReadError) as caught:
        sniff(" \r\n".encode(codec), "x.txt")
    assert caught.value.code == "empty"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32", "utf-32-be"])
def test_marked_html_is_sniffed_as_html(codec: str) -> None:
    data = "<html><body><p>报告</p></body></html>".encode(codec)
    if codec == "utf-32-be":
        data = codecs.BOM_UTF32_BE + data
    assert sniff(data, "page") == HTML


def test_json_may_start_with_a_utf8_bom_but_not_be_utf16() -> None:
    body = '{"edition": "2021"}'
    assert read_bytes(codecs.BOM_UTF8 + body.encode(), name="a.json").instance == {"edition": "2021"}
    with pytest.raises(ReadError) as caught:
        read_bytes(body.encode("utf-16"), name="a.json")
    assert caught.value.code == "not-json" and "UTF-8" in caught.value.one_line("en")
    with pytest.raises(ReadError) as caught:
        read_bytes(codecs.BOM_UTF8 + b'{"a": "\xff"}', name="a.json")
    assert "byte 10" in caught.value.one_line("en")  # offset from the start of the file, mark included


def test_pdf_metadata_in_utf16_with_either_mark() -> None:
    assert _pdf_text(TEXT.encode("utf-16")) == TEXT
    assert _pdf_text(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")) == TEXT
