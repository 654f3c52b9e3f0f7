"""govreport: read and validate China's government information disclosure annual reports.

政府信息公开工作年度报告 → validated, machine-readable data.

The public API (semantic versioning applies to these names only):

* :func:`read`, :func:`load`, :func:`check` — read a file (JSON instance or a
  text/Markdown/HTML/DOCX/PDF document) into an instance / a model / findings;
* :func:`validate`, :class:`Validator`, :class:`Result` — validate an instance;
* :func:`schema`, :func:`relations`, :func:`rules`, :data:`EDITIONS` — the contract;
* :class:`Report` (and the other classes in :mod:`govreport.model`),
  :class:`Finding`, :class:`Operand`, :class:`Severity`, :class:`Location`,
  :class:`Provenance`, :class:`Reading`, :class:`ReadError`, :class:`Rule`;
* :mod:`govreport.strategies` — Hypothesis strategies for property-based tests.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from govreport.api import Reading, check, load, read
from govreport.catalogue import Rule
from govreport.findings import Finding, Operand, Severity
from govreport.location import Location, Provenance
from govreport.model import Report
from govreport.readers.errors import ReadError
from govreport.schemas import EDITIONS
from govreport.validate import Result, Validator, validate

__all__ = [
    "EDITIONS",
    "Finding",
    "Location",
    "Operand",
    "Provenance",
    "ReadError",
    "Reading",
    "Report",
    "Result",
    "Rule",
    "Severity",
    "Validator",
    "__version__",
    "check",
    "load",
    "read",
    "relations",
    "rules",
    "schema",
    "validate",
]


def schema(edition: str = EDITIONS[-1]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``edition`` (a shared object: do not mutate)."""
    from govreport import schemas

    return schemas.schema(edition)


def relations(edition: str = EDITIONS[-1]) -> dict[str, Any]:
    """The relations file (勾稽关系 as data) of ``edition``."""
    from govreport import schemas

    return schemas.relations_document(edition)


def rules(edition: str | None = None) -> list[Rule]:
    """The rule catalogue: every rule that applies to ``edition`` (all editions if None)."""
    from govreport import catalogue

    return catalogue.rules(edition)
