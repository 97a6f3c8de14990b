"""PostgreSQL backend of the node store (psycopg 3). Several node processes may share one database:
the sequencer, the witness and the publisher each serialise through a transaction-scoped advisory lock.

Connections come from one bounded `psycopg_pool` pool per store, lent for one operation at a time; a
connection that a lost server left broken is discarded when it comes back, and the idle ones are swept.
A multi-host URL with `target_session_attrs=read-write` makes every new connection find the primary.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg_pool

from app.node.store import DEFAULT_RETRY_S, NodeStoreError, SqlStore, StoreUnavailable

CONNECT_TIMEOUT_S = 5
IDLE_CLOSE_S = 60.0
SWEEP_INTERVAL_S = 0.5


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(b"govdesk-node/" + name.encode()).digest()[:8], "big", signed=True)


class PostgresStore(SqlStore):
    """The node store in a PostgreSQL database."""

    placeholder = "%s"
    engine = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 8, retry_s: float = DEFAULT_RETRY_S) -> None:
        super().__init__(retry_s)
        self.url = url
        self.pool_size = pool_size
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            timeout=max(retry_s, 1.0),
            max_idle=IDLE_CLOSE_S,
            reconnect_timeout=3600.0,
            open=False,
            name="govdesk-node",
        )
        self._pool.open(wait=False)
        self._sweep_lock = threading.Lock()
        self._last_sweep = 0.0

    def connect(self) -> Any:
        """Open an autocommit connection outside the pool (transactions are explicit)."""
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise NodeStoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """Borrow a pooled connection for one operation; it goes back (or, broken, is dropped) on every path."""
        try:
            conn = self._pool.getconn()
        except psycopg_pool.PoolTimeout as exc:
            raise StoreUnavailable(f"no database connection within {self._pool.timeout:g} s: {exc}") from exc
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    def connection_gone(self, exc: BaseException) -> bool:
        """Connection lost, server shut down or starting, pool starved, or a read-only (standby) server."""
        return isinstance(
            exc,
            StoreUnavailable
            | psycopg.OperationalError
            | psycopg.InterfaceError
            | psycopg.errors.ReadOnlySqlTransaction
            | psycopg_pool.PoolTimeout,
        )

    def discard_broken(self) -> None:
        """Test the idle connections and replace the dead ones (at most every half second)."""
        now = time.monotonic()
        with self._sweep_lock:
            if now - self._last_sweep < SWEEP_INTERVAL_S:
                return
            self._last_sweep = now
        self._pool.check()

    def can_write(self) -> bool:
        """True if a fresh check finds a primary that accepts writes (one short probe, no retries)."""
        try:
            conn = self._pool.getconn(timeout=2.0)
        except psycopg_pool.PoolTimeout:
            return False
        try:
            row = conn.execute("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')").fetchone()
            return row is not None and not row[0] and row[1] == "off"
        except psycopg.Error:
            self.discard_broken()
            return False
        finally:
            self._pool.putconn(conn)

    def pool_stats(self) -> dict[str, int]:
        """The pool's size and how many connections it lends and holds idle."""
        stats = self._pool.get_stats()
        return {"size": stats.get("pool_size", 0), "available": stats.get("pool_available", 0), "max": self.pool_size}

    def close(self) -> None:
        """Close the pool and every connection in it."""
        self._pool.close(timeout=5.0)

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
