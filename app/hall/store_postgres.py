"""PostgreSQL backend of the hall store (psycopg 3): every write transaction holds one advisory lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.hall.store import HallStoreError, SqlHallStore
from app.server_storage.postgres import (
    CONNECT_TIMEOUT_S,
    PostgresMissing,
    advisory_lock_key,
    advisory_write_transaction,
    postgres_driver,
)

_LOCK_KEY = advisory_lock_key("govdesk-hall", "state")


class PostgresHallStore(SqlHallStore):
    """The hall store in a PostgreSQL database."""

    placeholder = "%s"
    engine = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def connect(self) -> Any:
        """Open an autocommit connection (transactions are explicit)."""
        try:
            psycopg = postgres_driver()
        except PostgresMissing as exc:
            raise HallStoreError(str(exc)) from exc
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise HallStoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """A transaction holding the hall's advisory lock until it commits or rolls back."""
        with advisory_write_transaction(conn, _LOCK_KEY) as cur:
            yield cur
