"""Writing output files so that an interrupted run never leaves a half-written one.

Each file is written to a temporary file in the same directory and renamed over the
target (``os.replace``, atomic on one file system): a reader sees the old file or the
whole new one, never a part; an interruption leaves at most a ``.tmp`` file that is
removed on the way out.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any, Literal, TextIO, overload

__all__ = ["atomic", "write_atomically"]


@overload
def atomic(path: str, mode: Literal["w"] = "w") -> contextlib.AbstractContextManager[TextIO]: ...
@overload
def atomic(path: str, mode: Literal["wb"]) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic(path: str, mode: str = "w") -> Any:
    """A file to write in place of ``path``; renamed over it only when the block ends normally."""
    return _atomic(path, mode)


@contextlib.contextmanager
def _atomic(path: str, mode: str) -> Iterator[IO[str] | IO[bytes]]:
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".govreport-", suffix=".tmp")
    try:
        if mode == "wb":
            handle: IO[str] | IO[bytes] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomically(path: str, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` all at once or not at all."""
    if isinstance(data, bytes):
        with atomic(path, "wb") as binary:
            binary.write(data)
    else:
        with atomic(path, "w") as text:
            text.write(data)
