"""JSON output: one object per checked file (JSON Lines when several files are checked).

:func:`dumps` writes anything govreport gives — an instance (its amounts are
:class:`~decimal.Decimal`), a :class:`~govreport.findings.Result`, a finding, a
:class:`~govreport.reading.Reading` — and :func:`jsonable` turns the same values into
plain JSON-ready data. A decimal is a JSON number when a double holds it exactly, else
its exact digits as a string: never a silently different number.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from govreport.contract import catalogue
from govreport.findings import Finding, Operand, Result, RuleStats, json_value
from govreport.location import Location, Provenance
from govreport.reading import Observation, Reading
from govreport.sources.errors import ReadError

__all__ = ["dumps", "error_object", "jsonable", "result_object"]


def _observation(o: Observation) -> dict[str, Any]:
    return {"rule": o.rule, "pointer": o.pointer, "args": o.args, "template": o.template, "label": o.label,
            "expected": o.expected, "actual": o.actual,
            "location": o.location.to_dict() if o.location is not None else None}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_value(value)
    if isinstance(value, Result):
        return {"edition": value.edition, "valid": value.valid, "counts": value.counts(),
                "relations": {rule: stats.to_dict() for rule, stats in value.relations.items()},
                "findings": [f.to_dict() for f in value.findings]}
    if isinstance(value, (Finding, Operand, Location, Provenance, RuleStats)):
        return value.to_dict()
    if isinstance(value, Reading):
        return {"name": value.name, "media_type": value.media_type, "instance": value.instance,
                "source_map": {ptr: prov.to_dict() for ptr, prov in value.source_map.items()},
                "observations": [_observation(o) for o in value.observations]}
    if isinstance(value, Observation):
        return _observation(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dicts, lists, str, int, float, bool, None).

    Instances, results, findings, readings, locations and decimals are converted as
    :func:`dumps` writes them; anything else that JSON cannot hold raises ``TypeError``.
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return json_value(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return jsonable(_default(value))


def dumps(value: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` that writes decimals as numbers and keeps Chinese readable."""
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_default)


def result_object(file: str, result: Result, *, lang: str = "zh") -> dict[str, Any]:
    """The ``--format json`` object of a file that could be validated."""
    findings = [catalogue.localise(f, lang).to_dict() for f in result.findings]
    return {
        "file": file,
        "edition": result.edition,
        "valid": result.valid,
        "counts": result.counts(),
        "relations": {rule: stats.to_dict() for rule, stats in result.relations.items()},
        "findings": findings,
    }


def error_object(file: str, error: ReadError, *, lang: str = "zh") -> dict[str, Any]:
    """The ``--format json`` object of a file that could not be used (exit code 2)."""
    return {
        "file": file,
        "edition": None,
        "valid": False,
        "error": {"code": error.code, "message": error.reason(lang), "where": error.where},
        "counts": None,
        "findings": [],
    }
