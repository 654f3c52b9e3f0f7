"""Differential tests: the published contract under independent implementations.

The conformance suite (tests/conformance/<edition>.json, made by
tests/conformance/generate.py) records, for every instance, whether it is valid against
its edition's schema, as jsonschema-rs and ajv both say (never govreport's own output);
the schema-stage rule ids where they are written down by hand or known from how the case
was made; and, for schema-valid cases, the relations the documentation's JavaScript
example finds broken. Here:

* govreport's schema stage must give every case its independent verdict, and the rule
  ids where the suite has them; the whole validator the recorded error rule ids;
* jsonschema-rs (Rust) and ajv (JavaScript, under node) must still give the same validity
  from the schema files alone (the schemas may have changed since the suite was made);
* the documentation's JavaScript relations example, reading only relations.json, must
  evaluate every relation of every schema-valid case as govreport's engine does.

Node and the npm packages (``npm ci --prefix tests/js``) are optional locally: the node
tests skip without them, and fail instead when ``GOVREPORT_REQUIRE_NODE=1`` (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from govreport.contract import schemas
from govreport.findings import Severity
from govreport.validation import schema as schema_check
from govreport.validation.validator import Validator

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SUITE = TESTS / "conformance"
JS = TESTS / "js"
SUITE_FILES = [SUITE / f"{edition}.json" for edition in schemas.EDITIONS]
SCHEMA_FILES = [ROOT / "schema" / edition / "report.schema.json" for edition in schemas.EDITIONS]
RELATION_FILES = [ROOT / "schema" / edition / "relations.json" for edition in schemas.EDITIONS]

#: Every suite file has these groups (see tests/conformance/README.md).
GROUPS = ("valid", "hybrid", "cell-type", "relation", "mutation", "corpus", "corpus-other-edition")
MIN_CASES = 500

Case = tuple[dict[str, Any], int, dict[str, Any]]  # group, index in the group, test


def _cases(parse_float: Any = Decimal) -> list[Case]:
    out: list[Case] = []
    for path in SUITE_FILES:
        suite = json.loads(path.read_text(encoding="utf-8"), parse_float=parse_float)
        for group in suite["groups"]:
            out.extend((group, i, test) for i, test in enumerate(group["tests"]))
    return out


def _name(group: dict[str, Any], index: int, test: dict[str, Any]) -> str:
    return f"{group['id']}[{index}] {test['description']}"


def _report(mismatches: list[str], what: str) -> None:
    assert not mismatches, (
        f"{len(mismatches)} case(s) where {what}:\n  " + "\n  ".join(mismatches[:30])
        + "\n(if govreport changed on purpose, regenerate the suite: python tests/conformance/generate.py)"
    )


def _node(*args: str) -> dict[str, Any]:
    """Run a node script of tests/js, or skip (fail under GOVREPORT_REQUIRE_NODE=1) without node."""
    required = os.environ.get("GOVREPORT_REQUIRE_NODE") == "1"
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed"
    elif args[0] == "validate_suite.mjs" and not (JS / "node_modules" / "ajv").is_dir():
        problem = "ajv is not installed: run npm ci --prefix tests/js"
    if problem:
        if required:
            pytest.fail(problem + " (GOVREPORT_REQUIRE_NODE=1)")
        pytest.skip(problem)
    proc = subprocess.run([node, str(JS / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# -- the suite itself ------------------------------------------------------------------

def test_suite_is_large_and_has_every_source() -> None:
    """The suite has at least MIN_CASES cases, every group in both editions, and both verdicts."""
    cases = _cases()
    assert len(cases) >= MIN_CASES
    per_group = Counter(group["id"] for group, _, _ in cases)
    for edition in schemas.EDITIONS:
        for name in GROUPS:
            assert per_group[f"{edition}/{name}"] > 0, f"group {edition}/{name} is empty"
    verdicts = Counter(test["valid"] for _, _, test in cases)
    assert verdicts[True] >= 200 and verdicts[False] >= 200, verdicts
    for group, _, _ in cases:
        assert group["schema"] == schemas.schema_id(group["edition"])


def test_suite_rule_ids_are_catalogued() -> None:
    """Every rule id the suite expects is in govreport's rule catalogue."""
    from govreport.contract import catalogue

    known = {rule.id for rule in catalogue.rules()}
    used = {rule for _, _, test in _cases() for rule in test.get("rules", []) + test.get("errors", [])}
    assert used <= known, used - known


def test_suite_pins_rule_ids_for_most_invalid_cases() -> None:
    """Rule ids are written down for nearly every schema-invalid case, error ids for nearly
    every schema-valid one: the comparisons below are not vacuous."""
    cases = _cases()
    invalid = [t for _, _, t in cases if not t["valid"]]
    valid = [t for _, _, t in cases if t["valid"]]
    assert sum("rules" in t for t in invalid) >= 0.9 * len(invalid)
    assert all(t["rules"] == [] for t in valid)
    assert sum("errors" in t for t in valid) >= 0.9 * len(valid)
    assert sum(bool(t.get("errors")) for t in valid) >= 50


# -- govreport -----------------------------------------------------------------------------

def test_govreport_schema_stage_matches_the_suite() -> None:
    """govreport's schema stage gives every case the independent verdict, and the written-down rule ids."""
    mismatches = []
    for group, index, test in _cases():
        edition = group["edition"]
        valid = schema_check.is_valid(test["data"], edition)
        rules = sorted({f.rule for f in schema_check.schema_findings(test["data"], edition)})
        if valid != test["valid"] or ("rules" in test and rules != test["rules"]):
            mismatches.append(f"{_name(group, index, test)}: expected {test['valid']} {test.get('rules')}, "
                              f"govreport {valid} {rules}")
        if valid != (rules == []):
            mismatches.append(f"{_name(group, index, test)}: verdict {valid} but schema findings {rules}")
    _report(mismatches, "govreport's schema stage differs from the suite")


def test_govreport_validator_errors_match_the_suite() -> None:
    """The whole validator reports the recorded error rule ids: for a schema-valid case, the
    relations the JavaScript example finds broken."""
    validator = Validator()
    mismatches = []
    for group, index, test in _cases():
        if "errors" not in test:
            continue
        result = validator.run(test["data"], group["edition"])
        errors = sorted({f.rule for f in result.findings if f.severity is Severity.ERROR})
        if errors != test["errors"]:
            mismatches.append(f"{_name(group, index, test)}: expected {test['errors']}, govreport {errors}")
    _report(mismatches, "govreport's error rule ids differ from the suite")


# -- jsonschema-rs ---------------------------------------------------------------------------

def test_jsonschema_rs_agrees_with_the_suite() -> None:
    """jsonschema-rs, given only the schema files, returns the recorded validity of every case."""
    validators = {
        schemas.EDITIONS[i]: jsonschema_rs.validator_for(json.loads(path.read_text(encoding="utf-8")),
                                                         validate_formats=True)
        for i, path in enumerate(SCHEMA_FILES)
    }
    mismatches = []
    # Plain json.loads: decimals become floats here, on purpose (an independent reading).
    for group, index, test in _cases(parse_float=float):
        valid = validators[group["edition"]].is_valid(test["data"])
        if valid != test["valid"]:
            errors = [e.message for e in validators[group["edition"]].iter_errors(test["data"])][:3]
            mismatches.append(f"{_name(group, index, test)}: expected {test['valid']}, jsonschema-rs {valid} {errors}")
    _report(mismatches, "jsonschema-rs differs from the suite")


def test_jsonschema_rs_needs_format_assertion_for_dates() -> None:
    """Without format assertion a 2020-12 validator accepts 2022-02-30: the suite notices."""
    schema = json.loads(SCHEMA_FILES[-1].read_text(encoding="utf-8"))
    lax = jsonschema_rs.validator_for(schema)
    cases = [(g, i, t) for g, i, t in _cases(parse_float=float)
             if g["edition"] == schemas.EDITIONS[-1] and t["description"] == "date: 30 February"]
    assert len(cases) == 1
    _, _, test = cases[0]
    assert test["valid"] is False
    assert lax.is_valid(test["data"]) is True


# -- ajv (node) ------------------------------------------------------------------------------

def test_ajv_agrees_with_the_suite() -> None:
    """ajv (Ajv2020 + ajv-formats), given only the schema files, returns the recorded validity of every case."""
    out = _node("validate_suite.mjs", *map(str, SCHEMA_FILES), "--", *map(str, SUITE_FILES))
    cases = {(group["id"], index): (group, test) for group, index, test in _cases()}
    assert len(out["results"]) == len(cases)
    assert out["keywords"] and all(k.startswith("x-") for k in out["keywords"])
    mismatches = []
    for item in out["results"]:
        group, test = cases[(item["group"], item["index"])]
        if item["valid"] != test["valid"]:
            mismatches.append(f"{_name(group, item['index'], test)}: expected {test['valid']}, ajv {item['valid']} "
                              f"{item['errors'][:3]}")
    _report(mismatches, f"ajv {out['ajv']} differs from the suite")


# -- relations in JavaScript ----------------------------------------------------------------

_SAFE = 2**53 - 1


def _exact_in_javascript(node: Any) -> bool:
    """Whether every number under ``node`` is an integer JavaScript holds exactly."""
    if isinstance(node, dict):
        return all(_exact_in_javascript(v) for v in node.values())
    if isinstance(node, (int, Decimal)) and not isinstance(node, bool):
        return node == int(node) and abs(int(node)) <= _SAFE
    return True


def test_javascript_relations_example_agrees_with_govreport() -> None:
    """docs/examples/t3_balance.mjs, from relations.json alone, evaluates every relation of every
    schema-valid case like govreport: the same passed / failed / not-assessable counts per rule
    and the same failing cells. (Cases with integers beyond 2^53 are left out: the example
    declines those rather than compute inexactly.)"""
    out = _node("relations_suite.mjs", *map(str, RELATION_FILES), "--", *map(str, SUITE_FILES))
    cases = {(group["id"], index): (group, test) for group, index, test in _cases()}
    validator = Validator()
    compared = skipped = 0
    mismatches = []
    for item in out["results"]:
        group, test = cases[(item["group"], item["index"])]
        tables = {k: test["data"].get(k) for k in ("requests", "reviews")}
        if not _exact_in_javascript(tables):
            skipped += 1
            continue
        result = validator.run(test["data"], group["edition"])
        ours = {}
        for rule, stats in result.relations.items():
            failures = sorted(f.pointer for f in result.findings if f.rule == rule and f.severity is Severity.ERROR)
            ours[rule] = {**stats.to_dict(), "failures": failures}
        theirs = {rule: {**c, "failures": sorted(c["failures"])} for rule, c in item["rules"].items()}
        compared += 1
        if ours != theirs:
            mismatches.append(f"{_name(group, item['index'], test)}:\n    govreport {ours}\n    javascript {theirs}")
    _report(mismatches, "the JavaScript relations example differs from govreport")
    assert compared >= 300, compared
    assert skipped <= 10, skipped
    failed = sum(1 for item in out["results"] for c in item["rules"].values() if c["failed"])
    assert failed >= 50, "the comparison must include failing relations, not only passing ones"
