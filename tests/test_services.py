"""Cases and consent on a real SQLCipher replica: every transition, every refusal, conflicts, SLA, privacy."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import StepOutOfOrder, WrongDepartment
from app.certs import CertType, issue_certificate, make_claims
from app.ledger import dcbor
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.suites import ED25519, SM2_SM3, SignatureSuite, Signer, key_id
from app.protocol.departments import all_departments, department
from app.services import CaseDesk, ConsentDesk, render_report
from app.services.errors import (
    CaseConflict,
    ConsentExpired,
    ConsentMissing,
    ConsentRevoked,
    ExchangeError,
    IdNumberMistyped,
    MissingCertificate,
    NotEnrolled,
    ReplicaTooStale,
    ScopeNotCovered,
    WrongRole,
)
from app.services.report import access_report
from app.services.sealing import SCHEME_SM2_SM4_GCM
from app.store.ledger_projection import apply_entry
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from tests.store_support import FAST_KDF, FakeClock

NOW_MS = 1_780_000_000_000
HOUR_MS, DAY_MS = 3_600_000, 86_400_000
CITIZEN = ("王秀英", "110101199003074514", "北京市东城区景山前街4号")
STAFF = {  # account -> (store role, registry role, department)
    "bank-clerk": ("clerk", "clerk", "banking-insurance"),
    "bank-sup": ("supervisor", "supervisor", "banking-insurance"),
    "ms-clerk": ("clerk", "clerk", "market-supervision"),
    "tax-clerk": ("clerk", "clerk", "taxation"),
    "ps-clerk": ("clerk", "clerk", "public-security"),
}
CATALOGUE = load_catalogue()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW_MS)


@pytest.fixture
def issuers() -> dict[str, Signer]:
    """Department keys of the departments that issue certificates or answer data requests."""
    return {
        d: ED25519.signer(ED25519.generate_private()) for d in ("public-security", "market-supervision", "taxation")
    }


def build_office(path: Path, clock: FakeClock, issuers: dict[str, Signer], suite: SignatureSuite = ED25519) -> Path:
    """An office with staff of four departments, every key enrolled, every log synced an hour ago."""
    with create_office(
        path, "Dongcheng Service Hall", "admin", "pw", kdf=FAST_KDF, clock=clock, suite=suite.name
    ) as admin:
        for name, (role, _, _) in STAFF.items():
            admin.accounts.add(name, role, "pw")
        for name, (_, reg_role, dept) in STAFF.items():
            pub = admin.accounts.get(name).public_key
            admin.registry.put_key(KeyRecord(key_id(suite, pub), suite.name, pub, reg_role, name, dept, 0))
        for dept, signer in issuers.items():
            # Certificate verification names the issuer by log origin; the services accept id or origin.
            pub = signer.public_key
            origin = department(dept).origin
            admin.registry.put_key(KeyRecord(key_id(suite, pub), suite.name, pub, "department", dept, origin, 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", NOW_MS - HOUR_MS)
    return path


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock, issuers: dict[str, Signer]) -> Path:
    return build_office(tmp_path / "office", clock, issuers)


def as_(office: Path, clock: FakeClock, name: str) -> Replica:
    return open_replica(office, name, "pw", clock=clock)


def cert(signer: Signer, dept: str, cert_type: CertType, id_number: str = CITIZEN[1], name: str = "持证人") -> str:
    display = {"name": name}
    claims = make_claims(
        cert_type, department(dept).origin, display, id_number, NOW_MS // 1000 - 86400, NOW_MS // 1000 + 86400 * 365
    )
    return issue_certificate(claims, signer, now_ms=NOW_MS - DAY_MS).text


def sme_docs(issuers: dict[str, Signer]) -> list[str]:
    return [
        cert(issuers["market-supervision"], "market-supervision", CertType.BUSINESS_LICENCE),
        cert(issuers["taxation"], "taxation", CertType.TAX_COMPLIANCE),
    ]


def opened_sme_case(office: Path, clock: FakeClock, issuers: dict[str, Signer]) -> str:
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1], "loan for a noodle shop")
        desk.verify_documents(case.case_id, desk.check_documents(case.case_id, sme_docs(issuers)))
        return case.case_id


# -- the whole life of a case ------------------------------------------------------------------------------


def test_a_case_moves_through_every_department_to_closed(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "ms-clerk") as r:
        assert [c.case_id for c in CaseDesk(r, CATALOGUE).work_queue("market-supervision")] == [case_id]
        view = CaseDesk(r, CATALOGUE).advance(case_id)
        assert (view.state, view.done, view.pending_department) == ("in-progress", 1, "taxation")
    with as_(office, clock, "tax-clerk") as r:
        assert CaseDesk(r, CATALOGUE).advance(case_id).pending_department == "banking-insurance"
    with as_(office, clock, "bank-sup") as r:
        desk = CaseDesk(r, CATALOGUE)
        desk.advance(case_id)  # the approval step needs a supervisor
        assert desk.decide(case_id).state == "decided"
        view = desk.close(case_id)
        assert (view.state, view.is_open, view.pending_department) == ("closed", False, None)
        assert r.cases.get(case_id).status == "closed"
        view = desk.get(case_id)
        assert (view.state, view.is_open, view.pending_department) == ("closed", False, None)  # as stored
        clock.now_ms += CATALOGUE.service("banking-insurance.sme-loan").time_limit_ms + 1
        assert desk.overdue() == [] and desk.work_queue("banking-insurance") == []  # off the open-case indexes
        steps = [s.step for s in view.steps]
        assert steps == [
            "open",
            "verify-documents",
            "market-supervision.verify-licence",
            "taxation.verify-tax",
            "banking-insurance.approve",
            "decide",
            "close",
        ]
        # Each step is a signed entry on the performing department's log, chained by entry hash.
        prev = None
        for step in view.steps:
            signed = decode_entry(r.session.one("SELECT data FROM outbox WHERE leaf_hash = ?", (step.leaf_hash,))[0])
            assert signed.entry.type == "case.step" and signed.entry.body.get("prev") == prev
            assert signed.entry.log == step.origin
            prev = step.leaf_hash
        assert {s.origin for s in view.steps} == {
            department(d).origin for d in ("banking-insurance", "market-supervision", "taxation")
        }
        assert r.outbox.count_pending() == 7


def test_reject_and_withdraw_end_a_case(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        other = desk.open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1]).case_id
        assert desk.withdraw(other).state == "withdrawn"
        with pytest.raises(StepOutOfOrder):
            desk.withdraw(other)
    with as_(office, clock, "ms-clerk") as r, pytest.raises(WrongRole):  # rejecting needs a supervisor
        CaseDesk(r, CATALOGUE).reject(case_id, "not-eligible")


# -- refusals ----------------------------------------------------------------------------------------------


def test_wrong_role_a_clerk_cannot_approve_or_decide(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    for name in ("ms-clerk", "tax-clerk"):
        with as_(office, clock, name) as r:
            CaseDesk(r, CATALOGUE).advance(case_id)
    with as_(office, clock, "bank-clerk") as r:
        with pytest.raises(WrongRole, match="supervisor"):
            CaseDesk(r, CATALOGUE).advance(case_id)
        assert "refused: wrong_role" in [row[0] for row in r.session.all("SELECT result FROM audit")]


def test_wrong_department_cannot_perform_another_departments_step(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "tax-clerk") as r, pytest.raises(WrongDepartment, match="market-supervision"):
        CaseDesk(r, CATALOGUE).advance(case_id)
    # Opening a bank service belongs to the bank.
    with as_(office, clock, "ms-clerk") as r, pytest.raises(WrongDepartment):
        CaseDesk(r, CATALOGUE).open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1])


def test_a_mistyped_id_number_opens_nothing_and_is_audited_without_the_number(office, clock, issuers) -> None:
    """One character off (a swapped pair, a wrong digit, a wrong check character): refused before anything is signed."""
    number = CITIZEN[1]
    mistyped = [
        number[:6] + number[7] + number[6] + number[8:],  # two digits swapped
        number[:10] + str((int(number[10]) + 1) % 10) + number[11:],  # one digit wrong
        number[:17] + ("0" if number[17] != "0" else "1"),  # the check character itself
    ]
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        for typed in mistyped:
            with pytest.raises(IdNumberMistyped) as err:
                desk.open("banking-insurance.sme-loan", CITIZEN[0], typed)
            assert typed not in str(err.value) and err.value.params == {}
            with pytest.raises(IdNumberMistyped):
                desk.accept("banking-insurance.sme-loan", CITIZEN[0], typed, sme_docs(issuers))
        assert r.outbox.count_pending() == 0 and r.cases.search(citizen_id=mistyped[0]) == []
        audit = r.session.all("SELECT result, detail FROM audit WHERE result LIKE 'refused:%'")
        assert [row[0] for row in audit] == ["refused: id_number_mistyped"] * 6
        assert not any(number[-4:] in str(row[1]) or t[-4:] in str(row[1]) for row in audit for t in mistyped)
        # The number read right, in lower case and with spaces as typed, opens the case.
        spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
        assert desk.open("banking-insurance.sme-loan", CITIZEN[0], spaced).state == "opened"


def test_missing_certificate_is_refused_and_names_what_is_missing(office, clock, issuers) -> None:
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1])
        only_licence = sme_docs(issuers)[:1]
        with pytest.raises(MissingCertificate) as err:
            desk.verify_documents(case.case_id, desk.check_documents(case.case_id, only_licence))
        assert err.value.missing == ["tax"]
        # A certificate of someone else does not count either.
        stranger = cert(issuers["taxation"], "taxation", CertType.TAX_COMPLIANCE, "110101198001010010")
        check = desk.check_documents(case.case_id, [*only_licence, stranger])
        assert any("someone else" in p for p in check.problems)
        with pytest.raises(MissingCertificate):
            desk.verify_documents(case.case_id, check)
        assert desk.get(case.case_id).state == "opened"


def test_steps_out_of_order_are_refused(office, clock, issuers) -> None:
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1])
        with pytest.raises(StepOutOfOrder, match="verify-documents"):
            desk.advance(case.case_id)
        with pytest.raises(StepOutOfOrder):
            desk.close(case.case_id)
    case_id = opened_sme_case(office, clock, issuers)
    # Taxation's step comes after market supervision's.
    with as_(office, clock, "tax-clerk") as r, pytest.raises(StepOutOfOrder):
        CaseDesk(r, CATALOGUE).advance(case_id, "taxation.verify-tax")


def test_a_stale_replica_refuses_to_move_cases_offline(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    clock.now_ms += 25 * HOUR_MS  # the SME loan accepts 24 hours of staleness
    with as_(office, clock, "ms-clerk") as r, pytest.raises(ReplicaTooStale, match="min ago"):
        CaseDesk(r, CATALOGUE).advance(case_id)


def test_a_key_not_enrolled_signs_nothing(office, clock) -> None:
    with open_replica(office, "admin", "pw", clock=clock) as admin:
        admin.accounts.add("new-clerk", "clerk", "pw")
    with as_(office, clock, "new-clerk") as r:
        with pytest.raises(NotEnrolled):
            CaseDesk(r, CATALOGUE).open("banking-insurance.sme-loan", CITIZEN[0], CITIZEN[1])
        assert r.outbox.count_pending() == 0


# -- SLA and queues ----------------------------------------------------------------------------------------


def test_sla_timer_flags_overdue_cases(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "bank-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        assert desk.overdue() == []
        limit = CATALOGUE.service("banking-insurance.sme-loan").time_limit_ms
        clock.now_ms += limit + 1
        assert [c.case_id for c in desk.overdue()] == [case_id]
        assert desk.get(case_id).to_json(clock.now_ms)["overdue"] is True


# -- conflicts: two offices move the same case -------------------------------------------------------------


def test_two_offices_moving_the_same_case_resolve_by_the_nodes_order(office, clock, issuers, tmp_path) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "bank-clerk") as r:
        history = [row[0] for row in r.session.all("SELECT data FROM outbox ORDER BY id")]
        head = CaseDesk(r, CATALOGUE).get(case_id).head
    # Another market-supervision clerk elsewhere moved the case from the same head, and the node sequenced theirs first.
    rival = ED25519.signer(ED25519.generate_private())
    with open_replica(office, "admin", "pw", clock=clock) as admin:
        pub = rival.public_key
        admin.registry.put_key(
            KeyRecord(key_id(ED25519, pub), "ed25519", pub, "clerk", "ms-rival", "market-supervision", 0)
        )
    body = {
        "case_id": case_id,
        "service": "banking-insurance.sme-loan",
        "step": "market-supervision.verify-licence",
        "state": "in-progress",
        "prev": head,
    }
    ms_origin = department("market-supervision").origin
    theirs = sign_entry(Entry(ms_origin, "case.step", NOW_MS + 5, key_id(ED25519, rival.public_key), body), rival)
    with as_(office, clock, "ms-clerk") as r:
        desk = CaseDesk(r, CATALOGUE)
        mine = desk.advance(case_id).head
        mine_data = r.session.one("SELECT data FROM outbox WHERE leaf_hash = ?", (mine,))[0]
        for i, data in enumerate(history):
            apply_entry(r, CATALOGUE, data, i)
        apply_entry(r, CATALOGUE, theirs, 7)
        apply_entry(r, CATALOGUE, mine_data, 8)
        view = desk.get(case_id)
        assert view.head != mine and view.done == 1
        lost = next(s for s in view.steps if s.leaf_hash == mine)
        assert lost.status == "conflict" and "moved the case" in lost.explanation and "index 7" in lost.explanation
        # Applying the same entries again changes nothing.
        apply_entry(r, CATALOGUE, theirs, 7)
        assert desk.get(case_id).head == view.head


def test_an_entry_signed_by_the_wrong_department_is_not_applied(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "tax-clerk") as r:
        head = CaseDesk(r, CATALOGUE).get(case_id).head
        signer = r.account_signer
        body = {
            "case_id": case_id,
            "service": "banking-insurance.sme-loan",
            "step": "market-supervision.verify-licence",
            "state": "in-progress",
            "prev": head,
        }
        forged = sign_entry(
            Entry(department("taxation").origin, "case.step", NOW_MS, key_id(ED25519, signer.public_key), body), signer
        )
        with pytest.raises(CaseConflict.__mro__[1]):  # a Refusal
            apply_entry(r, CATALOGUE, forged, 3)
        assert CaseDesk(r, CATALOGUE).get(case_id).done == 0


# -- consent and data exchange -----------------------------------------------------------------------------


def address_source(holder: bytes, scope) -> dict:
    return {"address": CITIZEN[2], "identity": "verified"}


def exchange_setup(office, clock, scope=("identity", "address"), days: int = 30) -> str:
    with as_(office, clock, "bank-clerk") as r:
        return ConsentDesk(r, CATALOGUE).grant(
            CITIZEN[1],
            "public-security",
            list(scope),
            "banking-insurance.personal-account-opening",
            NOW_MS + days * DAY_MS,
        )


def test_consented_request_is_answered_sealed_and_reported(office, clock, issuers) -> None:
    consent_id = exchange_setup(office, clock)
    with as_(office, clock, "bank-clerk") as r:
        request_id = ConsentDesk(r, CATALOGUE).request(consent_id, ["address"])
    with as_(office, clock, "ps-clerk") as r:
        answer = ConsentDesk(r, CATALOGUE).answer(request_id, issuers["public-security"], address_source)
    assert CITIZEN[2].encode() not in answer.sealed and CITIZEN[2].encode() not in answer.entry
    with as_(office, clock, "bank-clerk") as r:
        consents = ConsentDesk(r, CATALOGUE)
        assert consents.receive(request_id, answer.entry, answer.sealed)["address"] == CITIZEN[2]
        tampered = bytearray(answer.sealed)
        tampered[-1] ^= 1
        with pytest.raises(ExchangeError):
            consents.receive(request_id, answer.entry, bytes(tampered))
        report = access_report(r, consents, CITIZEN[1])
        assert [a.request_id for a in report.accesses] == [request_id]
        assert report.accesses[0].requested_by == "bank-clerk" and report.accesses[0].answered_ms is not None
        text = render_report(report, "zh_CN")
        assert "公安局" in text and consent_id in text and "bank-clerk" in text
        assert "Accesses:" in render_report(report, "en")


def test_an_sm2_office_asks_with_an_sm2_reply_key_and_reads_the_sm4_sealed_answer(tmp_path, clock) -> None:
    """A national-suite office's data request carries a 65-byte SM2 reply key; the answer is SM2/SM4-GCM sealed."""
    issuers = {d: SM2_SM3.signer(SM2_SM3.generate_private()) for d in ("public-security",)}
    office = build_office(tmp_path / "office", clock, issuers, SM2_SM3)
    consent_id = exchange_setup(office, clock)
    with as_(office, clock, "bank-clerk") as r:
        request_id = ConsentDesk(r, CATALOGUE).request(consent_id, ["address"])
        request = decode_entry(r.outbox.pending()[-1].data).entry
        assert request.type == "data.request" and len(request.body["reply_key"]) == SM2_SM3.public_key_size
    with as_(office, clock, "ps-clerk") as r:
        answer = ConsentDesk(r, CATALOGUE).answer(request_id, issuers["public-security"], address_source)
    assert dcbor.decode(answer.sealed, max_size=1 << 20, what="sealed")[0] == SCHEME_SM2_SM4_GCM
    with as_(office, clock, "bank-clerk") as r:
        assert ConsentDesk(r, CATALOGUE).receive(request_id, answer.entry, answer.sealed)["address"] == CITIZEN[2]


def test_requests_without_valid_consent_are_refused_by_the_provider(office, clock, issuers) -> None:
    consent_id = exchange_setup(office, clock, days=1)
    with as_(office, clock, "bank-clerk") as r:
        consents = ConsentDesk(r, CATALOGUE)
        with pytest.raises(ScopeNotCovered):
            consents.request(consent_id, ["marriage"])
        with pytest.raises(ConsentMissing):
            consents.request("K" + "0" * 20, ["address"])
        request_id = consents.request(consent_id, ["address"])
    clock.now_ms += 2 * DAY_MS
    with as_(office, clock, "ps-clerk") as r:
        with pytest.raises(ConsentExpired):
            ConsentDesk(r, CATALOGUE).answer(request_id, issuers["public-security"], address_source)
        # Only the provider department's own key answers: not another department's, not a clerk's.
        with pytest.raises(WrongDepartment):
            ConsentDesk(r, CATALOGUE).answer(request_id, issuers["taxation"], address_source)
        with pytest.raises(WrongRole):
            ConsentDesk(r, CATALOGUE).answer(request_id, r.account_signer, address_source)


def test_a_revoked_consent_stops_further_answers(office, clock, issuers) -> None:
    consent_id = exchange_setup(office, clock)
    with as_(office, clock, "bank-clerk") as r:
        consents = ConsentDesk(r, CATALOGUE)
        request_id = consents.request(consent_id, ["identity"])
        consents.revoke(consent_id)
        with pytest.raises(ConsentRevoked):
            consents.request(consent_id, ["identity"])
    with as_(office, clock, "ps-clerk") as r, pytest.raises(ConsentRevoked):
        ConsentDesk(r, CATALOGUE).answer(request_id, issuers["public-security"], address_source)
    with as_(office, clock, "tax-clerk") as r, pytest.raises(WrongDepartment):
        ConsentDesk(r, CATALOGUE).revoke(consent_id)


def test_consent_purpose_and_scope_are_codes_not_free_text(office, clock) -> None:
    with as_(office, clock, "bank-clerk") as r:
        consents = ConsentDesk(r, CATALOGUE)
        with pytest.raises(Exception, match="no service"):
            consents.grant(CITIZEN[1], "public-security", ["address"], CITIZEN[2], NOW_MS + DAY_MS)
        with pytest.raises(Exception, match="unknown data scope"):
            consents.grant(CITIZEN[1], "public-security", [CITIZEN[0]], "banking-insurance.sme-loan", NOW_MS + DAY_MS)
        with pytest.raises(IdNumberMistyped):  # a consent of a misread number would cover nobody
            consents.grant(
                CITIZEN[1][:17] + "0", "public-security", ["address"], "banking-insurance.sme-loan", NOW_MS + DAY_MS
            )
        assert r.outbox.count_pending() == 0


# -- privacy -----------------------------------------------------------------------------------------------


def test_no_entry_written_carries_a_name_id_number_or_address(office, clock, issuers) -> None:
    case_id = opened_sme_case(office, clock, issuers)
    with as_(office, clock, "ms-clerk") as r:
        CaseDesk(r, CATALOGUE).advance(case_id)
    consent_id = exchange_setup(office, clock)
    with as_(office, clock, "bank-clerk") as r:
        request_id = ConsentDesk(r, CATALOGUE).request(consent_id, ["address", "identity"])
    with as_(office, clock, "ps-clerk") as r:
        ConsentDesk(r, CATALOGUE).answer(request_id, issuers["public-security"], address_source)
        entries = [row[0] for row in r.session.all("SELECT data FROM outbox")]
    assert len(entries) >= 6
    needles = personal_needles(*CITIZEN)
    for data in entries:
        for needle in needles:
            assert needle not in data, f"personal data {needle!r} in {decode_entry(data).entry.type}"


def personal_needles(name: str, id_number: str, address: str) -> list[bytes]:
    """The personal data in every encoding it could leak in: UTF-8, UTF-16, and fragments of the ID number."""
    out = []
    for text in (name, id_number, address, address[:6], id_number[:14], id_number[-8:]):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out
