"""One finding type for everything the validator or a reader reports.

A finding names the rule (stable id), its severity, the cell or node it is about as an
RFC 6901 JSON Pointer and as the official Chinese label path, a message (Chinese by
default, English on request), the expected and actual values, every operand involved,
and where in the source document the value was read, when known.
"""

from __future__ import annotations

import enum
import math
from decimal import Decimal
from typing import Any

from attrs import define, field

from govreport.location import Location

__all__ = ["STAGES", "Finding", "Operand", "Result", "RuleStats", "Severity", "json_value"]

#: The stages of checking, in the order they run: what reading the document noticed,
#: the JSON Schema, the arithmetic relations, the cells, the format (edition and
#: layout), the document around the tables, and a collection of reports.
STAGES = ("read", "schema", "relations", "cells", "format", "document", "collection")


class Severity(str, enum.Enum):
    """How serious a finding is. ``error`` makes a report invalid (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def label(self, lang: str = "zh") -> str:
        return _SEVERITY_LABELS[self][0 if lang == "zh" else 1]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SEVERITY_LABELS = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.INFO: ("提示", "info"),
}


#: Python refuses to turn an int of more than 4300 digits into text (``sys.get_int_max_str_digits``).
_MAX_INT_BITS = 14_000


def json_value(value: Any) -> Any:
    """A value as it should appear in JSON output (decimals as numbers, exactly when possible).

    What JSON cannot hold as a number is written as text: NaN and the infinities
    (``"NaN"``, ``"Infinity"``), ints too long for Python to print (rounded,
    scientific form) and decimals that a double would round (their exact digits), so
    the output is always valid JSON and never a silently different number.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(Decimal(value))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
        return f"{Decimal(value):.6E}"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        if value.adjusted() < 15 and value == value.to_integral_value():
            return int(value)
        # A double holds most amounts exactly; one it would round is written as its digits.
        number = float(value)
        if math.isfinite(number) and Decimal(repr(number)) == value:
            return number
        return format(value, "f") if abs(value.adjusted()) < 100 else str(value)
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    return value


@define(frozen=True, kw_only=True, slots=True)
class Operand:
    """One cell taking part in a relation.

    ``role`` is ``"total"`` for the cell the relation checks, ``"term"`` for a cell that
    contributes ``weight × value`` to the expected total.
    """

    pointer: str
    label: str
    value: Any
    weight: int = 1
    role: str = "term"
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pointer": self.pointer,
            "label": self.label,
            "value": json_value(self.value),
            "role": self.role,
            "weight": self.weight,
        }
        if self.location is not None:
            out["location"] = self.location.to_dict()
        return out


@define(frozen=True, kw_only=True, slots=True)
class Finding:
    """Something a rule says about one place in a report.

    ``template`` names the message template (the rule id, or ``RULE:variant``) and
    ``args`` are its named arguments, kept so that the message can be rendered again in
    another language (:func:`govreport.contract.catalogue.localise`). ``stage`` is the
    stage of checking that made it, one of :data:`STAGES`.
    """

    rule: str
    severity: Severity
    pointer: str
    label: str
    message: str
    expected: Any = None
    actual: Any = None
    operands: tuple[Operand, ...] = ()
    location: Location | None = None
    stage: str
    args: dict[str, Any] = field(factory=dict, eq=False, repr=False)
    template: str = field(default="", eq=False, repr=False)
    lang: str = field(default="zh", eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready object (the ``findings`` items of ``--format json``)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "pointer": self.pointer,
            "label": self.label,
            "message": self.message,
            "expected": json_value(self.expected),
            "actual": json_value(self.actual),
            "operands": [o.to_dict() for o in self.operands],
            "location": self.location.to_dict() if self.location is not None else None,
            "stage": self.stage,
        }
        return out


@define(frozen=True, kw_only=True, slots=True)
class RuleStats:
    """How often a relation held, failed, or could not be assessed (blank operands)."""

    passed: int = 0
    failed: int = 0
    not_assessable: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"passed": self.passed, "failed": self.failed, "not_assessable": self.not_assessable}


@define(frozen=True, kw_only=True)
class Result:
    """The outcome of validating one instance: its edition, findings and relation statistics."""

    edition: str
    findings: tuple[Finding, ...]
    relations: dict[str, RuleStats] = field(factory=dict)

    @property
    def valid(self) -> bool:
        """True when there is no error-severity finding."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def counts(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in Severity}
