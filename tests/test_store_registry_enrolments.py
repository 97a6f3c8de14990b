"""The replica's registry holds one enrolment per (key id, department): a key enrolled by several departments is
asked about per department, its home enrolment stands for it when no department is asked about, and the role an
account gets on this machine follows every department that enrolled it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.store.errors import InvalidInput
from app.store.registry import DeviceRecord, KeyRecord, effective_role
from app.store.replica import Replica, create_office
from tests.store_support import FAST_KDF

TAXATION = "taxation.ledger.beijing.gov.cn"
HOUSING = "housing.ledger.beijing.gov.cn"
KID = bytes(range(16))


def _record(department: str, role: str = "device", valid_from_ms: int = 1000) -> KeyRecord:
    return KeyRecord(KID, "ed25519", b"p" * 32, role, "hall/evaluator-01", department, valid_from_ms)


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    with create_office(tmp_path / "office", "Chaoyang Hall", "admin", "pw", kdf=FAST_KDF) as r:
        yield r


def test_a_key_enrolled_by_two_departments_is_asked_about_per_department(replica: Replica) -> None:
    replica.registry.put_key(_record(TAXATION, valid_from_ms=1000))
    replica.registry.put_key(_record(HOUSING, valid_from_ms=2000))
    assert [r.department for r in replica.registry.enrolments(KID)] == [HOUSING, TAXATION]
    assert replica.registry.key(KID, TAXATION) == _record(TAXATION, valid_from_ms=1000)
    assert replica.registry.key(KID, "civil-affairs.ledger.beijing.gov.cn") is None
    assert replica.registry.key(KID).department == HOUSING  # the newest standing enrolment
    # housing revokes it: taxation's enrolment stands, and is now the home one
    replica.registry.put_key(replace(_record(HOUSING, valid_from_ms=2000), revoked_at_ms=3000))
    assert replica.registry.key(KID, TAXATION).revoked_at_ms is None
    assert replica.registry.key(KID, HOUSING).revoked_at_ms == 3000
    assert replica.registry.key(KID).department == TAXATION
    # asked for a log's department, the enrolment by it; else the home one (a window enrolment is looked up then)
    assert replica.registry.signing_key(KID, HOUSING).department == HOUSING
    assert replica.registry.signing_key(KID, "civil-affairs.ledger.beijing.gov.cn").department == TAXATION
    # the trust cache of certificate checks asks the same question
    record, _ = replica.certs.trust.signing_facts(KID, HOUSING)
    assert record.department == HOUSING and record.revoked_at_ms == 3000
    record, _ = replica.certs.trust.signing_facts(KID, TAXATION)
    assert record.department == TAXATION and record.revoked_at_ms is None


def test_a_record_naming_its_department_by_id_answers_for_that_departments_log(replica: Replica) -> None:
    replica.registry.put_key(_record("taxation", role="clerk"))
    assert replica.registry.key(KID, TAXATION).department == "taxation"
    assert replica.registry.key(KID, HOUSING) is None


def test_devices_are_enrolled_per_department(replica: Replica) -> None:
    kid = replica.device_kid
    replica.registry.put_device(DeviceRecord(kid, "Chaoyang Hall", TAXATION, 1000))
    replica.registry.put_device(DeviceRecord(kid, "Chaoyang Hall", HOUSING, 2000))
    assert replica.anchors.device_logs() == {TAXATION, HOUSING}
    replica.registry.put_device(DeviceRecord(kid, "Chaoyang Hall", HOUSING, 2000, revoked_at_ms=3000))
    assert replica.anchors.device_logs() == {TAXATION}
    assert replica.registry.device(kid, HOUSING).revoked_at_ms == 3000
    assert replica.registry.device(kid).department == TAXATION  # standing before revoked
    assert replica.registry.device(kid, "civil-affairs.ledger.beijing.gov.cn") is None


@pytest.mark.parametrize(
    ("enrolments", "role"),
    [
        ((("supervisor", None),), "supervisor"),
        ((("supervisor", None), ("supervisor", None)), "supervisor"),
        ((("supervisor", None), ("clerk", None)), "clerk"),  # the lesser where departments disagree
        ((("supervisor", None), ("supervisor", 5)), "supervisor"),  # a revoked enrolment grants nothing
        ((("supervisor", 5), ("clerk", 5)), "clerk"),  # revoked everywhere: a clerk at most
        ((("window", None), ("device", None)), "clerk"),
    ],
)
def test_the_role_on_this_machine_follows_every_departments_enrolment(
    replica: Replica, enrolments: tuple, role: str
) -> None:
    replica.accounts.add("li", "clerk", "pw")
    account = replica.accounts.get("li")
    for (registry_role, revoked), department in zip(enrolments, (TAXATION, HOUSING), strict=False):
        replica.registry.put_key(
            KeyRecord(account.kid, "ed25519", account.public_key, registry_role, "li", department, 1, revoked)
        )
    assert effective_role(replica.session.conn, account, replica.device_kid) == role


@pytest.mark.parametrize("origin", ["", "\x00", "x" * 257, None])
def test_hostile_origins_are_refused_or_find_nothing(replica: Replica, origin: object) -> None:
    replica.registry.put_key(_record(TAXATION))
    if origin is None:
        assert replica.registry.key(KID, origin) is not None  # no department asked: the home enrolment
        return
    with pytest.raises(InvalidInput):
        replica.registry.key(KID, origin)
    with pytest.raises(InvalidInput):
        replica.registry.signing_key(KID, origin)
