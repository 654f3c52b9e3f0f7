"""Text where a number belongs, planted in real reports' cells.

A counter word after the number (``12件``) is read as the number with an info finding
quoting the cell (READ-SUFFIX); anything else that is not a number (a letter ``O``
typed for ``0``) is never guessed: the cell is null with a CELL-TYPE error at that
cell quoting the raw text and its location. Either way the rest of the row is read.
The expected values are the reports' own (the seed's hand-read JSON, the corpus
goldens), not the reader's output.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import govreport
from govreport import Severity
from tests.conftest import CORPUS, EXAMPLES

SEED = (EXAMPLES / "chaotian-2021.txt").read_text(encoding="utf-8").splitlines()
SEED_JSON = json.loads((EXAMPLES / "chaotian-2021.json").read_text(encoding="utf-8"), parse_float=Decimal)
RECEIVED = "一、本年新收政府信息公开申请数量 |"
CARRIED = "二、上年结转政府信息公开申请数量 |"
COLUMNS = ["natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]


def _plant(lines: list[str], label: str, column: int, text: str) -> tuple[bytes, int]:
    """The seed with the ``column``-th cell after ``label`` replaced; and that cell's line (1-based)."""
    out = list(lines)
    at = out.index(label) + 1 + column
    assert out[at].rstrip(" |").isdigit()
    out[at] = f"{text} |"
    return "\n".join(out).encode("utf-8"), at + 1


def _check(data: bytes, name: str) -> tuple[dict[str, Any], list[govreport.Finding]]:
    reading = govreport.read_bytes(data, name=name)
    return reading.instance, list(govreport.check_reading(reading).findings)


@pytest.mark.parametrize("suffix", ["件", "个", "条", "项", "次"])
def test_a_counter_word_after_the_number_is_read_with_an_info_finding(suffix: str) -> None:
    expected = SEED_JSON["requests"]["received"]
    data, line = _plant(SEED, RECEIVED, 0, f"{expected['natural_person']}{suffix}")
    instance, findings = _check(data, "chaotian.txt")
    assert instance["requests"]["received"] == expected  # the whole row, the planted cell too
    ptr = "/requests/received/natural_person"
    [seen] = [f for f in findings if f.rule == "READ-SUFFIX"]
    assert (seen.pointer, seen.severity, seen.location.line) == (ptr, Severity.INFO, line)
    assert f"“{expected['natural_person']}{suffix}”" in seen.message
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_zero_with_a_counter_word_is_zero() -> None:
    data, line = _plant(SEED, CARRIED, 2, "0件")
    instance, findings = _check(data, "chaotian.txt")
    assert instance["requests"]["carried_over"] == SEED_JSON["requests"]["carried_over"]
    assert [(f.pointer, f.location.line) for f in findings if f.rule == "READ-SUFFIX"] == [
        ("/requests/carried_over/research", line)]


@pytest.mark.parametrize("typed", ["O", "o", "l", "1O"])
def test_a_letter_typed_for_a_digit_is_a_cell_type_error_never_a_guess(typed: str) -> None:
    data, line = _plant(SEED, RECEIVED, 1, typed)
    instance, findings = _check(data, "chaotian.txt")
    row = instance["requests"]["received"]
    expected = dict(SEED_JSON["requests"]["received"], commercial=None)
    assert row == expected  # the row is read; the one cell is null
    ptr = "/requests/received/commercial"
    [error] = [f for f in findings if f.rule == "CELL-TYPE"]
    assert (error.pointer, error.severity, error.location.line) == (ptr, Severity.ERROR, line)
    assert f"“{typed}”" in error.message
    assert not [f for f in findings if f.rule == "READ-MISSING"]


def _golden(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / "golden" / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def test_in_an_html_table_too() -> None:
    page = (CORPUS / "files" / "shanghai-office-2019.html").read_text(encoding="utf-8")
    golden = _golden("shanghai-office-2019")["requests"]["received"]
    start = page.index("本年新收政府信息公开申请数量")
    first = f">{golden['natural_person']}</p>"
    second = f">{golden['commercial']}</p>"
    at1 = page.index(first, start)
    at2 = page.index(second, at1 + len(first))
    planted = (page[:at1] + f">{golden['natural_person']}件</p>" + page[at1 + len(first):at2]
               + ">3O</p>" + page[at2 + len(second):])
    instance, findings = _check(planted.encode("utf-8"), "shanghai.html")
    assert instance["requests"]["received"] == dict(golden, commercial=None)
    assert [f.pointer for f in findings if f.rule == "READ-SUFFIX"] == ["/requests/received/natural_person"]
    [error] = [f for f in findings if f.rule == "CELL-TYPE"]
    assert error.pointer == "/requests/received/commercial" and "“3O”" in error.message
    assert error.location is not None


# -- labels in prose -----------------------------------------------------------------

PROSE = [
    "（11）通过政府网站主动公开行政许可、行政处罚等信息（12）（13）",
    "本年度主动公开行政许可、行政处罚、行政强制等信息（12）（13）（14）。",
    "本年主动公开规章0件、规范性文件5件，行政许可信息12条，行政处罚信息13条。",
]


def _table2_differences(instance: dict[str, Any], golden: dict[str, Any]) -> dict[str, Any]:
    got = instance.get("active_disclosure", {})
    return {k: (got.get(k), v) for k, v in golden["active_disclosure"].items() if got.get(k) != v}


@pytest.mark.parametrize("sentence", PROSE)
@pytest.mark.parametrize("where", ["after the heading", "after the table"])
def test_a_label_in_a_narrative_sentence_is_not_a_table_row_in_text(sentence: str, where: str) -> None:
    lines = list(SEED)
    heading = "after the heading" == where
    at = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开" if heading else "三、收到和处理"))
    lines.insert(at + 1 if heading else at, sentence)
    instance, _ = _check("\n".join(lines).encode("utf-8"), "chaotian.txt")
    assert _table2_differences(instance, SEED_JSON) == {}


@pytest.mark.parametrize("sentence", PROSE)
@pytest.mark.parametrize("where", ["<table", "</table>"])
@pytest.mark.parametrize("name", ["shanghai-office-2019", "shuyang-drc-2023"])
def test_a_label_in_a_narrative_paragraph_is_not_a_table_row_in_html(sentence: str, where: str, name: str) -> None:
    page = (CORPUS / "files" / f"{name}.html").read_text(encoding="utf-8")
    at = page.index(where) + (len(where) if where.startswith("</") else 0)
    planted = page[:at] + f"<p>{sentence}</p>" + page[at:]
    instance, _ = _check(planted.encode("utf-8"), f"{name}.html")
    assert _table2_differences(instance, _golden(name)) == {}


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_inside_a_table_never_gives_a_silent_number(sentence: str) -> None:
    # A sentence between the rows of table 2 (a page whose text order is broken): the
    # rows it disturbs may be left null, but each then has a reading finding.
    lines = list(SEED)
    at = lines.index("第二十条第(六)项 |")
    lines.insert(at, sentence)
    instance, findings = _check("\n".join(lines).encode("utf-8"), "chaotian.txt")
    for key, (got, _) in _table2_differences(instance, SEED_JSON).items():
        ptr = f"/active_disclosure/{key}"
        assert got is None or all(v is None for v in got.values()), (key, got)
        assert any(f.pointer.startswith(ptr) and f.stage == "read" for f in findings), key
