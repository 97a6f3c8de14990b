"""What the node's and the hall's SQL stores share in how they run statements: one text per statement in `?`
placeholder style, rewritten for the engine, and a view of one open write transaction."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

IN_LIST_LIMIT = 500  # values per `IN (...)` list: under every SQLite build's limit on bound parameters


class SqlDialect:
    """A SQL store's engine: its placeholder style and which DDL `app.server_storage.schema.ddl` generates."""

    placeholder = "?"
    engine: str = ""  # "sqlite" or "postgresql"
    url: str = ""

    def sql(self, text: str) -> str:
        """Return `text` with `?` placeholders in this backend's style."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def one_of(self, column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
        """(condition, parameters) pairs that together select the rows whose `column` is one of `values`: here
        `IN (?, ...)` lists of at most IN_LIST_LIMIT values; PostgreSQL overrides it with one `= ANY(?)`."""
        values = list(values)
        for i in range(0, len(values), IN_LIST_LIMIT):
            chunk = values[i : i + IN_LIST_LIMIT]
            yield f"{column} IN ({', '.join('?' * len(chunk))})", chunk


class TransactionView:
    """Statements run on the cursor of one open write transaction of a store."""

    def __init__(self, store: SqlDialect, cur: Any) -> None:
        self._dialect = store
        self._cur = cur

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._cur.execute(self._dialect.sql(sql), params)
        return self._cur


class PerThreadConnections:
    """One connection per thread, opened on first use by `connect`; `close_all` closes every one of them."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        """Return this thread's connection, opening it on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close_all(self) -> None:
        """Close every connection opened so far (from any thread: best effort) and forget them."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(Exception):  # closing from another thread is best effort
                conn.close()
        self._local = threading.local()
