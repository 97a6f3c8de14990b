"""SQLite driver of the node store: the embedded default for a one-machine demo (WAL mode)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.node.storage.interface import DEFAULT_RETRY_S
from app.node.storage.sql import SqlStore
from app.server_storage.sqlite import connect_wal, immediate_transaction, make_private


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
        return connect_wal(self.path)

    @contextmanager
    def write_transaction(self, conn: Any, lock: str, *, pipelined: bool = False) -> Iterator[Any]:
        """BEGIN IMMEDIATE takes SQLite's single write lock: that serialises every writer (a pipeline is for
        a server across a socket; here every statement is a call in this process)."""
        with immediate_transaction(conn) as cur:
            yield cur

    def insert_entries(self, cur: Any, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert entry rows with executemany."""
        cur.executemany("INSERT INTO entries (idx, hash, data) VALUES (?, ?, ?)", rows)

    def put_tiles(self, cur: Any, rows: list[tuple[int, int, bytes]]) -> None:
        """Insert or replace tile rows with executemany."""
        cur.executemany(
            "INSERT INTO tiles (level, idx, data) VALUES (?, ?, ?) "
            "ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
            rows,
        )
