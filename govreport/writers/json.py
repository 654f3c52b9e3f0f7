"""JSON output: one object per checked file (JSON Lines when several files are checked)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from govreport.contract import catalogue
from govreport.findings import Result, json_value
from govreport.sources.errors import ReadError

__all__ = ["dumps", "error_object", "result_object"]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_value(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


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
