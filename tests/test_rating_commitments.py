"""The commitment a 好差评 rating names its case by (issue 19): the counter that opened the case computes it from the
citizen's salt, a department's replica opens it from its own case data once it holds that salt, and nobody without
the salt can tie it to the case, though the case id is public on the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.ledger.suites import ED25519, key_id
from app.protocol.departments import all_departments
from app.protocol.hall_rating import case_commitment
from app.services import CaseDesk
from app.services.commitments import CitizenSalts
from app.services.rating_commitments import open_rating_commitment, rating_commitment, rating_salt
from app.store.errors import PermissionDenied
from app.store.ledger_projection import apply_entry
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from tests.store_support import FAST_KDF, FakeClock

NOW_MS = 1_780_000_000_000
CATALOGUE = load_catalogue()
SERVICE = "public-security.resident-id-renewal"
CITIZEN = ("王秀英", "110101199003074514")


def _office(path: Path, clock: FakeClock, staff: dict[str, tuple[str, str, str]]) -> Path:
    """An office whose accounts are enrolled in its registry with the given registry role and department."""
    with create_office(path, path.name, "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        for name, (role, reg_role, dept) in staff.items():
            admin.accounts.add(name, role, "pw")
            pub = admin.accounts.get(name).public_key
            admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, reg_role, name, dept, 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", NOW_MS - 60_000)
    return path


def _as(path: Path, clock: FakeClock, name: str) -> Replica:
    return open_replica(path, name, "pw", clock=clock)


@pytest.fixture
def counter_and_department(tmp_path: Path) -> tuple[Path, Path, FakeClock, str, bytes]:
    """A counter office that opened a case, and a department office that synced its opening step (not the salt)."""
    clock = FakeClock(NOW_MS)
    clerk = ("clerk", "clerk", "public-security")
    counter = _office(tmp_path / "counter", clock, {"ps-clerk": clerk})
    dept = _office(tmp_path / "department", clock, {"records": clerk})
    with _as(counter, clock, "ps-clerk") as r:
        case = CaseDesk(r, CATALOGUE).open(SERVICE, *CITIZEN)
        opening = r.session.one("SELECT data FROM outbox ORDER BY id LIMIT 1")[0]
        clerk_key = r.registry.key(r.account.kid)
    with _as(dept, clock, "records") as d:
        with d.transaction():
            d.registry.put_key(clerk_key)  # the registry names the counter's clerk, as sync brings it
        apply_entry(d, CATALOGUE, opening, 0)
    return counter, dept, clock, case.case_id, opening


def test_the_counter_commits_and_a_department_holding_the_salt_opens_it(counter_and_department) -> None:
    counter, dept, clock, case_id, opening = counter_and_department
    with _as(counter, clock, "ps-clerk") as r:
        commitment, openable = rating_commitment(r, case_id)
        assert openable and rating_commitment(r, case_id) == (commitment, True)  # one commitment per case
        assert open_rating_commitment(r, commitment, SERVICE) == case_id
        assert open_rating_commitment(r, commitment, "taxation.tax-registration") is None
        salt = CitizenSalts(r).export_salt(CITIZEN[1])
    assert case_id.encode() in opening and commitment not in opening  # the case id is public, the link is not
    # Trying every public case id without the citizen's salt does not find it.
    assert commitment != case_commitment(case_id, bytes(32))
    with _as(dept, clock, "records") as d:
        assert open_rating_commitment(d, commitment, SERVICE) is None  # the department has the case, not the salt
        CitizenSalts(d).adopt_salt(CITIZEN[1], salt)  # handed over off the ledger
        assert open_rating_commitment(d, commitment, SERVICE) == case_id
        assert rating_commitment(d, case_id) == (commitment, True)
    assert commitment == case_commitment(case_id, rating_salt(salt, case_id))


def test_a_case_without_the_citizens_salt_is_rated_under_a_random_salt(counter_and_department) -> None:
    _counter, dept, clock, case_id, _opening = counter_and_department
    with _as(dept, clock, "records") as d:
        first, openable = rating_commitment(d, case_id)
        assert not openable and rating_commitment(d, case_id)[0] != first
        assert open_rating_commitment(d, first, SERVICE) is None
        unknown, openable = rating_commitment(d, "GD-1999-000001")
        assert not openable and len(unknown) == 32


def test_only_accounts_that_look_citizens_up_may_commit_or_open(tmp_path: Path) -> None:
    clock = FakeClock(NOW_MS)
    office = _office(tmp_path / "office", clock, {})
    with _as(office, clock, "admin") as admin:
        with pytest.raises(PermissionDenied):
            rating_commitment(admin, "GD-1")
        with pytest.raises(PermissionDenied):
            open_rating_commitment(admin, bytes(32), SERVICE)
