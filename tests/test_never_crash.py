"""``validate`` never raises: any value in any place gives findings.

The API promises that whatever a caller passes — a JSON value, or the Python values a
JSON library can produce (``float('nan')``, ``Decimal('sNaN')``, ints of any size,
dict subclasses, non-string keys) — validation reports it and does not crash:

* a value in a *cell* that is not a valid cell value gives CELL-TYPE at that cell
  (quoting the value), and every relation using that cell is not assessable (info),
  never computed with the junk value;
* a value elsewhere gives a SCHEMA-* finding at that place (or, for a replaced
  structure, at its required members);
* a top-level value that is not an object gives SCHEMA-TYPE at pointer ``""``.
"""

from __future__ import annotations

import copy
import math
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import govreport
from govreport import strategies
from govreport.contract import editions, tables
from govreport.findings import Finding, Severity
from govreport.pointer import escape, pointer, split_pointer
from govreport.validation.schema import is_valid

RELATION_RULES = {"T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL"}

# -- values -------------------------------------------------------------------------

# Built on drawing: Hypothesis quotes the elements of sampled_from, and an int of more than
# 4300 digits cannot be quoted.
_HUGE = st.one_of(
    st.sampled_from([(1, 400), (-1, 400), (1, 5000), (-1, 5000)]).map(lambda se: se[0] * 10 ** se[1]),
    st.sampled_from(["1E+999999999", "-1E+999999999", "1" + "0" * 5000]).map(Decimal),
)
_SPECIAL = st.sampled_from([
    float("inf"), float("-inf"), float("nan"), -0.0, 1.0, 1.5, True, False, "3", "", [], {},
    Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("1.0"), Decimal("-0"), Decimal("0.5"),
])
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(), st.text(max_size=8),
    _HUGE, _SPECIAL,
)
#: Anything a JSON library could hand over (and a little more: non-finite numbers).
json_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=6), children, max_size=3),
    ),
    max_leaves=8,
)


def valid_cell(value: Any, cell_type: str) -> bool:
    """The schema's verdict on a cell value (``None`` is a blank: valid, reported as CELL-BLANK).

    Counts are JSON Schema integers ≥ 0 (``1.0`` and ``-0.0`` are integers), signed counts
    integers, amounts finite numbers ≥ 0; a bool is not a number; NaN and infinities are
    not JSON numbers at all.
    """
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    if cell_type != "signed_count" and value < 0:
        return False
    if cell_type == "amount":
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) or value == value.to_integral_value()


# -- helpers ------------------------------------------------------------------------


def _get(data: Any, ptr: str) -> Any:
    for key in split_pointer(ptr):
        data = data[key]
    return data


def _set(data: Any, ptr: str, value: Any) -> None:
    path = split_pointer(ptr)
    _get(data, pointer(path[:-1]))[path[-1]] = value


def _related(a: str, b: str) -> bool:
    """``a`` and ``b`` are the same place, or one contains the other."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/") or a == "" or b == ""


def _all_runs(instance: Any) -> list[list[Finding]]:
    """Validate in both languages, with and without blanks counted as zero."""
    return [govreport.validate(instance, lang=lang, blanks_as_zero=zero)
            for lang in ("zh", "en") for zero in (False, True)]


def _check_cell(data: dict[str, Any], ptr: str, cell_type: str, value: Any) -> list[Finding]:
    _set(data, ptr, value)
    runs = _all_runs(data)
    for findings in runs:
        at_cell = [f for f in findings if f.pointer == ptr and f.rule == "CELL-TYPE"]
        if valid_cell(value, cell_type):
            assert not at_cell, at_cell
            continue
        assert len(at_cell) == 1, [(f.rule, f.pointer) for f in findings]
        # A relation using the junk value is not assessable, never passed or failed with it.
        for f in findings:
            if f.rule in RELATION_RULES and any(op.pointer == ptr for op in f.operands):
                assert f.severity is Severity.INFO, f.message
    return runs[1]  # zh would do as well; en is easier to read in a failure


# -- a value in a cell ----------------------------------------------------------------


@st.composite
def _planted_cell(draw: st.DrawFn) -> tuple[dict[str, Any], str, str, Any]:
    data = draw(strategies.reports()).to_dict()
    shape = editions.shape_of(data) or editions.default_shape(data["edition"])
    spec = draw(st.sampled_from(tables.cells(data["edition"], shape)))
    return data, spec.pointer, spec.cell_type, draw(json_values)


def _never_crash_in_a_cell(case: tuple[dict[str, Any], str, str, Any]) -> None:
    data, ptr, cell_type, value = case
    _check_cell(data, ptr, cell_type, value)


@settings(max_examples=15)
@given(_planted_cell())
def test_any_value_in_a_cell_gives_a_finding_at_that_cell(case: tuple[dict[str, Any], str, str, Any]) -> None:
    _never_crash_in_a_cell(case)


@pytest.mark.slow
@settings(max_examples=500)
@given(_planted_cell())
def test_any_value_in_a_cell_gives_a_finding_at_that_cell_many(case: tuple[dict[str, Any], str, str, Any]) -> None:
    _never_crash_in_a_cell(case)


# -- a value anywhere else ------------------------------------------------------------


def _places(node: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Pointers of every member of the instance (containers and leaves alike)."""
    out = [pointer(path)] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_places(value, path + (key,)))
    return out


@st.composite
def _planted_elsewhere(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    data = draw(strategies.reports()).to_dict()
    cells = {c.pointer for shape in ("row", "split") for c in tables.cells(data["edition"], shape)}
    places = [p for p in _places(data) if p not in cells]
    how = draw(st.sampled_from(["replace", "add-key", "non-string-key"]))
    if how == "replace":
        ptr = draw(st.sampled_from(places))
        _set(data, ptr, draw(json_values))
        return data, ptr
    objects = [""] + [p for p in places if isinstance(_get(data, p), dict)]
    parent = draw(st.sampled_from(objects))
    target = _get(data, parent)
    if how == "add-key":
        key = draw(st.text(max_size=8).filter(lambda k: k not in target))
        target[key] = draw(json_values)
        return data, parent + "/" + escape(key)
    key_value = draw(st.one_of(st.integers(), st.none(), st.floats(), st.tuples(st.integers())))
    target[key_value] = draw(json_values)
    return data, parent


def _never_crash_elsewhere(case: tuple[dict[str, Any], str]) -> None:
    data, ptr = case
    for findings in _all_runs(data):
        if is_valid(data, editions.edition_of(data)):
            continue  # the planted value happened to be allowed there
        errors = [f for f in findings if f.severity is Severity.ERROR]
        assert any(_related(f.pointer, ptr) for f in errors), (ptr, [(f.rule, f.pointer) for f in errors])


@settings(max_examples=15)
@given(_planted_elsewhere())
def test_any_value_anywhere_gives_a_finding_there(case: tuple[dict[str, Any], str]) -> None:
    _never_crash_elsewhere(case)


@pytest.mark.slow
@settings(max_examples=500)
@given(_planted_elsewhere())
def test_any_value_anywhere_gives_a_finding_there_many(case: tuple[dict[str, Any], str]) -> None:
    _never_crash_elsewhere(case)


# -- explicit regressions ---------------------------------------------------------------

COUNT_IN_RELATIONS = "/requests/received/total"  # T3-ROW-TOTAL and T3-BALANCE use it
COUNT = "/reviews/reconsideration/upheld"
AMOUNT_2021 = "/active_disclosure/fees/amount"
AMOUNT_2019 = "/active_disclosure/procurement/amount"
SIGNED_2019 = "/active_disclosure/licensing/change"

INVALID_EVERYWHERE = [
    float("inf"), float("-inf"), float("nan"), Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("sNaN"), True, False, "3", [], {}, [1], {"a": 1},
]
VALID_COUNTS = [0, 1.0, -0.0, Decimal("1.0"), Decimal("-0"), 10**400, 10**5000, Decimal("1E+400"),
                Decimal("1E+999999999"), 1e308]
INVALID_COUNTS = [1.5, Decimal("0.5"), -1, -(10**400), -(10**5000), -1.0]


def _id(value: Any) -> str:
    # repr of an int of more than 4300 digits raises; that is part of what is tested.
    if isinstance(value, int) and value.bit_length() > 14_000:
        return ("-" if value < 0 else "") + "10**5000"
    return repr(value)


@pytest.fixture(scope="module")
def valid_2021() -> dict[str, Any]:
    return find(strategies.reports(edition="2021"), lambda _: True).to_dict()


@pytest.fixture(scope="module")
def valid_2019() -> dict[str, Any]:
    return find(strategies.reports(edition="2019"), lambda _: True).to_dict()


@pytest.mark.parametrize("value", INVALID_EVERYWHERE + INVALID_COUNTS + VALID_COUNTS, ids=_id)
@pytest.mark.parametrize("ptr", [COUNT_IN_RELATIONS, COUNT, AMOUNT_2021])
def test_each_value_in_a_2021_cell(valid_2021: dict[str, Any], ptr: str, value: Any) -> None:
    cell_type = "amount" if ptr == AMOUNT_2021 else "count"
    _check_cell(copy.deepcopy(valid_2021), ptr, cell_type, value)


@pytest.mark.parametrize("value", INVALID_EVERYWHERE + INVALID_COUNTS + VALID_COUNTS, ids=_id)
@pytest.mark.parametrize("ptr", [AMOUNT_2019, SIGNED_2019])
def test_each_value_in_a_2019_cell(valid_2019: dict[str, Any], ptr: str, value: Any) -> None:
    cell_type = "amount" if ptr == AMOUNT_2019 else "signed_count"
    _check_cell(copy.deepcopy(valid_2019), ptr, cell_type, value)


@pytest.mark.parametrize(("value", "shown"), [
    (float("nan"), "nan"), (float("inf"), "inf"), (Decimal("sNaN"), "sNaN"), (Decimal("-Infinity"), "-Infinity"),
    (True, "true"), ("3", "“3”"), ([], "[…]"), ({}, "{…}"), (1.5, "1.5"), (-(10**5000), "-1.000000E+5000"),
], ids=_id)
def test_cell_type_message_quotes_the_value(valid_2021: dict[str, Any], value: Any, shown: str) -> None:
    data = copy.deepcopy(valid_2021)
    _set(data, COUNT_IN_RELATIONS, value)
    for lang in ("zh", "en"):
        [f] = [f for f in govreport.validate(data, lang=lang) if f.rule == "CELL-TYPE"]
        assert f.pointer == COUNT_IN_RELATIONS
        assert shown in f.message


def test_an_integral_float_count_takes_part_in_relations(valid_2021: dict[str, Any]) -> None:
    data = copy.deepcopy(valid_2021)
    value = _get(data, COUNT_IN_RELATIONS)
    _set(data, COUNT_IN_RELATIONS, float(value))
    assert govreport.validate(data) == []
    _set(data, COUNT_IN_RELATIONS, float(value + 1))
    failed = [f for f in govreport.validate(data, lang="en") if f.severity is Severity.ERROR]
    assert {f.rule for f in failed} == {"T3-ROW-TOTAL", "T3-BALANCE"}
    assert all(isinstance(f.actual, int) for f in failed if f.pointer == COUNT_IN_RELATIONS)


def test_a_huge_count_fails_its_relation_with_a_readable_message(valid_2021: dict[str, Any]) -> None:
    data = copy.deepcopy(valid_2021)
    _set(data, COUNT_IN_RELATIONS, 10**5000)
    [f] = [f for f in govreport.validate(data, lang="en") if f.rule == "T3-ROW-TOTAL"]
    assert f.severity is Severity.ERROR and "1.000000E+5000" in f.message
    assert f.actual == 10**5000


def test_a_count_with_a_vast_exponent_is_not_expanded(valid_2021: dict[str, Any]) -> None:
    # Valid by the schema (an integer ≥ 0), but too large to add up exactly: not assessable.
    data = copy.deepcopy(valid_2021)
    _set(data, COUNT_IN_RELATIONS, Decimal("1E+999999999"))
    findings = govreport.validate(data, lang="en")
    assert not [f for f in findings if f.severity is Severity.ERROR]
    assert {f.rule for f in findings if f.pointer == COUNT_IN_RELATIONS} == {"T3-ROW-TOTAL"}


# -- non-cell places ------------------------------------------------------------------------


@pytest.mark.parametrize(("ptr", "value", "rule"), [
    ("/report/year", float("nan"), "SCHEMA-TYPE"),
    ("/report/year", Decimal("sNaN"), "SCHEMA-TYPE"),
    ("/report/year", float("inf"), "SCHEMA-TYPE"),
    ("/report/year", True, "SCHEMA-TYPE"),
    ("/report/year", 10**5000, "SCHEMA-VALUE"),
    ("/report/year", -(10**5000), "SCHEMA-VALUE"),
    ("/edition", Decimal("sNaN"), "SCHEMA-VALUE"),
    ("/edition", float("nan"), "SCHEMA-VALUE"),
    ("/requests", [], "SCHEMA-TYPE"),
    ("/requests/received", float("nan"), "SCHEMA-TYPE"),
    ("/reviews/litigation_direct", Decimal("sNaN"), "SCHEMA-TYPE"),
    ("/report/agency", Decimal("NaN"), "SCHEMA-TYPE"),
    ("/active_disclosure", "表二", "SCHEMA-TYPE"),
], ids=_id)
def test_a_bad_value_in_a_structure_is_a_schema_finding(valid_2021: dict[str, Any], ptr: str, value: Any,
                                                        rule: str) -> None:
    data = copy.deepcopy(valid_2021)
    _set(data, ptr, value)
    for findings in _all_runs(data):
        assert (rule, ptr) in {(f.rule, f.pointer) for f in findings}


def test_a_huge_year_with_an_edition_is_judged_without_crashing(valid_2021: dict[str, Any]) -> None:
    data = copy.deepcopy(valid_2021)
    data["report"]["year"] = 10**5000
    data["edition"] = "2019"
    rules = {f.rule for f in govreport.validate(data, lang="en")}
    assert {"SCHEMA-VALUE", "FMT-EDITION"} <= rules


@pytest.mark.parametrize("key", [1, None, (1, 2), 1.5, 10**5000], ids=_id)
def test_a_key_that_is_not_a_string_is_an_unknown_key(valid_2021: dict[str, Any], key: Any) -> None:
    data = copy.deepcopy(valid_2021)
    data["requests"]["received"][key] = 2
    for findings in _all_runs(data):
        unknown = [f for f in findings if f.rule == "SCHEMA-UNKNOWN-KEY"]
        assert len(unknown) == 1 and unknown[0].pointer.startswith("/requests/received/")


def test_deeply_nested_junk_in_a_cell(valid_2021: dict[str, Any]) -> None:
    junk: Any = [10**5000]
    for _ in range(5000):
        junk = [junk]
    data = copy.deepcopy(valid_2021)
    _set(data, COUNT, junk)
    [f] = [f for f in govreport.validate(data) if f.rule == "CELL-TYPE"]
    assert f.pointer == COUNT


def test_dict_subclasses_are_objects(valid_2021: dict[str, Any]) -> None:
    # json.loads(object_pairs_hook=OrderedDict) gives these; they were once silently unchecked.
    def ordered(node: Any) -> Any:
        return OrderedDict((k, ordered(v)) for k, v in node.items()) if isinstance(node, dict) else node

    data = copy.deepcopy(valid_2021)
    _set(data, COUNT_IN_RELATIONS, _get(data, COUNT_IN_RELATIONS) + 1)
    _set(data, COUNT, -1)
    plain = [(f.rule, f.pointer) for f in govreport.validate(data)]
    assert ("CELL-TYPE", COUNT) in plain and ("T3-ROW-TOTAL", COUNT_IN_RELATIONS) in plain
    assert [(f.rule, f.pointer) for f in govreport.validate(ordered(data))] == plain


# -- not an object at all -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], [{}], "report", b"{}", 3, 2.5, float("nan"), Decimal("sNaN"), True,
                                   10**5000], ids=lambda v: type(v).__name__)
def test_a_top_level_value_that_is_not_an_object_is_a_schema_finding(value: Any) -> None:
    for findings in _all_runs(value):
        assert [(f.rule, f.pointer) for f in findings] == [("SCHEMA-TYPE", "")]
