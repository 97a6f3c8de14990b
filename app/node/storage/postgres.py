"""PostgreSQL driver of the node store (psycopg 3). Several node processes may share one database:
the sequencer, the witness and the publisher each serialise through a transaction-scoped advisory lock.

Connections come from one bounded pool per store (app.server_storage.postgres.PostgresPool), lent for one
operation at a time.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.node.storage.interface import DEFAULT_RETRY_S, NodeStoreError, StoreUnavailable
from app.node.storage.sql import SqlStore
from app.server_storage.postgres import (
    PoolExhausted,
    PostgresMissing,
    PostgresPool,
    advisory_lock_key,
    advisory_write_transaction,
    ensure_database,
)

LOCK_NAMESPACE = "govdesk-node"


class PostgresStore(SqlStore):
    """The node store in a PostgreSQL database."""

    placeholder = "%s"
    engine = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 8, retry_s: float = DEFAULT_RETRY_S) -> None:
        super().__init__(retry_s)
        self.url = url
        self.pool_size = pool_size
        try:
            self._pool = PostgresPool(url, size=pool_size, timeout_s=retry_s, name="govdesk-node")
        except PostgresMissing as exc:
            raise NodeStoreError(str(exc)) from exc

    def connect(self) -> Any:
        """Open an autocommit connection outside the pool (transactions are explicit)."""
        try:
            return self._pool.connect()
        except self._pool.psycopg.OperationalError as exc:
            raise NodeStoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """Borrow a pooled connection for one operation; it goes back (or, broken, is dropped) on every path."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolExhausted as exc:
            raise StoreUnavailable(str(exc)) from exc

    def connection_gone(self, exc: BaseException) -> bool:
        """Connection lost, server shut down or starting, pool starved, or a read-only (standby) server."""
        return isinstance(exc, StoreUnavailable) or self._pool.connection_gone(exc)

    def discard_broken(self) -> None:
        """Test the idle connections and replace the dead ones (at most every half second)."""
        self._pool.discard_broken()

    def can_write(self) -> bool:
        """True if a fresh check finds a primary that accepts writes (one short probe, no retries)."""
        return self._pool.accepts_writes()

    def pool_stats(self) -> dict[str, int]:
        """The pool's size and how many connections it lends and holds idle."""
        return self._pool.stats()

    def close(self) -> None:
        """Close the pool and every connection in it."""
        self._pool.close()

    def one_of(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        """One `column = ANY(array)`, whatever the count: one statement text, planned once per connection; the
        array goes in binary (bytes in text form would be escaped value by value)."""
        if values:
            yield f"{column} = ANY(%b)", [list(values)]

    @contextmanager
    def write_transaction(self, conn: Any, lock: str, *, pipelined: bool = False) -> Iterator[Any]:
        """A transaction holding the advisory lock named `lock` until it commits or rolls back.

        `pipelined`: in libpq's pipeline mode, statements go to the server without waiting for the ones
        before; the connection waits only where a result is read, and at COMMIT. The sequencer's batch then
        costs two round trips (its reads, then its writes and COMMIT) instead of one per statement."""
        with contextlib.ExitStack() as stack:
            if pipelined:
                stack.enter_context(conn.pipeline())
            with advisory_write_transaction(conn, advisory_lock_key(LOCK_NAMESPACE, lock)) as cur:
                yield cur

    def insert_entries(self, cur: Any, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert entry rows in one statement of three binary arrays (COPY cannot run in a pipeline)."""
        cur.execute(
            "INSERT INTO entries (idx, hash, data) SELECT * FROM unnest(%b::bigint[], %b::bytea[], %b::bytea[])",
            ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
        )

    def put_tiles(self, cur: Any, rows: list[tuple[int, int, bytes]]) -> None:
        """Insert or replace tile rows in one statement of three binary arrays."""
        cur.execute(
            "INSERT INTO tiles (level, idx, data) SELECT * FROM unnest(%b::int[], %b::bigint[], %b::bytea[]) "
            "ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
            ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
        )


def department_database(postgres_url: str, dept_id: str) -> str:
    """Create (if needed) the PostgreSQL database of one department on the server; return its URL."""
    parts = urlsplit(postgres_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise NodeStoreError(f"{postgres_url!r} is not a postgresql:// URL")
    dbname = "govdesk_" + re.sub(r"[^a-z0-9]", "_", dept_id.lower())
    try:
        ensure_database(postgres_url, dbname)
    except PostgresMissing as exc:
        raise NodeStoreError(str(exc)) from exc
    return urlunsplit(parts._replace(path="/" + dbname))
