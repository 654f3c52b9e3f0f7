"""The validator: every check, in order, over one instance.

Data flows one way: an instance (a ``dict`` or a :class:`~govreport.contract.model.Report`)
and, for a document, the source map of where each value was read and what reading
observed, go in; a :class:`~govreport.findings.Result` comes out. The validator never
reads files. The edition is chosen by :func:`govreport.contract.editions.edition_of`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from govreport.contract import editions, tables
from govreport.contract.model import Report
from govreport.findings import Finding, Result
from govreport.location import Provenance
from govreport.messages import check_lang
from govreport.pointer import pointer, split_pointer
from govreport.reading import Observation
from govreport.validation.conformance import CellsCheck, FormatCheck
from govreport.validation.context import Check, Context, flatten
from govreport.validation.document import DocumentCheck
from govreport.validation.narrative import NarrativeCheck
from govreport.validation.reading import ReadCheck
from govreport.validation.relations import RelationsCheck
from govreport.validation.schema import SchemaCheck
from govreport.validation.settings import DocumentSettings

__all__ = ["CHECKS", "Validator", "report_order"]

#: The checks every validation runs, in order.
CHECKS: tuple[Check, ...] = (ReadCheck(), SchemaCheck(), RelationsCheck(), CellsCheck(), FormatCheck(),
                             DocumentCheck(), NarrativeCheck())


def report_order(finding: Finding) -> tuple[int, tuple[int, str], str]:
    """Errors first, then in the order of the report (table 2, 3, 4; row by row)."""
    return (finding.severity.rank, tables.document_order(finding.pointer), finding.rule)


class Validator:
    """Validates instances; build once, reuse (schemas and relations are compiled once).

    ``lang`` is the language of messages (``"zh"`` default, or ``"en"``).
    ``blanks_as_zero`` counts blank cells as 0 in relations instead of reporting the
    relation as not assessable; the findings then say so. ``checks`` replaces the
    default :data:`CHECKS` (e.g. to add a check of one's own).

    For the document rules (see :class:`~govreport.validation.settings.DocumentSettings`):
    ``level`` (``"department"``, ``"government"``, ``"township"``) overrides the level
    told from the agency's name, ``published_on`` (a date or ``"YYYY-MM-DD"``) the
    publication date read from the report, and ``township_deadline`` (``(month, day)``
    or ``"MM-DD"``) the deadline of townships and sub-districts (default 31 January).
    A bad value raises ValueError.
    """

    def __init__(self, *, lang: str = "zh", blanks_as_zero: bool = False,
                 checks: Sequence[Check] | None = None, level: str | None = None,
                 published_on: datetime.date | str | None = None,
                 township_deadline: tuple[int, int] | str | None = None) -> None:
        self.lang = check_lang(lang)
        self.blanks_as_zero = blanks_as_zero
        self.checks = tuple(CHECKS if checks is None else checks)
        self.document = DocumentSettings.of(level=level, published_on=published_on,
                                            township_deadline=township_deadline)

    def run(
        self,
        instance: Report | Mapping[str, Any] | Any,
        edition: str | None = None,
        *,
        source_map: Mapping[str, Provenance] | None = None,
        observations: Iterable[Observation] = (),
    ) -> Result:
        """Validate one instance and return every finding, sorted, with relation statistics.

        Any value anywhere gives findings, never an exception (see
        :class:`~govreport.validation.schema.SchemaCheck` for what a cell may hold); an
        instance that is not an object at all (a list, ``None``, a string, bytes) is one
        SCHEMA-TYPE finding at pointer ``""``. Only an unknown ``edition`` argument raises
        (:class:`~govreport.contract.schemas.UnknownEdition`).
        """
        data = instance.to_dict() if isinstance(instance, Report) else instance
        chosen = editions.edition_of(data, edition)
        shape = (editions.shape_of(data) if isinstance(data, dict) else None) or editions.default_shape(chosen)
        context = Context(
            instance=data, edition=chosen, shape=shape, lang=self.lang, blanks_as_zero=self.blanks_as_zero,
            source_map=source_map if source_map is not None else {}, observations=tuple(observations),
            values=flatten(data, chosen, shape) if isinstance(data, dict) else None,
            document=self.document,
        )
        findings: list[Finding] = []
        for check in self.checks:
            findings.extend(check.run(context))
        if findings and source_map is not None:  # a lazy source map is consulted only here
            findings = [_locate(f, source_map) for f in findings]
        findings.sort(key=report_order)
        return Result(edition=chosen, findings=tuple(findings), relations=dict(context.stats))


def _locate(finding: Finding, source_map: Mapping[str, Provenance]) -> Finding:
    """Attach where the value was read; for something absent, where its parent is."""
    if finding.location is not None:
        return finding
    path = split_pointer(finding.pointer)
    for depth in range(len(path), -1, -1):
        prov = source_map.get(pointer(path[:depth]))
        if prov is not None:
            return attrs.evolve(finding, location=prov.location)
    return finding
