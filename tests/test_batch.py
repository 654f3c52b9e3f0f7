"""Batch runs: inputs, order, a real process pool, a real Dask cluster, limits, the command line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from govreport import batch
from govreport.writers.json import dumps
from tests.conftest import EXAMPLES, ROOT

FILES = ROOT / "tests" / "corpus" / "files"
SEED = EXAMPLES / "chaotian-2021.txt"


def corpus() -> list[str]:
    return sorted(str(p) for p in FILES.iterdir())


def comparable(outcome: batch.Outcome) -> Any:
    """An outcome as plain JSON-able data (what must be equal whatever ran it)."""
    if outcome.error is not None:
        return [outcome.name, "error", outcome.error.code, outcome.error.one_line("en")]
    assert outcome.result is not None
    return [outcome.name, outcome.agency, outcome.year, outcome.result.edition,
            json.loads(dumps([f.to_dict() for f in outcome.result.findings])),
            {k: v.to_dict() for k, v in outcome.result.relations.items()}]


@pytest.fixture(scope="module")
def batch_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The whole corpus, the seed, a junk file and a missing path."""
    where = tmp_path_factory.mktemp("batch")
    junk = where / "junk.pdf"
    junk.write_bytes(b"\x00\x01 not a pdf at all \xff" * 20)
    return corpus() + [str(SEED), str(junk), str(where / "missing.txt")]


@pytest.fixture(scope="module")
def sequential(batch_inputs: list[str]) -> list[Any]:
    return [comparable(o) for o in batch.check_many(batch_inputs, jobs=1)]


# -- inputs ---------------------------------------------------------------------------------


def test_a_directory_is_walked_sorted_for_supported_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/2.pdf", "a.TXT", "b/1.html", "notes.csv", ".hidden/x.txt", "b/.y.txt", "c.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [os.path.relpath(p, tmp_path) for p in batch.expand([str(tmp_path)])]
    assert found == ["a.TXT", "c.json", os.path.join("b", "1.html"), os.path.join("b", "2.pdf")]


def test_a_pattern_the_shell_did_not_expand_is_globbed(tmp_path: Path) -> None:
    for name in ("r-2023.txt", "r-2024.txt", "s-2024.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [Path(p).name for p in batch.expand([str(tmp_path / "r-*.txt")])] == ["r-2023.txt", "r-2024.txt"]
    assert [Path(p).name for p in batch.expand([str(tmp_path / "**" / "*-2024.txt")])] == ["r-2024.txt", "s-2024.txt"]
    # no match, and a plain missing path: kept, so the check reports them as not found
    assert batch.expand([str(tmp_path / "q-*.txt"), "-", "nope.txt"]) == [str(tmp_path / "q-*.txt"), "-", "nope.txt"]


# -- order, pools, clusters ---------------------------------------------------------------


def test_outcomes_come_in_input_order_and_a_bad_file_is_a_value(sequential: list[Any], batch_inputs: list[str]) -> None:
    assert [o[0] for o in sequential] == batch_inputs
    errors = {Path(o[0]).name: o[2] for o in sequential if o[1] == "error"}
    assert errors == {"SOURCES.md": "not-a-report", "junk.pdf": "binary", "missing.txt": "not-found"}


def test_two_worker_processes_give_what_one_process_gives(sequential: list[Any], batch_inputs: list[str]) -> None:
    assert [comparable(o) for o in batch.check_many(batch_inputs, jobs=2)] == sequential


@pytest.mark.slow
def test_a_dask_local_cluster_gives_what_a_local_run_gives(sequential: list[Any], batch_inputs: list[str]) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        outcomes = list(batch.check_many(batch_inputs, executor=client.get_executor()))
    assert [comparable(o) for o in outcomes] == sequential


def test_a_file_over_the_time_limit_is_its_own_error(tmp_path: Path) -> None:
    pdf = str(FILES / "huaian-2024.pdf")  # reading this PDF takes far longer than a millisecond
    outcomes = list(batch.check_many([str(SEED), pdf, str(SEED)], jobs=1, timeout=0.001))
    assert [o.error.code if o.error else None for o in outcomes][1] == "timeout"
    assert "0.001" in outcomes[1].error.one_line("en")  # type: ignore[union-attr]
    # ... and in worker processes too; a generous limit changes nothing
    pooled = list(batch.check_many([pdf, str(SEED)], jobs=2, timeout=0.001))
    assert pooled[0].error is not None and pooled[0].error.code == "timeout"
    assert all(o.error is None for o in batch.check_many([pdf, str(SEED)], jobs=2, timeout=300))


def test_closing_the_iteration_early_stops_the_pool() -> None:
    outcomes = batch.check_many([str(SEED)] * 40, jobs=2)
    first = next(outcomes)
    outcomes.close()  # the pool is shut down, pending work cancelled
    assert first.error is None


def test_every_outcome_pickles(sequential: list[Any], batch_inputs: list[str]) -> None:
    import pickle

    for outcome in batch.check_many(batch_inputs[:3] + batch_inputs[-2:], jobs=1, keep_reading=True):
        assert comparable(pickle.loads(pickle.dumps(outcome))) == comparable(outcome)


# -- the command line -------------------------------------------------------------------------


def cli(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govreport", *argv], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_a_batch_over_the_corpus_reports_every_file_and_a_summary(batch_inputs: list[str]) -> None:
    done = cli("check", str(FILES), str(SEED), batch_inputs[-2], batch_inputs[-1], "--color", "never")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    summary = done.stdout[done.stdout.index("汇总："):]
    assert "共 14 个文件" in summary and "3 个无法使用" in summary
    for name in ("SOURCES.md", "junk.pdf", "missing.txt"):
        assert name in summary
    assert "跨年度核对（X-YEAR）：2 对报告已核对" in summary  # hongze 2023→2024, pingtan 2020→2021
    # each file's header names its agency and year
    assert "tests/corpus/files/hongze-2024.pdf  淮安市洪泽区人民政府 2024年  [2021年版格式]" in done.stdout
    # --ignore-unusable: the unusable files stay in the summary but the exit code is that of the findings
    ignoring = cli("check", str(FILES), batch_inputs[-1], "--ignore-unusable", "--color", "never")
    assert ignoring.returncode == 1 and "missing.txt" in ignoring.stdout


@pytest.mark.slow
def test_errors_first_errors_only_and_rule_selection() -> None:
    # hongze-2023's table 4 totals are printed as 0 (tests/corpus/golden/NOTES.md: two
    # T4-TOTAL failures); its table 3 has a single-row （六）, a FMT-SHAPE warning.
    pdf = str(FILES / "hongze-2023.pdf")
    full = cli("check", pdf, "--color", "never").stdout
    assert full.index("错误 T4-TOTAL") < full.index("警告 FMT-SHAPE")  # table 4's errors before table 3's warning
    quiet = cli("check", pdf, "-q", "--color", "never").stdout
    assert "T4-TOTAL" in quiet and "FMT-SHAPE" not in quiet
    selected = cli("check", pdf, "--select", "fmt-", "--format", "lines").stdout.splitlines()
    assert len(selected) == 1 and " FMT-SHAPE warning " in selected[0]
    ignored = cli("check", pdf, "--ignore", "FMT-SHAPE,T4", "--format", "lines", "-v").stdout
    assert "FMT-SHAPE" not in ignored and "T4-TOTAL" not in ignored
    assert cli("check", pdf, "--ignore", "T4-TOTAL").returncode == 0  # the only errors are ignored
    assert cli("check", pdf).returncode == 1


def test_lines_format_is_file_line_column_rule() -> None:
    text = SEED.read_text(encoding="utf-8")
    lines = cli("check", str(SEED), "--format", "lines", "-v").stdout.splitlines()
    shape = [ln for ln in lines if " FMT-SHAPE " in ln]
    assert shape, lines
    file, line, column, rest = shape[0].split(":", 3)
    assert file == str(SEED) and rest.startswith(" FMT-SHAPE warning /requests/outcomes/other_handling")
    source_line = text.splitlines()[int(line) - 1]
    assert source_line.index("(六)其他处理") == int(column) - 1


def test_standard_input_and_files_from(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    done = cli("check", "-", "--stdin-name", "朝天区.txt", "--format", "json", stdin=data)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["file"] == "朝天区.txt"
    listing = tmp_path / "list.txt"
    listing.write_text(f"# reports to check\n{SEED}\n\n{FILES / 'pingtan-2021.txt'}\n", encoding="utf-8")
    done = cli("check", "--files-from", str(listing), "--format", "json")
    assert [json.loads(line)["file"] for line in done.stdout.splitlines()] == [str(SEED), str(FILES / "pingtan-2021.txt")]
    assert cli("check").returncode == 2 and "no files" in cli("check").stderr


def test_ctrl_c_reports_what_finished_and_exits_130(tmp_path: Path) -> None:
    for i in range(300):
        shutil.copy(SEED, tmp_path / f"r{i:03}.txt")
    proc = subprocess.Popen([sys.executable, "-m", "govreport", "check", str(tmp_path), "--jobs", "2", "--color", "never"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # a first result is out: the run is under way
    assert first.startswith(str(tmp_path))
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    summary = rest[rest.index("汇总："):]
    assert "已中断" in summary
    done = int(summary.split("共 ", 1)[1].split(" 个文件", 1)[0])
    assert 1 <= done < 300


@pytest.mark.slow
def test_the_command_gives_the_same_output_on_one_or_two_workers(batch_inputs: list[str]) -> None:
    one = cli("check", *batch_inputs, "--format", "json", "--jobs", "1")
    two = cli("check", *batch_inputs, "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) >= len(batch_inputs)


def test_a_progress_line_on_a_terminal_and_never_in_a_pipe() -> None:
    import pty

    main_fd, replica_fd = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "govreport", "check", str(SEED), str(FILES / "pingtan-2021.txt"),
                               "--jobs", "1", "--color", "never"], stdout=subprocess.PIPE, stderr=replica_fd,
                              cwd=ROOT, timeout=120, check=False)
        os.close(replica_fd)
        seen = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main_fd)
    assert b"[1/2]" in seen and b"[2/2]" in seen  # on the terminal (stderr)
    assert b"[1/2]" not in done.stdout  # ... never in the output itself
    piped = cli("check", str(SEED), str(FILES / "pingtan-2021.txt"), "--jobs", "1")
    assert "[1/2]" not in piped.stderr and "[1/2]" not in piped.stdout


def test_images_are_walked_and_ocr_never_refuses_them(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    white = b"".join(b"\x00" + b"\xff\xff\xff" * 4 for _ in range(4))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(white)) + chunk(b"IEND", b""))
    (tmp_path / "scan.PNG").write_bytes(png)
    (tmp_path / "photo.jpeg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 16)
    assert sorted(Path(p).name for p in batch.expand([str(tmp_path)])) == ["photo.jpeg", "scan.PNG"]
    done = cli("check", str(tmp_path / "scan.PNG"), "--ocr", "never", "--format", "json")
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "unsupported" and "OCR" in error["message"]
