"""Reading what a child process reported through a pipe before it was killed (for the crash tests)."""

from __future__ import annotations

import os
import select
import time


def read_until(fd: int, deadline: float, *, marker: bytes | None = None, lines: int | None = None) -> bytes:
    """Read from the pipe until `marker` has arrived, or `lines` newlines have, or the pipe closed, or the
    monotonic `deadline` passed (with neither `marker` nor `lines`: until the pipe closes or the deadline)."""
    buffer = b""

    def done() -> bool:
        return (marker is not None and marker in buffer) or (lines is not None and buffer.count(b"\n") >= lines)

    while not done() and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
    return buffer
