"""Crash safety: 200 SIGKILLs of a writer in mid-transaction lose no acknowledged write and no integrity."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from app.store.replica import create_office, open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF

ORIGIN = "example.gov/dept-a"
KILLS = 200


def _writer(office: Path, first: int, report_fd: int) -> None:
    """In a child: enqueue entries with an audit record each, reporting every committed one."""
    r = open_replica(office, "clerk", "clerk-pw", kdf=FAST_KDF)
    os.write(report_fd, b"ready\n")
    for i in range(first, first + 100_000):
        with r.transaction():
            r.outbox.enqueue(ORIGIN, b"crash-test entry %d " % i + b"x" * 200)
            r.audit.append("case.submit", "ok", {"n": i})
        os.write(report_fd, b"%d\n" % i)  # acknowledged: the commit returned


@pytest.mark.slow
def test_200_sigkills_mid_write_lose_nothing_acknowledged(tmp_path: Path) -> None:
    office = tmp_path / "office"
    with create_office(office, "Hall", "admin", "admin-pw", kdf=FAST_KDF) as r:
        r.accounts.add("clerk", "clerk", "clerk-pw")
    rng = random.Random(2024)
    acknowledged: set[int] = set()
    killed_while_writing = 0
    start = time.monotonic()
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(_writer, office, round_no * 100_000)
        buffer = b""
        if round_no % 10 == 0:  # one round in ten dies while unlocking (login record, head file, WAL recovery)
            time.sleep(rng.uniform(0.0, 0.02))
        else:  # the rest at a random moment after the writer has started writing
            # Wait for the first acknowledged write, so that a slow (loaded) machine still kills mid-stream.
            buffer = read_until(read_fd, time.monotonic() + 10, marker=b"ready\n%d\n" % (round_no * 100_000))
            deadline = time.monotonic() + rng.uniform(0.001, 0.030)
            buffer += read_until(read_fd, deadline)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):  # lines written before the kill landed
            buffer += chunk
        os.close(read_fd)
        done = [int(n) for n in buffer.split(b"\n")[:-1] if n != b"ready"]
        killed_while_writing += bool(done)
        acknowledged.update(done)
    elapsed = time.monotonic() - start
    assert killed_while_writing > KILLS // 2, "most kills should land in the middle of writing"
    with open_replica(office, "admin", "admin-pw", kdf=FAST_KDF) as admin:
        conn = admin.session.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        stored = {
            int(data.split(b" ")[2]) for (data,) in conn.execute("SELECT data FROM outbox WHERE data LIKE 'crash%'")
        }
        assert acknowledged <= stored
        assert len(stored - acknowledged) <= KILLS  # at most one committed-but-unreported write per kill
        admin.audit.verify_chain()
        assert admin.check().ok
    assert elapsed < 90, f"the crash loop took {elapsed:.0f} s"
