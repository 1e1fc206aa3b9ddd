"""What a child process writes to a terminal: its stderr attached to a pseudo-terminal."""

from __future__ import annotations

import os


def stderr_on_terminal(run) -> str:
    """Calls ``run(fd)`` with ``fd`` the slave side of a new pty (size 0x0, like some CI terminals) to
    pass as the child's stderr; returns what the child wrote there."""
    master, slave = os.openpty()
    try:
        run(slave)
        os.set_blocking(master, False)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode(errors="replace")
    finally:
        os.close(master)
        os.close(slave)
