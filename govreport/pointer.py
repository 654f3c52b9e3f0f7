"""RFC 6901 JSON Pointers: the one way every layer names a place in an instance."""

from __future__ import annotations

__all__ = ["escape", "pointer", "split_pointer"]


def escape(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(path: tuple[str, ...] | list[str]) -> str:
    """The JSON Pointer of a key path."""
    return "".join("/" + escape(p) for p in path)


def split_pointer(ptr: str) -> tuple[str, ...]:
    """The key path of a JSON Pointer (the inverse of :func:`pointer`)."""
    if ptr == "":
        return ()
    if not ptr.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {ptr!r}")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in ptr[1:].split("/"))
