"""Section headings, narrative text and report metadata (agency, year, title, date).

Headings are found by their numeral and wording (``一、总体情况``), tolerant of
renamed and renumbered sections (``—、总体情况``, ``一、工作概述``, the 2019 wording of
section 四) and of headings run into the text; the numeral is required, because the
same words occur in sentences ("本报告包括总体情况、主动公开政府信息情况…").
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from govreport.extract.labels import data, spaced
from govreport.extract.stream import Stream
from govreport.location import Location

__all__ = ["PREAMBLE", "SECTIONS", "find_sections", "metadata", "section_texts"]

SECTIONS = ("overview", "active_disclosure", "requests", "reviews", "problems", "other_matters")

_NUMERALS = "一二三四五六七八"


def _heading_regex() -> re.Pattern[str]:
    parts = []
    for i, name in enumerate(SECTIONS):
        patterns = "|".join(spaced(p) for p in data()["sections"][name])
        parts.append(f"(?P<s{i}>{patterns})")
    # A numeral (一 … 八, or the dash-like 一 look-alikes) and 、 or . before the words.
    words = "|".join(parts)
    # After a line break or punctuation the 、 is optional; run into other text it is not.
    return re.compile(
        rf"(?:(?:^|(?<=[\n 。|:;]))[ ]*(?P<num>[{_NUMERALS}—－-])[ ]*[、.,]?|(?P<num2>[{_NUMERALS}])[、.])[ ]*(?:{words})"
    )


def find_sections(stream: Stream) -> dict[str, tuple[int, int]]:
    """Section name → (heading start, heading end) in the stream, first plausible match.

    Headings inside table grids are ignored; a section is taken at most once, and
    sections must appear in increasing order of position.
    """
    found: dict[str, tuple[int, int]] = {}
    regex = _heading_regex()
    for m in regex.finditer(stream.text):
        name = next(SECTIONS[int(k[1:])] for k, v in m.groupdict().items() if k.startswith("s") and v)
        if name in found:
            continue
        if stream.line_kinds[stream.line_of(m.start())] == "grid":
            continue
        later = [s for s, (a, _) in found.items() if SECTIONS.index(s) > SECTIONS.index(name) and a < m.start()]
        if later:
            continue
        found[name] = (m.start(), m.end())
    return found


#: The text before section 一 (title, basis, statistics period) is kept under this key.
PREAMBLE = "preamble"


def section_texts(stream: Stream, sections: dict[str, tuple[int, int]],
                  exclude: list[tuple[int, int]]) -> dict[str, tuple[str, tuple[tuple[int, Location], ...]]]:
    """The narrative text of each section as written (tables left out), with anchors.

    Each text comes with ``(offset, location)`` anchors, one per source line, so a
    sentence found in it can be located in the document. The text before the first
    heading is kept as :data:`PREAMBLE` (only when some heading was found).
    """
    order = sorted(sections.items(), key=lambda kv: kv[1][0])
    spans: list[tuple[str, int, int]] = []
    if order and order[0][1][0] > 0:
        spans.append((PREAMBLE, 0, order[0][1][0]))
    for i, (name, (_, head_end)) in enumerate(order):
        end = order[i + 1][1][0] if i + 1 < len(order) else len(stream.text)
        spans.append((name, head_end, end))
    out: dict[str, tuple[str, tuple[tuple[int, Location], ...]]] = {}
    for name, begin, end in spans:
        parts: list[str] = []
        anchors: list[tuple[int, Location]] = []
        length = 0
        for piece in stream.pieces_from(begin):
            if piece.start >= end:
                break
            if piece.kind == "grid":
                continue
            a = max(begin, piece.start)
            b = min(end, piece.start + len(piece.view.text))
            if a >= b:
                continue
            for lo, hi in _subtract((a, b), exclude):
                first = piece.view.source(lo - piece.start)
                raw = piece.raw[first: piece.view.source(hi - piece.start)]
                text = raw.strip()
                if not text:
                    continue
                origin = first + (len(raw) - len(raw.lstrip()))
                if parts:
                    length += 1  # the "\n" joining parts
                offset = 0
                for line in text.split("\n"):
                    anchors.append((length + offset, piece.locate_raw(origin + offset)))
                    offset += len(line) + 1
                parts.append(text)
                length += len(text)
        joined = "\n".join(parts)
        text = joined.strip(" \n。.|")
        if text:
            lead = len(joined) - len(joined.lstrip(" \n。.|"))
            out[name] = (text, tuple((max(o - lead, 0), loc) for o, loc in anchors if o - lead < len(text)))
    return out


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [span]
    for lo, hi in holes:
        nxt = []
        for a, b in pieces:
            if hi <= a or lo >= b:
                nxt.append((a, b))
                continue
            if a < lo:
                nxt.append((a, lo))
            if hi < b:
                nxt.append((hi, b))
        pieces = nxt
    return pieces


# A title: up to 40 characters, a year, up to 30 more, ending in 报告 or 年报.
_TITLE = re.compile(r"([^\s|:：。，,；;]{0,40}?\d{4}[ ]*年[^\s|。，,；;]{0,30}?(?:报告|年报))")
_TITLE_YEAR = re.compile(r"(?=\d{4}[ ]*年)")
_NOT_BEFORE_YEAR = re.compile(r"[\s|:：。，,；;]")


def titles(text: str) -> list[re.Match[str]]:
    """The matches of :data:`_TITLE` in ``text``, as ``finditer`` gives them.

    Tried only where a match can begin: a match has a year (``2021年``) at most 40
    characters in, after characters none of which may stand before the year, so the
    first place a match can begin for a year at ``r`` is ``p(r)``, the latest of the
    search position, ``r - 40`` and just after the last such character before ``r``.
    A match starting anywhere is one starting at ``p(r)`` for its year ``r`` (the
    characters in between are allowed), and ``p`` only grows with ``r``, so the first
    year whose ``p(r)`` gives a match gives the leftmost match.
    """
    years = [m.start() for m in _TITLE_YEAR.finditer(text)]
    if not years:
        return []
    stops = [m.start() for m in _NOT_BEFORE_YEAR.finditer(text)]
    out: list[re.Match[str]] = []
    pos = 0
    tried = -1
    for r in years:
        if r < pos:
            continue
        k = bisect.bisect_left(stops, r) - 1
        start = max(pos, r - 40, stops[k] + 1 if k >= 0 else 0)
        if start == tried:
            continue
        tried = start
        m = _TITLE.match(text, start)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out
_YEAR = re.compile(r"(\d{4})[ ]*年度?")
_SUFFIX = re.compile(r"(的)?(政府信息公开|政务公开|信息公开)?(工作)?(年度)?(报告|年报)$")
_PERIOD = re.compile(r"统计(期限|周期|区间|时间)?[^。]{0,12}?(\d{4})[ ]*年[ ]*1[ ]*月[ ]*1[ ]*日")
_PUBLISHED = re.compile(r"(发布日期|发布时间|公开日期|发文日期|发布于)[ ]*[:：|]?[ ]*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_META_DATE = re.compile(r"(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")


def metadata(stream: Stream, before: int, signed_after: int | None = None) -> dict[str, object]:
    """Agency, year, title and publication date, when the document states them.

    ``before`` bounds the search to the part before the tables (titles and dates are
    at the top). The date is a stated 发布日期 (or the page's metadata), else the date
    of the signature (落款) ending the document after ``signed_after`` (the last
    section heading). Nothing is inferred from elsewhere: what is not stated is left out.
    """
    out: dict[str, object] = {}
    head = stream.text[: max(before, 0) or len(stream.text)][:6000]
    candidates = []
    doc_title = stream.document.title
    if doc_title:
        candidates.append(re.sub(r"\s+", "", doc_title))
    for m in titles(re.sub(r"[ ]+", "", head.replace("\n", " \n"))):
        candidates.append(m.group(1))
    # A title split over two lines ("洪泽区人民政府" / "2023年政府信息公开工作年度报告").
    lines = [ln.strip() for ln in head.split("\n") if ln.strip()][:15]
    for a, b in zip(lines, lines[1:]):
        joined = re.sub(r"\s+", "", a + b)
        # Only a short line of plain words (the agency) above a title that starts with
        # the year: anything else above a title is page furniture.
        if (len(a) <= 30 and not re.search(r"[\d:：，,。|/]", a) and re.match(r"\d{4}[ ]*年", b)
                and re.search(r"(报告|年报)$", joined)):
            candidates.insert(1 if doc_title else 0, joined)
        # ... or a title broken after a few words ("2025年上海市…政府信息公开" / "工作年度报告").
        elif (re.search(r"\d{4}[ ]*年", a) and "报告" not in a and len(b) <= 12
              and not re.search(r"[\d:：，,。|/]", b) and re.search(r"(报告|年报)$", joined) and len(joined) <= 60):
            candidates.append(joined)
    title = None
    for c in candidates:
        c = re.sub(r"^[#*\s]+|[#*\s]+$", "", c)  # Markdown heading and emphasis marks
        c = re.sub(r"^(标题|名称|题目)[:：]", "", c)
        for part in re.split(r"[-—_|·]", c):
            if re.search(r"\d{4}", part) and re.search(r"(报告|年报)$", part) and "公开" in part:
                title = part
                break
        if title:
            break
    if title:
        out["title"] = title
        year = _YEAR.search(title)
        if year:
            out["year"] = int(year.group(1))
            # The agency is what remains once the year and "政府信息公开工作年度报告" are gone.
            rest = (title[: year.start()] + title[year.end():]).strip()
            agency = re.sub(r"^关于", "", _SUFFIX.sub("", rest)).strip()
            if agency and not re.fullmatch(r"[\d年度的]*", agency):
                out["agency"] = agency
    if "year" not in out:
        period = _PERIOD.search(stream.text)
        if period:
            out["year"] = int(period.group(2))
    stated = _PUBLISHED.search(stream.text[:20000])
    published = None
    if stated:
        published = _date(stated.group(2), stated.group(3), stated.group(4))
    if published is None:
        for key in ("PubDate", "pubdate", "publishdate", "PublishDate", "firstpublishedtime"):
            value = stream.document.metadata.get(key)
            if value:
                dm = _META_DATE.search(value)
                if dm:
                    published = _date(*dm.groups())
                    break
    year_found = out.get("year")
    if published is None and signed_after is not None and isinstance(year_found, int):
        published = _signature_date(stream, signed_after, year_found)
    if published is not None:
        out["published_on"] = published
    return out


# The last line of a report: a date alone, or the agency then the date (落款).
_SIGNED = re.compile(r"(?:[^\d\s，。,;；:：|()（）]{2,30}[ ]+)?(\d{4})[ ]*年[ ]*(\d{1,2})[ ]*月[ ]*(\d{1,2})[ ]*日")
# Page furniture that may follow it: page numbers ("— 7 —", "-5-", "第5页", "5/6").
_PAGE_NUMBER = re.compile(r"[—\-－ ]*\d{1,3}[—\-－ ]*|第[ ]*\d{1,3}[ ]*页(共[ ]*\d{1,3}[ ]*页)?|\d{1,3}[ ]*/[ ]*\d{1,3}")


def _signature_date(stream: Stream, after: int, year: int) -> str | None:
    """The date of the signature ending the document, when it is certainly one.

    Only the last line of text (page numbers aside) after the last section heading,
    holding nothing but a date (or an agency name and a date), dated after the end of
    the report year: a date elsewhere, or one that could be of something else, is left out.
    """
    lines: list[tuple[int, str]] = []
    offset = after
    for line in stream.text[after:].split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    for start, line in reversed(lines):
        text = line.strip()
        if not text or _PAGE_NUMBER.fullmatch(text):
            continue
        if stream.line_kinds[stream.line_of(start)] == "grid":
            return None
        m = _SIGNED.fullmatch(text)
        if m is None:
            return None
        found = _date(m.group(1), m.group(2), m.group(3))
        return found if found is not None and found > f"{year:04d}-12-31" else None
    return None


def _date(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None
