"""Write a report instance as the tables of the official layout (HTML, Markdown, text).

Why this exists: real reports reach us as web pages, Word files and pages flattened to
text, each with its own way of showing the official tables' merged cells. Rendering an
instance into exactly those shapes gives readable output for people *and* gives the
document parser deterministic, known-answer inputs (``parse(render(x)) == x``) in every
shape seen in the wild (FORMAT.md §9). So every layout below mirrors a real convention,
and every convention is documented precisely enough to parse back.

One table model serves every target: :func:`_tables` turns the instance into grids of
*origin* cells (text + ``colspan``/``rowspan``), built from the schema
(:func:`govreport.tables.tree`) so labels never drift from the contract; each target
only decides how to write those cells.

Document skeleton (all targets): the title (``report.title``, else
``{agency}{year}年政府信息公开工作年度报告``); then, in order, the six sections. A section
is written when it has narrative text (and ``sections=True``) or a table; its heading is
the schema's official title (``一、总体情况`` …). Sections 二/三/四 write heading, then
narrative, then the table; their heading is written whenever their table is, even with
``sections=False``, because the heading is how a reader finds the table. Narrative text
is split into lines; empty lines are dropped (one line = one paragraph).

Tables (the official merged-cell structure, as in the 2021 template and real pages):

* table 2 — width 4. For each ``x-block`` (第二十条第（一）项 …) with at least one row
  present: a block row (one cell, colspan 4); a column-label row (``信息内容`` + the
  block's column titles); one row per present data row (label + values). When a row has
  fewer than 3 columns its **last** column spans the rest (2021 （五）（六）（八）: one
  value, colspan 3; 2019 （八） 上一年项目数量 + 本年增/减 colspan 2; 2019 （九）
  采购项目数量 + 采购总金额 colspan 2).
* table 3 — width 10 (3 label columns + 7). Header rows: the balance note (colspan 3,
  rowspan 3) + ``申请人情况`` (colspan 7); ``自然人`` (rowspan 2), ``法人或其他组织``
  (colspan 5), ``总计`` (rowspan 2); the five organisation columns. Body: 一、二、四 and
  any row at the top level: label colspan 3; a group (``三、本年度办理结果``, （三）（四）
  （五）, split （六）) is a label cell with rowspan = number of its present rows, sharing
  its first row's ``<tr>``; a row inside 三 has colspan 2, inside a sub-group colspan 1.
* table 4 — width 15. ``行政复议`` (colspan 5) + ``行政诉讼`` (colspan 10); its five result
  labels (rowspan 2) + ``未经复议直接起诉`` / ``复议后起诉`` (colspan 5 each); the ten
  litigation result labels; one data row of 15 values. Groups absent from the instance
  are left out and the spans shrink accordingly.

Cells: ``null`` is a blank cell (empty text), never 0 — except in the ``runs`` layout,
which has no separator to show an empty cell and writes ``/`` (one per blank cell: a
run of dashes ``——`` is read as one blank, as typography uses it). Counts are written as
integers (``-3`` for a negative 2019 change, no ``+``). Amounts are written exactly as
their decimal digits (``Decimal("24252.311082")`` → ``24252.311082``; never a float,
never an exponent). The 2019 procurement amount gets the row's ``unit`` appended
(``251000元``). Missing rows are skipped (the renderer only formats; it says nothing).
A cell key missing from a present row is written as a blank cell.

Targets and layouts (``to`` / ``layout``):

``to="html"``
    A minimal HTML5 document: ``<meta charset="utf-8">``, ``<title>``, ``<h1>`` title,
    ``<h2>`` section headings, one ``<p>`` per narrative line, and each table as
    ``<table border="1">`` with one ``<tr>`` per row and one ``<td>`` per origin cell,
    ``colspan``/``rowspan`` attributes only when > 1. Blank cells are ``<td></td>``.
``to="markdown"``
    ``# `` title, ``## `` headings, paragraphs separated by blank lines, and each table
    as one GitHub pipe table holding the **full official grid** (width 4/10/15): the first
    grid row is the pipe table's header row, followed by ``|---|…``. Markdown has no
    merged cells, so a merged cell's text is written in **every row it spans, in its
    first column**; the other columns it spans are left empty. Thus every body row of
    table 3 carries its full label path in columns 1–3 (``三、本年度办理结果 | （三）不予公开
    | 1.属于国家秘密``; ``一、…`` then two empty cells), ``自然人``/``总计`` appear in header
    rows 2 and 3, and a table-2 value spanning 3 columns is followed by two empty cells.
    Rows are written ``| a | b |`` (blank cell → ``|  |``). A blank line surrounds each
    pipe table.
``to="text"`` — every layout writes the title, headings and narrative as plain lines
(one per line, no blank lines except in ``blank``), in the skeleton order above. Table
cells are the origin cells in row-major order (positions covered by a span are not
written):

    ``layout="cells"`` (default; the seed ``examples/chaotian-2021.txt``)
        One cell per line, written ``{text} |`` (a blank cell is `` |``: a space and a
        pipe). After every row **except the last row of the table**, if the row has fewer
        origin cells than the table width, one *filler line* of ``width − cells`` pipes
        and nothing else (``|||``), where the web table's merged cells were. A filler line
        never contains a space, a cell line always ends with `` |``.
    ``layout="rows"``
        One table row per line: its origin cells joined by `` | `` (a blank cell is the
        empty string, so ``9 |  | 0``; a blank last cell leaves a trailing ``| ``). No
        filler, no leading or trailing pipe; a one-cell row (a table-2 block row) is just
        its text.
    ``layout="blank"``
        One cell per line and *every* written line (title, heading, narrative line, cell)
        separated from the next by exactly one empty line. A blank cell is an empty line,
        so between two cells with *k* blank cells in between there are ``2k + 1`` empty
        lines. No filler.
    ``layout="runs"`` (``pingtan-2021.txt``)
        Each table on **one** line: all its origin cells concatenated with no separator
        and no whitespace at all (``一、本年新收政府信息公开申请数量640020470``), the
        heading on the line before. A blank cell is written ``/``.

The output always ends with a newline. Nothing here reads files or validates.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from attrs import define, evolve

from govreport.contract import editions, tables
from govreport.contract.model import Report
from govreport.pointer import escape

__all__ = ["LAYOUTS", "TARGETS", "render", "skeleton"]

TARGETS: tuple[str, ...] = ("text", "markdown", "html")
LAYOUTS: tuple[str, ...] = ("cells", "rows", "blank", "runs")

# Header texts printed in the official tables but not part of the schema.
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
CONTENT = "信息内容"
#: What the ``runs`` layout writes for a blank cell (it has no separator to leave empty).
RUNS_BLANK = "/"

_SECTIONS = ("overview", "active_disclosure", "requests", "reviews", "problems", "other_matters")
_TABLE_KEYS = ("active_disclosure", "requests", "reviews")
_TITLE_SUFFIX = "政府信息公开工作年度报告"


@define(frozen=True, slots=True)
class _Cell:
    """One origin cell of a table: ``value`` is ``None`` for a blank data cell.

    ``pointer`` is the JSON Pointer the cell shows: a value cell's own pointer, a row or
    group label's row/group pointer; ``None`` for header texts. ``data`` marks a value
    cell (one that holds an instance value, blank or not). The text targets ignore both;
    the HTML report (:mod:`govreport.writers.report_html`) marks cells by them.
    """

    value: str | None
    colspan: int = 1
    rowspan: int = 1
    pointer: str | None = None
    data: bool = False


@define(frozen=True, slots=True)
class _Table:
    """A table as rows of origin cells over a grid ``width`` columns wide."""

    width: int
    rows: tuple[tuple[_Cell, ...], ...]


# -- values ---------------------------------------------------------------------------


def _format(value: Any) -> str:
    """The exact text of a cell value: integers as digits, decimals without exponent."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return str(value)


def _data(row: dict[str, Any], key: str, node: tables.Node) -> _Cell:
    value = row.get(key)
    if value is None:
        return _Cell(None, pointer=node.pointer, data=True)
    text = _format(value)
    unit = row.get("unit")
    if node.cell_type == "amount" and isinstance(unit, str) and unit:
        text += unit  # 2019 procurement: the unit the report wrote (元 / 万元)
    return _Cell(text, pointer=node.pointer, data=True)


def _cell_children(tree: dict[str, tables.Node], node: tables.Node) -> list[tables.Node]:
    return [c for c in (tree[f"{node.pointer}/{escape(k)}"] for k in node.children) if c.kind == "cell"]


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _present(part: dict[str, Any], nodes: Iterable[tables.Node]) -> list[tuple[tables.Node, dict[str, Any]]]:
    """The rows of ``nodes`` that the instance has (anything but an object counts as missing)."""
    return [(n, v) for n in nodes if (v := _obj(part.get(n.path[-1]))) is not None]


# -- the table model ------------------------------------------------------------------


def _table2(part: dict[str, Any], edition: str) -> _Table | None:
    tree = tables.tree(edition, "split")
    top = tree["/active_disclosure"]
    row_nodes = [tree[f"/active_disclosure/{k}"] for k in top.children]
    width = 1 + max(len(_cell_children(tree, r)) for r in row_nodes)

    def spans(n: int) -> list[int]:
        # The last column takes what is left of the grid, as in the official tables.
        return [1] * (n - 1) + [width - n] if n else []

    blocks: list[tuple[str | None, list[tables.Node]]] = []
    for r in row_nodes:
        if blocks and blocks[-1][0] == r.block:
            blocks[-1][1].append(r)
        else:
            blocks.append((r.block, [r]))

    rows: list[tuple[_Cell, ...]] = []
    for block, members in blocks:
        present = _present(part, members)
        if not present:
            continue
        if block:
            rows.append((_Cell(block, colspan=width),))
        columns = _cell_children(tree, members[0])
        rows.append((_Cell(CONTENT),) + tuple(_Cell(c.title, colspan=s) for c, s in zip(columns, spans(len(columns)))))
        for r, value in present:
            cols = _cell_children(tree, r)
            rows.append((_Cell(r.title, pointer=r.pointer),) + tuple(
                evolve(_data(value, c.path[-1], c), colspan=s) for c, s in zip(cols, spans(len(cols)))
            ))
    return _Table(width, tuple(rows)) if rows else None


def _table3(part: dict[str, Any], edition: str, shape: tables.Shape) -> _Table | None:
    tree = tables.tree(edition, shape)
    # Label columns: as deep as the deepest row of the official (split) table, always 3.
    depth = max(len(r.path) - 1 for r in tables.rows(edition, "split", "requests"))
    first_row = next(r for r in tables.rows(edition, shape, "requests"))
    columns = _cell_children(tree, first_row)

    header1 = (_Cell(BALANCE_NOTE, colspan=depth, rowspan=3), _Cell(APPLICANTS, colspan=len(columns)))
    header2: list[_Cell] = []
    header3: list[_Cell] = []
    i = 0
    while i < len(columns):
        group = columns[i].group
        if group is None:
            header2.append(_Cell(columns[i].title, rowspan=2))
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == group:
            header3.append(_Cell(columns[j].title))
            j += 1
        header2.append(_Cell(group, colspan=j - i))
        i = j

    def body(ptr: str, value: Any, level: int) -> list[list[_Cell]]:
        node = tree.get(ptr)
        obj = _obj(value)
        if node is None or obj is None:
            return []
        if node.kind == "row":
            return [[_Cell(node.title, colspan=depth - level, pointer=node.pointer)]
                    + [_data(obj, c.path[-1], c) for c in _cell_children(tree, node)]]
        out: list[list[_Cell]] = []
        for key in node.children:
            out += body(f"{ptr}/{escape(key)}", obj.get(key), level + 1)
        if out:
            out[0].insert(0, _Cell(node.title, rowspan=len(out), pointer=node.pointer))
        return out

    rows: list[list[_Cell]] = []
    for key in tree["/requests"].children:
        rows += body(f"/requests/{key}", part.get(key), 0)
    if not rows:
        return None
    return _Table(depth + len(columns), (header1, tuple(header2), tuple(header3), *(tuple(r) for r in rows)))


def _table4(part: dict[str, Any], edition: str) -> _Table | None:
    tree = tables.tree(edition, "split")
    present = _present(part, (tree[f"/reviews/{k}"] for k in tree["/reviews"].children))
    if not present:
        return None
    grouped = any(r.group for r, _ in present)
    header1: list[_Cell] = []
    header2: list[_Cell] = []
    header3: list[_Cell] = []
    data: list[_Cell] = []
    i = 0
    while i < len(present):
        node, _ = present[i]
        if node.group is None:
            cols = _cell_children(tree, node)
            header1.append(_Cell(node.title, colspan=len(cols), pointer=node.pointer))
            header2 += [_Cell(c.title, rowspan=2 if grouped else 1) for c in cols]
            i += 1
            continue
        j, span = i, 0
        while j < len(present) and present[j][0].group == node.group:
            cols = _cell_children(tree, present[j][0])
            header2.append(_Cell(present[j][0].title, colspan=len(cols), pointer=present[j][0].pointer))
            header3 += [_Cell(c.title) for c in cols]
            span += len(cols)
            j += 1
        header1.append(_Cell(node.group, colspan=span))
        i = j
    for node, value in present:
        data += [_data(value, c.path[-1], c) for c in _cell_children(tree, node)]
    rows = [tuple(header1), tuple(header2)] + ([tuple(header3)] if grouped else []) + [tuple(data)]
    return _Table(len(data), tuple(rows))


def _tables(instance: dict[str, Any]) -> dict[str, _Table]:
    edition = editions.edition_of(instance)
    out: dict[str, _Table] = {}
    table2 = _obj(instance.get("active_disclosure"))
    if table2 is not None and (t := _table2(table2, edition)):
        out["active_disclosure"] = t
    table3 = _obj(instance.get("requests"))
    if table3 is not None and (t := _table3(table3, edition, editions.shape_of(instance) or "split")):
        out["requests"] = t
    table4 = _obj(instance.get("reviews"))
    if table4 is not None and (t := _table4(table4, edition)):
        out["reviews"] = t
    return out


# -- the document skeleton --------------------------------------------------------------


@define(frozen=True, slots=True)
class _Section:
    heading: str
    lines: tuple[str, ...]
    table: _Table | None
    key: str = ""


def _title(instance: dict[str, Any]) -> str:
    info = _obj(instance.get("report")) or {}
    title = info.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    agency = info.get("agency") if isinstance(info.get("agency"), str) else ""
    year = info.get("year")
    return f"{agency}{year}年{_TITLE_SUFFIX}" if year is not None else f"{agency}{_TITLE_SUFFIX}"


def _skeleton(instance: dict[str, Any], with_sections: bool) -> tuple[str, list[_Section]]:
    edition = editions.edition_of(instance)
    tree = tables.tree(edition, "split")
    narrative = (_obj(instance.get("sections")) or {}) if with_sections else {}
    grids = _tables(instance)
    out: list[_Section] = []
    for key in _SECTIONS:
        text = narrative.get(key)
        lines = tuple(line for line in text.splitlines() if line.strip()) if isinstance(text, str) else ()
        table = grids.get(key)
        if lines or table is not None:
            out.append(_Section(tree[f"/sections/{key}"].title, lines, table, key))
    return _title(instance), out


def skeleton(instance: dict[str, Any], *, sections: bool = True) -> tuple[str, list[_Section]]:
    """The title and the sections of ``instance`` in the official layout, for a writer
    that formats the cells itself (the HTML report). Each section has its ``key``
    (``"requests"`` …), ``heading``, narrative ``lines`` and ``table`` (``width`` and
    ``rows`` of cells with ``value``, ``colspan``, ``rowspan``, ``pointer``, ``data``).
    """
    return _skeleton(instance, sections)


# -- targets --------------------------------------------------------------------------


def _grid(table: _Table) -> list[list[str]]:
    """The full grid for Markdown: a merged cell's text in every row it spans, first column only."""
    grid: list[list[str | None]] = [[None] * table.width for _ in table.rows]
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while c < table.width and grid[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(grid) and c + dc < table.width:
                        grid[r + dr][c + dc] = (cell.value or "") if dc == 0 else ""
            c += cell.colspan
    return [[v or "" for v in row] for row in grid]


def _markdown(title: str, sections: list[_Section]) -> str:
    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    parts = [f"# {title}"]
    for s in sections:
        parts.append(f"## {s.heading}")
        parts.extend(s.lines)
        if s.table is not None:
            grid = _grid(s.table)
            rows = [line(grid[0]), "|" + "---|" * s.table.width] + [line(r) for r in grid[1:]]
            parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def _html(title: str, sections: list[_Section]) -> str:
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for s in sections:
        out.append(f"<h2>{esc(s.heading)}</h2>")
        out.extend(f"<p>{esc(line)}</p>" for line in s.lines)
        if s.table is None:
            continue
        out.append('<table border="1">')
        for row in s.table.rows:
            cells = []
            for cell in row:
                attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                    f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                cells.append(f"<td{attrs}>{esc(cell.value or '')}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _cells_table(table: _Table) -> list[str]:
    out: list[str] = []
    for i, row in enumerate(table.rows):
        out.extend(f"{cell.value or ''} |" for cell in row)
        missing = table.width - len(row)
        if missing > 0 and i < len(table.rows) - 1:
            out.append("|" * missing)
    return out


def _rows_table(table: _Table) -> list[str]:
    return [" | ".join(cell.value or "" for cell in row) for row in table.rows]


def _blank_table(table: _Table) -> list[str]:
    return [cell.value or "" for row in table.rows for cell in row]


def _runs_table(table: _Table) -> list[str]:
    return ["".join(RUNS_BLANK if cell.value is None else cell.value for row in table.rows for cell in row)]


_TEXT: dict[str, tuple[Callable[[_Table], list[str]], str]] = {
    "cells": (_cells_table, "\n"),
    "rows": (_rows_table, "\n"),
    "blank": (_blank_table, "\n\n"),
    "runs": (_runs_table, "\n"),
}


def _text(title: str, sections: list[_Section], layout: str) -> str:
    write_table, joiner = _TEXT[layout]
    lines = [title]
    for s in sections:
        lines.append(s.heading)
        lines.extend(s.lines)
        if s.table is not None:
            lines.extend(write_table(s.table))
    return joiner.join(lines) + "\n"


def render(
    instance: dict[str, Any] | Report,
    *,
    to: str = "text",
    layout: str | None = None,
    sections: bool = True,
) -> str:
    """Write ``instance`` as a document with tables 2–4 in the official layout.

    ``to`` is ``"text"`` (default), ``"markdown"`` or ``"html"``; ``layout`` chooses the
    plain-text layout (``"cells"`` by default, ``"rows"``, ``"blank"``, ``"runs"``) and
    is only valid with ``to="text"``. ``sections=False`` leaves out the narrative (the
    headings of 二/三/四 stay, before their tables). The exact conventions of each
    target are in this module's docstring. Raises ``ValueError`` for an unknown
    target or layout; never for the instance's content, which is formatted as it is.
    """
    if to not in TARGETS:
        raise ValueError(f"unknown target {to!r}; expected one of {', '.join(TARGETS)}")
    if layout is not None and to != "text":
        raise ValueError(f"layout applies to to='text' only, not to={to!r}")
    chosen = layout or "cells"
    if chosen not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    data = instance.to_dict() if isinstance(instance, Report) else instance
    if not isinstance(data, dict):
        raise TypeError(f"expected a report instance (dict or Report), got {type(instance).__name__}")
    title, parts = _skeleton(data, sections)
    if to == "html":
        return _html(title, parts)
    if to == "markdown":
        return _markdown(title, parts)
    return _text(title, parts, chosen)
