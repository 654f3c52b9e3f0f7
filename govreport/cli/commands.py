"""The ``govreport`` command.

Exit codes (the same for every command):

* 0 — no errors (warnings and info may be present);
* 1 — at least one file has error findings;
* 2 — unusable input: a file cannot be read, is not JSON / not a supported document,
  or is not a report; also wrong command-line usage. With several files, the worst
  code wins (2 over 1 over 0).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from govreport.api import check_reading, read, read_bytes
from govreport.contract import catalogue, schemas
from govreport.sources import JSON, read_file, read_source, sniff
from govreport.findings import Result
from govreport.sources.errors import ReadError
from govreport.validation import Validator
from govreport.version import __version__
from govreport.writers import export as export_writer
from govreport.writers import json as json_writer
from govreport.writers import render as render_writer
from govreport.writers import sarif as sarif_writer
from govreport.writers import text as text_writer

__all__ = ["main"]

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

_EPILOG = """\
退出码 / exit codes:
  0  没有错误（可能有警告或提示） / no errors (warnings or info may be present)
  1  至少一个文件有错误 / at least one file has errors
  2  输入无法使用：无法读取、不是JSON或受支持的文档、不是年度报告；或命令行用法错误
     unusable input (unreadable, not JSON or a supported document, not a report) or bad usage
多个文件时取最严重者（2 > 1 > 0）/ with several files the worst code wins (2 > 1 > 0).
"""

_PARSE_EPILOG = """\
退出码 / exit codes:
  0  已输出实例（可能不完整，缺少的内容见标准错误）/ instance written (maybe partial; see stderr for what is missing)
  2  输入无法使用：无法读取、不是受支持的文档、不是年度报告；无法写入输出；或命令行用法错误
     unusable input (unreadable, not a supported document, not a report), output not writable, or bad usage
"""

_RENDER_EPILOG = """\
退出码 / exit codes:
  0  已输出 / written
  2  输入无法使用：无法读取、不是JSON、不是年度报告；无法写入输出文件；或命令行用法错误
     unusable input (unreadable, not JSON, not a report), output file not writable, or bad usage
"""


def _use_colour(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _add_output_options(p: argparse.ArgumentParser, sarif: bool = False) -> None:
    p.add_argument("--format", choices=("text", "json", "sarif") if sarif else ("text", "json"), default="text",
                   help="输出格式 / output format: text (default) or json (one object per file, JSON Lines)"
                        + ("; sarif (SARIF 2.1.0, one log for all files, for code-scanning CI)" if sarif else ""))
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言 / message language (default zh)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="颜色 / colour in text output (default: on a terminal, unless NO_COLOR is set)")


def _add_validation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--edition", choices=schemas.EDITIONS,
                   help="按指定格式版本校验 / validate against this edition (default: the instance's own, else inferred)")
    p.add_argument("--blanks-as-zero", action="store_true",
                   help="勾稽关系中空白按0计（结果会注明）/ count blank cells as zero in relations (findings say so)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="显示提示级发现和参与计算的单元格 / show info findings and relation operands")
    _add_output_options(p, sarif=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govreport",
        description="政府信息公开工作年度报告：读取、校验、输出 / read and validate government information disclosure annual reports",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check", help="读取并校验报告 / read and validate report files",
        description="读取报告（JSON实例或 .txt .md .html .htm .docx .pdf 文档）并校验：模式、勾稽关系、格式规范。"
                    " / Read reports (JSON instances or .txt .md .html .htm .docx .pdf documents) and validate them.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_validation_options(check)

    validate = sub.add_parser(
        "validate", help="只校验JSON实例 / validate JSON instances only",
        description="按JSON模式和勾稽关系校验JSON实例文件（不读取其他格式）。"
                    " / Validate JSON instance files against the schema and relations only.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_validation_options(validate)

    schema = sub.add_parser("schema", help="输出JSON模式 / print the JSON Schema",
                            description="输出某一格式版本的JSON模式。 / Print the JSON Schema of an edition.")
    schema.add_argument("--edition", choices=schemas.EDITIONS, default=schemas.EDITIONS[-1])
    schema.add_argument("--relations", action="store_true", help="输出勾稽关系声明文件 / print the relations file instead")

    parse = sub.add_parser(
        "parse", help="读取文档，输出JSON实例 / read a document into a JSON instance",
        description="读取年度报告文档（.txt .md .html .htm .docx .pdf），输出JSON实例；文档不完整时输出不完整的实例，"
                    "缺少的内容作为发现列出，不补造。读取时的发现写到标准错误。"
                    " / Read a report document into a JSON instance. A partial document gives a partial"
                    " instance: what is missing is reported, nothing is invented. Reading findings go to stderr.",
        epilog=_PARSE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("file", metavar="FILE")
    parse.add_argument("-o", "--output", metavar="OUT.json", help="写入文件（默认标准输出）/ write to OUT.json (default: stdout)")
    parse.add_argument("--source-map", metavar="MAP.json",
                       help="另写出来源对照：每个值在原文中的位置和原文文字 / also write where each value was read and the raw text")
    parse.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言 / message language (default zh)")
    parse.add_argument("-q", "--quiet", action="store_true", help="不输出读取时的发现 / do not print reading findings")

    render = sub.add_parser(
        "render", help="按官方表格格式输出JSON实例 / write a JSON instance as the official tables",
        description="把JSON实例输出为含官方表格（表二、表三、表四，含合并单元格）的文档：纯文本（网页转文本的几种常见版式）、"
                    "Markdown 或 HTML。 / Write a JSON instance as a document with tables 2-4 in the official"
                    " layout (merged cells included): plain text (the layouts of web pages flattened to text),"
                    " Markdown or HTML.",
        epilog=_RENDER_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument("file", metavar="INSTANCE.json")
    render.add_argument("--to", choices=render_writer.TARGETS, default="text",
                        help="输出格式 / output format: text (default), markdown or html")
    render.add_argument("--layout", choices=render_writer.LAYOUTS,
                        help="纯文本版式（仅用于 --to text）/ plain-text layout, --to text only: cells (default,"
                             " one cell per line ending in ' |'), rows (one row per line), blank (cells separated"
                             " by blank lines), runs (cells run together, one line per table)")
    render.add_argument("-o", "--output", metavar="OUT", help="写入文件（默认标准输出）/ write to OUT (default: stdout)")
    render.add_argument("--no-sections", action="store_true",
                        help="不输出正文文字，只输出标题和表格 / leave out the narrative: title, table headings and tables only")
    render.add_argument("--lang", choices=("zh", "en"), default="zh", help="错误消息语言 / language of error messages (default zh)")
    render.set_defaults(usage_error=render.error)  # --layout with --to markdown/html is a usage error

    _add_export_parser(sub)

    rules = sub.add_parser("rules", help="规则目录 / the rule catalogue",
                           description="列出全部规则：编号、级别、说明。 / List every rule: id, severity, description.")
    rules.add_argument("--edition", choices=schemas.EDITIONS)
    _add_output_options(rules)
    return parser


def _check(args: argparse.Namespace, out: TextIO, json_only: bool) -> int:
    validator = Validator(lang=args.lang, blanks_as_zero=args.blanks_as_zero)
    colour = _use_colour(args.color, out)
    worst = EXIT_OK
    sarif: list[tuple[str, Result | ReadError]] = []
    for name in args.files:
        try:
            with _no_traceback(name):
                data = read_file(name, name)
                if json_only and sniff(data, name) != JSON:
                    raise ReadError(name, "not-json", detail=("validate 只接受JSON实例，请用 check",
                                                              "validate takes JSON instances; use check"))
                reading = read_bytes(data, name=name)
                result = validator.run(reading.instance, args.edition, source_map=reading.source_map,
                                       observations=reading.observations)
        except ReadError as error:
            worst = max(worst, EXIT_UNUSABLE)
            if args.format == "sarif":
                sarif.append((name, error))
            elif args.format == "json":
                out.write(json_writer.dumps(json_writer.error_object(name, error, lang=args.lang)) + "\n")
            else:
                out.write(text_writer.format_error(error, lang=args.lang, color=colour) + "\n")
            continue
        worst = max(worst, EXIT_OK if result.valid else EXIT_ERRORS)
        if args.format == "sarif":
            sarif.append((name, result))
        elif args.format == "json":
            out.write(json_writer.dumps(json_writer.result_object(name, result, lang=args.lang)) + "\n")
        else:
            out.write(text_writer.format_result(name, result, lang=args.lang, color=colour, verbose=args.verbose) + "\n")
    if args.format == "sarif":
        out.write(json_writer.dumps(sarif_writer.log(sarif, lang=args.lang), indent=2) + "\n")
    return worst


@contextlib.contextmanager
def _no_traceback(name: str) -> Iterator[None]:
    """Turn an unexpected failure on one file into that file's one-line error (exit 2).

    A user checking a hundred reports should get a line naming the file that broke the
    tool, and the other 99 results, not a traceback. GOVREPORT_DEBUG=1 re-raises.
    """
    try:
        yield
    except (ReadError, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # noqa: BLE001 - the point is to catch what we did not foresee
        if os.environ.get("GOVREPORT_DEBUG"):
            raise
        raise ReadError(name, "internal", detail=f"{type(exc).__name__}: {exc}"[:200]) from exc


def _write(path: str, text: str, lang: str) -> bool:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        word = "无法写入" if lang == "zh" else "cannot write"
        sys.stderr.write(f"{word}: {path}: {exc.strerror or exc}\n")
        return False
    return True


def _parse(args: argparse.Namespace, out: TextIO) -> int:
    """``govreport parse``: document in, JSON instance out; reading findings on stderr."""
    try:
        with _no_traceback(args.file):
            reading = read(args.file)
            found = [f for f in check_reading(reading, lang=args.lang).findings if f.stage == "read"]
    except ReadError as error:
        sys.stderr.write(text_writer.format_error(error, lang=args.lang) + "\n")
        return EXIT_UNUSABLE
    document = json_writer.dumps(reading.instance, indent=2) + "\n"
    if args.output is None:
        out.write(document)
    elif not _write(args.output, document, args.lang):
        return EXIT_UNUSABLE
    if args.source_map:
        mapping = {ptr: prov.to_dict() for ptr, prov in reading.source_map.items()}
        if not _write(args.source_map, json_writer.dumps(mapping, indent=2) + "\n", args.lang):
            return EXIT_UNUSABLE
    if not args.quiet:
        for finding in found:
            where = f" ({finding.location.describe(args.lang)})" if finding.location else ""
            sys.stderr.write(f"{finding.severity.label(args.lang)} {finding.rule}{where}: {finding.message}\n")
    return EXIT_OK


def _render(args: argparse.Namespace, out: TextIO) -> int:
    """``govreport render``: JSON instance in, document out (stdout stays the document,
    so an unusable input is reported as one line on stderr, in the style of ``check``)."""
    if args.layout is not None and args.to != "text":
        args.usage_error("--layout 只能与 --to text 一起使用 / --layout applies to --to text only")
    try:
        data = read_file(args.file, args.file)
        source = read_source(data, name=args.file) if sniff(data, args.file) == JSON else None
        if source is None or source.instance is None:
            raise ReadError(args.file, "not-json", detail=("render 只接受JSON实例", "render takes a JSON instance"))
        instance = source.instance
    except ReadError as error:
        sys.stderr.write(text_writer.format_error(error, lang=args.lang) + "\n")
        return EXIT_UNUSABLE
    document = render_writer.render(instance, to=args.to, layout=args.layout, sections=not args.no_sections)
    if args.output is None:
        out.write(document)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(document)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        word = "无法写入" if args.lang == "zh" else "cannot write"
        sys.stderr.write(f"{word}: {args.output}: {reason}\n")
        return EXIT_UNUSABLE
    return EXIT_OK


# -- export ---------------------------------------------------------------------------

_EXPORT_EPILOG = """\
退出码 / exit codes:
  0  已写出，所有文件都可读取（可能有错误级发现：见 reports 表）/ written; every file could be read (findings may include errors: see the reports table)
  2  已写出，但有文件无法使用（其原因在 reports 表中）；或无法写出输出、缺少可选组件、命令行用法错误
     written, but some file was unusable (its reason is in the reports table); or the output
     could not be written, an optional extra is missing, or bad usage
输出 / output: csv、jsonl、parquet 写入目录 OUT（cells、findings、reports 三个文件）；xlsx 写入一个工作簿 OUT
  csv, jsonl and parquet write the directory OUT (cells, findings, reports); xlsx writes one workbook OUT
"""


def _add_export_parser(sub: Any) -> None:
    export = sub.add_parser(
        "export", help="把报告导出为表格（CSV、JSON Lines、Parquet、Excel）/ export reports as tables",
        description="读取并校验报告，把每个单元格导出为一行（长表），另有发现表和报告表，供 pandas、DuckDB、Excel 使用。"
                    " / Read and validate reports and export every cell as one row (long format), with a"
                    " findings table and a reports table, for pandas, DuckDB and Excel.",
        epilog=_EXPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("files", nargs="+", metavar="FILE")
    export.add_argument("--to", choices=export_writer.FORMATS, required=True,
                        help="格式 / format: csv (UTF-8 with BOM), jsonl, parquet (extra: parquet), xlsx (extra: xlsx)")
    export.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="输出目录（csv、jsonl、parquet）或工作簿文件（xlsx）/ output directory, or the workbook for xlsx")
    export.add_argument("--edition", choices=schemas.EDITIONS,
                        help="按指定格式版本校验 / validate against this edition (default: the instance's own, else inferred)")
    export.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="消息和工作表名称的语言 / language of messages and sheet names (default zh)")


def _export(args: argparse.Namespace, out: TextIO) -> int:
    """``govreport export``: every file read and validated, one unusable file a row of
    the reports table (never an abort); the tables written once at the end."""
    validator = Validator(lang=args.lang)
    entries: list[export_writer.Entry] = []
    worst = EXIT_OK
    for name in args.files:
        digest: str | None = None
        try:
            with _no_traceback(name):
                data = read_file(name, name)
                digest = hashlib.sha256(data).hexdigest()
                reading = read_bytes(data, name=name)
                result = validator.run(reading.instance, args.edition, source_map=reading.source_map,
                                       observations=reading.observations)
        except ReadError as error:
            worst = EXIT_UNUSABLE
            sys.stderr.write(text_writer.format_error(error, lang=args.lang) + "\n")
            entries.append(export_writer.Entry(file=name, sha256=digest, error=error))
            continue
        entries.append(export_writer.Entry(file=name, sha256=digest, reading=reading, result=result))
    failure: str | None = None
    written: list[str] = []
    tables = export_writer.Tables()
    try:
        with _no_traceback(args.output):  # an unforeseen failure is one line (GOVREPORT_DEBUG=1 shows it)
            try:
                tables = export_writer.tables_of(entries, lang=args.lang)
                written = export_writer.write(tables, args.to, args.output, lang=args.lang)
            except export_writer.ExportError as error:
                failure = error.one_line(args.lang)
            except OSError as exc:
                word = "无法写入" if args.lang == "zh" else "cannot write"
                failure = f"{word}: {exc.filename or args.output}: {exc.strerror or exc}"
    except ReadError as error:
        failure = text_writer.format_error(error, lang=args.lang)
    if failure is not None:
        sys.stderr.write(failure + "\n")
        return EXIT_UNUSABLE
    summary = ("{files}个文件，{cells}个单元格，{findings}条发现 → {out}" if args.lang == "zh"
               else "{files} files, {cells} cells, {findings} findings → {out}")
    out.write(summary.format(files=len(entries), cells=len(tables.cells), findings=len(tables.findings),
                             out=", ".join(written)) + "\n")
    return worst


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    items = catalogue.rules(args.edition)
    if args.format == "json":
        out.write(json_writer.dumps([r.to_dict() for r in items], indent=2) + "\n")
        return EXIT_OK
    colour = _use_colour(args.color, out)
    for rule in items:
        out.write(f"{text_writer._paint(rule.id, '1', colour)}  [{rule.severity.label(args.lang)}]  "
                  f"{rule.title.get(args.lang)}\n    {rule.description.get(args.lang)}\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    stream = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("check", "validate"):
            return _check(args, stream, json_only=args.command == "validate")
        if args.command == "schema":
            doc = schemas.relations_document(args.edition) if args.relations else schemas.schema(args.edition)
            stream.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
            return EXIT_OK
        if args.command == "rules":
            return _rules(args, stream)
        if args.command == "render":
            return _render(args, stream)
        if args.command == "parse":
            return _parse(args, stream)
        if args.command == "export":
            return _export(args, stream)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    return EXIT_UNUSABLE


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
