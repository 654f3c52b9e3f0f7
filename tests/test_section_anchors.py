"""Section texts keep the way back to the document: a sentence found in them is located."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import govreport
from tests.conftest import EXAMPLES
from tests.corpus import accuracy

SEED = EXAMPLES / "chaotian-2021.txt"


def where_in_file(path: Path, needle: str) -> tuple[int, int]:
    """(line, column) of ``needle`` in a text file, 1-based, found without govreport."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle} not in {path}")


def test_the_text_before_section_one_is_the_preamble() -> None:
    reading = govreport.read(SEED)
    preamble = reading.instance["sections"]["preamble"]
    assert "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止" in preamble
    assert "一、总体情况" not in preamble and "2021年,我办坚持" not in preamble


@pytest.mark.parametrize("needle", ["统计期限自2021年1月1日", "9件,其", "依申请公开情况"])
def test_a_sentence_in_a_section_is_located_in_the_seed(needle: str) -> None:
    reading = govreport.read(SEED)
    for name, text in reading.instance["sections"].items():
        if needle in text:
            where = reading.source_map[f"/sections/{name}"].locate(text.index(needle))
            assert (where.line, where.column) == where_in_file(SEED, needle)
            return
    pytest.skip(f"{needle} is a heading, not section text")  # pragma: no cover


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["pingtan-2021.txt", "shanghai-office-2025.md", "shanghai-stc-2024.md"])
def test_every_figure_in_a_text_report_is_located_where_the_file_has_it(name: str) -> None:
    path = accuracy.FILES / name
    reading = govreport.read(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    checked = 0
    for section, text in reading.instance["sections"].items():
        provenance = reading.source_map[f"/sections/{section}"]
        for m in re.finditer(r"\d+ ?件", text):
            where = provenance.locate(m.start())
            assert where.line is not None and where.column is not None
            assert lines[where.line - 1][where.column - 1:].startswith(m.group()), (section, m.group())
            checked += 1
    assert checked > 0
