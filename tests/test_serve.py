"""govreport serve: a real server on loopback, real uploads, a real browser.

The server runs as ``python -m govreport serve`` in its own process, with its own
temporary directory (to see that nothing is left behind); requests are plain HTTP
from the standard library, and the pages are looked at in Debian's chromium.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium
from tests.conftest import EXAMPLES, ROOT

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

SEED = EXAMPLES / "chaotian-2021.txt"
SEED_JSON = EXAMPLES / "chaotian-2021.json"
SCREENSHOTS = ROOT / "tests" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, tmp: Path, process: subprocess.Popen[str]) -> None:
        self.port, self.tmp, self.process = port, tmp, process
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve-tmp")
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "govreport", "serve", "--port", str(port), "--jobs", "2", "--max-upload", "2MB",
         "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _, err = process.communicate(timeout=10)
                raise AssertionError(f"the server did not start: {err}")
            time.sleep(0.2)
    yield Server(port, tmp, process)
    process.terminate()
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def multipart(files: list[tuple[str, bytes]], fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() +
                     value.encode() + b"\r\n")
    for filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post(server: Server, path: str, files: list[tuple[str, bytes]], fields: dict[str, str] | None = None,
         accept: str = "*/*") -> tuple[int, Any, bytes]:
    body, content_type = multipart(files, fields)
    request = urllib.request.Request(server.url + path, data=body, method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(server: Server, path: str) -> tuple[int, Any, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def planted_seed() -> bytes:
    """The seed instance with one cell changed: 一、本年新收 natural_person 9 → 10 breaks its row total."""
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert data["requests"]["received"]["natural_person"] == 9  # as examples/chaotian-2021.txt prints it
    data["requests"]["received"]["natural_person"] = 10
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# -- the API ---------------------------------------------------------------------------------


def test_api_check_gives_the_object_the_command_prints(server: Server) -> None:
    status, headers, body = post(server, "/api/check", [("chaotian-2021.txt", SEED.read_bytes())])
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    got = json.loads(body)
    out = subprocess.run([sys.executable, "-m", "govreport", "check", str(SEED), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    expected = json.loads(out.stdout)
    expected["file"] = "chaotian-2021.txt"
    assert got == expected


def test_api_errors_are_4xx_with_the_reason(server: Server) -> None:
    status, _, body = post(server, "/api/check", [("junk.pdf", b"\x00\x01\x02" * 100)])
    assert status == 422
    error = json.loads(body)["error"]
    assert error["code"] == "binary" and error["message"]
    status, _, body = post(server, "/api/check", [], {"other": "x"})
    assert status == 400 and "没有收到文件" in json.loads(body)["error"]["message"]


def test_rules_schema_health_and_openapi(server: Server) -> None:
    status, _, body = get(server, "/api/rules")
    assert status == 200 and {"T3-BALANCE", "X-YEAR", "DOC-DEADLINE"} <= {r["id"] for r in json.loads(body)}
    status, _, body = get(server, "/api/schema/2021")
    assert status == 200 and json.loads(body)["x-edition"] == "2021"
    assert get(server, "/api/schema/2020")[0] == 404
    assert get(server, "/healthz")[0] == 200
    assert "/api/check" in json.loads(get(server, "/openapi.json")[2])["paths"]


def test_security_headers_on_every_response(server: Server) -> None:
    for path in ("/", "/healthz", "/api/rules"):
        _, headers, _ = get(server, path)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in headers["Content-Security-Policy"]


def raw_request(server: Server, head: str, chunks: list[bytes]) -> bytes:
    """Send a request's head and some body, then read what the server answers."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(head.encode("latin-1"))
        for chunk in chunks:
            sock.sendall(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                return answer
            answer += data
        head_part, _, body = answer.partition(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head_part.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            data = sock.recv(65536)
            if not data:
                break
            body += data
        return head_part + b"\r\n\r\n" + body


def test_an_oversize_upload_is_413_without_being_read(server: Server) -> None:
    # A declared 3 MB body is refused on its Content-Length, before a byte of it is sent.
    head = ("POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\n"
            f"Content-Length: {3 * 1024 * 1024}\r\n\r\n")
    answer = raw_request(server, head, [])
    assert answer.startswith(b"HTTP/1.1 413")
    assert "2 MB" in json.loads(answer.partition(b"\r\n\r\n")[2])["error"]["message"]  # names the limit
    # A chunked body (no length) is cut off once 2 MB have streamed in; the rest is never sent.
    head = ("POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    piece = b"y" * (256 * 1024)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    answer = raw_request(server, head, [chunk] * 9)  # 2.25 MB, then the client waits
    assert answer.startswith(b"HTTP/1.1 413")
    assert get(server, "/healthz")[0] == 200


def test_names_are_never_paths_and_always_escaped(server: Server) -> None:
    name = '../../etc/<img src=x onerror=alert(1)>.txt'
    status, _, body = post(server, "/check", [(name, SEED.read_bytes())])
    text = body.decode("utf-8")
    assert status == 200
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;.txt" in text
    assert "../../etc" not in text  # the directory part is dropped: a name is only ever shown


def test_twenty_concurrent_uploads_are_all_answered_and_nothing_is_left(server: Server) -> None:
    documents = [("chaotian-2021.txt", SEED.read_bytes()), ("planted.json", planted_seed())]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(post, server, "/api/check", [documents[i % 2]]) for i in range(20)]
        answers = [f.result(timeout=300) for f in futures]
    assert [a[0] for a in answers] == [200] * 20
    valid = [json.loads(a[2])["valid"] for a in answers]
    assert valid == [True, False] * 10
    assert get(server, "/healthz")[0] == 200
    assert server.process.poll() is None
    assert list(server.tmp.iterdir()) == []  # no temporary file left behind


# -- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def upload(browser: Any, server: Server, path: Path) -> None:
    """Choose ``path`` on the upload page, submit, and wait until the results page is loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    form = browser.find_element(By.ID, "upload")
    browser.find_element(By.ID, "file").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 60).until(expected_conditions.staleness_of(form))
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_the_seed_uploaded_in_a_browser_shows_its_shape_warning(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    upload(browser, server, SEED)
    cell = browser.find_element(By.CSS_SELECTOR, '[data-pointer="/requests/outcomes/other_handling"]')
    assert "warning" in cell.get_attribute("class").split()
    assert "FMT-SHAPE" in browser.page_source
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "serve-seed.png"))


def test_a_planted_error_is_marked_and_junk_gets_a_clear_message(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    planted = tmp_path / "planted.json"
    planted.write_bytes(planted_seed())
    upload(browser, server, planted)
    cell = browser.find_element(By.CSS_SELECTOR, '[data-pointer="/requests/received/total"]')
    assert "error" in cell.get_attribute("class").split()
    browser.save_screenshot(str(SCREENSHOTS / "serve-planted.png"))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    upload(browser, server, junk)
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "junk.pdf" in browser.page_source and alert.text.strip()
    browser.save_screenshot(str(SCREENSHOTS / "serve-junk.png"))


def test_the_upload_page_loads_offline_with_no_console_error(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    for lang, words in (("zh", "把文件拖到这里"), ("en", "Drop files here")):
        browser.get(f"{server.url}/?lang={lang}")
        assert words in browser.find_element(By.ID, "drop").text
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
        SCREENSHOTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"serve-upload-{lang}.png"))


def test_the_results_page_carries_its_downloads(server: Server) -> None:
    import base64
    import csv
    import io
    import re

    openpyxl = pytest.importorskip("openpyxl")
    status, _, body = post(server, "/check", [("chaotian-2021.txt", SEED.read_bytes())])
    assert status == 200
    links = dict(re.findall(r'<a download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', body.decode("utf-8")))
    assert set(links) == {"chaotian-2021.json", "chaotian-2021.findings.json", "chaotian-2021.cells.csv",
                          "chaotian-2021.xlsx"}
    instance = json.loads(base64.b64decode(links["chaotian-2021.json"]))
    assert instance == json.loads(SEED_JSON.read_text(encoding="utf-8"))  # the instance govreport parse writes
    cells_csv = base64.b64decode(links["chaotian-2021.cells.csv"])
    assert cells_csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(cells_csv.decode("utf-8-sig"))))
    # one row per cell of the seed's tables: count them in the instance itself
    def leaves(node: Any) -> int:
        return sum(leaves(v) for v in node.values()) if isinstance(node, dict) else 1
    expected = sum(leaves(instance[t]) for t in ("active_disclosure", "requests", "reviews"))
    assert len(rows) == expected
    assert {r["sha256"] for r in rows} == {hashlib.sha256(SEED.read_bytes()).hexdigest()}
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(links["chaotian-2021.xlsx"])), read_only=True)
    assert len(workbook.sheetnames) == 3
