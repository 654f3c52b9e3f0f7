"""The typed model (govreport/contract/model.py) and the schema agree on every key and type.

The schema is the contract: every property path in ``schema/<edition>/report.schema.json``
is a field of the model and every field of the model is a property of the schema, and
the kinds agree — a count or signed count is ``int | None``, an amount ``Decimal | None``,
text ``str | None``, a date ``datetime.date | None``, an object a model class.
"""

from __future__ import annotations

import datetime
import json
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest

from govreport.contract import model
from govreport.contract.schemas import EDITIONS

from .conftest import ROOT

Kinds = dict[str, str]


def _schema(edition: str) -> dict[str, Any]:
    # The shipped file itself, not the package's view of it.
    data: dict[str, Any] = json.loads((ROOT / "schema" / edition / "report.schema.json").read_text(encoding="utf-8"))
    return data


def _schema_kinds(edition: str) -> Kinds:
    """Property path → kind, for every property of the schema (both branches of a oneOf)."""
    schema = _schema(edition)
    defs = schema["$defs"]
    out: Kinds = {}

    def kind_of(node: dict[str, Any]) -> str:
        ref = node.get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name in ("count", "signed_count"):
            return "int cell"
        if name == "amount":
            return "Decimal cell"
        node = {**defs[name], **node} if ref else node
        if "oneOf" in node or node.get("type") == "object":
            return "object"
        if node.get("type") == "integer":
            return "int"
        if node.get("format") == "date":
            return "date"
        if node.get("type") == "string" or all(isinstance(v, str) for v in node.get("enum", [None])) \
                or isinstance(node.get("const"), str):
            return "str"
        raise AssertionError(f"unexpected schema node {node}")

    def walk(node: dict[str, Any], path: str) -> None:
        ref = node.get("$ref", "")
        if ref:
            node = {**defs[ref.rsplit("/", 1)[-1]], **node}
        for branch in node.get("oneOf", []):
            walk(branch, path)
        for key, sub in node.get("properties", {}).items():
            child = f"{path}/{key}"
            out[child] = kind_of(sub)
            walk(sub, child)

    walk(schema, "")
    return out


def _model_kinds(edition: str) -> Kinds:
    """Field path → kind, for every field of the model as used for ``edition``."""
    out: Kinds = {}
    table2 = model.ActiveDisclosure2019 if edition == "2019" else model.ActiveDisclosure2021

    def kind_of(cls: type, name: str, hint: Any) -> tuple[str, list[type]]:
        args = set(typing.get_args(hint) or (hint,)) - {type(None)}
        nodes = [a for a in args if isinstance(a, type) and attrs.has(a)]
        if nodes:
            return "object", nodes
        cells: frozenset[str] = getattr(cls, "_cells", frozenset())
        if args == {int}:
            return ("int cell" if name in cells else "int"), []
        if args == {Decimal}:
            assert name in cells, f"{cls.__name__}.{name}: a Decimal that is not a cell"
            return "Decimal cell", []
        if args == {str}:
            return "str", []
        if args == {datetime.date}:
            return "date", []
        raise AssertionError(f"{cls.__name__}.{name}: unexpected type {hint}")

    def walk(cls: type, path: str) -> None:
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            child = f"{path}/{field.name}"
            kind, nodes = kind_of(cls, field.name, hints[field.name])
            out[child] = kind
            if cls is model.Report and field.name == "active_disclosure":
                nodes = [table2]  # Report.from_dict picks the table-2 class by edition
            for node in nodes:
                walk(node, child)

    walk(model.Report, "")
    return out


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_schema_property_is_in_the_model_with_its_kind(edition: str) -> None:
    schema, mine = _schema_kinds(edition), _model_kinds(edition)
    assert sorted(set(schema) - set(mine)) == []
    assert {p: (k, mine[p]) for p, k in schema.items() if mine[p] != k} == {}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_model_field_is_in_the_schema(edition: str) -> None:
    assert sorted(set(_model_kinds(edition)) - set(_schema_kinds(edition))) == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_model_declares_exactly_the_cells_of_the_schema(edition: str) -> None:
    # A field in ``_cells`` is written as null when blank; any other None field is omitted.
    cells = {p for p, k in _schema_kinds(edition).items() if k.endswith("cell")}
    assert cells == {p for p, k in _model_kinds(edition).items() if k.endswith("cell")}


def test_the_schema_cells_are_what_the_model_says() -> None:
    # The three cell definitions the model's Count and Amount stand for.
    for edition in EDITIONS:
        defs = _schema(edition)["$defs"]
        assert defs["count"]["type"] == ["integer", "null"] and defs["count"]["minimum"] == 0
        assert defs["signed_count"]["type"] == ["integer", "null"] and "minimum" not in defs["signed_count"]
        assert defs["amount"]["type"] == ["number", "null"] and defs["amount"]["minimum"] == 0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity"),
                                   True, "3", []], ids=repr)
def test_the_model_refuses_a_non_number_in_any_cell(value: Any) -> None:
    with pytest.raises(TypeError):
        model.ReviewGroup.from_dict({"upheld": value})
    with pytest.raises(TypeError):
        model.Fees2021.from_dict({"amount": value})


@pytest.mark.parametrize("value", [1.5, Decimal("0.5")], ids=repr)
def test_the_model_refuses_a_fraction_in_a_count(value: Any) -> None:
    with pytest.raises(TypeError):
        model.ReviewGroup.from_dict({"upheld": value})


@pytest.mark.parametrize(("value", "held"), [(1.0, 1), (-0.0, 0), (Decimal("1E+2"), 100), (10**400, 10**400)],
                         ids=repr)
def test_the_model_holds_integral_counts_as_ints(value: Any, held: int) -> None:
    cell = model.ReviewGroup.from_dict({"upheld": value}).upheld
    assert type(cell) is int and cell == held


def test_the_model_holds_amounts_as_decimals() -> None:
    assert model.Fees2021.from_dict({"amount": 1.5}).amount == Decimal("1.5")
    assert model.Fees2021.from_dict({"amount": 2}).amount == Decimal(2)


def test_the_model_does_not_expand_a_vast_count() -> None:
    with pytest.raises(ValueError, match="digits"):
        model.ReviewGroup.from_dict({"upheld": Decimal("1E+999999999")})
