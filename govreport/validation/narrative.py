"""X-TEXT: figures stated in a report's narrative against the table cells they refer to.

A report's sections say things like 共收到政府信息公开申请9件 … 依法按时办结9件; the tables
say the same in cells. :func:`statements` reads each such figure of the instance's
section texts into a :class:`Statement` — the number, what it refers to (its concept),
for whom (its scope), where it is and the sentence it is in — and says whether the
table agrees, or why it was not compared. :class:`NarrativeCheck` turns every
disagreement into an X-TEXT warning.

Precision over recall: a figure is compared only when its concept and scope are
certain, every cell it needs holds a number, and no reading of the wording agrees with
the table. The phrase patterns are data (``statements.json``, one description per
concept); the statements are read from the instance alone, so a document and the JSON
instance read from it get the same findings.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import define, evolve

from govreport.contract import editions, tables
from govreport.contract.tables import Shape
from govreport.extract.normalize import View
from govreport.findings import Finding, Operand
from govreport.location import Location
from govreport.messages import Text
from govreport.pointer import split_pointer
from govreport.validation.context import Context, printable
from govreport.validation.folding import Folding

__all__ = ["NarrativeCheck", "Reading", "Statement", "statements"]

#: The section texts figures are read from, in document order.
SECTIONS = ("preamble", "overview", "active_disclosure", "requests", "reviews", "problems", "other_matters")

#: A quoted sentence longer than this is shortened around the figure.
QUOTE_MAX = 60
#: How far a clause and a sentence's context reach from a figure (characters), so that
#: text without punctuation costs linear time.
CLAUSE_MAX = 120
CONTEXT_MAX = 400


@define(frozen=True, kw_only=True, slots=True)
class Reading:
    """One way of reading a statement in the tables: the cells it adds up and their sum.

    ``value`` is None when a cell is blank, absent or not a whole number (``blank``
    names it).
    """

    pointer: str
    label: str
    cells: tuple[tuple[str, Any], ...]
    value: int | None
    group: bool = False
    blank: str | None = None


@define(frozen=True, kw_only=True, slots=True)
class Statement:
    """A figure stated in a section's text.

    ``start``/``end`` are the offsets of the number in ``instance["sections"][section]``;
    ``sentence`` is the sentence around it (whitespace of line breaks removed).
    ``concept`` is an id of ``statements.json`` and ``scope`` ``"all"`` or an applicant
    type. ``readings`` are the table's values for it; ``agrees`` is True or False when it
    was compared, None when not, and then ``skipped`` says why.
    """

    value: int
    concept: str
    scope: str
    section: str
    start: int
    end: int
    sentence: str
    readings: tuple[Reading, ...] = ()
    agrees: bool | None = None
    skipped: str | None = None


@functools.cache
def _data() -> dict[str, Any]:
    text = (importlib.resources.files("govreport.validation") / "statements.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@define(frozen=True, slots=True)
class _Concept:
    id: str
    lead: tuple[re.Pattern[str], ...]
    trail: tuple[re.Pattern[str], ...]
    trail_lead: tuple[re.Pattern[str], ...]
    rows: tuple[tuple[str, ...], ...]
    context: str | None
    generic: bool
    skip: str | None


@define(frozen=True, slots=True)
class _Scope:
    id: str
    lead: re.Pattern[str]
    columns: tuple[str, ...]


@define(frozen=True, slots=True)
class _Patterns:
    number: re.Pattern[str]
    sentence_end: re.Pattern[str]
    context_end: re.Pattern[str]
    clause_delimiter: re.Pattern[str]
    last_clause_delimiter: re.Pattern[str]
    approximate: re.Pattern[str]
    branch: re.Pattern[str]
    attached: re.Pattern[str]
    scope_words: re.Pattern[str]
    other_year: re.Pattern[str]
    year: re.Pattern[str]
    request_context: re.Pattern[str]
    review_context: re.Pattern[str]
    foreign: re.Pattern[str]
    part: re.Pattern[str]
    both_reviews: tuple[str, ...]
    concepts: tuple[_Concept, ...]
    scopes: tuple[_Scope, ...]


def _one_of(chars: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


@functools.cache
def _patterns() -> _Patterns:
    d = _data()

    def many(items: Sequence[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in items)

    concepts = tuple(
        _Concept(c["id"], many(c.get("lead", ())), many(c.get("trail", ())), many(c.get("trail_lead", ())),
                 tuple(tuple(r) for r in c.get("readings", ())), c.get("context"), bool(c.get("generic")),
                 c.get("skip"))
        for c in d["concepts"]
    )
    scopes = tuple(_Scope(s["id"], re.compile(s["lead"]), tuple(s["columns"])) for s in d["scopes"])
    return _Patterns(
        number=re.compile(d["number"]), sentence_end=_one_of(d["sentence_end"]),
        context_end=_one_of(d["context_end"]), clause_delimiter=_one_of(d["clause_delimiters"]),
        last_clause_delimiter=re.compile("(?s:.*)" + _one_of(d["clause_delimiters"]).pattern),
        approximate=re.compile(d["approximate_lead"]),
        branch=re.compile(d["branch_lead"]), attached=re.compile(d["attached_lead"]),
        scope_words=re.compile(d["scope_words"]), other_year=re.compile(d["other_year_words"]),
        year=re.compile(d["year"]), request_context=re.compile(d["request_context"]),
        review_context=re.compile(d["review_context"]), foreign=re.compile(d["foreign_words"]),
        part=re.compile(d["part_words"]), both_reviews=tuple(d["both_reviews"]),
        concepts=concepts, scopes=scopes,
    )


# -- reading the text ---------------------------------------------------------------------------

def _fold_char(ch: str) -> str:
    return "".join(c for c in View(ch).text if c not in " \n")


_FOLDING = Folding(_fold_char)
#: Where the normaliser may drop pinyin left by a converter (規(guī)章): a bracket, then a
#: Latin letter (the pinyin letters are all in Basic Latin and U+00C0–U+024F). A text
#: without one folds character by character; one with it is read through View.
_MAYBE_PINYIN = re.compile(r"[(（][A-Za-z\u00c0-\u024f]")


class _Text:
    """A section's text normalised (see ``govreport.extract.normalize``) with all
    whitespace removed, and the original offset of every character (computed when a
    figure is quoted)."""

    __slots__ = ("_offsets", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._offsets: Sequence[int] | None = None
        if _MAYBE_PINYIN.search(original):
            view = View(original)
            kept = [(ch, at) for ch, at in zip(view.text, view.offsets) if ch not in " \n"]
            self.text = "".join(ch for ch, _ in kept)
            self._offsets = tuple(at for _, at in kept)
        else:
            self.text = _FOLDING.text(original)

    @property
    def offsets(self) -> Sequence[int]:
        if self._offsets is None:
            self._offsets = _FOLDING.offsets(self.original)
        return self._offsets

    def source(self, index: int) -> int:
        offsets = self.offsets
        return offsets[index] if index < len(offsets) else len(self.original)

    def source_end(self, index: int) -> int:
        """The original offset just past normalised character ``index - 1``."""
        return self.offsets[index - 1] + 1 if index > 0 else 0


@define(kw_only=True)
class _Found:
    """A figure while its sentence is read."""

    value: int
    concept: _Concept | None
    scope: _Scope | None
    start: int  # in the normalised text
    end: int
    clause_lead: str
    skipped: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    parent: int | None = None


def _sentences(text: str, ends: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    start = 0
    for m in ends.finditer(text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _clause_start(text: str, start: int, at: int, last_delimiter: re.Pattern[str]) -> int:
    """Just past the last delimiter before ``at`` (at most :data:`CLAUSE_MAX` back, not before ``start``)."""
    start = max(start, at - CLAUSE_MAX)
    m = last_delimiter.match(text, start, at)
    return m.end() if m else start


def _clause_end(text: str, at: int, end: int, delimiter: re.Pattern[str]) -> int:
    """The first delimiter from ``at`` on (at most :data:`CLAUSE_MAX` on, not after ``end``)."""
    end = min(end, at + CLAUSE_MAX)
    m = delimiter.search(text, at, end)
    return m.start() if m else max(at, end)


def _concept_of(lead: str, trail: str, pats: _Patterns) -> _Concept | None:
    for concept in pats.concepts:
        if any(p.search(lead) for p in concept.lead):
            return concept
        if any(p.search(trail) for p in concept.trail) and (
                not concept.trail_lead or any(p.search(lead) for p in concept.trail_lead)):
            return concept
    return None


def _read_sentence(norm: str, s_start: int, s_end: int, context: tuple[int, int], year: int | None,
                   pats: _Patterns) -> list[_Found]:
    """The figures of one sentence; ``context`` is where the sentence's context starts
    (the previous full sentence) and where its own full sentence (to 。) starts."""
    before, full = context
    limit = min(len(norm), s_start + CONTEXT_MAX)
    stop = pats.context_end.search(norm, s_start, limit)
    ahead = stop.start() if stop else max(s_start, limit)
    around = norm[max(before, s_start - CONTEXT_MAX):ahead]
    found: list[_Found] = []
    last_end: dict[int, int] = {}  # clause start → end of the last figure in it
    for m in pats.number.finditer(norm, s_start, s_end):
        n_start, n_end = m.start("n"), m.end("n")
        c_start = _clause_start(norm, s_start, n_start, pats.last_clause_delimiter)
        c_end = _clause_end(norm, m.end(), s_end, pats.clause_delimiter)
        lead_start = max(c_start, last_end.get(c_start, c_start))
        last_end[c_start] = m.end()
        lead, clause_lead, trail = norm[lead_start:n_start], norm[c_start:n_start], norm[m.end():c_end]
        approximate = bool(m.group("approx"))
        if pats.approximate.search(lead):
            approximate = True
            lead = pats.approximate.sub("", lead)
        value = int(m.group("n").replace(",", ""))
        concept = _concept_of(lead, trail, pats)
        scope = None
        if concept is None:
            scope = next((s for s in pats.scopes if s.lead.search(lead)), None)
            if scope is None:
                continue  # a figure of something else: not a statement
        item = _Found(value=value, concept=concept, scope=scope, start=n_start, end=n_end, clause_lead=clause_lead)
        if approximate:
            item.skipped = "approximate figure (余, 多, 近, 约…)"
        found.append(item)
        if concept is None:
            continue
        if concept.skip:
            item.skipped = concept.skip
        elif concept.generic and pats.branch.search(clause_lead):
            item.skipped = "a branch (其中…) of another figure, not the total"
        elif pats.scope_words.search(clause_lead):
            item.skipped = "applicant type named in the wording; scope unclear"
        elif concept.generic and pats.part.search(clause_lead):
            word = pats.part.search(clause_lead)
            item.skipped = f"a part of the requests (by channel or timing: {word.group() if word else ''}), not the total"
        elif concept.id in ("reconsideration", "litigation") and all(w in lead for w in pats.both_reviews):
            item.skipped = "reconsideration and litigation named together"
        elif concept.generic and pats.foreign.search(clause_lead):
            word = pats.foreign.search(clause_lead)
            item.skipped = f"the clause is about something other than requests ({word.group() if word else ''})"
        item.rows = concept.rows
        here = norm[max(full, n_start - CONTEXT_MAX):n_start]
        if not item.skipped:
            if pats.other_year.search(clause_lead):
                item.skipped = "a figure of another year or a comparison (去年, 同比, 较…)"
            else:
                years = [int(y) for y in pats.year.findall(here)]
                if years and (year is None or years[-1] != year):
                    item.skipped = (f"a figure of {years[-1]}, not of the report's year" if year is not None
                                    else "the sentence names a year and the report's year is unknown")
        if not item.skipped and concept.context == "requests" and not (
                pats.request_context.search(around)):
            item.skipped = "the sentence is not about information requests (no 申请 in it or before it)"
        if not item.skipped and concept.context == "reviews" and not (
                pats.review_context.search(norm[max(before, n_start - CONTEXT_MAX):n_start])):
            item.skipped = "not said to be about information disclosure (no 信息公开 before it)"
    _resolve(found, pats)
    return found


def _resolve(found: list[_Found], pats: _Patterns) -> None:
    """Relate the figures of one sentence: breakdowns by applicant type inherit the
    figure they break down; 其中/含上年结转 decides what a 收到 or 答复 figure counts."""
    parent: int | None = None
    for i, item in enumerate(found):
        concept = item.concept
        if concept is None:  # 自然人N件 …: a breakdown of the figure before
            if parent is None:
                item.skipped = "an applicant type without a figure it breaks down"
                continue
            item.parent = parent
            item.concept = found[parent].concept
            item.rows = found[parent].rows
            if found[parent].skipped and not item.skipped:
                item.skipped = f"breaks down a figure not compared ({found[parent].skipped})"
            continue
        if concept.id == "carried_over" and parent is not None and pats.attached.search(item.clause_lead):
            owner = found[parent]
            assert owner.concept is not None
            if owner.concept.id in ("outcomes_total", "handled"):
                item.concept = next(c for c in pats.concepts if c.id == "carried_over_handled")
                item.skipped = item.skipped or item.concept.skip
                item.rows = ()
            elif owner.concept.id == "received_or_total":
                # 收到申请75件，其中上年结转1件: the 75 counts 一 and 二 together.
                owner.rows = (("/requests/received", "/requests/carried_over"),)
                for other in found:
                    if other.parent == parent:
                        other.rows = owner.rows
            continue
        if concept.id not in ("carried_over_handled",):
            parent = i


def _quote(tx: _Text, n_start: int, n_end: int, s_start: int, s_end: int) -> tuple[str, int, int]:
    """The sentence of the original text (line breaks joined), shortened around the figure,
    and the original offsets of the number."""
    o_start, o_end = tx.source(n_start), tx.source_end(n_end)
    s_o_start = tx.source(max(s_start, n_start - 2 * QUOTE_MAX))
    s_o_end = tx.source_end(min(s_end, n_end + 2 * QUOTE_MAX))

    def clean(text: str) -> str:
        return re.sub(r"\s*\n\s*", "", text).strip()

    before, figure, after = (clean(tx.original[s_o_start:o_start]), tx.original[o_start:o_end],
                             clean(tx.original[o_end:s_o_end]))
    if len(before) + len(figure) + len(after) > QUOTE_MAX:
        room = (QUOTE_MAX - len(figure)) // 2
        if len(before) > room + 5:
            before = "…" + before[-room - 5:]
        if len(after) > room - 5:
            after = after[:max(room - 5, 8)] + "…"
    return before + figure + after, o_start, o_end


# -- the tables ---------------------------------------------------------------------------------

def _get(instance: Mapping[str, Any], ptr: str) -> tuple[bool, Any]:
    node: Any = instance
    for key in split_pointer(ptr):
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _reading(instance: Mapping[str, Any], rows: Sequence[str], columns: Sequence[str], edition: str,
             shape: Shape) -> Reading:
    cells: list[tuple[str, Any]] = []
    first_member: str | None = None
    group = False
    row_nodes = tables.rows(edition, shape)
    for row in rows:
        node = tables.node(edition, row, shape)
        members = [row] if node is not None and node.kind == "row" else \
            [r.pointer for r in row_nodes if r.pointer.startswith(row + "/")]
        group = group or (len(rows) == 1 and node is not None and node.kind == "group")
        for member in members:
            first_member = first_member or member
            for column in columns:
                cells.append((f"{member}/{column}", None))
    if not cells:  # a pointer this edition does not have
        return Reading(pointer=rows[0], label=tables.label(edition, rows[0], shape), cells=(), value=None,
                       blank=rows[0])
    values: list[tuple[str, Any]] = []
    blank = None
    total = 0
    for ptr, _ in cells:
        present, value = _get(instance, ptr)
        values.append((ptr, value if present else None))
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            total += value
        elif blank is None:
            blank = ptr
    if len(values) == 1:
        pointer, label = values[0][0], tables.label(edition, values[0][0], shape)
    elif group:
        titles = " + ".join(tables.label(edition, f"{first_member}/{c}", shape).rsplit(tables.SEP, 1)[-1]
                            for c in columns)
        pointer, label = rows[0], tables.label(edition, rows[0], shape) + tables.SEP + titles
    else:
        pointer = values[0][0]
        label = " + ".join(tables.label(edition, p, shape) for p, _ in values)
    return Reading(pointer=pointer, label=label, cells=tuple(values), value=None if blank else total,
                   group=group, blank=blank)


def _judge(statement: Statement, rows: tuple[tuple[str, ...], ...], columns: tuple[str, ...],
           instance: Mapping[str, Any], edition: str, shape: Shape) -> Statement:
    if not rows:
        return evolve(statement, skipped="no table cells for this concept")
    readings = tuple(_reading(instance, r, ("total",) if r[0].startswith("/reviews") else columns, edition, shape)
                     for r in rows)
    if any(r.value == statement.value for r in readings):
        return evolve(statement, readings=readings, agrees=True)
    blank = next((r for r in readings if r.value is None), None)
    if blank is not None:
        assert blank.blank is not None
        return evolve(statement, readings=readings,
                      skipped=f"cell blank or not a count: {tables.label(edition, blank.blank, shape)}")
    return evolve(statement, readings=readings, agrees=False)


def statements(instance: Any, edition: str | None = None, shape: Shape | None = None) -> list[Statement]:
    """Every figure read from the sections of ``instance``, each judged against the tables.

    A statement that was not compared has ``agrees`` None and a ``skipped`` reason;
    figures of other things (群众诉求348件, 网络申请8件) are not statements at all.
    """
    if not isinstance(instance, dict) or not isinstance(instance.get("sections"), dict):
        return []
    chosen = editions.edition_of(instance, edition)
    shape = shape or editions.shape_of(instance) or editions.default_shape(chosen)
    year = editions.year_of(instance)
    out: list[Statement] = []
    for name in SECTIONS:
        original = instance["sections"].get(name)
        if not isinstance(original, str) or not original:
            continue
        for statement, rows, columns in _read_section(name, original, year):
            if statement.skipped is None:
                statement = _judge(statement, rows, columns, instance, chosen, shape)
            out.append(statement)
    return out


@functools.lru_cache(maxsize=256)
def _read_section(name: str, original: str, year: int | None,
                  ) -> tuple[tuple[Statement, tuple[tuple[str, ...], ...], tuple[str, ...]], ...]:
    """The figures of one section's text, not yet judged against the tables: each
    statement with the rows and columns it is compared with (the text alone decides
    them, so the last texts read are remembered)."""
    pats = _patterns()
    scopes = {s.id: s for s in pats.scopes}
    out = []
    tx = _Text(original)
    if "件" not in tx.text:  # every figure is a number of 件
        return ()
    full = list(_sentences(tx.text, pats.context_end))
    k = 0
    for s_start, s_end in _sentences(tx.text, pats.sentence_end):
        while full[k][1] <= s_start:
            k += 1
        context = (full[k - 1][0] if k else full[k][0], full[k][0])
        for item in _read_sentence(tx.text, s_start, s_end, context, year, pats):
            assert item.concept is not None or item.skipped
            scope = item.scope
            quote, o_start, o_end = _quote(tx, item.start, item.end, s_start, s_end)
            statement = Statement(
                value=item.value, concept=item.concept.id if item.concept else "",
                scope=scope.id if scope else "all", section=name, start=o_start, end=o_end,
                sentence=quote, skipped=item.skipped,
            )
            if statement.skipped is None and scope is not None and any(r[0].startswith("/reviews") for r in item.rows):
                statement = evolve(statement, skipped="applicant types are not columns of table 4")
            columns = scopes[scope.id].columns if scope else ("total",)
            out.append((statement, item.rows, columns))
    return tuple(out)


# -- the check ----------------------------------------------------------------------------------

class NarrativeCheck:
    """X-TEXT: a figure stated in the narrative disagrees with the table cells it refers to."""

    stage = "document"
    rules = frozenset({"X-TEXT"})

    def run(self, context: Context) -> Iterator[Finding]:
        data = context.instance
        if not isinstance(data, dict):
            return
        for statement in statements(data, context.edition, context.shape):
            if statement.agrees is not False:
                continue
            primary = statement.readings[0]
            args: dict[str, Any] = {"quote": statement.sentence, "actual": statement.value,
                                    "expected": printable(primary.value), "label": primary.label}
            template = "X-TEXT:sum" if len(primary.cells) > 1 else ""
            distinct = {r.value: r for r in reversed(statement.readings)}  # the first reading of each value
            if len(distinct) > 1:
                template = "X-TEXT:either"
                shown = [f"「{r.label}」{printable(r.value)}" for r in statement.readings if distinct[r.value] is r]
                args["readings"] = Text("；".join(shown), "; ".join(shown))
            prov = context.provenance(f"/sections/{statement.section}")
            operands = tuple(Operand(pointer=p, label=tables.label(context.edition, p, context.shape), value=v,
                                     location=_where(context, p)) for p, v in primary.cells)
            yield context.finding(
                "X-TEXT", primary.pointer, args, label=primary.label, template=template,
                expected=primary.value, actual=statement.value, operands=operands,
                location=prov.locate(statement.start) if prov is not None else None, stage=self.stage,
            )


def _where(context: Context, ptr: str) -> Location | None:
    prov = context.provenance(ptr)
    return prov.location if prov is not None else None
