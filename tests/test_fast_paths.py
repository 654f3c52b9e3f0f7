"""Fast paths give exactly what their reference gives.

* The schema stage explains bad cells, objects' own keys and the （六） oneOf without
  running jsonschema: its findings must be those of a full jsonschema run.
* Flattening (every table cell of an instance, in order) runs as generated code: it
  must equal the plain loop, in every edition and shape, on broken instances too.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from govreport import Report
from govreport.contract import editions, relations, tables
from govreport.strategies import reports
from govreport.validation.context import _flatten_reference, flatten
from govreport.validation.schema import schema_findings

#: values a cell may be given: valid ones, wrong types, negatives, non-finite numbers,
#: huge ints, and a negative fraction (which fails both ``type`` and ``minimum``)
_VALUES = st.sampled_from([
    -1, 0, 7, Decimal("-1.5"), -1.5, 1.5, 2.0, -0.0, Decimal("-0"), float("nan"), float("inf"), Decimal("NaN"),
    True, "12", "", None, 10**5000, -(10**5000), [], {}, [1],
])
#: what may be done to an object of the instance
_EDITS = st.sampled_from(["drop", "extra", "null", "list", "empty", "other_handling_row", "other_handling_split"])


def _objects(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    if isinstance(data, dict):
        out.append(path)
        for key, value in data.items():
            out.extend(_objects(value, path + (key,)))
    return out


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple[str, ...], value: Any) -> None:
    _at(data, path[:-1])[path[-1]] = value


def _edition(data: dict[str, Any]) -> str:
    return data["edition"] if data.get("edition") in ("2019", "2021") else "2021"


def _mutate(data: dict[str, Any], draw: st.DrawFn) -> None:
    edition = _edition(data)
    shape = editions.shape_of(data) or editions.default_shape(edition)
    if draw(st.booleans()):
        cell = draw(st.sampled_from(tables.cells(edition, shape)))
        try:
            _set(data, cell.path, draw(_VALUES))
        except (KeyError, TypeError):
            pass
        return
    path = draw(st.sampled_from(_objects(data)))
    node = _at(data, path)
    edit = draw(_EDITS)
    if edit == "drop" and node:
        del node[draw(st.sampled_from(sorted(node)))]
    elif edit == "extra":
        node[draw(st.sampled_from(["totall", "natural_persons", "x"]))] = 0
    elif edit in ("null", "list", "empty") and path:
        _set(data, path, {"null": None, "list": [1], "empty": {}}[edit])
    elif edit.startswith("other_handling") and isinstance(data.get("requests"), dict) \
            and isinstance(data["requests"].get("outcomes"), dict):
        # the （六） row in the other layout, or a mixture of both layouts' keys
        row = {"natural_person": 1, "total": 1} if edit.endswith("row") else {"pending_payment": {"total": 0}}
        data["requests"]["outcomes"]["other_handling"] = row


@st.composite
def _broken(draw: st.DrawFn) -> dict[str, Any]:
    report: Report = draw(reports())
    data = copy.deepcopy(report.to_dict())
    for _ in range(draw(st.integers(1, 5))):
        _mutate(data, draw)
    return data


def _shown(data: dict[str, Any], targeted: bool) -> list[tuple[str, str, str, str, str]]:
    found = schema_findings(data, _edition(data), targeted=targeted)
    return sorted((f.rule, f.pointer, f.message, repr(f.expected), repr(f.actual)) for f in found)


@settings(max_examples=150, deadline=None)
@given(_broken())
def test_direct_explanations_equal_a_full_jsonschema_run(data: dict[str, Any]) -> None:
    assert _shown(data, targeted=True) == _shown(data, targeted=False)


def test_a_negative_fraction_is_one_cell_type_finding() -> None:
    data: dict[str, Any] = {"edition": "2021", "report": {"year": 2021}}
    data["requests"] = {"received": {"natural_person": Decimal("-1.5")}}
    [cell] = [f for f in schema_findings(data, "2021") if f.rule == "CELL-TYPE"]
    assert cell.pointer == "/requests/received/natural_person" and cell.actual == Decimal("-1.5")


@settings(max_examples=60, deadline=None)
@given(_broken(), st.sampled_from(["2019", "2021"]), st.sampled_from(["split", "row"]))
def test_generated_flattening_equals_the_plain_loop(data: dict[str, Any], edition: str, shape: Any) -> None:
    assert flatten(data, edition, shape) == _flatten_reference(data, edition, shape)


@settings(max_examples=60, deadline=None)
@given(reports(), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([-1, 1, 2, 10**30, None, "1"])),
                           max_size=6))
def test_generated_relation_sums_equal_the_reference(report: Report, bumps: list[tuple[int, Any]]) -> None:
    data = report.to_dict()
    edition = data["edition"]
    shape = editions.shape_of(data) or editions.default_shape(edition)
    values = flatten(data, edition, shape)
    for pick, change in bumps:
        i = pick % len(values)
        if isinstance(change, int) and isinstance(values[i], int):
            values[i] += change
        else:
            values[i] = change
    bindings = relations.compile_relations(edition, shape)
    assert relations.failing(bindings, values) == relations._failing_reference(bindings, values)
