"""Support for the crash tests of replica schema migrations (no tests here): how many SQLite progress callbacks a
whole migration takes, and a migration in a child process that SIGKILLs itself after a given number of them."""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

from app.store.connection import connect
from app.store.schema import migrate

TICK_OPS = 1000  # SQLite virtual machine operations between two progress callbacks


def migration_ticks(path: Path, db_key: bytes, upto: int) -> int:
    """Migrate `path` up to `upto` and return how many progress callbacks that took."""
    conn = connect(path, db_key)
    total = [0]

    def count() -> int:
        total[0] += 1
        return 0

    conn.set_progress_handler(count, TICK_OPS)
    migrate(conn, upto=upto)
    conn.close()
    return total[0]


def kill_points(total: int, seed: int) -> list[int]:
    """The callback counts to kill a migration of `total` callbacks at: its first two, six at random, its last."""
    return sorted({1, 2, *random.Random(seed).sample(range(3, total), 6), total - 1})


def kill_migration_after(path: Path, db_key: bytes, upto: int, ticks: int) -> int:
    """In a child, migrate `path` up to `upto` and SIGKILL itself after `ticks` progress callbacks; return the
    signal that ended the child (SIGKILL if the kill landed before the migration finished)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            conn = connect(path, db_key)
            seen = [0]

            def tick() -> int:
                seen[0] += 1
                if seen[0] >= ticks:
                    os.kill(os.getpid(), signal.SIGKILL)
                return 0

            conn.set_progress_handler(tick, TICK_OPS)
            migrate(conn, upto=upto)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.waitstatus_to_exitcode(status)
