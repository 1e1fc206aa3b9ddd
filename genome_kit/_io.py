"""Opening text inputs that may be gzip/bgzip compressed; atomic writes; stream copies."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import socket
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _reclaim_dead_temps(path: str, suffix: str) -> None:
    """Removes ``<path>.tmp-<pid>@<host><suffix>`` files of dead processes of this
    host: what a writer killed by SIGKILL left behind."""
    directory, base = os.path.split(path)
    prefix, host = f"{base}.tmp-", socket.gethostname()
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(f"@{host}{suffix}")):
            continue
        pid = name[len(prefix) : len(name) - len(host) - len(suffix) - 1]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                _remove(os.path.join(directory, name))


def _remove(path: str) -> None:
    """Removes a file or a directory tree."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


@contextlib.contextmanager
def atomic_path(path: str, suffix: str = "") -> Iterator[str]:
    """Yields a temporary path next to ``path``; on a clean exit it replaces ``path``
    atomically, on an exception it is removed (readers never see a half file).
    Temporaries left by killed writers of the same ``path`` are removed first.

    The temporary may be made a directory (a Zarr store): it is renamed as a whole;
    an existing directory at ``path`` is removed just before (the rename of a
    directory cannot replace a non-empty one)."""
    _reclaim_dead_temps(path, suffix)
    tmp = f"{path}.tmp-{os.getpid()}@{socket.gethostname()}{suffix}"
    try:
        yield tmp
        if os.path.isdir(tmp) and os.path.isdir(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            _remove(tmp)


def atomic_write_text(path: str, text: str) -> None:
    """Writes a text file through a locked temporary file and an atomic rename
    (the core's writer: temporaries of killed writers are reclaimed)."""
    from . import _core  # noqa: PLC0415 (keeps this module importable without the extension)

    _core.write_file_atomic(os.fspath(path), text.encode("utf-8"))


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
