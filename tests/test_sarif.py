"""``govreport check --format sarif``: a SARIF 2.1.0 log that the SARIF schema accepts,
whose regions point at the failing cell's text in the source file."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from govreport.cli import commands as cli
from govreport.contract import catalogue

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEED = ROOT / "examples" / "chaotian-2021.txt"
FILES = TESTS / "corpus" / "files"
SCHEMA = TESTS / "sarif" / "sarif-2.1.0-rtm.5.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The vendored file is the one the README names.
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == (
        "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _sarif(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = cli.main(["check", "--format", "sarif", *args], out=out)
    return code, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with one planted fault: 一、本年新收 总计 9 → 8 (its seven cells follow the
    label one per line, so the total is the seventh line after it)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    label = lines.index("一、本年新收政府信息公开申请数量 |")
    assert lines[label + 7] == "9 |"
    lines[label + 7] = "8 |"
    path = tmp_path_factory.mktemp("planted") / "朝天区 2021.txt"  # a name that needs percent-encoding
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_the_log_is_valid_sarif(validator: jsonschema.Draft4Validator, planted: Path) -> None:
    files = [str(planted), str(SEED), *(str(p) for p in sorted(FILES.glob("*.*")) if p.name != "SOURCES.md")]
    code, log = _sarif(*files)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert code == 1
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in catalogue.rules()]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    # jsonschema checks no "uri" format without optional packages: check the URIs here
    # (RFC 3986 characters only, every % followed by two hex digits).
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]}
    assert len(uris) == len(files) - 1  # huaian-2024.pdf has no finding at all
    for uri in uris:
        assert re.fullmatch(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})+", uri), uri


def test_the_planted_fault_points_at_its_cell(planted: Path) -> None:
    code, log = _sarif(str(planted))
    assert code == 1
    results = log["runs"][0]["results"]
    fault = [r for r in results if r["ruleId"] == "T3-ROW-TOTAL"]
    assert len(fault) == 1
    (result,) = fault
    assert result["level"] == "error"
    (location,) = result["locations"]
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "/requests/received/total"
    assert location["logicalLocations"][0]["name"] == "表三 › 一、本年新收政府信息公开申请数量 › 总计"
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("/%E6%9C%9D%E5%A4%A9%E5%8C%BA%202021.txt")
    region = location["physicalLocation"]["region"]
    # The region is the cell's text in the file, columns counted in code points.
    line = planted.read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith("8 |")
    assert (result["properties"]["expected"], result["properties"]["actual"]) == (9, 8)
    # Without the fault, no such result.
    _, clean = _sarif(str(SEED))
    assert not [r for r in clean["runs"][0]["results"] if r["level"] == "error"]


def test_columns_count_code_points_not_utf16(tmp_path: Path) -> None:
    """An astral character before a cell counts once, as unicodeCodePoints says."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    label = lines.index("一、本年新收政府信息公开申请数量 |")
    lines[label + 7] = "\U0001F4C4 8 |"  # 📄 then the total
    path = tmp_path / "astral.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    _, log = _sarif(str(path))
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "T3-ROW-TOTAL"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == label + 8
    assert lines[label + 7][region["startColumn"] - 1:].startswith("8")
    assert region["startColumn"] == 3  # 📄 is one code point (two UTF-16 units), then a space


def test_unusable_files_are_notifications(validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01 no pdf")
    code, log = _sarif(str(SEED), str(junk), str(tmp_path / "missing.json"))
    assert code == 2
    assert not list(validator.iter_errors(log))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes][1] == "not-found"
    assert all(n["level"] == "error" for n in notes) and len(notes) == 2
    assert "junk.pdf" in notes[0]["message"]["text"]


def test_messages_follow_lang(planted: Path) -> None:
    _, log = _sarif(str(planted), "--lang", "en")
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "T3-ROW-TOTAL"]
    assert not re.search(r"[\u4e00-\u9fff]", result["message"]["text"].split("“")[0])
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "T3-ROW-TOTAL")
    assert rule["shortDescription"]["text"] == catalogue.get("T3-ROW-TOTAL").title.en


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "govreport-check"]
    assert hook["entry"].split() == ["govreport", "check"] and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for path in [*FILES.glob("*.*"), SEED, ROOT / "examples" / "chaotian-2021.json", Path("a/REPORT.PDF")]:
        assert pattern.search(str(path)), path
    for path in ["govreport/api.py", "report.xlsx", "a.json.bak", "docx"]:
        assert not pattern.search(path), path
