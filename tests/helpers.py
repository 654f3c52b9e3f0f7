"""Small helpers shared by the reader tests."""

from __future__ import annotations

from typing import Any

from govreport import Finding, Reading, api

TABLE_KEYS = ("edition", "active_disclosure", "requests", "reviews")


def read_findings(reading: Reading) -> list[Finding]:
    """The findings of the reading stage: what validation makes of the reader's observations."""
    return [f for f in api.check_reading(reading).findings if f.stage == "read"]


def table_part(instance: dict[str, Any]) -> dict[str, Any]:
    """The edition and tables of an instance (what a layout round trip must preserve)."""
    return {k: instance[k] for k in TABLE_KEYS if k in instance}


def diff(a: Any, b: Any, ptr: str = "") -> list[tuple[str, Any, Any]]:
    """Leaf differences between two JSON values, as (pointer, a, b)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            out.extend(diff(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{ptr}/{key}"))
        return out
    return [] if a == b and type(a) is type(b) or (a == b and not isinstance(a, bool)) else [(ptr, a, b)]
