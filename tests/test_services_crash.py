"""Crash safety of case transitions: SIGKILLs of a counter moving cases lose no acknowledged step, tear no case."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import StepOutOfOrder
from app.certs.holder import resident_id_number
from app.ledger.entry import decode_entry
from app.services import CaseDesk, DocumentCheck
from app.store.replica import open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF, office_with_supervisor

SERVICE = "public-security.household-transfer-out"
KILLS = 30
CATALOGUE = load_catalogue()
STORE_STATUS = {"opened": "open", "documents-verified": "open", "in-progress": "in_progress"}


@pytest.fixture
def counter_office(tmp_path: Path) -> Path:
    """An office with one enrolled public-security supervisor and every log synced just now."""
    return office_with_supervisor(tmp_path / "office", "Crash Hall")


def _mover(office: Path, round_no: int, report_fd: int) -> None:
    """In a child: open cases and take each to closed, reporting every acknowledged step as `case state leaf`."""
    r = open_replica(office, "sup", "pw", kdf=FAST_KDF)
    desk = CaseDesk(r, CATALOGUE)
    os.write(report_fd, b"ready\n")
    refs = (os.urandom(32),)
    for i in range(10_000):
        case = desk.open(SERVICE, "张伟", resident_id_number(f"1101011990{round_no:03d}{i % 10_000:04d}"))
        os.write(report_fd, f"{case.case_id} {case.state} {case.head.hex()}\n".encode())
        moves = (
            lambda c: desk.verify_documents(c, DocumentCheck(c, frozenset({"eid", "hukou"}), refs, ())),
            desk.advance,
            desk.advance,
            desk.decide,
            desk.close,
        )
        for move in moves:
            view = move(case.case_id)
            os.write(report_fd, f"{view.case_id} {view.state} {view.head.hex()}\n".encode())


@pytest.mark.slow
def test_sigkills_while_moving_cases_lose_no_acknowledged_step(counter_office: Path) -> None:
    rng = random.Random(88)
    acknowledged: dict[str, list[tuple[str, bytes]]] = {}
    killed_while_moving = 0
    start = time.monotonic()
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(_mover, counter_office, round_no)
        # Wait for the first acknowledged step, so that a loaded machine still kills mid-stream.
        buffer = read_until(read_fd, time.monotonic() + 10, marker=b"ready\nC")
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.060))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        lines = [line.split(" ") for line in buffer.decode().split("\n")[:-1] if line != "ready"]
        killed_while_moving += bool(lines)
        for case_id, state, head in lines:
            acknowledged.setdefault(case_id, []).append((state, bytes.fromhex(head)))
    assert killed_while_moving > KILLS // 2, "most kills should land in the middle of moving cases"

    with open_replica(counter_office, "sup", "pw", kdf=FAST_KDF) as r:  # the rollback check runs on unlock
        assert r.check().ok, r.check().problems
        desk = CaseDesk(r, CATALOGUE)
        s = r.session
        service_cases = {row[0] for row in s.all("SELECT case_id FROM service_cases")}
        local_cases = {row[0] for row in s.all("SELECT case_ref FROM cases")}
        assert service_cases == local_cases, "a case was opened in one table and not the other"
        assert set(acknowledged) <= service_cases
        outbox = {row[0] for row in s.all("SELECT leaf_hash FROM outbox")}
        for case_id in service_cases:
            view = desk.get(case_id)
            chain = [step.leaf_hash for step in view.steps]
            assert all(step.status == "applied" for step in view.steps)
            assert set(chain) <= outbox, "a step is in the case history but not in the outbox"
            assert chain[-1] == view.head and view.steps[-1].state == view.state
            for step in view.steps:  # each stored step is the signed entry it says it is
                body = decode_entry(s.one("SELECT data FROM outbox WHERE leaf_hash = ?", (step.leaf_hash,))[0])
                assert body.entry.body["state"] == step.state and body.leaf_hash == step.leaf_hash
            local = r.cases.get(case_id)
            assert local.status == STORE_STATUS.get(view.state, "closed"), "the local case and its chain disagree"
            for _state, head in acknowledged.get(case_id, []):
                assert head in chain, f"acknowledged step {head.hex()[:16]} of {case_id} was lost"
    assert time.monotonic() - start < 90


def test_a_step_prepared_on_a_case_that_moved_meanwhile_is_refused(counter_office: Path) -> None:
    with (
        open_replica(counter_office, "sup", "pw", kdf=FAST_KDF) as a,
        open_replica(counter_office, "sup", "pw", kdf=FAST_KDF) as b,
    ):
        desk_a, desk_b = CaseDesk(a, CATALOGUE), CaseDesk(b, CATALOGUE)
        case = desk_a.open(SERVICE, "张伟", "110101199001011245")
        desk_a.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), (), ()))
        row, service = desk_a._load(case.case_id)  # the desk app read the case ...
        moved = desk_b.advance(case.case_id)  # ... the CLI beside it moved it ...
        with pytest.raises(StepOutOfOrder, match="moved while"):
            desk_a._move(row, service, service.steps[0].id)  # ... so the desk's step must not apply
        assert desk_a.get(case.case_id).head == moved.head
        assert len(desk_a.get(case.case_id).steps) == 3


def test_one_head_write_per_transaction_that_appends_audit_records(counter_office: Path) -> None:
    with open_replica(counter_office, "sup", "pw", kdf=FAST_KDF) as r:
        r.flush_head()  # the login's head
        written = []
        write_head = r.office.write_head
        r.office.write_head = lambda key, head, record=None: (
            written.append(head.audit_seq),
            write_head(key, head, record),
        )
        with r.transaction():
            first = r.audit.append("case.review", "ok", {"n": 1})
            r.audit.append("case.review", "ok", {"n": 2})
            last = r.audit.append("case.review", "ok", {"n": 3})
        r.flush_head()
        assert written == [last] == [first + 2]
        with pytest.raises(RuntimeError), r.transaction():
            r.audit.append("case.review", "ok", {"n": 4})
            raise RuntimeError("the clerk's transaction fails")
        r.flush_head()
        assert written == [last] and r.audit.head_seq == last
        r.audit.append("case.review", "ok", {"n": 5})
        r.flush_head()
        assert written == [last, last + 1]
        assert r.office.read_head(r._mac_key).audit_seq == last + 1
    with open_replica(counter_office, "sup", "pw", kdf=FAST_KDF) as r:
        assert r.check().ok
