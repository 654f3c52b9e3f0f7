"""The extraction layer: bytes of every supported format -> the neutral Document model.

Tests use the real reports under ``tests/corpus/files`` (see SOURCES.md there) and
small documents built here whose exact grid and locations are known.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport import sources as readers
from govreport.location import Location
from govreport.sources import (
    DOCX,
    HTML,
    JSON,
    MARKDOWN,
    PDF,
    TEXT,
    Document,
    Line,
    MissingExtra,
    ReadError,
    Table,
    read_document,
    sniff,
)
from govreport.sources.encoding import decode
from govreport.sources.html import parse_html

FILES = Path(__file__).resolve().parent.parent / "corpus" / "files"


def grid(table: Table) -> list[list[str]]:
    """The table as text, spanned copies marked with a leading ``~``."""
    return [[("~" if c.spanned else "") + c.text for c in row] for row in table.rows]


def labels(table: Table) -> list[str]:
    """All cell texts, line breaks inside a cell removed."""
    return [c.text.replace("\n", "") for row in table.rows for c in row]


def html_tables(source: str) -> list[Table]:
    blocks, _, _ = parse_html(source)
    return [b for b in blocks if isinstance(b, Table)]


def html_lines(source: str) -> list[str]:
    blocks, _, _ = parse_html(source)
    return [b.text for b in blocks if isinstance(b, Line)]


def error_code(source: object, **kwargs: object) -> str:
    with pytest.raises(ReadError) as caught:
        read_document(source, **kwargs)  # type: ignore[arg-type]
    return caught.value.code


# --------------------------------------------------------------------------------------
# sniffing


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("hongze-2023.pdf", PDF),
        ("hongze-2024.pdf", PDF),
        ("huaian-2024.pdf", PDF),
        ("pingtan-2020.txt", TEXT),
        ("pingtan-2021.txt", TEXT),
        ("shanghai-office-2019.html", HTML),
        ("shuyang-drc-2023.html", HTML),
        ("shanghai-office-2025.md", MARKDOWN),
        ("shanghai-stc-2024.md", MARKDOWN),
        ("template-2021-blank.docx", DOCX),
        # mentions `<table>` in prose: must not be taken for HTML
        ("SOURCES.md", MARKDOWN),
    ],
)
def test_sniff_corpus_files(name: str, media: str) -> None:
    assert sniff((FILES / name).read_bytes(), name) == media


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("hongze-2023.pdf", PDF),
        ("shuyang-drc-2023.html", HTML),
        ("shanghai-office-2019.html", HTML),
        ("template-2021-blank.docx", DOCX),
        ("pingtan-2021.txt", TEXT),
    ],
)
def test_sniff_by_content_without_a_name(name: str, media: str) -> None:
    assert sniff((FILES / name).read_bytes()) == media


@pytest.mark.corpus
def test_content_beats_the_extension() -> None:
    page = (FILES / "shuyang-drc-2023.html").read_bytes()
    assert sniff(page, "report.txt") == HTML
    assert sniff(page, "report.pdf") == HTML
    document = read_document(page, name="downloaded.txt")
    assert document.media_type == HTML
    assert document.name == "downloaded.txt"
    assert len(document.tables()) == 4


def test_extension_only_breaks_the_text_markdown_tie() -> None:
    data = "一、总体情况\n本年度……\n".encode()
    assert sniff(data, "a.md") == MARKDOWN
    assert sniff(data, "a.txt") == TEXT
    assert sniff(data, "a") == TEXT
    assert sniff(b"# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "") == MARKDOWN


@pytest.mark.parametrize(
    "fragment",
    [
        b"<p>\xe4\xb8\x80</p>",
        b"  \n<table><tr><td>1</td></tr></table>",
        b"<!-- saved -->\n<div>x</div>",
        b"<?xml version='1.0'?><html></html>",
    ],
)
def test_sniff_html_fragments(fragment: bytes) -> None:
    assert sniff(fragment, "x.txt") == HTML


def test_sniff_json_by_content_not_by_name() -> None:
    """An object is a JSON instance whatever the name (if it is broken, the instance
    loader says where); a page saved as .json is still a page."""
    assert sniff(b'{"edition": "2021"}', "x") == JSON
    assert sniff(b"{not json at all", "x.txt") == JSON
    assert sniff(b"[1, 2]", "x.txt") == TEXT
    assert sniff(b"<!DOCTYPE html><html><body><table></table></body></html>", "report.json") == HTML


def test_json_is_read_as_lines() -> None:
    document = read_document(b'{\n  "a": 1\n}\n', name="i.json")
    assert document.media_type == JSON
    assert [line.text for line in document.lines()] == ["{", '  "a": 1', "}"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \r\n\t\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\xef\xbb\xbf \r\n", "empty"),
        (" \n".encode("utf-16"), "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x00\x01\x02\x03junk\x00\x00\x05" * 50, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "unsupported"),
        (b"{\\rtf1\\ansi hello}", "unsupported"),
        (b"PK\x03\x04 this is not really a zip", "corrupt"),
    ],
)
def test_unusable_input_is_refused_with_a_code(data: bytes, code: str) -> None:
    assert error_code(data, name="input.bin") == code


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in entries.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_docx() -> None:
    with pytest.raises(ReadError) as caught:
        read_document(_zip({"readme.txt": b"hello"}), name="report.docx")
    assert caught.value.code == "unsupported"
    assert "ZIP" in caught.value.one_line("en")
    with pytest.raises(ReadError) as caught:
        read_document(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), name="t.xlsx")
    assert "Excel" in caught.value.one_line("en")


def test_errors_name_the_file_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "report.pdf"
    with pytest.raises(ReadError) as caught:
        read_document(missing)
    error = caught.value
    assert error.code == "not-found"
    assert str(missing) in error.one_line("zh")
    assert "\n" not in error.one_line("zh") and "\n" not in error.one_line("en")
    assert error.one_line("en").endswith("no such file")
    assert error_code(tmp_path) == "unreadable"  # a directory


def test_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(readers, "MAX_BYTES", 16)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 17)
    assert error_code(path) == "too-large"
    assert error_code(b"y" * 17) == "too-large"
    assert read_document(b"z" * 16).lines()[0].text == "z" * 16


def test_document_identity(tmp_path: Path) -> None:
    data = "第一行\n第二行\n".encode()
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    document = read_document(path)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.name == "r.txt"
    assert document.encoding == "utf-8"
    assert read_document(data).name == ""


def test_media_type_override_and_aliases() -> None:
    html = b"<p>a</p><p>b</p>"
    assert read_document(html, media_type="text").lines()[0].text == "<p>a</p><p>b</p>"
    assert [line.text for line in read_document(html, media_type="html").lines()] == ["a", "b"]
    # an image is read by OCR; with OCR off it is refused
    assert error_code(html, media_type="image/png", ocr="never") == "unsupported"


# --------------------------------------------------------------------------------------
# encodings

SIMPLIFIED = "一、本年新收政府信息公开申请数量。本年度报告根据《中华人民共和国政府信息公开条例》的要求编制，全文包括总体情况、主动公开政府信息情况。"
TRADITIONAL = "一、本年新收政府資訊公開申請數量。本年度報告根據《中華人民共和國政府資訊公開條例》的要求編製，全文包括總體情況、主動公開政府資訊情況。"


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_gb_family_decodes_as_gb18030(codec: str) -> None:
    text, used = decode(SIMPLIFIED.encode(codec), "x")
    assert (text, used) == (SIMPLIFIED, "gb18030")


def test_gb18030_four_byte_characters() -> None:
    sample = SIMPLIFIED + "𪚥"  # outside GBK: a four-byte GB18030 sequence
    assert decode(sample.encode("gb18030"), "x") == (sample, "gb18030")


def test_big5_is_told_apart_from_gbk() -> None:
    assert decode(TRADITIONAL.encode("big5"), "x") == (TRADITIONAL, "big5hkscs")
    # Traditional characters written in GBK are still GBK
    assert decode(TRADITIONAL.encode("gbk"), "x") == (TRADITIONAL, "gb18030")


def test_boms() -> None:
    assert decode(b"\xef\xbb\xbf" + SIMPLIFIED.encode(), "x") == (SIMPLIFIED, "utf-8-sig")
    assert decode(SIMPLIFIED.encode("utf-16"), "x") == (SIMPLIFIED, "utf-16")
    document = read_document(("第一行\r\n第二行").encode("utf-16"), name="u16.txt")
    assert [line.text for line in document.lines()] == ["第一行", "第二行"]


def test_meta_charset_is_used_when_true() -> None:
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>{SIMPLIFIED}</p></body></html>'
    document = read_document(page.encode("gbk"))
    assert document.encoding == "gb18030"
    assert document.lines()[0].text == SIMPLIFIED


def test_meta_charset_that_lies_loses_to_the_bytes() -> None:
    says_gbk_is_utf8 = f'<meta charset="gbk"><p>{SIMPLIFIED}</p>'.encode()
    document = read_document(says_gbk_is_utf8)
    assert (document.encoding, document.lines()[0].text) == ("utf-8", SIMPLIFIED)
    says_utf8_is_gbk = f'<meta charset="utf-8"><p>{SIMPLIFIED}</p>'.encode("gbk")
    document = read_document(says_utf8_is_gbk)
    assert (document.encoding, document.lines()[0].text) == ("gb18030", SIMPLIFIED)
    says_big5_is_gbk = f'<meta charset="big5"><p>{SIMPLIFIED}</p>'.encode("gbk")
    assert read_document(says_big5_is_gbk).lines()[0].text == SIMPLIFIED


def test_undecodable_text() -> None:
    assert error_code(b"abc \x80\xff\x80 def " * 10, name="bad.txt") == "encoding"


# --------------------------------------------------------------------------------------
# plain text and Markdown


def test_text_lines_are_kept_as_they_are() -> None:
    data = "\u3000\u3000一、总体情况  \r\n\r\n（一）１２３|\r第三行\n最后".encode()
    document = read_document(data, name="r.txt")
    assert [(line.text, line.location) for line in document.lines()] == [
        ("\u3000\u3000一、总体情况  ", Location(line=1, column=1)),
        ("", Location(line=2, column=1)),
        ("（一）１２３|", Location(line=3, column=1)),
        ("第三行", Location(line=4, column=1)),
        ("最后", Location(line=5, column=1)),
    ]
    assert document.tables() == []


@pytest.mark.corpus
def test_seed_report_lines() -> None:
    seed = FILES.parent.parent.parent / "examples" / "chaotian-2021.txt"  # the seed report, kept in the repo
    raw = seed.read_bytes()
    document = read_document(seed)
    lines = document.lines()
    assert len(lines) == raw.decode().count("\n") + (0 if raw.endswith(b"\n") else 1)
    found = [line for line in lines if line.text.startswith("一、本年新收政府信息公开申请数量")]
    assert found and found[0].location.line == raw.decode().split("\n").index(found[0].text) + 1


@pytest.mark.corpus
def test_markdown_corpus_keeps_table_rows_as_lines() -> None:
    document = read_document(FILES / "shanghai-office-2025.md")
    assert document.media_type == MARKDOWN
    texts = [line.text for line in document.lines()]
    assert texts[0] == "正文"
    assert "— 1 —" in texts  # text readers do not drop page numbers: it is the file
    assert document.tables() == []


# --------------------------------------------------------------------------------------
# HTML


def test_html_rowspan_colspan_grid() -> None:
    (table,) = html_tables(
        """<table>
        <tr><td rowspan="2">A</td><td colspan="2">B</td></tr>
        <tr><td>c<br>d</td><td><p>e</p><p>f</p></td></tr>
        <tr><td>g</td><td colspan=2 rowspan=2>h</td></tr>
        <tr><td>i</td></tr>
        </table>"""
    )
    assert grid(table) == [
        ["A", "B", "~B"],
        ["~A", "c\nd", "e\nf"],
        ["g", "h", "~h"],
        ["i", "~h", "~h"],
    ]
    assert table.rows[3][1].location.row == 4 and table.rows[3][1].location.cell == 2
    assert table.rows[3][1].location.line == table.rows[2][1].location.line == 4  # the origin's source line


def test_html_unclosed_tags_and_no_tbody() -> None:
    (table,) = html_tables("<table><tr><td>x<td>y<tr><td>z<th>w</table></table><p>after")
    assert grid(table) == [["x", "y"], ["z", "w"]]
    assert html_lines("<table><tr><td>x<td>y<tr><td>z<th>w</table></table><p>after") == ["after"]


def test_html_short_rows_are_padded_and_bad_spans_tamed() -> None:
    (table,) = html_tables(
        '<table><tr><td colspan="abc">a</td><td colspan="0">b</td><td>c</td></tr>'
        '<tr><td rowspan="-4">d</td></tr><tr><td colspan="99999">e</td></tr><tr></tr></table>'
    )
    assert grid(table) == [["a", "b", "c"], ["d", "", ""], ["e", "~e", "~e"]]
    assert table.rows[1][2].spanned is False


def test_html_rowspan_zero_runs_to_the_last_row() -> None:
    (table,) = html_tables(
        "<table><tr><td rowspan=0>a</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>"
    )
    assert grid(table) == [["a", "1"], ["~a", "2"], ["~a", "3"]]


def test_html_layout_tables_are_unwrapped() -> None:
    source = """<table><tr><td>栏目导航</td><td>
      <p>一、总体情况</p>
      <table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
      <p>二、后记</p></td></tr></table>
      <table><tr><td>x</td><td>y</td></tr></table>"""
    blocks, _, _ = parse_html(source)
    kinds = [(type(b).__name__, b.text if isinstance(b, Line) else grid(b)) for b in blocks]
    assert kinds == [
        ("Line", "栏目导航"),
        ("Line", "一、总体情况"),
        ("Table", [["信息内容", "本年制发件数"], ["规章", "0"]]),
        ("Line", "二、后记"),
        ("Table", [["x", "y"]]),
    ]
    assert [b.location.table for b in blocks if isinstance(b, Table)] == [1, 2]
    assert blocks[2].rows[1][1].location == Location(table=1, row=2, cell=2, line=3, column=66)


def test_html_single_column_frames_are_lines() -> None:
    assert html_tables("<table><tr><td>报告全文</td></tr><tr><td>第二段</td></tr></table>") == []
    assert html_lines("<table><tr><td>报告全文</td></tr><tr><td>第二段</td></tr></table>") == ["报告全文", "第二段"]


def test_html_text_outside_cells_comes_before_the_table() -> None:
    blocks, _, _ = parse_html("<table>stray<caption>表3</caption><tr><td>a</td><td>b</td></tr></table>")
    assert [b.text if isinstance(b, Line) else "TABLE" for b in blocks] == ["stray", "表3", "TABLE"]


def test_html_dropped_content_title_and_metadata() -> None:
    source = """<!DOCTYPE html><html><head>
    <title> 2023年 政府信息公开 </title>
    <meta name="PubDate" content="2024-01-17 10:00">
    <meta name="ArticleTitle" content="沭阳县发展和改革局2023年年报">
    <meta name="viewport" content="width=device-width">
    <style>p { color: red }</style><script>document.write("<p>no</p>")</script>
    </head><body>
    <noscript><p>enable js</p></noscript><template><p>tpl</p></template>
    <!-- <p>comment</p> -->
    <p>一、 总体&nbsp;&nbsp;情况&amp;<b>加粗</b>&#20013;&#x6587;</p>
    <title>站点名</title>
    </body></html>"""
    blocks, title, metadata = parse_html(source)
    assert [b.text for b in blocks if isinstance(b, Line)] == ["一、 总体 情况&加粗中文"]
    assert title == "2023年 政府信息公开"
    assert metadata == {"PubDate": "2024-01-17 10:00", "ArticleTitle": "沭阳县发展和改革局2023年年报"}


def test_html_line_locations() -> None:
    blocks, _, _ = parse_html("<div>\n  <p>\n     第一段</p><br>\r\n<span>第二</span>段\n</div>")
    assert [(b.text, b.location) for b in blocks if isinstance(b, Line)] == [
        ("第一段", Location(line=3, column=6)),
        ("第二段", Location(line=4, column=7)),  # where the text starts, not the <span>
    ]


def test_html_word_marked_sections_do_not_break_the_parser() -> None:
    assert html_lines("<p>a<![if !supportLists]>b<![endif]>c</p><p>x<![ 1 ]>y</p><p>z") == ["abc", "xy", "z"]


def test_html_pre_keeps_line_breaks() -> None:
    assert html_lines("<pre>a  b\n\n  c\n</pre>") == ["a b", "c"]


@pytest.mark.corpus
def test_shuyang_html_corpus() -> None:
    document = read_document(FILES / "shuyang-drc-2023.html")
    assert document.title == "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"
    assert document.metadata["SiteName"] == "沭阳县人民政府"
    tables = document.tables()
    assert len(tables) == 4  # page info box, tables 2, 3 and 4 of the report
    applications = tables[2]
    assert len(applications.rows) == 28 and len(applications.rows[0]) == 10
    new = next(row for row in applications.rows if row[0].text == "一、本年新收政府信息公开申请数量")
    assert [c.text for c in new] == ["一、本年新收政府信息公开申请数量"] * 3 + ["26", "", "", "", "", "", "26"]
    assert [c.spanned for c in new[:3]] == [False, True, True]
    assert new[0].location == Location(table=3, row=4, cell=1, line=414, column=7)
    results = [row[0] for row in applications.rows[5:27]]
    assert {c.text for c in results} == {"三、本年度办理结果"}
    assert [c.spanned for c in results] == [False] + [True] * 21
    assert applications.rows[2][4].text == "商业\n企业"  # <p> breaks inside a cell
    assert tables[3].rows[3][4].text == "1"
    heading = next(line for line in document.lines() if line.text == "三、收到和处理政府信息公开申请情况")
    assert heading.location == Location(line=369, column=177)


@pytest.mark.corpus
def test_shanghai_2019_html_corpus() -> None:
    document = read_document(FILES / "shanghai-office-2019.html")
    first, applications, appeals = document.tables()
    assert [c.text for c in first.rows[2]] == [
        "规章",
        "13",
        "13",
        "13",
        "524",
    ]
    total = next(row for row in applications.rows if row[1].text == "（七）总计")
    assert [c.text for c in total[3:]] == ["767", "35", "", "", "2", "1", "805"]
    assert [c.text for c in appeals.rows[3]][:5] == ["5", "", "", "2", "7"]


# --------------------------------------------------------------------------------------
# DOCX

TABLE3_LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（七）总计",
    "四、结转下年度继续办理",
]


@pytest.mark.corpus
def test_docx_template() -> None:
    pytest.importorskip("docx")
    document = read_document(FILES / "template-2021-blank.docx")
    assert document.media_type == DOCX
    active, applications, appeals = document.tables()
    assert [len(active.rows), len(active.rows[0])] == [14, 4]
    for label in (
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "规章",
        "行政规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "本年收费金额（单位：万元）",
    ):
        assert label in labels(active), label
    assert grid(active)[0] == [
        "第二十条第（一）项",
        "~第二十条第（一）项",
        "~第二十条第（一）项",
        "~第二十条第（一）项",
    ]

    assert [len(applications.rows), len(applications.rows[0])] == [28, 10]
    for label in TABLE3_LABELS + [
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]:
        assert label in labels(applications), label
    column = [row[0] for row in applications.rows[5:27]]
    assert {c.text for c in column} == {"三、本年度办理结果"}
    assert [c.spanned for c in column] == [False] + [True] * 21
    assert [c.location.row for c in column] == list(range(6, 28))
    withheld = [row[1] for row in applications.rows[7:15]]
    assert [c.text for c in withheld] == ["（三）不予公开"] * 8 and [c.spanned for c in withheld] == [False] + [
        True
    ] * 7
    assert all(c.text == "" and not c.spanned for c in applications.rows[3][3:])  # blank number cells

    assert [len(appeals.rows), len(appeals.rows[0])] == [4, 15]
    assert grid(appeals)[0][:6] == ["行政复议", "~行政复议", "~行政复议", "~行政复议", "~行政复议", "行政诉讼"]
    assert appeals.rows[1][0].text == "结果维持" and appeals.rows[2][0].spanned  # merged down two header rows
    heading = next(line for line in document.lines() if line.text == "一、总体情况")
    assert heading.location == Location(line=4)


def _docx(build: object) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    build(document)  # type: ignore[operator]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merges_nesting_and_breaks() -> None:
    def build(document: object) -> None:
        document.add_paragraph("标题")  # type: ignore[attr-defined]
        document.add_paragraph("")  # type: ignore[attr-defined]
        paragraph = document.add_paragraph("第一行")  # type: ignore[attr-defined]
        paragraph.add_run().add_break()
        paragraph.add_run("第二行")
        table = document.add_table(rows=3, cols=3)  # type: ignore[attr-defined]
        for r in range(3):
            for c in range(3):
                table.cell(r, c).text = f"{r}{c}"
        table.cell(0, 0).merge(table.cell(0, 1))  # gridSpan
        table.cell(1, 2).merge(table.cell(2, 2))  # vMerge
        frame = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
        frame.cell(0, 0).text = "导航"
        inner = frame.cell(0, 1).add_table(rows=2, cols=2)
        for r in range(2):
            for c in range(2):
                inner.cell(r, c).text = f"n{r}{c}"

    document = read_document(_docx(build), name="built.docx")
    assert [(b.text, b.location.line) for b in document.lines()] == [
        ("标题", 1),
        ("第一行", 3),
        ("第二行", 3),
        ("导航", 4),
    ]
    merged, nested = document.tables()
    # python-docx's merge() keeps both cells' paragraphs in the merged cell
    assert grid(merged) == [["00\n01", "~00\n01", "02"], ["10", "11", "12\n22"], ["20", "21", "~12\n22"]]
    assert merged.rows[2][2].location == Location(table=1, row=3, cell=3)
    assert grid(nested) == [["n00", "n01"], ["n10", "n11"]]
    assert nested.location.table == 2


@pytest.mark.corpus
def test_docx_corrupt_and_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("docx")
    broken = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    assert error_code(broken, name="broken.docx") == "corrupt"
    good = (FILES / "template-2021-blank.docx").read_bytes()
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingExtra) as caught:
        read_document(good, name="t.docx")
    assert "govreport[docx]" in caught.value.one_line("en")


# --------------------------------------------------------------------------------------
# PDF


@pytest.mark.corpus
def test_hongze_2023_pdf_table_across_pages() -> None:
    pytest.importorskip("pdfplumber")
    document = read_document(FILES / "hongze-2023.pdf")
    assert document.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    active, applications, appeals = document.tables()
    # table 3 of the report runs over pages 3-4 and comes out as ONE table
    first = [row[1].text for row in applications.rows]
    assert "（一）予以公开" in first and "（七）总计" in first
    assert [len(applications.rows), len(applications.rows[0])] == [26, 10]
    assert {c.location.page for row in applications.rows for c in row if not c.spanned} == {3, 4}
    total = next(row for row in applications.rows if row[1].text == "（七）总计")
    assert [c.text for c in total[3:]] == ["21", "0", "0", "0", "0", "0", "21"]
    assert total[3].location.page == 4 and total[3].location.row == 25
    # the label merged down across the page break stays one spanned column
    label = [row[0] for row in applications.rows[5:25]]
    assert {c.text for c in label} == {"三、本年度办理结果"}
    assert [c.spanned for c in label] == [False] + [True] * 19
    assert applications.rows[17][1].text == "（四）无法提供" and applications.rows[17][1].spanned
    # table 2 of the report: pages 2-3, four columns then two (mapped onto the four)
    assert [row[0].text for row in active.rows if row[0].text in ("行政许可", "行政事业性收费")] == [
        "行政许可",
        "行政事业性收费",
    ]
    assert grid(active)[13] == ["行政事业性收费", "7730.28", "~7730.28", "~7730.28"]
    assert [len(appeals.rows), len(appeals.rows[0])] == [4, 15]
    # running page numbers are gone, prose is lines with positions
    texts = [line.text for line in document.lines()]
    assert not any(t.strip("-— ").isdigit() for t in texts)
    heading = next(line for line in document.lines() if line.text == "一、总体情况")
    # page and line exactly; the position within half a point (pdfium's and pdfminer's
    # character boxes differ by a few tenths)
    location = heading.location
    assert (location.page, location.line) == (1, 10)
    assert abs((location.x or 0) - 106.3) <= 0.5 and abs((location.y or 0) - 373.9) <= 0.5
    assert applications.location == Location(page=3, table=2, x=76.3, y=363.8)


@pytest.mark.corpus
def test_huaian_pdf_label_cut_by_the_page_is_joined() -> None:
    pytest.importorskip("pdfplumber")
    document = read_document(FILES / "huaian-2024.pdf")
    _, applications, _ = document.tables()
    new = next(row for row in applications.rows if row[0].text == "一、本年新收政府信息公开申请数量")
    assert new[-1].text == "3119"
    cut = [row[1] for row in applications.rows if row[2].text.startswith(("1.本机关", "2.没有", "3.补正"))]
    assert [c.text for c in cut] == ["（四）无\n法提供"] * 3
    assert [c.spanned for c in cut] == [False, True, True]
    assert applications.rows[-1][0].text == "四、结转下年度继续办理" and applications.rows[-1][0].location.page == 5


@pytest.mark.corpus
def test_hongze_2024_pdf() -> None:
    pytest.importorskip("pdfplumber")
    document = read_document(FILES / "hongze-2024.pdf")
    active, applications, appeals = document.tables()
    assert grid(active)[6] == ["行政许可", "9487", "~9487", "~9487"]
    assert [c.text for c in appeals.rows[3]] == [
        "1",
        "1",
        "0",
        "0",
        "2",
        "1",
        "0",
        "0",
        "0",
        "1",
        "2",
        "0",
        "1",
        "0",
        "3",
    ]
    assert applications.rows[5][0].text == "三、本年度办理结果"


def _pdf(pages: list[str], *, password_protected: bool = False) -> bytes:
    """A minimal PDF, one content stream per page (Helvetica as F1).

    ``password_protected`` adds a standard security handler whose user password is
    not empty (arbitrary /O and /U values): readers must ask for a password.
    """
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font = f"{3 + 2 * len(pages)} 0 R"
    for i, content in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} >> >> >>".encode()
        )
        stream = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    extra = b""
    if password_protected:
        extra = (
            b" /Encrypt << /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
            b" /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
        )
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, extra, xref)
    return bytes(out)


def _text(x: float, y: float, s: str) -> str:
    return f"BT /F1 10 Tf {x} {y} Td ({s}) Tj ET\n"


def _line(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{x0} {y0} m {x1} {y1} l S\n"


def test_pdf_built_table_across_a_page_break() -> None:
    """Rows 1-3 on page 1 (bottom border missing), rows 4-5 on page 2 (top border
    missing); column 1 merges rows 2-5 with its text on page 1 only."""
    pytest.importorskip("pdfplumber")
    xs = (100, 200, 300, 400)
    page1 = _text(100, 700, "Report") + _text(290, 40, "- 1 -")
    page1 += "".join(_line(x, 600, x, 510) for x in xs)
    page1 += _line(100, 600, 400, 600) + _line(100, 570, 400, 570) + _line(200, 540, 400, 540)
    for row, y in enumerate((580, 550, 520)):
        for col, x in enumerate(xs[:3]):
            label = "L" if (row, col) == (1, 0) else "" if col == 0 and row == 2 else f"r{row}c{col}"
            if label:
                page1 += _text(x + 5, y, label)
    page2 = _text(290, 40, "- 2 -") + "".join(_line(x, 780, x, 720) for x in xs)
    page2 += _line(200, 750, 400, 750) + _line(100, 720, 400, 720)
    for row, y in enumerate((760, 730)):
        for col, x in enumerate(xs[1:3], 1):
            page2 += _text(x + 5, y, f"r{row + 3}c{col}")
    page2 += _text(100, 650, "After")
    document = read_document(_pdf([page1, page2]), name="built.pdf")
    assert [(line.text, line.location.page) for line in document.lines()] == [("Report", 1), ("After", 2)]
    (table,) = document.tables()
    assert grid(table) == [
        ["r0c0", "r0c1", "r0c2"],
        ["L", "r1c1", "r1c2"],
        ["~L", "r2c1", "r2c2"],
        ["~L", "r3c1", "r3c2"],
        ["~L", "r4c1", "r4c2"],
    ]
    assert [row[1].location.page for row in table.rows] == [1, 1, 1, 2, 2]
    assert [row[1].location.row for row in table.rows] == [1, 2, 3, 4, 5]
    assert table.rows[4][0].location.page == 1  # a spanned copy points at its origin


def test_pdf_without_a_text_layer() -> None:
    pytest.importorskip("pdfplumber")
    scanned = _pdf(["0 0 m 100 100 l S\n"])
    with pytest.raises(ReadError) as caught:
        read_document(scanned, name="scan.pdf", ocr="never")
    assert caught.value.code == "no-text-layer"
    assert "OCR" in caught.value.one_line("en") and "OCR" in caught.value.one_line("zh")


def test_pdf_that_needs_a_password() -> None:
    pytest.importorskip("pdfplumber")
    with pytest.raises(ReadError) as caught:
        read_document(_pdf([_text(100, 700, "secret")], password_protected=True), name="locked.pdf")
    assert caught.value.code == "encrypted"
    assert read_document(_pdf([_text(100, 700, "open")])).lines()[0].text == "open"


@pytest.mark.corpus
def test_pdf_corrupt_and_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pdfplumber")
    assert error_code(b"%PDF-1.7\nthis is not a pdf body at all", name="bad.pdf") == "corrupt"
    assert error_code((FILES / "hongze-2023.pdf").read_bytes()[:5000], name="cut.pdf") in ("corrupt", "no-text-layer")
    monkeypatch.setitem(sys.modules, "pdfplumber", None)
    with pytest.raises(MissingExtra) as caught:
        read_document(FILES / "hongze-2023.pdf")
    assert caught.value.extra == "pdf"


@pytest.mark.parametrize(
    ("text", "dropped"),
    [
        ("- 3 -", True),
        ("— 4 —", True),
        ("－５－", True),
        ("3", True),
        ("第 3 页", True),
        ("第3页 共5页", True),
        ("3/5", True),
        ("Page 2 of 9", True),
        ("2023 年", False),
        ("一、总体情况", False),
        ("21 件", False),
    ],
)
def test_page_number_pattern(text: str, dropped: bool) -> None:
    from govreport.sources.pdf import _PAGE_NUMBER

    assert bool(_PAGE_NUMBER.match(text)) is dropped


# --------------------------------------------------------------------------------------
# properties


@given(
    st.lists(
        st.sampled_from(
            [
                "<table>",
                "</table>",
                "<tr>",
                "</tr>",
                "<td>",
                "</td>",
                "<th colspan=2>",
                '<td rowspan="3">',
                "<td rowspan=0>",
                "<br>",
                "<p>",
                "</p>",
                "<div>",
                "<!--",
                "-->",
                "<![if x]>",
                "<![ 1 ]>",
                "<script>",
                "</script>",
                "<title>",
                "&nbsp;",
                "&#x4e2d;",
                "<",
                "中",
                " ",
                "\n",
                "<caption>",
                "<td/>",
                "</br>",
                "x",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_html_reader_never_fails_and_grids_are_rectangular(source: str) -> None:
    """For any tag soup, the HTML reader returns blocks (no exception), every table is
    rectangular with at least two columns, and every spanned cell repeats the text of
    a non-spanned cell of the same table."""
    blocks, _, _ = parse_html(source)
    for block in blocks:
        if isinstance(block, Table):
            widths = {len(row) for row in block.rows}
            assert len(widths) == 1 and widths.pop() >= 2
            origins = {c.text for row in block.rows for c in row if not c.spanned}
            assert all(c.text in origins for row in block.rows for c in row if c.spanned)


@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_a_read_error(data: bytes) -> None:
    """Whatever the bytes, read_document returns a Document or raises ReadError --
    never another exception."""
    try:
        document = read_document(data, name="fuzz")
    except ReadError as error:
        assert error.code in readers.MESSAGES
        assert "\n" not in error.one_line()
    else:
        assert isinstance(document, Document)
        assert document.sha256 == hashlib.sha256(data).hexdigest()
