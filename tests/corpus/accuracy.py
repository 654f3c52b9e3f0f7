"""Cell accuracy of the document reader over the corpus, against hand-built goldens.

Run: python tests/corpus/accuracy.py [-v]
Prints, per report, how many table cells (tables 2, 3 and 4) were read exactly as the
golden instance says, and every miss with its pointer, the golden and the read value.
A cell counts as exact when the values are equal (null = null included) and of the
same kind (a number is never equal to null).
"""

from __future__ import annotations

import functools
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import govreport  # noqa: E402
from govreport.contract import tables  # noqa: E402
from govreport.pointer import escape

FILES = HERE / "files"
GOLDEN = HERE / "golden"


def golden_names() -> list[str]:
    return sorted(p.stem for p in GOLDEN.glob("*.json"))


def source_for(name: str) -> Path:
    [path] = [p for p in FILES.iterdir() if p.stem == name and p.suffix != ".json"]
    return path


@functools.cache
def reading(name: str) -> govreport.Reading:
    """The reading of a corpus report, read once per process (callers must not change it)."""
    return govreport.read(source_for(name))


@functools.cache
def result(name: str) -> govreport.Result:
    """The findings on a corpus report, checked once per process."""
    return govreport.check_reading(reading(name))


def leaves(node: Any, ptr: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(leaves(v, f"{ptr}/{escape(k)}"))
    else:
        out[ptr] = node
    return out


def table_cells(instance: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("active_disclosure", "requests", "reviews"):
        if key in instance:
            out.update(leaves(instance[key], f"/{key}"))
    # The procurement unit is metadata of a cell, not a cell.
    return {k: v for k, v in out.items() if not k.endswith("/procurement/unit")}


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def compare(name: str) -> tuple[int, int, list[tuple[str, Any, Any]]]:
    golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    read = reading(name).instance
    want = table_cells(golden)
    got = table_cells(read)
    misses = [(p, v, got.get(p, "<absent>")) for p, v in want.items() if p not in got or not same(v, got[p])]
    extra = [(p, "<absent>", v) for p, v in got.items() if p not in want]
    return len(want), len(want) - len(misses), misses + extra


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    total = exact = 0
    for name in golden_names():
        n, ok, misses = compare(name)
        total += n
        exact += ok
        print(f"{name:24s} {ok:4d}/{n:4d}  {100 * ok / n:6.2f}%")
        if verbose or len(misses) <= 25:
            for ptr, want, got in misses:
                print(f"    {ptr}: golden {want!r}, read {got!r}")
    print(f"{'overall':24s} {exact:4d}/{total:4d}  {100 * exact / total:6.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
