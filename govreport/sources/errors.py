"""Errors for input that cannot be used at all (CLI exit code 2).

Every error names the file, says in one line what is wrong, and, when it can, where
in the file. Messages are :class:`~govreport.messages.Text` templates in Chinese (the
default: ``str(error)``) and English (``error.one_line("en")``); the code is stable.

Errors keep their template arguments apart from the text, so one error can be shown
in either language, and they survive pickling with every attribute (a worker process
of a pool can raise one and the caller gets the same error back).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govreport.location import Location
from govreport.messages import Text, check_lang, render

__all__ = ["MESSAGES", "MissingExtra", "ReadError", "error_detail"]

#: code -> message template; templates use ``{name}`` arguments.
MESSAGES: dict[str, Text] = {
    "not-found": Text("文件不存在", "no such file"),
    "unreadable": Text("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "empty": Text("文件为空", "the file is empty"),
    "binary": Text("不是可识别的文档（二进制内容）", "not a recognisable document (binary content)"),
    "encoding": Text("无法识别文本编码", "cannot determine the text encoding"),
    "corrupt": Text("{media}文件已损坏或格式不正确：{detail}", "the {media} file is damaged or malformed: {detail}"),
    "missing-extra": Text(
        "读取{media}文件需要安装可选组件：pip install 'govreport[{extra}]'",
        "reading {media} files needs the optional extra: pip install 'govreport[{extra}]'",
    ),
    "not-json": Text("不是合法的JSON：{detail}", "not valid JSON: {detail}"),
    "not-a-report": Text("不是政府信息公开工作年度报告：{detail}", "not a government information disclosure annual report: {detail}"),
    "too-large": Text("文件过大（{size}字节，上限{limit}字节）", "the file is too large ({size} bytes, limit {limit})"),
    "unsupported": Text("不支持的文件格式：{format}", "unsupported file format: {format}"),
    "no-text-layer": Text("PDF没有文字层（扫描件），需要先做OCR", "the PDF has no text layer (scanned image); OCR it first"),
    "no-unicode": Text(
        "PDF的文字层无法解码（字体缺少Unicode映射），需要先做OCR",
        "the PDF's text layer cannot be decoded (its fonts lack a Unicode mapping); OCR it first",
    ),
    "ocr-no-text": Text("OCR未在扫描件中识别出任何文字", "OCR found no text in the scanned pages"),
    "internal": Text(
        "处理时出现内部错误（{detail}），请报告此问题；设置 GOVREPORT_DEBUG=1 可显示详情",
        "internal error while processing ({detail}); please report it (GOVREPORT_DEBUG=1 shows details)",
    ),
    "encrypted": Text("PDF已加密，需要密码才能读取", "the PDF is encrypted and needs a password"),
    "no-reports": Text("目录中没有可检查的文件（{suffixes}）", "no files to check in the directory ({suffixes})"),
    "timeout": Text("处理超过时限（{seconds}秒），已跳过", "processing took longer than the time limit ({seconds} s); skipped"),
    # Limits on work (govreport.sources.limits): each names the limit and how to raise it.
    "too-many-cells": Text(
        "第{table}个表格的合并单元格展开后超过{limit}个位置，已停止读取（可设置环境变量{variable}调高上限）",
        "table {table} expands to more than {limit} grid positions through its merged cells; reading stopped "
        "(set {variable} to raise the limit)",
    ),
    "too-many-images": Text(
        "文件中需要OCR查看的图片超过{limit}张，已停止读取（可设置环境变量{variable}调高上限）",
        "more than {limit} pictures of the file would be looked at by OCR; reading stopped (set {variable} to raise the limit)",
    ),
    "image-too-large": Text(
        "图片{detail}有{size}个像素，超过可OCR读取的{limit}个（疑似解压炸弹；可设置环境变量{variable}调高上限）",
        "the picture {detail} has {size} pixels, more than the {limit} OCR may decode (a decompression bomb?; "
        "set {variable} to raise the limit)",
    ),
    "docx-bomb": Text(
        "DOCX文件解压后过大，疑似压缩炸弹：{detail}（可设置环境变量{variable}调高上限）",
        "the DOCX file expands far too much (a zip bomb?): {detail} (set {variable} to raise the limit)",
    ),
    "too-many-pages": Text(
        "PDF页数过多（{size}页，上限{limit}页；可设置环境变量{variable}调高上限）",
        "the PDF has too many pages ({size}, limit {limit}; set {variable} to raise it)",
    ),
    "page-too-complex": Text(
        "PDF页面内容过多（{size}个字符和线条，上限{limit}个；可设置环境变量{variable}调高上限）",
        "the PDF page holds too much ({size} characters and lines, limit {limit}; set {variable} to raise it)",
    ),
    "pdf-too-complex": Text(
        "PDF内容过多（到第{page}页已有{size}个字符和线条，全文上限{limit}个；可设置环境变量{variable}调高上限）",
        "the PDF holds too much ({size} characters and lines by page {page}, limit {limit} in all; set {variable} to raise it)",
    ),
    "pdf-bomb": Text(
        "PDF的数据流解压后过大，疑似压缩炸弹：{detail}（可设置环境变量{variable}调高上限）",
        "the PDF's streams expand far too much (a compression bomb?): {detail} (set {variable} to raise the limit)",
    ),
    "too-much-text": Text(
        "文档文字过多（{size}个字符，上限{limit}个；可设置环境变量{variable}调高上限）",
        "the document holds too much text ({size} characters, limit {limit}; set {variable} to raise it)",
    ),
    "stray-nul": Text(
        "文本中有空字符（NUL，零字节），文件可能已损坏或被截断；请检查该处",
        "the text contains a NUL (zero) byte: the file is damaged or was cut off; check that place",
    ),
    "several-reports": Text(
        "文件中有不止一份年度报告：{detail}；请分成单独的文件",
        "the file holds more than one annual report: {detail}; split it into one file per report",
    ),
}


def _argument(value: object) -> object:
    """A ``(chinese, english)`` pair becomes a :class:`Text`; anything else is kept."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return Text(value[0], value[1])
    return value


class ReadError(Exception):
    """The input cannot be read as a report document.

    ``file`` names the input, ``code`` is a stable key of :data:`MESSAGES`, ``where``
    (optional) says where in the file in a language-neutral form (``"3:14"`` for line
    3, column 14), ``location`` (optional) is the same place as a
    :class:`~govreport.location.Location`, shown in the message's language, and
    ``args`` fill the message template (an argument may be a :class:`Text` or a
    ``(chinese, english)`` pair). ``str(error)`` is the Chinese one-line message;
    :meth:`one_line` gives it in either language.
    """

    file: str
    code: str
    where: str | None
    location: Location | None
    args_: dict[str, object]

    def __init__(
        self,
        file: str,
        code: str,
        where: str | None = None,
        *,
        location: Location | None = None,
        **args: object,
    ) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown read error code {code!r}")
        self.file = file
        self.code = code
        self.location = location
        self.where = where if where is not None or location is None else _neutral(location)
        self.args_ = {k: _argument(v) for k, v in args.items()}
        super().__init__(file, code)

    def reason(self, lang: str = "zh") -> str:
        """What is wrong, without the file name and place."""
        return render(MESSAGES[self.code], self.args_, check_lang(lang))

    def place(self, lang: str = "zh") -> str | None:
        """Where in the file, in ``lang`` (None when not known)."""
        if self.location is not None:
            described = self.location.describe(check_lang(lang))
            if described:
                return described
        return self.where

    def one_line(self, lang: str = "zh") -> str:
        """``file (place): reason`` in ``lang``, on one line."""
        place = self.place(lang)
        shown = f" ({place})" if place else ""
        return f"{self.file}{shown}: {self.reason(lang)}"

    def __str__(self) -> str:
        return self.one_line("zh")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(file={self.file!r}, code={self.code!r}, where={self.where!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the attributes, not from __init__'s arguments, so subclasses
        # with other signatures (MissingExtra) come back whole too.
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(cls: type[ReadError], state: Mapping[str, Any]) -> ReadError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error.file, error.code)
    return error


def _neutral(location: Location) -> str | None:
    """A location in the language-neutral form of ``where``."""
    if location.line is not None and location.column is not None:
        return f"{location.line}:{location.column}"
    fields = location.to_dict()
    return " ".join(f"{k}={v}" for k, v in fields.items()) or None


class MissingExtra(ReadError):
    """Reading this format needs an optional dependency that is not installed."""

    extra: str

    def __init__(self, file: str, media: str | tuple[str, str], extra: str) -> None:
        self.extra = extra
        super().__init__(file, "missing-extra", media=media, extra=extra)


def error_detail(error: BaseException) -> str:
    """The first line of a library's exception, for a one-line message (the wrapped
    exception when a library wraps the real one in its first argument)."""
    inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    text = str(inner).strip().splitlines()
    return (text[0][:160] if text else "") or type(inner).__name__
