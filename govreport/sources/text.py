"""Plain text and Markdown: one :class:`Line` per physical line.

The text of each line is kept exactly as decoded -- no trimming, no width or space
normalisation -- because the structure stage normalises on its own and reports
positions as ``line``/``column`` that must point at the real characters of the file.
Only line endings are unified (``\\r\\n`` and lone ``\\r`` end a line, as editors
count them), and a final newline does not produce an extra empty line. Blank lines
are kept: in pages flattened to text they separate table cells.

Markdown is not rendered: pipe tables stay lines (their cells are often broken
across lines by the converters that made them, so a Markdown table parser would
only be right for the tidy cases).
"""

from __future__ import annotations

from govreport.location import Location
from govreport.sources.document import Document, Line
from govreport.sources.encoding import decode

__all__ = ["lines_of", "read_text"]


def lines_of(text: str) -> tuple[Line, ...]:
    """Split decoded ``text`` into located lines (1-based line numbers, column 1)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return tuple(Line(text=part, location=Location(line=n, column=1)) for n, part in enumerate(parts, 1))


def read_text(data: bytes, *, name: str, sha256: str, media_type: str) -> Document:
    """Read plain text, Markdown (or JSON kept as text) into a :class:`Document`."""
    text, encoding = decode(data, name)
    return Document(
        blocks=lines_of(text),
        media_type=media_type,
        sha256=sha256,
        name=name,
        encoding=encoding,
    )
