"""Fast paths give exactly what their reference gives.

* The schema stage explains bad cells, objects' own keys and the （六） oneOf without
  running jsonschema: its findings must be those of a full jsonschema run.
* Flattening (every table cell of an instance, in order) runs as generated code: it
  must equal the plain loop, in every edition and shape, on broken instances too.
* The whole validator, with every fast path on, gives exactly the findings (and the
  relation statistics) of the plain path: every relation evaluated, operands built one
  by one, the root's keys through jsonschema, the narrative folded one character at a
  time and read afresh each time. On generated reports, faulty ones, broken ones, the
  conformance suite (valid and invalid instances) and narratives of random text.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govreport.validation.document as document_rules
import govreport.validation.narrative as narrative
import govreport.validation.relations as relation_check
import govreport.validation.schema as schema_check
from govreport import Report
from govreport.contract import editions, relations, tables
from govreport.extract.normalize import View, t2s
from govreport.findings import Operand, Result
from govreport.strategies import faulty_reports, reports
from govreport.validation import Validator
from govreport.validation.context import _flatten_reference, flatten
from govreport.validation.schema import schema_findings

#: values a cell may be given: valid ones, wrong types, negatives, non-finite numbers,
#: huge ints, and a negative fraction (which fails both ``type`` and ``minimum``)
_VALUES = st.sampled_from([
    -1, 0, 7, Decimal("-1.5"), -1.5, 1.5, 2.0, -0.0, Decimal("-0"), float("nan"), float("inf"), Decimal("NaN"),
    True, "12", "", None, 10**5000, -(10**5000), [], {}, [1],
])
#: what may be done to an object of the instance
_EDITS = st.sampled_from(["drop", "extra", "null", "list", "empty", "other_handling_row", "other_handling_split"])


def _objects(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    if isinstance(data, dict):
        out.append(path)
        for key, value in data.items():
            out.extend(_objects(value, path + (key,)))
    return out


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple[str, ...], value: Any) -> None:
    _at(data, path[:-1])[path[-1]] = value


def _edition(data: dict[str, Any]) -> str:
    return data["edition"] if data.get("edition") in ("2019", "2021") else "2021"


def _mutate(data: dict[str, Any], draw: st.DrawFn) -> None:
    edition = _edition(data)
    shape = editions.shape_of(data) or editions.default_shape(edition)
    if draw(st.booleans()):
        cell = draw(st.sampled_from(tables.cells(edition, shape)))
        try:
            _set(data, cell.path, draw(_VALUES))
        except (KeyError, TypeError):
            pass
        return
    path = draw(st.sampled_from(_objects(data)))
    node = _at(data, path)
    edit = draw(_EDITS)
    if edit == "drop" and node:
        del node[draw(st.sampled_from(sorted(node)))]
    elif edit == "extra":
        node[draw(st.sampled_from(["totall", "natural_persons", "x"]))] = 0
    elif edit in ("null", "list", "empty") and path:
        _set(data, path, {"null": None, "list": [1], "empty": {}}[edit])
    elif edit.startswith("other_handling") and isinstance(data.get("requests"), dict) \
            and isinstance(data["requests"].get("outcomes"), dict):
        # the （六） row in the other layout, or a mixture of both layouts' keys
        row = {"natural_person": 1, "total": 1} if edit.endswith("row") else {"pending_payment": {"total": 0}}
        data["requests"]["outcomes"]["other_handling"] = row


@st.composite
def _broken(draw: st.DrawFn) -> dict[str, Any]:
    report: Report = draw(reports())
    data = copy.deepcopy(report.to_dict())
    for _ in range(draw(st.integers(1, 5))):
        _mutate(data, draw)
    return data


def _shown(data: dict[str, Any], targeted: bool) -> list[tuple[str, str, str, str, str]]:
    found = schema_findings(data, _edition(data), targeted=targeted)
    return sorted((f.rule, f.pointer, f.message, repr(f.expected), repr(f.actual)) for f in found)


@settings(max_examples=150, deadline=None)
@given(_broken())
def test_direct_explanations_equal_a_full_jsonschema_run(data: dict[str, Any]) -> None:
    assert _shown(data, targeted=True) == _shown(data, targeted=False)


def test_a_negative_fraction_is_one_cell_type_finding() -> None:
    data: dict[str, Any] = {"edition": "2021", "report": {"year": 2021}}
    data["requests"] = {"received": {"natural_person": Decimal("-1.5")}}
    [cell] = [f for f in schema_findings(data, "2021") if f.rule == "CELL-TYPE"]
    assert cell.pointer == "/requests/received/natural_person" and cell.actual == Decimal("-1.5")


@settings(max_examples=60, deadline=None)
@given(_broken(), st.sampled_from(["2019", "2021"]), st.sampled_from(["split", "row"]))
def test_generated_flattening_equals_the_plain_loop(data: dict[str, Any], edition: str, shape: Any) -> None:
    assert flatten(data, edition, shape) == _flatten_reference(data, edition, shape)


@settings(max_examples=60, deadline=None)
@given(reports(), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([-1, 1, 2, 10**30, None, "1"])),
                           max_size=6))
def test_generated_relation_sums_equal_the_reference(report: Report, bumps: list[tuple[int, Any]]) -> None:
    data = report.to_dict()
    edition = data["edition"]
    shape = editions.shape_of(data) or editions.default_shape(edition)
    values = flatten(data, edition, shape)
    for pick, change in bumps:
        i = pick % len(values)
        if isinstance(change, int) and isinstance(values[i], int):
            values[i] += change
        else:
            values[i] = change
    bindings = relations.compile_relations(edition, shape)
    assert relations.failing(bindings, values) == relations._failing_reference(bindings, values)


# -- the whole validator against its plain path -------------------------------------------------

class _PlainFolding:
    """The document rules' folding as defined, one character at a time (NFKC, then
    Traditional → Simplified, whitespace dropped), remembering nothing."""

    @staticmethod
    def _pairs(text: str) -> list[tuple[str, int]]:
        return [(c, i) for i, ch in enumerate(text) if not ch.isspace()
                for c in t2s(unicodedata.normalize("NFKC", ch)) if not c.isspace()]

    def text(self, text: str) -> str:
        return "".join(c for c, _ in self._pairs(text))

    def offsets(self, text: str) -> tuple[int, ...]:
        return tuple(i for _, i in self._pairs(text))


@contextlib.contextmanager
def _plain_path() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(relations, "to_evaluate", lambda bindings, values: None)  # every relation evaluated
        mp.setattr(relation_check, "_operand", lambda pointer, label, value, weight, role: Operand(
            pointer=pointer, label=label, value=value, weight=weight, role=role))
        mp.setattr(schema_check, "_ROOT_KEYWORDS", frozenset())  # the root's own keys through jsonschema
        mp.setattr(narrative, "_MAYBE_PINYIN", re.compile(""))  # every text through View
        mp.setattr(narrative, "_read_section", narrative._read_section.__wrapped__)
        mp.setattr(document_rules, "_FOLDING", _PlainFolding())
        yield


def _both(data: Any, **options: Any) -> tuple[Result, Result]:
    fast = Validator(**options).run(copy.deepcopy(data))
    with _plain_path():
        plain = Validator(**options).run(copy.deepcopy(data))
    return fast, plain


def _same(data: Any, **options: Any) -> None:
    fast, plain = _both(data, **options)
    assert _shown_result(fast) == _shown_result(plain)


def _shown_result(result: Result) -> tuple[str, ...]:
    """Everything a result says, in order, NaN equal to NaN (a cell may hold one): each
    finding's fields, template and arguments, and the relation statistics (ints of any
    length written out)."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return (repr(result.edition), repr(result.relations),
                *(f"{f!r} {f.template} {f.args!r}" for f in result.findings))
    finally:
        sys.set_int_max_str_digits(limit)


_SEED = Path(__file__).resolve().parents[1] / "examples" / "chaotian-2021.json"


def _seed_with(change: Any) -> dict[str, Any]:
    """The seed with the total of its first relation holding ``change(value)``."""
    data: dict[str, Any] = json.loads(_SEED.read_text(encoding="utf-8"))
    shape = editions.shape_of(data) or "split"
    first = relations.compile_relations(data["edition"], shape)[0]
    cell = tables.cells(data["edition"], shape)[first.total.index]
    _set(data, cell.path, change(_at(data, cell.path)))
    return data


def test_the_plain_path_evaluates_every_relation() -> None:
    """The switch does switch: with a negative cell, the fast path evaluates only the
    relations it touches, the plain path all of them."""
    data = _seed_with(lambda v: -1)
    sizes: list[int] = []
    original = relations.evaluate

    def counting(bindings: Any, values: Any, **options: Any) -> Any:
        bindings = list(bindings)
        sizes.append(len(bindings))
        return original(bindings, values, **options)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(relations, "evaluate", counting)
        Validator().run(data)
        with _plain_path():
            Validator().run(data)
    every = len(relations.compile_relations(data["edition"], editions.shape_of(data) or "split"))
    assert sizes[1] == every and 0 < sizes[0] < every


#: narrative made of the phrases X-TEXT and the DOC rules read, figures, punctuation
#: (full-width too), whitespace, Traditional characters, pinyin and characters NFKC expands
_TEXT = st.lists(st.sampled_from([
    "本年共收到政府信息公开申请", "本年共收到政府信息公开申请12件。", "收到申请", "依法按时办结", "其中", "自然人", "法人或其他组织", "上年结转",
    "去年", "同比", "约", "行政复议", "行政诉讼", "複議", "訴訟", "信息公開", "统计期限自2021年1月1日起至2021年12月31日止",
    "統計期限為2020年1月1日至12月31日", "处理费", "收费", "未收取费用", "規(guī)章", "(gh)", "2021年", "2019年",
    "0", "1", "2", "9", "12", "1,234", "０", "１２", "件", "余件", "件次", "。", "；", "，", ",", ":", "（", "）", "!", "？",
    " ", "\n", "\t", "\u3000", "㈠", "¨", "ﾊﾟ",
]), max_size=40).map("".join)


@settings(max_examples=100, deadline=None)
@given(reports(), st.dictionaries(st.sampled_from(narrative.SECTIONS), _TEXT, max_size=4), st.booleans())
def test_fast_paths_give_the_plain_findings_with_narrative(report: Report, sections: dict[str, str],
                                                           zero: bool) -> None:
    data = json.loads(json.dumps(report.to_dict(), default=float))
    if sections:
        data["sections"] = sections
    _same(data, blanks_as_zero=zero)


@settings(max_examples=100, deadline=None)
@given(faulty_reports(), st.booleans(), st.sampled_from(["zh", "en"]))
def test_fast_paths_give_the_plain_findings_on_faulty_reports(pair: tuple[dict[str, Any], Any], zero: bool,
                                                              lang: str) -> None:
    _same(pair[0], blanks_as_zero=zero, lang=lang)


@settings(max_examples=100, deadline=None)
@given(_broken())
def test_fast_paths_give_the_plain_findings_on_broken_reports(data: dict[str, Any]) -> None:
    _same(data)


_SUITE = Path(__file__).resolve().parent / "conformance"


def test_fast_paths_give_the_plain_findings_on_the_conformance_suite() -> None:
    seen = {True: 0, False: 0}
    for path in sorted(_SUITE.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        for group in suite["groups"]:
            for test in group["tests"]:
                fast, plain = _both(test["data"])
                assert _shown_result(fast) == _shown_result(plain), test["description"]
                seen[fast.valid] += 1
    assert seen[True] and seen[False]  # both valid and invalid instances were compared


def test_the_seed_narrative_gives_the_plain_findings() -> None:
    for change in (lambda v: v, lambda v: v + 1, lambda v: None):
        _same(_seed_with(change))
