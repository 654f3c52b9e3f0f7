"""govreport: read and validate China's government information disclosure annual reports.

政府信息公开工作年度报告 → validated, machine-readable data.

The public API (semantic versioning applies to these names only):

* :func:`read`, :func:`read_bytes`, :func:`load`, :func:`check`, :func:`check_bytes`,
  :func:`check_reading` — read a file (JSON instance or a text/Markdown/HTML/DOCX/PDF document) into a
  :class:`Reading` / a model / a :class:`Result`;
* :func:`validate`, :class:`Validator`, :class:`Result` — validate an instance;
* :func:`check_many`, :func:`expand`, :class:`Outcome` — many documents, in input order, on
  a process pool or any ``concurrent.futures`` executor (:mod:`govreport.batch`);
* :func:`schema`, :func:`relations`, :func:`rules`, :data:`EDITIONS` — the contract;
* :class:`Report` (and the other classes in :mod:`govreport.contract.model`),
  :class:`Finding`, :class:`Operand`, :class:`Severity`, :class:`Location`,
  :class:`Provenance`, :class:`Reading`, :class:`Observation`, :class:`ReadError`, :class:`Rule`;
* :mod:`govreport.strategies` — Hypothesis strategies for property-based tests.
"""

from __future__ import annotations

from govreport.api import (
    check,
    check_bytes,
    check_reading,
    load,
    read,
    read_bytes,
    relations,
    rules,
    schema,
    validate,
)
from govreport.batch import Outcome, check_many, expand
from govreport.contract.catalogue import Rule
from govreport.contract.model import Report
from govreport.contract.schemas import EDITIONS
from govreport.findings import Finding, Operand, Result, Severity
from govreport.location import Location, Provenance
from govreport.reading import Observation, Reading
from govreport.sources.errors import ReadError
from govreport.validation import Validator
from govreport.version import __version__

__all__ = [
    "EDITIONS",
    "Finding",
    "Location",
    "Observation",
    "Operand",
    "Outcome",
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
    "check_bytes",
    "check_many",
    "check_reading",
    "expand",
    "load",
    "read",
    "read_bytes",
    "relations",
    "rules",
    "schema",
    "validate",
]
