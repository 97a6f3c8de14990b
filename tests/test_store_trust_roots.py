"""Trusted SM2 roots in the replica: admin-only, audited, two separate lists, hostile input refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.ledger import sm2
from app.pki.sm2_x509 import issue_certificate, make_root, name, verify_chain
from app.store.errors import InvalidInput, PermissionDenied
from app.store.replica import Replica, create_office, open_replica
from tests.store_support import FAST_KDF, FakeClock

NOW = datetime(2027, 1, 15, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(int(NOW.timestamp() * 1000))


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Xicheng Service Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
    return path


def _open(office: Path, user: str, clock: FakeClock) -> Replica:
    return open_replica(office, user, "pw", clock=clock, kdf=FAST_KDF)


def test_admin_adds_roots_to_separate_lists_and_every_change_is_audited(office: Path, clock: FakeClock) -> None:
    department_ca = sm2.SM2_SM3.signer(sm2.generate_private())
    seal_ca = sm2.SM2_SM3.signer(sm2.generate_private())
    department_root = make_root(department_ca, "Beijing departments root", now=NOW)
    seal_root = make_root(seal_ca, "Beijing seal root", now=NOW)
    with _open(office, "admin", clock) as admin:
        added = admin.trust_roots.add("department", department_root.pem().encode(), "from the municipal CA")
        admin.trust_roots.add("seal", seal_root.der)
        assert added.fingerprint == sm2.sm3(department_root.der)
        before = admin.audit.verify_chain()
    with _open(office, "clerk", clock) as clerk:
        assert [r.certificate.der for r in clerk.trust_roots.roots("department")] == [department_root.der]
        assert clerk.trust_roots.certificates("seal") == [seal_root]
        # a department key certified under the trusted root verifies against the department list only
        node_key = sm2.SM2_SM3.signer(sm2.generate_private()).public_key
        leaf = issue_certificate(
            department_ca, department_root.subject, name("taxation"), node_key,
            serial=5, not_before=NOW, not_after=NOW + timedelta(days=30), ca=False,
        )  # fmt: skip
        assert verify_chain(leaf, [], clerk.trust_roots.certificates("department"), at=NOW)[-1] == department_root
        with pytest.raises(ValueError):
            verify_chain(leaf, [], clerk.trust_roots.certificates("seal"), at=NOW)
        with pytest.raises(PermissionDenied):
            clerk.trust_roots.add("department", seal_root.der)
        with pytest.raises(PermissionDenied):
            clerk.trust_roots.remove("department", added.fingerprint)
    with _open(office, "admin", clock) as admin:
        assert admin.trust_roots.remove("department", added.fingerprint)
        assert not admin.trust_roots.remove("department", added.fingerprint)
        assert admin.trust_roots.roots("department") == []
        actions = [(r.action, r.detail.get("list")) for r in admin.audit.records() if r.action.startswith("trust_root")]
        assert actions == [
            ("trust_root.add", "department"),
            ("trust_root.add", "seal"),
            ("trust_root.remove", "department"),
        ]
        assert admin.audit.verify_chain()[0] > before[0]


def test_only_self_signed_sm2_cas_are_accepted(office: Path, clock: FakeClock) -> None:
    ca = sm2.SM2_SM3.signer(sm2.generate_private())
    root = make_root(ca, "root", now=NOW)
    not_ca = issue_certificate(
        ca,
        root.subject,
        name("leaf"),
        ca.public_key,
        serial=9,
        not_before=NOW,
        not_after=NOW + timedelta(days=1),
        ca=False,
    )
    other = sm2.SM2_SM3.signer(sm2.generate_private())
    cross = issue_certificate(
        other,
        root.subject,
        root.subject,
        ca.public_key,
        serial=10,
        not_before=NOW,
        not_after=NOW + timedelta(days=1),
        ca=True,
    )  # a CA certificate that claims to be self-issued but is signed by another key
    tampered = bytearray(root.der)
    tampered[tampered.index(b"root")] ^= 0x20
    with _open(office, "admin", clock) as admin:
        for bad in (b"", b"garbage", not_ca.der, cross.der, bytes(tampered), root.der[:-3]):
            with pytest.raises(InvalidInput):
                admin.trust_roots.add("department", bad)
        with pytest.raises(InvalidInput):
            admin.trust_roots.add("invoices", root.der)
        with pytest.raises(InvalidInput):
            admin.trust_roots.add("department", root.der, "bad\nlabel")
        assert admin.trust_roots.roots("department") == []
        assert not [r for r in admin.audit.records() if r.action.startswith("trust_root")]
