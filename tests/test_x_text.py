"""X-TEXT: figures stated in the narrative against the table cells they refer to.

Expectations come from the report texts read by hand (the sentences are quoted in each
test) and from numbers written here, never from the code under test.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport import api
from govreport.findings import Finding, Severity
from govreport.pointer import split_pointer
from govreport.validation import Validator
from govreport.validation.narrative import Statement, statements
from govreport.writers.json import dumps
from tests.conftest import EXAMPLES, load_json
from tests.corpus import accuracy

SEED_TEXT = EXAMPLES / "chaotian-2021.txt"
SEED_JSON = EXAMPLES / "chaotian-2021.json"
DOCUMENTS = sorted(p for p in accuracy.FILES.iterdir() if p.name != "SOURCES.md") + [SEED_TEXT]

RECEIVED = "/requests/received/total"
CARRIED_OVER = "/requests/carried_over/total"
OUTCOMES = "/requests/outcomes/total/total"
CARRIED_FORWARD = "/requests/carried_forward/total"
GRANTED = "/requests/outcomes/granted/total"


def x_text(findings: Any) -> list[Finding]:
    return [f for f in findings if f.rule == "X-TEXT"]


def set_cell(instance: dict[str, Any], ptr: str, value: Any) -> None:
    path = split_pointer(ptr)
    node = instance
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def with_text(text: str, cells: dict[str, Any] | None = None, year: int = 2021) -> dict[str, Any]:
    """The seed instance with ``text`` as its only narrative and ``cells`` set (total
    column, and the 自然人 column alike, so rows still add up)."""
    instance = copy.deepcopy(load_json(SEED_JSON))
    instance["sections"] = {name: "" for name in instance["sections"]}
    instance["sections"]["overview"] = text
    instance["report"]["year"] = year
    for ptr, value in (cells or {}).items():
        set_cell(instance, ptr, value)
        if ptr.startswith("/requests/") and ptr.endswith("/total"):
            set_cell(instance, ptr[: -len("total")] + "natural_person", value)
    return instance


def check(instance: dict[str, Any], lang: str = "zh") -> list[Finding]:
    return x_text(Validator(lang=lang).run(instance).findings)


def compared(found: list[Statement]) -> list[tuple[str, int, bool | None]]:
    return [(s.concept, s.value, s.agrees) for s in found if s.skipped is None]


# -- planted faults in the seed ----------------------------------------------------------------

SEED_SENTENCE = "区政府办公室共收到政府信息公开申请9件"
SEED_DONE = "依法按时办结9件"


def _line_column(text: str, needle: str, figure: str) -> tuple[int, int]:
    """Line and column (1-based) of ``figure`` inside the first ``needle`` of ``text``."""
    at = text.index(needle) + needle.index(figure)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


@pytest.mark.parametrize(("old", "new", "figure", "ptr", "expected"), [
    (SEED_SENTENCE, "区政府办公室共收到政府信息公开申请12件", "12", RECEIVED, 9),
    (SEED_DONE, "依法按时办结8件", "8", OUTCOMES, 9),
])
def test_a_changed_figure_in_the_seed_document_is_found_where_it_is(
        tmp_path: Path, old: str, new: str, figure: str, ptr: str, expected: int) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    planted = text.replace(old, new)
    path = tmp_path / SEED_TEXT.name
    path.write_text(planted, encoding="utf-8")
    found = x_text(api.check(path).findings)
    assert len(found) == 1
    f = found[0]
    assert (f.pointer, f.expected, f.actual, f.severity, f.stage) == (ptr, expected, int(figure), Severity.WARNING,
                                                                     "document")
    assert f.label.startswith("表三 › ")
    line, column = _line_column(planted, new, figure)
    assert (f.location.line, f.location.column) == (line, column) if f.location else False
    assert new in f.message and figure in f.message and str(expected) in f.message


def test_the_unchanged_seed_has_no_x_text_finding_but_its_figures_were_compared() -> None:
    reading = api.read(SEED_TEXT)
    assert x_text(api.check_reading(reading).findings) == []
    # 共收到政府信息公开申请9件 (一 = 9, 二 = 0), 依法按时办结9件 (三（七） = 9); 网络申请8件 and
    # 信函1件 are channels, not a concept of the tables.
    assert compared(statements(reading.instance)) == [("received_or_total", 9, True), ("outcomes_total", 9, True)]


def test_the_same_fault_in_the_json_instance_is_located_at_the_section_value() -> None:
    instance = load_json(SEED_JSON)
    assert SEED_SENTENCE in instance["sections"]["overview"]
    instance["sections"]["overview"] = instance["sections"]["overview"].replace(SEED_SENTENCE, "共收到政府信息公开申请12件")
    text = dumps(instance, indent=2)
    found = x_text(api.check_bytes(text.encode("utf-8"), name="chaotian-2021.json").findings)
    assert [(f.pointer, f.expected, f.actual) for f in found] == [(RECEIVED, 9, 12)]
    # The instance keeps no line of the document: the finding points at the section's value.
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines, 1) if s.lstrip().startswith('"overview": "'))
    assert found[0].location is not None
    assert (found[0].location.line, found[0].location.column) == (line, lines[line - 1].index(': "') + 3)


def test_english_message_names_both_numbers() -> None:
    found = check(with_text("本年共收到政府信息公开申请12件。"), lang="en")
    assert len(found) == 1
    assert found[0].message.startswith("The narrative says “本年共收到政府信息公开申请12件。”: 12")
    assert "is 9" in found[0].message


# -- the sentences that fooled another tool stay silent ----------------------------------------

PEERS = [
    # 答复 = the outcomes total, which includes the carried-over request: 10 + 1 = 11.
    ("2025年受理信息公开申请10件，办理上年度结转申请1件。答复11件。", 2025,
     {RECEIVED: 10, CARRIED_OVER: 1, OUTCOMES: 11, CARRIED_FORWARD: 0},
     [("received_or_total", 10, True), ("outcomes_total", 11, True)]),
    # 3259 new + 77 carried over = 3278 answered + 58 carried forward.
    ("全市共受理政府信息公开申请3259件，答复3278件（含上年度结转申请77件，另有58件顺延到下年度答复）。", 2021,
     {RECEIVED: 3259, CARRIED_OVER: 77, OUTCOMES: 3278, CARRIED_FORWARD: 58},
     [("received_or_total", 3259, True), ("outcomes_total", 3278, True), ("carried_forward", 58, True)]),
    # 11 is a branch of the 19 (8 more were withdrawn), not the outcomes total.
    ("共受理政府信息公开申请19件，其中11件均按规定程序办结，8件申请人主动撤销。", 2021,
     {RECEIVED: 19, OUTCOMES: 19},
     [("received_or_total", 19, True)]),
    # 办结 is not 收到: 70 received, 69 concluded, 1 carried forward.
    ("共收到70件申请，…办结69件。", 2021,
     {RECEIVED: 70, OUTCOMES: 69, CARRIED_FORWARD: 1},
     [("received_or_total", 70, True), ("outcomes_total", 69, True)]),
    # 同意公开答复 is （一）予以公开, not the total of 35.
    ("所有办结的信息公开申请中同意公开答复9件。", 2021,
     {RECEIVED: 35, OUTCOMES: 35, GRANTED: 9},
     [("granted", 9, True)]),
]


@pytest.mark.parametrize(("text", "year", "cells", "read"), PEERS, ids=[p[0][:12] for p in PEERS])
def test_a_report_saying_the_same_in_other_words_stays_silent(
        text: str, year: int, cells: dict[str, int], read: list[tuple[str, int, bool]]) -> None:
    instance = with_text(text, cells, year)
    assert check(instance) == []
    assert compared(statements(instance)) == read


@pytest.mark.parametrize(("text", "year", "cells", "read"), PEERS, ids=[p[0][:12] for p in PEERS])
def test_the_same_sentences_speak_when_the_table_disagrees(
        text: str, year: int, cells: dict[str, int], read: list[tuple[str, int, bool]]) -> None:
    concept, value, _ = read[-1]
    ptr = {"received_or_total": RECEIVED, "outcomes_total": OUTCOMES, "carried_forward": CARRIED_FORWARD,
           "granted": GRANTED}[concept]
    found = check(with_text(text, {**cells, ptr: value + 5}, year))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [(ptr, value + 5, value)]


def test_the_carried_over_requests_answered_are_not_compared() -> None:
    # 答复…（含上年度结转申请77件）: carried-over requests answered, which may be fewer than 二.
    instance = with_text("全市共受理政府信息公开申请3259件，答复3278件（含上年度结转申请77件）。",
                         {RECEIVED: 3259, CARRIED_OVER: 80, OUTCOMES: 3278})
    assert check(instance) == []
    skipped = [s for s in statements(instance) if s.value == 77]
    assert len(skipped) == 1 and skipped[0].agrees is None and "fewer" in (skipped[0].skipped or "")


# -- 收到…共 / 受理: 一, or 一 + 二 ------------------------------------------------------------------

def test_received_with_its_carried_over_part_counts_both() -> None:
    # 收到申请75件…其中上年结转1件: the 75 include the one carried over, so 一 = 74, 二 = 1.
    text = "本年度共收到政府信息公开申请75件，其中网络申请70件，其中上年结转1件。"
    assert check(with_text(text, {RECEIVED: 74, CARRIED_OVER: 1, OUTCOMES: 75})) == []
    # With 一 = 75 the wording's 一 + 二 is 76: the text disagrees, and says so as a sum.
    found = check(with_text(text, {RECEIVED: 75, CARRIED_OVER: 1, OUTCOMES: 76}))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [(RECEIVED, 76, 75)]
    assert [o.pointer for o in found[0].operands] == [RECEIVED, CARRIED_OVER]
    assert found[0].label == "表三 › 一、本年新收政府信息公开申请数量 › 总计 + 表三 › 二、上年结转政府信息公开申请数量 › 总计"


def test_received_without_wording_agrees_with_either_reading() -> None:
    text = "全年受理政府信息公开申请80件。"
    assert check(with_text(text, {RECEIVED: 80, CARRIED_OVER: 5})) == []  # 一
    assert check(with_text(text, {RECEIVED: 75, CARRIED_OVER: 5})) == []  # 一 + 二
    found = check(with_text(text, {RECEIVED: 70, CARRIED_OVER: 5}))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [(RECEIVED, 70, 80)]
    assert "「表三 › 一、本年新收政府信息公开申请数量 › 总计」70" in found[0].message
    assert "75" in found[0].message


def test_a_received_figure_including_the_carried_over_ones_in_brackets() -> None:
    # （含上年度结转2件） after 收到: the 38 are 一 + 二 = 36 + 2.
    text = "2023年度共收到政府信息公开申请38件（含上年度结转2件），已全部办结。"
    instance = with_text(text, {RECEIVED: 36, CARRIED_OVER: 2, OUTCOMES: 38}, year=2023)
    assert check(instance) == []
    assert compared(statements(instance)) == [("received_or_total", 38, True), ("carried_over", 2, True)]


def test_a_breakdown_by_applicant_type_and_a_stated_zero() -> None:
    text = "本年度共收到政府信息公开申请15件，其中自然人申请13件，法人或其他组织申请2件，上年结转0件，均已按时答复。"
    cells = {RECEIVED: 15, OUTCOMES: 15, "/requests/received/natural_person": 13,
             "/requests/received/commercial": 2}
    instance = with_text(text)
    for ptr, value in cells.items():
        set_cell(instance, ptr, value)
    assert check(instance) == []
    assert compared(statements(instance)) == [("received_or_total", 15, True), ("received_or_total", 13, True),
                                              ("received_or_total", 2, True), ("carried_over", 0, True)]
    set_cell(instance, "/requests/received/research", 1)  # 法人或其他组织 is now 3
    found = check(instance)
    assert [(f.pointer, f.expected, f.actual) for f in found] == [("/requests/received/commercial", 3, 2)]
    assert [o.pointer.rsplit("/", 1)[1] for o in found[0].operands] == [
        "commercial", "research", "public_interest", "legal_services", "other_org"]


def test_reconsideration_and_litigation_in_one_clause() -> None:
    instance = with_text("因政府信息公开被申请行政复议2件、提起行政诉讼1件。")
    set_cell(instance, "/reviews/reconsideration/total", 2)
    set_cell(instance, "/reviews/litigation_direct/total", 1)
    assert check(instance) == []
    assert compared(statements(instance)) == [("reconsideration", 2, True), ("litigation", 1, True)]


# -- what is not compared ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "why"), [
    ("本年共收到政府信息公开申请近300件。", "approximate"),
    ("本年共收到政府信息公开申请300余件。", "approximate"),
    ("2020年共收到政府信息公开申请12件。", "2020"),
    ("共收到政府信息公开申请较去年增加12件。", None),  # no concept: not a statement at all
    ("去年同期受理政府信息公开申请12件。", "another year"),
    ("共收到政府信息公开申请9件，其中按时答复12件。", "branch"),
    ("收到自然人政府信息公开申请12件。", None),
    ("全年受理网络问政182件，办结180件。", "not about information requests"),
    ("收到群众诉求348件，现场解决162件，办结率100%。", None),
    ("收到政府信息公开申请9件，网上答复12件，书面答复3件。", "channel"),
    ("收到政府信息公开申请9件，延期答复12件。", "timing"),
    ("涉及政府信息公开的行政复议和行政诉讼案件12件。", "together"),
])
def test_figures_whose_meaning_is_uncertain_are_not_compared(text: str, why: str | None) -> None:
    instance = with_text(text)
    assert check(instance) == []
    found = [s for s in statements(instance) if s.value != 9]
    if why is None:
        assert found == [] or all(s.skipped for s in found)
    else:
        assert found and all(s.agrees is None and why in (s.skipped or "") for s in found)


def test_a_blank_cell_is_not_compared() -> None:
    instance = with_text("本年共收到政府信息公开申请12件。", {RECEIVED: None})
    assert check(instance) == []
    (statement,) = statements(instance)
    assert statement.agrees is None and "blank" in (statement.skipped or "")


def test_full_width_digits_and_traditional_characters_are_read() -> None:
    found = check(with_text("本年共收到政府信息公開申請１２件。"))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [(RECEIVED, 9, 12)]


def test_an_applicant_type_is_compared_with_its_column() -> None:
    text = "共收到政府信息公开申请9件，其中自然人申请{}件。"
    assert check(with_text(text.format(9))) == []
    found = check(with_text(text.format(8)))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [("/requests/received/natural_person", 9, 8)]


def test_an_outcome_block_is_compared_with_the_sum_of_its_rows() -> None:
    instance = with_text("申请中不予公开{}件。")
    set_cell(instance, "/requests/outcomes/withheld/state_secret/total", 2)
    set_cell(instance, "/requests/outcomes/withheld/internal_affairs/total", 3)  # the seed has 3 here already
    instance["sections"]["overview"] = "申请中不予公开5件。"
    assert check(instance) == []
    instance["sections"]["overview"] = "申请中不予公开3件。"  # one row only: the block is 5
    found = check(instance)
    assert [(f.pointer, f.expected, f.actual) for f in found] == [("/requests/outcomes/withheld", 5, 3)]
    assert len(found[0].operands) == 8


def test_litigation_is_both_groups_of_table_4() -> None:
    instance = with_text("政府信息公开行政复议2件，行政诉讼3件。")
    set_cell(instance, "/reviews/reconsideration/total", 2)
    set_cell(instance, "/reviews/litigation_direct/total", 1)
    set_cell(instance, "/reviews/litigation_after_reconsideration/total", 2)
    assert check(instance) == []
    set_cell(instance, "/reviews/litigation_after_reconsideration/total", 4)
    found = check(instance)
    assert [(f.pointer, f.expected, f.actual) for f in found] == [("/reviews/litigation_direct/total", 5, 3)]


def test_an_instance_without_narrative_or_not_an_object_has_no_statement() -> None:
    instance = load_json(SEED_JSON)
    del instance["sections"]
    assert statements(instance) == [] and check(instance) == []
    assert statements([1, 2]) == [] and statements(None) == []


# -- generated sentences -----------------------------------------------------------------------

TEMPLATES = [
    ("本年度共收到政府信息公开申请{n}件。", RECEIVED),
    ("{y}年，全区受理政府信息公开申请{n}件，均在法定期限内答复。", RECEIVED),
    ("本年新收政府信息公开申请{n}件。", RECEIVED),
    ("本年度依法依规办结政府信息公开申请{n}件。", OUTCOMES),
    ("收到的申请均已处理，另有{n}件申请结转下年度继续办理。", CARRIED_FORWARD),
    ("上年结转政府信息公开申请{n}件。", CARRIED_OVER),
    ("所办理的申请中予以公开{n}件。", GRANTED),
    ("政府信息公开行政复议{n}件。", "/reviews/reconsideration/total"),
]


@given(template=st.sampled_from(TEMPLATES), tabled=st.integers(0, 100_000), other=st.integers(0, 100_000),
       wide=st.booleans())
def test_a_generated_sentence_is_silent_with_the_tabled_number_and_speaks_once_without(
        template: tuple[str, str], tabled: int, other: int, wide: bool) -> None:
    text, ptr = template
    instance = with_text("", {ptr: tabled})
    if ptr == CARRIED_OVER:
        set_cell(instance, RECEIVED, 0)  # so 收到… elsewhere cannot be its other reading
    stated = str(other)
    if wide:  # full-width digits, as some reports print them
        stated = stated.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    instance["sections"]["overview"] = text.format(n=tabled, y=2021)
    assert check(instance) == []
    instance["sections"]["overview"] = text.format(n=stated, y=2021)
    found = check(instance)
    if other == tabled:
        assert found == []
    else:
        assert [(f.pointer, f.expected, f.actual) for f in found] == [(ptr, tabled, other)]


# -- the corpus --------------------------------------------------------------------------------

#: Every X-TEXT finding on the corpus, checked by hand against the documents:
#: hongze-2024.pdf, page 1: "2024 年，区政府办代表区政府受理政府信息公开申请 17 件" while table 3
#: (page 3) prints 一、本年新收 = 95 in the 自然人 and 总计 columns (and 三（七）总计 = 95, 二 = 0,
#: so 一 + 二 is 95 too): the narrative and the table disagree under either reading.
EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    "hongze-2024.pdf": [(RECEIVED, 95, 17)],
}

#: The figures compared and found in agreement, read by hand from each document and its tables.
AGREEING: dict[str, list[tuple[str, int]]] = {
    # 全市共受理…3119件，答复3050件（含上年度结转申请34件，另有103件顺延…）; 行政复议351件; 行政诉讼46件 = 26 + 20.
    "huaian-2024.pdf": [("received_or_total", 3119), ("outcomes_total", 3050), ("carried_forward", 103),
                        ("reconsideration", 351), ("litigation", 46)],
    # 受理1295件 is 一 (1295); 办结1191件 is 三（七）; 208 = 206 + 2; 20, 564 = 513 + 48 + 3, 80, 319 = 43 + 276.
    "shanghai-office-2025.md": [("received_or_total", 1295), ("outcomes_total", 1191),
                                ("granted_and_partially_granted", 208), ("withheld", 20), ("unavailable", 564),
                                ("not_processed", 80), ("other_handling", 319)],
    # 共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理.
    "pingtan-2021.txt": [("received_or_total", 70), ("outcomes_total", 69), ("carried_forward", 1)],
}


def test_the_corpus_gives_only_the_x_text_findings_checked_by_hand() -> None:
    got = {}
    for path in DOCUMENTS:
        reading = api.read(path)
        found = x_text(api.check_reading(reading).findings)
        if found:
            got[path.name] = [(f.pointer, f.expected, f.actual) for f in found]
        if path.name in AGREEING:
            assert [(s.concept, s.value) for s in statements(reading.instance) if s.agrees] == AGREEING[path.name]
    assert got == EXPECTED


def test_a_quoted_sentence_is_shortened_around_its_figure() -> None:
    text = "某某" * 40 + "，本年共收到政府信息公开申请12件，" + "其他内容" * 20 + "。"
    (f,) = check(with_text(text))
    quote = f.args["quote"]
    assert "申请12件" in quote and quote.startswith("…") and quote.endswith("…") and len(quote) <= 70


def test_statements_are_json_friendly_for_listing() -> None:
    (s,) = statements(with_text("本年共收到政府信息公开申请12件。"))
    assert json.dumps([s.value, s.concept, s.scope, s.section, s.start, s.end, s.sentence, s.skipped],
                      ensure_ascii=False)
    assert (s.section, s.start, s.end) == ("overview", 13, 15)


def test_numbers_too_long_for_a_count_are_not_read_and_huge_cells_are_shown() -> None:
    assert statements(with_text("本年共收到政府信息公开申请" + "1" * 5000 + "件。")) == []
    found = check(with_text("本年共收到政府信息公开申请12件。", {RECEIVED: 10**5000}))
    assert [f.actual for f in found] == [12] and "E+5000" in found[0].message
