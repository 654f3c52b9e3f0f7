"""Reading a JSON report instance from bytes.

Numbers with a fraction are read as :class:`~decimal.Decimal` (amounts are decimals,
never binary floats). ``NaN``/``Infinity`` and duplicate keys are refused: they are
not JSON a report can mean, and silently keeping the last duplicate would be a guess.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from typing import Any

from govreport.location import Location
from govreport.sources.encoding import split_bom
from govreport.sources.errors import ReadError

__all__ = ["REPORT_KEYS", "load_instance"]

#: Top-level keys of a report instance; an object with none of them is not a report.
REPORT_KEYS = frozenset({"edition", "report", "sections", "active_disclosure", "requests", "reviews"})


class _Duplicate(ValueError):
    pass


class _LongInteger(ValueError):
    pass


#: The most digits an integer may have (Python's own limit on reading integers, 4300 by
#: default): a cell never needs more than a dozen, so longer ones are refused by name
#: rather than with Python's advice to change an interpreter setting.
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongInteger(text)
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _where(text: str, pos: int) -> Location:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return Location(line=line, column=column)


def load_instance(data: bytes, name: str) -> dict[str, Any]:
    """Parse ``data`` as a report instance; raise :class:`ReadError` if it cannot be one."""
    codec, body = split_bom(data)
    if codec not in (None, "utf-8"):
        raise ReadError(name, "not-json", detail=(f"是{codec.upper()}编码，JSON须为UTF-8", f"{codec.upper()}-encoded; JSON must be UTF-8"))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + len(data) - len(body)  # counted from the start of the file
        raise ReadError(name, "not-json", detail=(f"不是UTF-8编码（第{at}字节）", f"not UTF-8 (byte {at})")) from None
    if "\x00" in text:
        at = text.index("\x00")
        raise ReadError(name, "stray-nul", location=_where(text, at))
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=_integer, object_pairs_hook=_pairs,
                           parse_constant=_constant)
    except _LongInteger as exc:
        digits = len(exc.args[0].lstrip("-"))
        match = re.search(rf"\d{{{MAX_INT_DIGITS + 1},}}", text)
        raise ReadError(name, "not-json", location=_where(text, match.start()) if match else None, detail=(
            f"整数有{digits}位，超过可读取的{MAX_INT_DIGITS}位", f"an integer has {digits} digits, more than the {MAX_INT_DIGITS} that can be read")) from None
    except RecursionError:
        raise ReadError(name, "not-json", detail=("数组或对象嵌套层数过多，无法读取", "arrays or objects are nested too deeply to read")) from None
    except json.JSONDecodeError as exc:
        raise ReadError(name, "not-json", location=_where(text, exc.pos), detail=exc.msg) from None
    except _Duplicate as exc:
        raise ReadError(name, "not-json", detail=(f"重复的键“{exc.args[0]}”", f"duplicate key “{exc.args[0]}”")) from None
    except ValueError as exc:
        raise ReadError(name, "not-json", detail=str(exc) or type(exc).__name__) from None
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise ReadError(name, "not-a-report", detail=(f"JSON顶层是{kind}而不是对象", f"the JSON is {kind}, not an object"))
    if not value.keys() & REPORT_KEYS:
        raise ReadError(name, "not-a-report", detail=("没有 edition、report、requests、reviews 等任何报告键",
                                                    "none of the keys edition/report/requests/reviews"))
    return value
