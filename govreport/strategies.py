"""Hypothesis strategies for reports: valid ones, and ones with exactly one known fault.

Use them in your own tests (``pip install 'govreport[strategies]'``)::

    from hypothesis import given
    from govreport import strategies, validate

    @given(strategies.reports(edition="2021"))
    def test_my_exporter_keeps_valid_reports_valid(report):
        assert not [f for f in validate(my_round_trip(report.to_dict())) if f.severity == "error"]

:func:`reports` builds instances from the model so that every relation holds by
construction (table 3 is generated column by column from its outcomes, then balanced).
:func:`faulty_reports` breaks exactly one relation binding, or one cell's type, and says
which finding the validator must report. The relations of table 3 depend on one another
(the total column is the sum of the others; the outcome total is the sum of the outcome
rows), so changing one cell always breaks at least two bindings; each recipe below
therefore also blanks one carefully chosen cell so that every *other* binding touched
becomes "not assessable" (an info finding), leaving exactly one error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from attrs import define
from hypothesis import strategies as st

from govreport.contract import editions, tables
from govreport.contract.model import (
    ActiveDisclosure2019,
    ActiveDisclosure2021,
    ApplicantRow,
    Decisions2021,
    DocumentCounts2019,
    DocumentCounts2021,
    FeeItems2019,
    Fees2021,
    ItemCounts2019,
    NotProcessed,
    OtherHandling,
    Outcomes,
    Procurement2019,
    Report,
    ReportInfo,
    Requests,
    ReviewGroup,
    Reviews,
    Unavailable,
    Withheld,
)
from govreport.contract.schemas import EDITIONS
from govreport.pointer import pointer, split_pointer

__all__ = ["Fault", "FAULT_KINDS", "consecutive_reports", "faulty_reports", "reports"]

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org")
COLUMNS = APPLICANTS + ("total",)

# Small counts are the common case; occasionally large ones (city-level reports).
_counts = st.one_of(st.integers(0, 30), st.integers(0, 100_000))
_amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


def _leaf_rows(shape: tables.Shape) -> list[tuple[str, ...]]:
    """Key paths (under /requests/outcomes) of every outcome row but the total."""
    rows: list[tuple[str, ...]] = [("granted",), ("partially_granted",)]
    rows += [("withheld", f.name) for f in attrs.fields(Withheld)]
    rows += [("unavailable", f.name) for f in attrs.fields(Unavailable)]
    rows += [("not_processed", f.name) for f in attrs.fields(NotProcessed)]
    if shape == "row":
        rows.append(("other_handling",))
    else:
        rows += [("other_handling", f.name) for f in attrs.fields(OtherHandling)]
    return rows


def _row(values: dict[str, int]) -> ApplicantRow:
    return ApplicantRow(**values, total=sum(values[c] for c in APPLICANTS))


@st.composite
def _requests(draw: st.DrawFn, shape: tables.Shape) -> Requests:
    leaves = _leaf_rows(shape)
    cells: dict[tuple[str, ...], dict[str, int]] = {leaf: {} for leaf in leaves}
    received: dict[str, int] = {}
    carried_over: dict[str, int] = {}
    carried_forward: dict[str, int] = {}
    outcome_total: dict[str, int] = {}
    for column in APPLICANTS:
        # Most columns of real reports are nearly empty: let whole columns be zero often.
        sparse = draw(st.booleans())
        for leaf in leaves:
            cells[leaf][column] = 0 if sparse else draw(_counts)
        outcome_total[column] = sum(cells[leaf][column] for leaf in leaves)
        carried_forward[column] = draw(_counts)
        # received = outcomes + forward − carried over must stay ≥ 0.
        carried_over[column] = draw(st.integers(0, outcome_total[column] + carried_forward[column]))
        received[column] = outcome_total[column] + carried_forward[column] - carried_over[column]

    def group(cls: type, prefix: str) -> Any:
        return cls(**{f.name: _row(cells[(prefix, f.name)]) for f in attrs.fields(cls)})

    other: ApplicantRow | OtherHandling = (
        _row(cells[("other_handling",)]) if shape == "row" else group(OtherHandling, "other_handling")
    )
    outcomes = Outcomes(
        granted=_row(cells[("granted",)]),
        partially_granted=_row(cells[("partially_granted",)]),
        withheld=group(Withheld, "withheld"),
        unavailable=group(Unavailable, "unavailable"),
        not_processed=group(NotProcessed, "not_processed"),
        other_handling=other,
        total=_row(outcome_total),
    )
    return Requests(received=_row(received), carried_over=_row(carried_over), outcomes=outcomes,
                    carried_forward=_row(carried_forward))


@st.composite
def _review_group(draw: st.DrawFn) -> ReviewGroup:
    upheld, corrected, other, pending = (draw(_counts) for _ in range(4))
    return ReviewGroup(upheld=upheld, corrected=corrected, other=other, pending=pending,
                       total=upheld + corrected + other + pending)


@st.composite
def _table2_2021(draw: st.DrawFn) -> ActiveDisclosure2021:
    def docs() -> DocumentCounts2021:
        return DocumentCounts2021(issued=draw(_counts), repealed=draw(_counts), in_force=draw(_counts))

    return ActiveDisclosure2021(
        regulations=docs(), normative_documents=docs(),
        licensing=Decisions2021(decisions=draw(_counts)), penalties=Decisions2021(decisions=draw(_counts)),
        coercion=Decisions2021(decisions=draw(_counts)), fees=Fees2021(amount=draw(_amounts)),
    )


@st.composite
def _table2_2019(draw: st.DrawFn) -> ActiveDisclosure2019:
    signed = st.integers(-1000, 1000)

    def docs() -> DocumentCounts2019:
        return DocumentCounts2019(made=draw(_counts), published=draw(_counts), published_total=draw(_counts))

    def items() -> ItemCounts2019:
        return ItemCounts2019(previous_items=draw(_counts), change=draw(signed), decisions=draw(_counts))

    return ActiveDisclosure2019(
        regulations=docs(), normative_documents=docs(), licensing=items(), other_services=items(),
        penalties=items(), coercion=items(),
        fees=FeeItems2019(previous_items=draw(_counts), change=draw(signed)),
        procurement=Procurement2019(items=draw(_counts), amount=draw(_amounts),
                                    unit=draw(st.sampled_from([None, "元", "万元"]))),
    )


_agencies = st.sampled_from([
    "广元市朝天区人民政府办公室", "淮安市洪泽区人民政府", "上海市人民政府办公厅", "沭阳县发展和改革局",
    "平潭综合实验区管委会", "某市某区某某街道办事处",
])


@st.composite
def reports(draw: st.DrawFn, edition: str | None = None, shape: tables.Shape | None = None) -> Report:
    """Valid reports: schema-valid, every relation holds, edition matches the year.

    ``edition`` fixes the edition (default: either). ``shape`` fixes the （六）其他处理
    layout (``"row"`` or ``"split"``); by default it matches the edition, so the report
    raises no finding at all. Passing the other shape gives a valid report with one
    FMT-SHAPE warning (the hybrid seen in real reports).
    """
    ed = edition or draw(st.sampled_from(EDITIONS))
    if ed not in EDITIONS:
        raise ValueError(f"unknown edition {ed!r}")
    layout: tables.Shape = shape or ("row" if ed == "2019" else "split")
    year = draw(st.integers(2019, 2020) if ed == "2019" else st.integers(2021, 2030))
    table2: ActiveDisclosure2019 | ActiveDisclosure2021 = (
        draw(_table2_2019()) if ed == "2019" else draw(_table2_2021())
    )
    return Report(
        edition=ed,
        report=ReportInfo(year=year, agency=draw(_agencies)),
        active_disclosure=table2,
        requests=draw(_requests(layout)),
        reviews=Reviews(reconsideration=draw(_review_group()), litigation_direct=draw(_review_group()),
                        litigation_after_reconsideration=draw(_review_group())),
    )


@define(frozen=True, kw_only=True, slots=True)
class Fault:
    """The one error a faulty report must produce: rule id and pointer, and how it was made."""

    rule: str
    pointer: str
    description: str


FAULT_KINDS = ("T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL", "CELL-TYPE")


def _get(data: dict[str, Any], ptr: str) -> Any:
    node: Any = data
    for key in split_pointer(ptr):
        node = node[key]
    return node


def _set(data: dict[str, Any], ptr: str, value: Any) -> None:
    path = split_pointer(ptr)
    _get(data, pointer(path[:-1]))[path[-1]] = value


def _bump(draw: st.DrawFn, data: dict[str, Any], ptr: str) -> int:
    """Change a count by a non-zero amount, keeping it ≥ 0; returns the change."""
    value = _get(data, ptr)
    delta = draw(st.integers(-value, 50).filter(lambda d: d != 0))
    _set(data, ptr, value + delta)
    return delta


_OUT = "/requests/outcomes"


@st.composite
def faulty_reports(draw: st.DrawFn, edition: str | None = None, kinds: tuple[str, ...] = FAULT_KINDS) -> tuple[dict[str, Any], Fault]:
    """A report instance (``dict``) with exactly one fault, and the :class:`Fault` expected.

    The validator must report exactly one error finding: ``fault.rule`` at
    ``fault.pointer``. Other findings may be warnings (the blanked cell: CELL-BLANK) or
    info (relations made not assessable by that blank).
    """
    for kind in kinds:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose from {FAULT_KINDS}")
    report = draw(reports(edition=edition))
    data = report.to_dict()
    shape = editions.shape_of(data) or "split"
    kind = draw(st.sampled_from(kinds))
    leaves = [_OUT + pointer(p) for p in _leaf_rows(shape)]
    column = draw(st.sampled_from(COLUMNS))

    if kind == "T4-TOTAL":
        group = draw(st.sampled_from(["reconsideration", "litigation_direct", "litigation_after_reconsideration"]))
        ptr = f"/reviews/{group}/total"
        _bump(draw, data, ptr)
        return data, Fault(rule=kind, pointer=ptr, description=f"changed {ptr}")

    if kind == "T3-BALANCE":
        ptr = f"/requests/carried_forward/{column}"
        _bump(draw, data, ptr)
        # Keep the row total and the other columns out of it: blank a cell they need.
        other = "/requests/carried_forward/" + ("total" if column != "total" else draw(st.sampled_from(APPLICANTS)))
        _set(data, other, None)
        return data, Fault(rule=kind, pointer=ptr, description=f"changed {ptr}, blanked {other}")

    if kind == "T3-OUTCOMES":
        leaf = draw(st.sampled_from(leaves))
        if column == "total":
            _bump(draw, data, f"{leaf}/total")
            blank = f"{leaf}/{draw(st.sampled_from(APPLICANTS))}"
        else:
            delta = _bump(draw, data, f"{leaf}/{column}")
            _set(data, f"{leaf}/total", _get(data, f"{leaf}/total") + delta)
            blank = f"{_OUT}/total/total"
        _set(data, blank, None)
        ptr = f"{_OUT}/total/{column}"
        return data, Fault(rule=kind, pointer=ptr, description=f"changed {leaf}, blanked {blank}")

    if kind == "T3-ROW-TOTAL":
        rows = ["/requests/received", "/requests/carried_over", f"{_OUT}/total", "/requests/carried_forward", *leaves]
        row = draw(st.sampled_from(rows))
        ptr = f"{row}/total"
        _bump(draw, data, ptr)
        blanks: list[str] = []
        if row in ("/requests/received", "/requests/carried_over"):
            blanks.append("/requests/carried_forward/total")
        elif row == "/requests/carried_forward":
            blanks.append("/requests/received/total")
        elif row == f"{_OUT}/total":
            blanks += ["/requests/received/total", f"{leaves[0]}/total"]
        else:
            blanks.append(f"{_OUT}/total/total")
        for blank in blanks:
            _set(data, blank, None)
        return data, Fault(rule=kind, pointer=ptr, description=f"changed {ptr}, blanked {', '.join(blanks)}")

    # CELL-TYPE: a negative or fractional count, or a negative amount.
    specs = [c for c in tables.cells(data["edition"], shape) if c.cell_type != "signed_count"]
    spec = draw(st.sampled_from(specs))
    if spec.cell_type == "amount":
        bad: Any = -draw(st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2))
    elif draw(st.booleans()):
        bad = -draw(st.integers(1, 1000))
    else:
        bad = Decimal(draw(st.integers(0, 1000))) + Decimal("0.5")
    _set(data, spec.pointer, bad)
    return data, Fault(rule=kind, pointer=spec.pointer, description=f"set {spec.pointer} to {bad}")


@st.composite
def consecutive_reports(draw: st.DrawFn, broken: bool = False) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """Two valid 2021-edition reports of one agency, for consecutive years, that follow on.

    Returns ``(last_year, this_year, pointers)``: this year's 上年结转 equals last year's
    结转下年度继续办理 in every column, and its 现行有效件数 of 规章 and 行政规范性文件 roll
    forward. With ``broken``, one applicant column of this year's carried-over row (and
    with it the total column) is one more than last year carried forward — the rest of
    this year's table 3 rebalanced so that each report is valid on its own; ``pointers``
    are the cells X-YEAR must then report (empty when not broken).
    """
    last = draw(reports(edition="2021")).to_dict()
    this = draw(reports(edition="2021")).to_dict()
    this["report"]["agency"] = last["report"]["agency"]
    year = min(last["report"]["year"], 2029)
    last["report"]["year"], this["report"]["year"] = year, year + 1
    req = this["requests"]
    outcomes = req["outcomes"]["total"]
    req["carried_over"] = dict(last["requests"]["carried_forward"])
    for column in APPLICANTS:
        forward = req["received"][column] + req["carried_over"][column] - outcomes[column]
        if forward < 0:  # receive more this year, so nothing is carried forward negative
            req["received"][column] -= forward
            forward = 0
        req["carried_forward"][column] = forward
    pointers: tuple[str, ...] = ()
    if broken:
        column = draw(st.sampled_from(APPLICANTS))
        req["carried_over"][column] += 1
        req["carried_forward"][column] += 1
        pointers = (f"/requests/carried_over/{column}", "/requests/carried_over/total")
    for row in ("received", "carried_over", "carried_forward"):
        req[row]["total"] = sum(req[row][c] for c in APPLICANTS)
    for row in ("regulations", "normative_documents"):
        now, before = this["active_disclosure"][row], last["active_disclosure"][row]
        in_force = before["in_force"] + now["issued"] - now["repealed"]
        if in_force < 0:
            now["issued"] -= in_force
            in_force = 0
        now["in_force"] = in_force
    return last, this, pointers
