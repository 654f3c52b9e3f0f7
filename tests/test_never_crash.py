"""``govreport.validate`` never raises: any value anywhere gives a finding there.

The API promises this to callers who build instances in Python (floats, Decimals,
bools…) and to those who feed it whatever JSON they were given. The expectations come
from JSON Schema and the format, not from the code: a cell is ``null`` or a number of
the cell's kind; JSON ``true`` is not a number; NaN and the infinities are not
numbers JSON can hold; ``1.0`` is an integer to JSON Schema (a number with a zero
fractional part), so a count of ``1.0`` is accepted like ``1``.
"""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govreport
from govreport import Severity
from govreport.contract import editions, tables
from govreport.pointer import split_pointer
from govreport.strategies import reports

CELL = "/requests/received/total"
AMOUNT = "/active_disclosure/fees/amount"

NOT_CELL_VALUES = [
    float("inf"), float("-inf"), float("nan"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    Decimal("-Infinity"), True, False, "3", "", [], [1], {}, {"total": 1}, -1, -0.5,
]


def _set(data: dict[str, Any], ptr: str, value: Any) -> None:
    *parents, last = split_pointer(ptr)
    node = data
    for key in parents:
        node = node[key]
    node[last] = value


def _validate_every_way(instance: Any) -> list[govreport.Finding]:
    found: list[govreport.Finding] = []
    for lang in ("zh", "en"):
        for blanks in (False, True):
            findings = govreport.validate(instance, lang=lang, blanks_as_zero=blanks)
            for f in findings:
                assert f.message  # rendering the message is part of not crashing
                json.dumps(f.to_dict(), allow_nan=False, default=str)  # and so is strict JSON output
            if lang == "zh" and not blanks:
                found = findings
    return found


@pytest.mark.parametrize("value", NOT_CELL_VALUES, ids=repr)
def test_a_count_cell_holding_a_non_count_is_a_cell_type_error_at_that_cell(seed_instance: dict[str, Any],
                                                                           value: Any) -> None:
    _set(seed_instance, CELL, value)
    findings = _validate_every_way(seed_instance)
    assert [f.severity for f in findings if f.rule == "CELL-TYPE" and f.pointer == CELL] == [Severity.ERROR]
    # The relations using that cell are not computed with a junk value: not assessable.
    row_total = [f for f in findings if f.rule == "T3-ROW-TOTAL" and f.pointer == CELL]
    assert [f.severity for f in row_total] == [Severity.INFO]


@pytest.mark.parametrize("value", [float("inf"), float("nan"), Decimal("NaN"), Decimal("sNaN"), True, "3", -1, []],
                         ids=repr)
def test_an_amount_cell_holding_a_non_amount_is_a_cell_type_error(seed_instance: dict[str, Any], value: Any) -> None:
    _set(seed_instance, AMOUNT, value)
    findings = _validate_every_way(seed_instance)
    assert [f.rule for f in findings if f.pointer == AMOUNT] == ["CELL-TYPE"]


@pytest.mark.parametrize("value", [1.0, -0.0, Decimal("3")], ids=repr)
def test_whole_numbers_written_as_floats_are_counts(seed_instance: dict[str, Any], value: Any) -> None:
    # JSON Schema's "integer" is any number with a zero fractional part.
    _set(seed_instance, CELL, value)
    findings = _validate_every_way(seed_instance)
    assert not [f for f in findings if f.rule == "CELL-TYPE"]
    # The seed's received total is 9: any other value breaks its row total, as an error.
    assert [f.severity for f in findings if f.rule == "T3-ROW-TOTAL" and f.pointer == CELL] == [Severity.ERROR]


def test_a_count_too_long_to_print_is_checked_and_shown(seed_instance: dict[str, Any]) -> None:
    _set(seed_instance, CELL, 10**5000)
    findings = _validate_every_way(seed_instance)
    row_total = [f for f in findings if f.rule == "T3-ROW-TOTAL" and f.pointer == CELL]
    assert [f.severity for f in row_total] == [Severity.ERROR]


@pytest.mark.parametrize("top", [None, [], "report", b"report", 3, 1.5, float("nan"), True], ids=repr)
def test_a_top_level_value_that_is_not_an_object_is_a_schema_finding(top: Any) -> None:
    findings = _validate_every_way(top)
    assert [(f.rule, f.pointer) for f in findings] == [("SCHEMA-TYPE", "")]


@pytest.mark.parametrize(("ptr", "value"), [
    ("/report/year", float("nan")), ("/report/year", "2021"), ("/report/year", True), ("/report/year", 10**5000),
    ("/requests", []), ("/requests", None), ("/requests/received", "9"), ("/reviews", 3),
    ("/active_disclosure", float("inf")), ("/edition", 2021), ("/sections", [1, 2]),
], ids=lambda v: "huge" if isinstance(v, int) and v > 10**100 else repr(v)[:20])
def test_damage_outside_the_cells_is_a_finding_at_that_place(seed_instance: dict[str, Any], ptr: str,
                                                            value: Any) -> None:
    _set(seed_instance, ptr, value)
    findings = _validate_every_way(seed_instance)
    assert any(f.pointer == ptr and f.severity is Severity.ERROR for f in findings), [
        (f.rule, f.pointer) for f in findings]


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.decimals() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def _cannot_be_a_cell(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value is not None
    return not (math.isfinite(value) if isinstance(value, float) else value.is_finite()
                if isinstance(value, Decimal) else True)


@settings(max_examples=15)
@given(report=reports(), data=st.data())
def test_any_value_in_any_cell_gives_findings_never_an_exception(report: govreport.Report, data: st.DataObject) -> None:
    instance = report.to_dict()
    specs = tables.cells(instance["edition"], editions.shape_of(instance) or "split")
    spec = data.draw(st.sampled_from(specs))
    value = data.draw(JSON_LIKE)
    _set(instance, spec.pointer, copy.deepcopy(value))
    findings = _validate_every_way(instance)
    if _cannot_be_a_cell(value):
        assert any(f.rule == "CELL-TYPE" and f.pointer == spec.pointer for f in findings)


@pytest.mark.slow
@settings(max_examples=400)
@given(report=reports(), data=st.data())
def test_any_value_in_any_cell_gives_findings_never_an_exception_many(report: govreport.Report,
                                                                      data: st.DataObject) -> None:
    test_any_value_in_any_cell_gives_findings_never_an_exception.hypothesis.inner_test(report, data)  # type: ignore[attr-defined]
