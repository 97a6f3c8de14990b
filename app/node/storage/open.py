"""Open the node store by URL: `postgresql://...` or `sqlite:///path` (a bare path means SQLite)."""

from __future__ import annotations

from app.node.storage.interface import DEFAULT_RETRY_S, NodeStoreError
from app.node.storage.postgres import PostgresStore
from app.node.storage.sql import SqlStore
from app.node.storage.sqlite import SQLiteStore


def open_store(url: str, *, pool_size: int = 8, retry_s: float = DEFAULT_RETRY_S) -> SqlStore:
    """Open the store at `url`: `postgresql://...` or `sqlite:///path` (a bare path means SQLite).

    PostgreSQL connections come from a pool of at most `pool_size`; SQLite keeps a connection per thread
    and one writer at a time, as SQLite itself allows.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url, pool_size=pool_size, retry_s=retry_s)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite:")
    if not path or "=" in path or "://" in path:
        raise NodeStoreError(f"{url!r} is neither a postgresql:// URL nor a sqlite:///path")
    return SQLiteStore(path, retry_s=retry_s)
