"""Reading throughput: documents per second on one core, per source format.

For each real report in tests/corpus/files and the seed text, and for the seed
rendered in every layout, prints
  * extraction — bytes → Document (the baseline: decoding, HTML/PDF/DOCX parsing);
  * read       — extraction + finding the structure and the cells (govreport.read);
  * check      — read + validation (govreport.check);
with milliseconds per document and the ratio of read and check to extraction,
measured in the same run. Run: python benchmarks/read_throughput.py
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govreport import Validator  # noqa: E402
from govreport.api import read_bytes  # noqa: E402
from govreport.sources import read_document  # noqa: E402
from govreport.writers.render import render  # noqa: E402


def per_call(fn: Callable[[], object], seconds: float = 1.0) -> float:
    fn()  # warm caches (schemas, label patterns)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or n < 3:
        fn()
        n += 1
    return (time.perf_counter() - start) / n


def main() -> None:
    inputs: list[tuple[str, bytes]] = []
    for path in sorted((ROOT / "tests" / "corpus" / "files").iterdir()):
        if path.suffix in (".txt", ".md", ".html", ".pdf", ".docx"):
            inputs.append((path.name, path.read_bytes()))
    inputs.append(("chaotian-2021.txt", (ROOT / "examples" / "chaotian-2021.txt").read_bytes()))
    seed = json.loads((ROOT / "examples" / "chaotian-2021.json").read_text(encoding="utf-8"))
    for to, layout, ext in [("text", "cells", ".txt"), ("text", "rows", ".txt"), ("text", "blank", ".txt"),
                            ("text", "runs", ".txt"), ("markdown", None, ".md"), ("html", None, ".html")]:
        inputs.append((f"seed rendered {to}/{layout or '-'}{ext}", render(seed, to=to, layout=layout).encode()))
    validator = Validator()
    print(f"{'document':42s} {'extract ms':>10s} {'read ms':>9s} {'check ms':>9s} {'read/extract':>13s} {'check/extract':>14s}")
    for name, data in inputs:
        if name == "SOURCES.md":
            continue
        ext = per_call(lambda data=data, name=name: read_document(data, name=name))
        rd = per_call(lambda data=data, name=name: read_bytes(data, name=name))

        def check(data: bytes = data, name: str = name) -> None:
            reading = read_bytes(data, name=name)
            validator.run(reading.instance, source_map=reading.source_map, observations=reading.observations)

        ck = per_call(check)
        print(f"{name:42s} {ext * 1000:10.1f} {rd * 1000:9.1f} {ck * 1000:9.1f} {rd / ext:13.1f} {ck / ext:14.1f}")


if __name__ == "__main__":
    main()
