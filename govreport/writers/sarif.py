"""SARIF 2.1.0 output (``govreport check --format sarif``), for code-hosting CI on
repositories of report data: findings become annotations on the report files.

One log with one run for all the files checked: ``tool.driver.rules`` is the rule
catalogue (id, title as ``shortDescription``, description as ``fullDescription``,
severity as ``defaultConfiguration.level``); each finding is a result with its
``ruleId``, ``level`` (error / warning / note for info), message, and one location:
the file (``artifactLocation.uri``, relative paths kept relative, with forward slashes
and percent-encoding), the ``region`` (``startLine``/``startColumn``) when the finding's
source location has a line, and a ``logicalLocation`` whose ``fullyQualifiedName`` is
the JSON Pointer and ``name`` the official label. Columns count Unicode code points
(``columnKind: "unicodeCodePoints"``), as govreport's locations do. What has no SARIF
field (stage, expected, actual, page/table/row/cell of a document) is in the result's
``properties``. A file that could not be used is a tool execution notification of
level error (``invocations``), and ``executionSuccessful`` is false.
"""

from __future__ import annotations

import hashlib
import os
import urllib.parse
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from govreport.contract import catalogue
from govreport.findings import Finding, Result, Severity, json_value
from govreport.sources.errors import ReadError
from govreport.version import __version__

__all__ = ["LEVELS", "SCHEMA_URI", "artifact_uri", "log", "rule_descriptors"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

#: govreport severity → SARIF level.
LEVELS: dict[Severity, str] = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(file: str) -> str:
    """A file name as a SARIF ``artifactLocation.uri`` (a relative path stays relative)."""
    if os.path.isabs(file):
        return Path(file).as_uri()
    return urllib.parse.quote(file.replace(os.sep, "/"))


def rule_descriptors(lang: str = "zh") -> list[dict[str, Any]]:
    """Every catalogued rule as a SARIF ``reportingDescriptor``."""
    out = []
    for rule in catalogue.rules():
        out.append({
            "id": rule.id,
            "name": rule.id.title().replace("-", ""),
            "shortDescription": {"text": rule.title.get(lang)},
            "fullDescription": {"text": rule.description.get(lang)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"kind": rule.kind, "tags": [rule.kind]},
        })
    return out


def _result(file: str, finding: Finding, index: dict[str, int], lang: str) -> dict[str, Any]:
    f = catalogue.localise(finding, lang)
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    where = f.location
    if where is not None and where.line is not None:
        region: dict[str, Any] = {"startLine": where.line}
        if where.column is not None:
            region["startColumn"] = where.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if f.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "name": f.label or f.pointer,
                                         "kind": "member"}]
    properties: dict[str, Any] = {"stage": f.stage, "pointer": f.pointer, "label": f.label}
    if f.expected is not None:
        properties["expected"] = json_value(f.expected)
    if f.actual is not None:
        properties["actual"] = json_value(f.actual)
    if where is not None:
        properties["location"] = where.to_dict()
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        # The same finding on the same cell of the same file is the same alert across runs.
        "partialFingerprints": {"govreportFinding/v1": hashlib.sha256(
            f"{file}\0{f.rule}\0{f.pointer}\0{f.template}".encode()).hexdigest()},
        "properties": properties,
    }
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    return out


def log(outcomes: Iterable[tuple[str, Result | ReadError]], *, lang: str = "zh") -> dict[str, Any]:
    """The SARIF log of ``(file, result or read error)`` pairs, in their order."""
    rules = rule_descriptors(lang)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for file, outcome in outcomes:
        if isinstance(outcome, ReadError):
            notifications.append({
                "level": "error",
                "message": {"text": outcome.one_line(lang)},
                "descriptor": {"id": outcome.code},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(file)}}}],
            })
            continue
        results.extend(_result(file, f, index, lang) for f in outcome.findings)
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govreport", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }],
    }
