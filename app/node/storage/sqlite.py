"""SQLite driver of the node store: the embedded default for a one-machine demo (WAL mode)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.node.storage.interface import DEFAULT_RETRY_S
from app.node.storage.sql import SqlStore
from app.server_storage.sqlite_file import make_private


class SQLiteStore(SqlStore):
    """The node store in one SQLite file; write transactions are serialised by SQLite itself."""

    engine = "sqlite"

    def __init__(self, path: str, *, retry_s: float = DEFAULT_RETRY_S) -> None:
        super().__init__(retry_s)
        self.path = path
        self.url = f"sqlite:///{path}"
        if path != ":memory:":
            make_private(path)

    def connect(self) -> Any:
        """Open a connection in autocommit mode, in WAL with a generous busy timeout."""
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def write_transaction(self, conn: Any, lock: str) -> Iterator[Any]:
        """BEGIN IMMEDIATE takes SQLite's single write lock: that serialises every writer."""
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (an I/O error does): keep the real error
                cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")
        finally:
            cur.close()

    def insert_entries(self, cur: Any, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert entry rows with executemany."""
        cur.executemany("INSERT INTO entries (idx, hash, data) VALUES (?, ?, ?)", rows)
