"""Documents that are not one report: two reports in one file, table 3 printed twice,
a notice that lists the section headings.

Each of these used to read *silently wrong*: the second report was ignored and the
first called valid; the cells of a second copy of table 3 landed in other rows and
were blamed on the report's arithmetic; a notice listing the six headings became a
"report" with every table missing. What is seen is said instead:

* :func:`second_report` -- after the first report's table 3, the headings of sections
  一/二/三 (which precede table 3 in every report) start again and table 3's first row
  follows them: the file holds another report. Reading one of two reports would be a
  guess at which one is meant, so this is a read error (``several-reports``) naming
  where the second starts.
* :func:`repeated_table` -- inside table 3's region, its first row
  (``一、本年新收政府信息公开申请数量``) appears again after its last row
  (``四、结转下年度继续办理``): the table is printed twice. The first copy is read, the
  region is cut where the second begins, and READ-REPEATED says where it is.
* :func:`outline_only` -- section headings but no table rows and next to no text under
  the headings: a notice, a template outline or a table of contents, not a report
  (``not-a-report``).
"""

from __future__ import annotations

from collections.abc import Mapping

from govreport.extract.meta import SECTIONS, _heading_regex
from govreport.extract.stream import Stream

__all__ = ["OUTLINE_CHARS", "outline_only", "repeated_table", "second_report"]

#: Sections whose headings come before table 3 in a report.
_BEFORE_TABLE3 = frozenset(SECTIONS[:3])

#: Fewer characters than this under all the headings together, with no table, is an
#: outline of a report (a notice, a table of contents), not a report. The shortest
#: narrative in the corpus is ~1,500 characters.
OUTLINE_CHARS = 300


def second_report(stream: Stream, table3: tuple[int, int] | None) -> int | None:
    """Offset where a second report starts in ``stream`` (None if there is one report).

    A second report is a heading of section 一, 二 or 三 after the end of the first
    report's table 3, followed by the first row of another table 3.
    """
    if table3 is None:
        return None
    received = [e.start for e in stream.labels(table3[1]) if e.label is not None and e.label.key == "/requests/received"]
    if not received:
        return None
    for m in _heading_regex().finditer(stream.text, table3[1]):
        name = next(SECTIONS[int(k[1:])] for k, v in m.groupdict().items() if k.startswith("s") and v)
        if name not in _BEFORE_TABLE3 or stream.line_kinds[stream.line_of(m.start())] == "grid":
            continue
        if any(start > m.end() for start in received):
            return m.start()
        return None
    return None


def repeated_table(stream: Stream, table3: tuple[int, int]) -> int | None:
    """Offset where a second copy of table 3 starts inside its region (None if printed once)."""
    events = [e for e in stream.labels(*table3) if e.label is not None]
    seen_last = False
    for e in events:
        key = e.label.key if e.label is not None else ""
        if key == "/requests/carried_forward":
            seen_last = True
        elif seen_last and (key == "/requests/received" or key.startswith("header:requests")):
            return e.start
    return None


def outline_only(tables_read: bool, texts: Mapping[str, str]) -> bool:
    """Section headings with no table and (next to) nothing under them."""
    if tables_read:
        return False
    written = sum(len("".join(text.split())) for name, text in texts.items() if name in SECTIONS)
    return written < OUTLINE_CHARS
