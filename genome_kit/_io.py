"""Opening text inputs that may be gzip/bgzip compressed; atomic writes; stream copies."""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Iterator
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


@contextlib.contextmanager
def atomic_path(path: str, suffix: str = "") -> Iterator[str]:
    """Yields a temporary path next to ``path``; on a clean exit it replaces ``path``
    atomically, on an exception it is removed (readers never see a half file)."""
    tmp = f"{path}.tmp-{os.getpid()}{suffix}"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path: str, text: str) -> None:
    """Writes a text file through a temporary file and an atomic rename."""
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def copy_stream(src, dst, progress=None, chunk: int = 1 << 20) -> int:
    """Copies a binary stream into ``dst`` chunk by chunk (advancing a tqdm-like ``progress``);
    returns the number of bytes copied."""
    copied = 0
    for block in iter(lambda: src.read(chunk), b""):
        dst.write(block)
        copied += len(block)
        if progress is not None:
            progress.update(len(block))
    return copied
