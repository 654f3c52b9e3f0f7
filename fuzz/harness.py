"""Coverage-guided fuzzing of the readers and the validator with atheris.

    pip install atheris
    python fuzz/harness.py text  -atheris_runs=20000      # or html, docx, json
    python fuzz/harness.py docx  -max_total_time=600

Each target starts from real seeds (the example report, its renderings as HTML, a
Word package, its JSON instance) and feeds atheris' mutants to ``read_bytes`` and the
validator. The contract: a mutant reads to an instance that validates, or is refused
with a :class:`~govreport.ReadError`; anything else escaping (a traceback, a
``MemoryError``) is a crash and atheris stops with the input saved as
``crash-<sha1>``. Each mutant also runs under a time budget (``-timeout``, 10 s by
default here) and, by default, in an address space of 1 GiB, so blow-ups are found
too.

Every crash found becomes a regression test in ``tests/test_hostile.py`` or
``tests/test_hostile_limits.py``.
"""

from __future__ import annotations

import io
import resource
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import atheris

with atheris.instrument_imports():
    from govreport import ReadError, Validator
    from govreport.api import read_bytes

from govreport.writers.render import render
from tests.hostile_inputs import docx_package, docx_paragraphs, seed

#: Address-space limit of the fuzzing process (a reader must not need more).
MEMORY = 1 << 30


def _seeds(target: str) -> list[bytes]:
    instance = seed()
    text = (ROOT / "examples" / "chaotian-2021.txt").read_bytes()
    if target == "text":
        return [text, render(instance, to="text", layout="runs").encode(), render(instance, to="markdown").encode()]
    if target == "html":
        return [render(instance, to="html").encode()]
    if target == "json":
        return [(ROOT / "examples" / "chaotian-2021.json").read_bytes()]
    if target == "docx":
        return [docx_package(docx_paragraphs(text.decode("utf-8").split("\n")), level=0)]
    raise SystemExit(f"unknown target {target!r}: text, html, docx or json")


_NAMES = {"text": "r.txt", "html": "r.html", "json": "r.json", "docx": "r.docx"}


def _one(data: bytes, name: str) -> None:
    try:
        reading = read_bytes(data, name=name)
    except ReadError as error:
        assert error.file == name and str(error) and error.one_line("en")
        return
    Validator().run(reading.instance, source_map=reading.source_map, observations=reading.observations)


def main() -> None:
    target = sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "text"
    name = _NAMES.get(target, "r.txt")
    seeds = _seeds(target)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    if target == "docx":
        # Mutate the XML of document.xml and repackage it, so mutants reach the reader
        # rather than only the zip checks (half the time the package bytes themselves).
        with zipfile.ZipFile(io.BytesIO(seeds[0])) as archive:
            xml = archive.read("word/document.xml")

        def test(data: bytes) -> None:
            if data[:1] == b"\x00":
                _one(data[1:], name)
                return
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as out:
                out.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(seeds[0])).read("[Content_Types].xml"))
                out.writestr("_rels/.rels", zipfile.ZipFile(io.BytesIO(seeds[0])).read("_rels/.rels"))
                out.writestr("word/document.xml", data or xml)
            _one(buffer.getvalue(), name)

        corpus = [xml, b"\x00" + seeds[0]]
    else:
        def test(data: bytes) -> None:
            _one(data, name)

        corpus = seeds

    seed_dir = ROOT / "fuzz" / "corpus" / target
    seed_dir.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(corpus):
        (seed_dir / f"seed-{i}").write_bytes(data)
    if not any(arg.startswith("-timeout") for arg in sys.argv):
        sys.argv.append("-timeout=10")
    if not any(arg.startswith("-rss_limit_mb") for arg in sys.argv):
        sys.argv.append("-rss_limit_mb=0")  # RLIMIT_AS above is the memory limit
    atheris.Setup(sys.argv + [str(seed_dir)], test)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
