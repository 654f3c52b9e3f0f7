"""Titles (govreport/extract/meta.py): :func:`titles` tries the title pattern only where
a match can begin; it must give what ``finditer`` gives, on the corpus and on text made
of title fragments.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport.extract import meta
from govreport.extract.stream import Stream
from govreport.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in (ROOT / "tests" / "corpus" / "files").iterdir() if p.suffix in (".txt", ".md", ".html", ".docx") and p.name != "SOURCES.md")
FILES.append(ROOT / "examples" / "chaotian-2021.txt")


def _spans(matches: object) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_corpus_gives_the_plain_matches(path: Path) -> None:
    document = read_source(path.read_bytes(), name=path.name).document
    assert document is not None
    text = re.sub(r"[ ]+", "", Stream(document).text.replace("\n", " \n"))
    assert _spans(meta.titles(text)) == _spans(meta._TITLE.finditer(text))


_TITLE_TEXT = st.lists(st.sampled_from(
    ["2021", "2021年", "年", "1", "12345", " ", "\n", "|", ":", "。", "，", "报告", "年报", "政府信息公开工作年度", "某某区人民政府",
     "关于", "的", "工作", "a", "xxxxxxxxxxxxxxxxxxxx", "；"]), max_size=30).map("".join)


@given(text=_TITLE_TEXT)
def test_titles_are_the_plain_matches(text: str) -> None:
    assert _spans(meta.titles(text)) == _spans(meta._TITLE.finditer(text))
