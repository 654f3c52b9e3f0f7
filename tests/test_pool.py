"""Checking files in a process pool: results and errors cross the process boundary whole.

A batch run hands files to worker processes; a file that cannot be read must come
back to the caller as that file's :class:`ReadError` (same code, file, place and
message in both languages), not break the pool for every other file. Every public
result and error class therefore survives a pickle round trip.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import govreport
from govreport import (
    Finding,
    Location,
    Observation,
    Operand,
    Provenance,
    ReadError,
    Reading,
    Result,
    Severity,
)
from govreport.contract.schemas import UnknownEdition
from govreport.sources.errors import MESSAGES, MissingExtra

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "tests" / "corpus" / "files"

GOOD = [
    ROOT / "examples" / "chaotian-2021.txt",
    ROOT / "examples" / "chaotian-2021.json",
    FILES / "pingtan-2021.txt",
    FILES / "shanghai-office-2019.html",
    FILES / "template-2021-blank.docx",
]


def _roundtrip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _same_error(a: ReadError, b: ReadError) -> None:
    assert type(a) is type(b)
    assert (a.file, a.code, a.where, a.location, a.args_) == (b.file, b.code, b.where, b.location, b.args_)
    assert str(a) == str(b)
    assert a.one_line("en") == b.one_line("en")


def _bad_files(tmp_path: Path) -> list[Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((FILES / "hongze-2023.pdf").read_bytes()[:2000])
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"edition": "2021",\n  oops}', encoding="utf-8")
    return [tmp_path / "missing.txt", empty, junk, truncated, broken_json]


def test_a_real_pool_gives_the_in_process_results_and_errors(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    paths = [*GOOD, *bad]
    expected: dict[Path, Result | ReadError] = {}
    for path in paths:
        try:
            expected[path] = govreport.check(path)
        except ReadError as error:
            expected[path] = error
    assert all(isinstance(expected[p], Result) for p in GOOD)
    assert all(isinstance(expected[p], ReadError) for p in bad)
    assert [expected[p].code for p in bad] == ["not-found", "empty", "binary", "corrupt", "not-json"]  # type: ignore[union-attr]

    context = multiprocessing.get_context("spawn")  # no state inherited from the test process
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {path: pool.submit(govreport.check, path) for path in paths}
        for path, future in futures.items():
            want = expected[path]
            if isinstance(want, Result):
                assert future.result(timeout=120) == want, path
            else:
                with pytest.raises(ReadError) as caught:
                    future.result(timeout=120)
                _same_error(caught.value, want)
        # One unreadable file did not break the pool: it still takes work.
        assert pool.submit(govreport.check, GOOD[0]).result(timeout=120) == expected[GOOD[0]]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_read_error_survives_pickling(code: str) -> None:
    error = ReadError("某地/报告.pdf", code, detail=("细节", "detail"), media="PDF", extra="pdf",
                      size=10, limit=5, format=("PNG图片", "PNG image"), seconds="3", suffixes=".txt .pdf",
                      table=2, page=3, variable="GOVREPORT_MAX_GRID_CELLS")
    _same_error(_roundtrip(error), error)


def test_read_error_with_a_location_survives_pickling() -> None:
    error = ReadError("a.json", "not-json", location=Location(line=3, column=14), detail="Expecting value")
    back = _roundtrip(error)
    _same_error(back, error)
    assert back.where == "3:14"
    assert back.one_line("en") == "a.json (line 3, column 14): not valid JSON: Expecting value"
    assert str(back) == "a.json (第3行 第14列): 不是合法的JSON：Expecting value"


def test_missing_extra_survives_pickling() -> None:
    error = MissingExtra("a.docx", "DOCX", "docx")
    back = _roundtrip(error)
    _same_error(back, error)
    assert isinstance(back, MissingExtra) and back.extra == "docx"


def test_a_pickled_error_keeps_the_error_it_was_raised_from_out() -> None:
    # The cause is a local detail of the process that raised it; the error itself
    # says everything the caller needs.
    try:
        try:
            raise OSError("disk")
        except OSError as inner:
            raise ReadError("x.txt", "unreadable", detail="disk") from inner
    except ReadError as error:
        _same_error(_roundtrip(error), error)


def test_unknown_edition_survives_pickling() -> None:
    error = UnknownEdition("1999")
    back = _roundtrip(error)
    assert back.edition == "1999" and str(back) == str(error)


def test_results_and_their_parts_survive_pickling() -> None:
    location = Location(page=2, table=1, row=3, cell=4, x=12.5, y=80.0)
    provenance = Provenance(location=location, raw="251000元")
    operand = Operand(pointer="/requests/new", label="本年新收", value=Decimal("3.5"), role="total", weight=1)
    finding = Finding(rule="R1", severity=Severity.ERROR, pointer="/requests/new", label="本年新收",
                      message="不相等", expected=Decimal("3.5"), actual=4, operands=(operand,),
                      location=location, stage="relations", args={"total": Decimal("3.5")},
                      template="{total}", lang="en")
    for value in (location, provenance, operand, finding, Severity.WARNING):
        assert _roundtrip(value) == value
    back = _roundtrip(finding)
    assert (back.args, back.template, back.lang) == (finding.args, finding.template, finding.lang)

    reading = govreport.read(GOOD[0])
    assert isinstance(reading, Reading)
    assert _roundtrip(reading) == reading
    assert reading.observations and all(isinstance(o, Observation) for o in reading.observations)
    assert _roundtrip(reading.observations) == reading.observations

    result = govreport.check(FILES / "shanghai-office-2019.html")
    assert isinstance(result, Result) and result.findings
    assert _roundtrip(result) == result
