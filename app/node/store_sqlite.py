"""SQLite backend of the node store: the embedded default for a one-machine demo (WAL mode)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.node.store import DEFAULT_RETRY_S, SqlStore


def _make_private(path: str) -> None:
    """Make the database file 0600 (SQLite gives its WAL and index files the same mode), creating it if needed.

    Never by opening and closing an existing file: closing any descriptor of a SQLite file drops every POSIX lock
    this process holds on it, under the feet of its open connections.
    """
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)


class SQLiteStore(SqlStore):
    """The node store in one SQLite file; write transactions are serialised by SQLite itself."""

    engine = "sqlite"

    def __init__(self, path: str, *, retry_s: float = DEFAULT_RETRY_S) -> None:
        super().__init__(retry_s)
        self.path = path
        self.url = f"sqlite:///{path}"
        if path != ":memory:":
            _make_private(path)

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
