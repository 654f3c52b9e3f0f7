"""The validator on the seed instance and hand-made variations of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govreport import (
    Finding,
    Location,
    Provenance,
    Report,
    Severity,
    Validator,
    validate,
)
from govreport.contract import catalogue
from govreport.contract.editions import edition_of as select_edition


def errors(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in findings if f.severity is Severity.ERROR]


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_seed_has_only_the_hybrid_shape_warning(seed_instance: dict[str, Any]) -> None:
    findings = validate(seed_instance)
    assert [(f.rule, f.severity, f.pointer) for f in findings] == [
        ("FMT-SHAPE", Severity.WARNING, "/requests/outcomes/other_handling")
    ]
    assert findings[0].label == "表三 › 三、本年度办理结果 › （六）其他处理"


def test_one_changed_cell_breaks_its_column_and_its_row(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["carried_forward"]["natural_person"] = 1
    findings = validate(seed_instance)
    assert errors(findings) == [
        ("T3-BALANCE", "/requests/carried_forward/natural_person"),
        ("T3-ROW-TOTAL", "/requests/carried_forward/total"),
    ]
    balance = by_rule(findings, "T3-BALANCE")[0]
    assert (balance.expected, balance.actual) == (0, 1)
    assert balance.label == "表三 › 四、结转下年度继续办理 › 自然人"
    assert "应为 0" in balance.message and "实为 1" in balance.message
    assert [o.pointer for o in balance.operands] == [
        "/requests/carried_forward/natural_person",
        "/requests/received/natural_person",
        "/requests/carried_over/natural_person",
        "/requests/outcomes/total/natural_person",
    ]
    assert [(o.role, o.weight, o.value) for o in balance.operands] == [
        ("total", 1, 1), ("term", 1, 9), ("term", 1, 0), ("term", -1, 9)
    ]
    row = by_rule(findings, "T3-ROW-TOTAL")[0]
    assert (row.expected, row.actual) == (1, 0)
    assert row.label == "表三 › 四、结转下年度继续办理 › 总计"
    assert len(row.operands) == 7


def test_negative_count_is_a_cell_type_error_at_its_pointer(seed_instance: dict[str, Any]) -> None:
    seed_instance["reviews"]["litigation_direct"]["upheld"] = -2
    findings = validate(seed_instance)
    assert errors(findings) == [("CELL-TYPE", "/reviews/litigation_direct/upheld")]
    f = by_rule(findings, "CELL-TYPE")[0]
    assert f.actual == -2
    assert f.label == "表四 › 行政诉讼 › 未经复议直接起诉 › 结果维持"
    # The relation using the invalid cell is not assessable instead of failing twice.
    assert [x.severity for x in by_rule(findings, "T4-TOTAL")] == [Severity.INFO]


def test_fractional_count_is_a_cell_type_error(seed_instance: dict[str, Any]) -> None:
    seed_instance["active_disclosure"]["licensing"]["decisions"] = Decimal("2.5")
    assert errors(validate(seed_instance)) == [("CELL-TYPE", "/active_disclosure/licensing/decisions")]


def test_integral_decimal_and_float_counts_are_integers(seed_instance: dict[str, Any]) -> None:
    seed_instance["active_disclosure"]["licensing"]["decisions"] = Decimal("3.0")
    seed_instance["active_disclosure"]["penalties"]["decisions"] = 4.0
    assert errors(validate(seed_instance)) == []


def test_string_in_a_cell_is_a_cell_type_error(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["research"] = "/"
    assert errors(validate(seed_instance)) == [("CELL-TYPE", "/requests/received/research")]


def test_misspelled_key_is_an_error_with_a_suggestion(seed_instance: dict[str, Any]) -> None:
    row = seed_instance["requests"]["outcomes"]["withheld"]
    row["third_party_right"] = row.pop("third_party_rights")
    findings = validate(seed_instance)
    assert sorted(errors(findings)) == [
        ("SCHEMA-REQUIRED", "/requests/outcomes/withheld/third_party_rights"),
        ("SCHEMA-UNKNOWN-KEY", "/requests/outcomes/withheld/third_party_right"),
    ]
    unknown = by_rule(findings, "SCHEMA-UNKNOWN-KEY")[0]
    assert unknown.expected == "third_party_rights"
    assert "third_party_rights" in unknown.message
    assert "（三）不予公开" in unknown.message


def test_misspelled_key_inside_the_split_other_handling_names_that_branch(seed_instance: dict[str, Any]) -> None:
    zero = dict(seed_instance["requests"]["carried_over"])
    seed_instance["requests"]["outcomes"]["other_handling"] = {
        "overdue_correction": zero, "overdue_fee": zero, "othr": zero,
    }
    found = errors(validate(seed_instance))
    assert ("SCHEMA-UNKNOWN-KEY", "/requests/outcomes/other_handling/othr") in found
    assert ("SCHEMA-REQUIRED", "/requests/outcomes/other_handling/other") in found
    # The single-row branch's complaints (seven missing applicant keys) are not reported.
    assert not any(p.endswith("/natural_person") for _, p in found)


def test_negative_inside_single_row_other_handling_is_reported_at_the_cell(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["outcomes"]["other_handling"]["natural_person"] = -1
    assert errors(validate(seed_instance)) == [
        ("CELL-TYPE", "/requests/outcomes/other_handling/natural_person")
    ]


def test_missing_table_is_required(seed_instance: dict[str, Any]) -> None:
    del seed_instance["reviews"]
    findings = validate(seed_instance)
    assert errors(findings) == [("SCHEMA-REQUIRED", "/reviews")]
    assert by_rule(findings, "SCHEMA-REQUIRED")[0].label == "表四"


def test_blank_cells_are_warnings_and_make_relations_not_assessable(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["commercial"] = None
    result = Validator().run(seed_instance)
    assert result.valid
    blank = [f for f in result.findings if f.rule == "CELL-BLANK"]
    assert [(f.pointer, f.severity) for f in blank] == [("/requests/received/commercial", Severity.WARNING)]
    assert result.relations["T3-BALANCE"].not_assessable == 1
    assert result.relations["T3-ROW-TOTAL"].not_assessable == 1
    info = [f for f in result.findings if f.rule == "T3-BALANCE"]
    assert len(info) == 1 and info[0].severity is Severity.INFO
    assert "为空" in info[0].message and "商业企业" in info[0].message


def test_blanks_as_zero_is_a_choice_the_findings_state(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["natural_person"] = None
    result = Validator(blanks_as_zero=True).run(seed_instance)
    # 0 + 0 ≠ 9: the balance fails, and says that a blank was counted as zero.
    balance = [f for f in result.findings if f.rule == "T3-BALANCE"]
    assert [f.severity for f in balance] == [Severity.ERROR]
    assert "空白按0计" in balance[0].message
    assert any(f.rule == "BLANKS-AS-ZERO" for f in result.findings)
    assert result.relations["T3-BALANCE"].not_assessable == 0


def test_english_messages(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["carried_forward"]["natural_person"] = 1
    findings = validate(seed_instance, lang="en")
    balance = by_rule(findings, "T3-BALANCE")[0]
    assert balance.message.startswith("Table 3 column “自然人” does not balance")
    assert catalogue.localise(balance, "zh").message.startswith("表三「自然人」列不平衡")


@pytest.mark.parametrize(("year", "edition", "expect"), [
    (2021, "2021", None), (2020, "2019", None), (2019, "2019", None),
    (2022, "2019", ("2021", "2019")), (2020, "2021", ("2019", "2021")),
])
def test_fmt_edition(seed_instance: dict[str, Any], year: int, edition: str, expect: tuple[str, str] | None) -> None:
    seed_instance["report"]["year"] = year
    if edition == "2019":
        seed_instance["edition"] = "2019"
        seed_instance["active_disclosure"] = {
            "regulations": {"made": 0, "published": 0, "published_total": 0},
            "normative_documents": {"made": 5, "published": 5, "published_total": 21},
            "licensing": {"previous_items": 0, "change": 0, "decisions": 0},
            "other_services": {"previous_items": 0, "change": 0, "decisions": 0},
            "penalties": {"previous_items": 0, "change": 0, "decisions": 0},
            "coercion": {"previous_items": 0, "change": -3, "decisions": 0},
            "fees": {"previous_items": 0, "change": 0},
            "procurement": {"items": 6, "amount": 251000, "unit": "元"},
        }
    findings = validate(seed_instance)
    assert errors(findings) == []
    edition_findings = by_rule(findings, "FMT-EDITION")
    if expect is None:
        assert edition_findings == []
    else:
        assert [(f.pointer, f.expected, f.actual) for f in edition_findings] == [("/edition", *expect)]


def test_year_before_the_format(seed_instance: dict[str, Any]) -> None:
    seed_instance["report"]["year"] = 2018
    [f] = by_rule(validate(seed_instance), "FMT-EDITION")
    assert "早于" in f.message


def test_split_other_handling_in_a_2019_report_is_a_shape_warning(seed_instance: dict[str, Any]) -> None:
    zero = dict(seed_instance["requests"]["carried_over"])
    seed_instance["requests"]["outcomes"]["other_handling"] = {"overdue_correction": zero, "overdue_fee": zero, "other": zero}
    assert by_rule(validate(seed_instance), "FMT-SHAPE") == []  # 2021 + split: as it should be
    [f] = by_rule(validate(seed_instance, edition="2019"), "FMT-SHAPE")
    assert (f.expected, f.actual) == ("row", "split")


def test_wrong_explicit_edition_is_a_finding_not_a_crash(seed_instance: dict[str, Any]) -> None:
    found = errors(validate(seed_instance, edition="2019"))
    assert ("SCHEMA-VALUE", "/edition") in found
    assert ("SCHEMA-UNKNOWN-KEY", "/active_disclosure/regulations/issued") in found


@pytest.mark.parametrize("value", [None, "2020", 2021, "二〇二一"])
def test_missing_or_unknown_edition_is_inferred_and_reported(seed_instance: dict[str, Any], value: Any) -> None:
    if value is None:
        del seed_instance["edition"]
    else:
        seed_instance["edition"] = value
    assert select_edition(seed_instance) == "2021"  # from table 2's columns
    found = errors(validate(seed_instance))
    assert len(found) == 1 and found[0][1] == "/edition"


def test_edition_inferred_from_2019_table_2() -> None:
    assert select_edition({"active_disclosure": {"procurement": {}}}) == "2019"
    assert select_edition({"report": {"year": 2020}}) == "2019"
    assert select_edition({"report": {"year": 2023}}) == "2021"


@pytest.mark.parametrize("junk", [[], "text", 42, None])
def test_non_object_instance_is_a_finding(junk: Any) -> None:
    found = errors(validate(junk))
    assert found == [("SCHEMA-TYPE", "")]


def test_decimal_amounts_are_exact(seed_instance: dict[str, Any]) -> None:
    seed_instance["active_disclosure"]["fees"]["amount"] = Decimal("7730.28")
    assert errors(validate(seed_instance)) == []
    seed_instance["active_disclosure"]["fees"]["amount"] = Decimal("-0.01")
    assert errors(validate(seed_instance)) == [("CELL-TYPE", "/active_disclosure/fees/amount")]


def test_source_locations_are_attached(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["carried_forward"]["natural_person"] = 1
    source = {
        "/requests/carried_forward/natural_person": Provenance(location=Location(line=301, column=1), raw="1"),
        "/requests/received/natural_person": Provenance(location=Location(line=120, column=1), raw="9"),
    }
    result = Validator().run(seed_instance, source_map=source)
    balance = [f for f in result.findings if f.rule == "T3-BALANCE"][0]
    assert balance.location == Location(line=301, column=1)
    assert balance.operands[1].location == Location(line=120, column=1)
    assert balance.to_dict()["location"] == {"line": 301, "column": 1}


def test_blank_cell_reports_what_the_source_said(seed_instance: dict[str, Any]) -> None:
    seed_instance["requests"]["received"]["research"] = None
    source = {"/requests/received/research": Provenance(location=Location(line=7), raw="／")}
    [blank] = [f for f in validate(seed_instance, source_map=source) if f.rule == "CELL-BLANK"]
    assert blank.actual == "／" and "“／”" in blank.message and blank.location == Location(line=7)


def test_report_model_validates_like_its_dict(seed_instance: dict[str, Any]) -> None:
    report = Report.from_dict(seed_instance)
    assert report.requests is not None and report.requests.received is not None
    assert report.requests.received.total == 9
    assert validate(report) == validate(seed_instance)


@pytest.mark.parametrize("instance, edition", [
    ({"active_disclosure": {"licensing": {"previous_items": 1}}}, "2019"),
    ({"active_disclosure": {"regulations": {"in_force": 1}}}, "2021"),
    ({"report": {"year": 2020}}, "2019"),
    ({"report": {"year": 2023}}, "2021"),
    ({"edition": "2019", "report": {"year": 2023}}, "2019"),
])
def test_validator_and_renderer_choose_one_edition(instance: dict[str, Any], edition: str) -> None:
    # One policy (contract/editions.py): the expectation is the format's own (keys that
    # only one edition has; the year's edition; an explicit "edition" wins).
    from govreport.writers import render

    from govreport.validation import Validator

    assert Validator().run(instance).edition == edition
    if "active_disclosure" in instance:
        # The 2019 table 2 heads its columns 上一年项目数量, the 2021 one 现行有效件数.
        text = render.render(instance, to="markdown")
        assert ("上一年项目数量" in text) == (edition == "2019")
        assert ("现行有效件数" in text) == (edition == "2021")
