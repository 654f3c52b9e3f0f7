"""Positions of values in a JSON instance file, for findings on JSON input."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

import govreport
from govreport import Location, Provenance, Report
from govreport.strategies import reports
from govreport.sources.jsonpos import SourceMap, positions


def test_positions_of_nested_values_escaped_keys_and_arrays() -> None:
    text = '{\n  "a": {"b/c": [10, {"d~e": null}]},\n  "s": "x\\"y",\n  "n": -1.5e3\n}'
    found = positions(text)
    assert found[""] == Location(line=1, column=1)
    assert found["/a"] == Location(line=2, column=8)
    assert found["/a/b~1c/0"] == Location(line=2, column=17)
    assert found["/a/b~1c/1/d~0e"] == Location(line=2, column=29)
    assert found["/s"] == Location(line=3, column=8)
    assert found["/n"] == Location(line=4, column=8)


def test_text_the_walker_cannot_follow_gives_no_positions() -> None:
    assert positions("{broken") == {}


def test_findings_on_a_json_file_point_at_its_lines(tmp_path: Path, seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["carried_forward"]["natural_person"] = 1
    del seed_instance["reviews"]["reconsideration"]["pending"]
    path = tmp_path / "report.json"
    text = json.dumps(seed_instance, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    result = govreport.check(path)
    by_rule = {f.rule: f for f in result.findings}
    balance = by_rule["T3-BALANCE"]
    assert balance.location is not None
    assert lines[balance.location.line - 1].strip() == '"natural_person": 1,'
    # An absent key is located at its parent object.
    missing = by_rule["SCHEMA-REQUIRED"]
    assert missing.pointer == "/reviews/reconsideration/pending"
    assert missing.location is not None
    assert lines[missing.location.line - 1].strip() == '"reconsideration": {'


def test_the_source_map_of_a_json_file_is_walked_only_when_asked(tmp_path: Path,
                                                                  seed_instance: dict[str, Any]) -> None:
    path = tmp_path / "report.json"
    text = json.dumps(seed_instance, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    reading = govreport.read(path)
    assert isinstance(reading.source_map, SourceMap)
    assert "not walked yet" in repr(reading.source_map)
    # pickled before the walk, it travels as the text and is still not walked
    again = pickle.loads(pickle.dumps(reading))
    assert "not walked yet" in repr(again.source_map)
    # once asked, it is the same mapping the walker gives (line 2 holds the edition)
    assert again.source_map["/edition"].location == Location(line=2, column=14)
    assert text.splitlines()[1] == '  "edition": "2021",'
    assert dict(again.source_map) == {p: Provenance(location=loc) for p, loc in positions(text).items()}
    assert again == reading and "values" in repr(reading.source_map)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_validating_a_json_file_without_findings_leaves_its_map_unwalked(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=float), encoding="utf-8")
    reading = govreport.read(path)
    result = govreport.check_reading(reading)
    assert result.findings == ()
    assert "not walked yet" in repr(reading.source_map)
