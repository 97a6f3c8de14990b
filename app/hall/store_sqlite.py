"""SQLite backend of the hall store: the default, one file on the hall machine (WAL, synchronous=FULL)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.hall.store import SqlHallStore

SYNCHRONOUS = "FULL"
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hall_state (id INTEGER PRIMARY KEY CHECK (id = 1), call_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, category TEXT NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (day, category));
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, number TEXT NOT NULL, category TEXT NOT NULL,
    kind TEXT NOT NULL, state TEXT NOT NULL, holder TEXT, hold INTEGER, issued_ms INTEGER NOT NULL,
    touched_ms INTEGER NOT NULL, calls INTEGER NOT NULL, skips INTEGER NOT NULL, eligible_seq INTEGER NOT NULL,
    transfer_to TEXT, case_ref TEXT, slot_start_ms INTEGER, slot_end_ms INTEGER, UNIQUE (day, number));
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (state, day, kind, id);
CREATE INDEX IF NOT EXISTS tickets_in_order ON tickets (state, day, id);
CREATE INDEX IF NOT EXISTS tickets_transferred ON tickets (transfer_to, state, id) WHERE transfer_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_held ON tickets (state, touched_ms) WHERE state = 'called';
CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_per_window ON tickets (holder) WHERE state = 'called';
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL REFERENCES tickets (id), kind TEXT NOT NULL,
    at_window TEXT, at_ms INTEGER NOT NULL, detail TEXT);
CREATE INDEX IF NOT EXISTS events_ticket ON events (ticket_id, id);
CREATE TABLE IF NOT EXISTS appointments (code TEXT PRIMARY KEY, category TEXT NOT NULL,
    slot_start_ms INTEGER NOT NULL, slot_end_ms INTEGER NOT NULL, ticket_id INTEGER);
CREATE TABLE IF NOT EXISTS devices (
    kid BLOB PRIMARY KEY, suite TEXT NOT NULL, public_key BLOB NOT NULL, role TEXT NOT NULL, subject TEXT NOT NULL,
    office TEXT NOT NULL, window_id TEXT, revoked INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (kid BLOB NOT NULL, nonce BLOB NOT NULL, seen_at INTEGER NOT NULL,
    PRIMARY KEY (kid, nonce));
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at);
CREATE TABLE IF NOT EXISTS ratings (
    entry_hash BLOB PRIMARY KEY, level INTEGER NOT NULL, service TEXT NOT NULL, office TEXT NOT NULL,
    window_id TEXT NOT NULL, clerk BLOB NOT NULL, case_commitment BLOB NOT NULL, rated_at INTEGER NOT NULL,
    entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS remediation (
    id INTEGER PRIMARY KEY AUTOINCREMENT, entry_hash BLOB NOT NULL UNIQUE, level INTEGER NOT NULL,
    service TEXT NOT NULL, window_id TEXT NOT NULL, opened_ms INTEGER NOT NULL, due_day TEXT NOT NULL,
    due_provisional INTEGER NOT NULL, reason TEXT, callback_ms INTEGER, callback_by TEXT, outcome TEXT)
"""


class SQLiteHallStore(SqlHallStore):
    """The hall store in one SQLite file; BEGIN IMMEDIATE serialises every writer."""

    schema = SCHEMA

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.url = f"sqlite:///{path}"
        # The server's threads queue here for the write lock. Left to SQLite, a thread that finds the
        # database locked sleeps in steps of up to 100 ms before it retries, which made a call's p99
        # over a second with 20 windows; waiting on a Python lock wakes the next writer at once.
        self._writer = threading.Lock()

    def connect(self) -> Any:
        """Open a connection in autocommit mode, in WAL with a generous busy timeout."""
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """BEGIN IMMEDIATE takes SQLite's single write lock: that serialises every writer (other processes too)."""
        with self._writer:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()


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
