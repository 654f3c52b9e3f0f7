"""The service's pages: the upload form, a message, and the results (the HTML report).

The upload and message pages are Jinja2 templates (``templates/``, autoescaped); the
results are the HTML report writer's own output (:mod:`govreport.writers.report_html`),
one section per document, with an overview when there are several. Scripts carry the
response's CSP nonce; nothing is loaded from anywhere.
"""

from __future__ import annotations

import functools
import html
from typing import Any

import jinja2

from govreport import batch
from govreport.messages import Text
from govreport.writers import report_html

__all__ = ["message_page", "results_page", "upload_page"]

_T: dict[str, Text] = {
    "title": Text("政府信息公开工作年度报告检查", "Check a government information disclosure annual report"),
    "intro": Text(
        "上传年度报告（可一次上传多份），检查表格的勾稽关系、空白单元格和格式：有问题的单元格会标出，"
        "并列出每一条发现及其在原文中的位置。",
        "Upload annual reports (several at once if you like) to check the tables' arithmetic, blank cells and "
        "format: the cells in question are marked, with every finding and where it is in the document.",
    ),
    "drop": Text("把文件拖到这里，或点击选择文件", "Drop files here, or click to choose"),
    "types": Text("支持 .txt .md .html .docx .pdf 以及 JSON 实例", "Text, Markdown, HTML, Word (.docx), PDF, or JSON instances"),
    "paste": Text("或者粘贴报告文字", "Or paste the report's text"),
    "paste_hint": Text("把年度报告的全文粘贴到这里", "Paste the whole report here"),
    "submit": Text("检查", "Check"),
    "limit": Text("每次上传不超过 {limit}", "up to {limit} per upload"),
    "privacy": Text("上传的文件只在本次检查中使用，检查完即丢弃，不保存。",
                    "Uploaded files are used for this check only and discarded at once; nothing is kept."),
    "again": Text("返回，重新上传", "Back to the upload page"),
    "results": Text("检查结果", "Results"),
    "overview": Text("共 {n} 个文件：{valid} 个通过，{invalid} 个有错误，{unusable} 个无法使用",
                     "{n} files: {valid} passed, {invalid} with errors, {unusable} unusable"),
    "unusable": Text("无法使用", "Unusable"),
    "download": Text("下载", "Download"),
    "instance": Text("实例 JSON", "instance JSON"),
    "findings": Text("发现 JSON", "findings JSON"),
    "cells_csv": Text("单元格 CSV", "cells CSV"),
    "xlsx": Text("Excel 工作簿", "Excel workbook"),
    "file": Text("文件", "File"), "agency": Text("机关", "Agency"), "year": Text("年度", "Year"),
    "edition": Text("格式", "Edition"), "result": Text("结果", "Result"),
    "passed": Text("通过", "passed"), "failed": Text("未通过", "failed"),
    "counts": Text("错误 {error} · 警告 {warning} · 提示 {info}", "{error} errors · {warning} warnings · {info} info"),
}

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d1d1f;
background:#f6f7f9;line-height:1.6}
header{background:#8b1a1a;color:#fff;padding:.8rem 1.5rem;display:flex;align-items:center;justify-content:space-between}
header h1{font-size:1.25rem;margin:0}
header a{color:#fff}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
.intro{font-size:1.05rem}
.drop{display:block;border:2px dashed #8b1a1a;border-radius:.6rem;background:#fff;padding:2.5rem 1rem;text-align:center;
cursor:pointer}
.drop.over{background:#fdecec}
.drop input{display:block;margin:1rem auto 0}
.big{display:block;font-size:1.2rem;font-weight:600}
.small{color:#555;font-size:.9rem}
.chosen{display:block;margin-top:.5rem;font-weight:600}
.paste{margin:1rem 0}
textarea{width:100%;box-sizing:border-box;font:inherit}
button{font:inherit;font-size:1.05rem;background:#8b1a1a;color:#fff;border:0;border-radius:.4rem;padding:.45rem 1.6rem;
cursor:pointer}
.problem{background:#fdecec;border-left:.3rem solid #b00020;padding:.8rem 1rem}
table.overview{border-collapse:collapse;width:100%;background:#fff}
table.overview th,table.overview td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
.downloads{margin:.3rem 0 1rem}
.downloads a{margin-right:1rem}
"""


#: What the results page adds to the report's own styles (which style everything else).
_RESULTS_CSS = """
.back{padding:6px 20px;background:#8b1a1a}.back a{color:#fff}
.downloads{margin:6px 20px}.downloads a{margin-right:1rem}
.problem{margin:8px 20px;background:#fdecec;border-left:.3rem solid #b00020;padding:.8rem 1rem}
section.document>h2{margin:16px 20px 4px}
section.overview{margin:10px 20px}
table.overview{border-collapse:collapse;width:100%}
table.overview th,table.overview td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
section.document{border-top:3px solid #8b1a1a;margin-top:12px}
"""


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("govreport.web", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def _texts(lang: str, **args: Any) -> dict[str, str]:
    return {k: v.get(lang).format(**args) if args and "{" in v.get(lang) else v.get(lang) for k, v in _T.items()}


def upload_page(*, lang: str, nonce: str, max_upload: str) -> str:
    t = _texts(lang)
    t["limit"] = _T["limit"].get(lang).format(limit=max_upload)
    return _env().get_template("upload.html").render(lang=lang, nonce=nonce, t=t, css=_CSS)


def message_page(message: str, *, lang: str, nonce: str) -> str:
    return _env().get_template("message.html").render(lang=lang, nonce=nonce, t=_texts(lang), css=_CSS,
                                                      message=message)


def results_page(outcomes: list[batch.Outcome], downloads: list[list[tuple[str, str, str]]], *,
                 lang: str, nonce: str) -> str:
    """One page: an overview (several files), then each document's report or its error."""
    t = _texts(lang)
    parts: list[str] = []
    if len(outcomes) > 1:
        parts.append(_overview(outcomes, lang))
    for i, (outcome, links) in enumerate(zip(outcomes, downloads)):
        parts.append(f'<section class="document" id="doc-{i + 1}">')
        if outcome.error is not None:
            parts.append(f"<h2>{html.escape(outcome.name)}</h2>")
            parts.append(f'<p class="problem" role="alert"><strong>{t["unusable"]}</strong>：'
                         f"{html.escape(outcome.error.reason(lang))}</p>")
        else:
            assert outcome.result is not None and outcome.reading is not None
            if links:
                parts.append('<p class="downloads">' + t["download"] + "：" + "".join(
                    f'<a download="{html.escape(name)}" href="{uri}">{t[key]}</a>' for key, name, uri in links) + "</p>")
            parts.append(report_html.fragment(outcome.reading, outcome.result, lang=lang, name=outcome.name,
                                              prefix=f"d{i + 1}-"))
        parts.append("</section>")
    return report_html.document("\n".join(parts), title=t["results"], lang=lang, extra_css=_RESULTS_CSS, nonce=nonce,
                                back=(f"/?lang={lang}", t["again"]))


def _overview(outcomes: list[batch.Outcome], lang: str) -> str:
    t = _texts(lang)
    unusable = sum(1 for o in outcomes if o.error is not None)
    valid = sum(1 for o in outcomes if o.result is not None and o.result.valid)
    rows = []
    for i, o in enumerate(outcomes):
        link = f'<a href="#doc-{i + 1}">{html.escape(o.name)}</a>'
        if o.result is None:
            result = f'{t["unusable"]}: {html.escape(o.error.reason(lang)) if o.error else ""}'
            counts = ""
        else:
            result = t["passed"] if o.result.valid else t["failed"]
            counts = _T["counts"].get(lang).format(**o.result.counts())
        rows.append(f"<tr><td>{link}</td><td>{html.escape(o.agency or '')}</td><td>{o.year or ''}</td>"
                    f"<td>{html.escape(o.edition or '')}</td><td>{result}</td><td>{counts}</td></tr>")
    head = "".join(f"<th>{t[k]}</th>" for k in ("file", "agency", "year", "edition", "result")) + "<th></th>"
    summary = _T["overview"].get(lang).format(n=len(outcomes), valid=valid, invalid=len(outcomes) - valid - unusable,
                                              unusable=unusable)
    return (f'<section class="overview"><p>{html.escape(summary)}</p><table class="overview"><thead><tr>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")
