"""Every speed figure of the project in one table, each against its baseline, in one run.

Each figure is a ratio: the time govreport takes for a task divided by the time a
baseline takes for the same input, both measured in the same round, alternately, so
that the load of a shared machine affects both alike. Rounds are repeated; the table
shows the median ratio and its spread (lowest–highest round), the median time of both
sides, and the target. In-process timings are CPU time of this process
(``time.process_time``); start-up is the CPU time of the child interpreters; the batch
figures are wall-clock (parallelism is the point there) and peak RSS.

Run:  python benchmarks/run.py [--quick] [--rounds N] [--json OUT] [--batch-docs N] [--only GROUP]

Baselines need the ``bench`` extra (``pip install 'govreport[bench]'``): orjson, lxml,
pypdfium2. ``--quick`` runs every figure once, on small inputs (a smoke test; its
numbers mean little).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
import orjson  # noqa: E402
import pypdfium2  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402

import govreport  # noqa: E402
from govreport import Validator  # noqa: E402
from govreport.api import read_bytes  # noqa: E402
from govreport.contract import relations as rel  # noqa: E402
from govreport.contract import editions, schemas, tables  # noqa: E402
from govreport.strategies import reports  # noqa: E402
from govreport.validation.context import flatten  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "files"
SEED = ROOT / "examples" / "chaotian-2021.json"


# -- timing ------------------------------------------------------------------------------

def _cpu(fn: Callable[[], object], min_seconds: float) -> float:
    """CPU seconds per call of ``fn``, repeating it for at least ``min_seconds``."""
    n, start = 0, time.process_time()
    while True:
        fn()
        n += 1
        spent = time.process_time() - start
        if spent >= min_seconds:
            return spent / n


class Row:
    """One figure: govreport's task against a baseline on the same input."""

    def __init__(self, figure: str, baseline: str, target: str, *, speedup: bool = False, unit: str = "s") -> None:
        self.figure, self.baseline, self.target = figure, baseline, target
        #: the ratio is baseline ÷ figure (how many times faster), not figure ÷ baseline
        self.speedup = speedup
        self.unit = unit
        self.ours: list[float] = []
        self.base: list[float] = []
        self.note = ""

    def add(self, ours: float, base: float) -> None:
        self.ours.append(ours)
        self.base.append(base)

    def ratios(self) -> list[float]:
        return [(b / o if self.speedup else o / b) for o, b in zip(self.ours, self.base) if o > 0 and b > 0]

    def as_dict(self) -> dict[str, Any]:
        r = self.ratios()
        return {
            "figure": self.figure, "baseline": self.baseline, "target": self.target, "unit": self.unit,
            "ratio_is": "baseline / figure" if self.speedup else "figure / baseline",
            "ours_median": statistics.median(self.ours), "baseline_median": statistics.median(self.base),
            "ratio_median": statistics.median(r), "ratio_min": min(r), "ratio_max": max(r),
            "rounds": len(r), "note": self.note,
        }


def _alternate(row: Row, ours: Callable[[], object], base: Callable[[], object], rounds: int,
               min_seconds: float) -> None:
    ours(), base()  # warm caches (schemas, compiled relations, label tables)
    for i in range(rounds):
        if i % 2:
            b = _cpu(base, min_seconds)
            o = _cpu(ours, min_seconds)
        else:
            o = _cpu(ours, min_seconds)
            b = _cpu(base, min_seconds)
        row.add(o, b)


# -- inputs ------------------------------------------------------------------------------

def generated(n: int, edition: str | None = None) -> list[dict[str, Any]]:
    """``n`` valid generated reports (every relation holds by construction)."""
    out: list[dict[str, Any]] = []

    @settings(max_examples=n, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(reports(edition=edition))
    def collect(report: Any) -> None:
        out.append(report.to_dict())

    collect()
    # as a JSON file holds them: amounts (Decimal in the model) become JSON numbers
    return [orjson.loads(orjson.dumps(d, default=float)) for d in out[:n]]


def _set(data: dict[str, Any], ptr: str, value: Any) -> None:
    keys = ptr.split("/")[1:]
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def broken_relations(instance: dict[str, Any], count: int = 10) -> dict[str, Any]:
    """``instance`` with at least ``count`` relation bindings failing (exactly ``count``
    where the tables allow it): cells raised by one, each in bindings that no other
    raised cell touches, so no two raises cancel out."""
    edition = instance["edition"]
    shape = editions.shape_of(instance) or editions.default_shape(edition)
    bindings = rel.compile_relations(edition, shape)
    values = flatten(instance, edition, shape)
    touching: dict[int, set[int]] = {}
    for number, b in enumerate(bindings):
        for ref in (b.total, *(t for _, t in b.terms)):
            touching.setdefault(ref.index, set()).add(number)
    cells = tables.cells(edition, shape)
    out = copy.deepcopy(instance)
    broken: set[int] = set()
    for index in sorted(touching, key=lambda i: len(touching[i])):
        if broken & touching[index]:
            continue
        if not isinstance(values[index], int) or isinstance(values[index], bool):
            continue
        _set(out, cells[index].pointer, values[index] + 1)
        broken |= touching[index]
        if len(broken) >= count:
            return out
    raise RuntimeError(f"could not break {count} relations")


def negative_cells(instance: dict[str, Any], count: int = 10) -> dict[str, Any]:
    """``instance`` with ``count`` count cells made negative (spread over the tables)."""
    edition = instance["edition"]
    shape = editions.shape_of(instance) or editions.default_shape(edition)
    cells = [c for c in tables.cells(edition, shape) if c.cell_type == "count"]
    values = flatten(instance, edition, shape)
    index = {c.pointer: i for i, c in enumerate(tables.cells(edition, shape))}
    chosen = [c for c in cells if isinstance(values[index[c.pointer]], int)]
    step = max(1, len(chosen) // count)
    out = copy.deepcopy(instance)
    for c in chosen[::step][:count]:
        _set(out, c.pointer, -1 - values[index[c.pointer]])
    return out


def _errors(result: govreport.Result) -> int:
    return sum(1 for f in result.findings if f.severity.value == "error")


# -- the figures -------------------------------------------------------------------------

def validation_rows(instances: list[dict[str, Any]], rounds: int, min_seconds: float) -> list[Row]:
    # the bytes as a file holds them (indented, UTF-8), the same as check_file_rows writes
    blobs = [json.dumps(d, ensure_ascii=False, indent=2).encode() for d in instances]
    v = Validator()
    naive = {e: Draft202012Validator(schemas.schema(e)) for e in schemas.EDITIONS}

    def ours() -> None:
        for d in instances:
            v.run(d)

    def loads() -> None:
        for b in blobs:
            orjson.loads(b)

    def jsonschema_naive() -> None:
        for d in instances:
            list(naive[d["edition"]].iter_errors(d))

    assert all(not _errors(v.run(d)) for d in instances), "the generated reports must be valid"
    n = len(instances)
    r1 = Row("validate a valid instance (schema + relations + conformance)", "orjson.loads of its bytes", "≤ 2×")
    r1.note = f"{n - 1} generated reports + the seed"
    _alternate(r1, ours, loads, rounds, min_seconds)
    # The generated reports have tables only; the seed also has its narrative, which
    # the document rules and X-TEXT read: both apart, so neither hides the other.
    tables_only, seed = instances[1:], instances[:1]
    r1a = Row("… generated reports only (tables, no narrative)", "orjson.loads of their bytes", "≤ 2×")
    r1a.note = f"{n - 1} reports"
    _alternate(r1a, lambda: [v.run(d) for d in tables_only], lambda: [orjson.loads(b) for b in blobs[1:]],
               rounds, min_seconds)
    r1b = Row("… the seed only (tables + narrative)", "orjson.loads of its bytes", "≤ 2×")
    r1b.note = "examples/chaotian-2021.json"
    _alternate(r1b, lambda: [v.run(d) for d in seed], lambda: [orjson.loads(b) for b in blobs[:1]],
               rounds, min_seconds)
    r2 = Row("validate a valid instance", "jsonschema Draft202012Validator.iter_errors (naive)", "≥ 100× faster",
             speedup=True)
    r2.note = r1.note
    _alternate(r2, ours, jsonschema_naive, rounds, min_seconds)

    rels = [broken_relations(d) for d in instances]
    negs = [negative_cells(d) for d in instances]
    fails = statistics.median(sum(1 for f in v.run(d).findings if f.rule.startswith(("T", "R")) and
                                  f.severity.value == "error") for d in rels)
    neg_errors = statistics.median(_errors(v.run(d)) for d in negs)
    r3 = Row("validate: 10 failing relations", "validate the valid report", "≤ 3×")
    r3.note = f"median {fails:g} error findings per report"
    _alternate(r3, lambda: [v.run(d) for d in rels], ours, rounds, min_seconds)
    r4 = Row("validate: 10 negative cells", "validate the valid report", "≤ 3×")
    r4.note = f"median {neg_errors:g} error findings per report"
    _alternate(r4, lambda: [v.run(d) for d in negs], ours, rounds, min_seconds)
    return [r1, r1a, r1b, r2, r3, r4]


def check_file_rows(instances: list[dict[str, Any]], workdir: Path, rounds: int, min_seconds: float) -> list[Row]:
    paths = []
    for i, d in enumerate(instances):
        p = workdir / f"instance-{i}.json"
        p.write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")
        paths.append(p)
    v = Validator()
    row = Row("govreport.check(file.json), valid", "Validator.run on the dict", "≤ 3×")
    row.note = f"{len(paths)} files, no findings"
    _alternate(row, lambda: [govreport.check(p) for p in paths], lambda: [v.run(d) for d in instances],
               rounds, min_seconds)
    return [row]


def _decode_split(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines()


def _lxml_cells(data: bytes) -> list[list[list[str]]]:
    root = lxml.html.fromstring(data)
    return [[[cell.text_content() for cell in tr.iter("td", "th")] for tr in table.iter("tr")]
            for table in root.iter("table")]


def _pdfium_text(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        out = []
        for page in pdf:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


def reading_rows(quick: bool, rounds: int, min_seconds: float) -> list[Row]:
    files = sorted(p for p in CORPUS.iterdir() if p.name != "SOURCES.md")
    text = [p for p in files if p.suffix in (".txt", ".md")] + [ROOT / "examples" / "chaotian-2021.txt"]
    html = [p for p in files if p.suffix in (".html", ".htm")]
    pdf = [p for p in files if p.suffix == ".pdf"]
    if quick:
        text, html, pdf = text[:1], html[:1], pdf[:1]
    rows = []
    for kind, paths, base_name, base_fn, target in [
        ("text/Markdown", text, "decode + split lines", _decode_split, "≤ 100×"),
        ("HTML", html, "lxml parse + cell extraction", _lxml_cells, "≤ 5×"),
        ("PDF", pdf, "pypdfium2 text extraction, every page", _pdfium_text, "≤ 5×"),
    ]:
        blobs = [(p.name, p.read_bytes()) for p in paths]
        row = Row(f"read a {kind} report (govreport.read_bytes)", base_name, target)
        row.note = ", ".join(name for name, _ in blobs)
        pdf_rounds = rounds if kind != "PDF" else max(1, min(rounds, 3))
        _alternate(row, lambda blobs=blobs: [read_bytes(b, name=n) for n, b in blobs],
                   lambda blobs=blobs, fn=base_fn: [fn(b) for _, b in blobs], pdf_rounds,
                   min_seconds if kind != "PDF" else 0.0)
        per_doc = statistics.median(row.ours) / len(blobs)
        row.note += f"; {1 / per_doc:.0f} documents/s"
        rows.append(row)
    return rows


def _child_cpu(argv: Sequence[str], cwd: Path) -> float:
    """CPU seconds (user + system) of one child process, to the microsecond."""
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed")
    return usage.ru_utime + usage.ru_stime


def startup_rows(rounds: int, repeat: int) -> list[Row]:
    """``import govreport`` (the issue's figure), and what a first call to validate or to
    the command line imports, each against a bare interpreter start."""
    rows = []
    for code, target, note in [
        ("import govreport", "≤ 4×", "CPU time of the child interpreter"),
        ("from govreport import validate", "(no target)", "what validating needs: api, contract, validation"),
        ("import govreport.cli", "(no target)", "what the govreport command loads before it reads a file"),
    ]:
        row = Row(f"python -c '{code}'", "python -c pass", target)
        # -c puts the working directory first on sys.path: this checkout's package is imported
        for _ in range(rounds):
            ours = sum(_child_cpu([sys.executable, "-c", code], ROOT) for _ in range(repeat)) / repeat
            base = sum(_child_cpu([sys.executable, "-c", "pass"], ROOT) for _ in range(repeat)) / repeat
            row.add(ours, base)
        row.note = note
        rows.append(row)
    return rows


def _run_batch(argv: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``govreport check`` run (and its workers)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} failed")
    return wall, usage.ru_maxrss / 1024  # Linux: KiB


def batch_rows(instances: list[dict[str, Any]], docs: int, workdir: Path, rounds: int) -> list[Row]:
    """``govreport check --jobs 2`` against ``--jobs 1`` over ``docs`` documents, as a
    directory of files and as one JSON Lines stream; peak RSS at ``docs`` against a
    tenth of it, for both."""
    blobs = [json.dumps(d, ensure_ascii=False).encode() for d in instances]

    def directory(n: int) -> Path:
        where = workdir / f"batch-{n}"
        where.mkdir(exist_ok=True)
        for i in range(n):
            (where / f"{i:06d}.json").write_bytes(blobs[i % len(blobs)])
        return where

    def stream(n: int) -> Path:
        where = workdir / f"batch-{n}.jsonl"
        with where.open("wb") as handle:
            for i in range(n):
                handle.write(blobs[i % len(blobs)] + b"\n")
        return where

    few = max(1, docs // 10)
    cmd = [sys.executable, "-m", "govreport", "check", "--no-progress", "--format", "json", "-o", os.devnull]
    rows = []
    for kind, make in (("JSON files", directory), ("JSON Lines records", stream)):
        big, small = make(docs), make(few)
        speed = Row(f"govreport check --jobs 2, {docs} {kind}", "the same with --jobs 1", "≥ 1.8× faster",
                    speedup=True)
        rss = Row(f"peak RSS (MiB), --jobs 1, {docs} {kind}", f"the same over {few}", "≈ 1× (flat)", unit="MiB")
        for _ in range(rounds):
            one, rss_big = _run_batch([*cmd, "--jobs", "1", str(big)])
            two, _ = _run_batch([*cmd, "--jobs", "2", str(big)])
            _, rss_small = _run_batch([*cmd, "--jobs", "1", str(small)])
            speed.add(two, one)
            rss.add(rss_big, rss_small)
        speed.note = (f"wall clock; {docs / statistics.median(speed.base):.0f} documents/s with --jobs 1, "
                      f"{docs / statistics.median(speed.ours):.0f} with --jobs 2")
        rss.note = "ru_maxrss of the command"
        rows += [speed, rss]
    return rows


# -- output ------------------------------------------------------------------------------

def _time(value: float, unit: str) -> str:
    if unit == "MiB":
        return f"{value:.0f} MiB"
    for scale, name in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {name}"
    return f"{value * 1e9:.3g} ns"


def table(rows: Iterable[Row]) -> str:
    lines = ["| figure | baseline | figure time | baseline time | ratio (median) | spread | target | note |",
             "|---|---|---:|---:|---:|---:|---|---|"]
    for row in rows:
        d = row.as_dict()
        mark = "÷" if row.speedup else "×"
        lines.append(
            f"| {row.figure} | {row.baseline} | {_time(d['ours_median'], row.unit)} | "
            f"{_time(d['baseline_median'], row.unit)} | {d['ratio_median']:.2f}{mark} | "
            f"{d['ratio_min']:.2f}–{d['ratio_max']:.2f} | {row.target} | {row.note} |")
    return "\n".join(lines)


#: The groups of figures ``--only`` can pick.
GROUPS = ("validate", "read", "startup", "batch")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, small inputs (a smoke test)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per figure (default 7)")
    parser.add_argument("--seconds", type=float, default=0.3, help="CPU seconds per side per round (default 0.3)")
    parser.add_argument("--reports", type=int, default=40, help="generated reports per set (default 40)")
    parser.add_argument("--batch-docs", type=int, default=5000,
                        help="documents in the batch figures (default 5000; the issue's full run is 100000)")
    parser.add_argument("--json", metavar="OUT", help="also write the table as JSON to OUT")
    parser.add_argument("--only", action="append", choices=GROUPS, metavar="GROUP",
                        help=f"measure only these groups of figures ({', '.join(GROUPS)}); repeatable")
    args = parser.parse_args(argv)
    only = set(args.only or GROUPS)
    if args.quick:
        args.rounds, args.seconds, args.reports, args.batch_docs = 1, 0.0, 3, 20
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    instances = [seed, *generated(args.reports, edition="2021"), *generated(max(1, args.reports // 4), "2019")]
    load = os.getloadavg()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "validate" in only:
            rows += validation_rows(instances, args.rounds, args.seconds)
            rows += check_file_rows(instances, work, args.rounds, args.seconds)
        if "read" in only:
            rows += reading_rows(args.quick, args.rounds, args.seconds)
        if "startup" in only:
            rows += startup_rows(args.rounds, 1 if args.quick else 5)
        if "batch" in only:
            rows += batch_rows(instances, args.batch_docs, work, 1 if args.quick else min(args.rounds, 3))
    header = (f"govreport {govreport.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, "
              f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start, {args.rounds} rounds")
    print(header)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"environment": header, "rows": [r.as_dict() for r in rows]},
                                              ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
