"""SQLite backend of the hall store: the default, one file on the hall machine (WAL, synchronous=FULL)."""

from __future__ import annotations

import sqlite3
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
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at)
"""


class SQLiteHallStore(SqlHallStore):
    """The hall store in one SQLite file; BEGIN IMMEDIATE serialises every writer."""

    schema = SCHEMA

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.url = f"sqlite:///{path}"

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
        """BEGIN IMMEDIATE takes SQLite's single write lock: that serialises every writer."""
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
