"""The label finder (govreport/extract/labels.py) against the plain way of matching.

:func:`find_labels` searches a pattern with several possible first characters once per
first character (see the module docstring); the reference here matches every pattern
with ``re.finditer`` as written. Both must give the same labels at the same offsets,
on the corpus and on text made of label fragments, list numbers, digits and noise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport.extract.labels import find_labels, first_chars, label_defs, label_source
from govreport.extract.stream import Stream
from govreport.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "tests" / "corpus" / "files").iterdir() if p.suffix in (".txt", ".md", ".html", ".docx") and p.name != "SOURCES.md")
FILES.append(ROOT / "examples" / "chaotian-2021.txt")


def reference(text: str) -> list[tuple[int, int, int]]:
    """Each pattern's own ``finditer`` matches; at the same start the earlier definition."""
    matches = []
    for index, d in enumerate(label_defs()):
        if d.kind == "section":
            continue
        for m in re.finditer(label_source(d), text):
            if m.end() > m.start():
                matches.append((m.start(), index, m.end()))
    matches.sort()
    out = []
    last = -1
    for start, index, end in matches:
        if start >= last:
            out.append((start, end, index))
            last = end
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_corpus_gives_the_reference_labels(path: Path) -> None:
    document = read_source(path.read_bytes(), name=path.name).document
    assert document is not None
    text = Stream(document).text
    found = find_labels(text)
    assert found == reference(text)
    assert len(found) > 20


_WORDS = sorted({d.pattern.replace("\\", "").replace("?", "") for d in label_defs() if d.kind != "section"})
_TEXT = st.lists(st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(lambda w: w[: len(w) // 2]),
    st.sampled_from(["属于", "申请人", "无正当理由", "(", ")", "(1)", "(2)", "(三)", "1.", "2、", "3,", "4:", "5)",
                     "6 .", "7", "8", " ", "\n", " \n ", "其他", "本年", "行政", "|", "、", ",", "[", "]"]),
    st.integers(0, 10**6).map(str),
    st.text(alphabet="属申无其本行政信息公开处理一二三四五六七八()., \n0123456789、", max_size=6),
), max_size=40).map("".join)


@given(text=_TEXT)
def test_generated_text_gives_the_reference_labels(text: str) -> None:
    assert find_labels(text) == reference(text)


@given(text=st.text(max_size=60))
def test_any_text_gives_the_reference_labels(text: str) -> None:
    assert find_labels(text) == reference(text)


# -- first characters -----------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "expected"), [
    ("规章", "规"),
    ("(属于)?国家秘密", "属国"),
    ("(?:\\(1\\)|1[ ]*[.、])?(申请人)?(无正当理由)?逾期", "(1申无逾"),
    ("[“\"]?三安全", "“\"三"),
    ("a*b+c", "ab"),
    ("(x|y{0,2})z", "xyz"),
    ("x{2}y", "x"),
])
def test_first_chars_of_a_pattern(pattern: str, expected: str) -> None:
    assert first_chars(pattern) == frozenset(expected)


@pytest.mark.parametrize("pattern", ["\\d+", "a?", "(a|)", ".b", "[a-z]x", "[^a]", "(?=a)a", "(?P<n>a)", "x|y?"])
def test_first_chars_not_known(pattern: str) -> None:
    assert first_chars(pattern) is None


@given(text=_TEXT)
def test_every_match_begins_with_one_of_the_first_chars(text: str) -> None:
    for d in label_defs():
        source = label_source(d)
        first = first_chars(source)
        if first is None:
            continue
        for m in re.finditer(source, text):
            assert m.group() and m.group()[0] in first
