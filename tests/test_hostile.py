"""Hostile and odd input: the reader returns a reading or a ReadError, never crashes.

Documents are assembled from the pieces real reports are made of — labels, numbers,
pipes, dashes, blank lines, headings — in random order and amounts, so that every
branch of the structure finder meets input it was not written for.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from govreport import ReadError, Validator
from govreport.api import read_bytes
from govreport.extract.labels import label_defs
from govreport.writers.render import render
from tests.conftest import EXAMPLES
from tests.hostile_inputs import docx_package, docx_paragraphs, pdf_pages

_LABELS = sorted({d.pattern.replace("\\", "") for d in label_defs() if d.kind in ("row", "group", "header")})
_PIECES = st.one_of(
    st.sampled_from(_LABELS),
    st.sampled_from(["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
                     "2021年政府信息公开工作年度报告", "统计期限自2021年1月1日起至2021年12月31日止"]),
    st.integers(-5, 10**7).map(str),
    st.sampled_from([" | ", "|", "|||", "\n", "\n\n\n", " ", "—", "/", "无", "\xa0", "\u3000", "1.", "（六）", "元", "万元", ".5"]),
)


def _read(text: str, name: str) -> None:
    try:
        reading = read_bytes(text.encode("utf-8"), name=name)
    except ReadError:
        return
    Validator().run(reading.instance, source_map=reading.source_map, observations=reading.observations)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=300), st.sampled_from(["x.txt", "x.md", "x.html"]))
def test_random_report_fragments_never_crash(pieces: list[str], name: str) -> None:
    """Any sequence of report fragments reads to an instance and validates, or is refused."""
    text = "".join(pieces)
    if name.endswith(".html"):
        text = "<table>" + text.replace("\n", "</td></tr><tr><td>").replace("|", "</td><td>") + "</table>"
    _read(text, name)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_damaged_rendered_reports_never_crash(data: st.DataObject) -> None:
    """A real layout with lines dropped, duplicated or swapped still reads or is refused."""
    seed = json.loads((EXAMPLES / "chaotian-2021.json").read_text(encoding="utf-8"))
    layout = data.draw(st.sampled_from(["cells", "rows", "blank", "runs"]))
    lines = render(seed, to="text", layout=layout).split("\n")
    for _ in range(data.draw(st.integers(0, 30))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "swap", "cut"]))
        if action == "drop" and len(lines) > 1:
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif lines[i]:
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
    _read("\n".join(lines), "x.txt")


# -- every reader, on mutated bytes --------------------------------------------------------

_SEED_TEXT = (EXAMPLES / "chaotian-2021.txt").read_bytes()


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each (position, length, replacement) applied: bytes cut, changed, inserted."""
    out = bytearray(data)
    for position, length, replacement in edits:
        at = position % (len(out) + 1)
        out[at:at + length] = replacement
    return bytes(out)


_EDITS = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.integers(0, 64),
              st.one_of(st.binary(max_size=16), st.sampled_from([b"\x00", b"\xff\xfe", b"<td colspan=999>", b"{", b"]"]))),
    max_size=12,
)


def _reads_or_refuses(data: bytes, name: str) -> None:
    try:
        reading = read_bytes(data, name=name)
    except ReadError as error:
        assert error.file == name and error.one_line("en") and str(error)
        return
    Validator().run(reading.instance, source_map=reading.source_map, observations=reading.observations)


@settings(max_examples=60, deadline=None)
@given(_EDITS, st.sampled_from(["r.txt", "r.md", "r.html", "r.json", "r"]))
def test_mutated_text_reads_or_is_refused(edits: list[tuple[int, int, bytes]], name: str) -> None:
    _reads_or_refuses(_mutate(_SEED_TEXT, edits), name)


@settings(max_examples=40, deadline=None)
@given(_EDITS)
def test_mutated_json_instance_reads_or_is_refused(edits: list[tuple[int, int, bytes]]) -> None:
    _reads_or_refuses(_mutate((EXAMPLES / "chaotian-2021.json").read_bytes(), edits), "r.json")


def _docx_seed() -> bytes:
    return docx_package(docx_paragraphs(_SEED_TEXT.decode("utf-8").split("\n")[:80]), level=0)


@settings(max_examples=40, deadline=None)
@given(_EDITS)
def test_mutated_docx_reads_or_is_refused(edits: list[tuple[int, int, bytes]]) -> None:
    """Stored (uncompressed) members, so the edits reach the XML as well as the zip structure."""
    _reads_or_refuses(_mutate(_docx_seed(), edits), "r.docx")


@settings(max_examples=25, deadline=None)
@given(_EDITS)
def test_mutated_pdf_reads_or_is_refused(edits: list[tuple[int, int, bytes]]) -> None:
    _reads_or_refuses(_mutate(pdf_pages(2, "Report"), edits), "r.pdf")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["x.txt", "x.html", "x.docx", "x.pdf", "x.json", "x"]))
def test_any_bytes_read_or_are_refused(data: bytes, name: str) -> None:
    _reads_or_refuses(data, name)
