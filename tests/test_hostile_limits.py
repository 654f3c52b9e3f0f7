"""Hostile input: every case of docs/hostile-input.md with its documented behaviour.

Each work limit is tested at the limit (reads) and one past it (the read error naming
the file and the limit); the expected sizes are counted by hand from how the builders
in ``tests/hostile_inputs.py`` lay their files out, not taken from the code.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from govreport import ReadError
from govreport.api import check_bytes, read, read_bytes
from govreport.cli import main
from govreport.extract import assemble, parse_document
from govreport.sources import read_document
from govreport.sources.limits import Limits
from govreport.writers.render import render
from tests import hostile_inputs as h
from tests.helpers import peak_mib, returns
from tests.test_docx_roundtrip import to_docx

pytest.importorskip("pdfplumber")


def _error(data: bytes, name: str, **limits: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, name=name, limits=Limits(**limits))
    return caught.value


def _document_error(data: bytes, name: str, **limits: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_document(data, name=name, limits=Limits(**limits))
    return caught.value


# -- grid positions ---------------------------------------------------------------------


def test_html_grid_at_and_past_the_limit() -> None:
    # html_diagonal(10): row i has a cell spanning columns 0..i and one at column i+1:
    # 10 rows x 11 start columns = 110 grid positions (the spans cover 10·13/2 = 65).
    document = read_document(h.html_diagonal(10), name="diag.html", limits=Limits(grid_cells=110))
    assert len(document.tables()) == 1
    error = _document_error(h.html_diagonal(10), "diag.html", grid_cells=109)
    assert error.code == "too-many-cells" and error.file == "diag.html"
    assert "109" in error.one_line("en") and "GOVREPORT_MAX_GRID_CELLS" in error.one_line("en")
    assert error.location is not None and error.location.line == 1


def test_html_span_flood_is_cheap_and_bounded() -> None:
    """The fuzzing case (160 rows of colspan=1000 rowspan=65534) and a 90 KB diagonal."""
    def both() -> ReadError:
        read_document(h.html_spans(), name="spans.html")  # clamped spans on one column: small
        return _document_error(h.html_diagonal(2000), "diag.html")

    error, peak = peak_mib(both)
    assert error.code == "too-many-cells"
    assert peak < 128  # the diagonal's full grid would be 2000 × 2000 cells


def test_docx_grid_at_and_past_the_limit() -> None:
    # docx_grid_span(10, 1000): row i starts at column i (gridBefore) with a cell 1000
    # wide, then one more cell: 10 rows x 20 start columns = 200 positions.
    document = read_document(h.docx_grid_span(10), name="grid.docx", limits=Limits(grid_cells=200))
    assert len(document.tables()) == 1
    error = _document_error(h.docx_grid_span(10), "grid.docx", grid_cells=199)
    assert error.code == "too-many-cells" and "199" in error.one_line("en")


def test_docx_grid_flood_is_refused_quickly() -> None:
    error, peak = peak_mib(lambda: _document_error(h.docx_grid_span(2000), "grid.docx"))
    assert error.code == "too-many-cells"
    assert peak < 128


# -- DOCX members -----------------------------------------------------------------------


def _member_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.getinfo("word/document.xml").file_size


def test_docx_member_size_at_and_past_the_limit() -> None:
    size = 512 * 1024  # under the 1 MiB below which the ratio is not judged
    data = h.docx_bomb(size)
    assert _member_size(data) == size
    document = read_document(data, name="big.docx", limits=Limits(docx_member=size))
    assert [line.text for line in document.lines()] == ["x"]
    error = _document_error(data, "big.docx", docx_member=size - 1)
    assert error.code == "docx-bomb"
    assert f"{size} bytes" in error.one_line("en") and "GOVREPORT_MAX_DOCX_MEMBER" in error.one_line("en")


def test_docx_ratio_at_and_past_the_limit() -> None:
    data = h.docx_bomb(4 << 20)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
    ratio = -(-info.file_size // info.compress_size)  # the smallest limit it fits under
    read_document(data, name="dense.docx", limits=Limits(docx_ratio=ratio))
    error = _document_error(data, "dense.docx", docx_ratio=ratio - 1)
    assert error.code == "docx-bomb" and "GOVREPORT_MAX_DOCX_RATIO" in error.one_line("en")
    assert _document_error(data, "dense.docx").code == "docx-bomb"  # ~1000:1 is far past the default 200:1


def test_docx_total_at_and_past_the_limit() -> None:
    data = h.docx_bomb(256 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(i.file_size for i in archive.infolist())
    read_document(data, name="t.docx", limits=Limits(docx_total=total))
    assert _document_error(data, "t.docx", docx_total=total - 1).code == "docx-bomb"


def test_a_docx_bomb_is_called_a_bomb_not_corrupt() -> None:
    data = h.docx_bomb(64 << 20)  # ~64 KB on disk
    error = _error(data, "bomb.docx")
    assert error.code == "docx-bomb"
    assert "zip bomb" in error.one_line("en") and "压缩炸弹" in str(error)


def test_deeply_nested_docx_xml_says_so() -> None:
    body = "<w:sdt><w:sdtContent>" * 300 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 300
    error = _error(h.docx_package(body), "deep.docx")
    assert error.code == "corrupt" and "nested more than 256 levels" in error.one_line("en")
    assert "XML_PARSE_HUGE" not in error.one_line("en")


# -- PDF pages --------------------------------------------------------------------------


def test_pdf_pages_at_and_past_the_limit() -> None:
    data = h.pdf_pages(5, "Hello")
    document = read_document(data, name="p.pdf", limits=Limits(pdf_pages=5))
    assert [line.text for line in document.lines()] == ["Hello"] * 5
    error = _document_error(data, "p.pdf", pdf_pages=4)
    assert error.code == "too-many-pages" and "(5, limit 4" in error.one_line("en")


def test_pdf_page_objects_at_and_past_the_limit() -> None:
    data = h.pdf_pages(1, "Hello")  # five characters, no lines or rectangles
    read_document(data, name="p.pdf", limits=Limits(pdf_page_objects=5))
    error = _document_error(data, "p.pdf", pdf_page_objects=4)
    assert error.code == "page-too-complex" and error.location is not None and error.location.page == 1


def test_pdf_objects_in_all_at_and_past_the_limit() -> None:
    data = h.pdf_pages(3, "Hello")  # 3 pages x 5 characters
    read_document(data, name="p.pdf", limits=Limits(pdf_objects=15))
    error = _document_error(data, "p.pdf", pdf_objects=14)
    assert error.code == "pdf-too-complex" and "15 characters and lines by page 3" in error.one_line("en")


def _dense_page(lines: int) -> bytes:
    """One page of ``lines`` lines of 100 characters: 100·lines character objects."""
    return h.pdf_content([
        "\n".join(f"BT /F1 4 Tf 10 {830 - i * 4} Td ({'A' * 100}) Tj ET" for i in range(lines))
    ])


def test_a_dense_pdf_page_costs_linear_time() -> None:
    """pdfplumber's dedupe_chars orders with list.index: 4x the characters cost 16x the time
    (10,000 characters: 7 s); deduplicated in n·log n they cost about 4x."""
    seconds = []
    for lines in (25, 100):
        started = time.process_time()
        document = read_document(_dense_page(lines), name="dense.pdf", limits=Limits(pdf_page_objects=10_000))
        seconds.append(time.process_time() - started)
        assert sum(len(line.text) for line in document.lines()) == 100 * lines
    assert seconds[1] < 9 * seconds[0] + 0.2, seconds


def test_pdf_stream_at_and_past_the_limit() -> None:
    data = h.pdf_flate_bomb(64 * 1024)
    size = 64 * 1024 + len(h.BOMB_LINE)
    document = read_document(data, name="s.pdf", limits=Limits(pdf_stream=size, pdf_streams=size))
    assert [line.text for line in document.lines()] == ["Hello"]
    error = _document_error(data, "s.pdf", pdf_stream=size - 1)
    assert error.code == "pdf-bomb" and "GOVREPORT_MAX_PDF_STREAM " in error.one_line("en")
    error = _document_error(data, "s.pdf", pdf_streams=size - 1)
    assert error.code == "pdf-bomb" and "GOVREPORT_MAX_PDF_STREAMS" in error.one_line("en")


def test_a_pdf_bomb_is_refused_without_inflating_it() -> None:
    data = h.pdf_flate_bomb(256 << 20)  # ~250 KB on disk; pdfminer took 9 s and 440 MB for 200 MB
    error, peak = peak_mib(lambda: _document_error(data, "bomb.pdf"))
    assert error.code == "pdf-bomb" and "compression bomb" in error.one_line("en") and "压缩炸弹" in str(error)
    assert peak < 64  # inflated, the stream is 256 MiB


def test_a_long_pdf_is_refused_before_any_page_is_laid_out() -> None:
    data = h.pdf_pages(2000)
    error = returns(lambda: _document_error(data, "long.pdf"))
    assert error.code == "too-many-pages" and "2000" in error.one_line("en")


# -- text and digit splitting -------------------------------------------------------------


def test_document_text_at_and_past_the_limit() -> None:
    data = b"abc\n" * 10  # 30 characters of text
    read_document(data, name="t.txt", limits=Limits(document_chars=30))
    error = _document_error(data, "t.txt", document_chars=29)
    assert error.code == "too-much-text" and "30 characters" in error.one_line("en")


def _steps(data: bytes) -> int:
    """Search steps a document's digit splitting takes (with a budget it cannot reach)."""

    seen: list[Any] = []
    original = assemble.Builder.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self.budget)

    assemble.Builder.__init__ = spy  # type: ignore[method-assign]
    try:
        parse_document(read_document(data, name="r.txt"), limits=Limits(digit_splits=10**9))
    finally:
        assemble.Builder.__init__ = original  # type: ignore[method-assign]
    return int(seen[0].limit - seen[0].left)


def test_digit_budget_at_and_past_the_limit() -> None:
    """At the steps a document needs it reads as with no budget; one short, the row the
    budget ran out in and every later one is left blank with READ-AMBIGUOUS (budget)."""
    data = h.seed_text("runs").encode()
    needed = _steps(data)
    assert needed > 0
    free = parse_document(read_document(data, name="r.txt"), limits=Limits(digit_splits=10**9))
    at = parse_document(read_document(data, name="r.txt"), limits=Limits(digit_splits=needed))
    assert at.instance == free.instance and at.observations == free.observations
    short = parse_document(read_document(data, name="r.txt"), limits=Limits(digit_splits=needed - 1))
    budget = [o for o in short.observations if o.template == "READ-AMBIGUOUS:budget"]
    assert budget, "the budget finding is missing"
    # Nothing is guessed: every cell read short of budget is either the seed's value or blank.
    seed = h.seed()
    for row, cells in short.instance["requests"].items():
        for column, value in (cells.items() if isinstance(cells, dict) else ()):
            if not isinstance(value, dict):
                assert value is None or value == seed["requests"][row][column]


def test_many_long_digit_rows_cost_one_budget() -> None:
    # one search budget for the whole document (a budget per row took ~6× as long)
    result = returns(lambda: check_bytes(h.text_digit_rows(40), name="digits.txt"))
    assert any(f.rule == "READ-AMBIGUOUS" for f in result.findings)


def test_a_5000_digit_cell_is_reported_not_crashed() -> None:
    text = h.seed_text("cells").replace("本年新收政府信息公开申请数量 |\n9 |", "本年新收政府信息公开申请数量 |\n" + "7" * 5000 + " |", 1)
    result = check_bytes(text.encode(), name="long.txt")
    blank = [f for f in result.findings if f.pointer == "/requests/received/natural_person"]
    assert blank and blank[0].rule == "CELL-BLANK" and "7777" in blank[0].message


# -- honest reasons -------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(codec: str) -> None:
    text = (h.EXAMPLES / "chaotian-2021.txt").read_text(encoding="utf-8")
    want = read_bytes(text.encode("utf-8"), name="r.txt").instance
    got = read_bytes(text.encode(codec), name="r.txt").instance
    assert got["requests"] == want["requests"] and got["sections"] == want["sections"]
    assert got["report"]["year"] == 2021


@pytest.mark.parametrize(("where", "line", "column"), [("head", 2, 6), ("tail", 202, 6)])
def test_a_stray_nul_is_named_with_its_line(where: str, line: int, column: int) -> None:
    filler = "" if where == "head" else "这是一行填充文字。\n" * 200  # 200 lines, ~5.6 KB: past the 4 KB sniffed
    text = "2021年政府信息公开工作年度报告\n" + filler + "第二行ab\x00c\n"
    for name, data in (("r.txt", text.encode()), ("r.html", f"<p>{text}</p>".encode())):
        error = _error(data, name)
        assert error.code == "stray-nul", name
        assert error.location is not None and error.location.line == line
        if name.endswith(".txt"):
            assert error.location.column == column
        assert "NUL" in error.one_line("en")


def test_nul_padding_at_the_end_is_a_stray_nul_where_it_starts() -> None:
    error = _error("第一行\n第二行".encode() + b"\x00" * 5000, "cut.txt")
    assert error.code == "stray-nul" and error.location is not None
    assert (error.location.line, error.location.column) == (2, 4)


@pytest.mark.parametrize("data", [bytes(range(256)) * 20, b"\x00\x01\x02binary", b"MZ\x90\x00\x03\x00\x00\x00" * 50])
def test_binary_is_still_binary(data: bytes) -> None:
    assert _error(data, "x.bin").code == "binary"


def test_json_with_a_5000_digit_integer_says_so() -> None:
    data = b'{"edition": "2021",\n "x": ' + b"1" * 5000 + b"}"
    error = _error(data, "big.json")
    message = error.one_line("en")
    assert error.code == "not-json" and "5000 digits" in message and "sys." not in message
    assert error.location is not None and (error.location.line, error.location.column) == (2, 7)
    assert "5000位" in str(error)


def test_deeply_nested_json_says_so() -> None:
    data = b'{"edition": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    error = _error(data, "deep.json")
    assert error.code == "not-json" and "nested too deeply" in error.one_line("en")
    assert "recursion" not in error.one_line("en").lower()


def test_json_with_a_nul_names_its_place() -> None:
    error = _error(b'{"edition": "2021",\n"x": "a\x00"}', "nul.json")
    assert error.code == "stray-nul" and error.location is not None and error.location.line == 2


# -- not one report ---------------------------------------------------------------------------


def test_two_reports_in_one_file_are_refused_naming_the_second() -> None:
    text = h.seed_text("cells")
    lines = text.count("\n") + 1
    error = _error((text + "\n" + text).encode(), "two.txt")
    assert error.code == "several-reports"
    assert error.location is not None and error.location.line > lines  # inside the second copy
    one = check_bytes(text.encode(), name="one.txt")
    assert not any(f.rule == "READ-REPEATED" for f in one.findings)


def test_two_reports_in_one_pdf_are_refused() -> None:
    pdfium = pytest.importorskip("pypdfium2")
    source = pdfium.PdfDocument(str(h.EXAMPLES.parent / "tests/corpus/files/hongze-2023.pdf"))
    target = pdfium.PdfDocument.new()
    target.import_pages(source, list(range(len(source))) * 2)
    buffer = io.BytesIO()
    target.save(buffer)
    assert _error(buffer.getvalue(), "twice.pdf").code == "several-reports"


def _table3_twice(copies: int) -> bytes:
    text = h.seed_text("cells")
    start, end = text.index("三、收到"), text.index("四、政府信息公开行政复议")
    table = text[start:end].split("\n", 1)[1]  # without the heading
    return (text[:end] + table * copies + text[end:]).encode()


@pytest.mark.parametrize("copies", [1, 20, pytest.param(500, marks=pytest.mark.slow)])
def test_table3_printed_again_reads_the_first_copy_and_says_so(copies: int) -> None:
    result = check_bytes(_table3_twice(copies), name="t3.txt")
    rules = {(f.rule, f.pointer) for f in result.findings}
    assert ("READ-REPEATED", "/requests") in rules
    assert not any(f.rule.startswith("T3-") for f in result.findings if f.severity.value == "error")
    reading = read_bytes(_table3_twice(copies), name="t3.txt")
    assert reading.instance["requests"] == read_bytes(h.seed_text("cells").encode(), name="r.txt").instance["requests"]


@pytest.mark.slow
def test_table3_repeated_costs_linear_time() -> None:
    """×500 took 5 s, super-linear; now ten times the copies cost about ten times the time."""
    seconds = []
    for copies in (50, 500):
        data = _table3_twice(copies)
        started = time.process_time()
        read_bytes(data, name="t3.txt")
        seconds.append(time.process_time() - started)
    assert seconds[1] < 16 * seconds[0] + 0.5, seconds


def test_a_notice_listing_the_headings_is_not_a_report() -> None:
    notice = (
        "关于报送2021年政府信息公开工作年度报告的通知\n各单位：请按以下提纲编写年度报告：\n"
        "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
        "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
        "请于2022年1月31日前报送。\n"
    )
    error = _error(notice.encode(), "notice.txt")
    assert error.code == "not-a-report" and "section headings" in error.one_line("en")


def test_a_narrative_only_report_is_still_a_report() -> None:
    """The seed's sections without any table: a partial report, not an outline."""
    text = h.seed_text("cells")
    kept = [line for line in text.split("\n") if "|" not in line and not re.fullmatch(r"[\d\s]*", line)]
    reading = read_bytes("\n".join(kept).encode(), name="prose.txt")
    assert reading.instance["sections"]["overview"]


# -- tables printed as pictures ------------------------------------------------------------------


def test_a_table_printed_as_a_picture_says_so() -> None:

    page = render(h.seed(), to="html")
    heading = page.index("<h2>三")
    start = page.index("<table", heading)
    end = page.index("</table>", start) + len("</table>")
    pictured = page[:start] + '<p><img src="table3.png"></p>' + page[end:]
    missing = [f for f in check_bytes(pictured.encode(), name="p.html").findings if f.rule == "READ-MISSING"]
    assert [(f.pointer, "图片" in f.message, "OCR" in f.message) for f in missing] == [("/requests", True, True)]
    # A picture elsewhere (a logo) does not change a plain "not found".
    logo = page.replace("<h1>", '<img src="logo.png"><h1>')[:start + 30] + page[end:]
    plain = [f for f in check_bytes(logo.encode(), name="p.html").findings if f.rule == "READ-MISSING"]
    assert plain and not any("图片" in f.message for f in plain)


def test_a_docx_table_printed_as_a_picture_says_so() -> None:

    data = to_docx(h.seed())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    xml = parts["word/document.xml"].decode()
    tables = [m.span() for m in re.finditer(r"<w:tbl>.*?</w:tbl>", xml, re.DOTALL)]
    start, end = tables[1]  # table 3 (tables 2, 3, 4 in order)
    parts["word/document.xml"] = (xml[:start] + "<w:p><w:r><w:drawing/></w:r></w:p>" + xml[end:]).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    missing = [f for f in check_bytes(buffer.getvalue(), name="p.docx").findings if f.rule == "READ-MISSING"]
    assert [(f.pointer, "图片" in f.message) for f in missing] == [("/requests", True)]


# -- special files -----------------------------------------------------------------------------------


def test_a_fifo_is_refused_at_once(tmp_path: Any) -> None:

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError) as caught:
        returns(lambda: read(fifo), within=30)  # opening a FIFO would wait for a writer forever
    assert caught.value.code == "unreadable" and "FIFO" in caught.value.one_line("en")


def test_dev_zero_is_refused_at_once() -> None:

    with pytest.raises(ReadError) as caught:
        read("/dev/zero")
    assert caught.value.code == "unreadable" and "character device" in caught.value.one_line("en")


# -- limits come from the environment ------------------------------------------------------------


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVREPORT_MAX_GRID_CELLS", "109")
    error = _document_error(h.html_diagonal(10), "diag.html")
    assert error.code == "too-many-cells"
    monkeypatch.setenv("GOVREPORT_MAX_GRID_CELLS", "lots")
    with pytest.raises(ValueError, match="GOVREPORT_MAX_GRID_CELLS"):
        Limits()
    with pytest.raises(ValueError):
        Limits(grid_cells=0)


def test_every_limit_error_pickles_and_speaks_both_languages() -> None:

    cases = [
        (h.html_diagonal(10), "a.html", {"grid_cells": 50}),
        (h.docx_bomb(64 << 20), "a.docx", {}),
        (h.pdf_pages(3), "a.pdf", {"pdf_pages": 2}),
        (b"abc\n" * 10, "a.txt", {"document_chars": 5}),
    ]
    for data, name, limits in cases:
        error = _document_error(data, name, **limits)
        again = pickle.loads(pickle.dumps(error))
        assert again.one_line("en") == error.one_line("en") and str(again) == str(error)
        assert name in str(error) and name in error.one_line("en")
        assert json.dumps(error.one_line("zh"), ensure_ascii=False)


# -- the command line ----------------------------------------------------------------------------


def test_json_lines_stay_valid_when_hostile_files_fail(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "bomb.docx": h.docx_bomb(64 << 20),
        "two.txt": (h.seed_text("cells") * 2).encode(),
        "nul.txt": "第一行\n第二\x00行\n".encode(),
        "diagonal.html": h.html_diagonal(2000),
    }
    paths = [str(h.EXAMPLES / "chaotian-2021.txt")]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    paths.append(str(fifo))
    out = io.StringIO()
    code = main(["check", "--format", "json", *paths], out=out)
    capsys.readouterr()
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 2
    assert [o.get("error", {}).get("code") for o in objects] == [
        None, "docx-bomb", "several-reports", "stray-nul", "too-many-cells", "unreadable"]


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    from govreport.writers.files import atomic, write_atomically

    target = tmp_path / "out.jsonl"
    write_atomically(str(target), '{"file": "a"}\n')
    with pytest.raises(KeyboardInterrupt), atomic(str(target), "w") as handle:
        handle.write('{"file": "b", "half')
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == '{"file": "a"}\n'  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # and no temporary file left


def test_the_command_line_raises_or_lowers_a_limit(tmp_path: Path) -> None:
    import subprocess
    import sys

    pdf = tmp_path / "five-pages.pdf"
    pdf.write_bytes(h.pdf_pages(5, "Hello"))

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "govreport", "check", str(pdf), "--format", "json", *extra],
                              capture_output=True, text=True, timeout=120, check=False)

    lowered = run("--limit", "pdf_pages=4")
    assert lowered.returncode == 2 and json.loads(lowered.stdout)["error"]["code"] == "too-many-pages"
    raised = run("--limit", "pdf_pages=10")
    assert json.loads(raised.stdout).get("error", {}).get("code") != "too-many-pages"
    bad = run("--limit", "pages=4")
    assert bad.returncode == 2 and "unknown limit" in bad.stderr
