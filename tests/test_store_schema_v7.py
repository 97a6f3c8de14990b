"""Schema version 7: case_steps rebuilt as a rowid table. Every row survives, readers stay index lookups, the leaf
hash still deduplicates, and a migration killed or failing halfway leaves version 6 whole for the next open."""

from __future__ import annotations

import os
import random
import shutil
import signal
from pathlib import Path

import pytest

from app.store.connection import connect
from app.store.schema import migrate, schema_version
from tests.migration_crash import interrupt_migration, kill_migration_after, kill_points, migration_ticks

DB_KEY = bytes(range(32))
COLUMNS = "leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, data, status, explanation"
READERS = [  # every statement app/ and ui/ run on case_steps, with the index it must use
    ("SELECT leaf_hash, origin, idx, time_ms, step, state, status, explanation, prev FROM case_steps "
     "WHERE case_id = ? ORDER BY time_ms, leaf_hash", "case_steps_by_case"),
    ("SELECT data, idx FROM case_steps WHERE case_id = ?", "case_steps_by_case"),
    ("SELECT leaf_hash, data, idx FROM case_steps WHERE case_id = ? AND status = 'applied'", "case_steps_by_case"),
    ("SELECT leaf_hash, origin, signer, step, explanation FROM case_steps WHERE case_id = ? AND status = 'conflict'",
     "case_steps_by_case"),
    ("SELECT data FROM case_steps WHERE leaf_hash = ?", "sqlite_autoindex_case_steps_1"),
    ("UPDATE case_steps SET idx = ? WHERE leaf_hash = ? AND idx IS NULL", "sqlite_autoindex_case_steps_1"),
    ("UPDATE case_steps SET status = ?, explanation = ? WHERE leaf_hash = ?", "sqlite_autoindex_case_steps_1"),
    ("SELECT o.leaf_hash, cs.case_id FROM outbox o LEFT JOIN case_steps cs ON cs.leaf_hash = o.leaf_hash "
     "WHERE o.id = ?", "sqlite_autoindex_case_steps_1"),
    ("SELECT sc.case_id, cs.signer FROM service_cases sc LEFT JOIN case_steps cs ON cs.case_id = sc.case_id "
     "AND cs.step = 'open' WHERE sc.case_id IN (?, ?)", "case_steps_by_case"),
]  # fmt: skip


def _steps(count: int, seed: int) -> list[tuple]:
    """Case step rows as versions 4-6 held them: random leaf hashes, shared times, NULL index and prev among them."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        rows.append((
            rng.randbytes(32), f"C{rng.randrange(count // 4):012X}", rng.choice(["a.gov/log", "b.gov/log"]),
            rng.choice([None, i]), 1_700_000_000_000 + rng.randrange(count // 2), rng.choice(["open", "decide"]),
            "opened", rng.choice([None, rng.randbytes(32)]), rng.randbytes(16), rng.randbytes(rng.randrange(1, 700)),
            rng.choice(["applied", "pending", "conflict"]), rng.choice(["", "another office moved it first"]),
        ))  # fmt: skip
    return rows


def _v6_replica(path: Path, rows: list[tuple]) -> None:
    """Write an encrypted database at schema version 6 holding `rows` in case_steps, checkpointed and closed."""
    conn = connect(path, DB_KEY)
    migrate(conn, upto=6)
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO case_steps({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _held(conn) -> list[tuple]:
    return sorted(conn.execute(f"SELECT {COLUMNS} FROM case_steps").fetchall())


@pytest.fixture(scope="module")
def v6_rows() -> list[tuple]:
    return _steps(3000, 7)


@pytest.fixture(scope="module")
def v6_file(tmp_path_factory: pytest.TempPathFactory, v6_rows: list[tuple]) -> Path:
    """A replica database at version 6 with 3,000 case steps (copied, never changed, by each test)."""
    path = tmp_path_factory.mktemp("v6") / "replica.db"
    _v6_replica(path, v6_rows)
    return path


def _copy(v6_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "replica.db"
    shutil.copyfile(v6_file, target)
    return target


def test_a_version_6_replica_migrates_with_every_case_step_intact(v6_file: Path, v6_rows, tmp_path: Path) -> None:
    conn = connect(_copy(v6_file, tmp_path), DB_KEY)
    assert schema_version(conn) == 6
    assert migrate(conn, upto=7) == [7]
    assert _held(conn) == sorted(v6_rows)
    ordered = conn.execute("SELECT time_ms, leaf_hash FROM case_steps ORDER BY id").fetchall()
    assert ordered == sorted(ordered) and len(ordered) == len(v6_rows)  # ids follow (time_ms, leaf_hash)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The leaf hash is still unique: sync's INSERT OR IGNORE keeps the first copy, a plain INSERT is refused.
    again = (*v6_rows[0][:10], "pending", "")
    conn.execute(f"INSERT OR IGNORE INTO case_steps({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", again)
    assert conn.execute("SELECT count(*) FROM case_steps").fetchone()[0] == len(v6_rows)
    with pytest.raises(Exception, match="UNIQUE"):
        conn.execute(f"INSERT INTO case_steps({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", again)
    # A new step goes after every migrated one, and the explanation still defaults to ''.
    conn.execute(
        "INSERT INTO case_steps(leaf_hash, case_id, origin, time_ms, step, state, signer, data, status) "
        "VALUES (?, 'C1', 'a.gov/log', 1, 'open', 'opened', ?, ?, 'applied')",
        (os.urandom(32), b"k", b"d"),
    )
    assert conn.execute("SELECT max(id), explanation FROM case_steps").fetchone() == (len(v6_rows) + 1, "")
    conn.close()


@pytest.mark.parametrize(("sql", "index"), READERS)
def test_every_reader_of_case_steps_is_an_index_lookup(tmp_path: Path, sql: str, index: str) -> None:
    conn = connect(tmp_path / "replica.db", DB_KEY)
    migrate(conn)
    plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, [None] * sql.count("?")))
    assert f"USING INDEX {index}" in plan and "SCAN cs" not in plan and "SCAN case_steps" not in plan, plan
    conn.close()


def test_a_migration_killed_halfway_leaves_version_6_whole_and_the_next_open_completes_it(
    v6_file: Path, v6_rows, tmp_path: Path
) -> None:
    total = migration_ticks(_copy(v6_file, tmp_path), DB_KEY, 7)
    assert total > 20, "the migration should take enough steps to be killed in its middle"
    killed_midway = 0
    for n, ticks in enumerate(kill_points(total, 9)):
        (tmp_path / str(n)).mkdir()
        path = _copy(v6_file, tmp_path / str(n))
        if kill_migration_after(path, DB_KEY, 7, ticks) != signal.SIGKILL:
            continue
        conn = connect(path, DB_KEY)
        version = schema_version(conn)
        killed_midway += version == 6
        assert version in (6, 7) and _held(conn) == sorted(v6_rows)
        assert "case_steps_v7" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert migrate(conn, upto=7) == ([7] if version == 6 else [])
        assert _held(conn) == sorted(v6_rows) and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert killed_midway >= 6


def test_a_migration_that_fails_halfway_rolls_back_to_version_6(v6_file: Path, v6_rows, tmp_path: Path) -> None:
    conn = connect(_copy(v6_file, tmp_path), DB_KEY)
    interrupt_migration(conn, 7, 5)  # aborts the statement running (the copy of the rows)
    assert schema_version(conn) == 6 and _held(conn) == sorted(v6_rows)
    assert "case_steps_v7" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert migrate(conn, upto=7) == [7] and _held(conn) == sorted(v6_rows)
    conn.close()
