"""The counter's rules headless (app.services.counter): one applicant at a time, acceptance with the applicant's
certificates, 一窗受理 window enrolments on a real replica and in the node's entry check, the shared next step."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.catalogue.errors import WrongDepartment
from app.certs import CertType, Status, Verdict
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.suites import ED25519, key_id
from app.node.registry import check_entry
from app.node.storage.interface import EnrolledKey
from app.protocol.departments import department
from app.protocol.refusals import Refusal as NodeRefusal
from app.services import CaseDesk
from app.services.counter import (
    Admission,
    Applicant,
    Mark,
    acceptance_blocker,
    blocker,
    next_move,
    parse_query,
    perform_next,
    progress,
)
from app.services.errors import ApplicantMismatch, MissingCertificate
from app.store.registry import WindowRecord
from tests.test_services import CATALOGUE, CITIZEN, NOW_MS, as_, cert, clock, issuers, office

__all__ = ["clock", "issuers", "office"]
TAX_SERVICE = "taxation.tax-payment-certificate"


def verdict(cert_type: str, name: str, serial: str, status: Status = Status.VALID) -> Verdict:
    """A verdict as app.certs gives it, for the pure rules."""
    claims = {"type": cert_type, "serial": serial, "display": {"name": name}}
    return Verdict(status, "valid" if status is Status.VALID else "revoked", {}, "govdesk", claims)


# -- pure rules ------------------------------------------------------------------------------------------------


def test_queries_are_classified_and_hostile_text_stays_free_text() -> None:
    assert parse_query(" c0123456789ab ").kind == "case"
    assert parse_query("0123456789ABCDEF0123").kind == "certificate"
    assert parse_query("11010119900307451x") == parse_query("11010119900307451X")
    assert parse_query("11010119900307451X").kind == "citizen_id"
    assert parse_query("   ").kind == "empty"
    hostile = parse_query("%' OR 1=1 --" + "户" * 5000)
    assert hostile.kind == "text" and len(hostile.value) <= 256


@given(st.text(max_size=400))
def test_any_text_parses_to_a_bounded_query(text: str) -> None:
    query = parse_query(text)
    assert query.kind in ("case", "certificate", "citizen_id", "text", "empty") and len(query.value) <= 256


def test_progress_marks_done_next_and_later() -> None:
    service = CATALOGUE.service("banking-insurance.sme-loan")
    fresh = progress(service, None)
    assert all(p.mark is Mark.LATER for p in fresh) and fresh[0].step == "open"
    marks = [p.mark for p in progress(service, "in-progress", 1)]
    assert marks[:3] == [Mark.DONE, Mark.DONE, Mark.DONE] and marks[3] is Mark.NEXT
    assert all(p.mark is Mark.DONE for p in progress(service, "closed", len(service.steps)))
    assert not any(p.mark is Mark.NEXT for p in progress(service, "rejected", 1))
    assert next_move(service, "closed", len(service.steps)) is None
    assert next_move(service, "opened", 0).name == "verify-documents"


def test_a_new_citizens_eid_clears_the_previous_applicant() -> None:
    at = Applicant()
    assert at.admit(verdict("eid", "张伟", "A1"), "qr-a1") is Admission.ADDED and at.name == "张伟"
    assert at.admit(verdict("hukou", "张伟", "A2"), "qr-a2") is Admission.ADDED
    assert at.admit(verdict("eid", "张伟", "A1"), "qr-a1") is Admission.SAME_APPLICANT and len(at.documents) == 2
    assert at.admit(verdict("eid", "王强", "B1", Status.REVOKED), "qr-b1") is Admission.NEW_APPLICANT
    assert at.name == "王强" and at.texts() == ["qr-b1"]  # nothing of 张伟 stays
    assert at.admit(verdict("hukou", "李秀英", "C2"), "qr-c2") is Admission.OTHER_PERSON
    assert at.texts() == ["qr-b1"]
    service = CATALOGUE.service("public-security.resident-id-renewal")
    assert at.missing(service) == ["eid", "hukou"]  # a revoked e-ID does not count
    at.clear()
    assert at.name == "" and at.documents == []


def test_certificates_scanned_before_the_eid_start_a_new_applicant_when_the_eid_is_someone_elses() -> None:
    at = Applicant()
    at.admit(verdict("hukou", "张伟", "A2"), "qr-a2")
    assert at.admit(verdict("eid", "王强", "B1"), "qr-b1") is Admission.NEW_APPLICANT
    assert at.texts() == ["qr-b1"]


# -- acceptance on a real replica ------------------------------------------------------------------------------


def eid(issuers, name: str = CITIZEN[0], id_number: str = CITIZEN[1]) -> str:
    return cert(issuers["public-security"], "public-security", CertType.RESIDENT_EID, id_number, name=name)


def test_acceptance_needs_the_applicants_eid_and_every_required_certificate(office, clock, issuers) -> None:
    hukou = cert(issuers["public-security"], "public-security", CertType.HOUSEHOLD_REGISTER, name=CITIZEN[0])
    service = "public-security.resident-id-renewal"
    with as_(office, clock, "ps-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        with pytest.raises(MissingCertificate) as missing:
            desk.accept(service, CITIZEN[0], CITIZEN[1], [eid(issuers)])
        assert missing.value.missing == ["hukou"] and missing.value.params["missing"] == "hukou"
        with pytest.raises(ApplicantMismatch):  # a name typed over the e-ID's
            desk.accept(service, "Wang Xiuying", CITIZEN[1], [eid(issuers), hukou])
        other = eid(issuers, "赵敏", "11010119910505002X")
        with pytest.raises(ApplicantMismatch):  # someone else's e-ID for this ID number
            desk.accept(service, "赵敏", CITIZEN[1], [other, hukou])
        assert r.outbox.count_pending() == 0 and r.cases.search(citizen_id=CITIZEN[1]) == []
        case = desk.accept(service, " 王秀英 ", CITIZEN[1], [eid(issuers), hukou], "renewal")
        assert case.state == "documents-verified"
        recorded = r.cases.certificates_of(case.case_id)
        assert sorted(t for _, t in recorded) == ["eid", "hukou"]
        assert all(r.cases.with_certificate(s) == [case.case_id] for s, _ in recorded)
        moved = perform_next(desk, case.case_id)  # the counter's and the CLI's one next-step rule
        assert (moved.state, moved.done) == ("in-progress", 1)


def test_a_window_enrolment_lets_the_counter_accept_exactly_the_acceptance_of_another_department(
    office, clock, issuers
) -> None:
    service = CATALOGUE.service(TAX_SERVICE)
    docs = [eid(issuers)] + [
        cert(issuers["taxation"], "taxation", CertType(t), name=CITIZEN[0]) for t in service.requires if t != "eid"
    ]
    with as_(office, clock, "ps-clerk") as r:
        assert isinstance(acceptance_blocker(r, service), WrongDepartment)
        with pytest.raises(WrongDepartment):
            CaseDesk(r, CATALOGUE).accept(TAX_SERVICE, CITIZEN[0], CITIZEN[1], docs)
    with as_(office, clock, "admin") as admin:
        pub = admin.accounts.get("ps-clerk").public_key
        origin = department("taxation").origin
        admin.registry.put_window(WindowRecord(key_id(ED25519, pub), origin, pub, "ed25519", "ps-clerk", 0))
    with as_(office, clock, "ps-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        assert acceptance_blocker(r, service) is None
        case = desk.accept(TAX_SERVICE, CITIZEN[0], CITIZEN[1], docs)
        steps = [decode_entry(p.data).entry for p in r.outbox.pending(10)]
        assert [(e.log, e.body["step"]) for e in steps] == [(origin, "open"), (origin, "verify-documents")]
        # The lead department takes it from here: the next step is not this counter's.
        after = next_move(service, case.state, case.done)
        assert after is not None and isinstance(blocker(r, service, after), WrongDepartment)
        with pytest.raises(WrongDepartment):
            perform_next(desk, case.case_id)


def test_the_node_accepts_only_acceptance_steps_from_a_window_key() -> None:
    signer = ED25519.signer(ED25519.generate_private())
    kid = key_id(ED25519, signer.public_key)
    origin = department("taxation").origin
    record = EnrolledKey(kid, "ed25519", signer.public_key, "window", "hall/li.na", "taxation", 3, None)

    def step(name: str, entry_type: str = "case.step") -> object:
        body = {"case_id": "C0123456789AB", "service": TAX_SERVICE, "step": name, "state": "opened"}
        return decode_entry(sign_entry(Entry(origin, entry_type, NOW_MS, kid, body), signer))

    for accepted in ("open", "verify-documents"):
        check_entry(step(accepted), record, origin, "taxation")
    for refused in ("taxation.review", "decide", "close", "reject"):
        with pytest.raises(NodeRefusal) as caught:
            check_entry(step(refused), record, origin, "taxation")
        assert caught.value.code == "role_not_allowed"
    grant = {"consent_id": "K1", "holder": b"h" * 32, "requester": "taxation", "provider": "civil-affairs",
             "scope": ["marriage"], "purpose": TAX_SERVICE, "expires": NOW_MS + 1}  # fmt: skip
    other = decode_entry(sign_entry(Entry(origin, "consent.grant", NOW_MS, kid, grant), signer))
    with pytest.raises(NodeRefusal):  # a window key writes case acceptances, nothing else
        check_entry(other, record, origin, "taxation")


def test_window_records_are_per_log_and_hostile_values_are_refused(office, clock) -> None:
    from app.store.errors import InvalidInput

    with as_(office, clock, "admin") as admin:
        pub = admin.accounts.get("ps-clerk").public_key
        kid = key_id(ED25519, pub)
        for dept in ("taxation", "housing"):
            admin.registry.put_window(WindowRecord(kid, department(dept).origin, pub, "ed25519", "ps-clerk", 5))
        assert [w.origin for w in admin.registry.windows_of(kid)] == sorted(
            department(d).origin for d in ("taxation", "housing")
        )
        assert admin.registry.key(kid).role == "clerk"  # the home enrolment is untouched
        with pytest.raises(InvalidInput):
            admin.registry.put_window(WindowRecord(b"short", "x", pub, "ed25519", "s", 0))
        with pytest.raises(InvalidInput):
            admin.registry.put_window(WindowRecord(kid, "o" * 5000, pub, "ed25519", "s", 0))
