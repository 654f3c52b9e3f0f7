"""Scanned reports read by OCR, with the report's arithmetic as the check on every digit.

Quick tests: the repair logic on hand-made OCR readings (no engine), file sniffing, the
``ocr`` modes and the missing extra. Slow tests (CI): the corpus PDFs rasterised into
image-only PDFs (150 and 200 dpi, grey, JPEG, small rotation, noise) and rendered
reports drawn as images are read by OCR and compared cell by cell with the goldens.
"""

from __future__ import annotations

import copy
import io
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import govreport
from govreport.api import check_reading, read_bytes
from govreport.cli import main
from govreport.contract import tables
from govreport.extract.ocr import check_digits
from govreport.location import Location, Provenance
from govreport.reading import Reading
from govreport.sources import MissingExtra, ReadError, read_document, sniff
from govreport.sources.document import Cell, Document, OcrText, Table
from govreport.writers.render import render
from tests.corpus.accuracy import FILES, same, table_cells

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "corpus" / "golden"


def _golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    return data


# -- the repair, on hand-made OCR readings ------------------------------------------------


def _scanned(instance: dict[str, Any], reads: dict[str, OcrText]) -> tuple[dict[str, Any], dict[str, Provenance], Document]:
    """``instance`` as if every table cell had been read by OCR (``reads`` overrides the
    OCR text of some cells; the others were read with confidence)."""
    sources: dict[str, Provenance] = {}
    cells: list[tuple[Cell, ...]] = []
    for number, spec in enumerate(tables.cells(instance["edition"], "row"), 1):
        node: Any = instance
        for key in spec.path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            continue
        where = Location(page=1, table=1, row=number, cell=1)
        ocr = reads.get(spec.pointer, OcrText(read=str(node), confidence=0.99))
        cells.append((Cell(text=str(node), location=where, ocr=ocr),))
        sources[spec.pointer] = Provenance(location=where, raw=ocr.read)
    document = Document(blocks=(Table(rows=tuple(cells), location=Location(page=1, table=1)),),
                        media_type="application/pdf", sha256="0" * 64)
    return instance, sources, document


def _set(instance: dict[str, Any], ptr: str, value: Any) -> None:
    keys = ptr.strip("/").split("/")
    node = instance
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def _repair(reads: dict[str, tuple[Any, OcrText]]) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """Golden hongze-2023 with some cells misread; the repaired instance, the
    observations and the findings of validating it."""
    instance = copy.deepcopy(_golden("hongze-2023"))
    for ptr, (value, _) in reads.items():
        _set(instance, ptr, value)
    instance, sources, document = _scanned(instance, {p: o for p, (_, o) in reads.items()})
    observations = check_digits(instance, sources, document, instance["edition"], "row")
    reading = Reading(name="scan.pdf", media_type="application/pdf", instance=instance, source_map=sources,
                      observations=tuple(observations))
    return instance, observations, list(check_reading(reading).findings)


RECEIVED = "/requests/received/natural_person"  # 21 in the report


def test_a_low_confidence_digit_that_breaks_the_relations_is_repaired() -> None:
    instance, observations, findings = _repair({RECEIVED: (27, OcrText(read="27", confidence=0.62))})
    assert instance["requests"]["received"]["natural_person"] == 21
    [seen] = observations
    assert (seen.rule, seen.pointer, seen.args["read"], seen.args["value"]) == ("READ-OCR", RECEIVED, "27", "21")
    assert not [f for f in findings if f.pointer == RECEIVED and f.rule.startswith("T3")]
    [finding] = [f for f in findings if f.rule == "READ-OCR"]
    assert finding.severity.value == "info" and "0.62" in finding.message and "21" in finding.message


def test_a_confident_digit_is_never_changed_the_relation_error_stays() -> None:
    instance, observations, findings = _repair({RECEIVED: (27, OcrText(read="27", confidence=0.99))})
    assert instance["requests"]["received"]["natural_person"] == 27
    assert observations == []
    assert any(f.severity.value == "error" and RECEIVED in [o.pointer for o in f.operands] for f in findings)


def test_an_engine_runner_up_digit_is_an_alternative() -> None:
    # 2 -> 4 is no common confusion; the engine's runner-up at position 0 says 2
    instance, observations, _ = _repair({RECEIVED: (41, OcrText(read="41", confidence=0.97, alternatives=((0, "2"),)))})
    assert instance["requests"]["received"]["natural_person"] == 21
    assert [o.rule for o in observations] == ["READ-OCR"]


def test_a_real_error_with_no_unique_repair_keeps_its_error_and_warns_at_the_cell() -> None:
    # The report's own error: 行政复议 total printed 0 although 10 + 1 (T4-TOTAL). An
    # unsure 0 cannot become 11 by one digit: no repair, a warning, the error kept.
    total = "/reviews/reconsideration/total"
    instance, observations, findings = _repair({total: (0, OcrText(read="0", confidence=0.55))})
    assert instance["reviews"]["reconsideration"]["total"] == 0
    assert [(o.rule, o.pointer) for o in observations] == [("READ-OCR-UNSURE", total)]
    assert any(f.rule == "T4-TOTAL" and f.severity.value == "error" for f in findings)
    [warning] = [f for f in findings if f.rule == "READ-OCR-UNSURE"]
    assert warning.severity.value == "warning" and warning.pointer == total


def test_a_letter_read_as_a_digit_is_reported_even_when_the_relations_hold() -> None:
    ptr = "/requests/received/commercial"
    instance, observations, findings = _repair({ptr: (0, OcrText(read="o", confidence=0.93, lettered=True))})
    assert instance["requests"]["received"]["commercial"] == 0
    assert [(o.rule, o.template) for o in observations] == [("READ-OCR", "READ-OCR:letter")]
    assert [f for f in findings if f.rule == "READ-OCR"][0].message.count("“o”") == 1


def test_an_unsure_cell_the_relations_confirm_needs_no_finding() -> None:
    ptr = "/requests/carried_over/commercial"
    _, observations, _ = _repair({ptr: (0, OcrText(read="0", confidence=0.7))})
    assert observations == []


def test_two_misreads_in_one_row_are_repaired_together() -> None:
    # 一 natural_person 21 and total 21 both misread as 27: changing either alone leaves a
    # relation failing; changing both is the one fix.
    reads = {RECEIVED: (27, OcrText(read="27", confidence=0.6)),
             "/requests/received/total": (27, OcrText(read="27", confidence=0.6))}
    instance, observations, _ = _repair(reads)
    assert instance["requests"]["received"]["natural_person"] == 21
    assert instance["requests"]["received"]["total"] == 21
    assert sorted(o.pointer for o in observations) == sorted(reads)


def test_no_ocr_no_change() -> None:
    instance = _golden("hongze-2023")
    document = Document(blocks=(), media_type="text/plain", sha256="0" * 64)
    assert check_digits(instance, {}, document, "2021", "row") == []


# -- files, modes, the missing extra --------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
TIFF = b"II*\x00" + b"\x00" * 100


def test_images_are_sniffed_as_images() -> None:
    assert [sniff(d) for d in (PNG, JPEG, TIFF)] == ["image/png", "image/jpeg", "image/tiff"]


def test_an_image_with_ocr_off_is_refused() -> None:
    with pytest.raises(ReadError) as caught:
        read_document(PNG, name="scan.png", ocr="never")
    assert caught.value.code == "unsupported" and "OCR" in caught.value.one_line("en")


def test_an_unknown_ocr_mode_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="ocr must be one of auto, always, never"):
        read_document(PNG, ocr="sometimes")


def test_without_the_extra_a_scan_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    with pytest.raises(MissingExtra) as caught:
        read_document(PNG, name="scan.png")
    assert caught.value.extra == "ocr" and "govreport[ocr]" in str(caught.value)
    path = tmp_path / "scan.jpg"
    path.write_bytes(JPEG)
    assert main(["check", str(path)]) == 2
    assert "govreport[ocr]" in capsys.readouterr().out


def test_a_damaged_image_names_the_file() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    with pytest.raises(ReadError) as caught:
        read_document(PNG, name="scan.png")
    assert caught.value.code == "corrupt" and caught.value.file == "scan.png"


# -- scans made from the corpus (slow: CI runs them) -----------------------------------------

# The reads below take ~5-10 s a page on two shared cores; run them with the slow suite.
SCANNED = ("hongze-2023", "hongze-2024", "huaian-2024")


def _require_ocr() -> None:
    """Skip without the extra, except in CI (GOVREPORT_REQUIRE_OCR=1), where it must be there."""
    if os.environ.get("GOVREPORT_REQUIRE_OCR"):
        import rapidocr_onnxruntime  # noqa: F401  (fails the test when missing)
    else:
        pytest.importorskip("rapidocr_onnxruntime")


def _score(golden: dict[str, Any], reading: Reading) -> tuple[int, int, list[str], list[str]]:
    """(cells, exact, wrong cells, wrong cells with no finding at them)."""
    want, got = table_cells(golden), table_cells(reading.instance)
    wrong = [p for p, v in want.items() if p not in got or not same(v, got[p])]
    at = {f.pointer for f in check_reading(reading).findings}
    # a finding at the cell, or at the row or table it belongs to (a row not read at all)
    flagged = [p for p in wrong if any(p == q or p.startswith(q + "/") for q in at)]
    return len(want), len(want) - len(wrong), wrong, [p for p in wrong if p not in flagged]


@pytest.mark.slow
@pytest.mark.corpus
def test_scanned_corpus_pdfs_read_like_their_goldens() -> None:
    _require_ocr()
    from tests.sources.scans import scan_pdf

    total = exact = 0
    silent: list[str] = []
    pages = 0
    started = time.perf_counter()
    for name in SCANNED:
        golden = _golden(name)
        data = (FILES / f"{name}.pdf").read_bytes()
        for dpi in (150, 200):
            scan = scan_pdf(data, dpi=dpi, seed=dpi + len(name))
            with pytest.raises(ReadError):  # image-only: no text layer at all
                read_document(scan, name="scan.pdf", ocr="never")
            reading = read_bytes(scan, name=f"{name}-{dpi}.pdf")
            pages += max(loc.location.page or 0 for loc in reading.source_map.values())
            n, ok, wrong, unflagged = _score(golden, reading)
            total += n
            exact += ok
            silent += [f"{name}@{dpi}{p}" for p in unflagged]
    seconds = (time.perf_counter() - started) / max(pages, 1)
    print(f"scanned corpus: {exact}/{total} cells exact, {seconds:.1f} s/page")
    assert exact >= 0.99 * total, f"{exact}/{total} cells exact"
    assert silent == [], "cells wrong without a finding at them"


def _drawn(instance: dict[str, Any], dpi: int, seed: int) -> list[Any]:
    from tests.sources.scans import degrade, draw_document

    html = render(instance, to="html").encode("utf-8")
    pages = draw_document(read_document(html, media_type="html"), dpi=dpi)
    return [degrade(page, seed=seed + i, angle=(-1) ** i * 0.8) for i, page in enumerate(pages)]


@pytest.mark.slow
@pytest.mark.corpus
def test_rendered_reports_drawn_as_images_read_like_their_goldens(tmp_path: Path) -> None:
    _require_ocr()
    from tests.sources.scans import pages_to_pdf

    total = exact = 0
    silent: list[str] = []
    for n, (name, dpi) in enumerate((("hongze-2023", 150), ("pingtan-2020", 200), ("shanghai-office-2019", 150))):
        golden = _golden(name)
        pages = _drawn(golden, dpi, seed=n)
        if n == 0:  # a multi-page TIFF
            path = tmp_path / f"{name}.tiff"
            pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(dpi, dpi))
            reading = govreport.read(path)
        else:  # an image-only PDF
            reading = read_bytes(pages_to_pdf(pages, dpi), name=f"{name}.pdf")
        cells, ok, wrong, unflagged = _score(golden, reading)
        total += cells
        exact += ok
        silent += [f"{name}{p}" for p in unflagged]
    assert exact >= 0.99 * total, f"{exact}/{total} cells exact"
    assert silent == []


@pytest.mark.slow
def test_a_scanned_report_with_a_real_error_keeps_its_error(tmp_path: Path) -> None:
    _require_ocr()
    instance = copy.deepcopy(_golden("hongze-2024"))
    received = instance["requests"]["received"]
    received["total"] = received["total"] + 2  # the report's own mistake, printed clearly
    pages = _drawn(instance, 150, seed=7)
    path = tmp_path / "scan.png"
    pages[0].save(path, dpi=(150, 150))  # table 3's first rows are on page 1
    if len(pages) > 1:
        path = tmp_path / "scan.tiff"
        pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(150, 150))
    reading = govreport.read(path)
    assert reading.instance["requests"]["received"]["total"] == received["total"]
    findings = check_reading(reading).findings
    assert any(f.severity.value == "error" and "/requests/received/total" in [o.pointer for o in f.operands]
               for f in findings)
    assert not [f for f in findings if f.rule == "READ-OCR" and f.pointer == "/requests/received/total"]


def test_a_blank_scan_says_ocr_found_no_text() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (600, 800), 255).save(buffer, "PNG")
    with pytest.raises(ReadError) as caught:
        read_document(buffer.getvalue(), name="blank.png")
    assert caught.value.code == "ocr-no-text" and caught.value.file == "blank.png"
