"""The validator owns findings: one verdict for a document and for the instance read from it.

``govreport check report.txt`` and ``govreport check report.json`` (the instance
``govreport parse`` wrote) must give the same findings, except those of the reading
stage; and every rule of the catalogue is made by exactly one check, which makes no
other rule.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import govreport
from govreport import api
from govreport.contract import catalogue
from govreport.findings import STAGES, Finding, Result
from govreport.location import Provenance
from govreport.validation import CHECKS, Validator, collection
from govreport.writers.json import dumps
from tests.conftest import EXAMPLES
from tests.corpus import accuracy

DOCUMENTS = sorted(p for p in accuracy.FILES.iterdir() if p.name != "SOURCES.md") + [EXAMPLES / "chaotian-2021.txt"]


@functools.cache
def _document_result(path: Path) -> Result:
    return api.check_reading(api.read(path))


def _comparable(finding: Finding, source_map: Mapping[str, Provenance] | None = None) -> tuple[Any, ...]:
    # What only the document can say is left out: the message and ``actual`` of a blank
    # cell may quote the raw text printed in the source ("…的数值无法从原文“7777166”确定"),
    # which the JSON instance does not hold; the location is a line of the document in
    # one case and a line of the JSON file in the other.
    provenance = (source_map or {}).get(finding.pointer)
    actual = None if provenance is not None and provenance.raw and finding.actual == provenance.raw.strip() \
        else finding.actual
    return (finding.rule, finding.pointer, finding.severity, finding.stage, finding.expected, actual,
            tuple((o.pointer, o.value) for o in finding.operands))


@pytest.mark.corpus
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_a_document_and_its_parsed_instance_get_the_same_findings(path: Path) -> None:
    document = _document_result(path)
    reading = api.read(path)
    as_json = api.check_bytes(dumps(reading.instance, indent=2).encode("utf-8"), name=path.name + ".json")
    from_document = sorted(_comparable(f, reading.source_map) for f in document.findings if f.stage != "read")
    from_json = sorted(_comparable(f) for f in as_json.findings if f.stage != "read")
    assert from_document == from_json
    # ... and the instance carries no read-stage finding of its own: those belong to the document.
    assert not [f for f in as_json.findings if f.stage == "read"]


@pytest.mark.corpus
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_finding_names_a_known_stage_and_a_catalogued_rule(path: Path) -> None:
    known = {r.id for r in catalogue.all_rules()}
    for finding in _document_result(path).findings:
        assert finding.stage in STAGES
        assert finding.rule in known
        assert finding.to_dict()["stage"] == finding.stage


def test_every_catalogued_rule_has_exactly_one_owning_check() -> None:
    owners: dict[str, list[str]] = {}
    for check in CHECKS:
        for rule in check.rules:
            owners.setdefault(rule, []).append(type(check).__name__)
    for rule in collection.RULES:  # checked across the reports of a run
        owners.setdefault(rule, []).append("collection")
    catalogued = {r.id for r in catalogue.all_rules()}
    assert {rule for rule, who in owners.items() if len(who) > 1} == set()
    assert catalogued - set(owners) == set(), "rules no check makes"
    assert set(owners) - catalogued == set(), "checks claiming rules the catalogue lacks"


def test_every_check_has_a_known_stage() -> None:
    assert {check.stage for check in CHECKS} <= set(STAGES)


@pytest.mark.corpus
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_each_check_makes_only_the_rules_it_owns(path: Path) -> None:
    reading = api.read(path)
    everything = set()
    for check in CHECKS:
        result = Validator(checks=[check]).run(reading.instance, source_map=reading.source_map,
                                               observations=reading.observations)
        made = {f.rule for f in result.findings}
        # Reading may observe any rule (an invented row it dropped is FMT-SHAPE): those are
        # still findings of the reading stage, rendered by the check of that stage.
        observed = {o.rule for o in reading.observations} if check.stage == "read" else set()
        assert made <= check.rules | observed, type(check).__name__
        everything |= {_comparable(f) for f in result.findings}
    # The checks together are the validator: running them one by one loses nothing.
    assert everything == {_comparable(f) for f in _document_result(path).findings}


def test_a_check_of_ones_own_plugs_in_without_touching_the_validator() -> None:
    class OtherSectionAlwaysMissing:
        stage = "document"
        rules = frozenset({"DOC-SECTIONS"})

        def run(self, context: Any) -> list[Finding]:
            return [context.finding("DOC-SECTIONS", "/sections/other", {"label": "其他需要报告的事项"},
                                    stage=self.stage)]

    result = Validator(checks=[*CHECKS[:-1], OtherSectionAlwaysMissing()]).run(govreport.read(EXAMPLES / "chaotian-2021.txt").instance)
    assert [f.pointer for f in result.findings if f.rule == "DOC-SECTIONS"] == ["/sections/other"]
