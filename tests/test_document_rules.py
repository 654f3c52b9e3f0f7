"""The document rules DOC-PERIOD, DOC-DEADLINE and DOC-FEES (and DOC-SECTIONS beside them).

Each rule fires on a planted fault — in the seed text, in real corpus reports edited
byte for byte, in generated instances — and stays silent on every real report where
the fault is absent. What each real report states (its period, date, agency, fees
wording) was read from the file by hand and is written here with the file's words.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govreport import api
from govreport.cli import main
from govreport.contract import deadlines
from govreport.findings import Finding, Result, Severity
from govreport.reading import Reading
from govreport.validation import Validator
from govreport.validation.document import mentions_fees, stated_period
from tests.conftest import CORPUS, EXAMPLES, ROOT, load_json

FILES = CORPUS / "files"
SEED = EXAMPLES / "chaotian-2021.txt"
DOC_RULES = ("DOC-SECTIONS", "DOC-PERIOD", "DOC-DEADLINE", "DOC-FEES")

# Every real report of the corpus, and the seed. The template has no year, agency or date.
REAL = sorted(p.name for p in FILES.iterdir() if p.suffix != ".md" or p.name != "SOURCES.md") + ["seed"]


def _path(name: str) -> Path:
    return SEED if name == "seed" else FILES / name


@functools.cache
def _reading(name: str) -> Reading:
    return api.read(_path(name))


def _edited(name: str, old: str, new: str) -> Reading:
    """The real file ``name`` with ``old`` (which must occur once) replaced by ``new``."""
    path = _path(name)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    return api.read_bytes(text.replace(old, new).encode("utf-8"), name=path.name)


def _found(result: Result, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def _check(reading: Reading, **options: Any) -> Result:
    return api.check_reading(reading, **options)


def _seed_instance() -> dict[str, Any]:
    return copy.deepcopy(load_json(EXAMPLES / "chaotian-2021.json"))


# == DOC-PERIOD ==================================================================================

# The period each real report states, copied from the file (line breaks and spaces as
# printed are why the rule folds the text before matching).
STATED_PERIOD = {
    # "报告中所列数据统计期限自 2023 年 1 月 1 日\n起至 2023 年 12 月 31 日止"
    "hongze-2023.pdf": ((2023, 1, 1), (2023, 12, 31)),
    # "报告中所列数据统计期限自 2024 年 1 月 1 日\n起至 2024 年 12 月 31 日止"
    "hongze-2024.pdf": ((2024, 1, 1), (2024, 12, 31)),
    # "报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日。"
    "huaian-2024.pdf": ((2024, 1, 1), (2024, 12, 31)),
    # "本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。"
    "pingtan-2020.txt": ((2020, 1, 1), (2020, 12, 31)),
    # "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    "pingtan-2021.txt": ((2021, 1, 1), (2021, 12, 31)),
    # "本年度报告中所列数据统计期限从2019年1月1日到12月31日止。" (end year left out)
    "shanghai-office-2019.html": ((2019, 1, 1), (2019, 12, 31)),
    # "本年度报告中所列数据统计期限为 2025\n年 1 月 1 日至 12 月 31 日。"
    "shanghai-office-2025.md": ((2025, 1, 1), (2025, 12, 31)),
    # "本年度报告中所列数据的统计周期\n为 2024 年 1 月 1 日至 12 月 31 日。"
    "shanghai-stc-2024.md": ((2024, 1, 1), (2024, 12, 31)),
    # "本年度报告所列数据的统计时限为2023年1月1日至2023年12月31日。"
    "shuyang-drc-2023.html": ((2023, 1, 1), (2023, 12, 31)),
    # the blank template states no period
    "template-2021-blank.docx": None,
    # "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止"
    "seed": ((2021, 1, 1), (2021, 12, 31)),
}


def test_every_real_document_is_listed() -> None:
    assert sorted(STATED_PERIOD) == sorted(REAL)


@pytest.mark.parametrize("name", REAL)
def test_the_period_each_real_report_states_is_found_in_its_preamble(name: str) -> None:
    found = stated_period(_reading(name).instance["sections"].get("preamble", ""))
    expected = STATED_PERIOD[name]
    assert (found[:2] if found else None) == expected


@pytest.mark.parametrize("name", REAL)
def test_no_document_rule_fires_where_the_report_is_right(name: str) -> None:
    # Every real report states its own year's period; the dated ones are on time at the
    # level their agency's name gives; every report on 2021+ says something about fees.
    # Only DOC-SECTIONS has real findings, where the files lack a 五 heading:
    # shanghai-office-2025.md goes from "四、政府信息公开行政复议、行政诉讼情况" and its
    # table straight to "（一）2024 年工作中存在问题的改进情况" (the conversion lost the
    # heading); shanghai-stc-2024.md numbers its sections its own way (二、工作机制保障,
    # 五、政府信息管理 …) and has no 存在的主要问题 heading. shanghai-office-2019.html has
    # "五、政府信息公开工作存在的主要问题及改进情况" (the 2019 wording) and is silent.
    found = [(f.rule, f.pointer) for f in _check(_reading(name)).findings if f.rule in DOC_RULES]
    missing_problems = name in ("shanghai-office-2025.md", "shanghai-stc-2024.md")
    assert found == ([("DOC-SECTIONS", "/sections/problems")] if missing_problems else [])


def test_seed_with_a_short_period_fires_at_the_sentence() -> None:
    reading = _edited("seed", "起至2021年12月31日止", "起至2021年11月30日止")
    [finding] = _found(_check(reading), "DOC-PERIOD")
    assert (finding.pointer, finding.severity, finding.stage) == ("/sections/preamble", Severity.WARNING, "document")
    assert (finding.expected, finding.actual) == ("2021-01-01/2021-12-31", "2021-01-01/2021-11-30")
    # Located at "统计期限" in the seed file itself (1-based line and column).
    lines = SEED.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if "统计期限" in text)
    assert finding.location is not None
    assert (finding.location.line, finding.location.column) == (line, lines[line - 1].index("统计期限") + 1)
    assert "2021-11-30" in finding.message and "统计期限自2021年1月1日起至2021年11月30日止" in finding.message


def test_last_years_period_left_in_a_real_report_fires() -> None:
    # pingtan-2021 with the 2020 report's sentence (a template not updated).
    reading = _edited("pingtan-2021.txt", "统计期限自2021年1月1日起至2021年12月31日止", "统计期限自2020年1月1日起至2020年12月31日止")
    [finding] = _found(_check(reading), "DOC-PERIOD")
    assert (finding.expected, finding.actual) == ("2021-01-01/2021-12-31", "2020-01-01/2020-12-31")


def test_a_period_broken_over_lines_with_the_end_year_left_out_fires() -> None:
    reading = _edited("shanghai-office-2025.md", "2025\n年 1 月 1 日至 12 月 31 日", "2024\n年 1 月 1 日至 12 月 31 日")
    [finding] = _found(_check(reading), "DOC-PERIOD")
    assert (finding.expected, finding.actual) == ("2025-01-01/2025-12-31", "2024-01-01/2024-12-31")
    assert finding.location is not None and finding.location.line is not None


# The sentences of the issue and of FORMAT.md §10, and real reports' wordings, with the
# right dates (silent) and with a wrong one (fires); full-width digits, Traditional script.
PERIODS = [
    ("本年度报告中所列数据统计期限为2021年1月1日至12月31日。", None),
    ("本报告所列数据统计期限自2021年1月1日起至2021年12月31日止。", None),
    ("本报告中所列数据的统计期限自２０２１年１月１日起至２０２１年１２月３１日止。", None),
    ("本報告所列數據統計期限自2021年1月1日起至2021年12月31日止。", None),
    ("本年度报告所列数据的统计时限为 2021 年 1 月 1 日至 2021 年 12 月 31 日。", None),
    ("统计区间：2021年1月1日—2021年12月31日。", None),
    ("本报告所列数据统计期限自2021年1月1日起至2021年11月30日止。", "2021-01-01/2021-11-30"),
    ("本报告所列数据统计期限为2021年2月1日至12月31日。", "2021-02-01/2021-12-31"),
    ("本報告所列數據統計期限自２０２０年１月１日起至２０２０年１２月３１日止。", "2020-01-01/2020-12-31"),
    ("本报告所列数据的统计周期为2021年1月1日至2022年12月31日。", "2021-01-01/2022-12-31"),
]


@pytest.mark.parametrize(("sentence", "actual"), PERIODS)
def test_generated_periods(sentence: str, actual: str | None) -> None:
    instance = _seed_instance()
    instance["sections"]["preamble"] = "本报告依据《条例》编制。" + sentence
    found = _found(Validator().run(instance), "DOC-PERIOD")
    assert [(f.pointer, f.expected, f.actual) for f in found] == (
        [] if actual is None else [("/sections/preamble", "2021-01-01/2021-12-31", actual)])


def test_a_period_stated_in_the_overview_is_judged_there() -> None:
    instance = _seed_instance()
    instance["sections"]["preamble"] = "本报告依据《条例》编制。"
    instance["sections"]["overview"] += "本报告数据统计期限为2021年1月1日至6月30日。"
    [finding] = _found(Validator().run(instance), "DOC-PERIOD")
    assert finding.pointer == "/sections/overview"


def test_no_period_stated_or_no_year_is_not_assessable() -> None:
    instance = _seed_instance()
    instance["sections"]["preamble"] = "据统计，2021年1月1日至6月30日共收到申请3件。"  # a figure, not the period
    assert not _found(Validator().run(instance), "DOC-PERIOD")
    instance = _seed_instance()
    instance["sections"]["preamble"] = "本报告所列数据统计期限自2021年1月1日起至2021年11月30日止。"
    del instance["report"]["year"]
    assert not _found(Validator().run(instance), "DOC-PERIOD")


def test_a_period_fault_in_a_json_file_points_at_the_value(tmp_path: Path) -> None:
    instance = _seed_instance()
    instance["sections"]["preamble"] = "本报告所列数据统计期限自2021年1月1日起至2021年11月30日止。"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(instance, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    [finding] = _found(api.check(path), "DOC-PERIOD")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if '"preamble"' in text)
    assert finding.location is not None and finding.location.line == line


# == DOC-DEADLINE ================================================================================

# What each real report gives DOC-DEADLINE, from the file: (agency as read, level its
# name gives, publication date stated, or None).
DATED = {
    # title "洪泽区人民政府 / 2023 年政府信息公开工作年度报告"; no date printed
    "hongze-2023.pdf": ("洪泽区人民政府", "government", None),
    "hongze-2024.pdf": ("淮安市洪泽区人民政府", "government", None),
    "huaian-2024.pdf": ("淮安市人民政府", "government", None),
    # "发布时间: 2021-03-05 08:58"; the zone's own report (党工委管委会), due 31 March
    "pingtan-2020.txt": ("平潭综合实验区", "government", "2021-03-05"),
    # "发布时间: 2022-02-08 16:34"
    "pingtan-2021.txt": ("平潭综合实验区", "government", "2022-02-08"),
    # "发布日期：2020-01-31": a department (办公厅) publishing on its deadline day
    "shanghai-office-2019.html": ("上海市人民政府办公厅", "department", "2020-01-31"),
    "shanghai-office-2025.md": ("上海市人民政府办公厅", "department", None),
    "shanghai-stc-2024.md": ("上海市科委", "department", None),
    # "公开日期 | 2024-01-17", signed "沭阳县发展和改革局 / 2024年1月17日"
    "shuyang-drc-2023.html": ("沭阳县发展和改革局", "department", "2024-01-17"),
    "template-2021-blank.docx": (None, None, None),
    # the seed's title is not read (no agency); no date printed
    "seed": (None, None, None),
}


@pytest.mark.parametrize("name", REAL)
def test_agency_level_and_date_of_each_real_report(name: str) -> None:
    report = _reading(name).instance["report"]
    agency, level, published = DATED[name]
    assert report.get("agency") == agency
    match = deadlines.level_of(agency) if agency else None
    assert (match.level if match else None) == level
    assert report.get("published_on") == published


@pytest.mark.parametrize(("name", "days"), [("pingtan-2020.txt", 33), ("pingtan-2021.txt", 8)])
def test_real_reports_on_time_as_a_zone_are_late_as_a_department(name: str, days: int) -> None:
    assert not _found(_check(_reading(name)), "DOC-DEADLINE")
    [finding] = _found(_check(_reading(name), level="department"), "DOC-DEADLINE")
    year = _reading(name).instance["report"]["year"]
    assert (finding.pointer, finding.expected) == ("/report/published_on", f"{year + 1}-01-31")
    assert finding.actual == DATED[name][2]
    assert f"晚{days}天" in finding.message and "层级由调用者指定" in finding.message
    # ... and on time as the zone's government (31 March).
    assert not _found(_check(_reading(name), level="government"), "DOC-DEADLINE")


def test_a_department_one_day_late_fires_and_says_how_the_level_was_told() -> None:
    reading = _edited("shanghai-office-2019.html", "发布日期：2020-01-31", "发布日期：2020-02-01")
    [finding] = _found(_check(reading), "DOC-DEADLINE")
    assert (finding.expected, finding.actual) == ("2020-01-31", "2020-02-01")
    assert "上海市人民政府办公厅" in finding.message and "办公厅" in finding.message and "晚1天" in finding.message
    english = _found(_check(reading, lang="en"), "DOC-DEADLINE")[0].message
    assert "a department of a county-or-higher government" in english and "1 days late" in english


@pytest.mark.parametrize(("name", "due"), [
    ("hongze-2024.pdf", "2025-03-31"),        # 淮安市洪泽区人民政府: the district government
    ("huaian-2024.pdf", "2025-03-31"),        # 淮安市人民政府
    ("shanghai-stc-2024.md", "2025-01-31"),   # 上海市科委: a department
    ("shanghai-office-2025.md", "2026-01-31"),
])
def test_undated_real_reports_with_the_date_given(name: str, due: str) -> None:
    assert not _found(_check(_reading(name)), "DOC-DEADLINE")  # no date: not assessable
    assert not _found(_check(_reading(name), published_on=due), "DOC-DEADLINE")
    [finding] = _found(_check(_reading(name), published_on="2025-04-01" if due < "2025-04-01" else "2026-04-01"),
                       "DOC-DEADLINE")
    assert finding.expected == due
    assert "调用者给出的发布日期" in finding.message


def test_a_signature_date_read_from_the_seed_is_judged() -> None:
    # The seed with a 落款 after section 六: the reader takes the date, the agency's name
    # is not read, so the level must be given.
    reading = _edited("seed", "未收取任何费用。", "未收取任何费用。\n广元市朝天区人民政府办公室\n2022年2月10日")
    assert reading.instance["report"]["published_on"] == "2022-02-10"
    assert not _found(_check(reading), "DOC-DEADLINE")
    [finding] = _found(_check(reading, level="department"), "DOC-DEADLINE")
    assert (finding.expected, finding.actual) == ("2022-01-31", "2022-02-10")


@pytest.mark.parametrize("tail", [
    "\n2021年12月20日",                 # dated in the report year: not the publication of a report on it
    "\n2022年2月10日印发。",             # a sentence, not a signature
    "\n2022年2月10日\n另附：联系方式表",  # not the last line
])
def test_uncertain_dates_at_the_end_are_left_out(tail: str) -> None:
    reading = _edited("seed", "未收取任何费用。", "未收取任何费用。" + tail)
    assert "published_on" not in reading.instance["report"]


LEVELS = [
    ("淮安市洪泽区人民政府", "government"),
    ("淮安市人民政府", "government"),
    ("镇江市人民政府", "government"),            # 镇 in a city's name is not a township
    ("沭阳县政府", "government"),
    ("平潭综合实验区", "government"),
    ("苏州工业园区管理委员会", "government"),
    ("某某经济技术开发区管委会", "government"),
    ("上海市人民政府办公厅", "department"),
    ("广元市朝天区人民政府办公室", "department"),
    ("沭阳县发展和改革局", "department"),
    ("上海市科学技术委员会", "department"),
    ("上海市科委", "department"),
    ("教育部", "department"),
    ("某某开发区管委会办公室", "department"),
    ("朝天区朝天镇人民政府", "township"),
    ("某某县某某乡人民政府", "township"),
    ("洪泽区高良涧街道办事处", "township"),
    ("某某市红十字会", None),                   # neither a government nor a department by name
]


@pytest.mark.parametrize(("agency", "level"), LEVELS)
def test_level_from_the_agency_name(agency: str, level: str | None) -> None:
    match = deadlines.level_of(agency)
    assert (match.level if match else None) == level


def _dated(agency: str, published: str, year: int = 2021) -> dict[str, Any]:
    instance = _seed_instance()
    instance["report"].update({"agency": agency, "year": year, "published_on": published})
    return instance


@pytest.mark.parametrize(("agency", "published", "late"), [
    ("广元市朝天区人民政府办公室", "2022-01-31", False),
    ("广元市朝天区人民政府办公室", "2022-02-01", True),
    ("广元市朝天区人民政府", "2022-03-31", False),
    ("广元市朝天区人民政府", "2022-04-01", True),
    ("朝天区朝天镇人民政府", "2022-01-31", False),
    ("朝天区朝天镇人民政府", "2022-02-15", True),
    ("某某市红十字会", "2023-12-31", False),  # level unknown: not assessable
])
def test_generated_dates(agency: str, published: str, late: bool) -> None:
    found = _found(Validator().run(_dated(agency, published)), "DOC-DEADLINE")
    assert bool(found) is late


def test_township_deadline_is_configurable() -> None:
    instance = _dated("朝天区朝天镇人民政府", "2022-02-15")
    assert _found(Validator(township_deadline="02-10").run(instance), "DOC-DEADLINE")
    assert not _found(Validator(township_deadline="03-31").run(instance), "DOC-DEADLINE")
    assert not _found(Validator(township_deadline=(2, 15)).run(instance), "DOC-DEADLINE")
    [finding] = _found(Validator(township_deadline="02-10").run(instance), "DOC-DEADLINE")
    assert finding.expected == "2022-02-10" and "2月10日" in finding.message
    # the setting applies to townships only
    department = _dated("广元市朝天区人民政府办公室", "2022-02-15")
    assert _found(Validator(township_deadline="03-31").run(department), "DOC-DEADLINE")


def test_no_date_or_no_year_is_not_assessable() -> None:
    instance = _dated("广元市朝天区人民政府办公室", "2022-02-15")
    del instance["report"]["published_on"]
    assert not _found(Validator().run(instance), "DOC-DEADLINE")
    instance = _dated("广元市朝天区人民政府办公室", "2022-02-15")
    del instance["report"]["year"]
    assert not _found(Validator().run(instance), "DOC-DEADLINE")
    instance = _dated("广元市朝天区人民政府办公室", "2022-02-30")  # SCHEMA-VALUE's, not a date to judge
    assert not _found(Validator().run(instance), "DOC-DEADLINE")


@pytest.mark.parametrize("options", [{"level": "county"}, {"published_on": "2022-02-30"},
                                     {"published_on": "20220210"}, {"township_deadline": "02-29"},
                                     {"township_deadline": "13-01"}])
def test_bad_overrides_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Validator(**options)


# == DOC-FEES ====================================================================================

# What each report on 2021 or later says about fees, from the file.
FEES_WORDING = {
    "hongze-2023.pdf": "全年收取政府信息公开信息处理费 0 元",
    "hongze-2024.pdf": "全年收取政府信息公开信息处理费 0 元",
    "huaian-2024.pdf": "全年收取政府信息公开信息处理费 3940 元",
    "pingtan-2021.txt": "2021年，无收取信息处理费情况。",
    "shanghai-office-2025.md": "2025 年度本机关未收取信息公开处理费。",
    "shanghai-stc-2024.md": "2024 年，市科委未发生政府信息公开收费事项。",
    "shuyang-drc-2023.html": "县发展和改革局政府信息公开未发生收费情况。",
    "seed": "办理收到的申请公开件,未收取任何费用。",
}


@pytest.mark.parametrize("name", sorted(FEES_WORDING))
def test_real_reports_state_their_fees(name: str) -> None:
    text = _path(name).read_text(encoding="utf-8") if _path(name).suffix in (".txt", ".md", ".html") else None
    if text is not None:
        assert FEES_WORDING[name] in text
    sections = _reading(name).instance["sections"]
    assert FEES_WORDING[name].replace(" ", "").rstrip("。") in "".join(sections["other_matters"].split())
    assert mentions_fees(sections)


def test_a_2020_report_is_not_judged_on_fees() -> None:
    # pingtan-2020's 六 reads "无其他需要报告的事项" and its narrative names no fee:
    # the rule would fire, but the Measures apply from 2021.
    sections = _reading("pingtan-2020.txt").instance["sections"]
    assert sections["other_matters"] == "无其他需要报告的事项" and not mentions_fees(sections)
    assert not _found(_check(_reading("pingtan-2020.txt")), "DOC-FEES")


def test_seed_without_its_fees_sentence_fires() -> None:
    reading = _edited("seed", "办理收到的申请公开件,未收取任何费用。", "办理收到的申请公开件。")
    [finding] = _found(_check(reading), "DOC-FEES")
    assert (finding.pointer, finding.severity, finding.stage) == ("/sections/other_matters", Severity.WARNING, "document")
    assert "2021" in finding.message


def test_a_real_report_without_its_fees_sentence_fires() -> None:
    reading = _edited("shuyang-drc-2023.html", "政府信息公开未发生收费情况。", "政府信息公开工作平稳有序。")
    assert len(_found(_check(reading), "DOC-FEES")) == 1
    reading = _edited("shanghai-office-2025.md", "2025 年度本机关未收取信息公开处理费。", "无。")
    assert len(_found(_check(reading), "DOC-FEES")) == 1


def test_fees_discussed_elsewhere_count() -> None:
    # pingtan-2021's overview also says its units studied the rules on 信息处理费 收缴:
    # with section 六 emptied the report still speaks of the fees, so the rule is silent.
    reading = _edited("pingtan-2021.txt", "2021年，无收取信息处理费情况。", "2021年，无其他需要报告的事项。")
    assert not _found(_check(reading), "DOC-FEES")


@pytest.mark.parametrize(("other", "elsewhere", "fires"), [
    ("无", "", True),
    ("本年度无其他需要报告的事项。", "召开景区观光区收费标准定价听证会并将相关信息上网公开。", True),  # a fee, not for requests
    ("本年度未收取信息处理费。", "", False),
    ("本年度未收取任何費用。", "", False),                     # Traditional
    ("本機關未收取信息處理費。", "", False),
    ("无", "对申请人未收取任何费用。", False),                   # said in another section, about requests
    ("无", "严格执行《政府信息公开信息处理费管理办法》。", False),
    ("本年度收取信息处理费１２０元。", "", False),
])
def test_generated_fees(other: str, elsewhere: str, fires: bool) -> None:
    instance = _seed_instance()
    instance["sections"]["other_matters"] = other
    instance["sections"]["overview"] = "2021年，我办坚持公开为常态。" + elsewhere
    found = _found(Validator().run(instance), "DOC-FEES")
    assert [f.pointer for f in found] == (["/sections/other_matters"] if fires else [])


def test_fees_are_not_judged_before_2021_or_without_narrative() -> None:
    instance = _seed_instance()
    instance["sections"]["other_matters"] = "无"
    instance["report"]["year"] = 2020
    assert not _found(Validator().run(instance), "DOC-FEES")
    instance = _seed_instance()
    del instance["sections"]
    result = Validator().run(instance)
    assert not [f for f in result.findings if f.rule in DOC_RULES]


def test_the_2019_wording_of_section_five_is_found() -> None:
    # "五、政府信息公开工作存在的主要问题及改进情况" in shanghai-office-2019.html, followed by "(一)主要问题".
    problems = _reading("shanghai-office-2019.html").instance["sections"]["problems"]
    assert problems.startswith("(一)主要问题") or problems.startswith("（一）主要问题")


def test_a_missing_section_six_is_both_rules() -> None:
    instance = _seed_instance()
    del instance["sections"]["other_matters"]
    found = sorted((f.rule, f.pointer) for f in Validator().run(instance).findings if f.rule in DOC_RULES)
    assert found == [("DOC-FEES", "/sections/other_matters"), ("DOC-SECTIONS", "/sections/other_matters")]


# == the command line ===========================================================================

def _cli(*args: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    code = main(["check", "--format", "json", *args], out=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_level_and_published_on() -> None:
    name = str(FILES / "pingtan-2021.txt")
    code, [result] = _cli(name)
    assert code == 0 and not [f for f in result["findings"] if f["rule"] == "DOC-DEADLINE"]
    code, [result] = _cli(name, "--level", "department")
    [finding] = [f for f in result["findings"] if f["rule"] == "DOC-DEADLINE"]
    assert code == 0 and (finding["expected"], finding["actual"]) == ("2022-01-31", "2022-02-08")
    code, [result] = _cli(name, "--published-on", "2022-04-01")
    [finding] = [f for f in result["findings"] if f["rule"] == "DOC-DEADLINE"]
    assert (finding["expected"], finding["actual"]) == ("2022-03-31", "2022-04-01")


def test_cli_township_deadline() -> None:
    name = str(FILES / "pingtan-2021.txt")
    _, [result] = _cli(name, "--level", "township", "--township-deadline", "02-10")
    assert not [f for f in result["findings"] if f["rule"] == "DOC-DEADLINE"]
    _, [result] = _cli(name, "--level", "township")
    assert [f["expected"] for f in result["findings"] if f["rule"] == "DOC-DEADLINE"] == ["2022-01-31"]


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--level", "county", "invalid choice"),
    ("--published-on", "2022-02-30", "2022-02-30"),
    ("--published-on", "yesterday", "yesterday"),
    ("--township-deadline", "02-29", "02-29"),
])
def test_cli_bad_values_are_usage_errors(option: str, value: str, says: str) -> None:
    run = subprocess.run([sys.executable, "-m", "govreport", "check", str(SEED), option, value],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2
    assert option in run.stderr and says in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_the_api_functions_take_the_overrides(tmp_path: Path) -> None:
    instance = _dated("广元市朝天区人民政府", "2022-03-20")
    assert not [f for f in api.validate(instance) if f.rule == "DOC-DEADLINE"]
    assert [f.expected for f in api.validate(instance, level="department") if f.rule == "DOC-DEADLINE"] == ["2022-01-31"]
    late = datetime.date(2022, 4, 2)
    assert [f.actual for f in api.validate(instance, published_on=late) if f.rule == "DOC-DEADLINE"] == ["2022-04-02"]
    data = SEED.read_bytes()
    result = api.check_bytes(data, name="chaotian-2021.txt", level="township", published_on="2022-02-15",
                             township_deadline="02-14")
    assert [f.expected for f in _found(result, "DOC-DEADLINE")] == ["2022-02-14"]
    assert not _found(api.check(SEED, level="township", published_on="2022-02-14", township_deadline="02-14"),
                      "DOC-DEADLINE")


def test_reports_on_2018_or_earlier_follow_the_2007_regulations() -> None:
    # FORMAT.md §10: under the 2007 条例 the deadline was 31 March for every agency.
    department = _dated("广元市朝天区人民政府办公室", "2019-03-20", year=2018)
    assert not _found(Validator().run(department), "DOC-DEADLINE")
    [finding] = _found(Validator().run(_dated("广元市朝天区人民政府办公室", "2019-04-01", year=2018)), "DOC-DEADLINE")
    assert finding.expected == "2019-03-31" and "2007年《条例》" in finding.message
    # the 2019 revision's 31 January applies from the report on 2019
    assert _found(Validator().run(_dated("广元市朝天区人民政府办公室", "2020-03-20", year=2019)), "DOC-DEADLINE")
