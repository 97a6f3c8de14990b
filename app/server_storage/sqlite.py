"""The SQLite side that the node's and the hall's stores share: a database file private to the service's user,
connections in WAL mode, and the immediate write transaction that serialises every writer."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BUSY_TIMEOUT_MS = 30000


def make_private(path: str) -> None:
    """Make the database file 0600 (SQLite gives its WAL and index files the same mode), creating it if needed.

    Never by opening and closing an existing file: closing any descriptor of a SQLite file drops every POSIX lock
    this process holds on it, under the feet of its open connections.
    """
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)


def connect_wal(path: str, *, synchronous: str = "FULL", foreign_keys: bool = False) -> sqlite3.Connection:
    """Open a connection in autocommit mode, in WAL with a generous busy timeout, usable from any thread."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if foreign_keys:
        conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def immediate_transaction(conn: Any) -> Iterator[Any]:
    """BEGIN IMMEDIATE takes SQLite's single write lock (serialising every writer); yield a cursor, then commit."""
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
