"""Issuing triggered by cases reaching their result (issue 18): the lead department's records office issues one sealed
e-licence or notice per case that reached its result, anchored by its enrolled seal key, exactly once, across runs
and across SIGKILLs; never without an enrolled, unrevoked seal key of the department."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.entry import decode_entry
from app.ledger.suites import key_id
from app.ofd.counter import ISSUED_STATE, issued_result, verify_at_office
from app.ofd.errors import IssueError
from app.ofd.gm import SM2_SUITE
from app.ofd.issue_results import issue_results
from app.protocol.departments import department
from app.services import CaseDesk
from app.store.registry import KeyRecord
from app.store.replica import Replica, open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.ofd_case_support import CATALOGUE, CITIZEN, SERVICE, case_at_decision, clock, issuers, office
from tests.ofd_support import Pki, pki, seal
from tests.store_support import FakeClock

__all__ = ["clock", "issuers", "office", "pki", "seal"]
BANK = "banking-insurance"
ORIGIN = department(BANK).origin
KILLS = 8


def _enrol_seal_key(office: Path, pki: Pki, clock: FakeClock, **changes: object) -> KeyRecord:
    """Put the seal holder's key in the replica's registry as sync brings a `registry.enroll` of role seal."""
    public = pki.signer.signer().ledger_signer.public_key
    record = KeyRecord(key_id(SM2_SUITE, public), "sm2-sm3", public, "seal", "seal/banking/records", ORIGIN, 0)
    record = replace(record, **changes)
    with open_replica(office, "admin", "pw", clock=clock) as admin:
        admin.registry.put_key(record)
    return record


def _rejected_cases(office: Path, clock: FakeClock, count: int) -> list[str]:
    """Cases opened at this office and rejected by the lead department's supervisor (each a result: a notice)."""
    with open_replica(office, "bank-clerk", "pw", clock=clock) as r:
        opened = [CaseDesk(r, CATALOGUE).open(SERVICE, *CITIZEN, f"loan {n}").case_id for n in range(count)]
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        for case_id in opened:
            assert desk.reject(case_id, "not-eligible").state == "rejected"
    return opened


def _anchors(r: Replica) -> list:
    return [e for e in (decode_entry(p.data) for p in r.outbox.pending(limit=10_000)) if e.entry.type == "cert.anchor"]


def test_each_case_that_reached_its_result_is_issued_once_anchored_by_the_seal_key(
    office: Path, clock: FakeClock, issuers: dict, pki: Pki, seal: bytes
) -> None:
    decided, rejected, pending = (case_at_decision(office, clock, issuers) for _ in range(3))
    seal_key = _enrol_seal_key(office, pki, clock)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        desk.decide(decided)
        desk.reject(rejected, "not-eligible")
        run = issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer())
        assert sorted((case_id, doc.kind) for case_id, doc in run.issued) == sorted(
            [(decided, "licence"), (rejected, "notice")]
        )
        assert run.waiting == [] and pending not in {c for c, _ in run.issued}  # not at its result yet
        anchors = _anchors(r)
        assert len(anchors) == 2 and {a.kid for a in anchors} == {seal_key.kid}  # the seal key anchors its own
        assert {a.entry.log for a in anchors} == {ORIGIN}
        for case_id, doc in run.issued:
            assert issued_result(r, case_id) == (f"{case_id}-{doc.kind}.ofd", doc.ofd)
            verdict = verify_at_office(r, doc.ofd)
            assert verdict.valid and verdict.trusted and verdict.licence["holder"] == CITIZEN[0]
        again = issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer())
        assert again.issued == [] and again.waiting == [] and len(_anchors(r)) == 2  # once
        desk.close(decided)  # closing is no new result
        assert issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer()).issued == []
        desk.decide(pending)
        [(late, _doc)] = issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer()).issued
        assert late == pending
        # another department's records office issues none of the bank's cases
        with pytest.raises(IssueError) as other:
            issue_results(r, CATALOGUE, "taxation", seal=seal, seal_signer=pki.signer.signer())
        assert other.value.code == "seal_key_not_enrolled"


def test_a_case_another_office_opened_waits_for_its_holder_and_blocks_no_other(
    office: Path, clock: FakeClock, pki: Pki, seal: bytes
) -> None:
    elsewhere, here = _rejected_cases(office, clock, 2)
    _enrol_seal_key(office, pki, clock)
    with open_replica(office, "admin", "pw", clock=clock) as admin:  # as when sync brings a case opened elsewhere:
        admin.session.execute("DELETE FROM cases WHERE case_ref = ?", (elsewhere,))  # the ledger names nobody
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        run = issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer())
        assert [c for c, _ in run.issued] == [here] and run.waiting == [(elsewhere, "holder_unknown")]
        assert issued_result(r, elsewhere) is None and len(_anchors(r)) == 1
        assert issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer()).waiting == [
            (elsewhere, "holder_unknown")
        ]  # still waiting, still said


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (None, "seal_key_not_enrolled"),  # a counter: no seal key in its registry
        ({"role": "device"}, "seal_key_not_enrolled"),
        ({"department": department("taxation").origin}, "seal_key_not_enrolled"),
        ({"revoked_at_ms": 1}, "seal_key_revoked"),
    ],
)
def test_never_without_the_departments_enrolled_unrevoked_seal_key(
    office: Path, clock: FakeClock, pki: Pki, seal: bytes, changes: dict | None, code: str
) -> None:
    [case_id] = _rejected_cases(office, clock, 1)
    if changes is not None:
        _enrol_seal_key(office, pki, clock, **changes)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        with pytest.raises(IssueError) as refused:
            issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer())
        assert refused.value.code == code
        assert issued_result(r, case_id) is None and _anchors(r) == []


def _cli(args: list[str]) -> int:
    sys.stdin = io.StringIO("pw\n")
    try:
        return main(args)
    finally:
        sys.stdin = sys.__stdin__


def test_govdesk_ofd_issue_results_writes_each_copy_once_and_rewrites_a_lost_one(
    office: Path, clock: FakeClock, pki: Pki, seal: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _rejected_cases(office, clock, 3)
    seal_file, out = tmp_path / "seal.esl", tmp_path / "out"
    seal_file.write_bytes(seal)
    argv = ["ofd", "issue-results", "--office", str(office), "--user", "bank-sup", "--password-stdin",
            "--department", BANK, "--seal", str(seal_file), "--seal-key", str(pki.signer.key_path),
            "--seal-cert", str(pki.signer.cert_path), "--out-dir", str(out), "--json"]  # fmt: skip
    assert _cli(argv) == 2 and "not enrolled as a seal key" in capsys.readouterr().err  # a counter: refused
    _enrol_seal_key(office, pki, clock)
    assert _cli(argv) == 0
    done = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert sorted(item["case"] for item in done["issued"]) == sorted(cases) and done["written"] == 3
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{c}-notice.ofd" for c in cases)
    assert _cli(argv) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again == {"issued": [], "waiting": [], "written": 0}
    lost = out / f"{cases[1]}-notice.ofd"
    kept = lost.read_bytes()
    lost.unlink()  # a run killed after its commit, before writing this copy
    assert _cli(argv) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["written"] == 1 and lost.read_bytes() == kept
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:  # a kept result under a name that is no file name
        for n, hostile in enumerate(("../escaped.ofd", ".hidden.ofd", "sub/dir.ofd")):
            r.case_documents.put(cases[0], bytes([n]) * 32, hostile, "application/ofd", ISSUED_STATE, kept, 1)
    assert _cli(argv) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["written"] == 0
    assert not (tmp_path / "escaped.ofd").exists() and sorted(p.name for p in out.iterdir()) == sorted(
        f"{c}-notice.ofd" for c in cases
    )
    for bad in (["--department", "nowhere"], ["--seal", str(tmp_path / "missing.esl")]):
        changed = list(argv)
        changed[changed.index(bad[0]) + 1] = bad[1]
        assert _cli(changed) == 2
        assert "error:" in capsys.readouterr().err


def _issuing_child(office: Path, seal: bytes, pki: Pki, _round_no: int, report_fd: int) -> None:
    """In a child: issue every pending result, reporting each case as its transaction commits."""
    replica = open_replica(office, "bank-sup", "pw")
    signer = pki.signer.signer()
    os.write(report_fd, b"ready\n")

    def report(case_id: str, _document: object) -> None:
        os.write(report_fd, f"{case_id}\n".encode())

    issue_results(replica, CATALOGUE, BANK, seal=seal, seal_signer=signer, on_issued=report)
    os.write(report_fd, b"done\n")
    signal.pause()  # nothing more to issue: wait for the kill


@pytest.mark.slow
def test_sigkills_while_issuing_results_issue_each_case_exactly_once(
    office: Path, clock: FakeClock, pki: Pki, seal: bytes
) -> None:
    cases = _rejected_cases(office, clock, 60)
    _enrol_seal_key(office, pki, clock)
    rng = random.Random(18)
    acknowledged: list[str] = []
    landed = 0
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(_issuing_child, office, seal, pki, round_no)
        buffer = read_until(read_fd, time.monotonic() + 30, marker=b"ready\n")
        buffer += read_until(read_fd, time.monotonic() + 30, lines=buffer.count(b"\n") + 1)  # one case issued
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        lines = [line for line in buffer.decode().split("\n")[:-1] if line not in ("ready", "done")]
        landed += b"done" not in buffer
        acknowledged.extend(lines)
    assert landed >= KILLS // 2, "most kills should land while issuing"
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        final = issue_results(r, CATALOGUE, BANK, seal=seal, seal_signer=pki.signer.signer())
        assert r.check().ok, r.check().problems
        issued_docs = [d for c in cases for d in r.case_documents.list(c) if d.verdict == ISSUED_STATE]
        per_case = Counter(d.case_id for d in issued_docs)
        assert set(per_case) == set(cases) and set(per_case.values()) == {1}  # every case, exactly once
        assert len(acknowledged) == len(set(acknowledged))  # no case was reported issued twice
        assert not set(acknowledged) & {c for c, _ in final.issued}  # what a killed run committed is never redone
        anchors = _anchors(r)
        assert len(anchors) == len(cases) and {a.entry.body["cert_hash"] for a in anchors} == {
            d.digest for d in issued_docs
        }  # one anchor per kept file, no orphan anchor from a killed run
        audited = [rec for rec in r.audit.records(limit=100_000) if rec.action == "ofd.issue"]
        assert len(audited) == len(cases)
