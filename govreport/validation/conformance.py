"""Conformance of the instance to the format: blank cells (stage ``cells``), the edition
and the （六） layout (stage ``format``). The document rules are in
:mod:`govreport.validation.document`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govreport.contract import editions, tables
from govreport.findings import Finding
from govreport.validation.context import Context, printable

__all__ = ["CellsCheck", "FormatCheck"]

class CellsCheck:
    """CELL-BLANK: a blank cell is not zero; say what the source printed there."""

    stage = "cells"
    rules = frozenset({"CELL-BLANK"})

    def run(self, context: Context) -> Iterator[Finding]:
        if context.values is None:
            return
        for spec, value in zip(tables.cells(context.edition, context.shape), context.values):
            if value is not None:
                continue
            prov = context.provenance(spec.pointer)
            raw = prov.raw.strip() if prov and prov.raw else ""
            template = ("CELL-BLANK:undetermined" if prov and prov.undetermined
                        else "CELL-BLANK:raw" if raw else "")
            yield context.finding("CELL-BLANK", spec.pointer, {"label": spec.label, "raw": raw}, label=spec.label,
                                  template=template, actual=raw or None, stage=self.stage)


class FormatCheck:
    """FMT-EDITION (edition vs report year) and FMT-SHAPE (the other edition's （六） layout)."""

    stage = "format"
    rules = frozenset({"FMT-EDITION", "FMT-SHAPE"})

    def run(self, context: Context) -> Iterator[Finding]:
        data = context.instance
        if not isinstance(data, dict):
            return
        edition = context.edition
        stated = data.get("edition")
        year = editions.year_of(data)
        if year is not None and stated in editions.EDITIONS:
            expected = editions.expected_edition(year)
            args: dict[str, Any]
            if expected is None:
                args = {"year": printable(year), "actual": stated}
                yield context.finding("FMT-EDITION", "/edition", args, template="FMT-EDITION:early",
                                      actual=stated, stage=self.stage)
            elif expected != stated:
                args = {"year": printable(year), "expected": expected, "actual": stated}
                yield context.finding("FMT-EDITION", "/edition", args, expected=expected, actual=stated,
                                      stage=self.stage)
        actual_shape = editions.shape_of(data)
        ptr = tables.OTHER_HANDLING
        if actual_shape == "row" and edition == "2021":
            yield context.finding("FMT-SHAPE", ptr, {"edition": edition}, label=context.label(ptr, "row"),
                                  expected="split", actual="row", stage=self.stage)
        elif actual_shape == "split" and edition == "2019":
            yield context.finding("FMT-SHAPE", ptr, {"edition": edition}, label=context.label(ptr, "split"),
                                  template="FMT-SHAPE:split-in-2019", expected="row", actual="split",
                                  stage=self.stage)
