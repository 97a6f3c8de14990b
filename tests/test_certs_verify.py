"""Issue and verify govdesk certificates against a real SQCipher office replica: every status, every layer."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cbor2
import pytest

from app.certs import (
    CLOCK_SKEW,
    CertType,
    Status,
    base45,
    issue_certificate,
    make_claims,
    record_issue,
    record_revocation,
    transport,
)
from app.certs.claims import decode_claims
from app.certs.holder import holder_matches
from app.certs.issue import IssuedCertificate, revocation_entry
from app.certs.verify import verify
from app.ledger import cose
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519, Signer, key_id
from app.store.errors import PermissionDenied
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.store.sync_state import record_fork
from tests.store_support import FAST_KDF, FakeClock

ORIGIN = "civil-affairs.ledger.beijing.gov.cn"
NOW_MS = 1_800_000_000_000
NOW_S = NOW_MS // 1000
HOUR_MS = 3_600_000
DAY_S = 86_400
DISPLAY = {
    CertType.RESIDENT_EID: {"name": "王小明", "region": "北京市海淀区"},
    CertType.HOUSEHOLD_REGISTER: {"name": "王小明", "region": "北京市", "relation": "户主"},
    CertType.BUSINESS_LICENCE: {
        "name": "北京某某科技有限公司",
        "credit_code": "91110108MA01XXXX3K",
        "scope": "软件开发",
    },
    CertType.TAX_COMPLIANCE: {"name": "北京某某科技有限公司", "credit_code": "91110108MA01XXXX3K", "period": "2025"},
    CertType.PROPERTY: {"name": "王小明", "property_ref": "110108001001GB00001F00010001", "share": "1/2"},
    CertType.MARRIAGE: {"name": "王小明", "spouse": "李华", "registered_on": "2024-05-20"},
    CertType.SOCIAL_SECURITY_CARD: {"name": "王小明", "region": "北京市"},
}
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW_MS)


@pytest.fixture
def dept() -> Signer:
    """The issuing department's key."""
    return ED25519.signer(ED25519.generate_private())


def enrol(replica: Replica, signer: Signer, *, role: str = "department", department: str = ORIGIN, **kw) -> None:
    kid = key_id(ED25519, signer.public_key)
    record = KeyRecord(kid, "ed25519", signer.public_key, role, "Civil affairs", department, NOW_MS - 30 * DAY_S * 1000)
    replica.registry.put_key(replace(record, **kw))


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Haidian Service Hall", "admin", "admin-pw", kdf=FAST_KDF, clock=clock) as r:
        r.accounts.add("clerk", "clerk", "clerk-pw")
        r.accounts.add("sup", "supervisor", "sup-pw")
    return path


@pytest.fixture
def replica(office: Path, clock: FakeClock, dept: Signer) -> Replica:
    """A clerk's replica that knows the department key and synced its log an hour ago."""
    r = open_replica(office, "clerk", "clerk-pw", clock=clock)
    enrol(r, dept)
    r.logs.put_checkpoint(ORIGIN, 10, bytes(32), f"{ORIGIN}\n10\nAAAA\n", NOW_MS - HOUR_MS)
    yield r
    r.close()


def new_cert(
    signer: Signer,
    cert_type: CertType = CertType.RESIDENT_EID,
    *,
    issued_at: int = NOW_S - DAY_S,
    days: int = 365,
    issuer: str = ORIGIN,
) -> IssuedCertificate:
    claims = make_claims(cert_type, issuer, DISPLAY[cert_type], ID_NUMBER, issued_at, issued_at + days * DAY_S)
    return issue_certificate(claims, signer, now_ms=issued_at * 1000)


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# -- round trips ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cert_type", list(CertType))
def test_every_type_round_trips_to_valid(cert_type: CertType, replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept, cert_type)
    assert issued.text.startswith("GD1:")
    assert set(issued.text[4:]) <= set(base45.ALPHABET)
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.VALID, verdict.reason_en
    assert verdict.claims["type"] == cert_type.value
    assert verdict.claims["display"] == DISPLAY[cert_type]
    assert verdict.claims["serial"] == issued.claims.serial
    assert verdict.replica_age_ms == HOUR_MS
    assert verdict.reason_zh and verdict.reason_en
    assert ID_NUMBER not in issued.text and ID_NUMBER.encode() not in issued.cose
    decoded = decode_claims(cose.decode_sign1(issued.cose, max_size=4096).payload, max_size=4096)
    assert decoded == issued.claims
    assert holder_matches(ID_NUMBER, decoded.holder_salt, decoded.holder_commitment)
    assert holder_matches("110105 19491231 002x", decoded.holder_salt, decoded.holder_commitment)
    assert not holder_matches("110105194912310038", decoded.holder_salt, decoded.holder_commitment)


def test_issue_queues_a_signed_anchor_entry_and_verify_then_sees_the_anchor(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    assert verify(issued.text, office=replica).anchored is False
    leaf = record_issue(replica, issued)
    [pending] = replica.outbox.pending()
    assert pending.leaf_hash == leaf and pending.origin == ORIGIN
    entry = decode_entry(pending.data)
    entry.verify(dept.public_key)
    assert entry.entry.type == "cert.anchor" and entry.entry.log == ORIGIN
    assert entry.entry.body["cert_hash"] == issued.cert_hash
    assert entry.entry.body["serial"] == issued.claims.serial
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.VALID and verdict.anchored is True


def test_an_anchor_that_disagrees_with_the_certificate_is_refused(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    replica.certs.put_anchor(issued.cert_hash, "00" * 10, ORIGIN, "eid", ORIGIN, 5)
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.MALFORMED and verdict.code == "anchor_mismatch"


# -- one test per status -----------------------------------------------------------------------------------


def test_valid(replica: Replica, dept: Signer) -> None:
    verdict = verify(new_cert(dept).text, office=replica)
    assert verdict.status == "VALID" and verdict.ok
    assert "未被撤销" in verdict.reason_zh and "not revoked" in verdict.reason_en


def test_expired_with_the_stated_clock_skew(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept, days=30)
    exp = issued.claims.expires
    skew = int(CLOCK_SKEW.total_seconds())
    assert verify(issued.text, office=replica, at=at(exp + skew - 1)).status is Status.VALID
    verdict = verify(issued.text, office=replica, at=at(exp + skew))
    assert verdict.status is Status.EXPIRED and "过期" in verdict.reason_zh


def test_not_yet_valid_with_the_stated_clock_skew(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept, issued_at=NOW_S + 3600)
    skew = int(CLOCK_SKEW.total_seconds())
    assert verify(issued.text, office=replica).status is Status.NOT_YET_VALID
    assert verify(issued.text, office=replica, at=at(NOW_S + 3600 - skew)).status is Status.VALID
    assert verify(issued.text, office=replica, at=at(NOW_S + 3600 - skew - 1)).status is Status.NOT_YET_VALID


def test_revoked_from_the_revocation_time_on(replica: Replica, dept: Signer, clock: FakeClock) -> None:
    issued = new_cert(dept)
    record_revocation(replica, ORIGIN, issued.claims.serial, "holder deceased / 持证人已故", NOW_MS - 60_000, dept)
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.REVOKED and "持证人已故" in verdict.reason_zh
    assert verify(issued.text, office=replica, at=at(NOW_S - 3600)).status is Status.VALID
    [pending] = replica.outbox.pending()
    entry = decode_entry(pending.data)
    entry.verify(dept.public_key)
    assert entry.entry.type == "cert.revoke"
    assert entry.entry.body == {
        "serial": issued.claims.serial,
        "reason": "holder deceased / 持证人已故",
        "revoked_at": NOW_MS - 60_000,
    }


def test_revocation_is_reported_even_when_the_replica_is_stale(
    replica: Replica, dept: Signer, clock: FakeClock
) -> None:
    issued = new_cert(dept)
    replica.certs.put_revocation(ORIGIN, issued.claims.serial, "lost", NOW_MS - 1000)
    clock.now_ms += 40 * DAY_S * 1000
    assert verify(issued.text, office=replica, at=at(NOW_S)).status is Status.REVOKED


def test_unknown_issuer(replica: Replica) -> None:
    stranger = ED25519.signer(ED25519.generate_private())
    verdict = verify(new_cert(stranger).text, office=replica)
    assert verdict.status is Status.UNKNOWN_ISSUER and verdict.code == "unknown_key"


def test_unknown_issuer_when_the_key_was_not_valid_at_issue_time(replica: Replica, dept: Signer) -> None:
    enrol(replica, dept, revoked_at_ms=NOW_MS - 2 * DAY_S * 1000)
    verdict = verify(new_cert(dept, issued_at=NOW_S - DAY_S).text, office=replica)
    assert verdict.status is Status.UNKNOWN_ISSUER and verdict.code == "key_not_valid_at_issue"
    # Issued before the key was revoked: still valid (the key was good when it signed).
    assert verify(new_cert(dept, issued_at=NOW_S - 3 * DAY_S).text, office=replica).status is Status.VALID
    enrol(replica, dept, valid_from_ms=NOW_MS)
    assert verify(new_cert(dept, issued_at=NOW_S - DAY_S).text, office=replica).status is Status.UNKNOWN_ISSUER


def test_bad_signature(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    forged = issued.cose[:-1] + bytes([issued.cose[-1] ^ 1])
    verdict = verify(transport.wrap(forged), office=replica)
    assert verdict.status is Status.BAD_SIGNATURE and "篡改" in verdict.reason_zh


def test_wrong_key_usage_for_a_key_of_another_role(replica: Replica, dept: Signer) -> None:
    enrol(replica, dept, role="clerk")
    verdict = verify(new_cert(dept).text, office=replica)
    assert verdict.status is Status.WRONG_KEY_USAGE and verdict.code == "key_role"


def unenrol(replica: Replica, signer: Signer) -> None:
    """Drop every enrolment of the key (each department's enrolment is a row of its own)."""
    replica.session.execute("DELETE FROM registry_keys WHERE kid = ?", (key_id(ED25519, signer.public_key),))


def test_wrong_key_usage_for_a_key_of_another_department(replica: Replica, dept: Signer) -> None:
    unenrol(replica, dept)
    enrol(replica, dept, department="taxation.ledger.beijing.gov.cn")
    verdict = verify(new_cert(dept).text, office=replica)
    assert verdict.status is Status.WRONG_KEY_USAGE and verdict.code == "key_department"


def test_a_key_enrolled_under_the_department_id_serves_that_departments_origin(replica: Replica, dept: Signer) -> None:
    # Nodes enrol keys under the department id (resources/departments.json); certificates name the log origin.
    unenrol(replica, dept)
    enrol(replica, dept, department="civil-affairs")
    assert verify(new_cert(dept).text, office=replica).status is Status.VALID
    unenrol(replica, dept)
    enrol(replica, dept, department="taxation")
    verdict = verify(new_cert(dept).text, office=replica)
    assert verdict.status is Status.WRONG_KEY_USAGE and verdict.code == "key_department"
    # enrolled by both: the issuer's own enrolment answers for its certificates
    enrol(replica, dept, department="civil-affairs")
    assert verify(new_cert(dept).text, office=replica).status is Status.VALID


def test_malformed(replica: Replica) -> None:
    for text in ("", "hello", "GD1:", "GD1:%%%", "HC1:AB", "GD1:" + "0" * 5000):
        verdict = verify(text, office=replica)
        assert verdict.status is Status.MALFORMED, text[:10]
        assert verdict.reason_en.startswith("The code is not a readable certificate")


def test_cannot_verify_offline_when_the_replica_is_too_stale_for_the_type(
    replica: Replica, dept: Signer, clock: FakeClock
) -> None:
    licence, marriage = new_cert(dept, CertType.BUSINESS_LICENCE), new_cert(dept, CertType.MARRIAGE)
    clock.now_ms += 2 * DAY_S * 1000  # the log was last synced 2 days + 1 hour ago
    verdict = verify(licence.text, office=replica, at=at(NOW_S))
    assert verdict.status is Status.CANNOT_VERIFY_OFFLINE and verdict.code == "stale_replica"
    assert verdict.replica_age_ms == 2 * DAY_S * 1000 + HOUR_MS
    assert "营业执照" in verdict.reason_zh
    # A marriage certificate tolerates 30 days.
    assert verify(marriage.text, office=replica, at=at(NOW_S)).status is Status.VALID


def test_cannot_verify_offline_once_the_issuers_log_forked(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    assert verify(issued.text, office=replica).status is Status.VALID
    record_fork(replica, ORIGIN, f"{ORIGIN}\n10\nAAAA\n", f"{ORIGIN}\n10\nBBBB\n", None, "inconsistent checkpoint")
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.CANNOT_VERIFY_OFFLINE and verdict.code == "log_untrusted"
    assert "two histories" in verdict.reason_en and "两份不同的历史" in verdict.reason_zh
    # Another department's log is unaffected.
    other = "housing.ledger.beijing.gov.cn"
    enrol(replica, dept, department=other)
    replica.logs.put_checkpoint(other, 10, bytes(32), f"{other}\n10\nAAAA\n", NOW_MS - HOUR_MS)
    assert verify(new_cert(dept, issuer=other).text, office=replica).status is Status.VALID


def test_cannot_verify_offline_without_a_replica_or_a_synced_log(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept, issuer="housing.ledger.beijing.gov.cn")
    assert verify(new_cert(dept).text).status is Status.CANNOT_VERIFY_OFFLINE
    enrol(replica, dept, department="housing.ledger.beijing.gov.cn")
    verdict = verify(issued.text, office=replica)
    assert verdict.status is Status.CANNOT_VERIFY_OFFLINE and verdict.code == "never_synced"


# -- tampering at every layer --------------------------------------------------------------------------


def _compressed(text: str) -> bytes:
    return base45.decode(text[4:])


def test_tampered_prefix(replica: Replica, dept: Signer) -> None:
    text = new_cert(dept).text
    for bad in ("GD2:" + text[4:], "gd1:" + text[4:], " " + text, text[4:]):
        assert verify(bad, office=replica).status is Status.MALFORMED


def test_tampered_base45(replica: Replica, dept: Signer) -> None:
    text = new_cert(dept).text
    assert verify(text[:-1], office=replica).status is Status.MALFORMED
    assert verify(text + "a", office=replica).status is Status.MALFORMED
    assert verify(text[:10] + "~" + text[11:], office=replica).status is Status.MALFORMED
    assert verify(text[:4] + ":::" + text[7:], office=replica).status is Status.MALFORMED  # ':::' is over 65535


def test_tampered_zlib(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    data = _compressed(issued.text)
    for i in (0, 1, len(data) // 2, len(data) - 1):
        bad = data[:i] + bytes([data[i] ^ 0x10]) + data[i + 1 :]
        verdict = verify("GD1:" + base45.encode(bad), office=replica)
        assert verdict.status in (Status.MALFORMED, Status.BAD_SIGNATURE), i
    assert verify("GD1:" + base45.encode(data[:-3]), office=replica).status is Status.MALFORMED
    assert verify("GD1:" + base45.encode(data + b"\0"), office=replica).status is Status.MALFORMED
    # An uncompressed payload is refused even though it is a perfectly signed certificate.
    verdict = verify("GD1:" + base45.encode(issued.cose), office=replica)
    assert verdict.status is Status.MALFORMED and "uncompressed" in verdict.reason_en


def test_tampered_cbor(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    tag = cbor2.loads(issued.cose)
    # The same message in a non-deterministic encoding (an indefinite-length array) is refused.
    non_canonical = b"\xd2\x9f" + b"".join(cbor2.dumps(x) for x in tag.value) + b"\xff"
    assert verify(transport.wrap(non_canonical), office=replica).status is Status.MALFORMED
    assert verify(transport.wrap(issued.cose + b"\x00"), office=replica).status is Status.MALFORMED
    assert verify(transport.wrap(issued.cose[:-5]), office=replica).status is Status.MALFORMED


def test_tampered_cose_structure(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    protected, _, payload, signature = cbor2.loads(issued.cose).value
    for message in (
        cbor2.dumps(cbor2.CBORTag(18, [protected, {4: b"x"}, payload, signature])),  # unprotected header
        cbor2.dumps(cbor2.CBORTag(61, [protected, {}, payload, signature])),
        cbor2.dumps([protected, {}, payload, signature]),
        cbor2.dumps(cbor2.CBORTag(18, [protected, {}, None, signature])),  # detached payload
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 4: b"k" * 16}), {}, payload, signature])),  # ES256 alg
    ):
        assert verify(transport.wrap(message), office=replica).status is Status.MALFORMED


def test_tampered_claims_under_the_original_signature(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    protected, unprotected, payload, signature = cbor2.loads(issued.cose).value
    altered = payload.replace("王小明".encode(), "李小明".encode())
    assert altered != payload
    message = cose.dcbor.encode(cbor2.CBORTag(18, [protected, unprotected, altered, signature]))
    assert verify(transport.wrap(message), office=replica).status is Status.BAD_SIGNATURE


def test_tampered_signature_length(replica: Replica, dept: Signer) -> None:
    issued = new_cert(dept)
    protected, unprotected, payload, signature = cbor2.loads(issued.cose).value
    message = cose.dcbor.encode(cbor2.CBORTag(18, [protected, unprotected, payload, signature[:-1]]))
    assert verify(transport.wrap(message), office=replica).status is Status.MALFORMED


def test_a_zlib_bomb_within_the_text_limit_is_refused(replica: Replica) -> None:
    bomb = zlib.compress(b"\0" * 2_000_000, 9)
    text = "GD1:" + base45.encode(bomb)
    assert len(text) <= transport.MAX_TEXT
    verdict = verify(text, office=replica)
    assert verdict.status is Status.MALFORMED and "limit" in verdict.reason_en


# -- audit and roles -------------------------------------------------------------------------------------


def test_every_verdict_is_audited_without_personal_data(
    office: Path, replica: Replica, dept: Signer, clock: FakeClock
) -> None:
    good = new_cert(dept)
    verify(good.text, office=replica)
    verify("GD1:nonsense", office=replica)
    verify(transport.wrap(good.cose[:-1] + bytes([good.cose[-1] ^ 1])), office=replica)
    with open_replica(office, "sup", "sup-pw", clock=clock) as sup:
        records = [r for r in sup.audit.records() if r.action == "cert.verify"]
    assert [r.result for r in records] == ["VALID", "MALFORMED", "BAD_SIGNATURE"]
    assert records[0].detail["serial"] == good.claims.serial
    assert records[0].detail["replica_age_ms"] == HOUR_MS
    assert all(r.account == "clerk" for r in records)
    for r in records:
        assert "王小明" not in repr(r.detail) and ID_NUMBER not in repr(r.detail)


def test_an_admin_may_not_give_verdicts(office: Path, clock: FakeClock, dept: Signer) -> None:
    with open_replica(office, "admin", "admin-pw", clock=clock) as admin, pytest.raises(PermissionDenied):
        verify(new_cert(dept).text, office=admin)


def test_a_revocation_needs_a_reason_and_a_serial(dept: Signer) -> None:
    from app.certs.errors import IssueError

    with pytest.raises(IssueError):
        revocation_entry(ORIGIN, "00" * 10, "", NOW_MS, dept)
    with pytest.raises(IssueError):
        revocation_entry(ORIGIN, "not-a-serial", "lost", NOW_MS, dept)


def test_issue_refuses_bad_claims(dept: Signer) -> None:
    from app.certs.errors import IssueError

    for cert_type, display, id_number in (
        (CertType.RESIDENT_EID, {"region": "x"}, ID_NUMBER),  # no name
        (CertType.RESIDENT_EID, {"name": "x", "spouse": "y"}, ID_NUMBER),  # not a field of this type
        (CertType.RESIDENT_EID, {"name": "x" * 49}, ID_NUMBER),
        (CertType.RESIDENT_EID, {"name": "x"}, ""),
    ):
        with pytest.raises(IssueError):
            make_claims(cert_type, ORIGIN, display, id_number, NOW_S, NOW_S + DAY_S)
    with pytest.raises(IssueError):
        make_claims(CertType.RESIDENT_EID, ORIGIN, {"name": "x"}, ID_NUMBER, NOW_S, NOW_S)
    with pytest.raises(IssueError):
        make_claims(CertType.RESIDENT_EID, "has space", {"name": "x"}, ID_NUMBER, NOW_S, NOW_S + 1)


def test_skew_is_five_minutes() -> None:
    assert timedelta(minutes=5) == CLOCK_SKEW
