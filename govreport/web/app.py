"""The web service: an upload page, the HTML report, and a small JSON API.

Routes:

* ``GET /`` — the upload page (Chinese; ``?lang=en`` for English): one or many files
  (text, Markdown, HTML, DOCX, PDF, JSON) by choosing or dropping them, or pasted text;
* ``POST /check`` — multipart, field ``file`` (repeatable) and/or ``text``: the HTML
  report of each document (the tables with the failing cells marked, the findings
  beside them), with an overview when there are several, and downloads (the instance
  as JSON, the findings as JSON, the cells as CSV and an Excel workbook) carried inside the page itself — nothing is stored;
* ``POST /api/check`` — multipart, field ``file``: the object one line of
  ``govreport check --format json`` prints; an unusable file is 422 with the reason;
* ``GET /api/rules``, ``GET /api/schema/{edition}``, ``GET /healthz``,
  ``GET /openapi.json``.

Limits: a request body over ``max_upload`` bytes is 413, refused from its
``Content-Length`` or as soon as the streamed body passes the limit (never read whole);
each document is checked in a worker process under a time limit. Every response says
``X-Content-Type-Options: nosniff`` and carries a Content-Security-Policy that loads
nothing from anywhere (pages need no external resource).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures as cf
import contextlib
import hashlib
import html
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from attrs import define
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from govreport import batch
from govreport.contract import catalogue, schemas
from govreport.messages import Text
from govreport.sources.errors import ReadError
from govreport.version import __version__
from govreport.web import pages
from govreport.writers import export as export_writer
from govreport.writers import json as json_writer

__all__ = ["Settings", "create_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@define(frozen=True, kw_only=True)
class Settings:
    """How the service runs: the upload limit (bytes, per request), the worker
    processes, the time limit per document (seconds) and at most how many files one
    request may hold."""

    max_upload: int = 20 * 1024 * 1024
    jobs: int = 2
    timeout: float = 60.0
    max_files: int = 50


class _TooLarge(Exception):
    pass


#: The header every response carries; HTML responses add their own CSP with a nonce.
_API_CSP = "default-src 'none'; frame-ancestors 'none'"


class _Headers:
    """ASGI middleware: security headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])]
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                headers.append((b"x-frame-options", b"DENY"))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", _API_CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: Settings | None = None) -> Starlette:
    """The service as an ASGI application (run it with uvicorn, or ``govreport serve``)."""
    conf = settings or Settings()
    state: dict[str, cf.ProcessPoolExecutor] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = _pool(conf)
        try:
            yield
        finally:
            pool = state["pool"]
            batch.terminate(pool)  # a worker busy with a long file must not outlive the service
            pool.shutdown(wait=False, cancel_futures=True)

    async def check_document(name: str, data: bytes, lang: str) -> batch.Outcome:
        """One document in a worker process, under the time limit; never raises."""
        options = batch.Options(lang=lang, timeout=conf.timeout, keep_reading=True)
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(state["pool"], batch.check_one, name, options, data)
            return await asyncio.wait_for(future, conf.timeout + 10)
        except TimeoutError:
            _restart(state, conf)  # the worker is stuck in C code: replace the pool
            return batch.Outcome(name=name, error=ReadError(name, "timeout", seconds=f"{conf.timeout:g}"))
        except cf.BrokenExecutor:
            _restart(state, conf)  # a worker died (killed for memory): this file's error, not the service's
            return batch.Outcome(name=name, error=ReadError(name, "internal", detail="worker process ended"))

    async def uploads(request: Request) -> list[tuple[str, bytes]] | _Problem:
        """The request's documents as (display name, bytes), or why there are none."""
        lang = _lang(request)
        try:
            form = await _form(request, conf)
        except _TooLarge:
            return _Problem.of(413, _T_TOO_LARGE, lang, limit=_size(conf.max_upload))
        except ClientDisconnect:
            return _Problem(status=400, message="")
        try:
            items: list[tuple[str, bytes]] = []
            for value in form.getlist("file"):
                if isinstance(value, UploadFile):
                    data = await value.read()
                    if data or value.filename:
                        items.append((_display_name(value.filename, len(items)), data))
            text = form.get("text")
            if isinstance(text, str) and text.strip():
                items.append((_T_PASTED.get(lang), text.encode("utf-8")))
        finally:
            await form.close()
        if not items:
            return _Problem.of(400, _T_NO_FILE, lang)
        if len(items) > conf.max_files:
            return _Problem.of(413, _T_TOO_MANY, lang, limit=str(conf.max_files))
        return items

    async def home(request: Request) -> Response:
        lang = _lang(request)
        nonce = secrets.token_urlsafe(16)
        return _page(pages.upload_page(lang=lang, nonce=nonce, max_upload=_size(conf.max_upload)), nonce)

    async def check(request: Request) -> Response:
        lang = _lang(request)
        got = await uploads(request)
        if isinstance(got, _Problem):
            if not _wants_html(request):
                return got.response()
            nonce = secrets.token_urlsafe(16)
            return _page(pages.message_page(got.message, lang=lang, nonce=nonce), nonce, status=got.status)
        outcomes = await asyncio.gather(*(check_document(name, data, lang) for name, data in got))
        nonce = secrets.token_urlsafe(16)
        downloads = [_downloads(o, data) for o, (_, data) in zip(outcomes, got)]
        return _page(pages.results_page(list(outcomes), downloads, lang=lang, nonce=nonce), nonce)

    async def api_check(request: Request) -> Response:
        lang = _lang(request)
        got = await uploads(request)
        if isinstance(got, _Problem):
            return got.response()
        if len(got) != 1:
            return _Problem.of(400, _T_ONE_FILE, lang).response()
        name, data = got[0]
        outcome = await check_document(name, data, lang)
        if outcome.error is not None:
            return _json(json_writer.error_object(name, outcome.error, lang=lang), status=422)
        assert outcome.result is not None
        obj = json_writer.result_object(name, outcome.result, lang=lang)
        obj = {"file": obj.pop("file"), "agency": outcome.agency, "year": outcome.year, **obj}
        return _json(obj)

    async def api_rules(request: Request) -> Response:
        edition = request.query_params.get("edition")
        if edition is not None and edition not in schemas.EDITIONS:
            return _Problem.of(404, _T_NO_EDITION, _lang(request), edition=edition).response()
        return JSONResponse([r.to_dict() for r in catalogue.rules(edition)])

    async def api_schema(request: Request) -> Response:
        edition = request.path_params["edition"]
        if edition not in schemas.EDITIONS:
            return _Problem.of(404, _T_NO_EDITION, _lang(request), edition=edition).response()
        return JSONResponse(schemas.schema(edition), media_type="application/schema+json")

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def openapi(request: Request) -> Response:
        return JSONResponse(_openapi(conf))

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/rules", api_rules, methods=["GET"]),
        Route("/api/schema/{edition}", api_schema, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_Headers)
    return app


def _pool(conf: Settings) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=conf.jobs, initializer=batch.warm)


def _restart(state: dict[str, cf.ProcessPoolExecutor], conf: Settings) -> None:
    old = state["pool"]
    state["pool"] = _pool(conf)
    batch.terminate(old)
    old.shutdown(wait=False, cancel_futures=True)


async def _form(request: Request, conf: Settings) -> FormData:
    """The multipart form, refusing a body over the limit before or while it arrives."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > conf.max_upload:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > conf.max_upload:
            raise _TooLarge
        chunks.append(chunk)
    request._body = b"".join(chunks)
    return await request.form(max_files=conf.max_files, max_fields=conf.max_files + 10,
                              max_part_size=conf.max_upload)


def _display_name(filename: str | None, index: int) -> str:
    """The name shown for an upload: the client's file name without any directory part.

    It is only ever shown (escaped) and handed to the reader as a name; the bytes are
    checked in memory, so no client-supplied name is a path here.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name or f"upload-{index + 1}"


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in ("zh", "en") else "zh"


def _wants_html(request: Request) -> bool:
    return "application/json" not in request.headers.get("accept", "")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n} B"


_T_TOO_LARGE = Text("上传内容超过上限（{limit}）", "the upload is larger than the limit ({limit})")
_T_TOO_MANY = Text("一次最多上传 {limit} 个文件", "at most {limit} files per upload")
_T_NO_FILE = Text("没有收到文件：请选择文件或粘贴报告文字", "no file received: choose files or paste a report's text")
_T_ONE_FILE = Text("/api/check 每次只接受一个文件（字段 file）", "/api/check takes exactly one file (field file)")
_T_NO_EDITION = Text("没有格式版本 {edition}", "no edition {edition}")
_T_PASTED = Text("粘贴的文字.txt", "pasted-text.txt")


@define(frozen=True, kw_only=True)
class _Problem:
    """Why a request cannot be answered: its status and message, as JSON or as a page."""

    status: int
    message: str

    @classmethod
    def of(cls, status: int, text: Text, lang: str, **args: str) -> _Problem:
        return cls(status=status, message=text.get(lang).format(**args))

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"status": self.status, "message": self.message}}, status_code=self.status)


def _json(value: Any, status: int = 200) -> Response:
    """JSON as the command line writes it (decimals exact, Chinese readable)."""
    return Response(json_writer.dumps(value), status_code=status, media_type="application/json")


def _page(content: str, nonce: str, status: int = 200) -> HTMLResponse:
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; img-src data:; "
           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    return HTMLResponse(content, status_code=status, headers={"content-security-policy": csp,
                                                              "cache-control": "no-store"})


def _downloads(outcome: batch.Outcome, data: bytes) -> list[tuple[str, str, str]]:
    """(label key, file name, data: URI) of what a checked document can be downloaded as."""
    if outcome.reading is None or outcome.result is None:
        return []
    stem = os.path.splitext(outcome.name)[0] or "report"
    instance = json_writer.dumps(outcome.reading.instance, indent=2)
    findings = json_writer.dumps(json_writer.result_object(outcome.name, outcome.result), indent=2)
    out = [
        ("instance", f"{stem}.json", _data_uri(instance.encode("utf-8"), "application/json")),
        ("findings", f"{stem}.findings.json", _data_uri(findings.encode("utf-8"), "application/json")),
    ]
    entry = export_writer.Entry(file=outcome.name, sha256=hashlib.sha256(data).hexdigest(), reading=outcome.reading,
                                result=outcome.result, media_type=outcome.media_type)
    tables = export_writer.tables_of([entry])
    out.append(("cells_csv", f"{stem}.cells.csv", _data_uri(export_writer.csv_bytes(tables, "cells"), "text/csv")))
    with contextlib.suppress(export_writer.MissingExportExtra):  # the xlsx extra is optional
        workbook = export_writer.xlsx_bytes(tables, name=f"{stem}.xlsx")
        out.append(("xlsx", f"{stem}.xlsx", _data_uri(
            workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
    return out


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _openapi(conf: Settings) -> dict[str, Any]:
    upload = {"content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}
    problem = {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "govreport", "version": __version__,
                 "description": html.escape("政府信息公开工作年度报告的校验服务 / checks government information "
                                            "disclosure annual reports")},
        "paths": {
            "/api/check": {"post": {
                "summary": "Check one report file (the object `govreport check --format json` prints)",
                "requestBody": upload,
                "responses": {"200": {"description": "the findings"}, "400": problem,
                              "413": {"description": f"larger than {conf.max_upload} bytes"},
                              "422": {"description": "the file is unusable; the reason is in `error`"}}}},
            "/api/rules": {"get": {"summary": "The rule catalogue", "responses": {"200": {"description": "rules"}}}},
            "/api/schema/{edition}": {"get": {
                "summary": "The JSON Schema of an edition",
                "parameters": [{"name": "edition", "in": "path", "required": True,
                                "schema": {"enum": list(schemas.EDITIONS)}}],
                "responses": {"200": {"description": "the schema"}, "404": problem}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
        },
    }
