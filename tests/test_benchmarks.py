"""benchmarks/run.py keeps running: its quick mode prints the whole table and writes it as JSON.

Timings are never asserted; only that every figure of the table was measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_benchmark_table_runs_in_quick_mode(tmp_path: Path) -> None:
    pytest.importorskip("orjson")
    pytest.importorskip("pypdfium2")
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    table = json.loads(out.read_text(encoding="utf-8"))
    figures = [row["figure"] for row in table["rows"]]
    for expected in ("orjson", "jsonschema", "10 failing relations", "10 negative cells", "check(file.json)",
                     "text/Markdown", "HTML", "PDF", "import govreport", "--jobs 2", "peak RSS"):
        assert any(expected in f or expected in row["baseline"] for f, row in zip(figures, table["rows"])), expected
    for row in table["rows"]:
        assert row["rounds"] >= 1 and row["ratio_median"] > 0, row
        assert row["figure"] in done.stdout  # the printed table has every row
