"""The rule catalogue: every rule id govreport can report, with its texts.

Relations come from ``schema/<edition>/relations.json``; the other rules (schema
stage, cell and format conformance, reading documents) are declared here as data.
Message templates are kept apart from their arguments (``{name}`` placeholders) so a
finding can be rendered in Chinese (default) or English. Rule ids are stable and never
reused for a different rule.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs
from attrs import define, field

from govreport.contract import schemas
from govreport.findings import Finding, Operand, Severity
from govreport.location import Location
from govreport.messages import Text, localised

__all__ = ["Rule", "all_rules", "finding", "get", "localise", "render_message", "rules"]


@define(frozen=True, kw_only=True, slots=True)
class Rule:
    """A rule: stable id, kind, severity and texts.

    ``kind`` is ``"schema"`` (structure, from the JSON Schema), ``"relation"``
    (arithmetic, from the relations file), ``"conformance"`` (cells and format),
    ``"document"`` (the report as a whole: its sections and narrative), ``"collection"``
    (across the reports of one run, e.g. consecutive years of one agency) or ``"reader"``
    (what reading a document found). ``variants`` are extra message
    templates, e.g. ``not-assessable`` for a relation with a blank operand.
    """

    id: str
    kind: str
    severity: Severity
    title: Text
    description: Text
    message: Text
    variants: dict[str, Text] = field(factory=dict)
    relation: dict[str, Any] | None = None

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        def text(t: Text) -> Any:
            return {"zh": t.zh, "en": t.en} if lang is None else t.get(lang)

        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity.value,
            "title": text(self.title),
            "description": text(self.description),
            "message": text(self.message),
        }
        if self.variants:
            out["variants"] = {k: text(v) for k, v in self.variants.items()}
        if self.relation is not None:
            out["relation"] = self.relation
        return out


_NOT_ASSESSABLE = Text(
    "「{title}」无法核验（{binding}）：{blanks} 为空，空白不计为0。",
    "“{title}” cannot be assessed ({binding}): {blanks} blank; a blank is not zero.",
)
_MISSING_OPERAND = Text(
    "「{title}」无法核验（{binding}）：{missing} 缺失或无效。",
    "“{title}” cannot be assessed ({binding}): {missing} missing or invalid.",
)
_AS_ZERO = Text(
    "{message}（其中空白按0计：{blanks}）",
    "{message} (blanks counted as zero: {blanks})",
)


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


_STATIC: list[Rule] = [
    Rule(
        id="SCHEMA-REQUIRED", kind="schema", severity=Severity.ERROR,
        title=_t("缺少必填项", "Required item missing"),
        description=_t("实例缺少模式要求的键（某张表、某一行、某个单元格或报告信息）。文档中确实没有的内容不会被补造。",
                       "The instance lacks a key the schema requires (a table, a row, a cell or report metadata). Nothing absent from a document is invented."),
        message=_t("缺少「{label}」。", "“{label}” is missing."),
    ),
    Rule(
        id="SCHEMA-UNKNOWN-KEY", kind="schema", severity=Severity.ERROR,
        title=_t("未定义的键", "Unknown key"),
        description=_t("实例中出现了模式未定义的键，通常是拼写错误；模式处处禁止额外的键。",
                       "The instance has a key the schema does not define, usually a misspelling; the schema forbids extra keys everywhere."),
        message=_t("「{parent_label}」下不应有键“{key}”。{suggestion}", "“{parent_label}” must not have the key “{key}”. {suggestion}"),
        variants={"suggestion": _t("是否应为“{candidate}”？", "Did you mean “{candidate}”?")},
    ),
    Rule(
        id="SCHEMA-TYPE", kind="schema", severity=Severity.ERROR,
        title=_t("类型不符", "Wrong type"),
        description=_t("非单元格的值类型与模式不符（例如报告年度不是整数、某张表不是对象）。",
                       "A value that is not a table cell has the wrong type (e.g. the year is not an integer, a table is not an object)."),
        message=_t("「{label}」应为{expected_type}，实为 {actual}。", "“{label}” should be {expected_type} but is {actual}."),
    ),
    Rule(
        id="SCHEMA-VALUE", kind="schema", severity=Severity.ERROR,
        title=_t("取值不符", "Value not allowed"),
        description=_t("值不满足模式的约束（固定值、枚举、格式、范围、长度）。",
                       "A value breaks a constraint of the schema (constant, enumeration, format, range, length)."),
        message=_t("「{label}」的值 {actual} 不符合要求：{requirement}。", "“{label}” has the value {actual}, which is not allowed: {requirement}."),
    ),
    Rule(
        id="CELL-TYPE", kind="conformance", severity=Severity.ERROR,
        title=_t("单元格数值无效", "Invalid cell value"),
        description=_t("件数为负数或小数、金额为负数，或单元格不是数字也不是空白（null）。",
                       "A count that is negative or fractional, an amount that is negative, or a cell that is neither a number nor blank (null)."),
        message=_t("「{label}」应为{requirement}，实为 {actual}。", "“{label}” should be {requirement} but is {actual}."),
        variants={"raw": _t("「{label}」原文为“{raw}”，不是数字；不作猜测，记为空白。",
                            "“{label}” reads “{raw}”, which is not a number; it is not guessed and is left blank.")},
    ),
    Rule(
        id="CELL-BLANK", kind="conformance", severity=Severity.WARNING,
        title=_t("单元格空白", "Blank cell"),
        description=_t("单元格空白或不是数字（如“/”“—”“无”）。空白不等于0：实例中记为 null，涉及它的勾稽关系无法核验。",
                       "A cell left blank or not numeric (e.g. “/”, “—”, “无”). Blank is not zero: the instance holds null and relations using it cannot be assessed."),
        message=_t("「{label}」为空白，不计为0。", "“{label}” is blank; a blank is not zero."),
        variants={
            "raw": _t("「{label}」为“{raw}”，不是数字，不计为0。", "“{label}” reads “{raw}”, which is not a number and is not taken as zero."),
            "undetermined": _t("「{label}」的数值无法从原文“{raw}”确定（连写数字有多种拆分，见 READ-AMBIGUOUS），记为空白。",
                               "“{label}” cannot be determined from the printed “{raw}” (run-together digits with several splits, see READ-AMBIGUOUS); left blank."),
        },
    ),
    Rule(
        id="FMT-EDITION", kind="conformance", severity=Severity.WARNING,
        title=_t("格式版本与报告年度不符", "Edition does not match the report year"),
        description=_t("2019、2020年度报告应使用2019年版格式（国办公开办函〔2019〕60号），2021年度起应使用2021年版格式（国办公开办函〔2021〕30号）。",
                       "Reports on 2019 and 2020 use the 2019 format (国办公开办函〔2019〕60号); reports on 2021 onward use the 2021 format (国办公开办函〔2021〕30号)."),
        message=_t("{year}年度报告应使用{expected}年版格式，实际为{actual}年版格式。",
                   "A report on {year} should use the {expected} format, but uses the {actual} format."),
        variants={"early": _t("{year}年度早于2019年版格式的适用期，不能按{actual}年版格式判定。",
                              "The year {year} predates the 2019 format; it cannot be judged by the {actual} format.")},
    ),
    Rule(
        id="FMT-SHAPE", kind="conformance", severity=Severity.WARNING,
        title=_t("表格样式与格式版本不符", "Table layout does not match the edition"),
        description=_t("表格中出现另一版格式的样式，例如2021年版报告中（六）其他处理只有一行（2019年版样式），或自行增加、改名的行。",
                       "A table uses the other edition's layout, e.g. a single-row （六）其他处理 (2019 style) in a 2021 report, or rows added or renamed."),
        message=_t("{edition}年版格式中「（六）其他处理」应分为三项，本报告为单行（2019年版样式）。",
                   "In the {edition} format “（六）其他处理” has three rows; this report prints a single row (2019 style)."),
        variants={
            "split-in-2019": _t("2019年版格式中「（六）其他处理」为单行，本报告分为三项（2021年版样式）。",
                                "In the 2019 format “（六）其他处理” is one row; this report splits it into three (2021 style)."),
            "row": _t("表格中有格式未规定的行或块：{detail}。", "The table has a row or block the format does not define: {detail}."),
        },
    ),
    Rule(
        id="BLANKS-AS-ZERO", kind="conformance", severity=Severity.INFO,
        title=_t("空白按0计", "Blanks counted as zero"),
        description=_t("调用者选择把空白单元格按0计算勾稽关系；结果据此得出，并非报告原文。",
                       "The caller chose to count blank cells as zero in relations; results rest on that choice, not on the report's text."),
        message=_t("按调用者要求，{count}个空白单元格在勾稽关系中按0计。", "As requested, {count} blank cells were counted as zero in relations."),
    ),
]


_STATIC += [
    Rule(
        id="READ-MISSING", kind="reader", severity=Severity.WARNING,
        title=_t("文档中未找到", "Not found in the document"),
        description=_t("读取文档时没有找到某张表、某一行或报告信息（如报告年度）。实例中不会补造，缺少的部分由模式检查报告为缺失。",
                       "A table, a row or report metadata (such as the year) was not found in the document. Nothing is invented; the schema stage reports the absence."),
        message=_t("文档中未找到「{label}」。", "“{label}” was not found in the document."),
        variants={
            "image": _t("文档中未找到「{label}」；该部分有{count}张图片，表格可能是以图片形式印的，需要OCR才能读取。",
                        "“{label}” was not found in the document; its section holds {count} picture(s): the table may be "
                        "printed as an image, which needs OCR to be read."),
        },
    ),
    Rule(
        id="READ-CELLS", kind="reader", severity=Severity.WARNING,
        title=_t("单元格无法对应", "Cells do not fit the row"),
        description=_t("找到了某一行，但读到的单元格个数与该行的列数不符，无法确定每个数字属于哪一列，该行留空（不猜测）。",
                       "A row was found but the number of cells read does not fit its columns, so which number belongs to which column cannot be told; the row is left out rather than guessed."),
        message=_t("「{label}」应有{expected}个单元格，读到{found}个：{cells}。", "“{label}” should have {expected} cells; {found} were read: {cells}."),
    ),
    Rule(
        id="READ-AMBIGUOUS", kind="reader", severity=Severity.WARNING,
        title=_t("连写数字无法唯一拆分", "Run-together digits cannot be split uniquely"),
        description=_t("单元格之间没有分隔符、数字连在一起，按表格自身的勾稽关系仍有多种拆分方法；列出全部候选，单元格记为空白，不猜测。",
                       "Cells were printed without separators and the table's own relations still allow several splits; every candidate is listed and the cells are left blank rather than guessed."),
        message=_t("「{label}」的数字“{printed}”连在一起，有{count}种拆分都可能：{candidates}。已记为空白。",
                   "The digits “{printed}” of “{label}” run together and {count} splits are possible: {candidates}. Left blank."),
        variants={
            "budget": _t("「{label}」的数字“{printed}”连在一起；本文档拆分连写数字的计算已达上限（{limit}步），未再拆分，已记为空白"
                         "（可设置环境变量{variable}调高上限）。",
                         "The digits “{printed}” of “{label}” run together; this document has used up its budget for splitting "
                         "run-together digits ({limit} steps), so they were not split and are left blank (set {variable} to raise it)."),
        },
    ),
    Rule(
        id="READ-REPEATED", kind="reader", severity=Severity.WARNING,
        title=_t("表格重复出现", "Table printed twice"),
        description=_t("同一张表格在文档中出现了不止一次（例如网页把表三印了两遍）。只读取第一次出现的表格，后面的副本不读取，"
                       "以免副本的数字被当成其他行的数字；请核对哪一份是正确的。",
                       "The same table appears more than once in the document (a page that prints table 3 twice, say). Only the "
                       "first copy is read, so the numbers of a copy are not taken for other rows; check which copy is right."),
        message=_t("「{label}」在文档中又出现了一次（{where}）；只读取了第一次出现的表格。",
                   "“{label}” appears again in the document ({where}); only its first copy was read."),
    ),
    Rule(
        id="READ-SPLIT", kind="reader", severity=Severity.INFO,
        title=_t("连写数字已按勾稽关系拆分", "Run-together digits split by the relations"),
        description=_t("单元格之间没有分隔符，按行总计或表格的勾稽关系只有一种拆分，已按该拆分读取。",
                       "Cells were printed without separators; the row total or the table's relations allow exactly one split, which was used."),
        message=_t("「{label}」的数字“{printed}”连在一起，唯一可能的拆分为 {split}。", "The digits “{printed}” of “{label}” run together; the only possible split is {split}."),
    ),
    Rule(
        id="READ-SUFFIX", kind="reader", severity=Severity.INFO,
        title=_t("单元格内写有量词", "Counter word written in a cell"),
        description=_t("单元格内数字后写有量词（件、个、条、项、次），按数字读取，并注明原文。",
                       "A cell prints a counter word after its number (件, 个, 条, 项, 次); the number is read and the original text reported."),
        message=_t("「{label}」写作“{raw}”，按{value}读取。", "“{label}” reads “{raw}”, read as {value}."),
    ),
    Rule(
        id="LABEL-VARIANT", kind="reader", severity=Severity.INFO,
        title=_t("非标准标签", "Non-standard label"),
        description=_t("表格中的行名或列名与官方格式的写法不同（简称、旧版名称、错别字等），已按含义识别。",
                       "A row or column label differs from the official wording (abbreviation, the other edition's name, a typo); it was recognised by its meaning."),
        message=_t("「{official}」在文档中写作“{seen}”。", "“{official}” is written “{seen}” in the document."),
    ),
    Rule(
        id="CELL-UNIT", kind="reader", severity=Severity.WARNING,
        title=_t("单元格内写有单位", "Unit written in a cell"),
        description=_t("单元格内写明了单位，与该列的单位不同时按该列单位换算，并注明原文。",
                       "A cell states its own unit; when it differs from the column's unit the value is converted to the column's unit and the original text is reported."),
        message=_t("「{label}」写作“{raw}”，该列单位为{unit}，按{value}{unit}读取。",
                   "“{label}” reads “{raw}”; the column's unit is {unit}, read as {value} {unit}."),
    ),
]


# The document rules: the report as a whole (its sections, the period and date it
# states, the fees it reports), judged on the instance's sections and report metadata.
_STATIC += [
    Rule(
        id="DOC-SECTIONS", kind="document", severity=Severity.WARNING,
        title=_t("缺少正文部分", "Section missing"),
        description=_t("年度报告应包括六个部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项（《条例》第五十条）。",
                       "A report has six sections: overview, proactive disclosure, requests, reconsideration and litigation, problems and improvements, other matters (Regulations, Article 50)."),
        message=_t("未找到「{label}」部分的标题。", "No heading found for the section “{label}”."),
    ),
    Rule(
        id="DOC-PERIOD", kind="document", severity=Severity.WARNING,
        title=_t("统计期限不是报告年度", "Statistics period is not the report year"),
        description=_t("报告所述数据统计期限（“统计期限自…起至…止”“数据统计期限为…”）应为报告年度的1月1日至12月31日。未写明统计期限或没有报告年度时无法核验，不报告。",
                       "The statistics period the report states (“统计期限自…起至…止”, “数据统计期限为…”) must be 1 January to 31 December of the report year. When no period is stated, or the year is unknown, it cannot be assessed and nothing is reported."),
        message=_t("「{section}」所述统计期限“{quote}”为{start}至{end}，{year}年度报告应为{year}年1月1日至{year}年12月31日。",
                   "“{section}” states the statistics period “{quote}”, {start} to {end}; a report on {year} covers 1 January to 31 December {year}."),
    ),
    Rule(
        id="DOC-DEADLINE", kind="document", severity=Severity.WARNING,
        title=_t("晚于法定期限公布", "Published after the deadline"),
        description=_t("《中华人民共和国政府信息公开条例》（2019年修订）第四十九条：县级以上人民政府部门应于每年1月31日前公布上一年度的年度报告；县级以上地方人民政府的本级政府年度报告应于3月31日前公布；乡镇、街道按地方规定（默认1月31日，可设定）；2018年度及以前的报告适用2007年《条例》，一律3月31日前。层级按发布机关名称判定（规则见 govreport/contract/deadlines.json，可用 --level 指定），发布日期取自报告（落款、发布日期）或 --published-on。没有发布日期时无法核验，不报告。",
                       "Regulations on Government Information Disclosure (2019 revision), Article 49: a department of a county-or-higher government publishes its report on the previous year by 31 January; a county-or-higher local government publishes its own report by 31 March; townships and sub-districts follow local rules (31 January unless set); reports on 2018 or earlier fell under the 2007 Regulations, 31 March for all. The level is told from the agency's name (rules in govreport/contract/deadlines.json; --level overrides), the date from the report (its signature or publication date) or --published-on. Without a date it cannot be assessed and nothing is reported."),
        message=_t("{reason}，按{level}对待：{year}年度报告应于{deadline}前公布（{basis}），发布日期为{published}，晚{days}天。",
                   "{reason}, so it is {level}: the report on {year} was due by {deadline} ({basis}); it was published on {published}, {days} days late."),
        variants={"given": _t("{reason}，按{level}对待：{year}年度报告应于{deadline}前公布（{basis}），调用者给出的发布日期为{published}，晚{days}天。",
                              "{reason}, so it is {level}: the report on {year} was due by {deadline} ({basis}); the caller gives the publication date {published}, {days} days late.")},
    ),
    Rule(
        id="DOC-FEES", kind="document", severity=Severity.WARNING,
        title=_t("未报告信息处理费情况", "Fees for requests not reported"),
        description=_t("2021年度起，年度报告应报告收取信息处理费的情况（《政府信息公开信息处理费管理办法》，国办函〔2020〕109号；2021年版格式第六部分），没有收取的也应写明（如“未收取信息处理费”）。只有表格、没有正文的实例不作判定。",
                       "From 2021 on, a report states the fees charged for information requests (Measures on Fees for Processing Government Information, 国办函〔2020〕109号; section 六 of the 2021 format), including that none were charged (e.g. “未收取信息处理费”). An instance with tables but no narrative is not judged."),
        message=_t("{year}年度报告正文未提及信息处理费的收取情况（包括未收取），应在「六、其他需要报告的事项」中说明。",
                   "The report on {year} says nothing about fees for information requests (not even that none were charged); section 六 should state them."),
    ),
]


# Scanned reports read by OCR (govreport.extract.ocr).
_STATIC += [
    Rule(
        id="READ-OCR", kind="reader", severity=Severity.INFO,
        title=_t("OCR读数已按勾稽关系核定", "OCR digit settled by the relations"),
        description=_t("扫描件经OCR识别。识别把握不大（置信度低、字母当作数字、候选字符为另一数字）的单元格，在勾稽关系不成立时按识别候选和常见混淆（6/8/9/0、1/7、3/8、5/6）重读；只有一种读法能使全部勾稽关系成立时采用该读法并注明。识别把握大的单元格从不改动：勾稽关系不成立仍是报告本身的错误。",
                       "The scan was read by OCR. A cell the engine was unsure of (low confidence, a letter read as a digit, another digit as runner-up) is re-read from the engine's alternatives and the usual confusions (6/8/9/0, 1/7, 3/8, 5/6) when relations fail; when exactly one reading makes every relation hold it is used and reported. Cells read with confidence are never changed: a failing relation among them stays an error of the report."),
        message=_t("「{label}」OCR识别为“{read}”（置信度{confidence}），只有读作{value}才能使勾稽关系全部成立，已按{value}读取。",
                   "“{label}” was read by OCR as “{read}” (confidence {confidence}); only {value} makes every relation hold, so {value} was used."),
        variants={
            "letter": _t("「{label}」OCR识别为“{read}”（置信度{confidence}），其中字母按数字读作{value}，勾稽关系成立。",
                         "“{label}” was read by OCR as “{read}” (confidence {confidence}); its letters were read as the digits {value}, and the relations hold."),
            "remote": _t("文档缺少表格，图片{image}在网络上，未下载，未经OCR读取（请保存网页及其图片后再检查）。",
                         "The document lacks tables and the picture {image} is on the network: it was not fetched, so not read by OCR (save the page with its pictures and check it again)."),
            "missing": _t("文档缺少表格，图片{image}找不到（只在从磁盘读取的网页旁边的目录中查找），未经OCR读取。",
                          "The document lacks tables and the picture {image} was not found (it is looked for only next to a page read from disk), so it was not read by OCR."),
            "unreadable": _t("文档缺少表格，图片{image}不是可识别的图片格式，未经OCR读取。",
                             "The document lacks tables and the picture {image} is in no image format OCR reads, so it was not read."),
        },
    ),
    Rule(
        id="READ-OCR-UNSURE", kind="reader", severity=Severity.WARNING,
        title=_t("OCR读数无法核实", "OCR digit not confirmed"),
        description=_t("扫描件经OCR识别，该单元格识别把握不大，且没有成立的勾稽关系能核实它（不涉及勾稽关系，或勾稽关系不成立而无唯一读法）。保留识别结果，请对照原件核对。",
                       "The scan was read by OCR, the engine was unsure of this cell, and no holding relation confirms it (none ties it, or its relation fails with no unique repair). What was read is kept; check it against the original."),
        message=_t("「{label}」OCR识别为“{read}”（置信度{confidence}），按{value}读取，未能由勾稽关系核实，请对照原件。",
                   "“{label}” was read by OCR as “{read}” (confidence {confidence}) and taken as {value}; no relation confirms it, check the original."),
    ),
]


_STATIC.append(Rule(
    id="X-YEAR", kind="collection", severity=Severity.WARNING,
    title=_t("与上年报告不衔接", "Does not follow on from last year's report"),
    description=_t(
        "同一机关相邻两年的报告：本年表三「二、上年结转政府信息公开申请数量」每一列应等于上年报告表三「四、结转下年度继续办理」同一列；"
        "2021年版格式两年均适用时，表二规章、行政规范性文件的本年「现行有效件数」应等于上年「现行有效件数」加本年「本年制发件数」减「本年废止件数」"
        "（机关清理文件后重新核定现行有效件数属正常情况，此项仅提示核对）。同一次运行中找不到上年报告的，记为无法核验。",
        "Two consecutive reports of one agency: this year's table-3 row 二 (carried over) must equal last year's row 四 "
        "(carried forward) in every column; with the 2021 edition in both years, this year's 现行有效件数 (in force) of 规章 "
        "and 行政规范性文件 should equal last year's plus this year's issued minus repealed (agencies restate the count after "
        "a clean-up, so this is a prompt to check). A report with no report of last year in the run is not assessable."),
    message=_t("「{label}」为{actual}，而{previous_year}年报告（{previous}）的结转下年度继续办理为{expected}。",
               "“{label}” is {actual}, but the {previous_year} report ({previous}) carried {expected} forward."),
    variants={"in-force": _t(
        "「{label}」为{actual}；按{previous_year}年报告（{previous}）的{before}件加本年制发{issued}件、减废止{repealed}件，应为{expected}件。"
        "如本年对文件进行了清理并重新核定，可忽略此提示。",
        "“{label}” is {actual}; the {previous_year} report ({previous}) had {before}, plus {issued} issued and minus "
        "{repealed} repealed this year gives {expected}. If the documents were cleaned up and the count restated "
        "this year, this can be ignored.")},
))

# X-TEXT: the narrative against the tables (govreport/validation/narrative.py, phrase
# patterns in govreport/validation/statements.json).
_STATIC += [
    Rule(
        id="X-TEXT", kind="document", severity=Severity.WARNING,
        title=_t("正文数字与表格不符", "Narrative figure disagrees with the tables"),
        description=_t(
            "正文中写明的数字与其所指的表格单元格比对：收到/受理申请N件（表三一，或一加二：如“收到申请75件，其中上年结转1件”），"
            "本年新收（一）、上年结转（二）、办结/答复（三（七）总计）、予以公开、部分公开、不予公开、无法提供、不予处理、其他处理（三的各项或各项之和）、"
            "结转下年度/顺延（四）、行政复议N件、行政诉讼N件（表四总计）；自然人N件、法人或其他组织N件等按申请人列比对。"
            "只在所指的数和范围确定时比对：“其中”分项、约数、其他年度或同比的数字、“答复…（含上年度结转申请N件）”中办理的上年结转数、"
            "与申请无关的句子不比对；所需单元格空白也不比对。措辞有两种理解（收到、办理）时，任一理解与表格相符即不报告。",
            "Figures the narrative states are compared with the table cells they refer to: requests received (收到/受理: "
            "table 3 row 一, or 一 + 二 as in 收到申请75件，其中上年结转1件), new (一), carried over (二), concluded or "
            "answered (办结/答复: 三（七）total), each outcome (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理: the row "
            "or the sum of its rows), carried forward (结转下年度/顺延: 四), 行政复议N件 and 行政诉讼N件 (table 4 totals); "
            "自然人N件, 法人或其他组织N件 and the like against their applicant columns. A figure is compared only when what it "
            "refers to is certain: branches (其中…), approximate figures, figures of another year or comparisons, the "
            "carried-over requests answered (答复…（含上年度结转申请N件）) and sentences not about requests are not; nor is a "
            "figure whose cells are blank. Where the wording has two readings (收到, 办理), agreeing with either is enough."),
        message=_t("正文“{quote}”所述{actual}件与「{label}」的{expected}件不符。",
                   "The narrative says “{quote}”: {actual}, but “{label}” is {expected}."),
        variants={
            "sum": _t("正文“{quote}”所述{actual}件与「{label}」相加的{expected}件不符。",
                      "The narrative says “{quote}”: {actual}, but “{label}” add up to {expected}."),
            "either": _t("正文“{quote}”所述{actual}件与表格的任一理解都不符：{readings}。",
                         "The narrative says “{quote}”: {actual}, which agrees with no reading of the tables: {readings}."),
        },
    ),
]


def _relation_rule(decl: dict[str, Any]) -> Rule:
    return Rule(
        id=decl["id"], kind="relation", severity=Severity(decl["severity"]),
        title=Text(**decl["title"]), description=Text(**decl["description"]),
        message=Text(**decl["message"]),
        variants={"not-assessable": _NOT_ASSESSABLE, "missing": _MISSING_OPERAND, "as-zero": _AS_ZERO},
        relation=decl,
    )


@functools.cache
def _relation_rules(edition: str) -> tuple[Rule, ...]:
    return tuple(_relation_rule(d) for d in schemas.relations_document(edition)["relations"])


def rules(edition: str | None = None) -> list[Rule]:
    """Every rule that applies to ``edition`` (or to any edition), relations first."""
    editions = (edition,) if edition else schemas.EDITIONS
    seen: dict[str, Rule] = {}
    for ed in editions:
        for rule in _relation_rules(ed):
            seen.setdefault(rule.id, rule)
    for rule in _STATIC:
        seen.setdefault(rule.id, rule)
    return list(seen.values())


def all_rules() -> list[Rule]:
    return rules(None)


@functools.cache
def _by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def get(rule_id: str) -> Rule:
    """The rule with this id (KeyError if none)."""
    return _by_id()[rule_id]


def render_message(key: str, args: dict[str, Any], lang: str = "zh") -> str:
    """Render the template ``RULE`` or ``RULE:variant`` with ``args`` in ``lang``."""
    rule_id, _, variant = key.partition(":")
    rule = get(rule_id)
    template = rule.variants[variant] if variant else rule.message
    if variant == "as-zero":
        inner = render_message(rule_id, args, lang)
        return template.get(lang).format(message=inner, blanks=localised(args["blanks"], lang))
    return template.get(lang).format(**{k: localised(v, lang) for k, v in args.items()})


def finding(
    rule: str,
    pointer: str,
    label: str,
    args: dict[str, Any],
    lang: str,
    *,
    template: str = "",
    severity: Severity | None = None,
    expected: Any = None,
    actual: Any = None,
    operands: tuple[Operand, ...] = (),
    location: Location | None = None,
    stage: str,
) -> Finding:
    """A finding of ``rule`` with its message rendered from ``template`` (default: the
    rule's own) and ``args`` in ``lang``; the severity is the rule's unless given."""
    return Finding(
        rule=rule, severity=severity or get(rule).severity, pointer=pointer, label=label,
        message=render_message(template or rule, args, lang), expected=expected, actual=actual,
        operands=operands, location=location, stage=stage, args=args, template=template, lang=lang,
    )


def localise(finding: Finding, lang: str) -> Finding:
    """The same finding with its message rendered in ``lang`` (``"zh"`` or ``"en"``)."""
    if lang == finding.lang:
        return finding
    return attrs.evolve(finding, message=render_message(finding.template or finding.rule, finding.args, lang), lang=lang)
