"""X-YEAR: consecutive reports of one agency follow on from each other."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import govreport
from govreport import batch, strategies
from govreport.cli import main
from govreport.validation import Validator
from govreport.validation.collection import check_years, local_name, profile
from govreport.writers.json import dumps
from tests.conftest import ROOT

FILES = ROOT / "tests" / "corpus" / "files"
HONGZE = [str(FILES / "hongze-2023.pdf"), str(FILES / "hongze-2024.pdf")]


def years_of(*instances: dict[str, Any]) -> Any:
    profiles = []
    for i, data in enumerate(instances):
        result = Validator().run(data)
        profiles.append(profile(f"r{i}.json", data, result.edition))
    return check_years(profiles)


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(dumps(data, indent=1), encoding="utf-8")
    return str(path)


# -- matching agencies -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "local"), [
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("洪泽区人民政府", "洪泽区人民政府"),
    ("淮安市人民政府", "淮安市人民政府"),  # nothing local after 淮安市: a city government
    ("上海市人民政府办公厅", "上海市人民政府办公厅"),
    ("上海市市场监督管理局", "上海市市场监督管理局"),
    ("广元市朝天区人民政府办公室", "朝天区人民政府办公室"),
    ("北京市海淀区 市场监督管理局", "海淀区市场监督管理局"),
    ("淮安市洪澤區人民政府", "洪泽区人民政府"),  # Traditional characters
])
def test_the_local_name_drops_the_higher_levels(name: str, local: str) -> None:
    assert local_name(name) == local


def test_two_districts_of_one_name_in_different_cities_are_never_paired() -> None:
    last, this, _ = _pair()
    other = copy.deepcopy(last)
    last["report"]["agency"] = "北京市朝阳区人民政府"
    other["report"]["agency"] = "长春市朝阳区人民政府"
    this["report"]["agency"] = "朝阳区人民政府"
    assert years_of(last, other, this).pairs == ()
    # with only one candidate, the short name pairs them
    assert len(years_of(last, this).pairs) == 1


def _pair() -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    seed = json.loads((ROOT / "examples" / "chaotian-2021.json").read_text(encoding="utf-8"))
    last = copy.deepcopy(seed)
    this = copy.deepcopy(seed)
    last["report"]["agency"] = this["report"]["agency"] = "广元市朝天区人民政府办公室"
    this["report"]["year"] = 2022
    this["requests"]["carried_over"] = copy.deepcopy(last["requests"]["carried_forward"])
    return last, this, ()


# -- real reports ------------------------------------------------------------------------------


@pytest.mark.corpus
def test_two_real_consecutive_reports_follow_on() -> None:
    # tests/corpus/golden/NOTES.md, read by hand: 2023 carried_forward = 2024 carried_over = all 0;
    # 行政规范性文件 in force 5 (2023) + 3 issued − 0 repealed = 8 (2024). The agency is
    # 洪泽区人民政府 on one title page and 淮安市洪泽区人民政府 on the other.
    outcomes = list(batch.check_many(HONGZE, jobs=1))
    assert [o.agency for o in outcomes] == ["洪泽区人民政府", "淮安市洪泽区人民政府"]
    years = batch.years(outcomes)
    assert years.pairs == (tuple(HONGZE),)
    assert years.findings == {}
    assert (years.stats.passed, years.stats.failed) == (7 + 2, 0)
    assert years.unmatched == (HONGZE[0],)  # 2022 is not in the run: not assessable, counted


@pytest.mark.corpus
def test_a_planted_break_in_a_real_pair_is_found(tmp_path: Path) -> None:
    this = govreport.read(HONGZE[1]).instance
    this["requests"]["carried_over"]["natural_person"] = 2
    this["requests"]["carried_over"]["total"] = 2
    this["active_disclosure"]["normative_documents"]["in_force"] = 9
    planted = write(tmp_path, "hongze-2024.json", this)
    years = batch.years(batch.check_many([HONGZE[0], planted], jobs=1))
    found = {(f.pointer, f.expected, f.actual, f.template) for f in years.findings[planted]}
    assert found == {
        ("/requests/carried_over/natural_person", 0, 2, ""),
        ("/requests/carried_over/total", 0, 2, ""),
        ("/active_disclosure/normative_documents/in_force", 8, 9, "X-YEAR:in-force"),
    }
    messages = " ".join(f.message for f in years.findings[planted])
    assert "清理" in messages and "2023年报告" in messages
    assert all(f.stage == "collection" and f.severity.value == "warning" for f in years.findings[planted])


@pytest.mark.corpus
def test_previous_reports_are_context_and_the_command_prints_the_break(tmp_path: Path) -> None:
    this = govreport.read(HONGZE[1]).instance
    this["requests"]["carried_over"]["research"] = 1
    this["requests"]["carried_over"]["total"] = 1
    planted = write(tmp_path, "hongze-2024.json", this)
    out = io.StringIO()
    code = main(["check", planted, "--previous", str(FILES), "--color", "never", "--jobs", "1"], out=out)
    text = out.getvalue()
    assert "hongze-2023.pdf" not in text.split("[跨年度核对]")[0]  # the previous report is not itself reported
    assert "[跨年度核对]" in text and "/requests/carried_over/research" in text
    assert "1 对报告已核对，2 处不衔接" in text
    assert code == 1  # the planted cells also break this year's own balance (T3-BALANCE, an error)
    ok = main(["check", HONGZE[1], "--previous", HONGZE[0], "--jobs", "1", "--format", "json"], out=io.StringIO())
    assert ok == 0


# -- generated pairs -----------------------------------------------------------------------------


@settings(max_examples=25)
@given(strategies.consecutive_reports())
def test_generated_consecutive_reports_that_follow_on_are_silent(pair: Any) -> None:
    last, this, _ = pair
    assert Validator().run(this).valid and Validator().run(last).valid
    years = years_of(last, this)
    assert len(years.pairs) == 1 and years.findings == {}


@settings(max_examples=25)
@given(strategies.consecutive_reports(broken=True))
def test_one_broken_column_gives_exactly_its_findings(pair: Any) -> None:
    last, this, pointers = pair
    assert Validator().run(this).valid  # each report is fine on its own
    years = years_of(last, this)
    assert sorted(f.pointer for f in years.findings["r1.json"]) == sorted(pointers)
    for f in years.findings["r1.json"]:
        assert f.actual == f.expected + 1


def test_a_profile_keeps_the_compared_cells_as_a_mapping_that_pickles() -> None:
    import pickle

    from govreport.validation.collection import profile

    instance = {"edition": "2021", "report": {"agency": "某某区人民政府", "year": 2021},
                "requests": {"carried_over": {"total": 3, "natural_person": 0}, "carried_forward": {"total": 2}}}
    cells = profile("x.json", instance, "2021").cells
    expected = {"/requests/carried_over/total": 3, "/requests/carried_over/natural_person": 0,
                "/requests/carried_forward/total": 2}
    assert dict(cells) == expected and cells == expected and len(cells) == 3
    assert cells.get("/requests/carried_forward/natural_person") is None
    assert "/requests/carried_over/natural_person" in cells  # a 0 is a value, not an absence
    assert pickle.loads(pickle.dumps(cells)) == expected
