"""Errors for input that cannot be used at all (CLI exit code 2).

Every error names the file, says in one line what is wrong, and, when it can, where
in the file. Messages exist in Chinese (default) and English; the code is stable.
"""

from __future__ import annotations

__all__ = ["MESSAGES", "MissingExtra", "ReadError", "error_detail"]

#: code -> (Chinese template, English template); templates use ``{name}`` arguments.
MESSAGES: dict[str, tuple[str, str]] = {
    "not-found": ("文件不存在", "no such file"),
    "unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "empty": ("文件为空", "the file is empty"),
    "binary": ("不是可识别的文档（二进制内容）", "not a recognisable document (binary content)"),
    "encoding": ("无法识别文本编码", "cannot determine the text encoding"),
    "corrupt": ("{media}文件已损坏或格式不正确：{detail}", "the {media} file is damaged or malformed: {detail}"),
    "missing-extra": (
        "读取{media}文件需要安装可选组件：pip install 'govreport[{extra}]'",
        "reading {media} files needs the optional extra: pip install 'govreport[{extra}]'",
    ),
    "not-json": ("不是合法的JSON：{detail}", "not valid JSON: {detail}"),
    "not-a-report": ("不是政府信息公开工作年度报告：{detail}", "not a government information disclosure annual report: {detail}"),
    "too-large": ("文件过大（{size}字节，上限{limit}字节）", "the file is too large ({size} bytes, limit {limit})"),
    "unsupported": ("不支持的文件格式：{format}", "unsupported file format: {format}"),
    "no-text-layer": ("PDF没有文字层（扫描件），需要先做OCR", "the PDF has no text layer (scanned image); OCR it first"),
    "no-unicode": (
        "PDF的文字层无法解码（字体缺少Unicode映射），需要先做OCR",
        "the PDF's text layer cannot be decoded (its fonts lack a Unicode mapping); OCR it first",
    ),
    "internal": (
        "处理时出现内部错误（{detail}），请报告此问题；设置 GOVREPORT_DEBUG=1 可显示详情",
        "internal error while processing ({detail}); please report it (GOVREPORT_DEBUG=1 shows details)",
    ),
    "encrypted": ("PDF已加密，需要密码才能读取", "the PDF is encrypted and needs a password"),
}


class ReadError(Exception):
    """The input cannot be read as a report document.

    ``file`` names the input, ``code`` is a stable key of :data:`MESSAGES`, ``where``
    (optional) says where in the file, and ``args`` fill the message template (an
    argument may be a ``(chinese, english)`` pair).
    """

    def __init__(self, file: str, code: str, where: str | None = None, **args: object) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown read error code {code!r}")
        self.file = file
        self.code = code
        self.where = where
        self.args_ = args
        super().__init__(self.one_line("en"))

    def reason(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        # An argument may be given in both languages as a (zh, en) pair.
        args = {
            k: (v[0] if lang == "zh" else v[1]) if isinstance(v, tuple) and len(v) == 2 else v
            for k, v in self.args_.items()
        }
        return (zh if lang == "zh" else en).format(**args)

    def one_line(self, lang: str = "zh") -> str:
        place = f" ({self.where})" if self.where else ""
        return f"{self.file}{place}: {self.reason(lang)}"


class MissingExtra(ReadError):
    """Reading this format needs an optional dependency that is not installed."""

    def __init__(self, file: str, media: str, extra: str) -> None:
        self.extra = extra
        super().__init__(file, "missing-extra", media=media, extra=extra)


def error_detail(error: BaseException) -> str:
    """The first line of a library's exception, for a one-line message (the wrapped
    exception when a library wraps the real one in its first argument)."""
    inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    text = str(inner).strip().splitlines()
    return (text[0][:160] if text else "") or type(inner).__name__
