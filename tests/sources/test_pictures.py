"""Tables printed as pictures inside DOCX and HTML files, read by OCR in their place.

Quick tests: where the pictures' bytes come from (DOCX parts, ``data:`` URIs, files next
to a page read from disk, never the network), when they are looked at, the limits, and
the missing extra. Slow tests (CI): the corpus PDFs' tables cut out of scanned pages
into pictures of a Word file and of a web page, read back and compared with the goldens.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import pickle
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from govreport.api import check_reading, read_bytes
from govreport.cli import main
from govreport.sources import Limits, MissingExtra, ReadError, read_document
from govreport.sources.embedded import held_tables
from tests.corpus.accuracy import FILES, same, table_cells

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "corpus" / "golden"
NARRATIVE = "本机关认真贯彻落实政府信息公开条例，完善工作机制，主动公开各类政府信息，依法答复申请。" * 4
HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def _png(width: int = 60, height: int = 40, ruled: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 255)
    if ruled:
        draw = ImageDraw.Draw(image)
        for y in range(10, height - 5, (height - 20) // 4):
            draw.line((10, y, width - 10, y), fill=0, width=2)
        for x in range(10, width - 5, (width - 20) // 5):
            draw.line((x, 10, x, height - 10), fill=0, width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _docx(pictures: list[bytes], *, tables: bool = False) -> bytes:
    """A report's headings and narrative, with ``pictures`` in section 三."""
    docx = pytest.importorskip("docx")
    if tables:
        document = docx.Document(str(FILES / "template-2021-blank.docx"))
    else:
        document = docx.Document()
        document.add_paragraph("某某局2023年政府信息公开工作年度报告")
        for heading in HEADINGS:
            document.add_paragraph(heading)
            document.add_paragraph(NARRATIVE)
            if heading.startswith("三"):
                for picture in pictures:
                    document.add_picture(io.BytesIO(picture))
    if tables:
        for picture in pictures:
            document.add_picture(io.BytesIO(picture))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _html(srcs: list[str]) -> bytes:
    parts = ["<html><body><p>某某局2023年政府信息公开工作年度报告</p>"]
    for heading in HEADINGS:
        parts.append(f"<p>{heading}</p><p>{NARRATIVE}</p>")
        if heading.startswith("三"):
            parts.extend(f"<img src='{src}'>" for src in srcs)
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def _needs_pil() -> None:
    pytest.importorskip("PIL")
    pytest.importorskip("cv2")


# -- where the bytes come from ----------------------------------------------------------------


def test_docx_pictures_come_with_their_bytes_and_part_names_in_body_order() -> None:
    _needs_pil()
    first, second = _png(61, 40), _png(62, 40)
    document = read_document(_docx([first, second]), name="r.docx", ocr="never")
    assert [p.data for p in document.pictures] == [first, second]
    assert [p.name for p in document.pictures] == ["word/media/image1.png", "word/media/image2.png"]
    # each stands where its paragraph does: after section 三's narrative
    line = document.blocks[document.pictures[0].index - 1]
    assert line.text == NARRATIVE and document.blocks[document.pictures[0].index - 2].text.startswith("三、")
    assert pickle.loads(pickle.dumps(document)) == document


def test_html_pictures_from_data_uris_and_files_next_to_the_page(tmp_path: Path) -> None:
    _needs_pil()
    inline, beside = _png(63, 40), _png(64, 40)
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "t 3.png").write_bytes(beside)
    (tmp_path.parent / "outside.png").write_bytes(beside)
    page = tmp_path / "report.html"
    page.write_bytes(_html(["data:image/png;base64," + base64.b64encode(inline).decode(), "img/t%203.png",
                            "https://example.org/t4.png", "../outside.png", "/etc/hostname", "img/none.png"]))
    pictures = read_document(page).pictures
    assert [(p.data, p.unread) for p in pictures] == [
        (inline, ""), (beside, ""), (b"", "remote"), (b"", "missing"), (b"", "missing"), (b"", "missing")]
    assert pictures[0].name == "data:image/png #1"
    # bytes in memory have no directory: a relative src is not looked for
    from_bytes = read_document(page.read_bytes(), name="report.html").pictures
    assert [p.unread for p in from_bytes][:2] == ["", "missing"]
    assert read_document(page.read_bytes(), name="report.html", directory=str(tmp_path)).pictures[1].data == beside


def test_read_and_check_look_for_an_html_pages_pictures_next_to_it(tmp_path: Path) -> None:
    """govreport.read and the batch pass the file's directory: a relative picture is found
    there (and, showing no table, left unread), where bytes alone say it is missing."""
    _needs_pil()
    from govreport import batch, read

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "t.png").write_bytes(_png(63, 40))
    page = tmp_path / "report.html"
    page.write_bytes(_html(["img/t.png"]))

    def missing(findings: Any) -> list[Any]:
        return [f for f in findings if f.rule == "READ-OCR" and "img/t.png" in f.message]

    assert missing(check_reading(read_bytes(page.read_bytes(), name="report.html"), lang="en").findings)
    assert not missing(check_reading(read(page), lang="en").findings)
    outcome = batch.check_one(str(page))
    assert outcome.result is not None and not missing(outcome.result.findings)


def test_a_remote_picture_where_a_table_should_be_is_reported_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_pil()

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("nothing is fetched")

    monkeypatch.setattr("socket.socket.connect", no_network)
    reading = read_bytes(_html(["https://example.org/t3.png"]), name="r.html")
    findings = check_reading(reading, lang="en").findings
    notes = [f for f in findings if f.rule == "READ-OCR"]
    assert len(notes) == 1 and "https://example.org/t3.png" in notes[0].message and "network" in notes[0].message
    assert notes[0].location is not None and notes[0].location.image == "https://example.org/t3.png"
    # the table is still reported missing, as a picture
    assert any(f.rule == "READ-MISSING" and f.pointer == "/requests" for f in findings)


# -- when pictures are looked at ----------------------------------------------------------------


def test_the_tables_a_document_holds_are_told_by_their_row_labels() -> None:
    pytest.importorskip("docx")
    assert held_tables(read_document(FILES / "shanghai-office-2019.html")) == {"active_disclosure", "requests", "reviews"}
    assert held_tables(read_document(FILES / "template-2021-blank.docx")) == {"active_disclosure", "requests", "reviews"}
    assert held_tables(read_document(_html([]), name="r.html")) == set()


def test_a_document_with_its_tables_never_needs_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_pil()
    data = _docx([_png(400, 300, ruled=True)], tables=True)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setitem(sys.modules, "cv2", None)
    document = read_document(data, name="r.docx")  # auto: the tables are there, the picture is left alone
    assert len(document.pictures) == 1 and document.images


def test_without_the_extra_a_document_of_table_pictures_names_the_extra(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _needs_pil()
    data = _docx([_png(400, 300, ruled=True)])
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(MissingExtra) as caught:
        read_document(data, name="r.docx")
    assert caught.value.extra == "ocr" and "govreport[ocr]" in caught.value.one_line("en")
    assert read_document(data, name="r.docx", ocr="never").images  # never: the picture stays a picture
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    assert main(["check", str(path)]) == 2
    assert "govreport[ocr]" in capsys.readouterr().out


def test_a_picture_claiming_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    _needs_pil()
    data = _docx([_png(400, 300)])
    with pytest.raises(ReadError) as caught:
        read_document(data, name="r.docx", limits=Limits(image_pixels=400 * 300 - 1))
    assert caught.value.code == "image-too-large" and "GOVREPORT_MAX_IMAGE_PIXELS" in caught.value.one_line("en")
    assert "word/media/image1.png" in caught.value.one_line("en")
    read_document(data, name="r.docx", limits=Limits(image_pixels=400 * 300))


def test_more_pictures_than_the_limit_are_refused() -> None:
    _needs_pil()
    data = _docx([_png(61, 40), _png(62, 40), _png(63, 40)])
    with pytest.raises(ReadError) as caught:
        read_document(data, name="r.docx", limits=Limits(images=2))
    assert caught.value.code == "too-many-images" and "GOVREPORT_MAX_IMAGES" in caught.value.one_line("en")
    assert len(read_document(data, name="r.docx", limits=Limits(images=3)).pictures) == 3


def test_a_picture_that_shows_no_table_is_not_read_in_auto_mode() -> None:
    _needs_pil()
    document = read_document(_docx([_png(400, 300)]), name="r.docx")
    assert document.images and not document.tables()  # blank: no ruling, so no OCR


# -- the corpus's tables as pictures (slow: CI runs them) ---------------------------------------


def _require_ocr() -> None:
    from tests.sources.test_ocr import _require_ocr as require

    require()


def _golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def _score(golden: dict[str, Any], reading: Any) -> tuple[int, int, list[str]]:
    """(cells, exact, wrong cells with no finding at them, their row or their table)."""
    want, got = table_cells(golden), table_cells(reading.instance)
    wrong = [p for p, v in want.items() if p not in got or not same(v, got[p])]
    at = {f.pointer for f in check_reading(reading).findings}
    return len(want), len(want) - len(wrong), [p for p in wrong if not any(p == q or p.startswith(q + "/") for q in at)]


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_tables_as_pictures_in_docx_and_html_read_like_their_goldens(tmp_path: Path) -> None:
    _require_ocr()
    from tests.sources.pictured import pictured_blocks, pictured_docx, pictured_html

    total = exact = pictures = 0
    silent: list[str] = []
    started = time.perf_counter()
    for n, (name, dpi) in enumerate((("hongze-2023", 150), ("hongze-2024", 200))):
        blocks = pictured_blocks((FILES / f"{name}.pdf").read_bytes(), dpi=dpi, seed=n + 1)
        pictures += sum(1 for kind, _ in blocks if kind == "picture")
        if n == 0:
            reading = read_bytes(pictured_docx(blocks), name=f"{name}.docx")
        else:
            page = tmp_path / f"{name}.html"
            page.write_bytes(pictured_html(blocks, files=tmp_path))
            # read from its path: the pictures are the files next to it
            document = read_document(page)
            from govreport.extract import parse_document

            reading = parse_document(document)
        cells, ok, unflagged = _score(_golden(name), reading)
        total += cells
        exact += ok
        silent += [f"{name}{p}" for p in unflagged]
    seconds = (time.perf_counter() - started) / max(pictures, 1)
    print(f"tables as pictures: {exact}/{total} cells exact, {seconds:.1f} s/picture")
    assert exact >= 0.95 * total, f"{exact}/{total} cells exact"
    assert silent == [], "cells wrong without a finding at them"


@pytest.mark.slow
def test_pictured_report_with_a_real_error_keeps_its_error() -> None:
    """An HTML page (data: URIs) whose table 3 picture prints a wrong total, painted into
    the picture: the relation error stays an error and the total is not "repaired"."""
    _require_ocr()
    from PIL import Image, ImageDraw, ImageFont

    from tests.sources.pictured import pictured_blocks, pictured_html

    dpi = 200
    blocks = pictured_blocks((FILES / "hongze-2024.pdf").read_bytes(), dpi=dpi, seed=5)
    clean = read_bytes(pictured_html(blocks), name="hongze-2024.html")
    golden = _golden("hongze-2024")
    where = clean.source_map["/requests/received/total"].location
    assert clean.instance["requests"]["received"]["total"] == golden["requests"]["received"]["total"]
    assert where.image is not None and where.x is not None and where.y is not None
    number = int(where.image.rsplit("#", 1)[1])
    wrong = golden["requests"]["received"]["total"] + 2
    # paint the wrong total over the printed one, inside the cell's ruling
    index = [i for i, (kind, _) in enumerate(blocks) if kind == "picture"][number - 1]
    picture = Image.open(io.BytesIO(blocks[index][1])).convert("L")
    x, y = where.x * dpi / 72, where.y * dpi / 72
    draw = ImageDraw.Draw(picture)
    draw.rectangle((x + 8, y + 8, x + 70, y + 45), fill=255)
    draw.text((x + 14, y + 10), str(wrong), fill=0, font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", dpi=(dpi, dpi))
    blocks[index] = ("picture", buffer.getvalue())
    reading = read_bytes(pictured_html(blocks), name="hongze-2024.html")
    assert reading.instance["requests"]["received"]["total"] == wrong
    findings = check_reading(reading).findings
    assert any(f.severity.value == "error" and "/requests/received/total" in [o.pointer for o in f.operands]
               for f in findings)
    assert not [f for f in findings if f.rule == "READ-OCR" and f.pointer == "/requests/received/total"]


@pytest.mark.slow
def test_cli_checks_a_docx_of_table_pictures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _require_ocr()
    from tests.sources.pictured import pictured_blocks, pictured_docx

    path = tmp_path / "hongze-2023.docx"
    path.write_bytes(pictured_docx(pictured_blocks((FILES / "hongze-2023.pdf").read_bytes(), dpi=150, seed=3)))
    code = main(["check", "--format", "json", str(path)])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    assert "word/media/image" in out  # findings at cells read from a picture name it
