"""The verifier's in-memory trust cache (issuer keys, log freshness and distrust) can never go stale.

Each test first verifies a certificate, which fills the cache, then changes what the verdict rests on
through a real write path (this connection, a second connection, another process, a rolled-back
transaction) and verifies again: the second verdict must follow the replica, never the cache.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.certs import CertType, Status, issue_certificate, make_claims, record_revocation, verify
from app.certs.issue import IssuedCertificate
from app.ledger.suites import ED25519, Signer, key_id
from app.store.certs import MAX_TRUST_ENTRIES, TrustCache
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.store.sync_state import acknowledge_fork, record_fork
from app.sync import SyncService, load_policy
from app.sync.transport import RetryPolicy
from tests.store_support import FAST_KDF
from tests.test_sync_support import PASSWORD, NodeProc, new_office, running_federation

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "civil-affairs.ledger.beijing.gov.cn"
NOW_MS = 1_800_000_000_000
NOW_S = NOW_MS // 1000
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
FAST_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.2, timeout_s=5)


def fixed_clock() -> int:
    return NOW_MS


@pytest.fixture
def dept() -> Signer:
    """The issuing department's key."""
    return ED25519.signer(ED25519.generate_private())


def key_record(signer: Signer, **changes) -> KeyRecord:
    kid = key_id(ED25519, signer.public_key)
    record = KeyRecord(kid, "ed25519", signer.public_key, "department", "Civil affairs", ORIGIN, NOW_MS - 30 * DAY_MS)
    return replace(record, **changes)


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Haidian Service Hall", "admin", "admin-pw", kdf=FAST_KDF, clock=fixed_clock) as r:
        r.accounts.add("clerk", "clerk", "clerk-pw")
        r.accounts.add("clerk2", "clerk", "clerk-pw")
    return path


@pytest.fixture
def replica(office: Path, dept: Signer) -> Replica:
    """A clerk's replica that knows the department key and synced its log an hour ago."""
    r = open_replica(office, "clerk", "clerk-pw", clock=fixed_clock)
    r.registry.put_key(key_record(dept))
    r.logs.put_checkpoint(ORIGIN, 10, bytes(32), f"{ORIGIN}\n10\nAAAA\n", NOW_MS - HOUR_MS)
    yield r
    r.close()


@pytest.fixture
def second(office: Path, replica: Replica) -> Replica:
    """Another clerk's replica on the same office: a second SQLCipher connection to the same file."""
    r = open_replica(office, "clerk2", "clerk-pw", clock=fixed_clock)
    yield r
    r.close()


def new_cert(signer: Signer, *, issued_at: int = NOW_S - 86_400) -> IssuedCertificate:
    display = {"name": "王小明"}
    claims = make_claims(CertType.RESIDENT_EID, ORIGIN, display, "11010519491231002X", issued_at, NOW_S + 86_400)
    return issue_certificate(claims, signer, now_ms=issued_at * 1000)


def warm(replica: Replica, issued: IssuedCertificate) -> None:
    """Verify once, which fills the trust cache, and check it did."""
    assert verify(issued.text, office=replica).status is Status.VALID
    assert replica.certs.trust._keys and replica.certs.trust._logs  # the cache holds the key and the log


# -- writes on the verifying connection --------------------------------------------------------------------


def test_a_revocation_after_a_warm_verification_is_refused(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    record_revocation(replica, ORIGIN, issued.claims.serial, "reported stolen", NOW_MS - 1000, dept)
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.REVOKED and "reported stolen" in verdict.reason_en


def test_a_key_revoked_after_a_warm_verification_no_longer_signs(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    replica.registry.put_key(key_record(dept, revoked_at_ms=NOW_MS - 2 * DAY_MS))  # before the issue time
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.UNKNOWN_ISSUER and verdict.code == "key_not_valid_at_issue"


def test_a_trust_table_rebuilt_on_the_live_connection_keeps_counting_writes(replica: Replica, dept: Signer) -> None:
    """Rebuilding registry_keys (create, copy, drop, rename: how a migration changes a table) drops the temporary
    triggers with the old table; the cache installs them again, so a later revocation is still seen."""
    issued = new_cert(dept)
    warm(replica, issued)
    s = replica.session
    definition = s.one("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'registry_keys'")[0]
    indexes = [row[0] for row in s.all("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                                       "'registry_keys' AND sql IS NOT NULL")]  # fmt: skip
    with replica.transaction():
        s.execute(definition.replace("registry_keys", "registry_keys_new", 1))
        s.execute("INSERT INTO registry_keys_new SELECT * FROM registry_keys")
        s.execute("DROP TABLE registry_keys")
        s.execute("ALTER TABLE registry_keys_new RENAME TO registry_keys")
        for index in indexes:
            s.execute(index)
    assert not s.all("SELECT name FROM temp.sqlite_master WHERE tbl_name = 'registry_keys'")  # dropped with the table
    assert verify(issued.text, office=replica).status is Status.VALID
    replica.registry.put_key(key_record(dept, revoked_at_ms=NOW_MS - 2 * DAY_MS))
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.UNKNOWN_ISSUER and verdict.code == "key_not_valid_at_issue"


def test_a_key_re_enrolled_for_another_role_or_department_is_refused_at_once(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    replica.registry.put_key(key_record(dept, role="clerk"))
    assert verify(issued.text, office=replica).code == "key_role"
    # moved to another department (each department's enrolment is a row of its own: the first one goes)
    replica.session.execute("DELETE FROM registry_keys WHERE kid = ?", (key_id(ED25519, dept.public_key),))
    replica.registry.put_key(key_record(dept, department="taxation.ledger.beijing.gov.cn"))
    assert verify(issued.text, office=replica).code == "key_department"
    replica.registry.put_key(key_record(dept))
    assert verify(issued.text, office=replica).status is Status.VALID


def test_a_key_deleted_from_the_registry_is_unknown_at_once(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    replica.session.execute("DELETE FROM registry_keys WHERE kid = ?", (key_id(ED25519, dept.public_key),))
    assert verify(issued.text, office=replica).code == "unknown_key"


def test_a_fork_alarm_after_a_warm_verification_refuses_and_its_resolution_restores(
    replica: Replica, dept: Signer, office: Path
) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    evidence = record_fork(replica, ORIGIN, f"{ORIGIN}\n10\nAAAA\n", f"{ORIGIN}\n10\nBBBB\n", None, "fork")
    assert verify(issued.text, office=replica).code == "log_untrusted"
    with open_replica(office, "admin", "admin-pw", clock=fixed_clock) as admin:  # admins may not give verdicts
        acknowledge_fork(admin, evidence, trust_again=True)
    assert verify(issued.text, office=replica).status is Status.VALID


def test_a_newer_checkpoint_refreshes_the_replica_age(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    assert verify(issued.text, office=replica).replica_age_ms == HOUR_MS
    replica.logs.put_checkpoint(ORIGIN, 11, bytes(32), f"{ORIGIN}\n11\nBBBB\n", NOW_MS - 60_000)
    assert verify(issued.text, office=replica).replica_age_ms == 60_000


def test_an_unknown_key_enrolled_after_a_refusal_is_then_accepted(replica: Replica) -> None:
    newcomer = ED25519.signer(ED25519.generate_private())
    issued = new_cert(newcomer)
    assert verify(issued.text, office=replica).code == "unknown_key"  # the miss is cached too
    replica.registry.put_key(key_record(newcomer))
    assert verify(issued.text, office=replica).status is Status.VALID


# -- transactions and rollbacks -------------------------------------------------------------------------------


def test_a_key_enrolled_in_a_rolled_back_transaction_is_not_remembered(replica: Replica) -> None:
    newcomer = ED25519.signer(ED25519.generate_private())
    issued = new_cert(newcomer)
    assert verify(issued.text, office=replica).code == "unknown_key"
    with pytest.raises(RuntimeError), replica.transaction():
        replica.registry.put_key(key_record(newcomer))
        assert verify(issued.text, office=replica).status is Status.VALID  # the transaction sees its own write
        raise RuntimeError("sync failed half-way")
    assert verify(issued.text, office=replica).code == "unknown_key"


def test_a_revocation_of_the_key_in_a_rolled_back_transaction_leaves_it_valid(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    with pytest.raises(RuntimeError), replica.transaction():
        replica.registry.put_key(key_record(dept, revoked_at_ms=NOW_MS - 2 * DAY_MS))
        assert verify(issued.text, office=replica).code == "key_not_valid_at_issue"
        raise RuntimeError("rolled back")
    assert verify(issued.text, office=replica).status is Status.VALID


def test_a_first_verification_inside_a_transaction_reads_through_and_caches_nothing(office: Path, dept: Signer) -> None:
    with open_replica(office, "clerk", "clerk-pw", clock=fixed_clock) as fresh:
        issued = new_cert(dept)
        with pytest.raises(RuntimeError), fresh.transaction():
            fresh.registry.put_key(key_record(dept))
            fresh.logs.put_checkpoint(ORIGIN, 10, bytes(32), f"{ORIGIN}\n10\nAAAA\n", NOW_MS - HOUR_MS)
            assert verify(issued.text, office=fresh).status is Status.VALID
            raise RuntimeError("rolled back")
        assert not fresh.certs.trust._keys and not fresh.certs.trust._logs
        assert verify(issued.text, office=fresh).code == "unknown_key"


# -- writes by another connection or another process ----------------------------------------------------------


def test_a_key_revoked_through_a_second_connection_is_refused(replica: Replica, second: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    second.registry.put_key(key_record(dept, revoked_at_ms=NOW_MS - 2 * DAY_MS))
    assert verify(issued.text, office=replica).code == "key_not_valid_at_issue"


def test_a_revocation_and_a_fork_through_a_second_connection_are_refused(
    replica: Replica, second: Replica, dept: Signer
) -> None:
    issued, other = new_cert(dept), new_cert(dept)
    warm(replica, issued)
    second.certs.put_revocation(ORIGIN, issued.claims.serial, "lost", NOW_MS - 1000)
    assert verify(issued.text, office=replica).status is Status.REVOKED
    assert verify(other.text, office=replica).status is Status.VALID
    record_fork(second, ORIGIN, f"{ORIGIN}\n10\nAAAA\n", f"{ORIGIN}\n10\nBBBB\n", None, "fork")
    assert verify(other.text, office=replica).code == "log_untrusted"


def test_a_key_revoked_by_another_process_is_refused(replica: Replica, office: Path, dept: Signer) -> None:
    issued = new_cert(dept)
    warm(replica, issued)
    script = textwrap.dedent(
        f"""
        from dataclasses import replace
        from app.store.replica import open_replica
        with open_replica({str(office)!r}, "clerk2", "clerk-pw") as r:
            key = r.registry.key(bytes.fromhex({key_id(ED25519, dept.public_key).hex()!r}))
            r.registry.put_key(replace(key, revoked_at_ms={NOW_MS - 2 * DAY_MS}))
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)
    assert verify(issued.text, office=replica).code == "key_not_valid_at_issue"


# -- bounds ------------------------------------------------------------------------------------------------


def test_hostile_key_ids_cannot_grow_the_cache_without_bound(replica: Replica) -> None:
    cache = replica.certs.trust
    for n in range(MAX_TRUST_ENTRIES + 10):
        key, _trust = cache.signing_facts(n.to_bytes(16, "big"), ORIGIN)
        assert key is None
    assert len(cache._keys) + len(cache._logs) <= MAX_TRUST_ENTRIES


def test_two_caches_on_one_connection_each_see_every_write(replica: Replica, dept: Signer) -> None:
    other = TrustCache(replica.session)
    kid = key_id(ED25519, dept.public_key)
    assert other.signing_facts(kid, ORIGIN)[0] is not None
    assert replica.certs.trust.signing_facts(kid, ORIGIN)[0] is not None
    replica.registry.put_key(key_record(dept, role="clerk"))
    assert other.signing_facts(kid, ORIGIN)[0].role == "clerk"
    assert replica.certs.trust.signing_facts(kid, ORIGIN)[0].role == "clerk"


# -- a real sync, on the verifying connection itself -----------------------------------------------------------


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    """Three department nodes on loopback, each witnessed by the other two, as separate processes."""
    with running_federation(tmp_path_factory.mktemp("nodes")) as procs:
        yield procs


def test_a_revocation_pulled_by_sync_on_the_verifying_connection_is_refused(
    federation: list[NodeProc], tmp_path: Path
) -> None:
    taxation = federation[0]
    with new_office(tmp_path / "office", "office-a", federation) as admin:
        admin.accounts.add("li.na", "clerk", PASSWORD)
    clerk = open_replica(tmp_path / "office", "li.na", PASSWORD)
    try:
        sync = SyncService(clerk, load_policy(clerk), retry=FAST_RETRY)
        now_s = int(time.time())
        display, until = {"name": "王小明"}, now_s + 86400
        claims = make_claims(CertType.RESIDENT_EID, taxation.origin, display, "11010519491231002X", now_s, until)
        issued = issue_certificate(claims, ED25519.signer(taxation.keys.department_seed), now_ms=now_s * 1000)
        assert verify(issued.text, office=clerk).code == "unknown_key"  # the miss is cached
        assert sync.run().exit_status == 0
        first = verify(issued.text, office=clerk)  # the key and the checkpoint arrived through this connection
        assert first.status is Status.VALID, first.reason_en
        index = taxation.write("cert.revoke", {"serial": claims.serial, "reason": "reported stolen", "revoked_at": 1})
        taxation.wait_cosigned(index + 1)
        assert sync.run().exit_status == 0
        verdict = verify(issued.text, office=clerk)
        assert verdict.status is Status.REVOKED and "reported stolen" in verdict.reason_en
        assert verdict.replica_age_ms <= first.replica_age_ms + 60_000  # the refreshed checkpoint is seen
    finally:
        clerk.close()
