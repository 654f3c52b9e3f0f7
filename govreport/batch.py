"""Checking many documents: in input order, on a process pool or any executor.

:func:`check_many` yields one :class:`Outcome` per input, in input order, as soon as it
and every input before it are done. An outcome is a value, never an exception: a file
that cannot be used carries its :class:`~govreport.sources.errors.ReadError`, so one bad
file never ends the iteration or breaks a pool. Every outcome pickles.

Where the work runs:

* ``jobs=1`` (or a single input): in this process;
* ``jobs=N``: a :class:`~concurrent.futures.ProcessPoolExecutor` of N workers whose
  caches (schemas, compiled relations, label tables) are warmed once per worker;
* ``executor=…``: any :class:`concurrent.futures.Executor` — a Dask cluster's
  ``Client.get_executor()`` works unchanged, which is how a national corpus runs on
  many machines (the paths must be readable where the workers run).

A per-file time limit (``timeout`` seconds) turns a runaway file into its own
``timeout`` error: inside a worker's main thread a timer interrupts the work; where
that is not possible (threads, remote workers), the caller stops waiting for the file
after the limit and reports it, while the rest of the batch goes on.

Across reports (stage ``collection``): :func:`check_many` also returns, per outcome, a
small :class:`~govreport.validation.collection.Profile`; :func:`check_years` pairs
them by agency and year (X-YEAR) once the run is complete.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import datetime
import glob
import io
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO

import attrs
from attrs import define, field

from govreport.api import read_bytes, read_record
from govreport.contract import schemas
from govreport.findings import Result, Severity
from govreport.reading import Reading
from govreport.sources import JSON, MAX_BYTES, read_file, sniff
from govreport.sources.errors import ReadError
from govreport.sources.jsonlines import STREAM_SUFFIXES, is_stream, record_name, records
from govreport.validation import Validator
from govreport.validation.collection import Profile, Years, check_years, profile

__all__ = ["SUFFIXES", "Options", "Outcome", "Tally", "check_many", "check_one", "expand", "terminate", "warm", "years"]

#: File suffixes a directory walk picks up (the content still decides the format).
SUFFIXES = (".json", ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf",
            ".png", ".jpg", ".jpeg", ".tif", ".tiff", *STREAM_SUFFIXES)


@define(frozen=True, kw_only=True, slots=True)
class Options:
    """How each document is checked (picklable: it travels to the workers)."""

    lang: str = "zh"
    edition: str | None = None
    blanks_as_zero: bool = False
    #: only JSON instances are accepted (``govreport validate``)
    json_only: bool = False
    #: keep the whole :class:`~govreport.reading.Reading` in the outcome (HTML reports, exports)
    keep_reading: bool = False
    #: seconds per file, or None for no limit
    timeout: float | None = None
    #: the report is only last year's context (``--previous``): X-YEAR gives it no findings
    previous: bool = False
    #: overrides for the document rules (see :class:`~govreport.validation.settings.DocumentSettings`)
    level: str | None = None
    published_on: datetime.date | None = None
    township_deadline: tuple[int, int] | None = None
    #: when scanned pages are read by OCR: ``auto``, ``always`` or ``never``
    ocr: str = "auto"


@define(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What checking one input gave: a result, or the reason the file is unusable."""

    name: str
    result: Result | None = None
    error: ReadError | None = None
    profile: Profile | None = None
    reading: Reading | None = None
    agency: str | None = None
    year: int | None = None
    media_type: str | None = None
    seconds: float = 0.0
    index: int = field(default=0, eq=False)
    #: the record's line in its JSON Lines stream (0: the input is a whole file)
    line: int = 0

    @property
    def unusable(self) -> bool:
        return self.error is not None

    @property
    def file(self) -> str:
        """The file the places of the findings are in: the stream, for a record of one."""
        return self.name.rsplit(":", 1)[0] if self.line else self.name

    @property
    def edition(self) -> str | None:
        return self.result.edition if self.result is not None else None


# -- inputs ------------------------------------------------------------------------------

_GLOB = set("*?[")


def expand(paths: Iterable[str], *, suffixes: Sequence[str] = SUFFIXES) -> list[str]:
    """Inputs as files: a directory is walked recursively (sorted, only ``suffixes``,
    hidden files and directories skipped; one with nothing to check is kept, and
    checking it is a ``no-reports`` error), a pattern the shell did not expand is
    globbed (``**`` too), anything else is kept as given (a missing file is reported
    when it is checked). ``-`` (standard input) is kept as is.
    """
    out: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            # A directory with nothing to check stays, so checking it says so.
            out.extend(_walk(path, suffixes) or [path])
        elif _GLOB & set(path) and not os.path.exists(path):
            matches = sorted(glob.glob(path, recursive=True))
            for match in matches:
                out.extend(_walk(match, suffixes) if os.path.isdir(match) else [match])
            if not matches:
                out.append(path)
        else:
            out.append(path)
    return out


def _walk(root: str, suffixes: Sequence[str]) -> list[str]:
    found: list[str] = []
    wanted = tuple(s.lower() for s in suffixes)
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(here, f) for f in sorted(files)
                     if not f.startswith(".") and f.lower().endswith(wanted))
    return found


# -- one document --------------------------------------------------------------------------

_VALIDATORS: dict[tuple[Any, ...], Validator] = {}


def _validator(options: Options) -> Validator:
    key = (options.lang, options.blanks_as_zero, options.level, options.published_on, options.township_deadline)
    found = _VALIDATORS.get(key)
    if found is None:
        found = _VALIDATORS[key] = Validator(
            lang=options.lang, blanks_as_zero=options.blanks_as_zero, level=options.level,
            published_on=options.published_on, township_deadline=options.township_deadline)
    return found


class _Timeout(BaseException):
    """Raised by the timer inside a worker (a BaseException, so no ``except Exception`` eats it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (only in a main thread on a POSIX system)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        # Raised where the work happens to be; if that is a place that swallows
        # exceptions (a finaliser, a weakref callback), the re-armed timer fires again.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise _Timeout

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_one(name: str, options: Options = Options(), data: bytes | None = None, line: int = 0) -> Outcome:
    """Check one input (a path, or ``data`` already read under ``name``); never raises
    for a bad file: the error is in the outcome. ``line`` > 0 says ``data`` is the record
    on that line of a JSON Lines stream (a report instance; places count in the stream)."""
    start = time.perf_counter()
    try:
        with _time_limit(options.timeout):
            outcome = _check(name, options, data, line)
    except _Timeout:
        outcome = Outcome(name=name, error=ReadError(name, "timeout", seconds=_seconds(options.timeout)))
    except ReadError as error:
        outcome = Outcome(name=name, error=error)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if os.environ.get("GOVREPORT_DEBUG"):
            raise
        outcome = Outcome(name=name, error=ReadError(name, "internal", detail=f"{type(exc).__name__}: {exc}"[:200]))
    return attrs.evolve(outcome, seconds=time.perf_counter() - start, line=line)


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _check(name: str, options: Options, data: bytes | None, line: int) -> Outcome:
    if data is None and os.path.isdir(name):
        raise ReadError(name, "no-reports", suffixes=" ".join(SUFFIXES))
    raw = read_file(name, name) if data is None else data
    if line:
        reading = read_record(raw, name=name, line=line)
    else:
        if options.json_only and sniff(raw, name) != JSON:
            raise ReadError(name, "not-json", detail=("validate 只接受JSON实例，请用 check",
                                                      "validate takes JSON instances; use check"))
        # a file's HTML pictures are next to it; bytes from standard input have no place
        where = os.path.dirname(os.path.abspath(name)) if data is None else None
        reading = read_bytes(raw, name=name, ocr=options.ocr, directory=where)
    result = _validator(options).run(reading.instance, options.edition, source_map=reading.source_map,
                                     observations=reading.observations)
    report = reading.instance.get("report") if isinstance(reading.instance, dict) else None
    report = report if isinstance(report, dict) else {}
    agency = report.get("agency") if isinstance(report.get("agency"), str) else None
    year = report.get("year") if isinstance(report.get("year"), int) and not isinstance(report.get("year"), bool) \
        else None
    return Outcome(
        name=name, result=result, agency=agency, year=year, media_type=reading.media_type,
        # A JSON instance's positions are worked out only when a finding needs them; X-YEAR
        # findings on a JSON file are not located, so that a batch never walks every file.
        profile=profile(name, reading.instance, result.edition,
                        None if reading.media_type == JSON else reading.source_map, previous=options.previous),
        reading=reading if options.keep_reading else None,
    )


def warm() -> None:
    """Worker initialiser: Ctrl-C is the parent's to handle; load what every check needs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for edition in schemas.EDITIONS:
        schemas.schema(edition)
    Validator().run({"edition": schemas.EDITIONS[-1], "report": {"year": 2021}})


# -- many documents -------------------------------------------------------------------------


def check_many(
    paths: Iterable[str],
    *,
    jobs: int | None = None,
    executor: cf.Executor | None = None,
    options: Options | None = None,
    stdin: bytes | BinaryIO | None = None,
    stdin_name: str = "-",
    lang: str = "zh",
    edition: str | None = None,
    blanks_as_zero: bool = False,
    timeout: float | None = None,
    keep_reading: bool = False,
) -> Iterator[Outcome]:
    """Check every input, yielding one :class:`Outcome` per input in input order.

    ``paths`` are files (use :func:`expand` for directories and patterns); the input
    ``-`` is ``stdin`` (bytes, or a binary file read as it is needed). A JSON Lines
    stream (``.jsonl``/``.ndjson``; for ``-``, when ``stdin_name`` has such a suffix)
    gives one outcome per record, named ``stream.jsonl:LINE``, and is read a line at a
    time. ``jobs`` defaults to the machine's cores; ``executor`` overrides it with any
    :class:`concurrent.futures.Executor` (not shut down here). ``options`` (or the
    keyword arguments) say how each document is checked. Closing the iterator early
    cancels the work not yet started.
    """
    opts = options or Options(lang=lang, edition=edition, blanks_as_zero=blanks_as_zero, timeout=timeout,
                              keep_reading=keep_reading)
    names = list(paths)
    items = _items(names, stdin, stdin_name)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    single = len(names) <= 1 and not any(_streamed(n, stdin_name) for n in names)
    if executor is None and (workers <= 1 or single):
        for i, (name, data, line) in enumerate(items):
            yield _indexed(_one(name, opts, data, line), i)
        return
    own = executor is None
    pool = executor or cf.ProcessPoolExecutor(max_workers=workers, initializer=warm)
    stuck: list[bool] = []
    try:
        # A pool of our own takes a few inputs per task: one task per small JSON file costs
        # the caller about as much as the check itself, and --jobs 2 would gain nothing.
        yield from _ordered(pool, items, opts, window=4 * max(workers, 1) if own else 64, stuck=stuck,
                            chunk=CHUNK if own else 1)
    finally:
        if own:
            if stuck and isinstance(pool, cf.ProcessPoolExecutor):
                terminate(pool)
            pool.shutdown(wait=not stuck, cancel_futures=True)


#: Inputs per task of a pool of our own (see :func:`check_chunk`).
CHUNK = 8

#: One thing to check: its name, its bytes if already read (None: read the file), and
#: its line in a JSON Lines stream (0: a whole file). A record that cannot be used has
#: its error instead of bytes.
_Item = tuple[str, "bytes | ReadError | None", int]


def _streamed(name: str, stdin_name: str) -> bool:
    return is_stream(stdin_name if name == "-" else name)


def _items(names: list[str], stdin: bytes | BinaryIO | None, stdin_name: str) -> Iterator[_Item]:
    """The inputs, with each JSON Lines stream opened and read a record at a time."""
    for name in names:
        if not _streamed(name, stdin_name):
            if name != "-":
                yield name, None, 0
            elif stdin is None or isinstance(stdin, bytes):
                yield name, stdin, 0
            else:
                yield name, stdin.read(), 0
            continue
        shown = stdin_name if name == "-" else name
        if name == "-":
            handle: BinaryIO = io.BytesIO(stdin) if isinstance(stdin, bytes) else (stdin or io.BytesIO())
            yield from _records(handle, shown)
            continue
        try:
            handle = open(name, "rb")  # noqa: SIM115 - closed below, after the last record
        except OSError:
            yield name, None, 0  # checking it as a file says why it cannot be read
            continue
        with handle:
            yield from _records(handle, shown)


def _records(handle: BinaryIO, shown: str) -> Iterator[_Item]:
    try:
        for record in records(handle, shown, max_bytes=MAX_BYTES):
            name = record_name(shown, record.line)
            yield name, record.error if record.error is not None else record.data, record.line
    except OSError as error:  # the stream broke off (a disk error, a closed pipe)
        yield shown, ReadError(shown, "unreadable", detail=error.strerror or str(error)), 0


def _one(name: str, opts: Options, data: bytes | ReadError | None, line: int) -> Outcome:
    if isinstance(data, ReadError):
        return Outcome(name=name, error=data, line=line)
    return check_one(name, opts, data, line)


def terminate(pool: cf.ProcessPoolExecutor) -> None:
    """End the workers of a pool one of which never came back (its file hung in C code)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


def _indexed(outcome: Outcome, index: int) -> Outcome:
    return attrs.evolve(outcome, index=index)


def _quick(item: _Item) -> bool:
    name, _, line = item
    return bool(line) or name.lower().endswith(".json")


def check_chunk(chunk: Sequence[tuple[str, bytes | None, int]], options: Options) -> list[Outcome]:
    """:func:`check_one` for several inputs in one task (what a pool worker runs: one
    task per input costs the caller more than checking a small JSON file does)."""
    return [check_one(name, options, data, line) for name, data, line in chunk]


def _ordered(pool: cf.Executor, items: Iterator[_Item], opts: Options, window: int,
             stuck: list[bool], chunk: int = 1) -> Iterator[Outcome]:
    """Submit at most ``window`` tasks of up to ``chunk`` inputs ahead (taking inputs only
    as they are needed) and yield in input order."""
    pending: collections.deque[tuple[int, list[_Item], cf.Future[list[Outcome]] | None, float]] = \
        collections.deque()
    submitted = 0

    def submit() -> bool:
        nonlocal submitted
        taken: list[_Item] = []
        for item in items:
            taken.append(item)
            # only JSON instances (quick and alike) share a task; a document is one task
            if len(taken) >= chunk or isinstance(item[1], ReadError) or not _quick(item):
                break
        if not taken:
            return False
        work = [(n, d, ln) for n, d, ln in taken if not isinstance(d, ReadError)]
        future = pool.submit(check_chunk, work, opts) if work else None
        pending.append((submitted, taken, future, time.monotonic()))
        submitted += len(taken)
        return True

    while len(pending) < window and submit():
        pass
    try:
        while pending:
            index, taken, future, started = pending.popleft()
            done = iter(_wait(future, taken, opts.timeout, started)) if future is not None else iter(())
            if future is not None and not future.done():
                stuck.append(True)
            submit()
            for offset, (name, data, line) in enumerate(taken):
                outcome = _one(name, opts, data, line) if isinstance(data, ReadError) else next(done)
                yield _indexed(outcome, index + offset)
    finally:
        for _, _, future, _ in pending:
            if future is not None:
                future.cancel()


#: How long past its time limit the caller waits for a file before reporting it itself
#: (the worker's own timer normally ends it first).
_GRACE = 10.0


def _wait(future: cf.Future[list[Outcome]], taken: list[_Item], timeout: float | None,
          started: float) -> list[Outcome]:
    names = [name for name, data, _ in taken if not isinstance(data, ReadError)]
    limit = None if timeout is None else max(timeout * len(names) + _GRACE - (time.monotonic() - started), 0.1)
    try:
        return future.result(timeout=limit)
    except cf.TimeoutError:
        future.cancel()
        return [Outcome(name=n, error=ReadError(n, "timeout", seconds=_seconds(timeout))) for n in names]
    except cf.CancelledError:
        return [Outcome(name=n, error=ReadError(n, "internal", detail="cancelled")) for n in names]
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a lost worker is its files' error, not the batch's end
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return [Outcome(name=n, error=ReadError(n, "internal", detail=detail)) for n in names]


def years(outcomes: Iterable[Outcome], previous: Iterable[Outcome] = (), *, lang: str = "zh") -> Years:
    """X-YEAR over a run's outcomes (``previous`` are last year's reports, context only)."""
    profiles = [o.profile for o in list(previous) + list(outcomes) if o.profile is not None]
    return check_years(profiles, lang=lang)


@define(kw_only=True, slots=True)
class Tally:
    """A run's summary, added to one outcome at a time (what the closing summary shows)."""

    files: int = 0
    passed: int = 0
    with_errors: int = 0
    unusable: list[tuple[str, str]] = field(factory=list)  # (name, error code)
    rules: collections.Counter[str] = field(factory=collections.Counter)
    errors_by_file: collections.Counter[str] = field(factory=collections.Counter)
    interrupted: bool = False
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        if outcome.error is not None:
            self.unusable.append((outcome.name, outcome.error.code))
            return
        assert outcome.result is not None
        for finding in outcome.result.findings:
            self.rules[finding.rule] += 1
        errors = sum(1 for f in outcome.result.findings if f.severity is Severity.ERROR)
        if errors:
            self.with_errors += 1
            self.errors_by_file[outcome.name] = errors
        else:
            self.passed += 1
