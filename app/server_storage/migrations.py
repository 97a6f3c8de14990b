"""The numbered-migration runner that the node's and the hall's stores share.

A server database keeps its schema version in a one-row `schema_version` table. `migrate_schema` runs inside the
caller's schema transaction: it stamps a fresh database with the version this code knows, refuses a newer one,
and takes an older one up through every numbered migration in that one transaction (all of them or none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer govdesk: its schema version is above the one this code knows."""

    code = "schema_too_new"

    def __init__(self, what: str, found: int, known: int) -> None:
        super().__init__(
            f"the {what} database has schema version {found}, newer than version {known} that this govdesk knows: "
            "run the newer govdesk, or restore a backup made before the upgrade"
        )
        self.found = found
        self.known = known


def migrate_schema(
    cur: Any,
    sql: Callable[[str], str],
    known: int,
    migrations: Mapping[int, tuple[str, ...]],
    too_new: Callable[[int, int], Exception],
) -> int:
    """Bring the schema version under `cur` to `known`; return the version found (0 for a fresh database).

    `migrations[n]` holds the statements (in `?` placeholder style, passed through `sql`) that take a database
    from version n - 1 to n; `too_new(found, known)` is the error raised for a database newer than `known`.
    """
    cur.execute(sql("SELECT version FROM schema_version"))
    row = cur.fetchone()
    if row is None:
        cur.execute(sql("INSERT INTO schema_version (version) VALUES (?)"), (known,))
        return 0
    found = int(row[0])
    if found > known:
        raise too_new(found, known)
    if found < known:
        for version in range(found + 1, known + 1):
            for statement in migrations[version]:
                cur.execute(sql(statement))
        cur.execute(sql("UPDATE schema_version SET version = ?"), (known,))
    return found
