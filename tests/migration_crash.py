"""Support for the crash tests of replica schema migrations (no tests here): how many SQLite progress callbacks a
whole migration takes, a migration in a child process that SIGKILLs itself after a given number of them, and one
aborted (a statement interrupted) after a given number of them."""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

import pytest

from app.store.connection import connect
from app.store.schema import Connection, migrate

TICK_OPS = 1000  # SQLite virtual machine operations between two progress callbacks


def migration_ticks(path: Path, db_key: bytes, upto: int, tick_ops: int = TICK_OPS) -> int:
    """Migrate `path` up to `upto` and return how many progress callbacks (one per `tick_ops` operations) that took."""
    conn = connect(path, db_key)
    total = [0]

    def count() -> int:
        total[0] += 1
        return 0

    conn.set_progress_handler(count, tick_ops)
    migrate(conn, upto=upto)
    conn.close()
    return total[0]


def kill_points(total: int, seed: int) -> list[int]:
    """The callback counts to kill a migration of `total` callbacks at: its first two, six at random, its last."""
    return sorted({1, 2, *random.Random(seed).sample(range(3, total), 6), total - 1})


def kill_migration_after(path: Path, db_key: bytes, upto: int, ticks: int, tick_ops: int = TICK_OPS) -> int:
    """In a child, migrate `path` up to `upto` and SIGKILL itself after `ticks` progress callbacks (one per `tick_ops`
    operations); return the signal that ended the child (SIGKILL if the kill landed before the migration finished)."""
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

            conn.set_progress_handler(tick, tick_ops)
            migrate(conn, upto=upto)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.waitstatus_to_exitcode(status)


def interrupt_migration(conn: Connection, upto: int, after: int, tick_ops: int = TICK_OPS) -> None:
    """Migrate `conn` up to `upto` and abort the statement running after `after` progress callbacks (a nonzero
    answer interrupts it); the migration must fail with SQLite's interrupt."""
    steps = [0]

    def interrupt() -> int:
        steps[0] += 1
        return int(steps[0] > after)

    conn.set_progress_handler(interrupt, tick_ops)
    with pytest.raises(Exception, match="interrupt"):
        migrate(conn, upto=upto)
    conn.set_progress_handler(None, 0)
