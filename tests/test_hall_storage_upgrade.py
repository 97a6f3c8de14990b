"""A version-1 hall database upgrades without loss on SQLite and on PostgreSQL (to version 2, which adds the
`served` table); a newer one is refused with a typed error and left untouched; a migration runs all or nothing
(app.server_storage.migrations, shared with the node)."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.hall import store as hall_store
from app.hall.store import SCHEMA_VERSION, HallSchemaTooNew, HallStoreError
from app.hall.store_open import open_hall_store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = json.loads((FIXTURES / "hall_v1_rows.json").read_text())["tables"]
_databases = itertools.count()
NEW_INDEX = "CREATE INDEX tickets_by_case ON tickets (case_ref)"


def _value(cell: Any) -> Any:
    return bytes.fromhex(cell["hex"]) if isinstance(cell, dict) else cell


def _v1_rows(table: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(_value(c) for c in row) for row in V1[table]), key=repr)


def _rows(conn: Any, table: str) -> list[tuple[Any, ...]]:
    rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return sorted((tuple(bytes(c) if isinstance(c, memoryview) else c for c in row) for row in rows), key=repr)


def _fill(conn: Any, mark: str) -> None:
    for table in V1:
        for row in _v1_rows(table):
            conn.execute(f"INSERT INTO {table} VALUES ({', '.join([mark] * len(row))})", row)


@pytest.fixture
def v1_sqlite(tmp_path: Path) -> Path:
    """A SQLite hall database made by the frozen version-1 DDL, holding the fixture's rows."""
    db = tmp_path / "hall.db"
    conn = sqlite3.connect(db)
    conn.executescript((FIXTURES / "hall_v1_sqlite.sql").read_text())
    _fill(conn, "?")
    conn.commit()
    conn.close()
    return db


@pytest.fixture
def v1_postgres(pg_server) -> str:
    """A fresh PostgreSQL hall database made by the frozen version-1 DDL, holding the fixture's rows."""
    base = pg_server.conninfo().removesuffix(" dbname=postgres")
    name = f"hall_v1_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(base + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(base + f" dbname={name}") as conn:
        for statement in (FIXTURES / "hall_v1_postgres.sql").read_text().split(";"):
            if statement.strip():
                conn.execute(statement)
        _fill(conn, "%s")
        for table in ("tickets", "events", "remediation"):
            conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    return pg_server.url(name)


def _connect(url: str) -> Any:
    return psycopg.connect(url) if url.startswith("postgresql://") else sqlite3.connect(url.removeprefix("sqlite:///"))


def _has_index(conn: Any, url: str, name: str) -> bool:
    if url.startswith("postgresql://"):
        return conn.execute("SELECT to_regclass(%s)", (name,)).fetchone() != (None,)
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchall() != []


@pytest.fixture(params=["sqlite", "postgresql"])
def v1_url(request: pytest.FixtureRequest) -> str:
    """The URL of a version-1 hall database on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{request.getfixturevalue('v1_sqlite')}"
    return request.getfixturevalue("v1_postgres")


def test_a_v1_hall_database_opens_without_loss_and_a_newer_one_is_refused(v1_url: str) -> None:
    for _ in range(2):
        store = open_hall_store(v1_url)
        ticket = store.ticket(1)
        assert ticket is not None and ticket.number == "A001"
        store.close()
    conn = _connect(v1_url)
    for table in set(V1) - {"schema_version"}:
        assert _rows(conn, table) == _v1_rows(table), table
    assert _rows(conn, "schema_version") == [(SCHEMA_VERSION,)] == [(2,)]
    assert _rows(conn, "served") == []  # version 2's table, empty until a window finishes a ticket with its case
    conn.execute("UPDATE schema_version SET version = ?" if "sqlite" in v1_url else "UPDATE schema_version SET "
                 "version = %s", (SCHEMA_VERSION + 1,))  # fmt: skip
    conn.commit()
    with pytest.raises(HallSchemaTooNew) as refused:
        open_hall_store(v1_url)
    assert isinstance(refused.value, HallStoreError)
    assert refused.value.code == "hall_schema_too_new"
    assert (refused.value.found, refused.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    for table in V1:
        expected = [(SCHEMA_VERSION + 1,)] if table == "schema_version" else _v1_rows(table)
        assert _rows(conn, table) == expected, table
    conn.close()


def test_a_hall_migration_upgrades_a_v1_database(v1_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hall_store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(
        hall_store,
        "MIGRATIONS",
        {**hall_store.MIGRATIONS, SCHEMA_VERSION + 1: (NEW_INDEX, "UPDATE hall_state SET call_seq = ?")},
    )
    with pytest.raises(Exception):  # noqa: B017 - a statement with an unbound parameter: the engine's own error
        open_hall_store(v1_url)
    conn = _connect(v1_url)
    assert _rows(conn, "schema_version") == [(1,)]  # neither version 2 nor the failed step: all or nothing
    assert not _has_index(conn, v1_url, "tickets_by_case")  # the failed migration left nothing behind
    assert not _has_index(conn, v1_url, "served")
    conn.close()
    monkeypatch.setattr(
        hall_store,
        "MIGRATIONS",
        {**hall_store.MIGRATIONS, SCHEMA_VERSION + 1: (NEW_INDEX, "UPDATE hall_state SET call_seq = 8")},
    )
    open_hall_store(v1_url).close()
    conn = _connect(v1_url)
    assert _rows(conn, "schema_version") == [(SCHEMA_VERSION + 1,)]
    assert _has_index(conn, v1_url, "tickets_by_case")
    assert _rows(conn, "hall_state") == [(1, 8)]
    assert _has_index(conn, v1_url, "served")  # version 2 on the way to version 3
    for table in set(V1) - {"schema_version", "hall_state"}:
        assert _rows(conn, table) == _v1_rows(table), table
    conn.close()
