"""The hall's DDL, generated from its one schema description, makes exactly the tables, columns and indexes
(partial and unique ones included) that the hand-written version-1 SQLite DDL made."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from app.hall.store_open import open_hall_store

V1_DDL = Path(__file__).resolve().parent / "fixtures" / "hall_v1_sqlite.sql"


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


def test_the_generated_hall_schema_is_the_v1_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(V1_DDL.read_text())
    conn.close()
    fresh = tmp_path / "fresh.db"
    store = open_hall_store(f"sqlite:///{fresh}")
    store.init_schema()
    store.close()
    assert _shape(fresh) == _shape(old)
    assert len(_shape(fresh)["partial"]) == 3
