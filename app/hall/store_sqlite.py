"""SQLite backend of the hall store: the default, one file on the hall machine (WAL, synchronous=FULL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.hall.store import SqlHallStore
from app.server_storage.sqlite import connect_wal, immediate_transaction

SYNCHRONOUS = "FULL"


class SQLiteHallStore(SqlHallStore):
    """The hall store in one SQLite file; BEGIN IMMEDIATE serialises every writer."""

    engine = "sqlite"

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.url = f"sqlite:///{path}"
        # The server's threads queue here for the write lock. Left to SQLite, a thread that finds the
        # database locked sleeps in steps of up to 100 ms before it retries, which made a call's p99
        # over a second with 20 windows; waiting on a Python lock wakes the next writer at once.
        self._writer = threading.Lock()

    def connect(self) -> Any:
        """Open a connection in autocommit mode, in WAL with a generous busy timeout, foreign keys on."""
        return connect_wal(self.path, synchronous=SYNCHRONOUS, foreign_keys=True)

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """BEGIN IMMEDIATE takes SQLite's single write lock: that serialises every writer (other processes too)."""
        with self._writer, immediate_transaction(conn) as cur:
            yield cur


def bare_update_rate(path: str, rows: int, seconds: float) -> float:
    """Return one thread's rate of `BEGIN IMMEDIATE; UPDATE ... RETURNING; COMMIT` on a fresh tickets table.

    The baseline of the hall benchmark: the same table shape, the same journal mode and synchronous
    setting as the hall store, one row taken per transaction, no HTTP, no signatures, no rules.
    """
    store = SQLiteHallStore(path)
    store.init_schema()
    conn = store.connect()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO tickets (day, number, category, kind, state, issued_ms, touched_ms, calls, skips, eligible_seq) "
        "VALUES ('bare', ?, 'tax', 'normal', 'waiting', 0, 0, 0, 0, 0)",
        [(f"B{n:05d}",) for n in range(rows)],
    )
    conn.execute("COMMIT")
    ids = [r[0] for r in conn.execute("SELECT id FROM tickets WHERE day = 'bare' ORDER BY id")]
    done, start = 0, time.perf_counter()
    while done < len(ids) and time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute(
            "UPDATE tickets SET state = 'called', holder = ?, hold = ?, touched_ms = ?, calls = calls + 1 "
            "WHERE id = ? AND state = 'waiting' RETURNING id",
            (f"bare-{done}", done + 1, done, ids[done]),
        ).fetchone()
        conn.execute("COMMIT")
        assert row is not None
        done += 1
    elapsed = time.perf_counter() - start
    conn.close()
    store.close()
    return done / elapsed
