"""Human-readable output: findings grouped by table, with official Chinese labels.

Colour is used only when asked for (``color=True``), which the CLI does on a terminal
unless ``NO_COLOR`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable

from govreport.batch import Tally
from govreport.contract import catalogue
from govreport.contract.tables import SEP, label
from govreport.findings import Finding, Result, Severity
from govreport.sources.errors import ReadError
from govreport.validation import report_order
from govreport.validation.collection import Years

__all__ = ["format_error", "format_lines", "format_result", "format_summary", "format_years"]

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


def _who(agency: str | None, year: int | None, lang: str) -> str:
    """``洪泽区人民政府 2024年`` / ``洪泽区人民政府, 2024`` (what is known of it)."""
    parts = [agency] if agency else []
    if year is not None:
        parts.append(f"{year}年" if lang == "zh" else str(year))
    return (" " if lang == "zh" else ", ").join(parts)


def format_result(
    file: str, result: Result, *, lang: str = "zh", color: bool = False, verbose: bool = False,
    agency: str | None = None, year: int | None = None, errors_only: bool = False,
) -> str:
    """The findings of one file as text: a header (agency, year, edition, counts), then
    errors first, then warnings (and info with ``verbose``), each grouped by table.
    ``errors_only`` shows only the errors.
    """
    words = _WORDS[lang]
    counts = result.counts()
    status = words["valid"] if result.valid else words["invalid"]
    status = _paint(status, "32" if result.valid else "31;1", color)
    who = _who(agency, year, lang)
    head = f"{_paint(file, '1', color)}  " + (f"{who}  " if who else "")
    head += f"[{words['edition'].format(edition=result.edition)}]  {status}" + ("：" if lang == "zh" else ":")
    head += " " + words["summary"].format(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])
    lines = [head]
    if errors_only:
        shown = [f for f in result.findings if f.severity is Severity.ERROR]
    else:
        shown = [f for f in result.findings if verbose or f.severity is not Severity.INFO]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        groups: dict[str, list[Finding]] = {}
        for finding in sorted((f for f in shown if f.severity is severity), key=lambda f: (_group(f, lang), report_order(f))):
            groups.setdefault(_group(finding, lang), []).append(finding)
        for name, findings in groups.items():
            lines.append(f"  {_paint(name, '1', color)}")
            lines.extend(_finding_lines(findings, lang, color, verbose, result.edition))
    hidden = sum(1 for f in result.findings if f.severity is Severity.INFO) - sum(
        1 for f in shown if f.severity is Severity.INFO)
    if hidden and not errors_only:
        lines.append("  " + words["hidden"].format(n=hidden))
    return "\n".join(lines)


def format_lines(file: str, findings: Iterable[Finding], *, lang: str = "zh", errors_only: bool = False,
                 verbose: bool = False, located_in: str | None = None) -> list[str]:
    """One line per finding, ``file:line:col: RULE severity message`` (as linters print).

    ``:line:col`` is given when the finding's location has a line and column in the
    file itself (text, Markdown, HTML source, JSON); for a PDF page or a table cell the
    place follows the message in brackets. ``located_in`` is the file those lines are
    in when it is not ``file`` (a record ``corpus.jsonl:17`` has its places in
    ``corpus.jsonl``: ``corpus.jsonl:17:5:``).
    """
    out = []
    for f in findings:
        if errors_only and f.severity is not Severity.ERROR:
            continue
        if not verbose and not errors_only and f.severity is Severity.INFO:
            continue
        f = catalogue.localise(f, lang)
        loc = f.location
        where = ""
        extra = ""
        shown = file
        if loc is not None:
            if loc.line is not None and loc.page is None and loc.row is None:
                where = f":{loc.line}:{loc.column or 1}"
                shown = located_in or file
            else:
                extra = f" [{loc.describe(lang)}]"
        message = f.message.replace("\n", " ")
        out.append(f"{shown}{where}: {f.rule} {f.severity.value} {f.pointer or '/'} {message}{extra}")
    return out


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


def format_years(file: str, findings: Iterable[Finding], *, lang: str = "zh", color: bool = False) -> str:
    """X-YEAR findings of one file, printed after every file of the run."""
    items = list(findings)
    title = "跨年度核对" if lang == "zh" else "year over year"
    lines = [f"{_paint(file, '1', color)}  [{title}]"]
    lines.extend(_finding_lines(items, lang, color, False, ""))
    return "\n".join(lines)


_SUMMARY = {
    "zh": {
        "title": "汇总", "files": "共 {files} 个文件：{passed} 个通过，{errors} 个有错误，{unusable} 个无法使用",
        "interrupted": "（已中断：只汇总已完成的文件）", "unusable": "无法使用的文件",
        "rules": "最常见的规则", "worst": "错误最多的文件", "time": "用时 {seconds:.1f} 秒",
        "years": "跨年度核对（X-YEAR）：{pairs} 对报告已核对，{failed} 处不衔接；{unmatched} 份报告在本次运行中没有上年报告，无法核验",
        "n": "{n} 次", "errors": "{n} 个错误",
    },
    "en": {
        "title": "Summary", "files": "{files} files: {passed} passed, {errors} with errors, {unusable} unusable",
        "interrupted": " (interrupted: only the files that finished are counted)", "unusable": "Unusable files",
        "rules": "Most frequent rules", "worst": "Files with the most errors", "time": "{seconds:.1f} s",
        "years": "Year over year (X-YEAR): {pairs} pairs compared, {failed} mismatches; {unmatched} reports have no "
                 "report of last year in this run (not assessable)",
        "n": "{n}×", "errors": "{n} errors",
    },
}


def format_summary(tally: Tally, years: Years | None = None, *, lang: str = "zh", color: bool = False, top: int = 5) -> str:
    """The closing summary of a batch (a :class:`govreport.batch.Tally`, and X-YEAR's
    :class:`~govreport.validation.collection.Years` when reports were paired)."""
    w = _SUMMARY[lang]
    head = w["files"].format(files=tally.files, passed=tally.passed, errors=tally.with_errors,
                             unusable=len(tally.unusable))
    if tally.interrupted:
        head += w["interrupted"]
    lines = [_paint(w["title"], "1", color) + ("：" if lang == "zh" else ": ") + head + "  " +
             w["time"].format(seconds=tally.seconds)]
    if tally.unusable:
        lines.append(f"  {w['unusable']}:")
        lines.extend(f"    {_paint(name, '31', color)}  ({code})" for name, code in tally.unusable)
    if tally.rules:
        common = "  ".join(f"{rule} {w['n'].format(n=n)}" for rule, n in tally.rules.most_common(top))
        lines.append(f"  {w['rules']}: {common}")
    if tally.errors_by_file:
        lines.append(f"  {w['worst']}:")
        lines.extend(f"    {name}  {w['errors'].format(n=n)}" for name, n in tally.errors_by_file.most_common(top))
    if years is not None:
        lines.append("  " + w["years"].format(pairs=len(years.pairs), failed=years.stats.failed,
                                                unmatched=len(years.unmatched)))
    return "\n".join(lines)
