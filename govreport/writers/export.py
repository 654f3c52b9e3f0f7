"""Every cell of many reports as one long table, with the findings and one row per file.

Three tables, the same columns in every format (docs/export.md shows them):

``cells``
    One row per table cell of the report's edition (tables 二, 三 and 四, in document
    order; （六） in the report's own shape), whether the report filled it or not, plus
    one row for any number the instance holds under a table that the schema does not
    declare (``in_schema`` false). ``key`` is the common vocabulary of both editions:
    the cell's path joined with dots, except that the 2019 cells with a 2021
    counterpart take the 2021 name (:data:`KEY_ALIASES`), so one ``key`` selects the
    same quantity in 2019 and 2021 reports. ``value`` is exact (int or Decimal);
    a float (an instance built in Python) is taken as its shortest decimal (``repr``).
    ``status`` says what the cell holds: ``number``, ``blank`` (empty, a dash, or
    missing), ``undetermined`` (the document printed digits that cannot be split into
    cells unambiguously, so the value is left empty) or ``invalid`` (anything but a
    number, or a number of more than 38 digits: ``value`` is empty and ``raw`` holds
    it as JSON text). ``raw`` is the text the source document had in that cell.
``findings``
    One row per finding, messages in the chosen language.
``reports``
    One row per input file: what it is and how many findings of each severity; a file
    that could not be used has ``unusable`` (the error code) and ``reason`` instead.

Formats: ``csv`` (UTF-8 with a byte-order mark, so Excel opens it as UTF-8; a
directory of ``cells.csv``, ``findings.csv``, ``reports.csv``), ``jsonl`` (a directory
of three ``.jsonl`` files; a decimal is a JSON number when a double holds it exactly,
else its exact digits as a string), ``parquet`` (a directory of three ``.parquet``
files, needs the ``parquet`` extra; ``value`` is a ``decimal128(38, s)`` column, never
a float) and ``xlsx`` (one workbook, sheets 单元格 / 发现 / 报告 — cells / findings /
reports with ``--lang en`` —, needs the ``xlsx`` extra).
"""

from __future__ import annotations

import csv
import decimal
import importlib
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any

from attrs import define, field

from govreport.contract import catalogue, editions, tables
from govreport.findings import Result, Severity
from govreport.location import Location, Provenance
from govreport.messages import Text
from govreport.pointer import pointer, split_pointer
from govreport.reading import Reading
from govreport.sources.errors import ReadError
from govreport.writers.files import atomic, write_atomically
from govreport.writers.json import jsonable

__all__ = [
    "CELL_COLUMNS", "FINDING_COLUMNS", "FORMATS", "KEY_ALIASES", "REPORT_COLUMNS", "Entry", "ExportError",
    "MissingExportExtra",
    "Tables", "cell_rows", "csv_bytes", "finding_rows", "key_of", "report_row", "tables_of", "write", "xlsx_bytes",
]

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "xlsx")

#: The 2019 cells that have a 2021 counterpart, by 2019 pointer: the key they share.
#: 本年新制作数量 (made this year) is what 2021 calls 本年制发件数 (issued this year).
#: 对外公开总数量 (all published so far) is *not* 现行有效件数 (in force now): repealed
#: documents stay published, so the two keep their own keys.
KEY_ALIASES: dict[str, str] = {
    "/active_disclosure/regulations/made": "active_disclosure.regulations.issued",
    "/active_disclosure/normative_documents/made": "active_disclosure.normative_documents.issued",
}

_LOCATION_COLUMNS = ("location", "loc_page", "loc_line", "loc_column", "loc_table", "loc_row", "loc_cell")

CELL_COLUMNS: tuple[str, ...] = (
    "file", "sha256", "agency", "year", "edition", "table", "key", "pointer", "row_label", "column_label",
    "cell_type", "unit", "value", "status", "raw", "in_schema", *_LOCATION_COLUMNS,
)
FINDING_COLUMNS: tuple[str, ...] = (
    "file", "rule", "severity", "stage", "pointer", "label", "message", "expected", "actual", *_LOCATION_COLUMNS,
)
REPORT_COLUMNS: tuple[str, ...] = (
    "file", "sha256", "media_type", "agency", "year", "edition", "valid", "errors", "warnings", "infos",
    "cells", "numbers", "blank_cells", "unusable", "reason",
)

#: Digits a Parquet decimal128 column holds; a longer number is ``invalid`` in every format.
MAX_DIGITS = 38
#: Rows a sheet of a workbook can hold (header included).
_XLSX_ROWS = 1_048_576
_SHEETS = {"zh": ("单元格", "发现", "报告"), "en": ("cells", "findings", "reports")}
_TABLE_KEYS = ("active_disclosure", "requests", "reviews")


class ExportError(Exception):
    """The export cannot be written: a missing extra, a sheet that would be too long.

    ``one_line(lang)`` is the message in Chinese (the default, ``str(error)``) or English.
    """

    def __init__(self, path: str, text: Text, **args: object) -> None:
        self.path = path
        self.text = text
        self.args_ = args
        super().__init__(path, text.zh)

    def one_line(self, lang: str = "zh") -> str:
        return f"{self.path}: {self.text.get(lang).format(**self.args_)}"

    def __str__(self) -> str:
        return self.one_line("zh")


class MissingExportExtra(ExportError):
    """Writing this format needs an optional dependency that is not installed."""

    def __init__(self, path: str, media: str, extra: str) -> None:
        self.extra = extra
        super().__init__(path, Text("写出{media}文件需要安装可选组件：pip install 'govreport[{extra}]'",
                                    "writing {media} files needs the optional extra: pip install 'govreport[{extra}]'"),
                         media=media, extra=extra)


@define(frozen=True, kw_only=True)
class Entry:
    """One input of an export: what reading gave and what validating found, or why the
    file could not be used. ``reading`` may be a bare instance (a ``dict``)."""

    file: str
    sha256: str | None = None
    reading: Reading | dict[str, Any] | None = None
    result: Result | None = None
    error: ReadError | None = None
    media_type: str | None = None


@define(frozen=True, kw_only=True)
class Tables:
    """The three tables of an export, as lists of rows (dicts keyed by the column names)."""

    cells: list[dict[str, Any]] = field(factory=list)
    findings: list[dict[str, Any]] = field(factory=list)
    reports: list[dict[str, Any]] = field(factory=list)


# -- rows ----------------------------------------------------------------------------


def key_of(edition: str, ptr: str) -> str:
    """The edition-neutral key of a cell (see :data:`KEY_ALIASES`)."""
    if edition == "2019" and ptr in KEY_ALIASES:
        return KEY_ALIASES[ptr]
    return ".".join(split_pointer(ptr))


def _location_columns(location: Location | None, lang: str) -> dict[str, Any]:
    if location is None:
        return dict.fromkeys(_LOCATION_COLUMNS)
    return {
        "location": location.describe(lang) or None, "loc_page": location.page, "loc_line": location.line,
        "loc_column": location.column, "loc_table": location.table, "loc_row": location.row,
        "loc_cell": location.cell,
    }


def _whole_and_scale(value: Decimal) -> tuple[int, int]:
    """Digits before the point and after it that a decimal column needs for ``value``."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if exponent >= 0:
        return len(digits) + exponent, 0
    return max(len(digits) + exponent, 1), -exponent


def _digits(value: Decimal) -> int:
    whole, scale = _whole_and_scale(value)
    return whole + scale


def _number(value: Any) -> int | Decimal | None:
    """``value`` when it is a number the export can hold exactly, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 10**MAX_DIGITS else None
    if isinstance(value, float):  # an instance built in Python: the float's shortest decimal
        value = Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() and _digits(value) <= MAX_DIGITS else None
    return None


def _table_of(ptr: str) -> str | None:
    top = split_pointer(ptr)[0] if ptr.startswith("/") and ptr != "/" else None
    found = tables.node("2021", f"/{top}") if top in _TABLE_KEYS else None
    return found.table if found is not None else None


def _get(instance: Any, path: Sequence[str]) -> tuple[bool, Any]:
    node = instance
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _meta(instance: Mapping[str, Any]) -> tuple[str | None, int | None]:
    report = instance.get("report")
    agency = report.get("agency") if isinstance(report, dict) else None
    return (agency if isinstance(agency, str) else None), editions.year_of(instance)


def _extra_cells(instance: Mapping[str, Any], known: set[str]) -> list[tuple[str, Any]]:
    """Leaves under the tables that the schema does not declare (a renamed row, an
    other edition's cell): pointer and value, in the instance's order."""
    out: list[tuple[str, Any]] = []

    def visit(path: tuple[str, ...], value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(path + (k,), v)
            return
        ptr = pointer(path)
        if ptr in known:
            return
        if len(path) >= 2 and path[-1] == "unit":  # a row's unit travels with its amount
            return
        out.append((ptr, value))

    for top in _TABLE_KEYS:
        part = instance.get(top)
        if isinstance(part, dict):
            visit((top,), part)
    return out


def cell_rows(
    file: str,
    instance: Mapping[str, Any],
    *,
    source_map: Mapping[str, Provenance] | None = None,
    sha256: str | None = None,
    edition: str | None = None,
    lang: str = "zh",
) -> list[dict[str, Any]]:
    """The cells table rows of one instance (``edition``: as the validator judged it)."""
    source_map = source_map or {}
    ed = edition or editions.edition_of(instance)
    shape = editions.shape_of(instance) or editions.default_shape(ed)
    agency, year = _meta(instance)
    specs = tables.cells(ed, shape)
    rows: list[dict[str, Any]] = []

    def row(ptr: str, present: bool, value: Any, spec: tables.CellSpec | None) -> dict[str, Any]:
        prov = source_map.get(ptr)
        number = _number(value)
        if present and value is not None and number is None:
            status = "invalid"
        elif number is not None:
            status = "number"
        elif prov is not None and prov.undetermined:
            status = "undetermined"
        else:
            status = "blank"
        raw = prov.raw if prov is not None else None
        if status == "invalid" and raw is None:
            raw = json.dumps(jsonable(value), ensure_ascii=False)
        row_ptr = ptr.rsplit("/", 1)[0]
        full = tables.label(ed, ptr, shape)
        row_label = tables.label(ed, row_ptr, shape)
        column = full[len(row_label) + len(tables.SEP):] if full.startswith(row_label + tables.SEP) else full
        table = _table_of(ptr)
        if table and row_label.startswith(table + tables.SEP):
            row_label = row_label[len(table) + len(tables.SEP):]
        unit = spec.unit if spec is not None else None
        if spec is not None and spec.cell_type == "amount" and unit is None:
            found, own = _get(instance, split_pointer(row_ptr) + ("unit",))
            unit = own if found and isinstance(own, str) and own else None
        out = {
            "file": file, "sha256": sha256, "agency": agency, "year": year, "edition": ed, "table": table,
            "key": key_of(ed, ptr), "pointer": ptr, "row_label": row_label, "column_label": column,
            "cell_type": spec.cell_type if spec is not None else None, "unit": unit,
            "value": number, "status": status, "raw": raw, "in_schema": spec is not None,
        }
        out.update(_location_columns(prov.location if prov is not None else None, lang))
        return out

    for spec in specs:
        present, value = _get(instance, spec.path)
        rows.append(row(spec.pointer, present, value, spec))
    for ptr, value in _extra_cells(instance, {s.pointer for s in specs}):
        rows.append(row(ptr, True, value, None))
    return rows


def _text(value: Any) -> str | None:
    """Expected/actual as exact text (a number's digits; JSON for anything else)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal) and value.is_finite() and abs(value.adjusted()) < 100:
        return format(value, "f")
    if isinstance(value, int) and value.bit_length() < 1000:
        return str(value)
    shown = jsonable(value)  # a huge or non-finite number as JSON writes it (a string)
    return shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)


def finding_rows(file: str, result: Result, *, lang: str = "zh") -> list[dict[str, Any]]:
    """The findings table rows of one result, messages in ``lang``."""
    out = []
    for f in result.findings:
        f = catalogue.localise(f, lang)
        row: dict[str, Any] = {
            "file": file, "rule": f.rule, "severity": f.severity.value, "stage": f.stage, "pointer": f.pointer,
            "label": f.label, "message": f.message, "expected": _text(f.expected), "actual": _text(f.actual),
        }
        row.update(_location_columns(f.location, lang))
        out.append(row)
    return out


def report_row(entry: Entry, cells: Sequence[Mapping[str, Any]] = (), *, lang: str = "zh") -> dict[str, Any]:
    """The reports table row of one input."""
    instance = _instance(entry)
    agency, year = _meta(instance) if instance is not None else (None, None)
    result = entry.result
    media = entry.media_type or (entry.reading.media_type if isinstance(entry.reading, Reading) else None)
    return {
        "file": entry.file, "sha256": entry.sha256, "media_type": media, "agency": agency, "year": year,
        "edition": result.edition if result is not None else None,
        "valid": result.valid if result is not None else None,
        "errors": result.count(Severity.ERROR) if result is not None else None,
        "warnings": result.count(Severity.WARNING) if result is not None else None,
        "infos": result.count(Severity.INFO) if result is not None else None,
        "cells": len(cells) if instance is not None else None,
        "numbers": sum(1 for c in cells if c["status"] == "number") if instance is not None else None,
        "blank_cells": sum(1 for c in cells if c["status"] in ("blank", "undetermined")) if instance is not None else None,
        "unusable": entry.error.code if entry.error is not None else None,
        "reason": entry.error.one_line(lang) if entry.error is not None else None,
    }


def _instance(entry: Entry) -> dict[str, Any] | None:
    if isinstance(entry.reading, Reading):
        return entry.reading.instance
    return entry.reading if isinstance(entry.reading, dict) else None


def tables_of(entries: Iterable[Entry], *, lang: str = "zh") -> Tables:
    """The three tables of an export of ``entries`` (in their order)."""
    out = Tables()
    for entry in entries:
        instance = _instance(entry)
        cells: list[dict[str, Any]] = []
        if instance is not None:
            source_map = entry.reading.source_map if isinstance(entry.reading, Reading) else None
            edition = entry.result.edition if entry.result is not None else None
            cells = cell_rows(entry.file, instance, source_map=source_map, sha256=entry.sha256,
                              edition=edition, lang=lang)
        out.cells.extend(cells)
        if entry.result is not None:
            out.findings.extend(finding_rows(entry.file, entry.result, lang=lang))
        out.reports.append(report_row(entry, cells, lang=lang))
    return out


# -- formats -------------------------------------------------------------------------


def _named(t: Tables) -> tuple[tuple[str, Sequence[str], list[dict[str, Any]]], ...]:
    return (("cells", CELL_COLUMNS, t.cells), ("findings", FINDING_COLUMNS, t.findings),
            ("reports", REPORT_COLUMNS, t.reports))


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_bytes(t: Tables, table: str = "cells") -> bytes:
    """One table (``cells``, ``findings`` or ``reports``) as CSV: UTF-8 with a BOM, so Excel opens it."""
    [(columns, rows)] = [(c, r) for name, c, r in _named(t) if name == table]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_csv_text(r[c]) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _write_csv(t: Tables, out: str) -> list[str]:
    written = []
    for name, _, _ in _named(t):
        path = os.path.join(out, f"{name}.csv")
        write_atomically(path, csv_bytes(t, name))
        written.append(path)
    return written


def _write_jsonl(t: Tables, out: str) -> list[str]:
    written = []
    for name, columns, rows in _named(t):
        path = os.path.join(out, f"{name}.jsonl")
        with atomic(path, "w") as handle:
            for r in rows:
                handle.write(json.dumps({c: jsonable(r[c]) for c in columns}, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _extra(module: str, extra: str, file: str, media: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExportExtra(file, media, extra) from exc


def _scale(rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Precision and scale of a decimal column that holds every value exactly."""
    scale = 0
    whole = 1
    for r in rows:
        v = r["value"]
        if isinstance(v, Decimal):
            w, s = _whole_and_scale(v)
            whole, scale = max(whole, w), max(scale, s)
        elif isinstance(v, int):
            whole = max(whole, len(str(abs(v))))
    return whole + scale, scale


def _write_parquet(t: Tables, out: str) -> list[str]:
    pa = _extra("pyarrow", "parquet", out, "Parquet")
    pq = _extra("pyarrow.parquet", "parquet", out, "Parquet")
    precision, scale = _scale(t.cells)
    if precision > MAX_DIGITS:
        raise ExportError(out, Text("数值需要{precision}位数字，超过 decimal128 的{limit}位；请用 --to csv 或 jsonl",
                                    "the values need {precision} digits, more than decimal128 holds ({limit});"
                                    " use --to csv or jsonl"), precision=precision, limit=MAX_DIGITS)
    value_type = pa.decimal128(MAX_DIGITS, scale)
    integer = pa.int64()
    text = pa.string()
    boolean = pa.bool_()
    location = [("location", text)] + [(c, integer) for c in _LOCATION_COLUMNS[1:]]
    schemas = {
        "cells": pa.schema([
            ("file", text), ("sha256", text), ("agency", text), ("year", integer), ("edition", text),
            ("table", text), ("key", text), ("pointer", text), ("row_label", text), ("column_label", text),
            ("cell_type", text), ("unit", text), ("value", value_type), ("status", text), ("raw", text),
            ("in_schema", boolean), *location,
        ]),
        "findings": pa.schema([(c, text) for c in FINDING_COLUMNS[:-len(_LOCATION_COLUMNS)]] + location),
        "reports": pa.schema([
            ("file", text), ("sha256", text), ("media_type", text), ("agency", text), ("year", integer),
            ("edition", text), ("valid", boolean), ("errors", integer), ("warnings", integer),
            ("infos", integer), ("cells", integer), ("numbers", integer), ("blank_cells", integer),
            ("unusable", text), ("reason", text),
        ]),
    }
    quantum = Decimal(1).scaleb(-scale)
    written = []
    for name, columns, rows in _named(t):
        schema = schemas[name]
        data: dict[str, list[Any]] = {c: [r[c] for r in rows] for c in columns}
        if name == "cells":
            # Every value at the column's scale, exactly (quantize never rounds here: the
            # scale is the largest any value has).
            context = decimal.Context(prec=MAX_DIGITS + 2, traps=[decimal.Inexact])
            data["value"] = [None if v is None else Decimal(v).quantize(quantum, context=context)
                             for v in data["value"]]
        try:
            table = pa.Table.from_pydict(data, schema=schema)
        except (pa.ArrowException, OverflowError, ValueError, TypeError) as exc:
            raise ExportError(out, Text("无法写成 Parquet：{detail}", "cannot be written as Parquet: {detail}"),
                              detail=str(exc).splitlines()[0][:160]) from exc
        path = os.path.join(out, f"{name}.parquet")
        with atomic(path, "wb") as handle:
            pq.write_table(table, handle)
        written.append(path)
    return written


#: Control characters that an .xlsx file cannot hold (XML 1.0); written as U+FFFD.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value: Any, sheet: Any, cell: Any) -> Any:
    """A cell of the workbook: numbers as numbers when Excel's doubles hold them exactly;
    text always as text (a source cell reading ``=…`` is not a formula)."""
    if isinstance(value, str):
        text = cell(sheet, value=_XML_ILLEGAL.sub("\ufffd", value))
        text.data_type = "s"
        return text
    if isinstance(value, Decimal):
        return float(value) if Decimal(repr(float(value))) == value else format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        return str(value)
    return value


def _write_xlsx(t: Tables, out: str, lang: str) -> list[str]:
    data = xlsx_bytes(t, lang=lang, name=out)  # built in memory, so a path that cannot be written leaves nothing half-written
    write_atomically(out, data)
    return [out]


def xlsx_bytes(t: Tables, *, lang: str = "zh", name: str = "report.xlsx") -> bytes:
    """The workbook (sheets for cells, findings and reports) as bytes; ``name`` is how errors name it."""
    out = name
    openpyxl = _extra("openpyxl", "xlsx", out, "Excel")
    cell = _extra("openpyxl.cell", "xlsx", out, "Excel").WriteOnlyCell
    workbook = openpyxl.Workbook(write_only=True)
    for (name, columns, rows), title in zip(_named(t), _SHEETS["zh" if lang == "zh" else "en"]):
        if len(rows) + 1 > _XLSX_ROWS:
            raise ExportError(out, Text("{n}行{name}超过一个工作表的上限（{limit}行）；请用 --to parquet 或 csv",
                                        "{n} {name} rows do not fit in one sheet ({limit}); use --to parquet or csv"),
                              n=len(rows), name=name, limit=_XLSX_ROWS - 1)
        sheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for r in rows:
            sheet.append([_xlsx_value(r[c], sheet, cell) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(t: Tables, to: str, out: str, *, lang: str = "zh") -> list[str]:
    """Write the tables as ``to`` (one of :data:`FORMATS`) to ``out`` and return the
    paths written. ``out`` is a directory (created when missing) for csv, jsonl and
    parquet, and the workbook's path for xlsx.

    Raises :class:`MissingExportExtra` when the format's optional dependency is not
    installed, :class:`ExportError` or ``OSError`` when it cannot be written.
    """
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}")
    if to == "xlsx":
        return _write_xlsx(t, out, lang)
    os.makedirs(out, exist_ok=True)
    if to == "csv":
        return _write_csv(t, out)
    if to == "jsonl":
        return _write_jsonl(t, out)
    return _write_parquet(t, out)
