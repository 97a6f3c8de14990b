"""Crash safety of the OFD write paths: SIGKILLs while attaching e-licences to cases and while a department
issues sealed documents lose nothing acknowledged and tear nothing (file, digest, anchor, outbox, audit)."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from app.ledger.suites import ED25519
from app.ofd import gm
from app.ofd.counter import attach_to_case
from app.ofd.issue import issue_document, record_issue
from app.ofd.seal import make_seal
from app.ofd.verify import OfdTrust, verify_bytes
from app.protocol.departments import department
from app.store.replica import open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.ofd_support import Pki, licence_spec, make_pki, seal_request, sealed_document, to_file
from tests.store_support import FAST_KDF, office_with_supervisor

KILLS = 12
ORIGIN = department("market-supervision").origin


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _attacher(office: Path, licence: bytes, round_no: int, report_fd: int) -> None:
    """In a child: attach distinct files to cases, reporting each acknowledged `case digest`."""
    replica = open_replica(office, "sup", "pw", kdf=FAST_KDF)
    verdict = verify_bytes(licence, OfdTrust())
    os.write(report_fd, b"ready\n")
    for i in range(100_000):
        data = licence + f"{round_no}-{i}".encode()  # trailing bytes: still a distinct file to store
        case_id = f"CASE-{round_no:02d}-{i % 7}"
        digest = attach_to_case(replica, case_id, f"{i}.ofd", data, verdict)
        os.write(report_fd, f"{case_id} {digest.hex()}\n".encode())


def _issuer(office: Path, seal: bytes, pki: Pki, _round_no: int, report_fd: int) -> None:
    """In a child: issue sealed documents at the department, reporting each acknowledged digest."""
    replica = open_replica(office, "sup", "pw", kdf=FAST_KDF)
    signer, ledger = pki.signer.signer(), ED25519.signer(ED25519.generate_private())
    spec = licence_spec(image_size=None)
    os.write(report_fd, b"ready\n")
    for _ in range(100_000):
        issued = issue_document(spec, seal=seal, seal_signer=signer, department=ORIGIN, ledger_signer=ledger)
        record_issue(replica, issued)
        os.write(report_fd, f"{issued.digest.hex()}\n".encode())


def _kill_rounds(target, *args) -> tuple[list[list[str]], int]:
    rng = random.Random(18)
    acknowledged, landed = [], 0
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(target, *args, round_no)
        buffer = read_until(read_fd, time.monotonic() + 20, marker=b"ready\n")
        buffer += read_until(read_fd, time.monotonic() + 20, lines=buffer.count(b"\n") + 1)
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        lines = [line.split(" ") for line in buffer.decode().split("\n")[:-1] if line != "ready"]
        landed += bool(lines)
        acknowledged.extend(lines)
    return acknowledged, landed


@pytest.mark.slow
def test_sigkills_while_attaching_lose_no_acknowledged_document(tmp_path: Path, pki: Pki) -> None:
    office = office_with_supervisor(tmp_path / "office", "Crash Hall")
    licence = to_file(sealed_document(pki))
    acknowledged, landed = _kill_rounds(_attacher, office, licence)
    assert landed > KILLS // 2, "most kills should land while attaching"
    with open_replica(office, "sup", "pw", kdf=FAST_KDF) as replica:
        assert replica.check().ok, replica.check().problems
        audited = {r.detail.get("digest") for r in replica.audit.records(limit=100_000) if r.action == "ofd.attach"}
        cases = {case_id for case_id, _ in acknowledged} | {f"CASE-{n:02d}-{i}" for n in range(KILLS) for i in range(7)}
        stored = {(d.case_id, d.digest) for case_id in cases for d in replica.case_documents.list(case_id)}
        for case_id, digest in acknowledged:
            assert (case_id, bytes.fromhex(digest)) in stored, "an acknowledged attachment was lost"
        for case_id, digest in stored:  # nothing torn: each file is whole, and audited with it
            assert gm.sm3(replica.case_documents.data(case_id, digest)) == digest
            assert digest.hex() in audited


@pytest.mark.slow
def test_sigkills_while_issuing_keep_anchor_outbox_and_audit_together(tmp_path: Path, pki: Pki) -> None:
    office = office_with_supervisor(tmp_path / "office", "Records Office")
    seal = make_seal(seal_request(pki), pki.maker.signer())
    acknowledged, landed = _kill_rounds(_issuer, office, seal, pki)
    assert landed > KILLS // 2, "most kills should land while issuing"
    with open_replica(office, "sup", "pw", kdf=FAST_KDF) as replica:
        assert replica.check().ok, replica.check().problems
        issued = [r.detail for r in replica.audit.records(limit=100_000) if r.action == "ofd.issue"]
        queued = {e.leaf_hash for e in replica.outbox.pending(limit=100_000)}
        assert {d["entry"] for d in issued} <= queued and len(queued) == len(issued)
        for (digest,) in acknowledged:
            anchor = replica.certs.anchor(bytes.fromhex(digest))
            assert anchor is not None and anchor.cert_type == "ofd.licence", "an acknowledged issue was lost"
