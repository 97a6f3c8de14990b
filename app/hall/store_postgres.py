"""PostgreSQL backend of the hall store (psycopg 3): every write transaction holds one advisory lock."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.hall.store import HallStoreError, SqlHallStore
from app.node.store import postgres_driver

_LOCK_KEY = int.from_bytes(hashlib.sha256(b"govdesk-hall/state").digest()[:8], "big", signed=True)


class PostgresHallStore(SqlHallStore):
    """The hall store in a PostgreSQL database."""

    placeholder = "%s"
    engine = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def connect(self) -> Any:
        """Open an autocommit connection (transactions are explicit)."""
        psycopg = postgres_driver()
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise HallStoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """A transaction holding the hall's advisory lock until it commits or rolls back."""
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            yield cur
