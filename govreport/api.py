"""The small public API: read a file, load a report, check it.

``read`` turns any supported file into a :class:`Reading` (instance + source map +
what reading found); ``check`` reads and validates; ``load`` gives the typed model.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import define, field

from govreport.findings import Finding
from govreport.location import Provenance
from govreport.model import Report
from govreport.readers import MAX_BYTES, read_file
from govreport.readers.errors import ReadError
from govreport.readers.instance import load_instance
from govreport.readers.jsonpos import positions
from govreport.validate import Result, Validator

__all__ = ["MAX_BYTES", "Reading", "check", "load", "read", "read_bytes"]


JSON_TYPE = "application/json"


@define(frozen=True, kw_only=True)
class Reading:
    """What reading one file gave.

    ``instance`` is the JSON report instance (possibly partial for a document);
    ``source_map`` maps JSON Pointers to where each value was read; ``findings`` are
    what reading noticed (ambiguous cells, unusual labels, missing tables…);
    ``media_type`` is the sniffed type of the input.
    """

    name: str
    media_type: str
    instance: dict[str, Any]
    source_map: Mapping[str, Provenance] = field(factory=dict)
    findings: tuple[Finding, ...] = ()


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of ``path``, or a :class:`ReadError` naming the file (size-limited)."""
    name = os.fspath(path)
    return read_file(name, name)


def _looks_like_json(data: bytes, name: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head == b"{" or Path(name).suffix.lower() == ".json"


def read(path: str | os.PathLike[str], *, lang: str = "zh") -> Reading:
    """Read a report file of any supported type (JSON instance, text, Markdown, HTML, DOCX, PDF)."""
    name = os.fspath(path)
    data = read_bytes(name)
    return read_data(data, name=name, lang=lang)


def read_data(data: bytes, *, name: str, lang: str = "zh") -> Reading:
    """Like :func:`read`, for bytes already in memory."""
    if not data.strip():
        raise ReadError(name, "empty")
    if _looks_like_json(data, name):
        instance = load_instance(data, name)
        # Findings on a JSON file point at the line and column of the value in that file.
        where = positions(data.decode("utf-8-sig"))
        source_map = {ptr: Provenance(location=loc) for ptr, loc in where.items()}
        return Reading(name=name, media_type=JSON_TYPE, instance=instance, source_map=source_map)
    from govreport.extract import read_report  # documents: heavier machinery, loaded on demand

    return read_report(data, name=name, lang=lang)


def load(path: str | os.PathLike[str]) -> Report:
    """Read a report file into the typed :class:`~govreport.model.Report` model.

    Raises :class:`ReadError` for unusable input and ``ValueError``/``TypeError`` when
    the instance does not fit the model (validate it first to see why).
    """
    return Report.from_dict(read(path).instance)


def check(
    path: str | os.PathLike[str],
    edition: str | None = None,
    *,
    lang: str = "zh",
    blanks_as_zero: bool = False,
) -> Result:
    """Read and validate a report file; findings carry source locations when known."""
    reading = read(path, lang=lang)
    validator = Validator(lang=lang, blanks_as_zero=blanks_as_zero)
    return validator.run(reading.instance, edition, source_map=reading.source_map, extra=reading.findings)
