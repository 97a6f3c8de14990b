"""Authorising a case transition from the trust cache: a revocation, a fork alarm or a stale log refuses the very next
transition, whoever wrote it (this connection, another connection, another process); a fresh checkpoint restores."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.ledger.suites import ED25519, key_id
from app.protocol.departments import department
from app.services import CaseDesk, DocumentCheck
from app.services.errors import LogUntrusted, NotEnrolled, ReplicaTooStale
from app.store.registry import KeyRecord
from app.store.replica import Replica, open_replica
from app.store.sync_state import acknowledge_fork, fork_evidence, record_fork
from tests.store_support import FAST_KDF, FakeClock, office_with_supervisor

SERVICE = "public-security.household-transfer-out"
CATALOGUE = load_catalogue()
ORIGIN = department("public-security").origin
STALENESS_MS = CATALOGUE.service(SERVICE).max_staleness_ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(int(time.time() * 1000))


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office with a public-security supervisor `sup` (enrolled) and every log synced just now."""
    return office_with_supervisor(tmp_path / "office", "Trust Hall")


def _open(office: Path, name: str, clock: FakeClock) -> Replica:
    return open_replica(office, name, "pw", kdf=FAST_KDF, clock=clock)


def _verified_case(desk: CaseDesk) -> str:
    """Open a case and verify its documents: two transitions, so the trust cache is warm."""
    case = desk.open(SERVICE, "张伟", "110101199001011245")
    desk.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), (), ()))
    return case.case_id


def _refusals(r: Replica, code: str) -> int:
    return sum(1 for rec in r.audit.records() if rec.action == "case.step" and rec.result == f"refused: {code}")


def _revoke(r: Replica, at_ms: int) -> None:
    sup = r.accounts.get("sup").public_key
    r.registry.put_key(
        KeyRecord(key_id(ED25519, sup), "ed25519", sup, "supervisor", "sup", "public-security", 0, at_ms)
    )


def test_a_key_revoked_by_another_process_refuses_the_next_transition(office: Path, clock: FakeClock) -> None:
    with _open(office, "sup", clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        case_id = _verified_case(desk)
        pending = r.outbox.count_pending()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child: the admin's CLI revokes the key
            code = 1
            try:
                with _open(office, "admin", clock) as admin:
                    _revoke(admin, clock.now_ms - 1)
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        with pytest.raises(NotEnrolled, match="was revoked"):
            desk.advance(case_id)
        assert r.outbox.count_pending() == pending and _refusals(r, "not_enrolled") == 1
        assert desk.get(case_id).state == "documents-verified"


def test_a_key_revoked_on_the_same_connection_refuses_the_next_transition(office: Path, clock: FakeClock) -> None:
    with _open(office, "sup", clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        case_id = _verified_case(desk)
        sup_kid = key_id(ED25519, r.accounts.get("sup").public_key)
        r.session.execute("UPDATE registry_keys SET revoked_at_ms = ? WHERE kid = ?", (clock.now_ms - 1, sup_kid))
        with pytest.raises(NotEnrolled, match="was revoked"):
            desk.advance(case_id)
        r.session.execute("DELETE FROM registry_keys WHERE kid = ?", (sup_kid,))
        with pytest.raises(NotEnrolled, match="not enrolled"):
            desk.advance(case_id)


def test_a_log_gone_stale_refuses_and_a_checkpoint_from_another_connection_restores(
    office: Path, clock: FakeClock
) -> None:
    with _open(office, "sup", clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        case_id = _verified_case(desk)
        clock.now_ms += STALENESS_MS + 60_000  # the cache holds when the checkpoint was fetched, not its age
        with pytest.raises(ReplicaTooStale, match="min ago"):
            desk.advance(case_id)
        with _open(office, "admin", clock) as admin:  # sync, in another connection, fetches a newer checkpoint
            admin.logs.put_checkpoint(ORIGIN, 2, bytes(32), f"{ORIGIN}\n2\nAAAA\n", clock.now_ms)
        assert desk.advance(case_id).done == 1
        with _open(office, "admin", clock) as admin:  # every checkpoint of the log gone: never synced
            admin.session.execute("DELETE FROM checkpoints WHERE origin = ?", (ORIGIN,))
        with pytest.raises(ReplicaTooStale, match="never synced"):
            desk.advance(case_id)
        assert _refusals(r, "replica_too_stale") == 2


def test_a_fork_alarm_refuses_case_steps_for_that_department_until_it_is_resolved(
    office: Path, clock: FakeClock
) -> None:
    with _open(office, "sup", clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        case_id = _verified_case(desk)
        pending = r.outbox.count_pending()
        with _open(office, "admin", clock) as admin:  # sync in another connection raises the alarm
            record_fork(admin, ORIGIN, "held", "offered", None, "two different trees of the same size")
        with pytest.raises(LogUntrusted, match=r"untrusted .*two different trees"):
            desk.advance(case_id)
        with pytest.raises(LogUntrusted, match="untrusted"):
            desk.open(SERVICE, "李娜", "110101199202023453")
        assert r.outbox.count_pending() == pending and _refusals(r, "log_untrusted") == 2
        with _open(office, "admin", clock) as admin:
            acknowledge_fork(admin, fork_evidence(admin)[0].id, trust_again=True)
        assert desk.advance(case_id).done == 1
