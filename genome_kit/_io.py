"""Opening text inputs that may be gzip/bgzip compressed."""

from __future__ import annotations

import gzip
import os
from typing import IO


def open_binary(source) -> tuple[IO[bytes], str]:
    """A binary stream for a path (gzip detected by content) or an open file.

    Returns the stream and a name for error messages."""
    if hasattr(source, "readinto"):
        return source, getattr(source, "name", "<stream>")
    if hasattr(source, "buffer"):  # a text stream such as sys.stdin
        return source.buffer, getattr(source, "name", "<stream>")
    path = os.fspath(source)
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb"), path
    return open(path, "rb"), path


def atomic_write_text(path: str, text: str) -> None:
    """Writes a text file through a locked temporary file and an atomic rename
    (the core's writer: temporaries of killed writers are reclaimed)."""
    from . import _core  # noqa: PLC0415 (keeps this module importable without the extension)

    _core.write_file_atomic(os.fspath(path), text.encode("utf-8"))
