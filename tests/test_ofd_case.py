"""An OFD e-licence attached to a case: stored encrypted in the replica, its SM3 digest on the case's ledger step."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.certs import CertType, issue_certificate, make_claims
from app.certs.holder import personal_id_number
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519, key_id
from app.ofd import gm
from app.ofd.counter import attach_to_case, verify_at_office
from app.protocol.departments import all_departments, department
from app.services import CaseDesk
from app.services.errors import LicenceHolderMismatch, UnknownCase
from app.store.registry import KeyRecord
from app.store.replica import create_office, open_replica
from tests.ofd_support import Pki, licence_spec, make_pki, sealed_document, to_file
from tests.store_support import FAST_KDF, FakeClock

NOW_MS = 1_780_000_000_000
CITIZEN = ("王秀英", "110101199003074514")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def test_an_attached_licence_goes_on_the_case(tmp_path: Path, pki: Pki) -> None:
    clock = FakeClock(NOW_MS)
    issuers = {d: ED25519.signer(ED25519.generate_private()) for d in ("market-supervision", "taxation")}
    path = tmp_path / "office"
    with create_office(path, "Dongcheng Service Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        admin.accounts.add("bank-clerk", "clerk", "pw")
        pub = admin.accounts.get("bank-clerk").public_key
        admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "clerk", "bank-clerk",
                                          "banking-insurance", 0))  # fmt: skip
        for dept, signer in issuers.items():
            key = signer.public_key
            origin = department(dept).origin
            admin.registry.put_key(KeyRecord(key_id(ED25519, key), "ed25519", key, "department", dept, origin, 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", NOW_MS - 3_600_000)
        admin.trust_roots.add("seal", pki.root.cert, "seal root")
    licence = to_file(sealed_document(pki))
    with open_replica(path, "bank-clerk", "pw", clock=clock) as replica:
        desk = CaseDesk(replica, load_catalogue())
        case = desk.open("banking-insurance.sme-loan", *CITIZEN, "loan")
        verdict = verify_at_office(replica, licence)
        assert verdict.valid and verdict.trusted
        digest = attach_to_case(replica, case.case_id, "营业执照.ofd", licence, verdict)
        assert digest == gm.sm3(licence)
        assert replica.case_documents.data(case.case_id, digest) == licence
        texts = []
        for dept, kind in (("market-supervision", CertType.BUSINESS_LICENCE), ("taxation", CertType.TAX_COMPLIANCE)):
            claims = make_claims(kind, department(dept).origin, {"name": "持证人"}, CITIZEN[1],
                                 NOW_MS // 1000 - 86400, NOW_MS // 1000 + 86400 * 365)  # fmt: skip
            texts.append(issue_certificate(claims, issuers[dept], now_ms=NOW_MS - 86_400_000).text)
        desk.verify_documents(case.case_id, desk.check_documents(case.case_id, texts))
        entries = [decode_entry(e.data).entry for e in replica.outbox.pending()]
        steps = [e for e in entries if e.type == "case.step" and e.body.get("refs")]
        assert len(steps) == 1 and len(steps[0].body["refs"]) == 3 and digest in steps[0].body["refs"]
    with open_replica(path, "admin", "pw", clock=clock) as admin:  # a supervisor or admin reviews the audit trail
        assert {"ofd.verify", "ofd.attach"} <= {record.action for record in admin.audit.records()}
    # the replica's file is encrypted: the licence's bytes are nowhere in it in the clear
    for file in path.rglob("*"):
        if file.is_file():
            assert licence[200:264] not in file.read_bytes()


def test_the_counter_cannot_seal() -> None:
    """The counter app verifies e-licences but holds no seal key: no screen or facade reaches the sealing code."""
    root = Path(__file__).resolve().parent.parent
    sealing = ("app.ofd.seal", "app.ofd.issue", "app.ofd.keys", "app.ofd.demo_pki")
    counter_sources = [root / "app" / "office.py", *sorted((root / "ui").glob("*.py"))]
    for source in counter_sources:
        text = source.read_text(encoding="utf-8")
        assert not any(module in text for module in sealing), f"{source.name} reaches sealing code"


def _licence_of(pki: Pki, holder: str, holder_id: str) -> bytes:
    spec = licence_spec()
    return to_file(sealed_document(pki, spec=replace(spec, licence={**spec.licence, "holder": holder,
                                                                    "holder_id": holder_id})))  # fmt: skip


def test_a_licence_of_another_person_is_not_attached_to_the_case(tmp_path: Path, pki: Pki) -> None:
    """A licence whose holder code is a person's ID number goes only on that person's case; an organisation's
    licence (unified social credit code) is the applicant's to bring."""
    clock = FakeClock(NOW_MS)
    path = tmp_path / "office"
    with create_office(path, "Dongcheng Service Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
        pub = admin.accounts.get("clerk").public_key
        admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "clerk", "clerk", "housing", 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", NOW_MS - 3_600_000)
        admin.trust_roots.add("seal", pki.root.cert, "seal root")
    other = "11010519491231002X"  # a well-formed resident ID number (GB 11643 check character X), not the citizen's
    organisation = "911101050000000035"  # all digits, but its GB 32100 check holds and its GB 11643 check does not
    assert personal_id_number(other) == other and personal_id_number(organisation) is None
    with open_replica(path, "clerk", "pw", clock=clock) as replica:
        case = CaseDesk(replica, load_catalogue()).open("housing.purchase-eligibility", *CITIZEN, "eligibility")
        wrong = _licence_of(pki, "李四", other)
        verdict = verify_at_office(replica, wrong)
        assert verdict.valid and verdict.trusted and verdict.licence["holder_id"] == other
        with pytest.raises(LicenceHolderMismatch) as refused:
            attach_to_case(replica, case.case_id, "不动产权证书.ofd", wrong, verdict)
        assert refused.value.params == {"tail": "002X"}
        assert replica.case_documents.list(case.case_id) == []
        own = _licence_of(pki, CITIZEN[0], CITIZEN[1].lower().replace("5", "５"))  # full-width digits still match
        attach_to_case(replica, case.case_id, "不动产权证书.ofd", own, verify_at_office(replica, own))
        company = _licence_of(pki, "北京示例科技有限公司", organisation)
        attach_to_case(replica, case.case_id, "营业执照.ofd", company, verify_at_office(replica, company))
        stored = {d.digest for d in replica.case_documents.list(case.case_id)}
        assert stored == {gm.sm3(own), gm.sm3(company)}
        with pytest.raises(UnknownCase):  # a person's licence needs the case it goes on
            attach_to_case(replica, "CASE-NOWHERE", "x.ofd", own, verify_at_office(replica, own))
    with open_replica(path, "admin", "pw", clock=clock) as admin:
        results = [r.result for r in admin.audit.records() if r.action == "ofd.attach"]
        assert results == ["refused: licence_holder_mismatch", "ok", "ok"]
