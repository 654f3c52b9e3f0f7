"""Every blow-up case stays under 1 GiB of address space and 10 s (issue: hostile input).

Each case runs in a fresh interpreter whose address space is limited to 1 GiB with
``RLIMIT_AS``: a reader that tried to build a billion grid positions or inflate a
bomb would die with ``MemoryError`` there (and the child reports it), instead of
slowly swapping the machine. The child prints one line: ``ok``/``error <code>`` and
the seconds taken.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

resource = pytest.importorskip("resource")

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1 << 30

_CHILD = r"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {root!r})
from tests import hostile_inputs as h
from govreport import ReadError
from govreport.api import check_bytes
data, name = {case}
started = time.perf_counter()
try:
    check_bytes(data, name=name)
    outcome = "ok"
except ReadError as error:
    outcome = "error " + error.code
except MemoryError:
    outcome = "MemoryError"
print(outcome, round(time.perf_counter() - started, 2))
"""

#: (case, expected outcome): every case under 1 MB on disk.
CASES = [
    ('(h.html_spans(), "spans.html")', "error not-a-report"),
    ('(h.html_diagonal(2000), "diagonal.html")', "error too-many-cells"),
    ('(h.docx_grid_span(2000), "grid.docx")', "error too-many-cells"),
    ('(h.docx_bomb(1 << 30), "bomb.docx")', "error docx-bomb"),
    ('(h.pdf_pages(2000), "long.pdf")', "error too-many-pages"),
    ('(h.pdf_flate_bomb(1 << 30), "bomb.pdf")', "error pdf-bomb"),
    ('(h.text_digit_rows(40, copies=20), "digits.txt")', "ok"),
    ('(h.seed_text("cells").encode() * 2, "two.txt")', "error several-reports"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("case", "outcome"), CASES, ids=[c[0].split("(")[1].split(")")[0] for c in CASES])
def test_blow_up_cases_stay_under_a_gigabyte_and_ten_seconds(case: str, outcome: str) -> None:
    code = _CHILD.format(limit=LIMIT, root=str(ROOT), case=case)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    got, seconds = done.stdout.strip().rsplit(maxsplit=1)
    assert got == outcome
    assert float(seconds) < 10
