"""Schema version 12: enrolled keys and devices keyed by (key id, department). A version 11 replica keeps every
enrolment it held, a key can then be enrolled by several departments side by side, and a migration killed or
failing halfway leaves version 11 whole for the next open."""

from __future__ import annotations

import random
import shutil
import signal
from pathlib import Path

import pytest

from app.store.connection import connect
from app.store.schema import migrate, schema_version
from tests.migration_crash import interrupt_migration, kill_migration_after, kill_points, migration_ticks

DB_KEY = bytes(range(32))
KEYS = "kid, suite, public_key, role, subject, department, valid_from_ms, revoked_at_ms"
DEVICES = "kid, office, department, enrolled_ms, revoked_at_ms"
ORIGINS = ("taxation.ledger.beijing.gov.cn", "housing.ledger.beijing.gov.cn", "public-security")


def _keys(count: int, seed: int) -> list[tuple]:
    """Registry rows as versions 1-11 held them: one per key id, its department a log origin or a department id."""
    rng = random.Random(seed)
    return [
        (
            rng.randbytes(16), rng.choice(["ed25519", "sm2-sm3"]), rng.randbytes(32),
            rng.choice(["clerk", "supervisor", "device", "department"]), f"subject {i}", rng.choice(ORIGINS),
            1_700_000_000_000 + i, rng.choice([None, 1_800_000_000_000 + i]),
        )
        for i in range(count)
    ]  # fmt: skip


def _devices(keys: list[tuple]) -> list[tuple]:
    return [(k[0], f"office {k[4]}", k[5], k[6], k[7]) for k in keys if k[3] == "device"]


def _v11_replica(path: Path, keys: list[tuple]) -> None:
    """Write an encrypted database at schema version 11 holding `keys` and their devices, checkpointed and closed."""
    conn = connect(path, DB_KEY)
    migrate(conn, upto=11)
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO registry_keys({KEYS}) VALUES (?,?,?,?,?,?,?,?)", keys)
    conn.executemany(f"INSERT INTO registry_devices({DEVICES}) VALUES (?,?,?,?,?)", _devices(keys))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _held(conn) -> tuple[list[tuple], list[tuple]]:
    return (
        sorted(conn.execute(f"SELECT {KEYS} FROM registry_keys").fetchall()),
        sorted(conn.execute(f"SELECT {DEVICES} FROM registry_devices").fetchall()),
    )


@pytest.fixture(scope="module")
def v11_keys() -> list[tuple]:
    return _keys(4000, 11)


@pytest.fixture(scope="module")
def v11_file(tmp_path_factory: pytest.TempPathFactory, v11_keys: list[tuple]) -> Path:
    """A replica database at version 11 with 4,000 enrolled keys (copied, never changed, by each test)."""
    path = tmp_path_factory.mktemp("v11") / "replica.db"
    _v11_replica(path, v11_keys)
    return path


def _copy(v11_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "replica.db"
    shutil.copyfile(v11_file, target)
    return target


def _expected(keys: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    return sorted(keys), sorted(_devices(keys))


def test_a_version_11_replica_keeps_every_enrolment_and_takes_a_second_department(
    v11_file: Path, v11_keys, tmp_path: Path
) -> None:
    conn = connect(_copy(v11_file, tmp_path), DB_KEY)
    assert schema_version(conn) == 11
    # version 11: a second department's enrolment of the same key replaced the first
    with pytest.raises(Exception, match="UNIQUE"):
        conn.execute(f"INSERT INTO registry_keys({KEYS}) VALUES (?,?,?,?,?,?,?,?)", (*v11_keys[0][:5], "x", 0, None))
    assert migrate(conn, upto=12) == [12]
    assert _held(conn) == _expected(v11_keys)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kid = v11_keys[0][0]
    other = next(o for o in ORIGINS if o != v11_keys[0][5])
    conn.execute(f"INSERT INTO registry_keys({KEYS}) VALUES (?,?,?,?,?,?,?,?)", (*v11_keys[0][:5], other, 0, None))
    conn.execute(f"INSERT INTO registry_devices({DEVICES}) VALUES (?,?,?,?,?)", (kid, "hall", other, 0, None))
    assert conn.execute("SELECT count(*) FROM registry_keys WHERE kid = ?", (kid,)).fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM registry_devices WHERE kid = ?", (kid,)).fetchone()[0] >= 1
    # still one enrolment per (key, department)
    with pytest.raises(Exception, match="UNIQUE"):
        conn.execute(f"INSERT INTO registry_keys({KEYS}) VALUES (?,?,?,?,?,?,?,?)", (*v11_keys[0][:5], other, 1, None))
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM registry_keys WHERE department = ?",
                                               ("x",)))  # fmt: skip
    assert "registry_keys_by_department" in plan, plan
    conn.close()


def test_a_migration_killed_halfway_leaves_version_11_whole_and_the_next_open_completes_it(
    v11_file: Path, v11_keys, tmp_path: Path
) -> None:
    total = migration_ticks(_copy(v11_file, tmp_path), DB_KEY, 12)
    assert total > 20, "the migration should take enough steps to be killed in its middle"
    killed_midway = 0
    for n, ticks in enumerate(kill_points(total, 5)):
        (tmp_path / str(n)).mkdir()
        path = _copy(v11_file, tmp_path / str(n))
        if kill_migration_after(path, DB_KEY, 12, ticks) != signal.SIGKILL:
            continue
        conn = connect(path, DB_KEY)
        version = schema_version(conn)
        killed_midway += version == 11
        assert version in (11, 12) and _held(conn) == _expected(v11_keys)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert not {"registry_keys_v12", "registry_devices_v12"} & tables
        assert migrate(conn, upto=12) == ([12] if version == 11 else [])
        assert _held(conn) == _expected(v11_keys) and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert killed_midway >= 6


def test_a_migration_that_fails_halfway_rolls_back_to_version_11(v11_file: Path, v11_keys, tmp_path: Path) -> None:
    conn = connect(_copy(v11_file, tmp_path), DB_KEY)
    interrupt_migration(conn, 12, 5)  # aborts the statement running (a copy of the rows)
    assert schema_version(conn) == 11 and _held(conn) == _expected(v11_keys)
    assert "registry_keys_v12" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert migrate(conn, upto=12) == [12] and _held(conn) == _expected(v11_keys)
    conn.close()
