"""The validator: schema, then relations, then conformance rules, as findings.

Data flows one way: an instance (a ``dict`` or a :class:`~govreport.model.Report`)
and, optionally, the source map of the document it was read from, go in; findings
come out. The validator never reads files.

Edition selection: an explicit ``edition`` argument wins; else the instance's own
``edition``; else it is inferred from the tables (2019-style table 2 → ``"2019"``),
then from the report year. A wrong or missing edition is a finding, never a crash.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import define, field

from govreport import catalogue, engine, schema_check, schemas, tables
from govreport.catalogue import Text
from govreport.findings import Finding, Operand, Severity
from govreport.location import Provenance
from govreport.model import Report

__all__ = ["Result", "RuleStats", "Validator", "select_edition", "validate"]


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
    """The outcome of validating one instance."""

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


def _year(instance: Mapping[str, Any]) -> int | None:
    report = instance.get("report")
    year = report.get("year") if isinstance(report, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def select_edition(instance: Any, edition: str | None = None) -> str:
    """The edition to validate ``instance`` against (see the module docstring)."""
    if edition is not None:
        if edition not in schemas.EDITIONS:
            raise schemas.UnknownEdition(edition)
        return edition
    if not isinstance(instance, dict):
        return schemas.EDITIONS[-1]
    own = instance.get("edition")
    if own in schemas.EDITIONS:
        return str(own)
    table2 = instance.get("active_disclosure")
    if isinstance(table2, dict):
        if table2.keys() & {"other_services", "procurement"}:
            return "2019"
        regulations = table2.get("regulations")
        if isinstance(regulations, dict):
            if regulations.keys() & {"made", "published", "published_total"}:
                return "2019"
            if regulations.keys() & {"issued", "repealed", "in_force"}:
                return "2021"
    year = _year(instance)
    if year is not None and year <= 2020:
        return "2019"
    return schemas.EDITIONS[-1]


def expected_edition(year: int) -> str | None:
    """The edition a report on ``year`` should use (None before the 2019 format)."""
    if year < 2019:
        return None
    return "2019" if year <= 2020 else "2021"


@functools.cache
def _row_plan(edition: str, shape: tables.Shape) -> tuple[tuple[tuple[str, ...], tuple[tuple[int, str], ...]], ...]:
    """Cells grouped by row, so flattening fetches each row object once."""
    plan: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for i, spec in enumerate(tables.cells(edition, shape)):
        plan.setdefault(spec.path[:-1], []).append((i, spec.column))
    return tuple((path, tuple(cols)) for path, cols in plan.items())


def flatten(instance: Mapping[str, Any], edition: str, shape: tables.Shape) -> list[Any]:
    """The value of every table cell in :func:`govreport.tables.cells` order.

    Absent cells are :data:`govreport.engine.MISSING`; blanks are ``None``.
    """
    missing = engine.MISSING
    out: list[Any] = [missing] * len(tables.cells(edition, shape))
    for path, cols in _row_plan(edition, shape):
        node: Any = instance
        for key in path:
            node = node.get(key, missing) if type(node) is dict else missing
            if node is missing:
                break
        if type(node) is not dict:
            continue
        for i, key in cols:
            out[i] = node.get(key, missing)
    return out


def _formula(terms: Sequence[tuple[int, Any]]) -> str:
    parts: list[str] = []
    for weight, value in terms:
        shown = "空" if value is None else str(value)
        magnitude = abs(weight)
        body = shown if magnitude == 1 else f"{magnitude}×{shown}"
        if not parts:
            parts.append(body if weight > 0 else f"−{body}")
        else:
            parts.append(("+ " if weight > 0 else "− ") + body)
    return " ".join(parts) if parts else "0"


_SEP = Text("、", ", ")


class Validator:
    """Validates instances; build once, reuse (validators and relations are cached).

    ``lang`` is the language of messages (``"zh"`` default, or ``"en"``).
    ``blanks_as_zero`` counts blank cells as 0 in relations instead of reporting the
    relation as not assessable; the findings then say so.
    """

    def __init__(self, *, lang: str = "zh", blanks_as_zero: bool = False) -> None:
        if lang not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
        self.lang = lang
        self.blanks_as_zero = blanks_as_zero

    def run(
        self,
        instance: Report | Mapping[str, Any] | Any,
        edition: str | None = None,
        *,
        source_map: Mapping[str, Provenance] | None = None,
        extra: Iterable[Finding] = (),
    ) -> Result:
        """Validate one instance and return every finding, sorted, with relation statistics.

        ``extra`` findings (e.g. from reading the document) are merged into the result.
        """
        data = instance.to_dict() if isinstance(instance, Report) else instance
        chosen = select_edition(data, edition)
        findings = schema_check.schema_findings(data, chosen, lang=self.lang)
        stats: dict[str, RuleStats] = {}
        if isinstance(data, dict):
            shape = tables.shape_of(data) or ("row" if chosen == "2019" else "split")
            values = flatten(data, chosen, shape)
            findings.extend(self._relations(chosen, shape, values, stats, source_map or {}))
            findings.extend(self._conformance(data, chosen, shape, values, source_map or {}))
        findings.extend(extra)
        if source_map:
            findings = [self._locate(f, source_map) for f in findings]
        findings.sort(key=Finding.sort_key)
        return Result(edition=chosen, findings=tuple(findings), relations=stats)

    # -- relations ---------------------------------------------------------------

    def _relations(
        self, edition: str, shape: tables.Shape, values: list[Any],
        stats: dict[str, RuleStats], source_map: Mapping[str, Provenance],
    ) -> list[Finding]:
        out: list[Finding] = []
        counts: dict[str, list[int]] = {}
        zeroed: set[str] = set()
        bindings = engine.compile_relations(edition, shape)
        fails = engine.failing(bindings, values)
        if fails is not None:
            # Every cell is a plain count: tally passes without building outcomes.
            for b in bindings:
                counts.setdefault(b.rule.id, [0, 0, 0])[0] += 1
            for i in fails:
                counts[bindings[i].rule.id][0] -= 1
            outcomes = engine.evaluate([bindings[i] for i in fails], values)
        else:
            outcomes = engine.evaluate(bindings, values, blanks_as_zero=self.blanks_as_zero)
        for outcome in outcomes:
            rule = outcome.binding.rule
            tally = counts.setdefault(rule.id, [0, 0, 0])
            if outcome.status == "pass":
                tally[0] += 1
            elif outcome.status == "fail":
                tally[1] += 1
                out.append(self._failure(outcome, source_map))
            else:
                tally[2] += 1
                out.append(self._not_assessable(outcome, source_map))
            zeroed.update(r.pointer for r in outcome.zeroed)
        for rule in catalogue.rules(edition):
            if rule.kind == "relation":
                p, f, n = counts.get(rule.id, [0, 0, 0])
                stats[rule.id] = RuleStats(passed=p, failed=f, not_assessable=n)
        if zeroed:
            out.append(catalogue.finding("BLANKS-AS-ZERO", "", "", {"count": len(zeroed)}, self.lang,
                                         actual=len(zeroed)))
        return out

    def _operands(self, outcome: engine.Outcome, source_map: Mapping[str, Provenance]) -> tuple[Operand, ...]:
        b = outcome.binding
        refs = [(0, b.total, "total")] + [(w, r, "term") for w, r in b.terms]
        out = []
        for (weight, ref, role), value in zip(refs, outcome.values):
            prov = source_map.get(ref.pointer)
            out.append(Operand(
                pointer=ref.pointer, label=ref.label,
                value=None if value is engine.MISSING else value,
                weight=1 if role == "total" else weight, role=role,
                location=prov.location if prov else None,
            ))
        return tuple(out)

    def _failure(self, outcome: engine.Outcome, source_map: Mapping[str, Provenance]) -> Finding:
        b = outcome.binding
        term_values = [(w, v) for (w, _), v in zip(b.terms, outcome.values[1:])]
        args: dict[str, Any] = dict(b.args)
        args.update(
            expected=outcome.expected, actual=outcome.actual,
            difference=outcome.actual - outcome.expected, formula=_formula(term_values),
            label=b.total.label,
        )
        template = ""
        if outcome.zeroed:
            args["blanks"] = Text(
                "、".join(r.label for r in outcome.zeroed), ", ".join(r.label for r in outcome.zeroed)
            )
            template = f"{b.rule.id}:as-zero"
        return catalogue.finding(
            b.rule.id, b.total.pointer, b.total.label, args, self.lang, template=template,
            expected=outcome.expected, actual=outcome.actual, operands=self._operands(outcome, source_map),
        )

    def _not_assessable(self, outcome: engine.Outcome, source_map: Mapping[str, Provenance]) -> Finding:
        b = outcome.binding
        args: dict[str, Any] = {"title": b.rule.title, "binding": b.binding}
        if outcome.missing:
            variant = "missing"
            args["missing"] = Text("、".join(r.label for r in outcome.missing),
                                   ", ".join(r.label for r in outcome.missing))
        else:
            variant = "not-assessable"
            args["blanks"] = Text("、".join(r.label for r in outcome.blanks),
                                  ", ".join(r.label for r in outcome.blanks))
        return catalogue.finding(
            b.rule.id, b.total.pointer, b.total.label, args, self.lang, template=f"{b.rule.id}:{variant}",
            severity=Severity.INFO, operands=self._operands(outcome, source_map),
        )

    # -- conformance -------------------------------------------------------------

    def _make(self, rule: str, ptr: str, label: str, args: dict[str, Any], *, template: str = "",
              expected: Any = None, actual: Any = None) -> Finding:
        return catalogue.finding(rule, ptr, label, args, self.lang, template=template,
                                 expected=expected, actual=actual)

    def _conformance(
        self, data: dict[str, Any], edition: str, shape: tables.Shape, values: list[Any],
        source_map: Mapping[str, Provenance],
    ) -> list[Finding]:
        out: list[Finding] = []
        for spec, value in zip(tables.cells(edition, shape), values):
            if value is not None:
                continue
            prov = source_map.get(spec.pointer)
            raw = prov.raw.strip() if prov and prov.raw else ""
            blank_args: dict[str, Any] = {"label": spec.label, "raw": raw}
            template = ("CELL-BLANK:undetermined" if prov and prov.undetermined
                        else "CELL-BLANK:raw" if raw else "")
            out.append(self._make("CELL-BLANK", spec.pointer, spec.label, blank_args,
                                  template=template, actual=raw or None))
        stated = data.get("edition")
        year = _year(data)
        if year is not None and stated in schemas.EDITIONS:
            expected = expected_edition(year)
            if expected is None:
                args: dict[str, Any] = {"year": year, "actual": stated}
                out.append(self._make("FMT-EDITION", "/edition", tables.label(edition, "/edition"), args,
                                      template="FMT-EDITION:early", actual=stated))
            elif expected != stated:
                args = {"year": year, "expected": expected, "actual": stated}
                out.append(self._make("FMT-EDITION", "/edition", tables.label(edition, "/edition"), args,
                                      expected=expected, actual=stated))
        actual_shape = tables.shape_of(data)
        ptr = tables.OTHER_HANDLING
        if actual_shape == "row" and edition == "2021":
            out.append(self._make("FMT-SHAPE", ptr, tables.label(edition, ptr, "row"), {"edition": edition},
                                  expected="split", actual="row"))
        elif actual_shape == "split" and edition == "2019":
            out.append(self._make("FMT-SHAPE", ptr, tables.label(edition, ptr, "split"), {"edition": edition},
                                  template="FMT-SHAPE:split-in-2019", expected="row", actual="split"))
        return out

    @staticmethod
    def _locate(finding: Finding, source_map: Mapping[str, Provenance]) -> Finding:
        """Attach where the value was read; for something absent, where its parent is."""
        if finding.location is not None:
            return finding
        path = tables.split_pointer(finding.pointer)
        for depth in range(len(path), -1, -1):
            prov = source_map.get(tables.pointer(path[:depth]))
            if prov is not None:
                return attrs.evolve(finding, location=prov.location)
        return finding


@functools.cache
def _default(lang: str, blanks_as_zero: bool) -> Validator:
    return Validator(lang=lang, blanks_as_zero=blanks_as_zero)


def validate(
    report: Report | Mapping[str, Any] | Any,
    edition: str | None = None,
    *,
    lang: str = "zh",
    blanks_as_zero: bool = False,
    source_map: Mapping[str, Provenance] | None = None,
) -> list[Finding]:
    """Validate a report instance and return its findings (errors first).

    ``report`` is a :class:`~govreport.model.Report` or a JSON instance (``dict``).
    See :class:`Validator` for the options; :meth:`Validator.run` also returns
    relation statistics.
    """
    result = _default(lang, blanks_as_zero).run(report, edition, source_map=source_map)
    return list(result.findings)
