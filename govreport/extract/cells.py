"""Cell values: parsing printed tokens, and splitting cells that were run together.

A web page flattened to text can lose every separator between cells:
``一、本年新收政府信息公开申请数量640020470`` is the seven cells 64,0,0,2,0,4,70 — and
only arithmetic says so. :func:`splits` enumerates every way to cut the printed tokens
into the expected number of cells (a cell never starts with a leading zero unless it
is ``0``; a sign starts a new cell; a decimal part stays with its digits) and keeps the
ways that satisfy a constraint. Nothing is guessed: a caller that gets more than one
way must say so and leave the cells blank.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from attrs import define

__all__ = ["Budget", "BudgetSpent", "Parsed", "SplitLimit", "parse_token", "splits"]

#: The most digits a number token may have: Python reads no longer integers (4300 by
#: default), and no count or amount comes near. A longer run of digits is not a number
#: (the cell is reported as unreadable text, never cut short).
MAX_TOKEN_DIGITS = 4300

_TOKEN = re.compile(rf"^(?P<sign>[+\-]?)(?P<int>\d{{1,{MAX_TOKEN_DIGITS}}})(?P<frac>\.\d{{1,{MAX_TOKEN_DIGITS}}})?"
                    r"(?P<unit>万元|元)?$")


@define(frozen=True, slots=True)
class Parsed:
    """A parsed cell: its value (int or Decimal, None for a blank) and the unit written in it."""

    value: int | Decimal | None
    unit: str | None = None
    signed: bool = False
    token: int = -1  # for a split: which printed token the cell came from

    @property
    def blank(self) -> bool:
        return self.value is None


def parse_token(token: str) -> Parsed | None:
    """Parse a printed cell token (already normalised: ASCII digits, no separators)."""
    m = _TOKEN.match(token)
    if m is None:
        return None
    sign = -1 if m.group("sign") == "-" else 1
    if m.group("frac"):
        value: int | Decimal = Decimal(m.group("int") + m.group("frac")) * sign
    else:
        value = int(m.group("int")) * sign
    return Parsed(value=value, unit=m.group("unit"), signed=bool(m.group("sign")))


class SplitLimit(Exception):
    """Too many ways to split: the enumeration was stopped."""


class BudgetSpent(SplitLimit):
    """The document's budget of search steps is spent: no more splitting in this document."""


class Budget:
    """Search steps left for splitting run-together digits, shared by all rows of a document.

    Each row also has its own limit; the shared budget keeps a document of many such
    rows from costing rows x limit.
    """

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise BudgetSpent()


_MAX_RESULTS = 1000


def _parts(token: str) -> tuple[str, str, str, str]:
    m = _TOKEN.match(token)
    if m is None:
        raise ValueError(f"not a number token: {token!r}")
    return m.group("sign"), m.group("int"), m.group("frac") or "", m.group("unit") or ""


def _valid_part(digits: str) -> bool:
    return digits == "0" or (digits != "" and digits[0] != "0")


def splits(
    tokens: Sequence[str],
    count: int,
    accept: Callable[[list[Parsed]], bool] | None = None,
    *,
    limit: int = 200_000,
    prefix_check: Callable[[list[Parsed]], bool] | None = None,
    atomic: Sequence[bool] | None = None,
    stop_after: int = 1000,  # _MAX_RESULTS: more raises SplitLimit; smaller: just stop
    shared: Budget | None = None,
) -> list[list[Parsed]]:
    """Every way to cut ``tokens`` into ``count`` cells that ``accept`` allows.

    Each token yields at least one cell; cuts fall only between digits of a token's
    integer part; the sign (if any) stays with the first cell of its token and the
    decimal part and unit with the last. A token marked ``atomic`` (it filled a table
    cell of its own) is exactly one cell. ``prefix_check`` may reject a partial split
    early (for speed). Raises :class:`SplitLimit` after ``limit`` partial states or
    more than 1000 results (:class:`BudgetSpent` when the ``shared`` budget runs out) (a list that is not complete is never returned, because
    callers keep the cells all candidates agree on); a smaller ``stop_after`` just
    stops early, for callers that only count.
    """
    # A blank token ("" — a dash or an empty cell among run-together digits) is one
    # blank cell; it cannot be cut and holds no digits.
    pieces = [("", "", "", "") if t == "" else _parts(t) for t in tokens]
    blank = [t == "" for t in tokens]
    fixed = [a or b for a, b in zip(atomic if atomic is not None else [False] * len(pieces), blank)]
    if count < len(pieces):
        return []
    out: list[list[Parsed]] = []
    budget = [limit]

    def emit_token(i: int, acc: list[Parsed], remaining: int) -> Iterator[list[Parsed]]:
        budget[0] -= 1
        if budget[0] < 0:
            raise SplitLimit()
        if shared is not None:
            shared.spend()
        if i == len(pieces):
            if remaining == 0:
                yield acc
            return
        sign, digits, frac, unit = pieces[i]
        tokens_left = len(pieces) - i - 1
        if blank[i]:
            if remaining - tokens_left >= 1:
                yield from emit_token(i + 1, acc + [Parsed(value=None, token=i)], remaining - 1)
            return
        max_cells = 1 if fixed[i] else min(len(digits), remaining - tokens_left)
        for k in range(1, max_cells + 1):
            for cut in _cuts(digits, k):
                cells = []
                for j, part in enumerate(cut):
                    text = ("-" if sign == "-" and j == 0 else "") + part
                    if j == len(cut) - 1 and frac:
                        value: int | Decimal = Decimal(part + frac) * (-1 if sign == "-" and j == 0 else 1)
                    else:
                        value = int(text)
                    cells.append(Parsed(value=value, unit=unit or None if j == len(cut) - 1 else None,
                                        signed=bool(sign) and j == 0, token=i))
                new = acc + cells
                if prefix_check is not None and not prefix_check(new):
                    continue
                yield from emit_token(i + 1, new, remaining - k)

    for candidate in emit_token(0, [], count):
        if accept is None or accept(candidate):
            out.append(candidate)
            if len(out) >= stop_after:
                if stop_after == _MAX_RESULTS:
                    # An incomplete list would make "all candidates agree" a guess.
                    raise SplitLimit()
                break
    return out


def _cuts(digits: str, k: int) -> Iterator[list[str]]:
    """Ways to cut ``digits`` into ``k`` parts without leading zeros."""
    if k == 1:
        if _valid_part(digits):
            yield [digits]
        return
    for i in range(1, len(digits) - k + 2):
        head = digits[:i]
        if not _valid_part(head):
            if head[0] == "0":
                # A leading "0" can only be the cell "0" itself.
                if i > 1:
                    break
            continue
        for rest in _cuts(digits[i:], k - 1):
            yield [head, *rest]


def values(cells: Sequence[Parsed]) -> list[Any]:
    return [c.value for c in cells]


def sum_splits(
    tokens: Sequence[str],
    groups: Sequence[int],
    *,
    atomic: Sequence[bool] | None = None,
    limit: int = 200_000,
    shared: Budget | None = None,
) -> list[list[Parsed]]:
    """Splits of run-together counts into consecutive groups that each add up.

    ``groups`` gives each group's size: its last cell is the total of the others
    (table 3 row: ``[7]``; table 4: ``[5, 5, 5]``). Only plain non-negative integers are
    handled (anything else returns ``[]``, and the caller falls back to :func:`splits`).
    Because every part is at most its group's total, the search is small even for
    city-level numbers, where the unconstrained enumeration would explode.
    """
    pieces = []
    for t in tokens:
        m = _TOKEN.match(t) if t else None
        if m is None or m.group("sign") or m.group("frac") or m.group("unit"):
            return []
        pieces.append(m.group("int"))
    fixed = list(atomic) if atomic is not None else [False] * len(pieces)
    digits = "".join(pieces)
    n = len(digits)
    must_cut: set[int] = set()
    no_cut: set[int] = set()
    pos = 0
    for piece, whole in zip(pieces, fixed):
        if pos:
            must_cut.add(pos)
        if whole:
            no_cut.update(range(pos + 1, pos + len(piece)))
        pos += len(piece)
    budget = [limit]

    def part_ok(a: int, b: int) -> bool:
        if b <= a or a in no_cut or b in no_cut:
            return False
        if any(a < c < b for c in must_cut):
            return False
        return _valid_part(digits[a:b])

    def parts(a: int, b: int, k: int, total: int) -> Iterator[list[int]]:
        """``k`` parts exactly covering [a, b) that add up to ``total``."""
        budget[0] -= 1
        if budget[0] < 0:
            raise SplitLimit()
        if shared is not None:
            shared.spend()
        if k == 0:
            if a == b and total == 0:
                yield []
            return
        for end in range(a + 1, b - k + 2):
            if not part_ok(a, end):
                if digits[a] == "0" and end > a + 1:
                    break
                continue
            if end - a > MAX_TOKEN_DIGITS:
                break
            value = int(digits[a:end])
            if value > total:
                break
            for rest in parts(end, b, k - 1, total - value):
                yield [value, *rest]

    def walk(start: int, gi: int) -> Iterator[list[int]]:
        if gi == len(groups):
            if start == n:
                yield []
            return
        size = groups[gi]
        last = gi == len(groups) - 1
        for total_end in ([n] if last else range(start + size, n + 1)):
            for total_start in range(start + size - 1, total_end):
                budget[0] -= 1
                if budget[0] < 0:
                    raise SplitLimit()
                if shared is not None:
                    shared.spend()
                if total_end - total_start > MAX_TOKEN_DIGITS or not part_ok(total_start, total_end) or (total_end < n and total_end not in must_cut and total_end in no_cut):
                    continue
                total = int(digits[total_start:total_end])
                for head in parts(start, total_start, size - 1, total):
                    for rest in walk(total_end, gi + 1):
                        yield [*head, total, *rest]

    starts = []
    pos = 0
    for piece in pieces:
        starts.append(pos)
        pos += len(piece)
    out = []
    for combo in walk(0, 0):
        # Recover which token each cell came from by walking the digits again.
        parsed, offset = [], 0
        for v in combo:
            token = bisect.bisect_right(starts, offset) - 1
            parsed.append(Parsed(value=v, token=token))
            offset += len(str(v))
        out.append(parsed)
        if len(out) >= _MAX_RESULTS:
            raise SplitLimit()
    return out
