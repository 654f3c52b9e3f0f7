"""Reading documents into instances: the seed, hand-made documents, and the edge cases.

The corpus (real published reports) has its own module, test_corpus.py; round trips
through the renderer are in test_roundtrip.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import govreport
from govreport import Location, ReadError, Severity, api
from govreport.api import read_bytes
from govreport.extract.cells import parse_token, splits, sum_splits
from govreport.writers.render import render
from tests.conftest import EXAMPLES, load_json
from tests.helpers import read_findings, table_part

SEED_TEXT = EXAMPLES / "chaotian-2021.txt"


def read_text(text: str, name: str = "report.txt", encoding: str = "utf-8") -> govreport.Reading:
    return read_bytes(text.encode(encoding), name=name)


def rules(reading: govreport.Reading, rule: str) -> list[govreport.Finding]:
    return [f for f in read_findings(reading) if f.rule == rule]


# -- the seed ---------------------------------------------------------------------------


def test_seed_text_parses_to_exactly_the_example() -> None:
    reading = govreport.read(SEED_TEXT)
    assert reading.instance == load_json(EXAMPLES / "chaotian-2021.json")
    assert reading.media_type == "text/plain"


def test_seed_check_gives_the_hybrid_warning_with_its_source_line() -> None:
    result = govreport.check(SEED_TEXT)
    assert result.valid
    shape = [f for f in result.findings if f.rule == "FMT-SHAPE"]
    assert len(shape) == 1
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    assert shape[0].location is not None
    assert lines[shape[0].location.line - 1].startswith("(六)其他处理")


def test_seed_reports_its_label_variant() -> None:
    reading = govreport.read(SEED_TEXT)
    variants = {(f.expected, f.actual) for f in rules(reading, "LABEL-VARIANT")}
    assert ("本年制发件数", "本年制发数") in variants
    assert ("行政规范性文件", "规范性文件") in variants


def test_findings_on_a_changed_seed_point_at_the_source_line(tmp_path: Path) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("四、结转下年度继续办理 |")
    lines[start + 1] = "1 |"  # natural person: 0 → 1
    path = tmp_path / "changed.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = govreport.check(path)
    [balance] = [f for f in result.findings if f.rule == "T3-BALANCE"]
    assert balance.pointer == "/requests/carried_forward/natural_person"
    assert balance.location == Location(line=start + 2, column=1)
    assert balance.operands[1].location is not None  # received / natural person, also located


# -- structure found by labels, not position ------------------------------------------------


def _seed_instance() -> dict[str, Any]:
    return load_json(EXAMPLES / "chaotian-2021.json")


@pytest.mark.parametrize("layout", ["cells", "rows", "blank"])
def test_sections_and_year_are_found(layout: str) -> None:
    instance = _seed_instance()
    text = render(instance, to="text", layout=layout)
    reading = read_text(text)
    assert reading.instance["report"]["year"] == 2021
    assert set(reading.instance["sections"]) == set(instance["sections"])


def test_renamed_and_renumbered_headings_are_tolerated() -> None:
    instance = _seed_instance()
    text = render(instance, to="text", layout="rows")
    text = text.replace("一、总体情况", "—、工作概述").replace("五、存在的主要问题及改进情况", "五、存在的主要问题和整改措施")
    reading = read_text(text)
    assert {"overview", "problems"} <= set(reading.instance["sections"])
    assert not [f for f in api.check_reading(reading).findings if f.rule == "DOC-SECTIONS"]


def test_missing_section_is_a_finding() -> None:
    instance = _seed_instance()
    del instance["sections"]["problems"]
    reading = read_text(render(instance, to="text", layout="rows"))
    found = [f for f in api.check_reading(reading).findings if f.rule == "DOC-SECTIONS"]
    assert [(f.pointer, f.stage) for f in found] == [("/sections/problems", "document")]


def test_partial_document_gives_a_partial_instance_and_findings() -> None:
    instance = _seed_instance()
    del instance["reviews"]
    reading = read_text(render(instance, to="text", layout="cells"))
    assert "reviews" not in reading.instance
    assert table_part(reading.instance)["requests"] == instance["requests"]
    assert [f.pointer for f in rules(reading, "READ-MISSING")] == ["/reviews"]
    result = govreport.Validator().run(reading.instance, observations=reading.observations)
    assert ("SCHEMA-REQUIRED", "/reviews") in [(f.rule, f.pointer) for f in result.findings]


def test_a_document_that_is_not_a_report_is_refused() -> None:
    with pytest.raises(ReadError) as exc:
        read_text("关于做好2024年防汛工作的通知\n各单位：请做好防汛准备。\n特此通知。")
    assert exc.value.code == "not-a-report"


def test_blank_markers_are_null_and_keep_their_raw_text() -> None:
    instance = _seed_instance()
    text = render(instance, to="text", layout="rows")
    text = text.replace("二、上年结转政府信息公开申请数量 | 0 | 0 | 0", "二、上年结转政府信息公开申请数量 | 0 | / | —")
    reading = read_text(text)
    row = reading.instance["requests"]["carried_over"]
    assert (row["natural_person"], row["commercial"], row["research"]) == (0, None, None)
    assert reading.source_map["/requests/carried_over/commercial"].raw == "/"
    result = govreport.Validator().run(reading.instance, source_map=reading.source_map)
    blank = [f for f in result.findings if f.rule == "CELL-BLANK" and f.pointer.endswith("/commercial")]
    assert blank and blank[0].actual == "/"


def test_invented_subtotal_row_is_dropped_and_reported() -> None:
    instance = _seed_instance()
    html = render(instance, to="html")
    subtotal = "<tr><td>（三）不予公开小计</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>"
    marker = "<td>1.属于国家秘密</td>"
    position = html.index(marker)
    row_start = html.rfind("<tr>", 0, position)
    html = html[:row_start] + subtotal + html[row_start:]
    reading = read_bytes(html.encode("utf-8"), name="report.html")
    assert table_part(reading.instance)["requests"] == instance["requests"]
    assert rules(reading, "FMT-SHAPE")


# -- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "value", "unit"), [
    ("12", 12, None), ("+461", 461, None), ("-3", -3, None), ("1424.4万元", Decimal("1424.4"), "万元"),
    ("251000元", 251000, "元"), ("0", 0, None),
])
def test_parse_token(token: str, value: Any, unit: str | None) -> None:
    parsed = parse_token(token)
    assert parsed is not None and parsed.value == value and parsed.unit == unit


def test_full_width_digits_and_thousands_separators() -> None:
    instance = _seed_instance()
    instance["active_disclosure"]["licensing"]["decisions"] = 12345
    text = render(instance, to="text", layout="rows").replace("12345", "１２,３４５")
    reading = read_text(text)
    assert reading.instance["active_disclosure"]["licensing"]["decisions"] == 12345


def test_unit_in_a_cell_is_checked_against_the_column() -> None:
    instance = _seed_instance()
    text = render(instance, to="text", layout="rows")
    fees_line = next(line for line in text.splitlines() if line.startswith("行政事业性收费"))
    reading = read_text(text.replace(fees_line, "行政事业性收费 | 251000元"))
    assert reading.instance["active_disclosure"]["fees"]["amount"] == Decimal("25.1")
    [unit] = rules(reading, "CELL-UNIT")
    assert unit.pointer == "/active_disclosure/fees/amount" and unit.actual == "251000元"
    reading = read_text(text.replace(fees_line, "行政事业性收费 | 1424.4万元"))
    assert reading.instance["active_disclosure"]["fees"]["amount"] == Decimal("1424.4")
    assert not rules(reading, "CELL-UNIT")


def test_procurement_unit_of_a_2019_table_is_kept() -> None:
    golden = load_json(Path(__file__).parent / "corpus" / "golden" / "shanghai-office-2019.json")
    golden["report"] = {"year": 2019, "agency": "上海市人民政府办公厅"}
    reading = read_text(render(golden, to="text", layout="rows"))
    assert reading.instance["edition"] == "2019"
    assert reading.instance["active_disclosure"]["procurement"] == {"items": 6, "amount": 251000, "unit": "元"}


# -- run-together digits ------------------------------------------------------------------------


def test_run_together_row_is_split_by_its_total() -> None:
    [split] = sum_splits(["640020470"], [7])
    assert [p.value for p in split] == [64, 0, 0, 2, 0, 4, 70]


def test_run_together_table_4_is_split_by_its_group_totals() -> None:
    [split] = sum_splits(["10203120001200000"], [5, 5, 5])
    assert [p.value for p in split] == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]


def test_separators_that_are_present_are_respected() -> None:
    # "200 000121": the space is a real boundary even though others are missing.
    [split] = sum_splits(["200", "000121"], [7])
    assert [p.value for p in split] == [20, 0, 0, 0, 0, 1, 21]
    # An atomic token (a cell of its own in a grid) is never cut.
    assert splits(["12", "3"], 3, atomic=[True, True]) == []


def test_leading_zeros_never_start_a_cell() -> None:
    assert [[p.value for p in c] for c in splits(["007"], 3)] == [[0, 0, 7]]


def test_ambiguous_row_is_left_blank_with_all_candidates_listed() -> None:
    reading = govreport.read(Path(__file__).parent / "corpus" / "files" / "pingtan-2021.txt")
    [finding] = [f for f in rules(reading, "READ-AMBIGUOUS") if f.pointer == "/active_disclosure/normative_documents"]
    assert "693665" in finding.message and "(69, 3, 665)" in finding.message
    row = reading.instance["active_disclosure"]["normative_documents"]
    assert row == {"issued": None, "repealed": None, "in_force": None}
    assert reading.source_map["/active_disclosure/normative_documents/issued"].undetermined
    result = govreport.Validator().run(reading.instance, source_map=reading.source_map)
    blank = [f for f in result.findings if f.pointer == "/active_disclosure/normative_documents/issued"]
    assert blank and "无法从原文" in blank[0].message


def test_cells_all_candidates_agree_on_are_kept() -> None:
    reading = govreport.read(Path(__file__).parent / "corpus" / "files" / "pingtan-2020.txt")
    penalties = reading.instance["active_disclosure"]["penalties"]
    assert penalties == {"previous_items": 2648, "change": None, "decisions": None}


def test_column_relations_decide_between_row_splits() -> None:
    # 270020130 has two splits that add up (27,0,0,2,0,1,30 and 2,7,0,0,2,0,11 does not add up…);
    # the report's columns decide; pingtan-2021 is the real case.
    reading = govreport.read(Path(__file__).parent / "corpus" / "files" / "pingtan-2021.txt")
    granted = reading.instance["requests"]["outcomes"]["granted"]
    assert list(granted.values()) == [27, 0, 0, 2, 0, 1, 30]


# -- noise -----------------------------------------------------------------------------------


def test_gbk_encoded_report_reads_like_utf8() -> None:
    text = render(_seed_instance(), to="text", layout="rows")
    a = read_text(text)
    b = read_text(text, encoding="gbk")
    assert table_part(a.instance) == table_part(b.instance)


def test_reader_findings_are_in_english_on_request() -> None:
    reading = govreport.read(Path(__file__).parent / "corpus" / "files" / "pingtan-2021.txt")
    [finding] = [f for f in api.check_reading(reading, lang="en").findings if f.rule == "READ-AMBIGUOUS"]
    assert finding.message.startswith("The digits “693665”")
    assert finding.severity is Severity.WARNING


def test_parse_command_writes_instance_and_source_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govreport.cli import main

    out, sources = tmp_path / "seed.json", tmp_path / "map.json"
    assert main(["parse", str(SEED_TEXT), "-o", str(out), "--source-map", str(sources)]) == 0
    assert load_json(out) == load_json(EXAMPLES / "chaotian-2021.json")
    mapping = json.loads(sources.read_text(encoding="utf-8"))
    assert mapping["/requests/received/total"]["raw"] == "9"
    assert mapping["/requests/received/total"]["location"]["line"] > 0
    assert main(["parse", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_table_4_printed_as_two_tables_reads() -> None:
    instance = _seed_instance()
    instance["reviews"] = {
        "reconsideration": {"upheld": 1, "corrected": 2, "other": 0, "pending": 1, "total": 4},
        "litigation_direct": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 1, "other": 1, "pending": 0, "total": 2},
    }
    text = render(instance, to="text", layout="rows")
    start, end = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    two_tables = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
        "1 | 2 | 0 | 1 | 4\n行政诉讼\n未经复议直接起诉 | 复议后起诉\n"
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
        "3 | 0 | 0 | 0 | 3 | 0 | 1 | 1 | 0 | 2\n"
    )
    reading = read_text(text[:start] + two_tables + text[end:])
    assert reading.instance["reviews"] == instance["reviews"]


def test_an_invented_subtotal_column_in_a_grid_is_dropped_and_reported() -> None:
    instance = _seed_instance()
    html = render(instance, to="html")
    start = html.rfind("<table", 0, html.index("（本列数据的勾稽关系"))
    end = html.index("</table>", start)
    rows = html[start:end].split("<tr>")
    for k in range(1, len(rows)):
        if k == 1:
            rows[k] = rows[k].replace('colspan="7">申请人情况', 'colspan="8">申请人情况')
        elif k == 2:
            rows[k] = rows[k].replace('<td rowspan="2">总计</td>', '<td rowspan="2">法人或其他组织小计</td><td rowspan="2">总计</td>')
        elif k >= 4:
            cells = rows[k].split("</td>")
            cells.insert(len(cells) - 2, "<td>0")  # a subtotal cell before 总计
            rows[k] = "</td>".join(cells)
    reading = read_bytes((html[:start] + "<tr>".join(rows) + html[end:]).encode("utf-8"), name="report.html")
    assert table_part(reading.instance)["requests"] == instance["requests"]
    assert any(f.rule == "FMT-SHAPE" and "小计" in f.message for f in read_findings(reading))
