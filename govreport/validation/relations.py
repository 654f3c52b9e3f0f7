"""The arithmetic relations (勾稽关系) as findings: each failing relation names its total
cell, the expected and actual values and every operand; a relation with a blank or
missing operand is *not assessable* (info), never a silent pass."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

from govreport.contract import catalogue, relations, tables
from govreport.findings import Finding, Operand, RuleStats, Severity
from govreport.messages import Text
from govreport.validation.context import Context, printable

__all__ = ["RelationsCheck"]


def _formula(terms: Sequence[tuple[int, Any]]) -> str:
    parts: list[str] = []
    for weight, value in terms:
        shown = "空" if value is None else str(printable(value))
        magnitude = abs(weight)
        body = shown if magnitude == 1 else f"{magnitude}×{shown}"
        if not parts:
            parts.append(body if weight > 0 else f"−{body}")
        else:
            parts.append(("+ " if weight > 0 else "− ") + body)
    return " ".join(parts) if parts else "0"


#: A list of more cells than this names the first few and counts the rest.
_SHOWN = 4


def _labels(refs: Sequence[relations.CellRef]) -> Text:
    """The cells' labels, short: the part all of them share is said once, before them.

    ``表三 › 一、本年新收… › 法人或其他组织 › 商业企业`` and ``… › 科研机构`` become
    ``表三 › 一、本年新收… › 法人或其他组织：商业企业、科研机构``; beyond :data:`_SHOWN`
    cells the rest are counted, not listed (a message stays one readable line).
    """
    paths = [r.label.split(tables.SEP) for r in refs]
    common = 0
    if len(paths) > 1:
        while all(len(p) > common + 1 for p in paths) and len({p[common] for p in paths}) == 1:
            common += 1
    head = tables.SEP.join(paths[0][:common]) if common else ""
    names = [tables.SEP.join(p[common:]) for p in paths]
    more = len(names) - _SHOWN if len(names) > _SHOWN + 1 else 0
    shown = names[:_SHOWN] if more else names
    zh = "、".join(shown) + (f"等{len(names)}个单元格" if more else "")
    en = ", ".join(shown) + (f" and {more} more cells" if more else "")
    if head:
        return Text(f"{head}：{zh}", f"{head}: {en}")
    return Text(zh, en)


@functools.lru_cache(maxsize=4096)
def _operand(pointer: str, label: str, value: int | None, weight: int, role: str) -> Operand:
    """An operand without a location, shared: most cells hold the same few counts.
    Only for a blank or a plain int, so that equal keys are identical values (1.0, True
    and Decimal 1 equal 1 but are kept as given)."""
    return Operand(pointer=pointer, label=label, value=value, weight=weight, role=role)


class RelationsCheck:
    """T3-BALANCE, T3-OUTCOMES, T3-ROW-TOTAL, T4-TOTAL (declared in ``relations.json``)."""

    stage = "relations"
    rules = frozenset({"T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL", "BLANKS-AS-ZERO"})

    def run(self, context: Context) -> Iterator[Finding]:
        values = context.values
        if values is None:
            return
        counts: dict[str, list[int]] = {}
        zeroed: set[str] = set()
        bindings = relations.compile_relations(context.edition, context.shape)
        looked_at = relations.to_evaluate(bindings, values)
        if looked_at is not None:
            # Every other binding reads plain counts only and holds: tally it without an outcome.
            for b in bindings:
                counts.setdefault(b.rule.id, [0, 0, 0])[0] += 1
            for i in looked_at:
                counts[bindings[i].rule.id][0] -= 1
            outcomes = relations.evaluate([bindings[i] for i in looked_at], values,
                                          blanks_as_zero=context.blanks_as_zero)
        else:
            outcomes = relations.evaluate(bindings, values, blanks_as_zero=context.blanks_as_zero)
        for outcome in outcomes:
            tally = counts.setdefault(outcome.binding.rule.id, [0, 0, 0])
            if outcome.status == "pass":
                tally[0] += 1
            elif outcome.status == "fail":
                tally[1] += 1
                yield self._failure(context, outcome)
            else:
                tally[2] += 1
                yield self._not_assessable(context, outcome)
            zeroed.update(r.pointer for r in outcome.zeroed)
        for rule in catalogue.rules(context.edition):
            if rule.kind == "relation":
                p, f, n = counts.get(rule.id, [0, 0, 0])
                context.stats[rule.id] = RuleStats(passed=p, failed=f, not_assessable=n)
        if zeroed:
            yield context.finding("BLANKS-AS-ZERO", "", {"count": len(zeroed)}, label="", actual=len(zeroed),
                                  stage=self.stage)

    @staticmethod
    def _operands(context: Context, outcome: relations.Outcome) -> tuple[Operand, ...]:
        b = outcome.binding
        refs = [(1, b.total, "total")] + [(w, r, "term") for w, r in b.terms]
        located = bool(context.source_map)
        out = []
        for (weight, ref, role), value in zip(refs, outcome.values):
            if value is relations.MISSING:
                value = None
            prov = context.provenance(ref.pointer) if located else None
            if prov is None and (value is None or type(value) is int):
                out.append(_operand(ref.pointer, ref.label, value, weight, role))
            else:
                out.append(Operand(pointer=ref.pointer, label=ref.label, value=value, weight=weight, role=role,
                                   location=prov.location if prov else None))
        return tuple(out)

    def _failure(self, context: Context, outcome: relations.Outcome) -> Finding:
        b = outcome.binding
        term_values = [(w, v) for (w, _), v in zip(b.terms, outcome.values[1:])]
        args: dict[str, Any] = dict(b.args)
        args.update(
            expected=printable(outcome.expected), actual=printable(outcome.actual),
            difference=printable(outcome.actual - outcome.expected), formula=_formula(term_values),
            label=b.total.label,
        )
        template = ""
        if outcome.zeroed:
            args["blanks"] = _labels(outcome.zeroed)
            template = f"{b.rule.id}:as-zero"
        return context.finding(
            b.rule.id, b.total.pointer, args, label=b.total.label, template=template, stage=self.stage,
            expected=outcome.expected, actual=outcome.actual, operands=self._operands(context, outcome),
        )

    def _not_assessable(self, context: Context, outcome: relations.Outcome) -> Finding:
        b = outcome.binding
        args: dict[str, Any] = {"title": b.rule.title, "binding": b.binding}
        if outcome.missing:
            variant = "missing"
            args["missing"] = _labels(outcome.missing)
        else:
            variant = "not-assessable"
            args["blanks"] = _labels(outcome.blanks)
        return context.finding(
            b.rule.id, b.total.pointer, args, label=b.total.label, template=f"{b.rule.id}:{variant}",
            severity=Severity.INFO, operands=self._operands(context, outcome), stage=self.stage,
        )
