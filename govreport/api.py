"""The small public API: thin compositions of the layers below.

``read`` turns any supported file into a :class:`~govreport.reading.Reading` (instance
+ source map + what reading observed); ``validate`` checks an instance; ``check``
reads and validates; ``load`` gives the typed model; ``schema``, ``relations`` and
``rules`` give the contract.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from typing import Any

from govreport.contract import catalogue, schemas
from govreport.contract.catalogue import Rule
from govreport.contract.model import Report
from govreport.extract import parse_document
from govreport.findings import Finding, Result
from govreport.location import Provenance
from govreport.reading import Reading
from govreport.sources import JSON, MAX_BYTES, Limits, read_file, read_source
from govreport.sources.encoding import split_bom
from govreport.sources.jsonlines import load_record
from govreport.sources.jsonpos import SourceMap
from govreport.validation import Validator

__all__ = [
    "MAX_BYTES", "Limits", "check", "check_bytes", "load", "read", "read_bytes", "read_record", "relations", "rules", "schema", "validate",
]


def read(path: str | os.PathLike[str], *, limits: Limits | None = None, ocr: str = "auto") -> Reading:
    """Read a report file of any supported type (JSON instance, text, Markdown, HTML, DOCX, PDF,
    and scanned PDFs and images by OCR).

    ``limits`` bounds the work reading may do (:mod:`govreport.sources.limits`; default:
    the environment variables, else the documented defaults). ``ocr``: ``auto`` reads
    PDFs without a usable text layer and image files (PNG, JPEG, TIFF) by OCR (extra
    ``ocr``); ``always`` reads every PDF by OCR; ``never`` refuses scanned files. An HTML
    page's table pictures named by a relative ``src`` are looked for next to the file.
    """
    name = os.fspath(path)
    return read_bytes(read_file(name, name), name=name, limits=limits, ocr=ocr,
                      directory=os.path.dirname(os.path.abspath(name)))


def read_bytes(data: bytes, *, name: str, limits: Limits | None = None, ocr: str = "auto",
               directory: str | None = None) -> Reading:
    """Like :func:`read`, for bytes already in memory (``name`` is how errors name them;
    ``directory``, if given, is where an HTML page's relative pictures are: without it
    they are not read)."""
    limits = limits or Limits()
    source = read_source(data, name=name, limits=limits, ocr=ocr, directory=directory)
    if source.media_type == JSON:
        assert source.instance is not None
        # Findings on a JSON file point at the line and column of the value in that file;
        # the file is walked for them only when a finding asks where it is.
        source_map = SourceMap(split_bom(data)[1].decode("utf-8"))  # read_source accepted it as UTF-8
        return Reading(name=name, media_type=JSON, instance=source.instance, source_map=source_map)
    assert source.document is not None
    reading = parse_document(source.document, limits=limits)
    return Reading(name=name, media_type=reading.media_type, instance=reading.instance,
                   source_map=reading.source_map, observations=reading.observations)


def read_record(data: bytes, *, name: str, line: int) -> Reading:
    """One record of a JSON Lines stream: the report instance on line ``line`` (``name``
    names the record, e.g. ``corpus.jsonl:17``). Findings and errors give lines and
    columns in the stream, so line ``line`` is where the instance starts."""
    instance = load_record(data, name, line)
    source_map = SourceMap(split_bom(data)[1].decode("utf-8"), first_line=line)  # load_record accepted it as UTF-8
    return Reading(name=name, media_type=JSON, instance=instance, source_map=source_map)


def load(path: str | os.PathLike[str]) -> Report:
    """Read a report file into the typed :class:`~govreport.contract.model.Report` model.

    Raises :class:`~govreport.sources.errors.ReadError` for unusable input and
    ``ValueError``/``TypeError`` when the instance does not fit the model (validate it
    first to see why).
    """
    return Report.from_dict(read(path).instance)


def validate(
    report: Report | Mapping[str, Any] | Any,
    edition: str | None = None,
    *,
    lang: str = "zh",
    blanks_as_zero: bool = False,
    source_map: Mapping[str, Provenance] | None = None,
    level: str | None = None,
    published_on: datetime.date | str | None = None,
    township_deadline: tuple[int, int] | str | None = None,
) -> list[Finding]:
    """Validate a report instance and return its findings (errors first).

    ``report`` is a :class:`~govreport.contract.model.Report` or a JSON instance
    (``dict``); any value in any cell gives a finding, never an exception. See
    :class:`~govreport.validation.Validator` for the options; its ``run`` also returns
    relation statistics, and for ``level``, ``published_on`` and ``township_deadline``
    (the document rules' overrides).
    """
    validator = Validator(lang=lang, blanks_as_zero=blanks_as_zero, level=level, published_on=published_on,
                          township_deadline=township_deadline)
    return list(validator.run(report, edition, source_map=source_map).findings)


def check_reading(reading: Reading, edition: str | None = None, *, lang: str = "zh",
                  blanks_as_zero: bool = False, level: str | None = None,
                  published_on: datetime.date | str | None = None,
                  township_deadline: tuple[int, int] | str | None = None) -> Result:
    """Validate what reading gave: the instance, located in its source, and the observations.

    ``level``, ``published_on`` and ``township_deadline`` override what the document
    rules take from the report (see :class:`~govreport.validation.Validator`).
    """
    validator = Validator(lang=lang, blanks_as_zero=blanks_as_zero, level=level, published_on=published_on,
                          township_deadline=township_deadline)
    return validator.run(reading.instance, edition, source_map=reading.source_map,
                         observations=reading.observations)


def check(
    path: str | os.PathLike[str],
    edition: str | None = None,
    *,
    lang: str = "zh",
    blanks_as_zero: bool = False,
    level: str | None = None,
    published_on: datetime.date | str | None = None,
    township_deadline: tuple[int, int] | str | None = None,
) -> Result:
    """Read and validate a report file; findings carry source locations when known.

    ``level``, ``published_on`` and ``township_deadline`` override what the document
    rules take from the report (see :class:`~govreport.validation.Validator`).
    """
    return check_reading(read(path), edition, lang=lang, blanks_as_zero=blanks_as_zero, level=level,
                         published_on=published_on, township_deadline=township_deadline)


def check_bytes(
    data: bytes,
    *,
    name: str,
    edition: str | None = None,
    lang: str = "zh",
    blanks_as_zero: bool = False,
    level: str | None = None,
    published_on: datetime.date | str | None = None,
    township_deadline: tuple[int, int] | str | None = None,
) -> Result:
    """Like :func:`check`, for bytes already in memory (an upload, a download)."""
    return check_reading(read_bytes(data, name=name), edition, lang=lang, blanks_as_zero=blanks_as_zero,
                         level=level, published_on=published_on, township_deadline=township_deadline)


def schema(edition: str = schemas.EDITIONS[-1]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``edition`` (a shared object: do not mutate)."""
    return schemas.schema(edition)


def relations(edition: str = schemas.EDITIONS[-1]) -> dict[str, Any]:
    """The relations file (勾稽关系 as data) of ``edition``."""
    return schemas.relations_document(edition)


def rules(edition: str | None = None) -> list[Rule]:
    """The rule catalogue: every rule that applies to ``edition`` (all editions if None)."""
    return catalogue.rules(edition)
