"""Human-readable output: findings grouped by table, with official Chinese labels.

Colour is used only when asked for (``color=True``), which the CLI does on a terminal
unless ``NO_COLOR`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable

from govreport.contract import catalogue
from govreport.contract.tables import SEP, label
from govreport.findings import Finding, Result, Severity
from govreport.sources.errors import ReadError
from govreport.validation import report_order

__all__ = ["format_error", "format_result"]

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "2"}

_WORDS = {
    "zh": {
        "valid": "通过", "invalid": "未通过", "edition": "{edition}年版格式",
        "summary": "{errors} 个错误，{warnings} 个警告，{infos} 个提示",
        "hidden": "（另有 {n} 个提示未显示，加 -v 查看）",
        "where": "原文位置", "report": "报告", "unusable": "无法使用",
        "operands": "参与计算",
        "blanks": "{n}个单元格为空白，不计为0。",
    },
    "en": {
        "valid": "passed", "invalid": "failed", "edition": "{edition} format",
        "summary": "{errors} errors, {warnings} warnings, {infos} info",
        "hidden": "({n} info findings not shown; use -v to see them)",
        "where": "in the source", "report": "report", "unusable": "unusable",
        "operands": "operands",
        "blanks": "{n} cells are blank; a blank is not zero.",
    },
}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _group(finding: Finding, lang: str) -> str:
    head = finding.label.split(SEP, 1)[0] if finding.label else ""
    if head.startswith("表"):
        return head
    return _WORDS[lang]["report"]


def format_result(
    file: str, result: Result, *, lang: str = "zh", color: bool = False, verbose: bool = False
) -> str:
    """The findings of one file as text."""
    words = _WORDS[lang]
    counts = result.counts()
    status = words["valid"] if result.valid else words["invalid"]
    status = _paint(status, "32" if result.valid else "31;1", color)
    lines = [
        f"{_paint(file, '1', color)}  [{words['edition'].format(edition=result.edition)}]  {status}："
        if lang == "zh" else
        f"{_paint(file, '1', color)}  [{words['edition'].format(edition=result.edition)}]  {status}:",
    ]
    lines[0] += " " + words["summary"].format(
        errors=counts["error"], warnings=counts["warning"], infos=counts["info"]
    )
    shown = [f for f in result.findings if verbose or f.severity is not Severity.INFO]
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(shown, key=lambda f: (_group(f, lang), report_order(f))):
        groups.setdefault(_group(finding, lang), []).append(finding)
    for name, findings in groups.items():
        lines.append(f"  {_paint(name, '1', color)}")
        lines.extend(_finding_lines(findings, lang, color, verbose, result.edition))
    hidden = len(result.findings) - len(shown)
    if hidden:
        lines.append("  " + words["hidden"].format(n=hidden))
    return "\n".join(lines)


def _row_of(f: Finding) -> str | None:
    if f.rule != "CELL-BLANK" or f.template.endswith(":undetermined"):
        return None
    return f.pointer.rsplit("/", 1)[0]


def _collapsed(findings: list[Finding], lang: str, color: bool, edition: str) -> list[str]:
    """Several blank cells of one row as one entry (the common case in real reports)."""
    first = findings[0]
    sev = _paint(first.severity.label(lang), _COLOURS[first.severity], color)
    row = first.pointer.rsplit("/", 1)[0]
    head = label(edition, row)
    head = head.split(SEP, 1)[1] if head.startswith("表") and SEP in head else head
    columns = "、".join(f.label.split(SEP)[-1] for f in findings)
    keys = ",".join(f.pointer.rsplit("/", 1)[1] for f in findings)
    where = [f"{row}/{{{keys}}}"]
    if first.location is not None:
        where.append(f"{_WORDS[lang]['where']}: {first.location.describe(lang)}")
    return [
        f"    {sev} {_paint(first.rule, '1', color)}  {head} › {columns}",
        "      " + _WORDS[lang]["blanks"].format(n=len(findings)),
        "      " + _paint("  ".join(where), "2", color),
    ]


def _finding_lines(findings: Iterable[Finding], lang: str, color: bool, verbose: bool, edition: str) -> list[str]:
    words = _WORDS[lang]
    out: list[str] = []
    items = list(findings)
    i = 0
    while i < len(items):
        row = None if verbose else _row_of(items[i])
        if row is not None:
            j = i
            while j < len(items) and _row_of(items[j]) == row:
                j += 1
            if j - i > 1:
                out.extend(_collapsed(items[i:j], lang, color, edition))
                i = j
                continue
        f = items[i]
        i += 1
        f = catalogue.localise(f, lang)
        sev = _paint(f"{f.severity.label(lang)}", _COLOURS[f.severity], color)
        label = f.label.split(SEP, 1)[1] if SEP in f.label and f.label.startswith("表") else f.label
        out.append(f"    {sev} {_paint(f.rule, '1', color)}  {label or f.pointer}")
        out.append(f"      {f.message}")
        where = [f.pointer or "/"]
        if f.location is not None:
            where.append(f"{words['where']}: {f.location.describe(lang)}")
        out.append("      " + _paint("  ".join(where), "2", color))
        if verbose and f.operands:
            parts = []
            for o in f.operands:
                loc = f" @ {o.location.describe(lang)}" if o.location else ""
                parts.append(f"{o.pointer}={'null' if o.value is None else o.value}{loc}")
            out.append("      " + _paint(f"{words['operands']}: " + "; ".join(parts), "2", color))
    return out


def format_error(error: ReadError, *, lang: str = "zh", color: bool = False) -> str:
    """One line for a file that could not be used at all."""
    return f"{_paint(_WORDS[lang]['unusable'], '31;1', color)}: {error.one_line(lang)}"
