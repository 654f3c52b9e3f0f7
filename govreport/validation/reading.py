"""What reading a document observed, as findings of stage ``read``.

The reader records observations (a unit converted, a label variant, a row it could not
read, an invented row it dropped…) as rule ids and arguments; this check renders them
in the caller's language, with the official labels of the edition finally chosen.
"""

from __future__ import annotations

from collections.abc import Iterator

from govreport.findings import Finding
from govreport.validation.context import Context

__all__ = ["ReadCheck"]


class ReadCheck:
    """READ-*, LABEL-VARIANT, CELL-UNIT; and any other rule a reader observed (e.g. an
    invented row dropped, FMT-SHAPE), which is still a finding of the reading stage."""

    stage = "read"
    rules = frozenset({"READ-MISSING", "READ-CELLS", "READ-AMBIGUOUS", "READ-SPLIT", "LABEL-VARIANT", "CELL-UNIT",
                       "READ-SUFFIX", "READ-REPEATED", "READ-OCR", "READ-OCR-UNSURE"})

    def run(self, context: Context) -> Iterator[Finding]:
        for seen in context.observations:
            yield context.finding(
                seen.rule, seen.pointer, seen.args, template=seen.template, label=seen.label,
                expected=seen.expected, actual=seen.actual, location=seen.location, stage=self.stage,
            )
