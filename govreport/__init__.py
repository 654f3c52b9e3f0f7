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

import importlib

from govreport.version import __version__

# Not typing.TYPE_CHECKING: importing typing alone would double the cost of this import.
# Type checkers treat any constant of this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, for type checkers and the layer test's import graph
    from typing import Any

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

#: Where each public name lives. ``import govreport`` loads none of them: a name's module
#: (and what it needs: schemas, jsonschema, the readers) is imported on first use
#: (PEP 562), so a command or a worker pays only for what it calls.
_HOMES = {
    **dict.fromkeys(("check", "check_bytes", "check_reading", "load", "read", "read_bytes", "relations", "rules",
                     "schema", "validate"), "govreport.api"),
    **dict.fromkeys(("Outcome", "check_many", "expand"), "govreport.batch"),
    "Rule": "govreport.contract.catalogue",
    "Report": "govreport.contract.model",
    "EDITIONS": "govreport.contract.schemas",
    **dict.fromkeys(("Finding", "Operand", "Result", "Severity"), "govreport.findings"),
    **dict.fromkeys(("Location", "Provenance"), "govreport.location"),
    **dict.fromkeys(("Observation", "Reading"), "govreport.reading"),
    "ReadError": "govreport.sources.errors",
    "Validator": "govreport.validation",
}


del TYPE_CHECKING


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'govreport' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


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
