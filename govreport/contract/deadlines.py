"""Publication deadlines of the annual report, by level of the publishing agency (data).

The deadlines and the patterns that tell an agency's level from its name are data, in
``deadlines.json`` beside this module (条例 2019 revision, 第四十九条): a department of
a county-or-higher people's government publishes its report on year Y by 31 January of
Y+1; a county-or-higher people's government publishes its own (本级政府) report by
31 March; townships (乡镇) and sub-districts (街道) follow local rules, 31 January
unless the caller sets another date (a report on 2018 or earlier fell under the 2007
条例: 31 March for all). A development or pilot zone (开发区, 实验区, 新区 …)
named on its own or as its 管委会 is taken as its level's government: its report is
the zone's own report, as a county's is the county's.
"""

from __future__ import annotations

import datetime
import functools
import importlib.resources
import json
import re
from typing import Any, Literal

from attrs import define

from govreport.messages import Text

__all__ = ["LEVELS", "Level", "LevelMatch", "basis", "deadline", "level_of", "level_text", "under_2007_regulations"]

Level = Literal["department", "government", "township"]

#: The levels, in the order of ``deadlines.json``.
LEVELS: tuple[Level, ...] = ("department", "government", "township")


@functools.cache
def _data() -> dict[str, Any]:
    text = (importlib.resources.files("govreport.contract") / "deadlines.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    assert tuple(data["levels"]) == LEVELS, "deadlines.json levels"
    return data


@define(frozen=True, slots=True)
class LevelMatch:
    """The level of an agency, and the pattern of ``deadlines.json`` that decided it."""

    level: Level
    reason: Text


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], Level, Text], ...]:
    return tuple((re.compile(p["regex"]), p["level"], Text(p["zh"], p["en"])) for p in _data()["patterns"])


def level_of(agency: str) -> LevelMatch | None:
    """The level told by the first pattern matching ``agency`` (spaces ignored), or None."""
    name = re.sub(r"\s+", "", agency)
    for regex, level, reason in _patterns():
        if regex.search(name):
            return LevelMatch(level, reason)
    return None


def level_text(level: Level) -> Text:
    """What the level is called, in both languages."""
    entry = _data()["levels"][level]
    return Text(entry["zh"], entry["en"])


def _before_revision(year: int) -> dict[str, Any] | None:
    """The 2007 条例's single deadline, for a report on a year it still governed."""
    old: dict[str, Any] = _data()["before_2019_revision"]
    return old if year <= old["last_year"] else None


def under_2007_regulations(year: int) -> bool:
    """Whether a report on ``year`` fell under the 2007 条例 (one deadline, 31 March)."""
    return _before_revision(year) is not None


def basis(level: Level, year: int) -> Text:
    """The legal basis of the deadline of a report on ``year`` at ``level``."""
    old = _before_revision(year)
    entry = old["basis"] if old is not None else _data()["levels"][level]["basis"]
    return Text(entry["zh"], entry["en"])


def deadline(level: Level, year: int, township: tuple[int, int] | None = None) -> datetime.date:
    """The last day a report on ``year`` may be published at ``level``.

    ``township`` (month, day) replaces the default for townships and sub-districts
    (their deadline is set locally). A report on 2018 or earlier fell under the 2007
    条例: 31 March for every level.
    """
    old = _before_revision(year)
    if old is not None:
        return datetime.date(year + 1, old["month"], old["day"])
    entry = _data()["levels"][level]
    month, day = (township if level == "township" and township is not None else (entry["month"], entry["day"]))
    return datetime.date(year + 1, month, day)
