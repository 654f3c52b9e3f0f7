"""Generate the language-neutral conformance suite: tests/conformance/<edition>.json.

    python tests/conformance/generate.py          # rewrite both files
    python tests/conformance/generate.py --check  # exit 1 if the files would change

Every case is an instance, the edition whose schema it is checked against, whether it
is valid against that schema (the verdict of jsonschema-rs and ajv, which must agree, and
agree with any verdict written down here), the schema-stage rule ids written down here,
and for schema-valid cases the relations the documentation's JavaScript example finds
broken. govreport's validator is not run: its output is what the tests check, so it
cannot also be the expectation. See README.md in this directory. The cases come from:

* ``govreport.strategies.reports()``: valid reports of both （六） shapes;
* ``govreport.strategies.faulty_reports()``: CELL-TYPE faults (schema-invalid) and
  relation faults (schema-valid: relations are not the schema's business);
* hand-written mutations of two base instances, each with the verdict and rule ids
  it must get written down *here*, by hand (a verdict the independent validators
  disagree with stops the generator);
* the corpus golden instances (real reports, tests/corpus/golden/*.json), against
  their own edition's schema and against the other edition's.

Hypothesis runs with ``derandomize=True`` and no example database, so for a given
Hypothesis version the output is the same on every run. The suite is data: the tests
read it and never regenerate it, so a different Hypothesis version in CI cannot make
them fail; regenerate it after changing the schema, the strategies or the corpus.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from govreport import strategies  # noqa: E402
import jsonschema_rs  # noqa: E402

from govreport.contract import schemas  # noqa: E402  (edition names and schema ids only)

SEED = ROOT / "examples" / "chaotian-2021.json"
GOLDEN = ROOT / "tests" / "corpus" / "golden"

#: How many generated cases of each kind, per edition.
N_VALID = 100
N_HYBRID = 20
N_CELL_TYPE = 40
N_RELATION = 40

Data = Any
Mutation = Callable[[Data], Data]


# -- JSON with exact decimals ------------------------------------------------------

_DECIMAL = re.compile(r'"\\u0000decimal:([-+0-9.eE]+)"')


class Number:
    """A JSON number written exactly as given (``9e0``, ``0.9e1``, ``-0``)."""

    def __init__(self, text: str) -> None:
        Decimal(text)  # must be a number
        self.text = text


def _mark_decimals(value: Any) -> Any:
    if isinstance(value, Number):
        return "\0decimal:" + value.text
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        return "\0decimal:" + str(value)
    if isinstance(value, dict):
        return {k: _mark_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_decimals(v) for v in value]
    if isinstance(value, float):
        raise TypeError("binary floats are not used in the suite; write a Decimal")
    return value


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON text in which Decimals are plain JSON numbers written exactly (``1424.40``)."""
    text = json.dumps(_mark_decimals(value), ensure_ascii=False, indent=indent)
    return _DECIMAL.sub(lambda m: m.group(1), text)


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


# -- generated cases -------------------------------------------------------------------

def draw(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """Up to ``n`` distinct examples of ``strategy``, the same ones on every run."""
    found: list[Any] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example: Any) -> None:
        found.append(example)

    collect()
    out: list[Any] = []
    seen: set[str] = set()
    for example in found:
        instance = example[0] if isinstance(example, tuple) else example
        key = dumps(instance.to_dict() if hasattr(instance, "to_dict") else instance)
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out


def _set(data: Data, path: str, value: Any) -> Data:
    node = data
    keys = path.strip("/").split("/")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return data


def _del(data: Data, path: str) -> Data:
    node = data
    keys = path.strip("/").split("/")
    for key in keys[:-1]:
        node = node[key]
    del node[keys[-1]]
    return data


def _rename(data: Data, path: str, new: str) -> Data:
    node = data
    keys = path.strip("/").split("/")
    for key in keys[:-1]:
        node = node[key]
    node[new] = node.pop(keys[-1])
    return data


def _zero_row() -> dict[str, int]:
    return {c: 0 for c in strategies.COLUMNS}


def _split(row: dict[str, Any]) -> dict[str, Any]:
    """A single-row （六） split into the three 2021 rows (all in 其他)."""
    return {"overdue_correction": _zero_row(), "overdue_fee": _zero_row(), "other": dict(row)}


def base_instances() -> dict[str, Data]:
    """The bases of the hand-written mutations: the seed (2021) and a 2019 counterpart.

    Both use their own edition's （六） shape, so the base is valid with no finding.
    """
    seed = loads(SEED.read_text(encoding="utf-8"))
    b2021 = copy.deepcopy(seed)
    oh = b2021["requests"]["outcomes"]["other_handling"]
    if "total" in oh:
        b2021["requests"]["outcomes"]["other_handling"] = _split(oh)
    b2019 = copy.deepcopy(seed)
    b2019["edition"] = "2019"
    b2019["report"]["year"] = 2020
    if "total" not in b2019["requests"]["outcomes"]["other_handling"]:
        raise SystemExit("the seed's （六） is expected to be one row")
    b2019["active_disclosure"] = {
        "regulations": {"made": 0, "published": 0, "published_total": 0},
        "normative_documents": {"made": 5, "published": 5, "published_total": 21},
        "licensing": {"previous_items": 112, "change": -3, "decisions": 3086},
        "other_services": {"previous_items": 20, "change": 0, "decisions": 0},
        "penalties": {"previous_items": 251, "change": 4, "decisions": 86},
        "coercion": {"previous_items": 12, "change": 0, "decisions": 0},
        "fees": {"previous_items": 0, "change": 0},
        "procurement": {"items": 12, "amount": Decimal("1424.40"), "unit": "万元"},
    }
    return {"2019": b2019, "2021": b2021}


# -- hand-written mutations ------------------------------------------------------------
#
# Each: (description, mutation, valid, rules). ``rules`` are the schema-stage rule ids
# govreport must report; None means "not pinned here" (the case then has no ``rules``;
# its verdict still comes from jsonschema-rs and ajv).

R = "/requests"
CELL = f"{R}/received/natural_person"
OH = f"{R}/outcomes/other_handling"


def _const(value: Any) -> Mutation:
    return lambda data: value


def mutations(edition: str) -> list[tuple[str, Mutation, bool, list[str] | None]]:
    other = "2019" if edition == "2021" else "2021"
    fees = "/active_disclosure/fees/amount" if edition == "2021" else "/active_disclosure/procurement/amount"
    cases: list[tuple[str, Mutation, bool, list[str] | None]] = [
        ("the base instance, unchanged", lambda d: d, True, []),
        # keys
        ("misspelled table key: request", lambda d: _rename(d, R, "request"), False,
         ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
        ("misspelled row key: recieved", lambda d: _rename(d, f"{R}/received", "recieved"), False,
         ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
        ("misspelled cell key: natural_persons", lambda d: _rename(d, CELL, "natural_persons"), False,
         ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
        ("camelCase cell key: naturalPerson", lambda d: _rename(d, CELL, "naturalPerson"), False,
         ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
        ("extra top-level key", lambda d: _set(d, "/comment", "read by hand"), False, ["SCHEMA-UNKNOWN-KEY"]),
        ("invented subtotal row under （三）不予公开",
         lambda d: _set(d, f"{R}/outcomes/withheld/subtotal", _zero_row()), False, ["SCHEMA-UNKNOWN-KEY"]),
        ("invented 法人或其他组织 subtotal column",
         lambda d: _set(d, f"{R}/received/organisations", 0), False, ["SCHEMA-UNKNOWN-KEY"]),
        ("extra key in table 4 group", lambda d: _set(d, "/reviews/reconsideration/withdrawn", 0), False,
         ["SCHEMA-UNKNOWN-KEY"]),
        # missing things
        ("missing table: reviews", lambda d: _del(d, "/reviews"), False, ["SCHEMA-REQUIRED"]),
        ("missing table: active_disclosure", lambda d: _del(d, "/active_disclosure"), False, ["SCHEMA-REQUIRED"]),
        ("missing row: carried_over", lambda d: _del(d, f"{R}/carried_over"), False, ["SCHEMA-REQUIRED"]),
        ("missing row: （七）总计", lambda d: _del(d, f"{R}/outcomes/total"), False, ["SCHEMA-REQUIRED"]),
        ("missing cell: received total", lambda d: _del(d, f"{R}/received/total"), False, ["SCHEMA-REQUIRED"]),
        ("missing cell: table 4 pending", lambda d: _del(d, "/reviews/litigation_direct/pending"), False,
         ["SCHEMA-REQUIRED"]),
        ("missing edition", lambda d: _del(d, "/edition"), False, ["SCHEMA-REQUIRED"]),
        ("missing report metadata", lambda d: _del(d, "/report"), False, ["SCHEMA-REQUIRED"]),
        ("missing report year", lambda d: _del(d, "/report/year"), False, ["SCHEMA-REQUIRED"]),
        ("only the report year is required in report", lambda d: _set(d, "/report", {"year": d["report"]["year"]}),
         True, []),
        ("empty object", _const({}), False, ["SCHEMA-REQUIRED"]),
        # wrong types of whole nodes
        ("instance is an array", _const([]), False, ["SCHEMA-TYPE"]),
        ("instance is a string", _const("政府信息公开工作年度报告"), False, ["SCHEMA-TYPE"]),
        ("instance is null", _const(None), False, ["SCHEMA-TYPE"]),
        ("table is an array", lambda d: _set(d, R, []), False, ["SCHEMA-TYPE"]),
        ("row is null", lambda d: _set(d, f"{R}/received", None), False, ["SCHEMA-TYPE"]),
        ("row is a number", lambda d: _set(d, f"{R}/received", 9), False, ["SCHEMA-TYPE"]),
        ("group of rows is an array", lambda d: _set(d, f"{R}/outcomes/withheld", []), False, ["SCHEMA-TYPE"]),
        # cells
        ("cell: blank (null) is allowed", lambda d: _set(d, CELL, None), True, []),
        ("cell: every table-3 cell blank", lambda d: _blank_all(d, R), True, []),
        ("cell: integer written 9.0", lambda d: _set(d, CELL, Decimal("9.0")), True, []),
        ("cell: integer written 9.00", lambda d: _set(d, CELL, Number("9.00")), True, []),
        ("cell: integer written 9e0", lambda d: _set(d, CELL, Number("9e0")), True, []),
        ("cell: integer written 0.9e1", lambda d: _set(d, CELL, Number("0.9e1")), True, []),
        ("cell: integer written 1E2", lambda d: _set(d, CELL, Number("1E2")), True, []),
        ("cell: negative zero -0", lambda d: _set(d, CELL, Number("-0")), True, []),
        ("cell: huge integer 10^20", lambda d: _set(d, CELL, 10**20), True, []),
        ("cell: huge integer 10^30", lambda d: _set(d, CELL, 10**30), True, []),
        ("cell: 2^53 + 1", lambda d: _set(d, CELL, 2**53 + 1), True, []),
        ("cell: fraction 9.5", lambda d: _set(d, CELL, Decimal("9.5")), False, ["CELL-TYPE"]),
        ("cell: fraction 0.1", lambda d: _set(d, CELL, Decimal("0.1")), False, ["CELL-TYPE"]),
        ("cell: negative -1", lambda d: _set(d, CELL, -1), False, ["CELL-TYPE"]),
        ("cell: negative -9.0", lambda d: _set(d, CELL, Decimal("-9.0")), False, ["CELL-TYPE"]),
        ("cell: number as string \"9\"", lambda d: _set(d, CELL, "9"), False, ["CELL-TYPE"]),
        ("cell: blank written as \"/\"", lambda d: _set(d, CELL, "/"), False, ["CELL-TYPE"]),
        ("cell: blank written as \"\"", lambda d: _set(d, CELL, ""), False, ["CELL-TYPE"]),
        ("cell: boolean true", lambda d: _set(d, CELL, True), False, ["CELL-TYPE"]),
        ("cell: boolean false", lambda d: _set(d, CELL, False), False, ["CELL-TYPE"]),
        ("cell: object", lambda d: _set(d, CELL, {"value": 9}), False, ["CELL-TYPE"]),
        ("cell: array", lambda d: _set(d, CELL, [9]), False, ["CELL-TYPE"]),
        ("cell: table 4 total negative", lambda d: _set(d, "/reviews/reconsideration/total", -2), False,
         ["CELL-TYPE"]),
        ("cell: two cells wrong", lambda d: _set(_set(d, CELL, -1), "/reviews/reconsideration/upheld", "0"), False,
         ["CELL-TYPE"]),
        ("amount: decimal 1424.4", lambda d: _set(d, fees, Decimal("1424.4")), True, []),
        ("amount: decimal 0.01", lambda d: _set(d, fees, Decimal("0.01")), True, []),
        ("amount: decimal in exponent form 1.5E-3", lambda d: _set(d, fees, Number("1.5E-3")), True, []),
        ("amount: large 123456789012.34", lambda d: _set(d, fees, Decimal("123456789012.34")), True, []),
        ("amount: blank", lambda d: _set(d, fees, None), True, []),
        ("amount: negative -0.01", lambda d: _set(d, fees, Decimal("-0.01")), False, ["CELL-TYPE"]),
        ("amount: with unit as string \"1424.4万元\"", lambda d: _set(d, fees, "1424.4万元"), False, ["CELL-TYPE"]),
        # metadata
        (f"edition const mismatch: \"{other}\"", lambda d: _set(d, "/edition", other), False, ["SCHEMA-VALUE"]),
        ("edition unknown: \"2022\"", lambda d: _set(d, "/edition", "2022"), False, ["SCHEMA-VALUE"]),
        ("edition as a number", lambda d: _set(d, "/edition", int(edition)), False, ["SCHEMA-VALUE"]),
        ("year as a string", lambda d: _set(d, "/report/year", str(d["report"]["year"])), False, ["SCHEMA-TYPE"]),
        ("year written with .0", lambda d: _set(d, "/report/year", Decimal(f"{d['report']['year']}.0")), True, []),
        ("year fractional", lambda d: _set(d, "/report/year", Decimal("2021.5")), False, ["SCHEMA-TYPE"]),
        ("year null", lambda d: _set(d, "/report/year", None), False, ["SCHEMA-TYPE"]),
        ("year below the minimum (2007)", lambda d: _set(d, "/report/year", 2007), False, ["SCHEMA-VALUE"]),
        ("year above the maximum (2101)", lambda d: _set(d, "/report/year", 2101), False, ["SCHEMA-VALUE"]),
        ("year at the minimum (2008)", lambda d: _set(d, "/report/year", 2008), True, []),
        ("agency empty", lambda d: _set(d, "/report/agency", ""), False, ["SCHEMA-VALUE"]),
        ("agency a number", lambda d: _set(d, "/report/agency", 123), False, ["SCHEMA-TYPE"]),
        ("title empty", lambda d: _set(d, "/report/title", ""), False, ["SCHEMA-VALUE"]),
        ("extra key in report", lambda d: _set(d, "/report/url", "http://example.org"), False,
         ["SCHEMA-UNKNOWN-KEY"]),
        ("date: valid", lambda d: _set(d, "/report/published_on", "2022-01-20"), True, []),
        ("date: 29 February of a leap year", lambda d: _set(d, "/report/published_on", "2020-02-29"), True, []),
        ("date: 29 February of a common year", lambda d: _set(d, "/report/published_on", "2021-02-29"), False,
         ["SCHEMA-VALUE"]),
        ("date: 30 February", lambda d: _set(d, "/report/published_on", "2022-02-30"), False, ["SCHEMA-VALUE"]),
        ("date: 31 April", lambda d: _set(d, "/report/published_on", "2022-04-31"), False, ["SCHEMA-VALUE"]),
        ("date: month 13", lambda d: _set(d, "/report/published_on", "2022-13-01"), False, ["SCHEMA-VALUE"]),
        ("date: no zero padding", lambda d: _set(d, "/report/published_on", "2022-1-20"), False, ["SCHEMA-VALUE"]),
        ("date: slashes", lambda d: _set(d, "/report/published_on", "2022/01/20"), False, ["SCHEMA-VALUE"]),
        ("date: Chinese", lambda d: _set(d, "/report/published_on", "2022年1月20日"), False, ["SCHEMA-VALUE"]),
        ("date: date-time", lambda d: _set(d, "/report/published_on", "2022-01-20T10:00:00"), False,
         ["SCHEMA-VALUE"]),
        ("date: a number", lambda d: _set(d, "/report/published_on", 20220120), False, ["SCHEMA-TYPE"]),
        ("source: valid", lambda d: _set(d, "/report/source", {
            "uri": "chaotian-2021.txt", "media_type": "text/plain",
            "sha256": "0" * 63 + "a"}), True, []),
        ("source: empty object", lambda d: _set(d, "/report/source", {}), True, []),
        ("source: upper-case sha256", lambda d: _set(d, "/report/source", {"sha256": "A" * 64}), False,
         ["SCHEMA-VALUE"]),
        ("source: short sha256", lambda d: _set(d, "/report/source", {"sha256": "a" * 63}), False,
         ["SCHEMA-VALUE"]),
        ("source: extra key", lambda d: _set(d, "/report/source", {"url": "x"}), False, ["SCHEMA-UNKNOWN-KEY"]),
        ("sections: all six", lambda d: _set(d, "/sections", {k: "……" for k in (
            "overview", "active_disclosure", "requests", "reviews", "problems", "other_matters")}), True, []),
        ("sections: empty object", lambda d: _set(d, "/sections", {}), True, []),
        ("sections: empty strings", lambda d: _set(d, "/sections", {"overview": ""}), True, []),
        ("sections: unknown section", lambda d: _set(d, "/sections", {"seventh": "……"}), False,
         ["SCHEMA-UNKNOWN-KEY"]),
        ("sections: null text", lambda d: _set(d, "/sections", {"overview": None}), False, ["SCHEMA-TYPE"]),
        ("sections: a string", lambda d: _set(d, "/sections", "……"), False, ["SCHEMA-TYPE"]),
        # （六）其他处理: one row or three rows, in both editions
        ("（六） as one row (2019 layout)", lambda d: _set(d, OH, _zero_row()), True, []),
        ("（六） as three rows (2021 layout)", lambda d: _set(d, OH, _split(_zero_row())), True, []),
        ("（六） one row with a blank cell", lambda d: _set(d, OH, {**_zero_row(), "total": None}), True, []),
        ("（六） three rows, one missing", lambda d: _set(d, OH, _del(_split(_zero_row()), "/other")), False,
         ["SCHEMA-REQUIRED"]),
        ("（六） three rows plus an invented subtotal",
         lambda d: _set(d, OH, {**_split(_zero_row()), "total": _zero_row()}), False, None),
        ("（六） one row and three rows mixed", lambda d: _set(d, OH, {**_zero_row(), **_split(_zero_row())}), False,
         None),
        ("（六） empty object", lambda d: _set(d, OH, {}), False, None),
        ("（六） null", lambda d: _set(d, OH, None), False, None),
        ("（六） one row missing a cell", lambda d: _set(d, OH, _del(_zero_row(), "/total")), False,
         ["SCHEMA-REQUIRED"]),
        ("（六） one row, negative cell", lambda d: _set(d, OH, {**_zero_row(), "research": -1}), False,
         ["CELL-TYPE"]),
        ("（六） three rows, fractional cell",
         lambda d: _set(d, OH, _set(_split(_zero_row()), "/overdue_fee/total", Decimal("0.5"))), False,
         ["CELL-TYPE"]),
        ("（六） one row, misspelled cell", lambda d: _set(d, OH, _rename(_zero_row(), "/other_org", "other")), False,
         None),
    ]
    if edition == "2019":
        cases += [
            ("2019 change: negative", lambda d: _set(d, "/active_disclosure/licensing/change", -461), True, []),
            ("2019 change: blank", lambda d: _set(d, "/active_disclosure/fees/change", None), True, []),
            ("2019 change: fraction", lambda d: _set(d, "/active_disclosure/licensing/change", Decimal("2.5")),
             False, ["CELL-TYPE"]),
            ("2019 change: written \"+461\"", lambda d: _set(d, "/active_disclosure/licensing/change", "+461"),
             False, ["CELL-TYPE"]),
            ("2019 procurement unit 元", lambda d: _set(d, "/active_disclosure/procurement/unit", "元"), True, []),
            ("2019 procurement unit absent", lambda d: _del(d, "/active_disclosure/procurement/unit"), True, []),
            ("2019 procurement unit 千元", lambda d: _set(d, "/active_disclosure/procurement/unit", "千元"), False,
             ["SCHEMA-VALUE"]),
            ("2019 procurement unit null", lambda d: _set(d, "/active_disclosure/procurement/unit", None), False,
             ["SCHEMA-VALUE"]),
            ("2019 procurement amount negative",
             lambda d: _set(d, "/active_disclosure/procurement/amount", Decimal("-1")), False, ["CELL-TYPE"]),
            ("2019 table 2 with 2021 columns", lambda d: _set(d, "/active_disclosure/regulations",
                                                               {"issued": 0, "repealed": 0, "in_force": 0}), False,
             ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
            ("2019 table 2 without 政府集中采购", lambda d: _del(d, "/active_disclosure/procurement"), False,
             ["SCHEMA-REQUIRED"]),
        ]
    else:
        cases += [
            ("2021 fees amount as integer", lambda d: _set(d, fees, 7545), True, []),
            ("2021 table 2 with a 2019 row: 其他对外管理服务事项",
             lambda d: _set(d, "/active_disclosure/other_services",
                            {"previous_items": 0, "change": 0, "decisions": 0}), False, ["SCHEMA-UNKNOWN-KEY"]),
            ("2021 table 2 with 2019 columns", lambda d: _set(d, "/active_disclosure/regulations",
                                                               {"made": 0, "published": 0, "published_total": 0}),
             False, ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY"]),
            ("2021 fees with a unit key", lambda d: _set(d, "/active_disclosure/fees/unit", "万元"), False,
             ["SCHEMA-UNKNOWN-KEY"]),
            ("2021 licensing decisions negative", lambda d: _set(d, "/active_disclosure/licensing/decisions", -3),
             False, ["CELL-TYPE"]),
        ]
    return cases


def _blank_all(data: Data, ptr: str) -> Data:
    def visit(node: Any) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                visit(value)
            else:
                node[key] = None

    node = data
    for key in ptr.strip("/").split("/"):
        node = node[key]
    visit(node)
    return data


# -- assembling the suite --------------------------------------------------------------

class Case:
    def __init__(self, description: str, data: Any, valid: bool | None = None,
                 rules: list[str] | None = None, errors: list[str] | None = None) -> None:
        self.description = description
        self.data = data
        self.valid = valid  # written down (by hand or by the case's construction), or None
        self.rules = rules  # govreport's schema-stage rule ids, written down; None: not pinned
        self.errors = errors  # the relations it breaks, if schema-valid and known by construction


def groups(edition: str) -> Iterator[tuple[str, str, list[Case]]]:
    """(group id, description, cases) for one edition, in a stable order."""
    other_shape = "split" if edition == "2019" else "row"
    yield ("valid", "Valid reports generated by govreport.strategies.reports(): schema-valid, every relation holds.",
           [Case(f"generated valid report #{i + 1}", r.to_dict(), True, [], [])
            for i, r in enumerate(draw(strategies.reports(edition=edition), N_VALID))])
    yield ("hybrid", f"Valid reports with the other edition's （六）其他处理 layout ({other_shape}): schema-valid "
                     "(the schema accepts both layouts; govreport's FMT-SHAPE warning is not a schema matter).",
           [Case(f"generated report, （六） {other_shape} #{i + 1}", r.to_dict(), True, [], [])
            for i, r in enumerate(draw(strategies.reports(edition=edition, shape=other_shape), N_HYBRID))])
    yield ("cell-type", "Reports with one invalid cell (govreport.strategies.faulty_reports, CELL-TYPE): a negative "
                        "or fractional count, or a negative amount. Schema-invalid.",
           [Case(f"{fault.description}", data, False, ["CELL-TYPE"])
            for data, fault in draw(strategies.faulty_reports(edition=edition, kinds=("CELL-TYPE",)), N_CELL_TYPE)])
    kinds = ("T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-TOTAL")
    yield ("relation", "Reports that break one arithmetic relation (govreport.strategies.faulty_reports) and may "
                       "have blank cells. Schema-VALID: relations are checked from relations.json, not by the "
                       "schema; `errors` records the relation the JavaScript relations example finds broken.",
           [Case(f"{fault.rule} at {fault.pointer}: {fault.description}", data, True, [], [fault.rule])
            for data, fault in draw(strategies.faulty_reports(edition=edition, kinds=kinds), N_RELATION)])
    base = base_instances()[edition]
    yield ("mutation", "Hand-written changes to one base instance (the seed report, in this edition's layout): "
                       "keys, types, cells, numbers as written in JSON, metadata, dates, （六） layouts.",
           [Case(description, mutate(copy.deepcopy(base)), valid, rules)
            for description, mutate, valid, rules in mutations(edition)])
    own: list[Case] = []
    foreign: list[Case] = []
    for path in sorted(GOLDEN.glob("*.json")):
        data = loads(path.read_text(encoding="utf-8"))
        name = f"tests/corpus/golden/{path.name}"
        if data.get("edition") == edition:
            own.append(Case(f"{name} (edition {edition})", data))
        else:
            # A real report of the other edition: the edition const fails (SCHEMA-VALUE) and
            # table 2's rows and columns differ between editions (SCHEMA-REQUIRED, -UNKNOWN-KEY).
            foreign.append(Case(f"{name} (edition {data.get('edition')}) against the {edition} schema", data, False,
                                ["SCHEMA-REQUIRED", "SCHEMA-UNKNOWN-KEY", "SCHEMA-VALUE"]))
    yield ("corpus", "Real published reports read by hand (tests/corpus/golden), checked against their own "
                     "edition's schema; valid or not as they are.", own)
    yield ("corpus-other-edition", "Real reports of the other edition checked against this edition's schema.",
           foreign)


# -- independent verdicts ---------------------------------------------------------------

JS = ROOT / "tests" / "js"


def schema_file(edition: str) -> Path:
    return ROOT / "schema" / edition / "report.schema.json"
_SAFE = 2**53 - 1


def _node(script: str, *args: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ajv").is_dir():
        raise SystemExit("the generator needs node and ajv: npm ci --prefix tests/js --no-audit --no-fund")
    proc = subprocess.run([node, str(JS / script), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _exact_in_javascript(node: Any) -> bool:
    """Whether every number under ``node`` is an integer JavaScript holds exactly."""
    if isinstance(node, dict):
        return all(_exact_in_javascript(v) for v in node.values())
    if isinstance(node, (int, Decimal)) and not isinstance(node, bool):
        return node == int(node) and abs(int(node)) <= _SAFE
    return True


def verdicts(drafts: dict[str, list[tuple[str, list[tuple[Case, str]]]]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The verdict of every case from validators that are not govreport.

    ``valid``: jsonschema-rs (Rust, format assertion on) and ajv (JavaScript, Ajv2020 +
    ajv-formats), each given only the schema file; they must agree. ``relations``: for
    schema-valid cases whose tables JavaScript holds exactly, the ids of the relations that
    fail according to the documentation's JavaScript example (docs/examples/t3_balance.mjs),
    which reads only relations.json.
    """
    rs = {edition: jsonschema_rs.validator_for(json.loads(schema_file(edition).read_text(encoding="utf-8")),
                                               validate_formats=True)
          for edition in drafts}
    out: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for edition, groups_ in drafts.items():
            suite = {"groups": []}
            for group_id, cases in groups_:
                tests = []
                for index, (_, text) in enumerate(cases):
                    valid = rs[edition].is_valid(json.loads(text))  # plain floats: jsonschema-rs's own reading
                    out[(group_id, index)] = {"valid": valid}
                    tests.append(f'{{"valid": {json.dumps(valid)}, "data": {text}}}')
                suite["groups"].append((group_id, schemas.schema_id(edition), tests))
            path = Path(tmp) / f"{edition}.json"
            path.write_text('{"groups": [' + ", ".join(
                f'{{"id": {json.dumps(g)}, "edition": {json.dumps(edition)}, "schema": {json.dumps(sid)}, '
                f'"tests": [{", ".join(tests)}]}}' for g, sid, tests in suite["groups"]) + "]}", encoding="utf-8")
            files.append(str(path))
        schema_files = [str(schema_file(e)) for e in drafts]
        relation_files = [str(schema_file(e).with_name("relations.json")) for e in drafts]
        ajv = _node("validate_suite.mjs", *schema_files, "--", *files)
        disagree = [f"{r['group']}[{r['index']}]: jsonschema-rs {out[(r['group'], r['index'])]['valid']}, "
                    f"ajv {r['valid']} {r['errors'][:3]}"
                    for r in ajv["results"] if r["valid"] != out[(r["group"], r["index"])]["valid"]]
        if disagree or len(ajv["results"]) != len(out):
            raise SystemExit("jsonschema-rs and ajv disagree; no verdict to record:\n  " + "\n  ".join(disagree))
        for item in _node("relations_suite.mjs", *relation_files, "--", *files)["results"]:
            out[(item["group"], item["index"])]["relations"] = sorted(
                rule for rule, counts in item["rules"].items() if counts["failed"])
    return out


def build_all() -> dict[str, dict[str, Any]]:
    drafts: dict[str, list[tuple[str, list[tuple[Case, str]]]]] = {}
    meta: dict[str, list[tuple[str, str]]] = {}
    for edition in schemas.EDITIONS:
        drafts[edition] = []
        meta[edition] = []
        for group, description, cases in groups(edition):
            drafts[edition].append((f"{edition}/{group}", [(case, dumps(case.data)) for case in cases]))
            meta[edition].append((group, description))
    found = verdicts(drafts)
    problems = []
    suites = {}
    for edition in schemas.EDITIONS:
        out_groups = []
        for (group_id, cases), (group, description) in zip(drafts[edition], meta[edition]):
            tests = []
            for index, (case, text) in enumerate(cases):
                verdict = found[(group_id, index)]
                valid = verdict["valid"]
                name = f"{group_id}[{index}] {case.description}"
                if case.valid is not None and case.valid != valid:
                    problems.append(f"{name}: written down valid={case.valid}, jsonschema-rs and ajv {valid}")
                test: dict[str, Any] = {"description": case.description, "valid": valid}
                if valid:
                    test["rules"] = []
                elif case.rules is not None:
                    test["rules"] = case.rules
                data = loads(text)
                if valid and _exact_in_javascript({k: data.get(k) for k in ("requests", "reviews")}):
                    test["errors"] = verdict["relations"]
                    if case.errors is not None and case.errors != test["errors"]:
                        problems.append(f"{name}: written down errors {case.errors}, "
                                        f"the JavaScript relations example {test['errors']}")
                test["data"] = case.data
                tests.append(test)
            out_groups.append({"id": group_id, "description": description, "edition": edition,
                               "schema": schemas.schema_id(edition), "tests": tests})
        suites[edition] = {
            "description": f"govreport conformance suite, edition {edition}: instances checked against "
                           f"{schemas.schema_id(edition)}. Generated by tests/conformance/generate.py; verdicts from "
                           "jsonschema-rs and ajv, relation failures from the JavaScript relations example, rule ids "
                           "written down by hand; see tests/conformance/README.md.",
            "edition": edition,
            "schema": schemas.schema_id(edition),
            "groups": out_groups,
        }
    if problems:
        raise SystemExit("the independent validators disagree with the written-down expectations:\n  "
                         + "\n  ".join(problems))
    return suites


def render(suite: dict[str, Any]) -> str:
    """The suite file: indented down to the tests, one test per line (diffs stay readable)."""
    lines = ["{"]
    for key in ("description", "edition", "schema"):
        lines.append(f"  {dumps(key)}: {dumps(suite[key])},")
    lines.append('  "groups": [')
    for gi, group in enumerate(suite["groups"]):
        lines.append("    {")
        for key in ("id", "description", "edition", "schema"):
            lines.append(f"      {dumps(key)}: {dumps(group[key])},")
        lines.append('      "tests": [')
        for ti, test in enumerate(group["tests"]):
            comma = "," if ti < len(group["tests"]) - 1 else ""
            lines.append(f"        {dumps(test)}{comma}")
        lines.append("      ]")
        lines.append("    }" + ("," if gi < len(suite["groups"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report files that would change; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for edition, suite_ in build_all().items():
        path = HERE / f"{edition}.json"
        text = render(suite_)
        suite = json.loads(text)
        count = sum(len(g["tests"]) for g in suite["groups"])
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: {count} cases")
    if stale:
        print("stale: " + ", ".join(stale) + " (run python tests/conformance/generate.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
