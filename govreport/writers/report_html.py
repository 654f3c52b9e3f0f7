"""The HTML report: a report's tables in the official layout with the failing cells marked.

:func:`page` writes one self-contained page per document: the three tables as
:func:`govreport.writers.render.skeleton` lays them out (the same merged cells as
``govreport render --to html``), the narrative, and the findings. :func:`index` writes
an overview of several pages, one row per file.

The page, precisely:

* Self-contained: inline CSS only; no script, font, image or style sheet is loaded
  from anywhere, and a ``Content-Security-Policy`` meta element forbids it (the index
  allows only its own inline sorting script). Fonts are the reader's system fonts
  (Noto Sans CJK, PingFang, Microsoft YaHei … in that order).
* Every table cell that shows an instance value is a ``<td>`` with ``data-pointer``
  (its JSON Pointer) and ``id="cell-…"`` (the pointer with ``/`` written as ``-``);
  row and group labels carry their row's or group's pointer the same way, each table
  its table's pointer (``/requests``), each section heading ``/sections/<name>``.
* Each finding is attached to the element whose pointer is the finding's pointer or
  its nearest ancestor (a finding on a row marks the row label; one on a table, the
  table); findings on nothing shown (``/report/year``) are listed only.
* An element with findings gets the class of its worst one: ``error``, ``warning``,
  ``blank`` (its only warnings are blank cells, rule CELL-BLANK, not the
  undetermined variant, which is a ``warning``) or ``info``; and a popover listing
  them (rule, message, source location, the raw source text of the cell), shown on
  hover, on focus (click or Tab: the cell is focusable) and when the cell is the URL's
  target. It needs no script (CSS ``:hover``/``:focus``/``:target``).
* The findings list (beside the tables, below them on a narrow screen) holds every
  finding, errors first, in report order; each links to its element (``#cell-…``) and
  quotes the source location (:meth:`~govreport.location.Location.describe`). Blank-cell
  findings are folded into one ``<details>`` group, so they cannot bury the errors.
* The header shows the file name, agency, year, edition, verdict and counts.
* Labels and messages are Chinese (``lang="zh"``) or English (``lang="en"``); the
  official table labels stay Chinese, as printed. Everything taken from the report is
  HTML-escaped: a report's text is data, never markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import define

from govreport.contract import catalogue
from govreport.contract.model import Report
from govreport.findings import Finding, Result, Severity
from govreport.location import Provenance
from govreport.messages import Text, check_lang
from govreport.reading import Reading
from govreport.validation import report_order
from govreport.writers.render import _Section, skeleton

__all__ = ["Entry", "document", "fragment", "index", "page"]

#: The classes an element gets for its worst finding, worst first.
CLASSES = ("error", "warning", "blank", "info")

_W = {
    "agency": Text("机关", "Agency"),
    "year": Text("年度", "Year"),
    "edition": Text("格式版本", "Edition"),
    "edition_value": Text("{}年版", "{} format"),
    "file": Text("文件", "File"),
    "result": Text("结果", "Result"),
    "valid": Text("通过", "passed"),
    "invalid": Text("未通过", "failed"),
    "unusable": Text("无法使用", "unusable"),
    "error": Text("错误", "errors"),
    "warning": Text("警告", "warnings"),
    "info": Text("提示", "info"),
    "findings": Text("发现", "Findings"),
    "none": Text("没有发现。", "No findings."),
    "blanks": Text("空白单元格（{}个，空白不计为0）", "Blank cells ({}; a blank is not zero)"),
    "where": Text("原文位置", "In the source"),
    "raw": Text("原文", "Source text"),
    "legend": Text("图例", "Legend"),
    "legend_error": Text("错误", "error"),
    "legend_warning": Text("警告", "warning"),
    "legend_blank": Text("空白", "blank"),
    "legend_info": Text("提示", "info"),
    "hint": Text("悬停或点击标色的单元格查看发现；点击右侧发现跳到单元格。",
                 "Hover over or click a marked cell to see its findings; click a finding to go to its cell."),
    "index_title": Text("年度报告校验结果", "Annual report check results"),
    "index_summary": Text("共{n}个文件：{valid}个通过，{invalid}个未通过，{unusable}个无法使用。",
                          "{n} files: {valid} passed, {invalid} failed, {unusable} unusable."),
    "sort_hint": Text("点击表头排序。", "Click a column header to sort."),
    "document": Text("报告", "Report"),
}

_FONTS = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
          '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:%(fonts)s;font-size:14px;line-height:1.5;color:#1b1b1b;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #ccc;background:#f6f7f9}
h1{font-size:20px;margin:0 0 6px}
h2{font-size:16px;margin:20px 0 8px}
.meta{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0;padding:0;list-style:none}
.meta b{font-weight:600;margin-right:4px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-weight:600}
.badge.ok{background:#dff3e4;color:#135c2a}.badge.bad{background:#fbe0e0;color:#8a1010}
.badge.gone{background:#eee;color:#444}
.legend{margin:6px 0 0;font-size:13px;color:#444}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #bbb}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 26rem;align-items:start}
main{padding:0 20px 40px;min-width:0}
aside{position:sticky;top:0;max-height:100vh;overflow:auto;padding:0 16px 24px;border-left:1px solid #ccc;background:#fafafa}
@media (max-width:1100px){.layout{display:block}aside{position:static;max-height:none;border-left:0;border-top:1px solid #ccc}}
main p{margin:4px 0;text-indent:2em}
table.t{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
table.t td{border:1px solid #888;padding:3px 6px;vertical-align:middle;position:relative}
table.t td.v{text-align:right;min-width:3.2em;font-variant-numeric:tabular-nums}
table.t td.h{background:#f1f3f5;text-align:center}
table.t td.error{background:#f8c9c9;outline:2px solid #c62828;outline-offset:-2px}
table.t td.warning{background:#fde7b0}
table.t td.blank{background:#eceff1;background-image:repeating-linear-gradient(135deg,transparent 0 5px,#d5dadf 5px 6px)}
table.t td.info{background:#e3eefc}
h2.error,table.error{box-shadow:-4px 0 0 #c62828}
h2.warning,table.warning{box-shadow:-4px 0 0 #e0a100}
h2.info,table.info{box-shadow:-4px 0 0 #6d9eeb}
[tabindex]{cursor:pointer}
:target{scroll-margin-top:40vh}
td:target,h2:target,table:target{outline:3px solid #1a56db;outline-offset:-1px}
.pop{display:none;position:absolute;z-index:20;top:100%%;left:0;width:24em;max-width:80vw;padding:6px 8px;
 background:#fff;color:#1b1b1b;border:1px solid #555;box-shadow:0 2px 8px rgba(0,0,0,.25);
 text-align:left;font-size:13px;font-weight:normal;text-indent:0;cursor:auto}
.pop.left{left:auto;right:0}
td:hover>.pop,td:focus>.pop,td:focus-within>.pop,td:target>.pop,
h2:hover>.pop,h2:focus>.pop,h2:target>.pop{display:block}
h2{position:relative}
.pop p{margin:0 0 4px;text-indent:0}
.pop .raw{color:#444}
.sev{font-weight:700}
.sev.error{color:#b71c1c}.sev.warning{color:#8a5a00}.sev.info{color:#1f4f99}.sev.blank{color:#555}
.rule{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:#333}
.where{display:block;color:#555;font-size:12px}
aside ol{padding-left:0;list-style:none;margin:0}
aside li{padding:6px 0;border-bottom:1px solid #e2e2e2}
aside li a{font-weight:600;color:#1a56db;text-decoration:none}
aside li a:hover{text-decoration:underline}
aside details summary{cursor:pointer;padding:6px 0;font-weight:600}
table.index{border-collapse:collapse;margin:12px 20px;font-size:14px}
table.index th,table.index td{border:1px solid #bbb;padding:4px 10px}
table.index th{background:#f1f3f5;white-space:nowrap}
table.index th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}
table.index th[aria-sort=ascending] button::after{content:" \\25B2"}
table.index th[aria-sort=descending] button::after{content:" \\25BC"}
table.index td.n{text-align:right;font-variant-numeric:tabular-nums}
table.index td.why{color:#8a1010}
.intro{margin:4px 0 0}
""" % {"fonts": _FONTS}

_CSP_PAGE = "default-src 'none'; style-src 'unsafe-inline'"
_CSP_INDEX = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

# Sorts the index table by the clicked column: numbers by data-value, text by locale.
_SORT_SCRIPT = """
(function () {
  var table = document.getElementById('files');
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      var order = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', order);
      var numeric = th.getAttribute('data-type') === 'number';
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[col];
        var v = cell.getAttribute('data-value');
        return v === null ? cell.textContent : v;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (numeric) {
          if (x === '' || y === '') { return (x === '') - (y === ''); }  // no value: always last
          x = Number(x); y = Number(y);
          return order === 'ascending' ? x - y : y - x;
        }
        var c = x.localeCompare(y, 'zh-CN');
        return order === 'ascending' ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _slug(pointer: str) -> str:
    """The element id of a pointer. Pointers shown are the schema's (``[a-z0-9_]`` keys),
    so writing ``/`` as ``-`` is one-to-one; anything else is escaped to stay one-to-one."""
    body = re.sub(r"[^A-Za-z0-9_/]", lambda m: f".{ord(m.group()):x}.", pointer.strip("/"))
    return "cell-" + body.replace("/", "-")


def _under(pointer: str, ancestor: str) -> bool:
    return pointer == ancestor or pointer.startswith(ancestor + "/")


def _kind(finding: Finding) -> str:
    """The class a finding gives its element."""
    if finding.severity is Severity.ERROR:
        return "error"
    if finding.severity is Severity.INFO:
        return "info"
    if finding.rule == "CELL-BLANK" and not finding.template.endswith(":undetermined"):
        return "blank"
    return "warning"


def _worst(findings: Iterable[Finding]) -> str | None:
    kinds = {_kind(f) for f in findings}
    return next((k for k in CLASSES if k in kinds), None)


def _agency(instance: Mapping[str, Any]) -> str:
    info = instance.get("report")
    agency = info.get("agency") if isinstance(info, dict) else None
    return agency.strip() if isinstance(agency, str) else ""


def _year(instance: Mapping[str, Any]) -> int | None:
    info = instance.get("report")
    year = info.get("year") if isinstance(info, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _head(title: str, lang: str, csp: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="govreport">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
    ]


def _count_items(counts: Mapping[str, int], lang: str) -> list[str]:
    return [f'<li><b>{_W[s].get(lang)}</b><span class="n-{s}">{counts.get(s, 0)}</span></li>'
            for s in ("error", "warning", "info")]


def _finding_html(finding: Finding, lang: str, *, link: str | None, label: bool) -> str:
    kind = _kind(finding)
    parts = []
    if label:
        text = _esc(finding.label or finding.pointer or _W["document"].get(lang))
        parts.append(f'<a href="#{link}">{text}</a> ' if link else f"<b>{text}</b> ")
    parts.append(f'<span class="sev {kind}">{_esc(finding.severity.label(lang))}</span> '
                 f'<span class="rule">{_esc(finding.rule)}</span> {_esc(finding.message)}')
    if finding.location is not None:
        parts.append(f'<span class="where">{_W["where"].get(lang)}{_colon(lang)}'
                     f'{_esc(finding.location.describe(lang))}</span>')
    return "".join(parts)


@define(frozen=True, slots=True)
class _Marks:
    """Which element each finding is attached to."""

    by_element: dict[str, list[Finding]]
    target: dict[int, str]  # id(finding) -> element pointer
    prefix: str = ""  # before every element id, so several reports can share one page


def _attach(findings: list[Finding], elements: Iterable[str], prefix: str = "") -> _Marks:
    shown = sorted(set(elements), key=len, reverse=True)
    by_element: dict[str, list[Finding]] = {}
    target: dict[int, str] = {}
    for f in findings:
        home = next((p for p in shown if _under(f.pointer, p)), None)
        if home is None:
            continue
        by_element.setdefault(home, []).append(f)
        target[id(f)] = home
    return _Marks(by_element, target, prefix)


def _popover(findings: list[Finding], lang: str, raw: str | None, align_left: bool) -> str:
    items = "".join(f"<p>{_finding_html(f, lang, link=None, label=False)}</p>" for f in findings)
    if raw is not None:
        items += f'<p class="raw">{_W["raw"].get(lang)}{_colon(lang)}“{_esc(raw)}”</p>'
    side = " left" if align_left else ""
    return f'<div class="pop{side}" role="tooltip">{items}</div>'


def page(
    report: Reading | Mapping[str, Any] | Report,
    result: Result,
    *,
    lang: str = "zh",
    name: str | None = None,
) -> str:
    """One self-contained HTML page: the report's tables with ``result``'s findings marked.

    ``report`` is what :func:`govreport.read` gave (a :class:`~govreport.Reading`: its
    source map adds each cell's raw source text to the popovers) or a JSON instance
    (``dict`` or :class:`~govreport.contract.model.Report`); ``result`` is its
    validation result; ``name`` is the file name shown (default: the reading's name).
    The conventions are in this module's docstring.
    """
    check_lang(lang)
    title, body = _body(report, result, lang=lang, name=name, prefix="")
    out = _head(title, lang, _CSP_PAGE)
    out.append("<body>")
    out += body
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def fragment(report: Reading | Mapping[str, Any] | Report, result: Result, *, lang: str = "zh",
             name: str | None = None, prefix: str = "") -> str:
    """What :func:`page` puts in ``<body>``, for a page of one's own (:func:`document`).

    ``prefix`` goes before every element id (``{prefix}cell-…``) and the list's links, so
    several reports can share one page; ``data-pointer`` attributes are unchanged.
    """
    check_lang(lang)
    return "\n".join(_body(report, result, lang=lang, name=name, prefix=prefix)[1])


def document(body: str, *, title: str, lang: str = "zh", extra_css: str = "", nonce: str | None = None,
             back: tuple[str, str] | None = None) -> str:
    """A page around ``body`` (the output of one or more :func:`fragment` calls) with the report's styles.

    With ``nonce`` (a web response's CSP nonce) the page's own policy allows scripts
    carrying it; ``back`` is a (href, text) link shown above the body.
    """
    check_lang(lang)
    csp = _CSP_PAGE if nonce is None else f"{_CSP_PAGE}; script-src 'nonce-{_esc(nonce)}'"
    out = _head(title, lang, csp)
    if extra_css:
        out.insert(-1, f"<style>{extra_css}</style>")
    out.append("<body>")
    if back is not None:
        out.append(f'<nav class="back"><a href="{_esc(back[0])}">{_esc(back[1])}</a></nav>')
    out.append(body)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _body(report: Reading | Mapping[str, Any] | Report, result: Result, *, lang: str, name: str | None,
          prefix: str) -> tuple[str, list[str]]:
    source_map: Mapping[str, Provenance] = {}
    if isinstance(report, Reading):
        instance: Mapping[str, Any] = report.instance
        source_map = report.source_map
        name = report.name if name is None else name
    elif isinstance(report, Report):
        instance = report.to_dict()
    elif isinstance(report, Mapping):
        instance = report
    else:
        raise TypeError(f"expected a Reading or a report instance, got {type(report).__name__}")
    data = dict(instance)
    title, sections = skeleton(data)
    findings = sorted((catalogue.localise(f, lang) for f in result.findings),
                      key=lambda f: (f.severity.rank, report_order(f)))

    elements: list[str] = []
    for s in sections:
        elements.append(f"/sections/{s.key}")
        if s.table is not None:
            elements.append(f"/{s.key}")
            elements += [c.pointer for row in s.table.rows for c in row if c.pointer]
    marks = _attach(findings, elements, prefix)

    out = _header(title, name, data, result, lang)
    out.append('<div class="layout">')
    out.append("<main>")
    for s in sections:
        out += _section(s, marks, source_map, lang)
    out.append("</main>")
    out += _aside(findings, marks, lang)
    out.append("</div>")
    return title, out


def _header(title: str, name: str | None, instance: Mapping[str, Any], result: Result, lang: str) -> list[str]:
    year = _year(instance)
    items = []
    if name:
        items.append(f"<li><b>{_W['file'].get(lang)}</b>{_esc(name)}</li>")
    items.append(f"<li><b>{_W['agency'].get(lang)}</b>{_esc(_agency(instance) or '—')}</li>")
    items.append(f"<li><b>{_W['year'].get(lang)}</b>{_esc(year if year is not None else '—')}</li>")
    items.append(f"<li><b>{_W['edition'].get(lang)}</b>{_esc(_W['edition_value'].get(lang).format(result.edition))}</li>")
    verdict = ('<span class="badge ok">' + _W["valid"].get(lang) if result.valid
               else '<span class="badge bad">' + _W["invalid"].get(lang)) + "</span>"
    items.append(f"<li><b>{_W['result'].get(lang)}</b>{verdict}</li>")
    items += _count_items(result.counts(), lang)
    legend = "".join(f'<span class="{k}" style="{_LEGEND_STYLE[k]}">{_W["legend_" + k].get(lang)}</span>'
                     for k in CLASSES)
    return [
        "<header>",
        f'<h1 lang="zh-CN">{_esc(title)}</h1>',
        f'<ul class="meta">{"".join(items)}</ul>',
        f'<p class="legend">{_W["legend"].get(lang)}{_colon(lang)}{legend}{_W["hint"].get(lang)}</p>',
        "</header>",
    ]


# The legend's swatches, the same colours as the cells.
_LEGEND_STYLE = {
    "error": "background:#f8c9c9;border-color:#c62828",
    "warning": "background:#fde7b0",
    "blank": "background:#eceff1",
    "info": "background:#e3eefc",
}


def _marked(pointer: str, marks: _Marks, lang: str, raw: str | None = None,
            align_left: bool = False) -> tuple[str, str, str]:
    """(extra classes, extra attributes, popover) of the element showing ``pointer``."""
    attrs = f' id="{marks.prefix}{_slug(pointer)}" data-pointer="{_esc(pointer)}"'
    found = marks.by_element.get(pointer, [])
    worst = _worst(found)
    if worst is None:
        return "", attrs, ""
    attrs += ' tabindex="0"'
    return worst, attrs, _popover(found, lang, raw, align_left)


def _section(s: _Section, marks: _Marks, source_map: Mapping[str, Provenance], lang: str) -> list[str]:
    out: list[str] = []
    cls, attrs, pop = _marked(f"/sections/{s.key}", marks, lang)
    out.append(f'<h2 lang="zh-CN"{attrs}{_class(cls)}>{_esc(s.heading)}{pop}</h2>')
    out.extend(f'<p lang="zh-CN">{_esc(line)}</p>' for line in s.lines)
    table = s.table
    if table is None:
        return out
    cls, attrs, _ = _marked(f"/{s.key}", marks, lang)
    out.append(f'<table lang="zh-CN" class="t{" " + cls if cls else ""}"{attrs}>')
    taken: list[list[bool]] = [[False] * table.width for _ in table.rows]
    for r, row in enumerate(table.rows):
        cells = []
        c = 0
        for cell in row:
            while c < table.width and taken[r][c]:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(taken) and c + dc < table.width:
                        taken[r + dr][c + dc] = True
            left = c + cell.colspan > table.width / 2  # popovers in the right half open leftwards
            c += cell.colspan
            spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            kinds = ["v" if cell.data else "h"]
            attrs, pop = "", ""
            if cell.pointer:
                prov = source_map.get(cell.pointer)
                raw = prov.raw if prov is not None and cell.data else None
                extra, attrs, pop = _marked(cell.pointer, marks, lang, raw, left)
                if extra:
                    kinds.append(extra)
            cells.append(f'<td{_class(" ".join(kinds))}{spans}{attrs}>{_esc(cell.value or "")}{pop}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def _class(value: str) -> str:
    return f' class="{value}"' if value else ""


def _aside(findings: list[Finding], marks: _Marks, lang: str) -> list[str]:
    count = f"（{len(findings)}）" if lang == "zh" else f" ({len(findings)})"
    out = ["<aside>", f'<h2>{_W["findings"].get(lang)}{count}</h2>']
    if not findings:
        out.append(f"<p>{_W['none'].get(lang)}</p>")
    main = [f for f in findings if _kind(f) != "blank"]
    blanks = [f for f in findings if _kind(f) == "blank"]

    def items(group: list[Finding]) -> list[str]:
        lines = ['<ol class="findings">']
        for f in group:
            home = marks.target.get(id(f))
            link = marks.prefix + _slug(home) if home is not None else None
            lines.append(f'<li class="f {_kind(f)}" data-pointer="{_esc(f.pointer)}" data-rule="{_esc(f.rule)}">'
                         f"{_finding_html(f, lang, link=link, label=True)}</li>")
        lines.append("</ol>")
        return lines

    if main:
        out += items(main)
    if blanks:
        out.append(f'<details class="blanks"><summary>{_esc(_W["blanks"].get(lang).format(len(blanks)))}</summary>')
        out += items(blanks)
        out.append("</details>")
    out.append("</aside>")
    return out


@define(frozen=True, kw_only=True, slots=True)
class Entry:
    """One row of the index: a file that was checked (``result`` set) or could not be
    used (``error`` set, the reason in the page's language). ``href`` is the file's
    page, relative to the index (``None``: no page)."""

    name: str
    href: str | None = None
    agency: str = ""
    year: int | None = None
    edition: str | None = None
    counts: Mapping[str, int] | None = None
    valid: bool = False
    error: str | None = None

    @classmethod
    def of(cls, name: str, href: str | None, instance: Mapping[str, Any], result: Result) -> Entry:
        """The entry of a checked file."""
        return cls(name=name, href=href, agency=_agency(instance), year=_year(instance),
                   edition=result.edition, counts=result.counts(), valid=result.valid)


def index(entries: Iterable[Entry], *, lang: str = "zh", title: str | None = None) -> str:
    """An overview page of several checked files: one row per file (file with a link to
    its page, agency, year, edition, verdict, counts), sortable by clicking a header
    (a small inline script; without script the rows stay in the given order)."""
    check_lang(lang)
    rows = list(entries)
    heading = title or _W["index_title"].get(lang)
    unusable = sum(1 for e in rows if e.error is not None)
    valid = sum(1 for e in rows if e.error is None and e.valid)
    summary = _W["index_summary"].get(lang).format(n=len(rows), valid=valid, invalid=len(rows) - valid - unusable,
                                                     unusable=unusable)
    columns = [("file", "text"), ("agency", "text"), ("year", "number"), ("edition", "text"),
               ("result", "text"), ("error", "number"), ("warning", "number"), ("info", "number")]
    out = _head(heading, lang, _CSP_INDEX)
    out += ["<body>", "<header>", f"<h1>{_esc(heading)}</h1>",
            f'<p class="intro">{_esc(summary)} {_W["sort_hint"].get(lang)}</p>', "</header>",
            '<table class="index" id="files">', "<thead><tr>"]
    out.append("".join(f'<th data-type="{kind}" data-key="{key}"><button type="button">{_W[key].get(lang)}</button></th>'
                       for key, kind in columns))
    out.append("</tr></thead>")
    out.append("<tbody>")
    for e in rows:
        link = f'<a href="{_esc(e.href)}">{_esc(e.name)}</a>' if e.href else _esc(e.name)
        cells = [f"<td>{link}</td>", f'<td lang="zh-CN">{_esc(e.agency)}</td>',
                 f'<td class="n" data-value="{e.year if e.year is not None else ""}">{_esc(e.year or "")}</td>',
                 f"<td>{_esc(_W['edition_value'].get(lang).format(e.edition)) if e.edition else ''}</td>"]
        if e.error is not None:
            cells.append(f'<td class="why"><span class="badge gone">{_W["unusable"].get(lang)}</span> {_esc(e.error)}</td>')
            cells += ['<td class="n" data-value=""></td>'] * 3
        else:
            verdict = (f'<span class="badge ok">{_W["valid"].get(lang)}</span>' if e.valid
                       else f'<span class="badge bad">{_W["invalid"].get(lang)}</span>')
            cells.append(f"<td>{verdict}</td>")
            counts = e.counts or {}
            cells += [f'<td class="n" data-value="{counts.get(k, 0)}">{counts.get(k, 0)}</td>'
                      for k in ("error", "warning", "info")]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", f"<script>{_SORT_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
