"""Property-based tests: generated reports against the validator and the schema."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport import Report, Severity, validate
from govreport.strategies import FAULT_KINDS, faulty_reports, reports
from govreport.validation.schema import is_valid, validator


@given(reports())
def test_valid_reports_have_no_findings_at_all(report: Report) -> None:
    """A generated valid report raises no finding: no error, no warning, no info."""
    assert validate(report.to_dict()) == []


@given(reports())
def test_valid_reports_validate_under_plain_jsonschema(report: Report) -> None:
    """Every generated valid report is valid for jsonschema itself, not just our fast check."""
    data = report.to_dict()
    assert validator(data["edition"]).is_valid(data)


@given(reports(shape="row", edition="2021"))
def test_hybrid_reports_only_warn_about_their_shape(report: Report) -> None:
    """A 2021 report with a single-row （六） is valid and gets exactly one FMT-SHAPE warning."""
    findings = validate(report.to_dict())
    assert [(f.rule, f.severity) for f in findings] == [("FMT-SHAPE", Severity.WARNING)]


@pytest.mark.parametrize("kind", FAULT_KINDS)
@given(data=st.data())
def test_single_fault_reports_yield_exactly_the_expected_error(kind: str, data: st.DataObject) -> None:
    """A report with one fault yields exactly one error: the fault's rule at the fault's pointer."""
    instance, fault = data.draw(faulty_reports(kinds=(kind,)))
    assert fault.rule == kind
    found = [(f.rule, f.pointer) for f in validate(instance) if f.severity is Severity.ERROR]
    assert found == [(fault.rule, fault.pointer)], fault.description


@given(faulty_reports(kinds=("T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL")))
def test_relation_faults_report_expected_and_actual(pair: tuple[dict[str, Any], Any]) -> None:
    """A failed relation states expected ≠ actual, and its operands include the total cell."""
    data, fault = pair
    [finding] = [f for f in validate(data) if f.severity is Severity.ERROR]
    assert finding.expected != finding.actual
    assert finding.operands[0].pointer == fault.pointer and finding.operands[0].role == "total"
    assert finding.label.startswith(("表三", "表四"))


@given(reports())
def test_model_round_trip(report: Report) -> None:
    """from_dict(to_dict(x)) == x for every generated report."""
    assert Report.from_dict(report.to_dict()) == report


_MUTATIONS = st.sampled_from(["negative", "string", "fraction", "drop", "extra", "null-row", "edition", "bool", "year"])


def _mutate(data: dict[str, Any], how: str, pick: int) -> None:
    rows = [data["requests"]["received"], data["reviews"]["reconsideration"], data["active_disclosure"]["regulations"]]
    row = rows[pick % len(rows)]
    key = sorted(row)[pick % len(row)]
    if how == "negative":
        row[key] = -1
    elif how == "string":
        row[key] = "12"
    elif how == "fraction":
        row[key] = Decimal("1.5")
    elif how == "drop":
        del row[key]
    elif how == "extra":
        row[key + "x"] = 0
    elif how == "null-row":
        data["requests"]["received"] = None
    elif how == "edition":
        data["edition"] = "2020"
    elif how == "bool":
        row[key] = True
    elif how == "year":
        data["report"]["year"] = 1999


@given(reports(), st.lists(st.tuples(_MUTATIONS, st.integers(0, 20)), max_size=3))
def test_fast_schema_check_agrees_with_jsonschema(report: Report, mutations: list[tuple[str, int]]) -> None:
    """The compiled validity check gives jsonschema's verdict on valid and broken instances."""
    data = copy.deepcopy(report.to_dict())
    for how, pick in mutations:
        try:
            _mutate(data, how, pick)
        except (KeyError, TypeError, AttributeError):
            pass
    edition = report.edition
    assert is_valid(data, edition) == validator(edition).is_valid(data)



@given(reports(), st.lists(st.tuples(_MUTATIONS, st.integers(0, 20)), min_size=1, max_size=4))
def test_targeted_schema_errors_equal_a_full_jsonschema_run(report: Report, mutations: list[tuple[str, int]]) -> None:
    """Running jsonschema only where the compiled check fails finds exactly what a full run finds."""
    from govreport.validation.schema import schema_findings

    data = copy.deepcopy(report.to_dict())
    for how, pick in mutations:
        try:
            _mutate(data, how, pick)
        except (KeyError, TypeError, AttributeError):
            pass
    targeted = schema_findings(data, report.edition)
    full = schema_findings(data, report.edition, targeted=False)
    assert sorted((f.rule, f.pointer, f.message) for f in targeted) == sorted((f.rule, f.pointer, f.message) for f in full)
