"""Small helpers shared by the reader tests."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable
from typing import Any, TypeVar

from govreport import Finding, Reading, api

T = TypeVar("T")

TABLE_KEYS = ("edition", "active_disclosure", "requests", "reviews")


def read_findings(reading: Reading) -> list[Finding]:
    """The findings of the reading stage: what validation makes of the reader's observations."""
    return [f for f in api.check_reading(reading).findings if f.stage == "read"]


def table_part(instance: dict[str, Any]) -> dict[str, Any]:
    """The edition and tables of an instance (what a layout round trip must preserve)."""
    return {k: instance[k] for k in TABLE_KEYS if k in instance}


ABSENT = "<absent>"


def diff(a: Any, b: Any, ptr: str = "") -> list[tuple[str, Any, Any]]:
    """Leaf differences between two JSON values, as (pointer, a, b); a missing key is ``ABSENT``.

    Type-strict: two leaves are the same only if they are equal *and* of the same type.
    ``0`` and ``False``, ``1`` and ``1.0``, ``1`` and ``Decimal(1)`` are differences. In
    particular an amount is a ``Decimal`` (govreport.contract.model declares amounts
    ``Decimal | None``): an amount read back as the ``int`` 7545 where ``Decimal("7545")``
    was written is reported. Two Decimals of the same value are the same
    (``Decimal("1.0") == Decimal("1.00")``): the number, not its written precision.
    Dicts are compared key by key, lists item by item (a length difference is reported
    at the list's pointer).
    """
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            out.extend(diff(a.get(key, ABSENT), b.get(key, ABSENT), f"{ptr}/{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [(ptr, a, b)]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{ptr}/{i}")]
    return [] if type(a) is type(b) and a == b else [(ptr, a, b)]


def peak_mib(fn: Callable[[], T]) -> tuple[T, float]:
    """``fn()`` and the peak of the memory Python allocated while it ran, in MiB.

    The hostile-input tests bound the memory a refused input costs (a size, not a time:
    tests never assert timings): a grid or a bomb that was expanded shows as hundreds of
    MiB, one that was refused as a few.
    """
    tracemalloc.start()
    try:
        value = fn()
        return value, tracemalloc.get_traced_memory()[1] / (1 << 20)
    finally:
        tracemalloc.stop()


def returns(fn: Callable[[], T], *, within: float = 120.0) -> T:
    """``fn()``, run in a thread; fails the test if it has not returned after ``within``
    seconds (a guard against an input that makes a reader hang, far above any normal run)."""
    box: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(within)
    assert not worker.is_alive(), f"still running after {within:g} s: the input makes it hang"
    if errors:
        raise errors[0]
    return box[0]
