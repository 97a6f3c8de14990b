"""PostgreSQL backend of the hall store (psycopg 3): every write transaction holds one advisory lock."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.hall.store import HallStoreError, SqlHallStore
from app.node.store import postgres_driver

SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hall_state (id INTEGER PRIMARY KEY CHECK (id = 1), call_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, category TEXT NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (day, category));
CREATE TABLE IF NOT EXISTS tickets (
    id BIGSERIAL PRIMARY KEY, day TEXT NOT NULL, number TEXT NOT NULL, category TEXT NOT NULL,
    kind TEXT NOT NULL, state TEXT NOT NULL, holder TEXT, hold BIGINT, issued_ms BIGINT NOT NULL,
    touched_ms BIGINT NOT NULL, calls INTEGER NOT NULL, skips INTEGER NOT NULL, eligible_seq BIGINT NOT NULL,
    transfer_to TEXT, case_ref TEXT, slot_start_ms BIGINT, slot_end_ms BIGINT, UNIQUE (day, number));
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (state, day, kind, id);
CREATE INDEX IF NOT EXISTS tickets_in_order ON tickets (state, day, id);
CREATE INDEX IF NOT EXISTS tickets_transferred ON tickets (transfer_to, state, id) WHERE transfer_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_held ON tickets (state, touched_ms) WHERE state = 'called';
CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_per_window ON tickets (holder) WHERE state = 'called';
CREATE TABLE IF NOT EXISTS events (
    id BIGSERIAL PRIMARY KEY, ticket_id BIGINT NOT NULL REFERENCES tickets (id), kind TEXT NOT NULL,
    at_window TEXT, at_ms BIGINT NOT NULL, detail TEXT);
CREATE INDEX IF NOT EXISTS events_ticket ON events (ticket_id, id);
CREATE TABLE IF NOT EXISTS appointments (code TEXT PRIMARY KEY, category TEXT NOT NULL,
    slot_start_ms BIGINT NOT NULL, slot_end_ms BIGINT NOT NULL, ticket_id BIGINT);
CREATE TABLE IF NOT EXISTS devices (
    kid BYTEA PRIMARY KEY, suite TEXT NOT NULL, public_key BYTEA NOT NULL, role TEXT NOT NULL, subject TEXT NOT NULL,
    office TEXT NOT NULL, window_id TEXT, revoked INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (kid BYTEA NOT NULL, nonce BYTEA NOT NULL, seen_at BIGINT NOT NULL,
    PRIMARY KEY (kid, nonce));
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at);
CREATE TABLE IF NOT EXISTS ratings (
    entry_hash BYTEA PRIMARY KEY, level INTEGER NOT NULL, service TEXT NOT NULL, office TEXT NOT NULL,
    window_id TEXT NOT NULL, clerk BYTEA NOT NULL, case_commitment BYTEA NOT NULL, rated_at BIGINT NOT NULL,
    entry BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS remediation (
    id BIGSERIAL PRIMARY KEY, entry_hash BYTEA NOT NULL UNIQUE, level INTEGER NOT NULL, service TEXT NOT NULL,
    window_id TEXT NOT NULL, opened_ms BIGINT NOT NULL, due_day TEXT NOT NULL, due_provisional INTEGER NOT NULL,
    reason TEXT, callback_ms BIGINT, callback_by TEXT, outcome TEXT)
"""
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"govdesk-hall/state").digest()[:8], "big", signed=True)


class PostgresHallStore(SqlHallStore):
    """The hall store in a PostgreSQL database."""

    placeholder = "%s"
    schema = SCHEMA

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def connect(self) -> Any:
        """Open an autocommit connection (transactions are explicit)."""
        psycopg = postgres_driver()
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise HallStoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """A transaction holding the hall's advisory lock until it commits or rolls back."""
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            yield cur
