"""JSON Lines streams: one report instance per line, checked record by record."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govreport import batch
from govreport.sources.jsonlines import records
from tests.conftest import EXAMPLES, ROOT
from tests.test_batch import comparable

SEED = json.loads((EXAMPLES / "chaotian-2021.json").read_text(encoding="utf-8"))


def _broken() -> dict[str, Any]:
    bad = json.loads(json.dumps(SEED))
    bad["requests"]["received"]["total"] += 5  # T3-ROW-TOTAL and T3-BALANCE fail
    return bad


def _line(instance: dict[str, Any]) -> str:
    return json.dumps(instance, ensure_ascii=False)


@pytest.fixture()
def stream(tmp_path: Path) -> Path:
    """Line 1 the seed, 2 blank, 3 a faulty copy, 4 not JSON, 5 the seed again."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([_line(SEED), "", _line(_broken()), '{"edition": "2021", oops}', _line(SEED)]) + "\n",
                    encoding="utf-8")
    return path


def _column_of_received_total(text: str) -> int:
    """1-based column of the value of /requests/received/total in one line of JSON,
    found by searching the text (not by the position walker under test)."""
    at = text.index('"requests"')
    at = text.index('"received"', at)
    at = text.index('"total"', at)
    at = text.index(":", at) + 1
    while text[at] == " ":
        at += 1
    return at + 1


def test_each_record_is_one_outcome_named_by_its_line(stream: Path) -> None:
    outcomes = list(batch.check_many([str(stream)], jobs=1))
    assert [o.name for o in outcomes] == [f"{stream}:{n}" for n in (1, 3, 4, 5)]
    assert [o.line for o in outcomes] == [1, 3, 4, 5]
    assert all(o.file == str(stream) for o in outcomes)
    first, faulty, junk, last = outcomes
    assert first.result is not None and first.result.valid
    assert last.result is not None and last.result.valid
    assert junk.error is not None and junk.error.code == "not-json"
    assert faulty.result is not None and not faulty.result.valid


def test_places_count_from_the_start_of_the_stream(stream: Path) -> None:
    faulty = list(batch.check_many([str(stream)], jobs=1))[1]
    assert faulty.result is not None
    row_total = next(f for f in faulty.result.findings if f.rule == "T3-ROW-TOTAL")
    assert row_total.location is not None
    text = stream.read_text(encoding="utf-8").splitlines()[2]
    assert (row_total.location.line, row_total.location.column) == (3, _column_of_received_total(text))


def test_a_broken_record_names_the_stream_line_and_column(stream: Path) -> None:
    junk = list(batch.check_many([str(stream)], jobs=1))[2]
    assert junk.error is not None and junk.error.location is not None
    text = stream.read_text(encoding="utf-8").splitlines()[3]
    assert junk.error.location.line == 4
    assert junk.error.location.column == text.index("oops") + 1
    assert junk.error.file == f"{stream}:4"


def test_an_overlong_line_is_one_unusable_record_and_the_rest_are_read() -> None:
    data = b'{"a": 1}\n' + b'{"b": "' + b"x" * 100 + b'"}\n' + b'{"c": 3}\n'
    got = list(records(io.BytesIO(data), "s.jsonl", max_bytes=50))
    assert [(r.line, r.data, r.error.code if r.error else None) for r in got] == [
        (1, b'{"a": 1}\n', None), (2, None, "too-large"), (3, b'{"c": 3}\n', None)]
    assert got[1].error is not None and got[1].error.args_["size"] == len(b'{"b": "' + b"x" * 100 + b'"}')


def test_a_stream_on_standard_input_is_read_as_it_comes(stream: Path) -> None:
    with stream.open("rb") as handle:
        outcomes = list(batch.check_many(["-"], jobs=1, stdin=handle, stdin_name="in.jsonl"))
    assert [o.name for o in outcomes] == [f"in.jsonl:{n}" for n in (1, 3, 4, 5)]


def test_a_real_process_pool_gives_the_same_outcomes_in_order(stream: Path, tmp_path: Path) -> None:
    # several records per worker and a plain file between streams
    other = tmp_path / "more.ndjson"
    other.write_text("\n".join(_line(SEED) for _ in range(6)) + "\n", encoding="utf-8")
    inputs = [str(stream), str(EXAMPLES / "chaotian-2021.json"), str(other)]
    one = [comparable(o) for o in batch.check_many(inputs, jobs=1)]
    two = [comparable(o) for o in batch.check_many(inputs, jobs=2)]
    assert two == one
    assert len(one) == 4 + 1 + 6


def test_a_directory_walk_picks_up_streams(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_line(SEED) + "\n", encoding="utf-8")
    (tmp_path / "b.NDJSON").write_text(_line(SEED) + "\n", encoding="utf-8")
    assert batch.expand([str(tmp_path)]) == [str(tmp_path / "a.jsonl"), str(tmp_path / "b.NDJSON")]


def test_a_missing_stream_is_one_unusable_input(tmp_path: Path) -> None:
    outcomes = list(batch.check_many([str(tmp_path / "nope.jsonl")], jobs=1))
    assert len(outcomes) == 1 and outcomes[0].error is not None and outcomes[0].error.code == "not-found"


def test_the_command_line_prints_stream_places_and_a_summary(stream: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "govreport", "check", "--format", "lines", str(stream)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 2, run.stderr  # an unusable record is exit 2, as an unusable file is
    text = stream.read_text(encoding="utf-8").splitlines()[2]
    assert f"{stream}:3:{_column_of_received_total(text)}: T3-ROW-TOTAL error /requests/received/total" in run.stdout
    assert f"{stream}:4: unusable not-json" in run.stdout
    summary = subprocess.run([sys.executable, "-m", "govreport", "check", "--lang", "en", str(stream)],
                             cwd=ROOT, capture_output=True, text=True, check=False)
    assert "4 files: 2 passed, 1 with errors, 1 unusable" in summary.stdout


def test_the_command_line_reads_a_stream_from_standard_input(stream: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "govreport", "check", "--format", "json", "--stdin-name",
                          "in.jsonl", "-"], cwd=ROOT, input=stream.read_bytes(), capture_output=True, check=False)
    files = [json.loads(line)["file"] for line in run.stdout.decode().splitlines()]
    assert files == [f"in.jsonl:{n}" for n in (1, 3, 4, 5)]
