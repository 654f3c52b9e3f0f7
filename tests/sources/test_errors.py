"""Read errors: one line naming the file and the place, in Chinese by default and in
English on request, through the library and the command line alike."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

import govreport
from govreport import ReadError, read_bytes
from govreport.cli import main
from govreport.location import Location
from govreport.messages import Text
from govreport.sources.errors import MESSAGES, MissingExtra


def _broken_json(tmp_path: Path) -> Path:
    path = tmp_path / "broken.json"
    path.write_text('{"edition": "2021",\n  oops}', encoding="utf-8")
    return path


def test_str_is_chinese_and_one_line_gives_either_language() -> None:
    error = ReadError("a.txt", "not-found")
    assert str(error) == "a.txt: 文件不存在" == error.one_line()
    assert error.one_line("en") == "a.txt: no such file"
    assert error.reason("en") == "no such file"
    with pytest.raises(ValueError, match="lang"):
        error.one_line("fr")


def test_every_message_exists_in_both_languages() -> None:
    for code, template in MESSAGES.items():
        assert isinstance(template, Text) and template.zh and template.en, code
        assert template.zh != template.en, code


def test_arguments_in_both_languages_follow_the_message() -> None:
    error = ReadError("x.png", "unsupported", format=("PNG图片", "PNG image"))
    assert str(error) == "x.png: 不支持的文件格式：PNG图片"
    assert error.one_line("en") == "x.png: unsupported file format: PNG image"
    assert ReadError("x", "unsupported", format=Text("甲", "A")).one_line("en").endswith("A")


def test_a_json_error_names_the_line_and_column_in_the_message_language() -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(b'{"edition": "2021",\n  oops}', name="r.json")
    error = caught.value
    assert error.location == Location(line=2, column=3) and error.where == "2:3"
    assert str(error).startswith("r.json (第2行 第3列): 不是合法的JSON")
    assert error.one_line("en").startswith("r.json (line 2, column 3): not valid JSON")


def test_a_byte_offset_is_named_when_the_bytes_are_not_utf8() -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(b'{"edition": "\xff"}', name="r.json")
    assert "第13字节" in str(caught.value) and "byte 13" in caught.value.one_line("en")


def test_unknown_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown read error code"):
        ReadError("a", "no-such-code")


def test_missing_extra_is_a_read_error_in_both_languages() -> None:
    error = MissingExtra("a.pdf", "PDF", "pdf")
    assert isinstance(error, ReadError) and error.code == "missing-extra" and error.extra == "pdf"
    assert "可选组件" in str(error) and "optional extra" in error.one_line("en")


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_prints_the_error_in_the_chosen_language(tmp_path: Path, lang: str) -> None:
    path = _broken_json(tmp_path)
    code, out = _run("check", str(path), "--lang", lang, "--color", "never")
    assert code == 2
    if lang == "zh":
        assert f"无法使用: {path} (第2行 第3列): 不是合法的JSON" in out
    else:
        assert f"unusable: {path} (line 2, column 3): not valid JSON" in out
    code, out = _run("check", str(path), "--lang", lang, "--format", "json")
    error = json.loads(out)["error"]
    assert error["code"] == "not-json" and error["where"] == "2:3"
    assert error["message"].startswith("不是合法的JSON" if lang == "zh" else "not valid JSON")


@pytest.mark.parametrize(("lang", "text"), [("zh", "文件不存在"), ("en", "no such file")])
def test_parse_and_render_print_the_error_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, text: str
) -> None:
    missing = str(tmp_path / "missing.txt")
    for command in ("parse", "render"):
        assert _run(command, missing, "--lang", lang)[0] == 2
        err = capsys.readouterr().err
        assert missing in err and text in err and len(err.strip().splitlines()) == 1


def test_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    # check walks a directory (tests/test_batch.py); one with nothing to check says so
    (tmp_path / "notes.csv").write_text("x", encoding="utf-8")
    code, out = _run("check", str(tmp_path), "--lang", "en", "--color", "never")
    assert code == 2 and f"{tmp_path}: no files to check in the directory (.json" in out
    assert "目录中没有可检查的文件" in _run("check", str(tmp_path), "--color", "never")[1]
    # ... and reading a directory as a file is a read error
    with pytest.raises(ReadError, match="是目录"):
        govreport.read(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError) as caught:
        govreport.read(fifo)
    assert caught.value.code == "unreadable"
    assert caught.value.one_line("en") == f"{fifo}: cannot read the file: not a regular file (a FIFO)"
    assert str(caught.value) == f"{fifo}: 无法读取文件：不是普通文件（命名管道）"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_endless_device_is_refused() -> None:
    code, out = _run("check", "/dev/zero", "--lang", "en", "--color", "never")
    assert code == 2 and "not a regular file (a character device)" in out


def test_a_nul_in_the_path_is_a_read_error() -> None:
    code, out = _run("check", "bad\0name.txt", "--lang", "en", "--color", "never")
    assert code == 2 and "cannot read the file" in out and "Traceback" not in out
