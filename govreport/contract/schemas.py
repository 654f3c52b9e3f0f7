"""The published schemas and relations files, loaded from the package, never the network.

The files under ``schema/`` are the single source of truth for structure, labels and
arithmetic. They ship inside the wheel (``govreport/schema``); when running from a
source checkout the repository's ``schema/`` directory is used. All of them are put
into one pre-crawled :class:`referencing.Registry`, and every validator is built with
that registry, so a ``$ref`` to anything not shipped here is refused instead of fetched.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT202012

__all__ = [
    "EDITIONS",
    "UnknownEdition",
    "registry",
    "relations_document",
    "relations_meta_schema",
    "schema",
    "schema_id",
]

#: The editions of the official format, oldest first.
EDITIONS: tuple[str, ...] = ("2019", "2021")


class UnknownEdition(ValueError):
    """An edition that is not one of :data:`EDITIONS`."""

    def __init__(self, edition: object) -> None:
        super().__init__(f"unknown edition {edition!r}; known editions: {', '.join(EDITIONS)}")
        self.edition = edition

    def __reduce__(self) -> tuple[type[UnknownEdition], tuple[object]]:
        # Rebuilt from the edition, not from the message, so it survives a process pool.
        return (type(self), (self.edition,))


def _root() -> Traversable:
    packaged = importlib.resources.files("govreport") / "schema"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "schema"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("govreport's schema files are missing from this installation")


def _load(*parts: str) -> dict[str, Any]:
    node = _root()
    for part in parts:
        node = node / part
    with node.open("r", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _check(edition: str) -> str:
    if edition not in EDITIONS:
        raise UnknownEdition(edition)
    return edition


@functools.cache
def _schema(edition: str) -> dict[str, Any]:
    return _load(edition, "report.schema.json")


def schema(edition: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report instance in ``edition``.

    Returns the shared, cached document: do not mutate it.
    """
    return _schema(_check(edition))


def schema_id(edition: str) -> str:
    """The absolute, versioned ``$id`` of the edition's schema."""
    return str(schema(edition)["$id"])


@functools.cache
def _relations(edition: str) -> dict[str, Any]:
    return _load(edition, "relations.json")


def relations_document(edition: str) -> dict[str, Any]:
    """The relations file (勾稽关系 declared as data) of ``edition``."""
    return _relations(_check(edition))


@functools.cache
def relations_meta_schema() -> dict[str, Any]:
    """The JSON Schema that every relations file conforms to."""
    return _load("relations.schema.json")


def _documents() -> Iterator[dict[str, Any]]:
    for edition in EDITIONS:
        yield schema(edition)
    yield relations_meta_schema()


def _refuse(uri: str) -> referencing.Resource[Any]:
    # Nothing is ever fetched: an unknown reference is an error, not a download.
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


@functools.cache
def registry() -> referencing.Registry[Any]:
    """A crawled registry of every shipped schema; unknown URIs are refused."""
    resources = [(doc["$id"], DRAFT202012.create_resource(doc)) for doc in _documents()]
    return referencing.Registry(retrieve=_refuse).with_resources(resources).crawl()  # type: ignore[call-arg]
