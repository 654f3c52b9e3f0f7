"""The command line, end to end: exit codes, output formats, unusable input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govreport.cli import main
from tests.conftest import EXAMPLES, ROOT

SEED = str(EXAMPLES / "chaotian-2021.json")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def write_json(tmp_path: Path, data: Any, name: str = "report.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_check_seed_json_exits_0_with_the_shape_warning() -> None:
    code, out = run("check", SEED, "--format", "json")
    assert code == 0
    [obj] = [json.loads(line) for line in out.splitlines()]
    assert obj["file"] == SEED and obj["edition"] == "2021" and obj["valid"] is True
    assert obj["counts"] == {"error": 0, "warning": 1, "info": 0}
    [finding] = obj["findings"]
    assert finding["rule"] == "FMT-SHAPE" and finding["pointer"] == "/requests/outcomes/other_handling"
    assert set(finding) == {"rule", "severity", "pointer", "label", "message", "expected", "actual", "operands", "location",
                            "stage"}
    assert obj["relations"]["T3-BALANCE"] == {"passed": 7, "failed": 0, "not_assessable": 0}


def test_changed_cell_exits_1_with_balance_and_row_total(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["carried_forward"]["natural_person"] = 1
    code, out = run("check", write_json(tmp_path, seed_instance), "--format", "json")
    assert code == 1
    obj = json.loads(out)
    errors = {(f["rule"], f["pointer"]): f for f in obj["findings"] if f["severity"] == "error"}
    assert set(errors) == {
        ("T3-BALANCE", "/requests/carried_forward/natural_person"),
        ("T3-ROW-TOTAL", "/requests/carried_forward/total"),
    }
    balance = errors[("T3-BALANCE", "/requests/carried_forward/natural_person")]
    assert (balance["expected"], balance["actual"]) == (0, 1)
    assert balance["label"] == "表三 › 四、结转下年度继续办理 › 自然人"
    row = errors[("T3-ROW-TOTAL", "/requests/carried_forward/total")]
    assert (row["expected"], row["actual"]) == (1, 0)
    assert row["label"] == "表三 › 四、结转下年度继续办理 › 总计"


def test_negative_count_and_misspelled_key_exit_1(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["research"] = -4
    seed_instance["reviews"]["reconsideraton"] = seed_instance["reviews"].pop("reconsideration")
    code, out = run("validate", write_json(tmp_path, seed_instance), "--format", "json")
    assert code == 1
    pointers = {(f["rule"], f["pointer"]) for f in json.loads(out)["findings"] if f["severity"] == "error"}
    assert ("CELL-TYPE", "/requests/received/research") in pointers
    assert ("SCHEMA-UNKNOWN-KEY", "/reviews/reconsideraton") in pointers
    assert ("SCHEMA-REQUIRED", "/reviews/reconsideration") in pointers


@pytest.mark.parametrize("content", [os.urandom(2048), b"\x00\x01\x02" * 100, b"{ not json", b"[1, 2, 3]", b'{"a": 1}'])
def test_unusable_input_exits_2_with_one_clear_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.json"
    path.write_bytes(content)
    code, out = run("check", str(path))
    assert code == 2
    lines = out.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "Traceback" not in out


def test_binary_junk_through_the_real_command_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(os.urandom(4096))
    proc = subprocess.run([sys.executable, "-m", "govreport", "check", str(path)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1 and str(path) in proc.stdout


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, out = run("check", str(tmp_path / "nope.json"), "--lang", "en")
    assert code == 2 and "no such file" in out


def test_worst_exit_code_wins(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["reviews"]["reconsideration"]["total"] = 5
    bad = write_json(tmp_path, seed_instance)
    assert run("check", SEED, bad)[0] == 1
    assert run("check", SEED, bad, str(tmp_path / "missing.json"))[0] == 2


def test_json_output_is_one_object_per_file(tmp_path: Path) -> None:
    code, out = run("check", SEED, SEED, str(tmp_path / "missing.json"), "--format", "json")
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["valid"] for o in objects] == [True, True, False]
    assert objects[2]["error"]["code"] == "not-found"


def test_text_output_groups_by_table_with_chinese_labels(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["reviews"]["reconsideration"]["total"] = 5
    code, out = run("check", write_json(tmp_path, seed_instance), "--color", "never")
    assert code == 1
    assert "表四" in out and "T4-TOTAL" in out and "行政复议 › 总计" in out and "\033[" not in out
    code, out = run("check", write_json(tmp_path, seed_instance), "--color", "always", "--lang", "en")
    assert "\033[" in out and "should be" in out


def test_validate_refuses_documents(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("一、总体情况", encoding="utf-8")
    assert run("validate", str(path))[0] == 2


def test_schema_and_rules_commands() -> None:
    code, out = run("schema", "--edition", "2019")
    assert code == 0 and json.loads(out)["x-edition"] == "2019"
    code, out = run("schema", "--relations")
    assert code == 0 and json.loads(out)["relations"][0]["id"] == "T3-BALANCE"
    code, out = run("rules", "--format", "json")
    ids = [r["id"] for r in json.loads(out)]
    assert {"T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL", "CELL-TYPE", "CELL-BLANK",
            "FMT-EDITION", "FMT-SHAPE", "SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"} <= set(ids)
    code, out = run("rules", "--lang", "en")
    assert "Table 3 balances in every column" in out


def test_help_documents_exit_codes() -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        sys.stdout, saved = out, sys.stdout
        try:
            main(["check", "--help"])
        finally:
            sys.stdout = saved
    assert exc.value.code == 0
    text = out.getvalue()
    assert "退出码" in text and "unusable input" in text


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", SEED, "--edition", "2020"])
    assert exc.value.code == 2


def test_an_unexpected_failure_is_one_line_for_that_file_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from govreport import batch as cli  # where each document is read and checked

    real_read = cli.read_bytes

    def flaky(data: bytes, *, name: str, **options: Any) -> Any:
        if name.endswith("boom.json"):
            raise IndexError("list index out of range")
        return real_read(data, name=name, **options)

    monkeypatch.setattr(cli, "read_bytes", flaky)
    monkeypatch.delenv("GOVREPORT_DEBUG", raising=False)
    boom = tmp_path / "boom.json"
    boom.write_text("{}", encoding="utf-8")
    code, out = run("check", str(boom), SEED, "--format", "json", "--jobs", "1")
    assert code == 2
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["error"]["code"] == "internal" and "IndexError" in first["error"]["message"]
    assert second["valid"] is True
    monkeypatch.setenv("GOVREPORT_DEBUG", "1")
    with pytest.raises(IndexError):
        run("check", str(boom), "--jobs", "1")


def test_blank_cells_of_one_row_are_one_entry_in_text_output(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    for column in ("commercial", "research", "public_interest"):
        seed_instance["requests"]["carried_over"][column] = None
    code, out = run("check", write_json(tmp_path, seed_instance), "--color", "never")
    assert code == 0
    assert "二、上年结转政府信息公开申请数量 › 商业企业、科研机构、社会公益组织" in out
    assert "3个单元格为空白" in out and "/requests/carried_over/{commercial,research,public_interest}" in out
    code, out = run("check", write_json(tmp_path, seed_instance), "--color", "never", "-v")
    assert out.count("CELL-BLANK") == 3  # verbose: one entry per cell
