"""``govreport render``: the official table layout in every target, cell by cell.

The expected grid positions are computed here from the schema (``tables.rows``) and the
official template's geometry (3 header rows and 3 label columns in table 3, 15 columns
in table 4, width 4 in table 2), not from the renderer's own model, so a wrong span or
a shifted cell fails.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport import strategies
from govreport.cli import main
from govreport.contract import editions, tables
from govreport.contract.model import Report
from govreport.sources import read_document
from govreport.sources.document import Table
from govreport.writers.render import BALANCE_NOTE, LAYOUTS, render
from tests.conftest import EXAMPLES

SEED_JSON = EXAMPLES / "chaotian-2021.json"
SEED_TXT = EXAMPLES / "chaotian-2021.txt"
HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
ALL_TARGETS = [("html", None), ("markdown", None)] + [("text", layout) for layout in LAYOUTS]
APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


# -- helpers --------------------------------------------------------------------------


def text_of(value: Any, unit: str | None = None) -> str:
    """How a cell value must be written: exact digits, never a float, never an exponent."""
    if value is None:
        return ""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text + (unit or "")


def html_tables(instance: dict[str, Any], **kwargs: Any) -> list[Table]:
    doc = read_document(render(instance, to="html", **kwargs).encode("utf-8"), media_type="text/html")
    return doc.tables()


class _Spans(HTMLParser):
    """Every ``<td>`` of every table with its text and spans, straight from the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag == "td":
            self._cell = ["", int(a.get("colspan") or 1), int(a.get("rowspan") or 1)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.tables[-1][-1].append(tuple(self._cell))  # type: ignore[arg-type]
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[0] += data


def spans(instance: dict[str, Any]) -> list[list[list[tuple[str, int, int]]]]:
    parser = _Spans()
    parser.feed(render(instance, to="html"))
    return parser.tables


def get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def shape(instance: dict[str, Any]) -> tables.Shape:
    return editions.shape_of(instance) or "split"


def expected_table3(instance: dict[str, Any]) -> dict[tuple[int, int], str]:
    """(grid row, grid column) → text for every data cell of table 3, plus each row's label."""
    out: dict[tuple[int, int], str] = {}
    for i, row in enumerate(tables.rows(instance["edition"], shape(instance), "requests")):
        values = get(instance, row.path)
        out[(3 + i, 2)] = row.title  # the last label column always shows the row's own label
        for j, column in enumerate(APPLICANT_COLUMNS):
            out[(3 + i, 3 + j)] = text_of(values[column])
    return out


def expected_table4(instance: dict[str, Any]) -> dict[tuple[int, int], str]:
    return {(3, 5 * g + c): text_of(instance["reviews"][group][column])
            for g, group in enumerate(REVIEW_GROUPS) for c, column in enumerate(REVIEW_COLUMNS)}


def expected_table2(instance: dict[str, Any]) -> dict[tuple[int, int], str]:
    """Each block is a block row, a 信息内容 row, then its rows; values from column 1 on."""
    edition = instance["edition"]
    out: dict[tuple[int, int], str] = {}
    r, block = 0, None
    for row in tables.rows(edition, "split", "active_disclosure"):
        if row.block != block:
            block = row.block
            out[(r, 0)] = row.block or ""
            out[(r + 1, 0)] = "信息内容"
            r += 2
        values = get(instance, row.path)
        out[(r, 0)] = row.title
        cells = [c for c in tables.nodes(edition) if c.kind == "cell" and c.path[:-1] == row.path]
        for k, cell in enumerate(cells):
            out[(r, 1 + k)] = text_of(values[cell.path[-1]], values.get("unit") if cell.cell_type == "amount" else None)
        r += 1
    return out


def assert_grid(table: Table, expected: dict[tuple[int, int], str]) -> None:
    for (r, c), text in expected.items():
        assert table.rows[r][c].text == text, (r, c, table.rows[r][c].text, text)


def cell_values(instance: dict[str, Any]) -> list[str]:
    """The text of every non-null cell of the instance."""
    out = []
    for table in ("active_disclosure", "requests", "reviews"):
        for spec in tables.cells(instance["edition"], shape(instance)):
            if spec.path[0] != table:
                continue
            try:
                row = get(instance, spec.path[:-1])
            except (KeyError, TypeError):
                continue
            value = row.get(spec.column)
            if value is not None:
                out.append(text_of(value, row.get("unit") if spec.cell_type == "amount" else None))
    return out


SECTION_TITLES = {n.title for n in tables.nodes("2021") if n.path[:1] == ("sections",) and len(n.path) == 2}


def table_lines(text: str, heading: str) -> list[str]:
    """The lines after ``heading`` up to the next section heading (or the end)."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    stop = next((i for i in range(start, len(lines)) if lines[i] in SECTION_TITLES), len(lines))
    return lines[start:stop]


def nfkc(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture()
def seed(seed_instance: dict[str, Any]) -> dict[str, Any]:
    # The seed text does not name its agency; the title line is built from it.
    seed_instance["report"]["agency"] = "广元市朝天区人民政府办公室"
    return seed_instance


@pytest.fixture()
def split_2021(seed_instance: dict[str, Any]) -> dict[str, Any]:
    """The seed with its （六） split into the three rows of the 2021 format."""
    other = seed_instance["requests"]["outcomes"]["other_handling"]
    seed_instance["requests"]["outcomes"]["other_handling"] = {
        "overdue_correction": dict(other, natural_person=1, total=1),
        "overdue_fee": dict(other, commercial=2, total=2),
        "other": dict(other, other_org=None),
    }
    return seed_instance


def report_2019() -> dict[str, Any]:
    row = dict.fromkeys(APPLICANT_COLUMNS, 0)

    def rows(*keys: str) -> dict[str, Any]:
        return {k: dict(row) for k in keys}

    return {
        "edition": "2019",
        "report": {"agency": "上海市人民政府办公厅", "year": 2019},
        "active_disclosure": {
            "regulations": {"made": 13, "published": 13, "published_total": 524},
            "normative_documents": {"made": 60, "published": 60, "published_total": 368},
            "licensing": {"previous_items": 12, "change": -3, "decisions": 7},
            "other_services": {"previous_items": 4, "change": 5, "decisions": 0},
            "penalties": {"previous_items": 0, "change": 0, "decisions": 0},
            "coercion": {"previous_items": 0, "change": None, "decisions": 0},
            "fees": {"previous_items": 2, "change": 0},
            "procurement": {"items": 6, "amount": Decimal("251000"), "unit": "元"},
        },
        "requests": {
            **rows("received", "carried_over", "carried_forward"),
            "outcomes": {
                **rows("granted", "partially_granted", "other_handling", "total"),
                "withheld": rows("state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
                                 "internal_affairs", "process_information", "enforcement_files", "administrative_query"),
                "unavailable": rows("not_held", "needs_creation", "still_unclear"),
                "not_processed": rows("petition_or_complaint", "repeated", "publication", "excessive", "reconfirmation"),
            },
        },
        "reviews": {g: dict.fromkeys(REVIEW_COLUMNS, 0) for g in REVIEW_GROUPS},
    }


# -- HTML: the official merged-cell structure -----------------------------------------


def test_html_is_a_minimal_utf8_document_with_the_title(seed: dict[str, Any]) -> None:
    out = render(seed, to="html")
    assert out.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in out
    assert "<title>广元市朝天区人民政府办公室2021年政府信息公开工作年度报告</title>" in out
    assert out.count("<table") == 3 and out.rstrip().endswith("</html>")
    # The headings come before their tables, in order.
    positions = [out.index(f"<h2>{h}</h2>") for h in HEADINGS]
    tables_at = [m.start() for m in re.finditer("<table", out)]
    assert positions[0] < tables_at[0] < positions[1] < tables_at[1] < positions[2] < tables_at[2]


def test_html_table3_spans_are_the_official_ones(seed: dict[str, Any]) -> None:
    table3 = html_tables(seed)[1]
    assert len(table3.rows) == 3 + 23 and all(len(r) == 10 for r in table3.rows)
    # 三、本年度办理结果 covers exactly the 20 outcome rows (（六） is one row here) in column 0.
    covered = [(r, c) for r, row in enumerate(table3.rows) for c, cell in enumerate(row) if cell.text == "三、本年度办理结果"]
    assert covered == [(r, 0) for r in range(5, 25)]
    assert not table3.rows[5][0].spanned and all(table3.rows[r][0].spanned for r in range(6, 25))
    # 法人或其他组织 spans the five organisation columns of header row 2, and nothing else.
    org = [(r, c) for r, row in enumerate(table3.rows) for c, cell in enumerate(row) if cell.text == "法人或其他组织"]
    assert org == [(1, c) for c in range(4, 9)]
    assert [table3.rows[2][c].text for c in range(4, 9)] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    # 自然人 and 总计 rowspan 2; the balance note spans 3 columns × 3 rows; 申请人情况 7 columns.
    assert [table3.rows[r][3].text for r in (1, 2)] == ["自然人", "自然人"] and table3.rows[2][3].spanned
    assert [table3.rows[r][9].text for r in (1, 2)] == ["总计", "总计"] and table3.rows[2][9].spanned
    note = [(r, c) for r, row in enumerate(table3.rows) for c, cell in enumerate(row) if cell.text == BALANCE_NOTE]
    assert note == [(r, c) for r in range(3) for c in range(3)]
    assert [c.text for c in table3.rows[0][3:]] == ["申请人情况"] * 7
    # （三）不予公开 covers its 8 rows in column 1; 一、 and 四、 span the 3 label columns.
    withheld = [r for r, row in enumerate(table3.rows) if row[1].text == "（三）不予公开"]
    assert withheld == list(range(7, 15))
    assert [c.text for c in table3.rows[3][:3]] == ["一、本年新收政府信息公开申请数量"] * 3
    assert [c.text for c in table3.rows[-1][:3]] == ["四、结转下年度继续办理"] * 3


def test_html_markup_has_the_template_spans(seed: dict[str, Any]) -> None:
    table2, table3, table4 = spans(seed)
    assert table3[0] == [(BALANCE_NOTE, 3, 3), ("申请人情况", 7, 1)]
    assert table3[1] == [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)]
    assert table3[5][:2] == [("三、本年度办理结果", 1, 20), ("（一）予以公开", 2, 1)]
    assert table3[7][:2] == [("（三）不予公开", 1, 8), ("1.属于国家秘密", 1, 1)]
    assert table4[0] == [("行政复议", 5, 1), ("行政诉讼", 10, 1)]
    assert table4[1] == [(t, 1, 2) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] + [
        ("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)]
    assert [c[0] for c in table4[2]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    assert len(table4[3]) == 15 and len(table4) == 4
    assert table2[0] == [("第二十条第（一）项", 4, 1)]
    assert table2[1] == [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)]
    assert table2[5] == [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)]
    assert table2[6] == [("行政许可", 1, 1), ("0", 3, 1)]
    assert [r[0][0] for r in table2 if len(r) == 1] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]


def test_html_every_cell_in_its_grid_position(seed: dict[str, Any]) -> None:
    seed["requests"]["outcomes"]["withheld"]["internal_affairs"]["research"] = 17
    table2, table3, table4 = html_tables(seed)
    assert_grid(table2, expected_table2(seed))
    assert_grid(table3, expected_table3(seed))
    assert_grid(table4, expected_table4(seed))
    assert table3.rows[11][5].text == "17"  # row 5.属于三类内部事务信息, column 科研机构


def test_split_other_handling_has_three_rows_under_its_label(split_2021: dict[str, Any]) -> None:
    table3 = html_tables(split_2021)[1]
    assert len(table3.rows) == 3 + 25
    assert [r for r, row in enumerate(table3.rows) if row[0].text == "三、本年度办理结果"] == list(range(5, 27))
    other = [r for r, row in enumerate(table3.rows) if row[1].text == "（六）其他处理"]
    assert other == [23, 24, 25]
    assert [table3.rows[r][2].text[:2] for r in other] == ["1.", "2.", "3."]
    assert_grid(table3, expected_table3(split_2021))
    assert spans(split_2021)[1][5][0] == ("三、本年度办理结果", 1, 22)


def test_blank_cells_are_empty_never_zero(seed: dict[str, Any]) -> None:
    seed["requests"]["received"]["research"] = None
    seed["reviews"]["litigation_direct"]["pending"] = None
    seed["active_disclosure"]["fees"]["amount"] = None
    table2, table3, table4 = html_tables(seed)
    assert table3.rows[3][5].text == "" and table4.rows[3][8].text == ""
    assert [c.text for c in table2.rows[-1]] == ["行政事业性收费", "", "", ""]
    assert_grid(table3, expected_table3(seed))
    cells = render(seed, layout="cells").splitlines()
    start = cells.index("一、本年新收政府信息公开申请数量 |")
    assert cells[start + 1:start + 9] == ["9 |", "0 |", " |", "0 |", "0 |", "0 |", "9 |", "||"]
    rows = render(seed, layout="rows").splitlines()
    assert "一、本年新收政府信息公开申请数量 | 9 | 0 |  | 0 | 0 | 0 | 9" in rows
    assert "| 一、本年新收政府信息公开申请数量 |  |  | 9 | 0 |  | 0 | 0 | 0 | 9 |" in render(seed, to="markdown")
    assert "一、本年新收政府信息公开申请数量90/0009" in render(seed, layout="runs")
    blank = render(seed, layout="blank")
    assert "一、本年新收政府信息公开申请数量\n\n9\n\n0\n\n\n\n0\n\n0\n\n0\n\n9\n\n" in blank


@pytest.mark.parametrize(("amount", "written"), [
    (Decimal("24252.311082"), "24252.311082"), (Decimal("1E+3"), "1000"), (Decimal("0.10"), "0.10"), (12, "12"),
])
def test_amounts_are_exact_decimal_digits(seed: dict[str, Any], amount: Any, written: str) -> None:
    seed["active_disclosure"]["fees"]["amount"] = amount
    for to, layout in ALL_TARGETS:
        out = render(seed, to=to, layout=layout)
        assert written in out, (to, layout)
        assert "E+" not in out and "e+" not in out
    assert html_tables(seed)[0].rows[-1][1].text == written
    assert f"行政事业性收费{written}\n" in render(seed, layout="runs")


# -- 2019 edition ---------------------------------------------------------------------


def test_2019_table2_blocks_units_and_signed_changes() -> None:
    data = report_2019()
    table2 = spans(data)[0]
    blocks = [r[0][0] for r in table2 if len(r) == 1]
    assert blocks == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]
    assert table2[1] == [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)]
    assert table2[5] == [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)]
    assert table2[6] == [("行政许可", 1, 1), ("12", 1, 1), ("-3", 1, 1), ("7", 1, 1)]
    assert table2[-5:] == [
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 2, 1)],
        [("行政事业性收费", 1, 1), ("2", 1, 1), ("0", 2, 1)],
        [("第二十条第（九）项", 4, 1)],
        [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 2, 1)],
        [("政府集中采购", 1, 1), ("6", 1, 1), ("251000元", 2, 1)],
    ]
    grid = html_tables(data)
    assert_grid(grid[0], expected_table2(data))
    assert_grid(grid[1], expected_table3(data))
    assert spans(data)[1][5][0] == ("三、本年度办理结果", 1, 20)
    assert "政府集中采购6251000元" in render(data, layout="runs")
    assert "政府集中采购 | 6 | 251000元" in render(data, layout="rows").splitlines()
    assert "行政强制 | 0 |  | 0" in render(data, layout="rows").splitlines()
    assert "行政许可12-37" in render(data, layout="runs")
    assert "+" not in render(data, layout="rows")


def test_2019_procurement_without_unit_is_the_bare_amount() -> None:
    data = report_2019()
    data["active_disclosure"]["procurement"] = {"items": 2, "amount": Decimal("1424.4")}
    assert "政府集中采购 | 2 | 1424.4" in render(data, layout="rows").splitlines()


# -- text layouts ---------------------------------------------------------------------


def test_cells_layout_every_table_line_is_a_cell_or_a_filler(seed: dict[str, Any]) -> None:
    out = render(seed, layout="cells", sections=False)
    lines = out.splitlines()
    assert lines[0] == "广元市朝天区人民政府办公室2021年政府信息公开工作年度报告"
    body = [line for line in lines[1:] if line not in HEADINGS]
    assert body and all(line.endswith("|") for line in body)
    assert all(line.endswith(" |") or set(line) == {"|"} for line in body)
    # Fillers make every row but a table's last add up to the grid width.
    t3 = table_lines(out, HEADINGS[1])
    assert t3[:4] == [f"{BALANCE_NOTE} |", "申请人情况 |", "|" * 8, "自然人 |"]
    assert t3[-8:] == ["四、结转下年度继续办理 |"] + ["0 |"] * 7  # no filler after the last row
    t4 = table_lines(out, HEADINGS[2])
    assert t4[:3] == ["行政复议 |", "行政诉讼 |", "|" * 13] and len(t4) == 2 + 1 + 7 + 1 + 10 + 1 + 15


def test_cells_layout_reproduces_the_seed_table3(seed: dict[str, Any]) -> None:
    seed_text = SEED_TXT.read_text(encoding="utf-8")
    mine = render(seed, layout="cells")

    def block(text: str, start: str, stop: str) -> list[str]:
        lines = text.splitlines()
        a = next(i for i, line in enumerate(lines) if line.startswith(start))
        b = next(i for i, line in enumerate(lines) if i > a and line.startswith(stop))
        return [nfkc(line) for line in lines[a + 1:b]]

    theirs = block(seed_text, "三、收到和处理", "四、政府信息公开")
    ours = block(mine, "三、收到和处理", "四、政府信息公开")
    def cells(lines: list[str]) -> list[str]:
        return [line for line in lines if set(line) != {"|"}]
    assert cells(ours) == cells(theirs)
    # header cells, 23 rows of label + 7 numbers, the 4 group labels 三（三）（四）（五）
    assert len(cells(ours)) == 10 + 23 * 8 + 4
    assert ours == theirs  # the filler lines match too
    # Table 4 as well (the seed writes no label variants there).
    t4_theirs = block(seed_text + "\n五、", "四、政府信息公开", "五、")
    t4_ours = block(mine + "五、\n", "四、政府信息公开", "五、")
    assert t4_ours == t4_theirs


def test_rows_layout_one_row_per_line(seed: dict[str, Any]) -> None:
    lines = table_lines(render(seed, layout="rows"), HEADINGS[1])
    assert lines[0] == f"{BALANCE_NOTE} | 申请人情况"
    assert lines[1] == "自然人 | 法人或其他组织 | 总计"
    assert lines[3] == "一、本年新收政府信息公开申请数量 | 9 | 0 | 0 | 0 | 0 | 0 | 9"
    assert lines[5] == "三、本年度办理结果 | （一）予以公开 | 6 | 0 | 0 | 0 | 0 | 0 | 6"
    assert lines[7] == "（三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0"
    assert len(lines) == 3 + 23 and not any(set(line) <= {"|"} for line in lines)
    t4 = table_lines(render(seed, layout="rows"), HEADINGS[2])
    assert t4[0] == "行政复议 | 行政诉讼" and t4[3] == " | ".join(["0"] * 15)


def test_blank_layout_separates_every_cell_by_one_empty_line(seed: dict[str, Any]) -> None:
    out = render(seed, layout="blank", sections=False)
    assert "\n\n\n" not in out  # no blank cells in the seed → never two empty lines in a row
    chunks = out.rstrip("\n").split("\n\n")
    assert all(chunk and "\n" not in chunk for chunk in chunks)
    assert chunks[:3] == ["广元市朝天区人民政府办公室2021年政府信息公开工作年度报告", HEADINGS[0], "第二十条第（一）项"]
    i = chunks.index("一、本年新收政府信息公开申请数量")
    assert chunks[i + 1:i + 9] == ["9", "0", "0", "0", "0", "0", "9", "二、上年结转政府信息公开申请数量"]


def test_runs_layout_one_line_per_table_without_whitespace(seed: dict[str, Any]) -> None:
    out = render(seed, layout="runs", sections=False)
    lines = out.splitlines()
    assert lines[1::2] == list(HEADINGS) and len(lines) == 7
    for line in lines[2::2]:
        assert not re.search(r"\s", line)
    assert lines[4].startswith(BALANCE_NOTE + "申请人情况自然人法人或其他组织总计商业企业")
    assert "一、本年新收政府信息公开申请数量9000009二、上年结转政府信息公开申请数量0000000" in lines[4]
    assert "5.属于三类内部事务信息30000036.属于四类过程性信息" in lines[4]
    assert lines[4].endswith("四、结转下年度继续办理0000000")
    assert lines[6].endswith("尚未审结总计" + "0" * 15)
    assert lines[2] == ("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件5021"
                        "第二十条第（五）项信息内容本年处理决定数量行政许可0第二十条第（六）项信息内容本年处理决定数量"
                        "行政处罚0行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0")


def test_markdown_pipe_tables_carry_the_label_path(seed: dict[str, Any]) -> None:
    seed.pop("sections", None)  # no narrative: only the three table headings remain
    out = render(seed, to="markdown")
    lines = out.splitlines()
    assert lines[0] == "# 广元市朝天区人民政府办公室2021年政府信息公开工作年度报告"
    assert [line for line in lines if line.startswith("## ")] == [f"## {h}" for h in HEADINGS]
    rows = [line for line in lines if line.startswith("|")]
    widths = [line.count(" | ") + 1 for line in rows if not line.startswith("|---")]
    assert set(widths) == {4, 10, 15}
    assert "|---|---|---|---|---|---|---|---|---|---|" in lines
    assert f"| {BALANCE_NOTE} |  |  | 申请人情况 |  |  |  |  |  |  |" in lines
    assert f"| {BALANCE_NOTE} |  |  | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |" in lines
    assert "| 三、本年度办理结果 | （三）不予公开 | 5.属于三类内部事务信息 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |" in lines
    assert "| 三、本年度办理结果 | （七）总计 |  | 9 | 0 | 0 | 0 | 0 | 0 | 9 |" in lines
    assert "| 行政许可 | 0 |  |  |" in lines
    # A blank line before and after each pipe table (GitHub needs it).
    for i, line in enumerate(lines):
        if line.startswith("|") and not lines[i - 1].startswith("|"):
            assert lines[i - 1] == "" and lines[i + 1].startswith("|---")


# -- skeleton, partial instances, arguments -------------------------------------------


def test_sections_in_order_and_sections_false(seed: dict[str, Any]) -> None:
    seed["report"]["title"] = "朝天区政府办2021年政府信息公开工作年度报告"
    seed["sections"] = {"overview": "总体。\n\n第二段。", "requests": "收到申请9件。", "other_matters": "未收取信息处理费。"}
    out = render(seed, layout="rows").splitlines()
    assert out[:4] == ["朝天区政府办2021年政府信息公开工作年度报告", "一、总体情况", "总体。", "第二段。"]
    i = out.index(HEADINGS[1])
    assert out[i + 1] == "收到申请9件。" and out[i + 2].startswith(BALANCE_NOTE)
    assert out[-2:] == ["六、其他需要报告的事项", "未收取信息处理费。"]
    bare = render(seed, layout="rows", sections=False).splitlines()
    assert "一、总体情况" not in bare and "收到申请9件。" not in bare and all(h in bare for h in HEADINGS)
    html = render(seed, to="html")
    assert "<h2>一、总体情况</h2>\n<p>总体。</p>\n<p>第二段。</p>" in html


def test_partial_instances_skip_what_is_missing(seed: dict[str, Any]) -> None:
    del seed["reviews"]
    del seed["requests"]["outcomes"]["withheld"]["state_secret"]
    del seed["requests"]["outcomes"]["unavailable"]
    del seed["active_disclosure"]["licensing"]
    out = render(seed, layout="rows")
    assert HEADINGS[2] not in out and "行政复议" not in out
    assert "第二十条第（五）项" not in out and "1.属于国家秘密" not in out and "（四）无法提供" not in out
    table3 = spans(seed)[1]
    assert table3[5][0] == ("三、本年度办理结果", 1, 20 - 1 - 3)
    assert table3[7][0] == ("（三）不予公开", 1, 7)
    assert len(html_tables(seed)) == 2
    only_text = {"edition": "2021", "report": {"agency": "某局", "year": 2022}, "sections": {"problems": "人手不足。"}}
    assert render(only_text, layout="rows") == "某局2022年政府信息公开工作年度报告\n五、存在的主要问题及改进情况\n人手不足。\n"


def test_report_model_and_dict_render_alike(seed: dict[str, Any]) -> None:
    assert render(Report.from_dict(seed), to="html") == render(seed, to="html")


@pytest.mark.parametrize("kwargs", [{"to": "pdf"}, {"layout": "columns"}, {"to": "html", "layout": "rows"}])
def test_bad_arguments_are_refused(seed: dict[str, Any], kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render(seed, **kwargs)


# -- properties -----------------------------------------------------------------------


def written_cells(out: str, to: str, layout: str | None) -> list[str]:
    """The cell texts a target wrote (text outside tables may be included: harmless)."""
    if to == "html":
        return re.findall(r"<td[^>]*>(.*?)</td>", out)
    if to == "markdown":
        return [c.strip() for line in out.splitlines() if line.startswith("| ") for c in line[2:-2].split(" | ")]
    if layout == "cells":
        return [line[:-2] for line in out.splitlines() if line.endswith(" |")]
    if layout == "rows":
        return [c for line in out.splitlines() for c in line.split(" | ")]
    assert layout == "blank"
    return out[:-1].split("\n\n")


@given(strategies.reports(), st.sampled_from(ALL_TARGETS), st.booleans())
def test_rendering_never_raises_and_writes_every_value(report: Report, target: tuple[str, str | None], with_sections: bool) -> None:
    data = report.to_dict()
    to, layout = target
    out = render(data, to=to, layout=layout, sections=with_sections)
    assert out.endswith("\n") and out == render(data, to=to, layout=layout, sections=with_sections)
    assert all(heading in out for heading in HEADINGS)
    values = cell_values(data)
    assert len(values) == len(tables.cells(data["edition"], shape(data)))
    if layout == "runs":
        # No separators: each value is still there, in document order.
        position = 0
        for value in values:
            position = out.index(value, position) + len(value)
        return
    # Every value is a whole cell of its own (as many times as the instance has it).
    written = Counter(written_cells(out, to, layout))
    assert not Counter(values) - written


@given(strategies.reports(), st.data())
def test_html_grid_holds_every_value_in_place(report: Report, data: st.DataObject) -> None:
    instance = report.to_dict()
    # Blank a few cells: they must come out empty, in place.
    for spec in data.draw(st.lists(st.sampled_from(tables.cells(instance["edition"], shape(instance))), max_size=4)):
        get(instance, spec.path[:-1])[spec.column] = None
    table2, table3, table4 = html_tables(instance)
    assert_grid(table2, expected_table2(instance))
    assert_grid(table3, expected_table3(instance))
    assert_grid(table4, expected_table4(instance))


# -- CLI ------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_render_defaults_to_text_cells(seed_instance: dict[str, Any]) -> None:
    code, out = run("render", str(SEED_JSON))
    assert code == 0 and out == render(seed_instance)


def test_cli_render_html_to_a_file(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    target = tmp_path / "out.html"
    code, out = run("render", str(SEED_JSON), "--to", "html", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == render(seed_instance, to="html")
    code, out = run("render", str(SEED_JSON), "--layout", "runs", "--no-sections")
    assert code == 0 and out == render(seed_instance, layout="runs", sections=False)


@pytest.mark.parametrize("content", [b"", b"{ not json", b"[1, 2]", b'{"a": 1}'])
def test_cli_render_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    path = tmp_path / "junk.json"
    path.write_bytes(content)
    code, out = run("render", str(path))
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(path) in err and err.startswith("无法使用")


def test_cli_render_missing_file_and_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("render", "no/such/file.json", "--lang", "en")
    assert code == 2 and capsys.readouterr().err.strip() == "unusable: no/such/file.json: no such file"
    with pytest.raises(SystemExit) as exc:
        run("render", str(SEED_JSON), "--to", "html", "--layout", "rows")
    assert exc.value.code == 2
