"""JSON Lines streams: one report instance per line (``.jsonl``, ``.ndjson``).

A corpus kept as one stream (what ``govreport parse`` writes, one object per line, or an
export of another system) is checked record by record: each non-blank line is one
report instance, named ``stream.jsonl:LINE``, and the line and column of every finding
count from the start of the stream, so an editor jumps to the right place.

The stream is read a line at a time, never whole: a stream of 100,000 reports costs the
memory of the reports being checked, not of the file. A line longer than the file size
limit is one ``too-large`` record (the rest of the line is skipped unread), so a stream
with one broken line still has its other records checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from govreport.location import Location
from govreport.sources.errors import ReadError
from govreport.sources.instance import load_instance

__all__ = ["STREAM_SUFFIXES", "Record", "is_stream", "load_record", "record_name", "records"]

#: Suffixes of JSON Lines streams (the name, not the content, says a file is a stream:
#: a stream's first line is itself a JSON document, so content cannot tell).
STREAM_SUFFIXES = (".jsonl", ".ndjson")

#: How much of an overlong line is read at a time while skipping it.
_CHUNK = 1 << 20


def is_stream(name: str) -> bool:
    """Whether ``name`` names a JSON Lines stream (by its suffix)."""
    return name.lower().endswith(STREAM_SUFFIXES)


class Record:
    """One line of a stream: its line number and bytes, or why it cannot be used."""

    __slots__ = ("line", "data", "error")

    def __init__(self, line: int, data: bytes | None, error: ReadError | None = None) -> None:
        self.line, self.data, self.error = line, data, error


def record_name(stream: str, line: int) -> str:
    """How a record is named: ``stream.jsonl:17``."""
    return f"{stream}:{line}"


def records(handle: BinaryIO, name: str, *, max_bytes: int) -> Iterator[Record]:
    """The non-blank lines of the stream ``handle`` (named ``name``), one at a time."""
    line = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        line += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line unread
                raw = handle.readline(_CHUNK)
                size += len(raw)
            size -= raw.endswith(b"\n")
            yield Record(line, None, ReadError(record_name(name, line), "too-large", size=size, limit=max_bytes))
            continue
        if raw.strip():
            yield Record(line, raw)


def load_record(data: bytes, name: str, line: int) -> dict[str, Any]:
    """The report instance on one line of a stream; a :class:`ReadError` names the record
    and says where on the stream's line it went wrong."""
    try:
        return load_instance(data, name)
    except ReadError as error:
        if error.location is None or error.location.line is None:
            raise
        where = Location(line=error.location.line + line - 1, column=error.location.column)
        raise ReadError(error.file, error.code, location=where, **cast(dict[str, Any], error.args_)) from None
