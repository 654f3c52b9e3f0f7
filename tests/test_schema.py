"""The published schemas: well-formed, offline, labelled, closed, and in step with the model."""

from __future__ import annotations

import re
from typing import Any

import attrs
import jsonschema
import pytest
import referencing.exceptions
from jsonschema import Draft202012Validator

from govreport.contract import model, schemas, tables
from govreport.validation.schema import validator


@pytest.mark.parametrize("edition", schemas.EDITIONS)
def test_schema_is_valid_2020_12(edition: str) -> None:
    Draft202012Validator.check_schema(schemas.schema(edition))
    assert schemas.schema(edition)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_relations_files_follow_their_meta_schema() -> None:
    meta = schemas.relations_meta_schema()
    Draft202012Validator.check_schema(meta)
    for edition in schemas.EDITIONS:
        errors = list(Draft202012Validator(meta).iter_errors(schemas.relations_document(edition)))
        assert errors == []
        assert schemas.relations_document(edition)["schema"] == schemas.schema_id(edition)


@pytest.mark.parametrize("edition", schemas.EDITIONS)
def test_ids_are_absolute_and_show_edition_and_revision(edition: str) -> None:
    sid = schemas.schema_id(edition)
    assert re.fullmatch(rf"https://[a-z.]+/schema/{edition}/\d+\.\d+\.\d+/report\.schema\.json", sid)
    assert schemas.schema(edition)["x-revision"] in sid
    rid = schemas.relations_document(edition)["$id"]
    assert rid.startswith("https://") and f"/{edition}/" in rid


def _objects(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    out = []
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            out.append((path, node))
        for key, value in node.items():
            out.extend(_objects(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_objects(value, f"{path}/{i}"))
    return out


@pytest.mark.parametrize("edition", schemas.EDITIONS)
def test_every_object_is_closed(edition: str) -> None:
    for path, node in _objects(schemas.schema(edition)):
        assert node.get("additionalProperties") is False, path


@pytest.mark.parametrize("edition", schemas.EDITIONS)
def test_every_node_has_chinese_title_and_english_description(edition: str) -> None:
    for shape in tables.SHAPES:
        for n in tables.nodes(edition, shape):
            if n.pointer == "":
                continue
            assert re.search(r"[\u4e00-\u9fff]", n.title), n.pointer
            assert re.search(r"[A-Za-z]{3}", n.description), n.pointer


def test_units_are_declared() -> None:
    fees = tables.node("2021", "/active_disclosure/fees/amount")
    assert fees is not None and fees.unit == "万元"


def test_cell_counts_match_the_format() -> None:
    # 2021: table 2 has 10 cells, table 3 25 rows × 7, table 4 15.
    assert len(tables.cells("2021", "split")) == 10 + 25 * 7 + 15
    # 2019: table 2 has 22 cells, table 3 23 rows × 7 (single-row （六）).
    assert len(tables.cells("2019", "row")) == 22 + 23 * 7 + 15


def test_remote_references_are_refused_not_fetched() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "https://example.invalid/remote.json",
    }
    v = Draft202012Validator(schema, registry=schemas.registry())
    with pytest.raises(referencing.exceptions.Unresolvable):
        v.is_valid({})


def test_shipped_ids_resolve_through_the_registry() -> None:
    for edition in schemas.EDITIONS:
        resolved = schemas.registry().resolver().lookup(schemas.schema_id(edition))
        assert resolved.contents["x-edition"] == edition


def _model_keys(cls: type) -> set[str]:
    return {f.name for f in attrs.fields(cls)}


@pytest.mark.parametrize(
    ("edition", "shape"), [("2019", "row"), ("2019", "split"), ("2021", "row"), ("2021", "split")]
)
def test_model_classes_mirror_the_schema(edition: str, shape: tables.Shape) -> None:
    """Each model class has exactly the keys its schema object declares."""
    tree = tables.tree(edition, shape)
    table2 = model.ActiveDisclosure2019 if edition == "2019" else model.ActiveDisclosure2021
    import typing

    def check(cls: type, ptr: str) -> None:
        node = tree[ptr]
        assert _model_keys(cls) == set(node.children), ptr
        hints = typing.get_type_hints(cls)
        for child in node.children:
            sub = tree[f"{ptr}/{child}"]
            if sub.kind in ("group", "row", "table") and sub.children:
                if ptr == "" and child == "active_disclosure":
                    target = table2
                else:
                    options = [a for a in (typing.get_args(hints[child]) or (hints[child],)) if isinstance(a, type) and attrs.has(a)]
                    if len(options) > 1:
                        options = [a for a in options if _model_keys(a) == set(sub.children)]
                    assert len(options) == 1, f"{ptr}/{child}"
                    target = options[0]
                check(target, f"{ptr}/{child}")

    check(model.Report, "")


def test_example_is_valid_under_plain_jsonschema(seed_instance: dict[str, Any]) -> None:
    jsonschema.validate(seed_instance, schemas.schema("2021"), registry=schemas.registry())
    assert validator("2021").is_valid(seed_instance)
