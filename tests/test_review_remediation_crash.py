"""Crash safety of the supervisor's call-back record: SIGKILLs while call-backs are recorded leave every acknowledged
one in the signed audit trail, none twice, and a trail whose chain and signatures still verify."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from app.office import Office
from app.protocol.hall_remediation import RemediationView
from app.review.remediation_callback import CALLBACK_ACTION, remediation_callbacks
from app.store.replica import open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF, office_with_supervisor

KILLS = 8


def _item(round_no: int, i: int) -> RemediationView:
    rating = f"{round_no:04x}{i:060x}"
    return RemediationView(i + 1, rating, 2, "taxation.tax-payment-certificate", "w01", "ab" * 16, 1, "2026-10-22",
                           False, None, None)  # fmt: skip


def _recorder(office_dir: Path, round_no: int, report_fd: int) -> None:
    """In a child: record call-back after call-back, reporting each before (`begin`) and after (`done`)."""
    office = Office(office_dir)
    office.session.unlock("sup", "pw")
    os.write(report_fd, b"ready\n")
    for i in range(100_000):
        item = _item(round_no, i)
        os.write(report_fd, f"begin {item.rating}\n".encode())
        office.reviews.record_callback(item, office.clock(), f"回访 {i}", i % 2 == 0)
        os.write(report_fd, f"done {item.rating}\n".encode())


@pytest.mark.slow
def test_sigkills_while_recording_call_backs_lose_none_and_double_none(tmp_path: Path) -> None:
    office_dir = office_with_supervisor(tmp_path / "office", "Crash Callback")
    rng = random.Random(3)
    done: set[str] = set()
    killed_while_recording = 0
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(_recorder, office_dir, round_no)
        buffer = read_until(read_fd, time.monotonic() + 20, marker=b"done ")
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.040))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        lines = [line.split(" ", 1) for line in buffer.decode().split("\n")[:-1] if line != "ready"]
        killed_while_recording += lines[-1][0] == "begin" if lines else 0
        done.update(rating for kind, rating in lines if kind == "done")
    assert done and killed_while_recording >= KILLS // 4, "kills should land while a call-back is being recorded"
    with open_replica(office_dir, "sup", "pw", kdf=FAST_KDF) as r:
        assert r.check().ok, r.check().problems
        recorded = remediation_callbacks(r)
        rows = r.session.one("SELECT count(*) FROM audit WHERE action = ?", (CALLBACK_ACTION,))[0]
    assert done <= set(recorded), "an acknowledged call-back was lost"
    assert rows == len(recorded), "a call-back was recorded twice"
