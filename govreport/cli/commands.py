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
import re
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TextIO

import attrs

from govreport import batch
from govreport.api import check_reading, read
from govreport.contract import catalogue, deadlines, schemas
from govreport.findings import Result
from govreport.sources import JSON, MAX_BYTES, read_file, read_source, sniff
from govreport.sources import limits
from govreport.sources.errors import ReadError
from govreport.sources.jsonlines import is_stream, records
from govreport.validation.collection import Years
from govreport.validation.settings import parse_date, parse_month_day
from govreport.version import __version__
from govreport.writers import export as export_writer
from govreport.writers import json as json_writer
from govreport.writers import render as render_writer
from govreport.writers import report_html
from govreport.writers import sarif as sarif_writer
from govreport.writers import text as text_writer
from govreport.writers.files import atomic, write_atomically

__all__ = ["main"]

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
退出码 / exit codes:
  0  没有错误（可能有警告或提示） / no errors (warnings or info may be present)
  1  至少一个文件有错误 / at least one file has errors
  2  输入无法使用：无法读取、不是JSON或受支持的文档、不是年度报告、超过时限；或命令行用法错误
     unusable input (unreadable, not JSON or a supported document, not a report, over the time
     limit) or bad usage
  130  被中断（Ctrl-C）：已完成的文件照常输出，汇总注明已中断 / interrupted (Ctrl-C): what finished
     is reported and the summary says the run was interrupted
多个文件时取最严重者（2 > 1 > 0），汇总列出无法使用的文件；加 --ignore-unusable 时无法使用的文件
不计入退出码。 / With several files the worst code wins (2 > 1 > 0) and the summary lists the
unusable files; with --ignore-unusable they do not count towards the exit code.
"""

_PARSE_EPILOG = """\
退出码 / exit codes:
  0  已输出实例（可能不完整，缺少的内容见标准错误）/ instance written (maybe partial; see stderr for what is missing)
  2  输入无法使用：无法读取、不是受支持的文档、不是年度报告；无法写入输出；或命令行用法错误
     unusable input (unreadable, not a supported document, not a report), output not writable, or bad usage
"""

_SERVE_EPILOG = """\
退出码 / exit codes:
  0  服务已正常停止 / the service stopped normally
  2  无法启动：缺少可选组件 web、端口被占用，或命令行用法错误
     cannot start: the web extra is missing, the port is in use, or bad usage
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


def _add_output_options(p: argparse.ArgumentParser, findings: bool = False) -> None:
    """``--format``, ``--lang``, ``--color``; ``findings`` adds the formats of checking (lines, sarif)."""
    p.add_argument("--format", choices=("text", "json", "lines", "sarif") if findings else ("text", "json"),
                   default="text",
                   help="输出格式 / output format: text (default) or json (one object per file, JSON Lines)"
                        + ("; lines (one line per finding: file:line:col: RULE severity pointer message);"
                           " sarif (SARIF 2.1.0, one log for all files, for code-scanning CI)" if findings else ""))
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="消息语言 / message language (default zh)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="颜色 / colour in text output (default: on a terminal, unless NO_COLOR is set)")


def _add_validation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="PATH",
                   help="文件、目录（递归查找受支持的文件）、通配符、JSON Lines 流（.jsonl，每行一份实例），或 - 表示"
                        "标准输入 / files, directories (walked for supported files), glob patterns, JSON Lines "
                        "streams (.jsonl, one instance per line), or - for standard input")
    p.add_argument("--edition", choices=schemas.EDITIONS,
                   help="按指定格式版本校验 / validate against this edition (default: the instance's own, else inferred)")
    p.add_argument("--blanks-as-zero", action="store_true",
                   help="勾稽关系中空白按0计（结果会注明）/ count blank cells as zero in relations (findings say so)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="显示提示级发现和参与计算的单元格 / show info findings and relation operands")
    p.add_argument("-q", "--errors-only", action="store_true", help="只显示错误 / show errors only")
    p.add_argument("--select", action="append", default=[], metavar="RULE",
                   help="只报告这些规则（可重复，逗号分隔，可用前缀如 T3-）/ report only these rules "
                        "(repeatable, comma-separated, prefixes such as T3- allowed)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULE",
                   help="不报告这些规则（同上）/ do not report these rules (same syntax)")
    p.add_argument("--files-from", metavar="FILE", help="从文件（- 为标准输入）读取路径，每行一个 / read paths from FILE "
                                                         "(- for stdin), one per line")
    p.add_argument("--stdin-name", default="-", metavar="NAME", help="标准输入文档的名称；以 .jsonl 结尾时按 JSON "
                   "Lines 流读取 / name of the document read from standard input (default -); a name ending in "
                   ".jsonl reads it as a JSON Lines stream")
    p.add_argument("--previous", action="append", default=[], metavar="PATH",
                   help="上年度报告（文件或目录），只用于跨年度核对，不单独输出 / last year's reports (files or "
                        "directories), used for the year-over-year check only, not reported themselves")
    p.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                   help="并行进程数（默认为CPU核数）/ worker processes (default: the machine's cores)")
    p.add_argument("--timeout", type=_positive_float, default=300.0, metavar="SECONDS",
                   help="每个文件的处理时限（默认300秒）/ time limit per file (default 300 s)")
    p.add_argument("--ignore-unusable", action="store_true",
                   help="无法使用的文件不影响退出码（仍在汇总中列出）/ unusable files do not set exit code 2 "
                        "(they are still listed in the summary)")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar on the terminal")
    _add_limit_option(p)
    _add_ocr_option(p)
    _add_document_options(p)
    _add_output_options(p, findings=True)


def _add_ocr_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                   help="扫描件的OCR：auto（没有文字层的PDF和图片，默认）、always（所有PDF）、never（拒绝扫描件）"
                        " / OCR of scans (extra ocr): auto (PDFs without a text layer and images; default),"
                        " always (every PDF), never (refuse scans)")


def _add_limit_option(p: argparse.ArgumentParser) -> None:
    names = ", ".join(sorted(limits.LIMIT_NAMES))
    p.add_argument("--limit", action="append", default=[], type=_limit, metavar="NAME=N",
                   help=f"提高或降低读取时的工作量上限（可重复）/ raise or lower a limit on the work of reading (repeatable): "
                        f"{names}; see docs/hostile-input.md")


def _limit(text: str) -> tuple[str, int]:
    name, _, number = text.partition("=")
    name = name.strip().replace("-", "_")
    if name not in limits.LIMIT_NAMES:
        raise argparse.ArgumentTypeError(f"unknown limit {name!r}; one of {', '.join(sorted(limits.LIMIT_NAMES))}")
    try:
        value = int(number.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--limit {text!r}: N must be a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--limit {text!r}: N must be at least 1")
    return name, value


def _apply_limits(args: argparse.Namespace) -> None:
    """``--limit NAME=N`` as the limit's environment variable, so worker processes have it too."""
    for name, value in getattr(args, "limit", []) or []:
        os.environ[limits.LIMIT_NAMES[name]] = str(value)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be ≥ 1")
    return value


def _byte_size(text: str) -> int:
    """``20MB``, ``512KB``, ``1GB`` or a number of bytes."""
    units = {"": 1, "B": 1, "KB": 1024, "K": 1024, "MB": 1024**2, "M": 1024**2, "GB": 1024**3, "G": 1024**3}
    raw = text.strip().upper().replace(" ", "")
    number = raw.rstrip("KMGB")
    unit = raw[len(number):]
    try:
        value = int(float(number) * units[unit])
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 20MB)") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _serve(args: argparse.Namespace) -> int:
    """``govreport serve``: the web service on ``--host``/``--port`` until Ctrl-C."""
    try:
        import uvicorn

        from govreport.web import Settings, create_app
    except ImportError:
        sys.stderr.write("govreport serve 需要可选组件：pip install 'govreport[web]' / "
                         "govreport serve needs the optional extra: pip install 'govreport[web]'\n")
        return EXIT_UNUSABLE
    settings = Settings(max_upload=args.max_upload, jobs=args.jobs or os.cpu_count() or 1, timeout=args.timeout)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.stderr.write(f"注意：服务对网络开放（{args.host}），网络中的任何人都可以上传文件。 / Note: the service "
                         f"listens on {args.host}, open to anyone on that network.\n")
    sys.stderr.write(f"govreport serve: http://{args.host}:{args.port}/  (Ctrl-C 停止 / to stop)\n")
    try:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    except (OSError, SystemExit) as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            return EXIT_OK
        sys.stderr.write(f"无法启动 / cannot start: {exc}\n")
        return EXIT_UNUSABLE
    return EXIT_OK


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _add_document_options(p: argparse.ArgumentParser) -> None:
    """The document rules' overrides (DOC-DEADLINE): a bad value is a usage error (exit 2)."""
    p.add_argument("--level", choices=deadlines.LEVELS,
                   help="发布机关层级（默认按机关名称判定）/ level of the publishing agency for DOC-DEADLINE"
                        " (default: told from the agency's name): department (31 Jan), government (31 Mar),"
                        " township (local rules)")
    p.add_argument("--published-on", metavar="YYYY-MM-DD", type=_cli_value(parse_date),
                   help="发布日期（默认取自报告）/ publication date (default: the one the report states)")
    p.add_argument("--township-deadline", metavar="MM-DD", type=_cli_value(parse_month_day),
                   help="乡镇、街道的公布期限（地方规定，默认01-31）/ deadline of townships and sub-districts"
                        " (local rules; default 01-31)")


def _cli_value(parse: Callable[[str], object]) -> Callable[[str], object]:
    """``parse`` as an argparse type: its ValueError becomes a usage error naming the value."""
    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = parse.__name__
    return convert


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
    check.set_defaults(usage_error=check.error)
    _add_html_report_options(check)

    validate = sub.add_parser(
        "validate", help="只校验JSON实例 / validate JSON instances only",
        description="按JSON模式和勾稽关系校验JSON实例文件（不读取其他格式）。"
                    " / Validate JSON instance files against the schema and relations only.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_validation_options(validate)
    validate.set_defaults(usage_error=validate.error)

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
    _add_ocr_option(parse)

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

    serve = sub.add_parser(
        "serve", help="启动网页服务 / start the web service",
        description="启动网页服务：在浏览器中上传报告并查看检查结果（需要可选组件 web：pip install 'govreport[web]'）。"
                    " / Start the web service: upload reports in a browser and see the results"
                    " (needs the optional extra: pip install 'govreport[web]').",
        epilog=_SERVE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1",
                       help="监听地址（默认只在本机）/ address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="端口 / port (default 8000)")
    serve.add_argument("--max-upload", type=_byte_size, default=20 * 1024 * 1024, metavar="SIZE",
                       help="每次上传的上限，如 20MB / upload limit per request, e.g. 20MB (default 20MB)")
    serve.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                       help="检查用的进程数（默认为CPU核数）/ worker processes (default: the machine's cores)")
    serve.add_argument("--timeout", type=_positive_float, default=60.0, metavar="SECONDS",
                       help="每个文件的处理时限（默认60秒）/ time limit per file (default 60 s)")
    serve.set_defaults(usage_error=serve.error)

    _add_export_parser(sub)

    rules = sub.add_parser("rules", help="规则目录 / the rule catalogue",
                           description="列出全部规则：编号、级别、说明。 / List every rule: id, severity, description.")
    rules.add_argument("--edition", choices=schemas.EDITIONS)
    _add_output_options(rules)
    return parser


def _rule_filter(select: Sequence[str], ignore: Sequence[str]) -> Callable[[str], bool] | None:
    """Whether a rule id is reported, from --select/--ignore (ids or prefixes, comma-separated)."""
    def split(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(v.strip().upper() for item in values for v in item.split(",") if v.strip())

    chosen, dropped = split(select), split(ignore)
    if not chosen and not dropped:
        return None
    return lambda rule: (not chosen or rule.startswith(chosen)) and not rule.startswith(dropped)


def _filtered(outcome: batch.Outcome, keep: Callable[[str], bool] | None) -> batch.Outcome:
    if keep is None or outcome.result is None:
        return outcome
    result = outcome.result
    findings = tuple(f for f in result.findings if keep(f.rule))
    return attrs.evolve(outcome, result=Result(edition=result.edition, findings=findings,
                                               relations=dict(result.relations)))


def _inputs(args: argparse.Namespace) -> list[str]:
    names = list(args.files)
    if args.files_from:
        try:
            if args.files_from == "-":
                text = sys.stdin.read()
            else:
                with open(args.files_from, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            args.usage_error(f"--files-from {args.files_from}: {getattr(exc, 'strerror', None) or exc}")
        names.extend(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    if not names:
        args.usage_error("没有要检查的文件 / no files to check (give paths or --files-from)")
    if names.count("-") > 1 or ("-" in names and args.files_from == "-"):
        args.usage_error("标准输入只能使用一次 / standard input can be used once")
    return batch.expand(names)


class _Progress:
    """``[ 12/340] 3 个无法使用 · 5.2 个/秒`` on one line of a terminal's stderr."""

    def __init__(self, total: int | None, lang: str, stream: TextIO | None) -> None:
        self.total, self.lang, self.stream = total, lang, stream
        self.done = self.errors = self.unusable = 0
        self.start = time.monotonic()

    def update(self, outcome: batch.Outcome) -> None:
        if self.stream is None:
            return
        self.done += 1
        self.unusable += outcome.error is not None
        self.errors += outcome.result is not None and not outcome.result.valid
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        total = "?" if self.total is None else str(self.total)  # a stream on standard input
        width = len(total)
        if self.lang == "zh":
            text = f"[{self.done:>{width}}/{total}] 有错误 {self.errors} · 无法使用 {self.unusable} · {rate:.1f} 个/秒"
        else:
            text = f"[{self.done:>{width}}/{total}] {self.errors} with errors · {self.unusable} unusable · {rate:.1f}/s"
        self.stream.write("\r\033[K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.stream is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _count(names: list[str], stdin_name: str) -> int | None:
    """How many reports the inputs hold (a JSON Lines stream: its records), for the
    progress line; None when a stream comes on standard input."""
    total = 0
    for name in names:
        if not is_stream(stdin_name if name == "-" else name):
            total += 1
            continue
        if name == "-":
            return None
        try:
            with open(name, "rb") as handle:
                total += sum(1 for _ in records(handle, name, max_bytes=MAX_BYTES))
        except OSError:
            total += 1
    return total


def _batch_options(args: argparse.Namespace, *, json_only: bool) -> batch.Options:
    return batch.Options(lang=args.lang, edition=args.edition, blanks_as_zero=args.blanks_as_zero,
                         json_only=json_only, timeout=args.timeout, level=args.level,
                         published_on=args.published_on, township_deadline=args.township_deadline,
                         ocr=args.ocr)


def _check(args: argparse.Namespace, out: TextIO, json_only: bool) -> int:
    names = _inputs(args)
    stdin: bytes | BinaryIO | None = None
    if "-" in names:
        # A JSON Lines stream on standard input is read a record at a time, as it comes.
        stdin = sys.stdin.buffer if is_stream(args.stdin_name) else sys.stdin.buffer.read()
    colour = _use_colour(args.color, out)
    keep = _rule_filter(args.select, args.ignore)
    options = _batch_options(args, json_only=json_only)
    shown_name = {"-": args.stdin_name}
    several = len(names) > 1 or any(is_stream(args.stdin_name if n == "-" else n) for n in names)
    shown = several and not args.no_progress and args.format != "json" and sys.stderr.isatty()
    progress = _Progress(_count(names, args.stdin_name) if shown else 0, args.lang, sys.stderr if shown else None)
    tally = batch.Tally()
    # What X-YEAR needs once the run is complete: each report's small profile, not its
    # findings, so that memory stays flat however many reports a run checks.
    profiles: list[batch.Outcome] = []
    year_over_year = keep is None or keep("X-YEAR")
    sarif: list[tuple[str, Result | ReadError | None]] = []
    start = time.monotonic()
    worst = EXIT_OK
    try:
        previous = list(batch.check_many(batch.expand(args.previous), jobs=args.jobs,
                                         options=attrs.evolve(options, previous=True))) if args.previous else []
        for outcome in batch.check_many(names, jobs=args.jobs, options=options, stdin=stdin,
                                        stdin_name=args.stdin_name):
            outcome = _filtered(attrs.evolve(outcome, name=shown_name.get(outcome.name, outcome.name)), keep)
            progress.clear()
            if args.format == "sarif":
                sarif.append((outcome.name, outcome.error if outcome.error is not None else outcome.result))
            else:
                _emit(out, outcome, args, colour)
            progress.update(outcome)
            tally.add(outcome)
            if outcome.profile is not None and year_over_year:
                profiles.append(batch.Outcome(name=outcome.name, profile=outcome.profile))
            if outcome.error is not None:
                worst = max(worst, EXIT_OK if args.ignore_unusable else EXIT_UNUSABLE)
            elif outcome.result is not None and not outcome.result.valid:
                worst = max(worst, EXIT_ERRORS)
    except KeyboardInterrupt:
        tally.interrupted = True
    progress.clear()
    years = None
    if tally.files + len(previous) > 1 and year_over_year:
        years = batch.years(profiles, previous, lang=args.lang)
        if args.format == "sarif":
            sarif += [(name, Result(edition="", findings=found)) for name, found in years.findings.items()]
        else:
            _emit_years(out, years, args, colour)
    if args.format == "sarif":
        out.write(json_writer.dumps(sarif_writer.log([(n, r) for n, r in sarif if r is not None], lang=args.lang),
                                    indent=2) + "\n")
    tally.seconds = time.monotonic() - start
    if (tally.files > 1 or args.previous) and args.format == "text":
        out.write(text_writer.format_summary(tally, years, lang=args.lang, color=colour) + "\n")
    if tally.interrupted:
        return EXIT_INTERRUPTED
    return worst


def _emit(out: TextIO, outcome: batch.Outcome, args: argparse.Namespace, colour: bool) -> None:
    name = outcome.name
    if outcome.error is not None:
        if args.format == "json":
            out.write(json_writer.dumps(json_writer.error_object(name, outcome.error, lang=args.lang)) + "\n")
        elif args.format == "lines":
            out.write(f"{name}: unusable {outcome.error.code} {outcome.error.reason(args.lang)}\n")
        else:
            out.write(text_writer.format_error(outcome.error, lang=args.lang, color=colour) + "\n")
        return
    assert outcome.result is not None
    if args.format == "json":
        obj = json_writer.result_object(name, outcome.result, lang=args.lang)
        obj = {"file": obj.pop("file"), "agency": outcome.agency, "year": outcome.year, **obj}
        out.write(json_writer.dumps(obj) + "\n")
    elif args.format == "lines":
        out.writelines(line + "\n" for line in text_writer.format_lines(
            name, outcome.result.findings, lang=args.lang, errors_only=args.errors_only, verbose=args.verbose,
            located_in=outcome.file))
    else:
        out.write(text_writer.format_result(name, outcome.result, lang=args.lang, color=colour, verbose=args.verbose,
                                            agency=outcome.agency, year=outcome.year,
                                            errors_only=args.errors_only) + "\n")


def _emit_years(out: TextIO, years: Years, args: argparse.Namespace, colour: bool) -> None:
    """X-YEAR findings, after every file (pairs are known only once the run is complete)."""
    for name, findings in years.findings.items():
        if args.format == "json":
            obj = {"file": name, "stage": "collection",
                   "findings": [catalogue.localise(f, args.lang).to_dict() for f in findings]}
            out.write(json_writer.dumps(obj) + "\n")
        elif args.format == "lines":
            out.writelines(line + "\n" for line in text_writer.format_lines(name, findings, lang=args.lang, errors_only=args.errors_only))
        elif not args.errors_only:
            out.write(text_writer.format_years(name, findings, lang=args.lang, color=colour) + "\n")


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
    except Exception as exc:
        if os.environ.get("GOVREPORT_DEBUG"):
            raise
        raise ReadError(name, "internal", detail=f"{type(exc).__name__}: {exc}"[:200]) from exc


def _write(path: str, text: str, lang: str) -> bool:
    """Write an output file whole or not at all (never half-written if interrupted)."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        word = "无法写入" if lang == "zh" else "cannot write"
        sys.stderr.write(f"{word}: {path}: {exc.strerror or exc}\n")
        return False
    return True


def _parse(args: argparse.Namespace, out: TextIO) -> int:
    """``govreport parse``: document in, JSON instance out; reading findings on stderr."""
    try:
        with _no_traceback(args.file):
            reading = read(args.file, ocr=args.ocr)
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
        write_atomically(args.output, document)
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
    _add_limit_option(export)
    _add_ocr_option(export)


def _export(args: argparse.Namespace, out: TextIO) -> int:
    """``govreport export``: every file read and validated, one unusable file a row of
    the reports table (never an abort); the tables written once at the end."""
    entries: list[export_writer.Entry] = []
    worst = EXIT_OK
    names = batch.expand(args.files)
    options = batch.Options(lang=args.lang, edition=args.edition, keep_reading=True, ocr=args.ocr)
    for outcome in batch.check_many(names, options=options):
        digest = _sha256(outcome.name)
        if outcome.error is not None:
            worst = EXIT_UNUSABLE
            sys.stderr.write(text_writer.format_error(outcome.error, lang=args.lang) + "\n")
            entries.append(export_writer.Entry(file=outcome.name, sha256=digest, error=outcome.error))
            continue
        entries.append(export_writer.Entry(file=outcome.name, sha256=digest, reading=outcome.reading,
                                           result=outcome.result))
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


def _sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes (None when it cannot be read: its error says why)."""
    if not os.path.isfile(path):  # a FIFO would block, a directory has no bytes
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    items = catalogue.rules(args.edition)
    if args.format == "json":
        out.write(json_writer.dumps([r.to_dict() for r in items], indent=2) + "\n")
        return EXIT_OK
    colour = _use_colour(args.color, out)
    out.writelines(f"{text_writer._paint(rule.id, '1', colour)}  [{rule.severity.label(args.lang)}]  "
                  f"{rule.title.get(args.lang)}\n    {rule.description.get(args.lang)}\n" for rule in items)
    return EXIT_OK


# -- check --format html -o OUT ---------------------------------------------------------


def _add_html_report_options(check: argparse.ArgumentParser) -> None:
    """``check --format html -o OUT``: one page per document (OUT a file for one input, a
    directory with ``index.html`` for several); ``-o`` also sends text/json to a file."""
    for action in check._actions:
        if action.dest == "format" and action.choices is not None and "html" not in action.choices:
            action.choices = (*action.choices, "html")
            action.help = (action.help or "") + "; html (a page per file with the failing cells marked; needs -o)"
    if "-o" not in check._option_string_actions:
        check.add_argument("-o", "--output", metavar="OUT",
                           help="写入文件；--format html 时为网页文件，多个文件时为目录（另写 index.html）"
                                " / write to OUT; with --format html the page, or for several files a directory"
                                " with one page each and index.html")
    check.set_defaults(check_usage_error=check.error)


def _page_name(name: str, taken: set[str]) -> str:
    """A file name for the page of input ``name`` inside the output directory, unique in ``taken``."""
    base = re.sub(r"[^\w.\-]+", "_", os.path.basename(name.rstrip("/\\"))).strip("._") or "report"
    candidate, n = f"{base}.html", 2
    while candidate.lower() in taken or candidate.lower() == "index.html":
        candidate, n = f"{base}-{n}.html", n + 1
    taken.add(candidate.lower())
    return candidate


def _check_html(args: argparse.Namespace, out: TextIO) -> int:
    """``check --format html -o OUT`` (and text/json with ``-o``): exit codes as ``check``.

    stdout lists the pages written; a file that cannot be used is reported on stderr and
    listed in the index without a page.
    """
    if args.output is None:
        args.check_usage_error("--format html 需要 -o OUT / --format html needs -o OUT")
    if args.format != "html":
        try:
            with atomic(args.output, "w") as handle:  # renamed into place when the run ends
                return _check(args, handle, json_only=False)
        except OSError as exc:
            word = "无法写入" if args.lang == "zh" else "cannot write"
            sys.stderr.write(f"{word}: {args.output}: {exc.strerror or exc}\n")
            return EXIT_UNUSABLE
    names = _inputs(args)
    stdin = sys.stdin.buffer.read() if "-" in names else None
    several = len(names) > 1 or any(is_stream(args.stdin_name if n == "-" else n) for n in names)
    directory = several or os.path.isdir(args.output) or args.output.endswith(("/", os.sep))
    if directory:
        try:
            os.makedirs(args.output, exist_ok=True)
        except OSError as exc:
            word = "无法写入" if args.lang == "zh" else "cannot write"
            sys.stderr.write(f"{word}: {args.output}: {exc.strerror or exc}\n")
            return EXIT_UNUSABLE
    keep = _rule_filter(args.select, args.ignore)
    options = attrs.evolve(_batch_options(args, json_only=False), keep_reading=True)
    worst = EXIT_OK
    entries: list[report_html.Entry] = []
    taken: set[str] = set()
    try:
        for outcome in batch.check_many(names, jobs=args.jobs, options=options, stdin=stdin,
                                        stdin_name=args.stdin_name):
            outcome = _filtered(outcome, keep)
            name = args.stdin_name if outcome.name == "-" else outcome.name
            if outcome.error is not None:
                worst = max(worst, EXIT_OK if args.ignore_unusable else EXIT_UNUSABLE)
                sys.stderr.write(text_writer.format_error(outcome.error, lang=args.lang) + "\n")
                entries.append(report_html.Entry(name=name, error=outcome.error.reason(args.lang)))
                continue
            assert outcome.result is not None and outcome.reading is not None
            result = outcome.result
            worst = max(worst, EXIT_OK if result.valid else EXIT_ERRORS)
            document = report_html.page(outcome.reading, result, lang=args.lang, name=name)
            target = os.path.join(args.output, _page_name(name, taken)) if directory else args.output
            if not _write(target, document, args.lang):
                return EXIT_UNUSABLE
            out.write(target + "\n")
            entries.append(report_html.Entry.of(name, urllib.parse.quote(os.path.basename(target)),
                                                outcome.reading.instance, result))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    if directory:
        target = os.path.join(args.output, "index.html")
        if not _write(target, report_html.index(entries, lang=args.lang), args.lang):
            return EXIT_UNUSABLE
        out.write(target + "\n")
    return worst


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    stream = out or sys.stdout
    args = build_parser().parse_args(argv)
    _apply_limits(args)
    try:
        if args.command == "check" and (args.format == "html" or args.output is not None):
            return _check_html(args, stream)
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
        if args.command == "serve":
            return _serve(args)
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
