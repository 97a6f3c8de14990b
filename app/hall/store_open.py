"""Open the hall store by URL: `sqlite:///path` (the default) or `postgresql://...`."""

from __future__ import annotations

from app.hall.store import HallStoreError, SqlHallStore
from app.hall.store_postgres import PostgresHallStore
from app.hall.store_sqlite import SQLiteHallStore


def open_hall_store(url: str) -> SqlHallStore:
    """Open (and create the tables of) the hall store at `url`; a bare path means SQLite."""
    if url.startswith(("postgresql://", "postgres://")):
        store: SqlHallStore = PostgresHallStore(url)
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite:")
        if not path or "=" in path or "://" in path:
            raise HallStoreError(f"{url!r} is neither a postgresql:// URL nor a sqlite:///path")
        store = SQLiteHallStore(path)
    store.init_schema()
    return store
