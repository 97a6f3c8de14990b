"""PostgreSQL backend of the node store (psycopg 3). Several node processes may share one database:
the sequencer, the witness and the publisher each serialise through a transaction-scoped advisory lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from app.node.store import SqlStore, StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, root BYTEA NOT NULL,
    checkpoint TEXT, published TEXT, published_size BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (idx BIGINT PRIMARY KEY, hash BYTEA NOT NULL UNIQUE, data BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS tiles (level INTEGER NOT NULL, idx BIGINT NOT NULL, data BYTEA NOT NULL,
    PRIMARY KEY (level, idx));
CREATE TABLE IF NOT EXISTS checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL, signed_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
    kid BYTEA PRIMARY KEY, suite TEXT NOT NULL, public_key BYTEA NOT NULL, role TEXT NOT NULL,
    subject TEXT NOT NULL, department TEXT, enrolled_idx BIGINT NOT NULL, revoked_idx BIGINT,
    changed_idx BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_changed ON keys (changed_idx);
CREATE TABLE IF NOT EXISTS nonces (kid BYTEA NOT NULL, nonce BYTEA NOT NULL, seen_at BIGINT NOT NULL,
    PRIMARY KEY (kid, nonce));
CREATE TABLE IF NOT EXISTS cosigners (name TEXT PRIMARY KEY, size BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS witnessed (origin TEXT PRIMARY KEY, size BIGINT NOT NULL, root BYTEA NOT NULL,
    checkpoint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forks (
    id BIGSERIAL PRIMARY KEY, origin TEXT NOT NULL, held TEXT NOT NULL, offered TEXT NOT NULL,
    old_size BIGINT NOT NULL, proof TEXT NOT NULL, reason TEXT NOT NULL, received_at BIGINT NOT NULL)
"""


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(b"govdesk-node/" + name.encode()).digest()[:8], "big", signed=True)


class PostgresStore(SqlStore):
    """The node store in a PostgreSQL database."""

    placeholder = "%s"
    schema = SCHEMA

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def connect(self) -> Any:
        """Open an autocommit connection (transactions are explicit)."""
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def write_transaction(self, conn: Any, lock: str) -> Iterator[Any]:
        """A transaction holding the advisory lock named `lock` until it commits or rolls back."""
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(lock),))
            yield cur

    def insert_entries(self, cur: Any, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert entry rows with COPY, the fastest bulk path PostgreSQL has."""
        with cur.copy("COPY entries (idx, hash, data) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
