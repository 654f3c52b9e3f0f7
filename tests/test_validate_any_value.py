"""``govreport.validate`` on a real report with one bad value: findings, strict JSON output.

(The property tests planting arbitrary values are in ``test_never_crash.py``.)

The API promises this to callers who build instances in Python (floats, Decimals,
bools…) and to those who feed it whatever JSON they were given. The expectations come
from JSON Schema and the format, not from the code: a cell is ``null`` or a number of
the cell's kind; JSON ``true`` is not a number; NaN and the infinities are not
numbers JSON can hold; ``1.0`` is an integer to JSON Schema (a number with a zero
fractional part), so a count of ``1.0`` is accepted like ``1``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import govreport
from govreport import Severity
from govreport.pointer import split_pointer

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
