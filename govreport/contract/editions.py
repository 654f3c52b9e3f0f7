"""The one edition and （六）-shape policy, used by validation, the reader, the model and
the writers alike.

Which edition an instance is judged by: an explicit choice wins; else the instance's
own ``edition``; else what its table 2 shows (a row or a column key that only one
edition has); else the report year (2019 and 2020 → ``"2019"``); else the latest
edition. A wrong or missing edition is a finding (FMT-EDITION), never a crash.

The shape of （六）其他处理 is read off the instance: ``"row"`` (one row, the 2019
layout) or ``"split"`` (three rows, the 2021 layout); an instance without it is judged
in its edition's own shape.
"""

from __future__ import annotations

import functools
from typing import Any

from govreport.contract import schemas, tables
from govreport.contract.tables import Shape

__all__ = ["EDITIONS", "default_shape", "edition_of", "edition_shown_by", "expected_edition", "shape_of", "year_of"]

EDITIONS = schemas.EDITIONS


@functools.cache
def _only_in() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per edition: the table-2 row keys and column keys no other edition has."""
    rows: dict[str, set[str]] = {}
    columns: dict[str, set[str]] = {}
    for edition in EDITIONS:
        rows[edition] = set()
        columns[edition] = set()
        for node in tables.rows(edition, "split", "active_disclosure"):
            rows[edition].add(node.path[-1])
            columns[edition].update(node.children)
    out = {}
    for edition in EDITIONS:
        other_rows = set().union(*(rows[e] for e in EDITIONS if e != edition))
        other_columns = set().union(*(columns[e] for e in EDITIONS if e != edition))
        out[edition] = (frozenset(rows[edition] - other_rows), frozenset(columns[edition] - other_columns))
    return out


def edition_shown_by(table2: Any) -> str | None:
    """The edition a table-2 object's own keys show, or None when they show none or both."""
    if not isinstance(table2, dict):
        return None
    shown = set()
    for edition, (rows, columns) in _only_in().items():
        if table2.keys() & rows:
            shown.add(edition)
        for row in table2.values():
            if isinstance(row, dict) and row.keys() & columns:
                shown.add(edition)
    return shown.pop() if len(shown) == 1 else None


def year_of(instance: Any) -> int | None:
    """The report year, when the instance states it as an integer."""
    report = instance.get("report") if isinstance(instance, dict) else None
    year = report.get("year") if isinstance(report, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def expected_edition(year: int) -> str | None:
    """The edition a report on ``year`` should use (None before the 2019 format)."""
    if year < 2019:
        return None
    return "2019" if year <= 2020 else "2021"


def edition_of(instance: Any, edition: str | None = None) -> str:
    """The edition to judge ``instance`` by (see the module docstring)."""
    if edition is not None:
        if edition not in EDITIONS:
            raise schemas.UnknownEdition(edition)
        return edition
    if not isinstance(instance, dict):
        return EDITIONS[-1]
    own = instance.get("edition")
    if own in EDITIONS:
        return str(own)
    shown = edition_shown_by(instance.get("active_disclosure"))
    if shown is not None:
        return shown
    year = year_of(instance)
    if year is not None:
        return expected_edition(year) or EDITIONS[0]
    return EDITIONS[-1]


def shape_of(instance: Any) -> Shape | None:
    """The （六） shape of an instance: ``"row"``, ``"split"``, or ``None`` when absent/unclear."""
    try:
        other = instance["requests"]["outcomes"]["other_handling"]
    except (KeyError, TypeError):
        return None
    if not isinstance(other, dict):
        return None
    if "total" in other or "natural_person" in other:
        return "row"
    if other.keys() & {"overdue_correction", "overdue_fee", "other"}:
        return "split"
    return None


def default_shape(edition: str) -> Shape:
    """The shape of （六） in ``edition``'s own layout."""
    return "row" if edition == "2019" else "split"
