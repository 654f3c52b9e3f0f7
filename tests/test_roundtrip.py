"""Round trips through the renderer: parse(render(x)) == x, for every layout real pages use.

The renderer writes the official tables in the layouts seen in the wild (FORMAT.md §9);
reading them back must give the same edition and tables. Noise that real pages add —
full-width digits, U+3000 indents, Traditional script, label variants, filler — must not
change the numbers read.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport import Report
from govreport.api import read_bytes
from govreport.contract import editions, tables
from govreport.strategies import reports
from govreport.writers.render import render
from tests.helpers import diff, read_findings, table_part

EXTENSIONS = {"text": ".txt", "markdown": ".md", "html": ".html"}
EXACT_LAYOUTS = [("text", "cells"), ("text", "rows"), ("text", "blank"), ("markdown", None), ("html", None)]
#: Examples per property in the quick loop; the full-size runs are marked slow (CI runs them).
QUICK = settings(max_examples=6)


def parse(text: str, to: str) -> Any:
    return read_bytes(text.encode("utf-8"), name="report" + EXTENSIONS[to])


ANY_SHAPE = st.one_of(reports(), reports(shape="row", edition="2021"), reports(shape="split", edition="2019"))


@pytest.mark.slow
@pytest.mark.parametrize(("to", "layout"), EXACT_LAYOUTS, ids=lambda v: str(v))
@given(report=ANY_SHAPE)
def test_round_trip_is_exact(to: str, layout: str | None, report: Report) -> None:
    """Reading a rendered report gives back its edition, tables, year and agency exactly."""
    _check_round_trip(to, layout, report)


@pytest.mark.parametrize(("to", "layout"), EXACT_LAYOUTS, ids=lambda v: str(v))
@QUICK
@given(report=ANY_SHAPE)
def test_round_trip_is_exact_quick(to: str, layout: str | None, report: Report) -> None:
    _check_round_trip(to, layout, report)


def _check_round_trip(to: str, layout: str | None, report: Report) -> None:
    data = report.to_dict()
    reading = parse(render(data, to=to, layout=layout), to)
    assert diff(table_part(data), table_part(reading.instance)) == []
    assert reading.instance["report"]["year"] == data["report"]["year"]
    assert reading.instance["report"]["agency"] == data["report"]["agency"]
    assert not [f for f in read_findings(reading) if f.rule.startswith("READ-") and f.severity.value == "warning"]


@st.composite
def _with_blanks(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(reports()).to_dict()
    shape = editions.shape_of(data) or "split"
    specs = tables.cells(data["edition"], shape)
    for index in draw(st.lists(st.integers(0, len(specs) - 1), max_size=25)):
        path = specs[index].path
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = None
        if path[-1] == "amount" and "unit" in node:
            del node["unit"]  # the unit is written with the amount; no amount, no unit
    return data


@pytest.mark.slow
@pytest.mark.parametrize(("to", "layout"), EXACT_LAYOUTS, ids=lambda v: str(v))
@given(data=_with_blanks())
def test_blank_cells_stay_blank(to: str, layout: str | None, data: dict[str, Any]) -> None:
    """A blank cell is read back as null (never as 0), every other cell as written."""
    _check_blanks(to, layout, data)


@pytest.mark.parametrize(("to", "layout"), EXACT_LAYOUTS, ids=lambda v: str(v))
@QUICK
@given(data=_with_blanks())
def test_blank_cells_stay_blank_quick(to: str, layout: str | None, data: dict[str, Any]) -> None:
    _check_blanks(to, layout, data)


def _check_blanks(to: str, layout: str | None, data: dict[str, Any]) -> None:
    reading = parse(render(data, to=to, layout=layout), to)
    assert diff(table_part(data), table_part(reading.instance)) == []


@pytest.mark.slow
@given(report=reports())
def test_run_together_cells_are_split_or_reported(report: Report) -> None:
    _check_run_together(report)


@QUICK
@given(report=reports())
def test_run_together_cells_are_split_or_reported_quick(report: Report) -> None:
    _check_run_together(report)


def _check_run_together(report: Report) -> None:
    """With every separator gone, each cell is read exactly or left null with a finding.

    Splits come from the table's own arithmetic; when several splits satisfy it, the
    reader must list them (READ-AMBIGUOUS) and leave the cells it cannot decide null —
    never a wrong number.
    """
    data = report.to_dict()
    reading = parse(render(data, to="text", layout="runs"), "text")
    ambiguous = [f.pointer for f in read_findings(reading) if f.rule == "READ-AMBIGUOUS"]
    for ptr, want, got in diff(table_part(data), table_part(reading.instance)):
        assert got is None, (ptr, want, got)
        assert any(ptr.startswith(a + "/") for a in ambiguous), ptr


def test_run_together_cells_of_a_small_report_are_all_split() -> None:
    # Counts of a typical county report: the arithmetic leaves one split per row.
    data = json.loads((_examples() / "chaotian-2021.json").read_text(encoding="utf-8"))
    data["requests"]["received"] = {"natural_person": 64, "commercial": 0, "research": 0, "public_interest": 2,
                                    "legal_services": 0, "other_org": 4, "total": 70}
    reading = parse(render(data, to="text", layout="runs"), "text")
    assert reading.instance["requests"]["received"] == data["requests"]["received"]


def _examples() -> Any:
    from tests.conftest import EXAMPLES

    return EXAMPLES


# -- noise --------------------------------------------------------------------------------


@functools.cache
def _s2t() -> dict[str, str]:
    data = json.loads((importlib.resources.files("govreport.extract") / "t2s.json").read_text(encoding="utf-8"))
    pairs = data["map"]
    table: dict[str, str] = {}
    for i in range(0, len(pairs), 2):
        table.setdefault(pairs[i + 1], pairs[i])
    return table


def _full_width(text: str) -> str:
    return text.translate({ord(c): chr(ord(c) - ord("0") + 0xFF10) for c in "0123456789"})


def _indent(text: str) -> str:
    return "\n".join("\u3000\u3000" + line if line.strip() else line for line in text.split("\n"))


def _traditional(text: str) -> str:
    table = _s2t()
    return "".join(table.get(ch, ch) for ch in text)


def _variants(text: str) -> str:
    for official, variant in [
        ("行政规范性文件", "规范性文件"), ("本年制发件数", "本年制发数"), ("现行有效件数", "现行有效件数（历史累计）"),
        ("属于三类内部事务信息", "属于三类内容事务信息"), ("规章", "规 章"), ("本年废止件数", "本年(2023)废止件数"),
    ]:
        text = text.replace(official, variant)
    return text


def _filler(text: str) -> str:
    out = []
    for line in text.split("\n"):
        out.append(line)
        if line.endswith(" |") and random.Random(line).random() < 0.3:
            out.append("|||")
    return "\n".join(out)


def _pinyin(text: str) -> str:
    return text.replace("规章", "規(guī)章").replace("行政许可", "行政許(xǔ)可")


NOISES = {
    "full-width digits": _full_width, "U+3000 indents": _indent, "Traditional script": _traditional,
    "label variants": _variants, "filler": _filler, "pinyin junk": _pinyin,
}


@pytest.mark.slow
@pytest.mark.parametrize("noise", NOISES, ids=list(NOISES))
@pytest.mark.parametrize("layout", ["cells", "rows"])
@given(report=reports(edition="2021"))
def test_noise_does_not_change_the_numbers(noise: str, layout: str, report: Report) -> None:
    """Real-page noise changes nothing that is read from the tables."""
    _check_noise(noise, layout, report)


@pytest.mark.parametrize("noise", NOISES, ids=list(NOISES))
@pytest.mark.parametrize("layout", ["cells", "rows"])
@settings(max_examples=3)
@given(report=reports(edition="2021"))
def test_noise_does_not_change_the_numbers_quick(noise: str, layout: str, report: Report) -> None:
    _check_noise(noise, layout, report)


def _check_noise(noise: str, layout: str, report: Report) -> None:
    data = report.to_dict()
    text = NOISES[noise](render(data, to="text", layout=layout))
    reading = parse(text, "text")
    assert diff(table_part(data), table_part(reading.instance)) == []


def test_all_noises_at_once_on_the_seed() -> None:
    data = json.loads((_examples() / "chaotian-2021.json").read_text(encoding="utf-8"))
    text = render(data, to="text", layout="cells")
    # Variants first: they replace Simplified wording, which the other noises change.
    for name in ["label variants", *[n for n in NOISES if n != "label variants"]]:
        text = NOISES[name](text)
    reading = parse(text, "text")
    assert diff(table_part(data), table_part(reading.instance)) == []
    assert {f.actual for f in read_findings(reading) if f.rule == "LABEL-VARIANT"} >= {"规范性文件", "本年制发数"}


@pytest.mark.slow
@settings(max_examples=50)  # slow by nature: every blank defeats the row-total pruning
@given(data=_with_blanks())
def test_run_together_cells_with_blanks_are_never_misread(data: dict[str, Any]) -> None:
    _check_blanks_run_together(data)


@QUICK
@given(data=_with_blanks())
def test_run_together_cells_with_blanks_are_never_misread_quick(data: dict[str, Any]) -> None:
    _check_blanks_run_together(data)


def _check_blanks_run_together(data: dict[str, Any]) -> None:
    """A blank among run-together digits (printed as a dash) never shifts a number.

    Every cell is read exactly, or left null with a finding on its row that says why
    (ambiguous split, cells that do not fit, or a row not found).
    """
    reading = parse(render(data, to="text", layout="runs"), "text")
    reported = [f.pointer for f in read_findings(reading) if f.rule in ("READ-AMBIGUOUS", "READ-CELLS", "READ-MISSING")]
    for ptr, want, got in diff(table_part(data), table_part(reading.instance)):
        assert got in (None, "<absent>"), (ptr, want, got)
        assert any(ptr == r or ptr.startswith(r + "/") for r in reported), ptr
