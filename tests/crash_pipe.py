"""A child process that reports through a pipe, and reading what it reported before it was killed (crash tests)."""

from __future__ import annotations

import os
import select
import signal
import time
from collections.abc import Callable


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


def fork_reporting(target: Callable[..., object], *args: object) -> tuple[int, int]:
    """Fork a child that runs `target(*args, write_fd)` and exits; return (its pid, the pipe's read end)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        try:
            target(*args, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, read_fd


def kill_and_drain(pid: int, read_fd: int) -> bytes:
    """SIGKILL the child, reap it, and return what it had reported that was still in the pipe (closing it)."""
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    buffer = b""
    while chunk := os.read(read_fd, 65536):
        buffer += chunk
    os.close(read_fd)
    return buffer
