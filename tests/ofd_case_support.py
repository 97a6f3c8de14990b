"""A hall where the SME-loan case of the banking department moves through its departments: shared by the tests of
case results handed out as sealed OFD (fixtures and helpers, no tests here)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.certs import CertType, issue_certificate, make_claims
from app.ledger.suites import ED25519, Signer, key_id
from app.protocol.departments import all_departments, department
from app.services import CaseDesk
from app.store.registry import KeyRecord
from app.store.replica import create_office, open_replica
from tests.ofd_support import Pki
from tests.store_support import FAST_KDF, FakeClock

CITIZEN = ("王秀英", "110101199003074514")
SERVICE = "banking-insurance.sme-loan"
STAFF = {  # account -> (store role, registry role, department)
    "bank-clerk": ("clerk", "clerk", "banking-insurance"),
    "bank-sup": ("supervisor", "supervisor", "banking-insurance"),
    "ms-clerk": ("clerk", "clerk", "market-supervision"),
    "tax-clerk": ("clerk", "clerk", "taxation"),
}
CATALOGUE = load_catalogue()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(int(time.time() * 1000))  # the test PKI's certificates are valid from now on


@pytest.fixture
def issuers() -> dict[str, Signer]:
    return {
        d: ED25519.signer(ED25519.generate_private()) for d in ("market-supervision", "taxation", "banking-insurance")
    }


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki) -> Path:
    """A hall where the lead department's supervisor decides; every key enrolled; the seal root trusted."""
    path = tmp_path / "office"
    with create_office(path, "Dongcheng Service Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        for name, (role, reg_role, dept) in STAFF.items():
            admin.accounts.add(name, role, "pw")
            pub = admin.accounts.get(name).public_key
            admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, reg_role, name, dept, 0))
        for dept, signer in issuers.items():
            pub = signer.public_key
            origin = department(dept).origin
            admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "department", dept, origin, 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", clock.now_ms - 60_000)
        admin.trust_roots.add("seal", pki.root.cert, "Beijing seal root (test)")
    return path


def case_at_decision(office: Path, clock: FakeClock, issuers: dict[str, Signer]) -> str:
    """Open the SME-loan case and walk it through every department up to the lead's decision."""
    with open_replica(office, "bank-clerk", "pw", clock=clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open(SERVICE, *CITIZEN, "loan for a noodle shop")
        texts = []
        for dept, kind in (("market-supervision", CertType.BUSINESS_LICENCE), ("taxation", CertType.TAX_COMPLIANCE)):
            claims = make_claims(kind, department(dept).origin, {"name": "持证人"}, CITIZEN[1],
                                 clock.now_ms // 1000 - 86400, clock.now_ms // 1000 + 86400 * 365)  # fmt: skip
            texts.append(issue_certificate(claims, issuers[dept], now_ms=clock.now_ms - 3_600_000).text)
        desk.verify_documents(case.case_id, desk.check_documents(case.case_id, texts))
    for account in ("ms-clerk", "tax-clerk"):
        with open_replica(office, account, "pw", clock=clock) as r:
            CaseDesk(r, CATALOGUE).advance(case.case_id)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        CaseDesk(r, CATALOGUE).advance(case.case_id)  # the approval step
    return case.case_id
