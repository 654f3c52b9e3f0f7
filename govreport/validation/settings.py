"""What the caller may tell the document rules that the report itself may not say.

:class:`DocumentSettings` reaches the checks through :class:`~govreport.validation.Validator`
and the :class:`~govreport.validation.context.Context`, never through globals: the level
of the publishing agency (instead of telling it from the agency's name), the date of
publication (instead of the one read from the document), and the deadline of townships
and sub-districts, which local rules set.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from attrs import define

from govreport.contract.deadlines import LEVELS, Level

__all__ = ["DocumentSettings", "parse_date", "parse_level", "parse_month_day"]


def parse_level(value: Any) -> Level:
    """``value`` if it is one of :data:`~govreport.contract.deadlines.LEVELS`, else ValueError."""
    for level in LEVELS:
        if value == level:
            return level
    raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {value!r}")


def parse_date(value: Any) -> datetime.date:
    """A date, or its ISO text ``YYYY-MM-DD`` (ValueError for anything else)."""
    if isinstance(value, datetime.datetime):
        raise ValueError(f"a date is needed, not a date and time: {value!r}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"a date YYYY-MM-DD is needed, not {value!r}")


def parse_month_day(value: Any) -> tuple[int, int]:
    """A day of the year, as ``(month, day)`` or the text ``MM-DD`` (ValueError otherwise).

    29 February is refused: a deadline must exist in every year.
    """
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}-\d{1,2}", value):
        month, day = (int(part) for part in value.split("-"))
    elif (isinstance(value, tuple) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        month, day = value
    else:
        raise ValueError(f"a day of the year MM-DD is needed, not {value!r}")
    try:
        datetime.date(2001, month, day)  # not a leap year: 29 February does not exist every year
    except ValueError:
        raise ValueError(f"{value!r} is not a day that exists in every year") from None
    return month, day


@define(frozen=True, kw_only=True, slots=True)
class DocumentSettings:
    """Overrides for the document rules (all optional; None means "from the report").

    ``level`` — ``"department"``, ``"government"`` or ``"township"``: the level of the
    publishing agency for DOC-DEADLINE, instead of the one told from ``report.agency``.
    ``published_on`` — the date of publication, instead of ``report.published_on``.
    ``township_deadline`` — ``(month, day)`` of the year after the report's by which a
    township or sub-district publishes (local rules; default 31 January).
    """

    level: Level | None = None
    published_on: datetime.date | None = None
    township_deadline: tuple[int, int] | None = None

    @classmethod
    def of(cls, *, level: Any = None, published_on: Any = None, township_deadline: Any = None) -> DocumentSettings:
        """Settings from plain values (ISO texts accepted); ValueError for a bad one."""
        return cls(
            level=None if level is None else parse_level(level),
            published_on=None if published_on is None else parse_date(published_on),
            township_deadline=None if township_deadline is None else parse_month_day(township_deadline),
        )
