"""The hall's DDL, generated from its one schema description, makes exactly the tables, columns and indexes
(partial and unique ones included) that the hand-written version-1 SQLite DDL made, plus version 2's `served` table;
a version-1 database opened by this code has that same shape."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from app.hall.store_open import open_hall_store

V1_DDL = Path(__file__).resolve().parent / "fixtures" / "hall_v1_sqlite.sql"
# Version 2, hand-written: what each window last finished, for its evaluator.
V2_ADDED = """CREATE TABLE served (window_id TEXT PRIMARY KEY, ticket_id INTEGER NOT NULL, number TEXT NOT NULL,
    finished_ms INTEGER NOT NULL, service TEXT NOT NULL, log_origin TEXT NOT NULL, case_commitment BLOB NOT NULL,
    clerk BLOB NOT NULL, staff_id TEXT NOT NULL, rated_ms INTEGER);"""


def _shape(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    shape: dict[str, Any] = {
        table: (conn.execute(f"PRAGMA table_info({table})").fetchall(),
                sorted(r[1:] for r in conn.execute(f"PRAGMA index_list({table})")),
                conn.execute(f"PRAGMA foreign_key_list({table})").fetchall())
        for table in tables
    }  # fmt: skip
    shape["partial"] = sorted(
        " ".join(r[0].split()).split(" WHERE ")[-1]
        for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")
    )
    conn.close()
    return shape


def test_the_generated_hall_schema_is_the_v2_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(V1_DDL.read_text() + V2_ADDED)
    conn.close()
    fresh = tmp_path / "fresh.db"
    store = open_hall_store(f"sqlite:///{fresh}")
    store.init_schema()
    store.close()
    assert _shape(fresh) == _shape(old)
    assert len(_shape(fresh)["partial"]) == 3


def test_a_v1_database_upgrades_to_the_fresh_shape(tmp_path: Path) -> None:
    v1 = tmp_path / "v1.db"
    conn = sqlite3.connect(v1)
    conn.executescript(V1_DDL.read_text())
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    conn.commit()
    conn.close()
    fresh = tmp_path / "fresh.db"
    for db in (v1, fresh):
        open_hall_store(f"sqlite:///{db}").close()
    assert _shape(v1) == _shape(fresh)
    conn = sqlite3.connect(v1)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
    conn.close()
