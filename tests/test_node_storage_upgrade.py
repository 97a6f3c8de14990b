"""A deployed node's database across schema versions: the version-1 fixture (made by the first schema's code)
upgrades to version 2 (which adds `case_results`) on SQLite and on PostgreSQL without losing a row, the node
serves the same tree root, the new table is usable, opening is idempotent, a failed or killed migration leaves
version 1 whole, and a database written by a newer govdesk is refused with a typed error."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.ledger.merkle import hash_leaf, root_of
from app.node.config import load_config
from app.node.node import CONFIG_FILE, node_from_config
from app.node.storage import schema as node_schema
from app.node.storage.interface import NodeStoreError, SchemaTooNew
from app.node.storage.open import open_store
from app.node.storage.schema import SCHEMA_VERSION
from app.server_storage.schema import Table

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "node_v1"
V1 = json.loads((FIXTURE / "node_v1_rows.json").read_text())
TABLES = tuple(V1["tables"])
V1_VERSION = 1
SCHEMA_TABLES = tuple(item.name for item in node_schema.NODE_SCHEMA if isinstance(item, Table))
_databases = itertools.count()
REPO = Path(__file__).resolve().parents[1]


def _value(cell: Any) -> Any:
    return bytes.fromhex(cell["hex"]) if isinstance(cell, dict) else cell


def _v1_rows(table: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(_value(c) for c in row) for row in V1["tables"][table])


def _rows(conn: Any, table: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(bytes(c) if isinstance(c, memoryview) else c for c in row)
                  for row in conn.execute(f"SELECT * FROM {table}").fetchall())  # fmt: skip


def _v1_node_dir(tmp_path: Path) -> Path:
    """Copy the fixture node directory (its files keep their 0600 modes, as a deployed node's do)."""
    target = tmp_path / "taxation"
    shutil.copytree(FIXTURE / "taxation", target)
    for name in os.listdir(target):
        os.chmod(target / name, 0o600)
    target.chmod(0o700)
    return target


def _open_node(directory: Path, db_url: str):
    config = load_config(directory / CONFIG_FILE, environ={})
    config = replace(config, db_url=db_url, keys_file=str(directory / "node.keys"))
    node = node_from_config(config)
    node.open()
    return node


def _assert_v1_rows(conn: Any, version: int = SCHEMA_VERSION) -> None:
    """Every table holds the fixture's rows, and the schema version is `version` (by default this govdesk's)."""
    for table in TABLES:
        expected = [(version,)] if table == "schema_version" else _v1_rows(table)
        assert _rows(conn, table) == expected, table


def _assert_case_results_usable(store: Any) -> None:
    """The table version 2 added is there, empty after the upgrade, and keeps and serves a result."""
    assert store.case_result("C-upgrade") is None
    assert store.put_case_result("C-upgrade", "window-north", b"\x01" * 32, b"%OFD", 1_700_000_000_000)
    kept = store.case_result("C-upgrade")
    assert kept is not None and (kept.office, kept.data) == ("window-north", b"%OFD")


def _assert_same_log(node: Any) -> None:
    state = node.store.state()
    assert (state.size, state.root.hex()) == (V1["size"], V1["root"])
    entries = node.store.entries(0, state.size)
    assert root_of([hash_leaf(e) for e in entries]) == state.root
    assert node.store.checkpoint_at(state.published_size) == state.published
    assert node.registry.get(_v1_rows("keys")[0][0]) is not None


def test_v1_sqlite_database_upgrades_to_v2_without_loss_and_is_idempotent(tmp_path: Path) -> None:
    directory = _v1_node_dir(tmp_path)
    db = directory / "node.db"
    conn = sqlite3.connect(db)
    _assert_v1_rows(conn, V1_VERSION)  # the fixture is a version-1 database, without the version-2 table
    assert "case_results" not in _sqlite_tables(db)
    conn.close()
    for _ in range(2):  # opening twice changes nothing
        node = _open_node(directory, f"sqlite:///{db}")
        _assert_same_log(node)
        node.stop()
        conn = sqlite3.connect(db)
        _assert_v1_rows(conn)
        assert _rows(conn, "case_results") == []
        conn.close()
    store = open_store(f"sqlite:///{db}")
    try:
        store.init_schema()
        _assert_case_results_usable(store)
    finally:
        store.close()


def test_a_newer_sqlite_database_is_refused_with_a_typed_error(tmp_path: Path) -> None:
    directory = _v1_node_dir(tmp_path)
    db = directory / "node.db"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    store = open_store(f"sqlite:///{db}")
    with pytest.raises(SchemaTooNew) as refused:
        store.init_schema()
    store.close()
    assert isinstance(refused.value, NodeStoreError)
    assert refused.value.code == "node_schema_too_new"
    assert (refused.value.found, refused.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    conn = sqlite3.connect(db)  # refused, not touched
    assert _rows(conn, "schema_version") == [(SCHEMA_VERSION + 1,)]
    assert _rows(conn, "entries") == _v1_rows("entries")
    conn.close()


@pytest.fixture
def v1_postgres(pg_server) -> str:
    """A fresh PostgreSQL database holding the v1 schema and the fixture's rows; return its URL."""
    base = pg_server.conninfo().removesuffix(" dbname=postgres")
    name = f"node_v1_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(base + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(base + f" dbname={name}") as conn:
        for statement in (FIXTURE / "node_v1_postgres.sql").read_text().split(";"):
            if statement.strip():
                conn.execute(statement)
        for table in TABLES:
            for row in _v1_rows(table):
                marks = ", ".join(["%s"] * len(row))
                conn.execute(f"INSERT INTO {table} VALUES ({marks})", row)
        conn.execute("SELECT setval('forks_id_seq', (SELECT max(id) FROM forks))")
    return pg_server.url(name)


def test_v1_postgres_database_upgrades_to_v2_without_loss_and_newer_is_refused(
    tmp_path: Path, v1_postgres: str
) -> None:
    directory = _v1_node_dir(tmp_path)
    with psycopg.connect(v1_postgres) as conn:
        _assert_v1_rows(conn, V1_VERSION)
        assert conn.execute("SELECT to_regclass('case_results')").fetchone() == (None,)
    for _ in range(2):
        node = _open_node(directory, v1_postgres)
        _assert_same_log(node)
        node.stop()
    with psycopg.connect(v1_postgres) as conn:
        _assert_v1_rows(conn)
        assert _rows(conn, "case_results") == []
    store = open_store(v1_postgres)
    try:
        store.init_schema()
        _assert_case_results_usable(store)
    finally:
        store.close()
    with psycopg.connect(v1_postgres) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION + 1,))
    store = open_store(v1_postgres)
    with pytest.raises(SchemaTooNew) as refused:
        store.init_schema()
    store.close()
    assert (refused.value.found, refused.value.known) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    with psycopg.connect(v1_postgres) as conn:  # refused, not touched
        assert _rows(conn, "schema_version") == [(SCHEMA_VERSION + 1,)]
        assert _rows(conn, "entries") == _v1_rows("entries")


def test_a_migration_runs_all_or_nothing_in_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Upgrading v1 through v2 to a next version whose second statement fails leaves the v1 database as it was (no
    version-2 table either); a good one moves it up through every version."""
    directory = _v1_node_dir(tmp_path)
    db = directory / "node.db"
    index = "CREATE INDEX checkpoints_signed_at ON checkpoints (signed_at)"
    monkeypatch.setattr(node_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    failing = (index, "SELECT no_such_column FROM entries")
    monkeypatch.setattr(node_schema, "MIGRATIONS", {**node_schema.MIGRATIONS, SCHEMA_VERSION + 1: failing})
    store = open_store(f"sqlite:///{db}")
    with pytest.raises(sqlite3.OperationalError):
        store.init_schema()
    store.close()
    conn = sqlite3.connect(db)
    _assert_v1_rows(conn, V1_VERSION)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'checkpoints_signed_at'").fetchall() == []
    conn.close()
    assert "case_results" not in _sqlite_tables(db)
    monkeypatch.setattr(node_schema, "MIGRATIONS", {**node_schema.MIGRATIONS, SCHEMA_VERSION + 1: (index,)})
    node = _open_node(directory, f"sqlite:///{db}")
    _assert_same_log(node)
    node.stop()
    conn = sqlite3.connect(db)
    assert _rows(conn, "schema_version") == [(SCHEMA_VERSION + 1,)]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'checkpoints_signed_at'").fetchall() != []
    conn.close()


def test_a_failing_postgres_migration_leaves_v1_whole(
    tmp_path: Path, v1_postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL too, a step that fails after the v2 table was created rolls the whole upgrade back."""
    index = "CREATE INDEX checkpoints_signed_at ON checkpoints (signed_at)"
    monkeypatch.setattr(node_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    failing = (index, "SELECT no_such_column FROM entries")
    monkeypatch.setattr(node_schema, "MIGRATIONS", {**node_schema.MIGRATIONS, SCHEMA_VERSION + 1: failing})
    store = open_store(v1_postgres)
    with pytest.raises(psycopg.errors.UndefinedColumn):
        store.init_schema()
    store.close()
    with psycopg.connect(v1_postgres) as conn:
        _assert_v1_rows(conn, V1_VERSION)
        for name in ("case_results", "checkpoints_signed_at"):
            assert conn.execute("SELECT to_regclass(%s)", (name,)).fetchone() == (None,), name
    monkeypatch.setattr(node_schema, "MIGRATIONS", {**node_schema.MIGRATIONS, SCHEMA_VERSION + 1: (index,)})
    node = _open_node(_v1_node_dir(tmp_path), v1_postgres)
    _assert_same_log(node)
    node.stop()
    with psycopg.connect(v1_postgres) as conn:
        _assert_v1_rows(conn, SCHEMA_VERSION + 1)
        assert conn.execute("SELECT to_regclass('case_results')").fetchone() != (None,)


CRASHING_MIGRATION = """
import sys
from app.node.storage import schema as node_schema
from app.node.storage.open import open_store
node_schema.SCHEMA_VERSION += 1
node_schema.MIGRATIONS = {**node_schema.MIGRATIONS, node_schema.SCHEMA_VERSION: (
    "CREATE INDEX checkpoints_signed_at ON checkpoints (signed_at)",
    "UPDATE cosigners SET size = size + 1",
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",  # never ends
)}
store = open_store(sys.argv[1])
connect = store.connect
def traced():
    conn = connect()
    conn.set_trace_callback(lambda statement: print(statement.split()[0], flush=True))
    return conn
store.connect = traced
store.init_schema()
"""


def test_a_node_killed_mid_migration_leaves_the_old_version_whole(tmp_path: Path) -> None:
    directory = _v1_node_dir(tmp_path)
    db = directory / "node.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_MIGRATION, f"sqlite:///{db}"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:  # the child traces each statement: wait for the never-ending one
            if line.startswith("WITH"):
                break
        else:
            raise AssertionError("the migration never reached its last statement")
    finally:
        child.kill()
        child.wait()
    conn = sqlite3.connect(db)  # killed while going v1 -> v2 -> next: still version 1, without the v2 table
    _assert_v1_rows(conn, V1_VERSION)
    conn.close()
    assert "case_results" not in _sqlite_tables(db)
    node = _open_node(directory, f"sqlite:///{db}")
    _assert_same_log(node)
    node.stop()
    conn = sqlite3.connect(db)
    _assert_v1_rows(conn)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'checkpoints_signed_at'").fetchall() == []
    conn.close()


CRASHING_MIGRATION_POSTGRES = """
import sys
from app.node.storage import schema as node_schema
from app.node.storage.open import open_store
node_schema.SCHEMA_VERSION += 1
node_schema.MIGRATIONS = {**node_schema.MIGRATIONS, node_schema.SCHEMA_VERSION: (
    "CREATE INDEX checkpoints_signed_at ON checkpoints (signed_at)",
    "UPDATE cosigners SET size = size + 1",
    "SELECT pg_sleep(3600) -- govdesk crash test",  # never ends within the test
)}
open_store(sys.argv[1]).init_schema()
"""


def _sleeping_migrations(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE %s",
            ("%govdesk crash test%",),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _poll(condition: Any, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_postgres_node_killed_mid_migration_leaves_the_old_version_whole(tmp_path: Path, v1_postgres: str) -> None:
    directory = _v1_node_dir(tmp_path)
    # The server checks every 100 ms whether the client of a running statement is still there (PostgreSQL 14+),
    # so the killed node's backend ends, and rolls the migration back, without waiting for its statement.
    child_url = (
        v1_postgres + ("&" if "?" in v1_postgres else "?") + "options=-c%20client_connection_check_interval%3D100"
    )
    child = subprocess.Popen([sys.executable, "-c", CRASHING_MIGRATION_POSTGRES, child_url], cwd=REPO)
    try:
        _poll(lambda: _sleeping_migrations(v1_postgres) != [] or child.poll() is not None, "the migration to start")
        assert child.poll() is None, "the migrating node exited before its last statement"
        with psycopg.connect(v1_postgres, autocommit=True) as conn:  # mid-migration: the old version is visible
            assert _rows(conn, "schema_version") == [(V1_VERSION,)]
    finally:
        child.kill()
        child.wait()
    _poll(lambda: _sleeping_migrations(v1_postgres) == [], "the killed node's backend to end")
    with psycopg.connect(v1_postgres) as conn:  # rolled back: version 1 whole, without the v2 table
        _assert_v1_rows(conn, V1_VERSION)
        assert conn.execute("SELECT to_regclass('case_results')").fetchone() == (None,)
    node = _open_node(directory, v1_postgres)
    _assert_same_log(node)
    node.stop()
    with psycopg.connect(v1_postgres) as conn:
        _assert_v1_rows(conn)
        assert conn.execute("SELECT to_regclass('checkpoints_signed_at')").fetchone() == (None,)


def _sqlite_shape(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    shape = {
        table: (
            conn.execute(f"PRAGMA table_info({table})").fetchall(),
            sorted(row[1:] for row in conn.execute(f"PRAGMA index_list({table})")),
        )
        for table in SCHEMA_TABLES
    }
    conn.close()
    return shape


def _sqlite_tables(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    return names - {"sqlite_sequence"}


def test_an_upgraded_sqlite_database_has_exactly_the_generated_schema(tmp_path: Path) -> None:
    """A v1 database opened by this govdesk has exactly the tables, columns and indexes that the DDL generated from
    the one schema description makes in a fresh database."""
    fresh = tmp_path / "fresh.db"
    store = open_store(f"sqlite:///{fresh}")
    store.init_schema()
    store.close()
    v1 = _v1_node_dir(tmp_path) / "node.db"
    _open_node(v1.parent, f"sqlite:///{v1}").stop()
    assert _sqlite_tables(fresh) == _sqlite_tables(v1) == set(SCHEMA_TABLES)
    assert _sqlite_shape(fresh) == _sqlite_shape(v1)


def _postgres_shape(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, column_name"
        ).fetchall()
        indexes = conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1").fetchall()
    return columns + indexes


def test_an_upgraded_postgres_database_has_exactly_the_generated_schema(
    tmp_path: Path, pg_server, v1_postgres: str
) -> None:
    """On PostgreSQL too, the upgraded v1 database has the generated columns, types, defaults and indexes."""
    base = pg_server.conninfo().removesuffix(" dbname=postgres")
    name = f"node_fresh_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(base + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    fresh = pg_server.url(name)
    store = open_store(fresh)
    store.init_schema()
    store.close()
    _open_node(_v1_node_dir(tmp_path), v1_postgres).stop()
    assert {row[0] for row in _postgres_shape(fresh) if len(row) > 1} == set(SCHEMA_TABLES)
    assert _postgres_shape(fresh) == _postgres_shape(v1_postgres)
