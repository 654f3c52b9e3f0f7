"""Checks across reports: one agency, consecutive years (X-YEAR, stage ``collection``).

A report is checked on its own by the :class:`~govreport.validation.Validator`; what
ties two reports together is checked here, over small :class:`Profile` records (the
agency, the year and the few cells the rule needs), so a run over a whole corpus keeps
only these in memory, and profiles computed in worker processes or on a cluster come
back cheaply.

Matching. Reports are matched by agency and consecutive years (this year against
last year). The agency's name is normalised (:func:`agency_key`): NFKC, Traditional →
Simplified, spaces and brackets dropped, a leading 中共 kept. Two names match when
their normalised forms are equal; failing that, when their *local* forms are equal
(:func:`local_name`: the leading names of the higher administrative levels removed,
so 淮安市洪泽区人民政府 and 江苏省淮安市洪泽区人民政府 both become 洪泽区人民政府) and
that local form belongs to only one agency of that year in the run — two 朝阳区人民政府
of different cities are never paired on the short name.

Rules:

* table 3, every column: this year's ``carried_over`` (上年结转) equals last year's
  ``carried_forward`` (结转下年度继续办理);
* table 2, 2021 edition in both years, for 规章 and 行政规范性文件: this year's
  ``in_force`` (现行有效件数) equals last year's ``in_force`` + this year's ``issued`` −
  ``repealed``. A separate message: agencies legitimately restate the count after a
  clean-up (清理) of their documents, so this is a prompt to check, not an error.

A report with no counterpart of last year in the run is *not assessable* for X-YEAR:
it is counted (:attr:`Years.unmatched`), never silently passed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from attrs import define, field

from govreport.contract import catalogue, tables
from govreport.extract.normalize import normalize
from govreport.findings import Finding, Operand, RuleStats
from govreport.location import Location, Provenance

__all__ = ["Profile", "Years", "agency_key", "check_years", "local_name", "profile"]

RULE = "X-YEAR"
STAGE = "collection"
#: The rules checked across reports (not by a per-instance check of ``CHECKS``).
RULES = frozenset({RULE})

COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")
#: Table-2 rows rolled forward (2021 edition): 规章, 行政规范性文件.
ROLLED = ("regulations", "normative_documents")


@define(frozen=True, kw_only=True, slots=True)
class Profile:
    """What X-YEAR needs of one checked report (small and picklable)."""

    name: str
    agency: str | None
    year: int | None
    edition: str
    #: pointer -> value for the cells X-YEAR compares (absent when the instance lacks them)
    cells: Mapping[str, Any] = field(factory=dict)
    #: pointer -> where the value was read in the document
    locations: Mapping[str, Location] = field(factory=dict)
    #: whether the report is only context (``--previous``): it gets no findings itself
    previous: bool = False


def _pointers() -> tuple[str, ...]:
    out = [f"/requests/{row}/{c}" for row in ("carried_over", "carried_forward") for c in COLUMNS]
    out += [f"/active_disclosure/{row}/{c}" for row in ROLLED for c in ("issued", "repealed", "in_force")]
    return tuple(out)


_POINTERS = _pointers()
_SLOT = {ptr: i for i, ptr in enumerate(_POINTERS)}


class _Cells(Mapping[str, Any]):
    """The compared cells of one report, as one tuple in the order of ``_POINTERS``
    (None: absent). A run keeps every report's profile until it ends; a tuple is a
    fraction of a dict's memory, which is what keeps a 100,000-report run small."""

    __slots__ = ("_values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self._values = values

    def __getitem__(self, ptr: str) -> Any:
        value = self._values[_SLOT[ptr]] if ptr in _SLOT else None
        if value is None:
            raise KeyError(ptr)
        return value

    def __iter__(self) -> Iterator[str]:
        return (ptr for ptr, value in zip(_POINTERS, self._values) if value is not None)

    def __len__(self) -> int:
        return sum(value is not None for value in self._values)

    def __eq__(self, other: object) -> bool:
        return dict(self) == other if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type[_Cells], tuple[tuple[Any, ...]]]:
        return (_Cells, (self._values,))


def _get(instance: Mapping[str, Any], ptr: str) -> Any:
    node: Any = instance
    for key in ptr.strip("/").split("/"):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _count(value: Any) -> int | None:
    """A usable count, or None (blank, missing, invalid: the schema stage says why)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def profile(name: str, instance: Any, edition: str, source_map: Mapping[str, Provenance] | None = None,
            *, previous: bool = False) -> Profile:
    """The profile of one report instance (any value: a non-object gives an empty profile)."""
    if not isinstance(instance, Mapping):
        return Profile(name=name, agency=None, year=None, edition=edition, previous=previous)
    report = instance.get("report")
    report = report if isinstance(report, Mapping) else {}
    agency = report.get("agency") if isinstance(report.get("agency"), str) else None
    stated = report.get("year")
    year = stated if isinstance(stated, int) and not isinstance(stated, bool) else None
    cells = _Cells(tuple(_count(_get(instance, ptr)) for ptr in _POINTERS))
    where = {}
    for ptr in cells:
        prov = (source_map or {}).get(ptr)
        if prov is not None:
            where[ptr] = prov.location
    # the same agency is named by many reports of a run: keep one copy of the name
    return Profile(name=name, agency=sys.intern(agency) if agency is not None else None, year=year,
                   edition=edition, cells=cells, locations=where, previous=previous)


_DROP = re.compile(r"[\s()（）〔〕\[\]【】\"“”'‘’·•]")
# A leading province/city/prefecture name, when another place name follows it.
_HIGHER = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|特别行政区|市|自治州|州|地区|盟)"
                     r"(?=[\u4e00-\u9fff]{1,8}?(?:市|区|县|旗|自治县|自治旗|林区|特区|新区)[\u4e00-\u9fff])")


def agency_key(agency: str) -> str:
    """The agency's name, normalised for matching (NFKC, Simplified, no spaces or brackets)."""
    return _DROP.sub("", normalize(agency))


def local_name(agency: str) -> str:
    """The normalised name without the higher administrative levels before it.

    ``江苏省淮安市洪泽区人民政府`` → ``洪泽区人民政府``; ``淮安市人民政府`` stays (nothing
    local follows 淮安市); ``上海市人民政府办公厅`` stays.
    """
    key = agency_key(agency)
    while True:
        m = _HIGHER.match(key)
        if m is None:
            return key
        key = key[m.end():]


@define(frozen=True, kw_only=True, slots=True)
class Years:
    """X-YEAR over a run: findings per report name, and what could not be assessed.

    ``pairs`` lists (last year's name, this year's name) for every matched pair;
    ``unmatched`` the reports (not ``previous`` ones) with no counterpart of last year;
    ``stats`` counts passed / failed / not-assessable comparisons.
    """

    findings: Mapping[str, tuple[Finding, ...]]
    pairs: tuple[tuple[str, str], ...]
    unmatched: tuple[str, ...]
    stats: RuleStats


def _counterparts(profiles: list[Profile]) -> dict[str, Profile]:
    """For each report name, last year's report of the same agency, when one is certain."""
    by_full: dict[tuple[str, int], list[Profile]] = {}
    by_local: dict[tuple[str, int], list[Profile]] = {}
    # Each name is normalised once, and each group's set of names made once: a run
    # with many reports under one name must not cost the square of their number.
    full_keys: dict[str, str] = {}
    local_keys: dict[str, str] = {}
    for p in profiles:
        if p.agency is None or p.year is None:
            continue
        if p.agency not in full_keys:
            full_keys[p.agency] = agency_key(p.agency)
            local_keys[p.agency] = local_name(p.agency)
        by_full.setdefault((full_keys[p.agency], p.year), []).append(p)
        by_local.setdefault((local_keys[p.agency], p.year), []).append(p)
    names: dict[tuple[str, int], set[str]] = {
        group: {full_keys[q.agency] for q in members if q.agency is not None} for group, members in by_local.items()
    }
    out: dict[str, Profile] = {}
    for p in profiles:
        if p.previous or p.agency is None or p.year is None:
            continue
        full = by_full.get((full_keys[p.agency], p.year - 1), [])
        if len(full) == 1:
            out[p.name] = full[0]
            continue
        if full:
            continue  # two reports of last year under the same name: which one is not certain
        local = local_keys[p.agency]
        candidates = by_local.get((local, p.year - 1), [])
        same_year = names.get((local, p.year), set())
        last_year = names.get((local, p.year - 1), set())
        if len(candidates) == 1 and len(same_year) == 1 and len(last_year) == 1:
            out[p.name] = candidates[0]
    return out


def check_years(profiles: Iterable[Profile], *, lang: str = "zh") -> Years:
    """X-YEAR over every report of a run (``previous`` profiles are context only)."""
    items = list(profiles)
    counterpart = _counterparts(items)
    findings: dict[str, list[Finding]] = {}
    counts = {"passed": 0, "failed": 0, "not_assessable": 0}
    pairs: list[tuple[str, str]] = []
    unmatched: list[str] = []
    for p in items:
        if p.previous:
            continue
        last = counterpart.get(p.name)
        if last is None:
            unmatched.append(p.name)
            counts["not_assessable"] += 1
            continue
        pairs.append((last.name, p.name))
        found = findings.setdefault(p.name, [])
        for outcome in _compare(last, p, lang):
            if outcome is None:
                counts["not_assessable"] += 1
            elif isinstance(outcome, Finding):
                counts["failed"] += 1
                found.append(outcome)
            else:
                counts["passed"] += 1
    return Years(findings={k: tuple(v) for k, v in findings.items() if v}, pairs=tuple(pairs),
                 unmatched=tuple(unmatched), stats=RuleStats(**counts))


def _theirs(last: Profile, ptr: str) -> str:
    """The label of a cell of last year's report, saying whose it is."""
    return f"{last.year}年报告（{last.name}） › {tables.label(last.edition, ptr)}"


def _compare(last: Profile, this: Profile, lang: str) -> Iterable[Finding | bool | None]:
    """Each comparison: True (holds), None (not assessable: a blank), or the finding."""
    args_base = {"previous": last.name, "previous_year": last.year, "year": this.year}
    for c in COLUMNS:
        ptr = f"/requests/carried_over/{c}"
        before = f"/requests/carried_forward/{c}"
        now, then = this.cells.get(ptr), last.cells.get(before)
        if now is None or then is None:
            yield None
            continue
        if now == then:
            yield True
            continue
        label = tables.label(this.edition, ptr)
        yield catalogue.finding(
            RULE, ptr, label, {**args_base, "label": label, "expected": then, "actual": now,
                               "previous_label": tables.label(last.edition, before)},
            lang, expected=then, actual=now, stage=STAGE, location=this.locations.get(ptr),
            operands=(Operand(pointer=before, label=_theirs(last, before), value=then,
                              location=last.locations.get(before)),
                      Operand(pointer=ptr, label=label, value=now, role="total", location=this.locations.get(ptr))),
        )
    if last.edition != "2021" or this.edition != "2021":
        return
    for row in ROLLED:
        ptr = f"/active_disclosure/{row}/in_force"
        issued, repealed = f"/active_disclosure/{row}/issued", f"/active_disclosure/{row}/repealed"
        had, plus, minus, now = (last.cells.get(ptr), this.cells.get(issued), this.cells.get(repealed),
                                 this.cells.get(ptr))
        if had is None or plus is None or minus is None or now is None:
            yield None
            continue
        expected = had + plus - minus
        if expected == now:
            yield True
            continue
        label = tables.label(this.edition, ptr)
        yield catalogue.finding(
            RULE, ptr, label, {**args_base, "label": label, "expected": expected, "actual": now,
                               "before": had, "issued": plus, "repealed": minus},
            lang, template=f"{RULE}:in-force", expected=expected, actual=now, stage=STAGE,
            location=this.locations.get(ptr),
            operands=(Operand(pointer=ptr, label=_theirs(last, ptr), value=had,
                              location=last.locations.get(ptr)),
                      Operand(pointer=issued, label=tables.label(this.edition, issued), value=plus,
                              location=this.locations.get(issued)),
                      Operand(pointer=repealed, label=tables.label(this.edition, repealed), value=minus, weight=-1,
                              location=this.locations.get(repealed)),
                      Operand(pointer=ptr, label=label, value=now, role="total", location=this.locations.get(ptr))),
        )
