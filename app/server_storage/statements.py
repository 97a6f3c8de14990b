"""What the node's and the hall's SQL stores share in how they run statements: one text per statement in `?`
placeholder style, rewritten for the engine, and a view of one open write transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SqlDialect:
    """A SQL store's engine: its placeholder style and which DDL `app.server_storage.schema.ddl` generates."""

    placeholder = "?"
    engine: str = ""  # "sqlite" or "postgresql"
    url: str = ""

    def sql(self, text: str) -> str:
        """Return `text` with `?` placeholders in this backend's style."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)


class TransactionView:
    """Statements run on the cursor of one open write transaction of a store."""

    def __init__(self, store: SqlDialect, cur: Any) -> None:
        self._dialect = store
        self._cur = cur

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._cur.execute(self._dialect.sql(sql), params)
        return self._cur
