"""One engine-neutral description of a SQL schema, from which each engine's DDL is generated.

Column types are named for what they hold; `ENGINE_TYPES` maps them to SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGINE_TYPES: dict[str, dict[str, str]] = {
    "sqlite": {"int": "INTEGER", "bigint": "INTEGER", "bytes": "BLOB", "text": "TEXT",
               "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    "postgresql": {"int": "INTEGER", "bigint": "BIGINT", "bytes": "BYTEA", "text": "TEXT",
                   "serial": "BIGSERIAL PRIMARY KEY"},
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A column: its name, its neutral type, and any constraint text common to both engines."""

    name: str
    kind: str
    constraint: str = ""


@dataclass(frozen=True)
class Table:
    """A table: its columns, and table constraints (e.g. a composite primary key) common to both engines."""

    name: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Index:
    """A secondary index on some columns of a table; unique and/or partial (`where`) if asked."""

    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str = ""


def ddl(schema: tuple[Table | Index, ...], engine: str) -> list[str]:
    """Return the `CREATE … IF NOT EXISTS` statements of `schema` for `engine` ("sqlite" or "postgresql")."""
    types = ENGINE_TYPES[engine]
    statements = []
    for item in schema:
        if isinstance(item, Index):
            unique = "UNIQUE " if item.unique else ""
            where = f" WHERE {item.where}" if item.where else ""
            columns = ", ".join(item.columns)
            statements.append(f"CREATE {unique}INDEX IF NOT EXISTS {item.name} ON {item.table} ({columns}){where}")
            continue
        parts = [" ".join(filter(None, (c.name, types[c.kind], c.constraint))) for c in item.columns]
        statements.append(f"CREATE TABLE IF NOT EXISTS {item.name} ({', '.join([*parts, *item.constraints])})")
    return statements
