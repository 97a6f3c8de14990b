"""Crash safety of the trusted roots: an administrator's add or removal is SIGKILLed mid-write, 30 times; every
acknowledged change stays, the unacknowledged one is all or nothing, and each root's audit records match it."""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.ledger import sm2
from app.pki.sm2_x509 import make_root
from app.store.replica import create_office, open_replica
from tests.crash_pipe import fork_reporting, kill_and_drain, read_until
from tests.store_support import FAST_KDF

KILLS = 30
ROOTS = 3


def _writer(office: Path, roots: list[bytes], report_fd: int) -> None:
    """In a child: toggle each root in turn (add if absent, remove if present), reporting each committed change."""
    r = open_replica(office, "admin", "admin-pw", kdf=FAST_KDF)
    fingerprints = [sm2.sm3(der) for der in roots]
    os.write(report_fd, b"ready\n")
    for i in range(100_000):
        n = i % ROOTS
        present = {root.fingerprint for root in r.trust_roots.roots("department")}
        if fingerprints[n] in present:
            r.trust_roots.remove("department", fingerprints[n])
            os.write(report_fd, b"-%d\n" % n)
        else:
            r.trust_roots.add("department", roots[n], f"root {n}")
            os.write(report_fd, b"+%d\n" % n)


def _state(office: Path, fingerprints: list[bytes]) -> tuple[set[int], dict[int, int]]:
    """The roots present, and per root the trust_root.add records minus the removals, after checking the chain."""
    with open_replica(office, "admin", "admin-pw", kdf=FAST_KDF) as r:
        r.audit.verify_chain()
        present = {fingerprints.index(root.fingerprint) for root in r.trust_roots.roots("department")}
        balance = dict.fromkeys(range(ROOTS), 0)
        seq = 0
        while page := r.audit.records(after_seq=seq):  # page through: a fast machine writes thousands of records
            for record in page:
                if record.action in ("trust_root.add", "trust_root.remove"):
                    n = fingerprints.index(bytes.fromhex(record.detail["fingerprint"]))
                    balance[n] += 1 if record.action == "trust_root.add" else -1
            seq = page[-1].seq
    return present, balance


@pytest.mark.slow
def test_sigkills_mid_change_keep_every_acknowledged_change_and_its_audit_record(tmp_path: Path) -> None:
    office = tmp_path / "office"
    now = datetime.now(UTC)
    roots = [make_root(sm2.SM2_SM3.signer(sm2.generate_private()), f"root {n}", now=now).der for n in range(ROOTS)]
    fingerprints = [sm2.sm3(der) for der in roots]
    with create_office(office, "Hall", "admin", "admin-pw", kdf=FAST_KDF):
        pass
    rng = random.Random(2026)
    present: set[int] = set()
    killed_while_writing = 0
    for _ in range(KILLS):
        pid, read_fd = fork_reporting(_writer, office, roots)
        buffer = read_until(read_fd, time.monotonic() + 10, marker=b"ready\n")
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.005, 0.060))
        buffer += kill_and_drain(pid, read_fd)
        changes = [line for line in buffer.split(b"\n")[:-1] if line != b"ready"]
        killed_while_writing += bool(changes)
        expected = set(present)
        for change in changes:  # replay the acknowledged changes
            n = int(change[1:])
            (expected.add if change.startswith(b"+") else expected.discard)(n)
        found, balance = _state(office, fingerprints)
        in_flight = len(changes) % ROOTS  # the root the writer was changing when it died (it toggles in turn)
        assert found in (expected, expected ^ {in_flight}), (changes, expected, found)
        assert all(balance[n] == (n in found) for n in range(ROOTS)), balance  # audit and list change together
        present = found
    assert killed_while_writing > KILLS // 2, "most kills should land in the middle of writing"
