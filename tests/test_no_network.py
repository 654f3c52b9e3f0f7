"""No network, ever: reading and validating every kind of input with sockets blocked.

Every way to open a connection is replaced by one that fails the test, then the
corpus (text, Markdown, HTML, DOCX, PDF), the seed's JSON instance and the hostile
builders are read and validated, and the schemas are used with a remote ``$ref``
(refused, not fetched). A reader that fetched a DTD, an external entity, a remote
image or a font would fail here.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import referencing.exceptions
from jsonschema import Draft202012Validator

import govreport
from govreport import ReadError
from govreport.api import check_bytes
from govreport.contract import schemas
from tests import hostile_inputs as h

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(p for p in (ROOT / "tests/corpus/files").iterdir() if p.name != "SOURCES.md")


class NetworkUsed(AssertionError):
    pass


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NetworkUsed(f"network use attempted: {args!r}")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []

    class _Socket(socket.socket):
        def connect(self, address: Any) -> None:
            attempts.append(repr(address))
            raise NetworkUsed(f"connect to {address!r}")

        def connect_ex(self, address: Any) -> int:
            attempts.append(repr(address))
            raise NetworkUsed(f"connect to {address!r}")

    monkeypatch.setattr(socket, "socket", _Socket)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "gethostbyname", _refuse)
    yield attempts
    assert not attempts


def test_the_blocking_works(no_network: list[str]) -> None:
    """The test would notice: a connection attempt fails."""
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.invalid", 80))
    with pytest.raises(NetworkUsed):
        socket.socket().connect(("192.0.2.1", 80))
    no_network.clear()


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_reads_and_validates_offline(path: Path, no_network: list[str]) -> None:
    pytest.importorskip("docx")
    pytest.importorskip("pdfplumber")
    try:
        govreport.check(path)
    except ReadError:
        pass  # refused is fine; reaching for the network is not


def test_hostile_builders_read_offline(no_network: list[str]) -> None:
    remote = (
        b'<?xml version="1.0"?><!DOCTYPE html SYSTEM "http://192.0.2.1/x.dtd">'
        b'<html><body><img src="http://192.0.2.1/t.png"><p>x</p></body></html>'
    )
    entity = h.docx_package(
        '<w:p><w:r><w:t>&ext;</w:t></w:r></w:p>'
    ).replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
              b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY ext SYSTEM "http://192.0.2.1/e">]>')
    for data, name in [
        (h.seed_text("cells").encode(), "r.txt"),
        (remote, "r.html"),
        (entity, "r.docx"),
        (h.pdf_pages(2, "Hello"), "r.pdf"),
        ((ROOT / "examples/chaotian-2021.json").read_bytes(), "r.json"),
    ]:
        try:
            check_bytes(data, name=name)
        except ReadError:
            pass


def test_remote_refs_are_refused_offline(no_network: list[str]) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "http://192.0.2.1/remote.json"}
    validator = Draft202012Validator(schema, registry=schemas.registry())
    with pytest.raises(referencing.exceptions.Unresolvable):
        validator.is_valid({})
