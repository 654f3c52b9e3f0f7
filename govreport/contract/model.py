"""Typed, frozen models of a report instance, mirroring ``schema/``.

The JSON instance (a ``dict``) is the contract; these classes are a convenience for
Python users: attribute access, type hints, equality. ``Report.from_dict`` and
``Report.to_dict`` convert losslessly between the two for any schema-valid instance
(a test keeps the classes and the schemas in step).

Conventions:

* a *cell* is ``int | None`` (counts) or ``Decimal | None`` (amounts); ``None`` is a
  blank cell in the source (written ``null`` in JSON) — blank is not zero;
* a *structure* (table, row, group) that is ``None`` is absent from the instance: a
  document that lacks it gives a partial instance, and the schema reports it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import typing
from decimal import Decimal
from typing import Any, ClassVar, Union

import attrs
from attrs import define

from govreport.contract import editions

__all__ = [
    "ActiveDisclosure2019",
    "ActiveDisclosure2021",
    "ApplicantRow",
    "DocumentCounts2019",
    "DocumentCounts2021",
    "FeeItems2019",
    "Fees2021",
    "ItemCounts2019",
    "Decisions2021",
    "NotProcessed",
    "OtherHandling",
    "Outcomes",
    "Procurement2019",
    "Report",
    "ReportInfo",
    "Requests",
    "ReviewGroup",
    "Reviews",
    "Sections",
    "Source",
    "Unavailable",
    "Withheld",
]

Count = Union[int, None]
Amount = Union[Decimal, None]


class _Node:
    """Shared dict conversion for every model class.

    ``None`` structures are omitted from ``to_dict``; ``None`` cells become ``null``.
    """

    #: field names that hold cells (leaves); everything else is a nested node or text.
    _cells: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, _Node):
                out[f.name] = value.to_dict()
            elif f.name in self._cells:
                out[f.name] = value
            elif value is not None:
                out[f.name] = value.isoformat() if isinstance(value, _dt.date) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
        hints = _hints(cls)  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        for f in attrs.fields(cls):  # type: ignore[arg-type]
            if f.name not in data:
                continue
            value = data[f.name]
            kwargs[f.name] = _convert(cls, f.name, hints[f.name], value)
        unknown = set(data) - {f.name for f in attrs.fields(cls)}  # type: ignore[arg-type]
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
        return cls(**kwargs)


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _node_types(hint: Any) -> list[type[_Node]]:
    args = typing.get_args(hint) or (hint,)
    return [a for a in args if isinstance(a, type) and issubclass(a, _Node)]


def _convert(owner: type, name: str, hint: Any, value: Any) -> Any:
    if value is None:
        return None
    nodes = _node_types(hint)
    if nodes:
        if len(nodes) == 1:
            return nodes[0].from_dict(value)
        return _pick(owner, name, nodes, value).from_dict(value)
    if name in owner._cells:  # type: ignore[attr-defined]
        return _cell(hint, value)
    args = typing.get_args(hint)
    if _dt.date in args and isinstance(value, str):
        return _dt.date.fromisoformat(value)
    return value


#: A count beyond this many digits is refused rather than expanded into an int
#: (``1E+999999999`` is a short JSON text but a vast number).
_MAX_DIGITS = 4300


def _cell(hint: Any, value: Any) -> Any:
    """A cell value as the model holds it; TypeError for a value the schema rejects.

    As in the schema: a bool is not a number, NaN and infinities are not numbers, and a
    count is any number with a zero fractional part (``1.0`` becomes ``1``).
    """
    args = typing.get_args(hint)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"expected a finite number, got {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise TypeError(f"expected a finite number, got {value!r}")
    if Decimal in args:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise TypeError(f"expected an integer, got {value!r}")
        return int(value)
    if value != value.to_integral_value():
        raise TypeError(f"expected an integer, got {value!r}")
    if value.adjusted() >= _MAX_DIGITS:
        raise ValueError(f"a count of more than {_MAX_DIGITS} digits: {value:.6E}")
    return int(value)


def _pick(owner: type, name: str, candidates: list[type[_Node]], value: dict[str, Any]) -> type[_Node]:
    # Unions are told apart by their keys: the one whose fields cover the object wins.
    keys = set(value)
    for candidate in candidates:
        names = {f.name for f in attrs.fields(candidate)}  # type: ignore[arg-type]
        if keys and keys <= names:
            return candidate
    raise ValueError(f"{owner.__name__}.{name}: the keys {sorted(keys)} match none of "
                     f"{', '.join(c.__name__ for c in candidates)}")


_APPLICANT = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")


@define(frozen=True, kw_only=True)
class ApplicantRow(_Node):
    """A row of table 3: one count per applicant type, and their total."""

    _cells = frozenset(_APPLICANT)
    natural_person: Count = None
    commercial: Count = None
    research: Count = None
    public_interest: Count = None
    legal_services: Count = None
    other_org: Count = None
    total: Count = None

    def applicants(self) -> tuple[Count, ...]:
        """The six applicant columns, without the total."""
        return (self.natural_person, self.commercial, self.research,
                self.public_interest, self.legal_services, self.other_org)


@define(frozen=True, kw_only=True)
class Withheld(_Node):
    """（三）不予公开, by reason."""

    state_secret: ApplicantRow | None = None
    prohibited_by_law: ApplicantRow | None = None
    security_stability: ApplicantRow | None = None
    third_party_rights: ApplicantRow | None = None
    internal_affairs: ApplicantRow | None = None
    process_information: ApplicantRow | None = None
    enforcement_files: ApplicantRow | None = None
    administrative_query: ApplicantRow | None = None


@define(frozen=True, kw_only=True)
class Unavailable(_Node):
    """（四）无法提供, by reason."""

    not_held: ApplicantRow | None = None
    needs_creation: ApplicantRow | None = None
    still_unclear: ApplicantRow | None = None


@define(frozen=True, kw_only=True)
class NotProcessed(_Node):
    """（五）不予处理, by reason."""

    petition_or_complaint: ApplicantRow | None = None
    repeated: ApplicantRow | None = None
    publication: ApplicantRow | None = None
    excessive: ApplicantRow | None = None
    reconfirmation: ApplicantRow | None = None


@define(frozen=True, kw_only=True)
class OtherHandling(_Node):
    """（六）其他处理 split into the three rows of the 2021 format."""

    overdue_correction: ApplicantRow | None = None
    overdue_fee: ApplicantRow | None = None
    other: ApplicantRow | None = None


@define(frozen=True, kw_only=True)
class Outcomes(_Node):
    """三、本年度办理结果. ``other_handling`` is a single row (2019 format) or split (2021)."""

    granted: ApplicantRow | None = None
    partially_granted: ApplicantRow | None = None
    withheld: Withheld | None = None
    unavailable: Unavailable | None = None
    not_processed: NotProcessed | None = None
    other_handling: ApplicantRow | OtherHandling | None = None
    total: ApplicantRow | None = None


@define(frozen=True, kw_only=True)
class Requests(_Node):
    """Table 3: requests received and how they were handled."""

    received: ApplicantRow | None = None
    carried_over: ApplicantRow | None = None
    outcomes: Outcomes | None = None
    carried_forward: ApplicantRow | None = None


_REVIEW = ("upheld", "corrected", "other", "pending", "total")


@define(frozen=True, kw_only=True)
class ReviewGroup(_Node):
    """One group of table 4: four results and their total."""

    _cells = frozenset(_REVIEW)
    upheld: Count = None
    corrected: Count = None
    other: Count = None
    pending: Count = None
    total: Count = None


@define(frozen=True, kw_only=True)
class Reviews(_Node):
    """Table 4: administrative reconsideration and litigation."""

    reconsideration: ReviewGroup | None = None
    litigation_direct: ReviewGroup | None = None
    litigation_after_reconsideration: ReviewGroup | None = None


@define(frozen=True, kw_only=True)
class DocumentCounts2021(_Node):
    """规章 / 行政规范性文件 row of the 2021 table 2."""

    _cells = frozenset(("issued", "repealed", "in_force"))
    issued: Count = None
    repealed: Count = None
    in_force: Count = None


@define(frozen=True, kw_only=True)
class Decisions2021(_Node):
    """行政许可 / 行政处罚 / 行政强制 row of the 2021 table 2."""

    _cells = frozenset(("decisions",))
    decisions: Count = None


@define(frozen=True, kw_only=True)
class Fees2021(_Node):
    """行政事业性收费 of the 2021 table 2, in 万元."""

    _cells = frozenset(("amount",))
    amount: Amount = None


@define(frozen=True, kw_only=True)
class ActiveDisclosure2021(_Node):
    """Table 2 in the 2021 format."""

    regulations: DocumentCounts2021 | None = None
    normative_documents: DocumentCounts2021 | None = None
    licensing: Decisions2021 | None = None
    penalties: Decisions2021 | None = None
    coercion: Decisions2021 | None = None
    fees: Fees2021 | None = None


@define(frozen=True, kw_only=True)
class DocumentCounts2019(_Node):
    """规章 / 规范性文件 row of the 2019 table 2."""

    _cells = frozenset(("made", "published", "published_total"))
    made: Count = None
    published: Count = None
    published_total: Count = None


@define(frozen=True, kw_only=True)
class ItemCounts2019(_Node):
    """行政许可 / 其他对外管理服务事项 / 行政处罚 / 行政强制 row of the 2019 table 2."""

    _cells = frozenset(("previous_items", "change", "decisions"))
    previous_items: Count = None
    change: Count = None
    decisions: Count = None


@define(frozen=True, kw_only=True)
class FeeItems2019(_Node):
    """行政事业性收费 row of the 2019 table 2."""

    _cells = frozenset(("previous_items", "change"))
    previous_items: Count = None
    change: Count = None


@define(frozen=True, kw_only=True)
class Procurement2019(_Node):
    """政府集中采购 row of the 2019 table 2; ``unit`` is 元 or 万元 when the report says."""

    _cells = frozenset(("items", "amount"))
    items: Count = None
    amount: Amount = None
    unit: str | None = None


@define(frozen=True, kw_only=True)
class ActiveDisclosure2019(_Node):
    """Table 2 in the 2019 format."""

    regulations: DocumentCounts2019 | None = None
    normative_documents: DocumentCounts2019 | None = None
    licensing: ItemCounts2019 | None = None
    other_services: ItemCounts2019 | None = None
    penalties: ItemCounts2019 | None = None
    coercion: ItemCounts2019 | None = None
    fees: FeeItems2019 | None = None
    procurement: Procurement2019 | None = None


@define(frozen=True, kw_only=True)
class Source(_Node):
    """The document an instance was read from."""

    uri: str | None = None
    sha256: str | None = None
    media_type: str | None = None


@define(frozen=True, kw_only=True)
class ReportInfo(_Node):
    """Who published the report and for which year."""

    year: int | None = None
    agency: str | None = None
    title: str | None = None
    published_on: _dt.date | None = None
    source: Source | None = None


@define(frozen=True, kw_only=True)
class Sections(_Node):
    """Narrative text of the six sections, and the text before section 一 (``preamble``)."""

    preamble: str | None = None
    overview: str | None = None
    active_disclosure: str | None = None
    requests: str | None = None
    reviews: str | None = None
    problems: str | None = None
    other_matters: str | None = None


@define(frozen=True, kw_only=True)
class Report(_Node):
    """A whole report instance.

    ``Report.from_dict(data)`` expects a schema-valid instance (validate first);
    ``to_dict()`` gives back the JSON instance.
    """

    edition: str
    report: ReportInfo = attrs.field(factory=ReportInfo)
    sections: Sections | None = None
    active_disclosure: ActiveDisclosure2021 | ActiveDisclosure2019 | None = None
    requests: Requests | None = None
    reviews: Reviews | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        if not isinstance(data, dict):
            raise TypeError(f"Report: expected an object, got {type(data).__name__}")
        edition = editions.edition_of(data)
        table2 = data.get("active_disclosure")
        rest = {k: v for k, v in data.items() if k != "active_disclosure"}
        report: Report = super().from_dict(rest)
        if table2 is None:
            return report
        kind = ActiveDisclosure2019 if edition == "2019" else ActiveDisclosure2021
        return attrs.evolve(report, active_disclosure=kind.from_dict(table2))
