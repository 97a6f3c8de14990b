"""The PostgreSQL machinery that the node's and the hall's stores share: the driver, a bounded connection
pool, advisory-lock keys, and creating a database on a server.

psycopg is optional (the desktop bundle's pure-Python driver needs the system libpq), so it is loaded by
`postgres_driver()` when a PostgreSQL store is opened, never when this module is imported.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

CONNECT_TIMEOUT_S = 5
IDLE_CLOSE_S = 60.0
SWEEP_INTERVAL_S = 0.5


class PostgresMissing(RuntimeError):
    """PostgreSQL cannot be used by this govdesk: its driver or the system libpq is missing."""

    code = "postgres_missing"


class PoolExhausted(RuntimeError):
    """No pooled connection came free within the pool's timeout."""

    code = "pool_exhausted"


def postgres_driver() -> ModuleType:
    """The psycopg module, or PostgresMissing saying why PostgreSQL cannot be used (no driver, no libpq)."""
    try:
        import psycopg  # optional, loaded on use (see the module docstring); a plain import so bundlers see it
    except ImportError as exc:
        raise _missing(exc) from exc
    return psycopg


def _pool_driver() -> ModuleType:
    try:
        import psycopg_pool  # optional like psycopg, which it needs
    except ImportError as exc:
        raise _missing(exc) from exc
    return psycopg_pool


def _missing(exc: ImportError) -> PostgresMissing:
    return PostgresMissing(
        "PostgreSQL is not available in this govdesk: its driver needs libpq (Debian: apt install libpq5; "
        f"or use a sqlite:/// store). {exc}"
    )


@functools.cache
def advisory_lock_key(namespace: str, name: str) -> int:
    """The 64-bit advisory lock key of lock `name` in a server's `namespace` (e.g. "govdesk-node")."""
    digest = hashlib.sha256(f"{namespace}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def ensure_database(server_url: str, dbname: str) -> None:
    """Create the database `dbname` on the server of `server_url` unless it exists."""
    if not dbname.replace("_", "").isalnum():
        raise ValueError(f"{dbname!r} is not a plain database name")
    with postgres_driver().connect(server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


class PostgresPool:
    """A bounded pool of autocommit connections to one database, lent for one operation at a time.

    A connection that a lost server left broken is dropped when it comes back, and the idle ones are swept
    (`discard_broken`). A multi-host URL with `target_session_attrs=read-write` makes every new connection
    find the primary.
    """

    def __init__(self, url: str, *, size: int, timeout_s: float, name: str) -> None:
        self.psycopg = postgres_driver()
        self._pool_module = _pool_driver()
        self.url = url
        self.size = size
        self._pool = self._pool_module.ConnectionPool(
            url,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            timeout=max(timeout_s, 1.0),
            max_idle=IDLE_CLOSE_S,
            reconnect_timeout=3600.0,
            open=False,
            name=name,
        )
        self._pool.open(wait=False)
        self._sweep_lock = threading.Lock()
        self._last_sweep = 0.0

    def connect(self) -> Any:
        """Open an autocommit connection outside the pool (raises the driver's OperationalError if it cannot)."""
        return self.psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)

    @contextmanager
    def connection(self, timeout_s: float | None = None) -> Iterator[Any]:
        """Borrow a pooled connection; it goes back (or, broken, is dropped) on every path."""
        try:
            conn = self._pool.getconn(timeout=timeout_s)
        except self._pool_module.PoolTimeout as exc:
            raise PoolExhausted(f"no database connection within {timeout_s or self._pool.timeout:g} s: {exc}") from exc
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    def connection_gone(self, exc: BaseException) -> bool:
        """Connection lost, server shut down or starting, pool starved, or a read-only (standby) server."""
        psycopg = self.psycopg
        return isinstance(
            exc,
            PoolExhausted
            | psycopg.OperationalError
            | psycopg.InterfaceError
            | psycopg.errors.ReadOnlySqlTransaction
            | self._pool_module.PoolTimeout,
        )

    def discard_broken(self) -> None:
        """Test the idle connections and replace the dead ones (at most every half second)."""
        now = time.monotonic()
        with self._sweep_lock:
            if now - self._last_sweep < SWEEP_INTERVAL_S:
                return
            self._last_sweep = now
        self._pool.check()

    def accepts_writes(self) -> bool:
        """True if a fresh check finds a primary that accepts writes (one short probe, no retries)."""
        try:
            with self.connection(timeout_s=2.0) as conn:
                try:
                    row = conn.execute(
                        "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')"
                    ).fetchone()
                except self.psycopg.Error:
                    self.discard_broken()
                    return False
                return row is not None and not row[0] and row[1] == "off"
        except PoolExhausted:
            return False

    def stats(self) -> dict[str, int]:
        """The pool's size and how many connections it lends and holds idle."""
        stats = self._pool.get_stats()
        return {"size": stats.get("pool_size", 0), "available": stats.get("pool_available", 0), "max": self.size}

    def close(self) -> None:
        """Close the pool and every connection in it."""
        self._pool.close(timeout=5.0)


@contextmanager
def advisory_write_transaction(conn: Any, key: int) -> Iterator[Any]:
    """A transaction on `conn` holding the advisory lock `key` until it commits or rolls back; yield a cursor."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
        yield cur
