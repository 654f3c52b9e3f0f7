"""The round-trip diff helper (tests/helpers.py) must be type-strict: a test that compares
with it can only pass when the values read back are the values written, type and all."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.helpers import ABSENT, diff


@pytest.mark.parametrize(("a", "b"), [
    (0, False), (1, True), (False, 0),
    (1, 1.0), (1.0, 1),
    (1, Decimal(1)), (Decimal("7545"), 7545),
    (Decimal("1.5"), 1.5),
    (None, 0), (0, None), ("1", 1), (None, "<absent>"),
])
def test_values_of_different_types_differ(a: Any, b: Any) -> None:
    assert diff(a, b) == [("", a, b)]
    assert diff({"x": {"y": a}}, {"x": {"y": b}}) == [("/x/y", a, b)]


@pytest.mark.parametrize("value", [0, 1, True, False, None, "1", Decimal("1424.40"), 2**70])
def test_a_value_equals_itself(value: Any) -> None:
    assert diff(value, value) == []
    assert diff({"x": [value]}, {"x": [value]}) == []


def test_decimals_compare_by_value() -> None:
    assert diff(Decimal("1.0"), Decimal("1.00")) == []
    assert diff(Decimal("1.0"), Decimal("1.01")) == [("", Decimal("1.0"), Decimal("1.01"))]


def test_missing_and_extra_keys_are_reported() -> None:
    assert diff({"a": 1}, {}) == [("/a", 1, ABSENT)]
    assert diff({}, {"b": None}) == [("/b", ABSENT, None)]


def test_every_difference_is_listed_with_its_pointer() -> None:
    a = {"t": {"r": {"c1": 1, "c2": 2, "c3": 3}}}
    b = {"t": {"r": {"c1": 1, "c2": 20, "c3": True}}}
    assert diff(a, b) == [("/t/r/c2", 2, 20), ("/t/r/c3", 3, True)]


def test_lists_are_compared_item_by_item() -> None:
    assert diff([1, 2], [1, 2]) == []
    assert diff([1, 2], [1, 2.0]) == [("/1", 2, 2.0)]
    assert diff([1], [1, 2]) == [("", [1], [1, 2])]


def test_a_dict_and_a_leaf_differ() -> None:
    assert diff({"a": {"b": 1}}, {"a": 1}) == [("/a", {"b": 1}, 1)]
