"""The report as a document (stage ``document``): its sections, the statistics period it
states, when it was published, and whether it reports the fees charged for requests.

Every rule judges the instance: the narrative in ``instance["sections"]`` (as written:
full-width digits, spaces, line breaks and Traditional characters are tolerated by
folding them before matching) and ``instance["report"]``. The source map only says
where in the document a sentence was read. An instance without ``sections`` (tables
only) is not judged on its narrative.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from govreport.contract import deadlines, tables
from govreport.extract.normalize import t2s
from govreport.findings import Finding
from govreport.location import Location
from govreport.messages import Text
from govreport.validation.context import Context, printable
from govreport.validation.folding import Folding
from govreport.validation.settings import DocumentSettings

__all__ = ["DocumentCheck", "SECTIONS", "fold", "folded", "stated_period"]

#: The six sections of a report, in order (the keys of ``sections``).
SECTIONS = ("overview", "active_disclosure", "requests", "reviews", "problems", "other_matters")
#: Where the statistics period is stated, most likely first: the text before section 一,
#: then the sections.
PERIOD_SECTIONS = ("preamble", *SECTIONS)

#: The year fees for requests must be reported: 《政府信息公开信息处理费管理办法》
#: (国办函〔2020〕109号) applies from 2021 on, and the 2021 format reports them in section 六.
FEES_FROM = 2021


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return ""
    return "".join(c for c in t2s(unicodedata.normalize("NFKC", ch)) if not c.isspace())


_FOLDING = Folding(_fold_char)


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching — NFKC (full-width digits and punctuation), Traditional
    → Simplified, whitespace dropped — and, for each folded character, its offset in ``text``."""
    return _FOLDING.text(text), list(_FOLDING.offsets(text))


def folded(text: str) -> str:
    """:func:`fold` without the offsets."""
    return _FOLDING.text(text)


# "统计期限自2021年1月1日起至2021年12月31日止", "数据统计期限为2025年1月1日至12月31日",
# "统计周期为…", "统计时限为…", "统计期限从2019年1月1日到12月31日止": a named period, then
# two dates (the end year may be left out).
_PERIOD = re.compile(
    r"(?:统计(?:期限|时限|区间|周期|期间|时段|时间段|时间|范围|起止时间|起止日期)|数据统计)"
    r"[的为是从自由:]{0,3}"
    r"(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日起?"
    r"(?:至|到|—|-|~|～)"
    r"(?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日止?"
)


def _iso(y: int, m: int, d: int) -> str:
    """The date in ISO form, as stated (a day that does not exist is shown as written)."""
    return f"{y:04d}-{m:02d}-{d:02d}"


def stated_period(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int], int, int] | None:
    """The first statistics period stated in ``text``: (start, end, raw start, raw end).

    Dates are (year, month, day) as written; the end year, when left out, is the start
    year. The offsets are of ``text`` as given. None when no period is stated.
    """
    m = _PERIOD.search(folded(text))
    if m is None:
        return None
    where = _FOLDING.offsets(text)
    y1 = int(m["y1"])
    y2 = int(m["y2"]) if m["y2"] else y1
    return ((y1, int(m["m1"]), int(m["d1"])), (y2, int(m["m2"]), int(m["d2"])),
            where[m.start()], where[m.end() - 1] + 1)


# Words about fees for information requests. 处理费 (信息处理费, 信息公开处理费) anywhere;
# in section 六, where the format reports fees, any word of charging; elsewhere a word of
# charging in a sentence about requests or disclosure.
_FEE_NAMED = re.compile(r"处理费")
_CHARGING = re.compile(r"收费|费用|收取|免费|免收|不收|未收|计费")
_ABOUT_REQUESTS = re.compile(r"申请|信息公开")
_SENTENCE = re.compile(r"[。！？；!?;]")


def mentions_fees(sections: Mapping[str, Any]) -> bool:
    """Whether the narrative says anything about fees for information requests."""
    for name, text in sections.items():
        if not isinstance(text, str):
            continue
        plain = folded(text)
        if _FEE_NAMED.search(plain):
            return True
        if name == "other_matters" and _CHARGING.search(plain):
            return True
        if any(_CHARGING.search(s) and _ABOUT_REQUESTS.search(s) for s in _SENTENCE.split(plain)):
            return True
    return False


def _year(data: Mapping[str, Any]) -> int | None:
    report = data.get("report")
    year = report.get("year") if isinstance(report, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) and 1 <= year <= 9998 else None


def _published(data: Mapping[str, Any]) -> datetime.date | None:
    report = data.get("report")
    value = report.get("published_on") if isinstance(report, dict) else None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None  # a malformed date is SCHEMA-VALUE's, not a date to judge
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


_BY_CALLER = Text("层级由调用者指定", "the level is given by the caller")


class DocumentCheck:
    """The document rules: DOC-SECTIONS, DOC-PERIOD, DOC-DEADLINE and DOC-FEES."""

    stage = "document"
    rules = frozenset({"DOC-SECTIONS", "DOC-PERIOD", "DOC-DEADLINE", "DOC-FEES"})

    def run(self, context: Context) -> Iterator[Finding]:
        data = context.instance
        if not isinstance(data, dict):
            return
        settings = context.document
        sections = data.get("sections")
        if isinstance(sections, dict):  # an instance without narrative (tables only) is not judged on it
            yield from self._sections(context, sections)
            yield from self._period(context, data, sections)
            yield from self._fees(context, data, sections)
        yield from self._deadline(context, data, settings)

    def _sections(self, context: Context, sections: Mapping[str, Any]) -> Iterator[Finding]:
        """DOC-SECTIONS: one of the six sections is missing."""
        for name in SECTIONS:
            if name not in sections:
                ptr = f"/sections/{name}"
                heading = context.label(ptr).rsplit(tables.SEP, 1)[-1]
                yield context.finding("DOC-SECTIONS", ptr, {"label": heading}, stage=self.stage)

    def _period(self, context: Context, data: Mapping[str, Any], sections: Mapping[str, Any]) -> Iterator[Finding]:
        """DOC-PERIOD: the stated statistics period is not 1 January–31 December of the year."""
        year = _year(data)
        if year is None:
            return  # no year: nothing to compare the period with
        for name in PERIOD_SECTIONS:
            text = sections.get(name)
            if not isinstance(text, str):
                continue
            found = stated_period(text)
            if found is None:
                continue
            start, end, lo, hi = found
            if start == (year, 1, 1) and end == (year, 12, 31):
                return
            ptr = f"/sections/{name}"
            expected = f"{_iso(year, 1, 1)}/{_iso(year, 12, 31)}"
            actual = f"{_iso(*start)}/{_iso(*end)}"
            args = {"section": context.label(ptr).rsplit(tables.SEP, 1)[-1], "quote": re.sub(r"\s+", "", text[lo:hi]),
                    "start": _iso(*start), "end": _iso(*end), "year": printable(year)}
            yield context.finding("DOC-PERIOD", ptr, args, expected=expected, actual=actual, stage=self.stage,
                                  location=self._where(context, ptr, lo))
            return  # the first period stated is the report's

    def _fees(self, context: Context, data: Mapping[str, Any], sections: Mapping[str, Any]) -> Iterator[Finding]:
        """DOC-FEES: a report on 2021 or later says nothing about fees for requests."""
        year = _year(data)
        if year is None or year < FEES_FROM or mentions_fees(sections):
            return
        ptr = "/sections/other_matters"
        yield context.finding("DOC-FEES", ptr, {"year": printable(year)}, stage=self.stage)

    def _deadline(self, context: Context, data: Mapping[str, Any], settings: DocumentSettings) -> Iterator[Finding]:
        """DOC-DEADLINE: published after the deadline of the agency's level (条例 第四十九条)."""
        year = _year(data)
        published = settings.published_on or _published(data)
        if year is None or published is None:
            return  # no date (or no year): not assessable
        report = data.get("report")
        agency = report.get("agency") if isinstance(report, dict) else None
        if settings.level is not None:
            level: deadlines.Level = settings.level
            reason = _BY_CALLER
        else:
            match = deadlines.level_of(agency) if isinstance(agency, str) else None
            if match is None:
                return  # the level cannot be told from the name: not assessable
            level = match.level
            reason = Text(f"发布机关「{agency}」{match.reason.zh}", f"the agency “{agency}” {match.reason.en}")
        due = deadlines.deadline(level, year, settings.township_deadline)
        if published <= due:
            return
        basis = deadlines.basis(level, year)
        if (level == "township" and settings.township_deadline is not None
                and not deadlines.under_2007_regulations(year)):
            month, day = settings.township_deadline
            basis = Text(f"乡镇、街道的时限由地方规定，此处按调用者设定的{month}月{day}日",
                         f"townships and sub-districts follow local rules; here the caller's {month:02d}-{day:02d}")
        args = {"level": deadlines.level_text(level), "reason": reason, "basis": basis,
                "year": printable(year), "deadline": due.isoformat(), "published": published.isoformat(),
                "days": (published - due).days}
        template = "DOC-DEADLINE:given" if settings.published_on is not None else ""
        yield context.finding("DOC-DEADLINE", "/report/published_on", args, template=template,
                              expected=due.isoformat(), actual=published.isoformat(), stage=self.stage)

    @staticmethod
    def _where(context: Context, ptr: str, offset: int) -> Location | None:
        prov = context.provenance(ptr)
        return prov.locate(offset) if prov is not None else None
