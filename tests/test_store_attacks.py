"""Attacks and accidents on the replica files: each gets a clear typed error, and nothing is lost."""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.errors import DatabaseDamaged, NotADatabase, RollbackDetected, WrongPassword
from app.store.replica import create_office, open_replica
from tests.crash_pipe import fork_reporting
from tests.store_support import FAST_KDF, forge_slots

ORIGIN = "example.gov/dept-a"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office with some hundred pages of data, closed (WAL checkpointed into the main file)."""
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", "admin-pw", kdf=FAST_KDF) as r:
        r.accounts.add("clerk", "clerk", "clerk-pw")
    with open_replica(path, "clerk", "clerk-pw", kdf=FAST_KDF) as r, r.transaction():
        for i in range(400):
            r.outbox.enqueue(ORIGIN, f"entry {i} ".encode() * 100)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wrong_password_leaves_the_database_byte_identical(office: Path) -> None:
    before = {p.name: digest(p) for p in office.iterdir() if p.name.startswith("replica.db")}
    for _ in range(3):
        with pytest.raises(WrongPassword):
            open_replica(office, "clerk", "wrong", kdf=FAST_KDF)
    after = {p.name: digest(p) for p in office.iterdir() if p.name.startswith("replica.db")}
    assert after == before


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_flipped_byte_in_the_first_page_is_named_and_offers_resync(office: Path) -> None:
    _flip(office / "replica.db", 100)
    with pytest.raises(DatabaseDamaged, match="re-sync") as damaged:
        open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)
    assert damaged.value.resync_possible


def test_flipped_byte_in_a_data_page_is_named_by_check(office: Path) -> None:
    db = office / "replica.db"
    pages = db.stat().st_size // 4096
    _flip(db, (pages // 2) * 4096 + 1000)
    with open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF) as r:  # the pages read at unlock are intact
        report = r.check()
        assert not report.ok
        assert any("HMAC verification failed for page" in p for p in report.problems), report.problems
        assert report.problems[-1] == "re-sync this replica from the department node"
        with pytest.raises(DatabaseDamaged, match="re-sync"):
            r.outbox.pending(limit=1000)
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "office", "check", "--office", str(office), "--user", "clerk",
         "--password-stdin"],
        input="clerk-pw\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    # The CLI uses the default (slow) Argon2id parameters only for new wraps; this wrap carries its own.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "re-sync" in result.stderr


@pytest.mark.parametrize("content", ["random", "plain-sqlite", "empty", "missing", "truncated"])
def test_a_file_that_is_not_the_replica(office: Path, content: str) -> None:
    db = office / "replica.db"
    original = db.read_bytes()
    for side in ("replica.db-wal", "replica.db-shm"):
        (office / side).unlink(missing_ok=True)
    if content == "random":
        db.write_bytes(os.urandom(len(original)))
    elif content == "plain-sqlite":
        db.unlink()
        plain = sqlite3.connect(db)
        plain.execute("CREATE TABLE outbox(x)")
        plain.commit()
        plain.close()
    elif content == "empty":
        db.write_bytes(b"")
    elif content == "missing":
        db.unlink()
    else:
        db.write_bytes(original[:10])
    with pytest.raises(NotADatabase):
        open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)


def test_rollback_to_an_older_copy_is_detected(office: Path, tmp_path: Path) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(office / "replica.db", old_copy)
    with open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF) as r:
        r.outbox.enqueue(ORIGIN, b"paid fee, receipt 17")
    shutil.copy(old_copy, office / "replica.db")  # an authentic, older, fully valid SQLCipher file
    with pytest.raises(RollbackDetected, match="older copy"):
        open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)


def test_rollback_of_checkpoints_is_detected(tmp_path: Path) -> None:
    office = tmp_path / "office"
    with create_office(office, "Hall", "admin", "pw", kdf=FAST_KDF) as r:
        r.logs.put_checkpoint(ORIGIN, 10, b"a" * 32, "note 10", 1)
    snapshot = tmp_path / "snap.db"
    shutil.copy(office / "replica.db", snapshot)
    with open_replica(office, "admin", "pw", kdf=FAST_KDF) as r:
        r.logs.put_checkpoint(ORIGIN, 20, b"b" * 32, "note 20", 2)
    head_after = (office / "head.slots").read_bytes()
    shutil.copy(snapshot, office / "replica.db")
    with pytest.raises(RollbackDetected):
        open_replica(office, "admin", "pw", kdf=FAST_KDF)
    assert (office / "head.slots").read_bytes() == head_after


def test_forged_or_missing_chain_head_is_detected(office: Path) -> None:
    head = office / "head.slots"
    original = head.read_bytes()
    head.write_bytes(forge_slots(original, lambda body: {**body, "audit_seq": body["audit_seq"] + 100}))
    with pytest.raises(RollbackDetected, match=r"altered"):
        open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)
    head.unlink()
    with pytest.raises(RollbackDetected, match="missing"):
        open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)
    head.write_bytes(original)
    open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF).close()


def _fill_until_disk_full(office: Path, limit: int, report_fd: int) -> None:
    """In a child: write until the file-size limit stops SQLCipher, and report what was acknowledged."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
    r = open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    rng = random.Random(7)
    try:
        for i in range(100_000):
            with r.transaction():
                for j in range(20):
                    r.outbox.enqueue(ORIGIN, f"{i}-{j}-".encode() + rng.randbytes(900))
            os.write(report_fd, f"ok {i}\n".encode())
    except Exception as exc:  # the child reports the error type to the parent
        os.write(report_fd, f"error {type(exc).__name__} {exc}\n".encode())
    r.close()


def test_disk_full_is_a_clear_error_and_loses_nothing(office: Path) -> None:
    limit = (office / "replica.db").stat().st_size + 300_000
    pid, read_fd = fork_reporting(_fill_until_disk_full, office, limit)
    with os.fdopen(read_fd) as pipe:
        lines = pipe.read().splitlines()
    os.waitpid(pid, 0)
    acked = [int(line.split()[1]) for line in lines if line.startswith("ok ")]
    assert lines[-1].startswith("error DiskFull"), lines[-3:]
    assert "nothing already saved was lost" in lines[-1]
    assert acked, "some batches fitted before the limit"
    with open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF) as r:
        assert r.check().ok
        pending = {e.data.split(b"-")[0] for e in r.outbox.pending(limit=100_000) if b"-" in e.data}
        assert {str(i).encode() for i in acked} <= pending
        assert r.outbox.count_pending() == 400 + 20 * len(acked)
