"""The file side of a server's SQLite database: created private to the service's user."""

from __future__ import annotations

import os


def make_private(path: str) -> None:
    """Make the database file 0600 (SQLite gives its WAL and index files the same mode), creating it if needed.

    Never by opening and closing an existing file: closing any descriptor of a SQLite file drops every POSIX lock
    this process holds on it, under the feet of its open connections.
    """
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)
