"""Schema version 11: anchors keep the anchoring entry's time. Every anchor of version 10 survives with no time, new
anchors carry theirs, and a migration killed or failing halfway leaves version 10 whole for the next open."""

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
TICK_OPS = 20  # an ALTER TABLE takes few operations: a progress callback every 20 of them
V10_COLUMNS = "cert_hash, serial, issuer, cert_type, log_origin, idx"


def _anchors(count: int, seed: int) -> list[tuple]:
    """Anchor rows as version 10 held them: certificates and OFD documents, some not yet sequenced (no index)."""
    rng = random.Random(seed)
    return [
        (rng.randbytes(32), f"{i:020X}", "a.gov/log", rng.choice(["resident-eid", "ofd.licence", "ofd.notice"]),
         "a.gov/log", rng.choice([None, i]))
        for i in range(count)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def v10_rows() -> list[tuple]:
    return _anchors(3000, 11)


@pytest.fixture(scope="module")
def v10_file(tmp_path_factory: pytest.TempPathFactory, v10_rows: list[tuple]) -> Path:
    """An encrypted replica database at schema version 10 holding `v10_rows` in anchors, checkpointed and closed."""
    path = tmp_path_factory.mktemp("v10") / "replica.db"
    conn = connect(path, DB_KEY)
    migrate(conn, upto=10)
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO anchors({V10_COLUMNS}) VALUES (?,?,?,?,?,?)", v10_rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _copy(source: Path, into: Path) -> Path:
    target = into / "replica.db"
    shutil.copyfile(source, target)
    return target


def _held(conn) -> list[tuple]:
    return sorted(conn.execute(f"SELECT {V10_COLUMNS} FROM anchors").fetchall(), key=lambda r: r[0])


def test_version_11_keeps_every_anchor_and_adds_the_anchor_time(
    v10_file: Path, v10_rows: list[tuple], tmp_path: Path
) -> None:
    conn = connect(_copy(v10_file, tmp_path), DB_KEY)
    assert schema_version(conn) == 10
    assert migrate(conn, upto=11) == [11]
    assert _held(conn) == sorted(v10_rows, key=lambda r: r[0])
    assert conn.execute("SELECT count(*) FROM anchors WHERE anchored_ms IS NOT NULL").fetchone() == (0,)
    conn.execute(
        f"INSERT INTO anchors({V10_COLUMNS}, anchored_ms) VALUES (?,?,?,?,?,?,?)",
        (os.urandom(32), "NEW", "a.gov/log", "ofd.licence", "a.gov/log", 9, 1_780_000_000_000),
    )
    assert conn.execute("SELECT anchored_ms FROM anchors WHERE serial = 'NEW'").fetchone() == (1_780_000_000_000,)
    assert migrate(conn, upto=11) == []  # once
    conn.close()


def test_a_migration_killed_halfway_leaves_version_10_whole_and_the_next_open_completes_it(
    v10_file: Path, v10_rows: list[tuple], tmp_path: Path
) -> None:
    total = migration_ticks(_copy(v10_file, tmp_path), DB_KEY, 11, TICK_OPS)
    assert total > 8, "the migration should take enough steps to be killed in its middle"
    expected = sorted(v10_rows, key=lambda r: r[0])
    killed = 0
    for n, ticks in enumerate(kill_points(total, 11)):
        (tmp_path / str(n)).mkdir()
        path = _copy(v10_file, tmp_path / str(n))
        if kill_migration_after(path, DB_KEY, 11, ticks, TICK_OPS) != signal.SIGKILL:
            continue
        killed += 1
        conn = connect(path, DB_KEY)
        version = schema_version(conn)
        assert version in (10, 11) and _held(conn) == expected
        columns = {row[1] for row in conn.execute("PRAGMA table_info(anchors)")}
        assert ("anchored_ms" in columns) == (version == 11)  # the column and the version move together
        assert migrate(conn, upto=11) == ([11] if version == 10 else [])
        assert _held(conn) == expected and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert killed >= 5


def test_a_migration_that_fails_halfway_rolls_back_to_version_10(
    v10_file: Path, v10_rows: list[tuple], tmp_path: Path
) -> None:
    conn = connect(_copy(v10_file, tmp_path), DB_KEY)
    interrupt_migration(conn, 11, 3, TICK_OPS)  # aborts the ALTER TABLE
    assert schema_version(conn) == 10 and "anchored_ms" not in {
        r[1] for r in conn.execute("PRAGMA table_info(anchors)")
    }
    assert migrate(conn, upto=11) == [11] and _held(conn) == sorted(v10_rows, key=lambda r: r[0])
    conn.close()
