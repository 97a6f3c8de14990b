"""Verify a certificate from its QR text, offline, against the office replica (govdesk) or a trust list (HCERT).

A govdesk certificate passes, in this order: strict decoding; the issuer key in the registry
(enrolled, of a role that signs certificates, belonging to the issuer it names); the signature; that
key's validity at the issue time; revocation; the validity window; the freshness of the replica's
copy of the issuer's log for the certificate type; and, when the replica holds the anchor, that it
agrees. Definite bad news (revoked, expired) wins over a stale replica; only a fresh one gives VALID.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.catalogue.cert_types import policy
from app.certs import hcert, transport
from app.certs.claims import CertClaims, cert_hash, decode_claims, iso_seconds
from app.certs.envelope import decode_envelope
from app.certs.errors import MalformedCertificate
from app.certs.verdict import Status, Verdict, format_duration
from app.ledger.suites import key_id
from app.protocol.departments import all_departments
from app.store import roles
from app.store.replica import Replica

# Counter clocks drift: a certificate is accepted from 5 minutes before its iat to 5 minutes after its exp.
CLOCK_SKEW = timedelta(minutes=5)
CLOCK_SKEW_MS = int(CLOCK_SKEW.total_seconds() * 1000)
# Roles whose keys may sign certificates (registry `role` of the department key).
CERT_SIGNING_ROLES = frozenset({"department"})


def _now_ms(office: Replica | None, at: datetime | None) -> int:
    if at is not None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return int(at.timestamp() * 1000)
    return office.session.now_ms() if office is not None else time.time_ns() // 1_000_000


def _verdict(
    status: Status,
    code: str,
    fmt: str,
    at_ms: int,
    claims: dict[str, Any] | None = None,
    *,
    replica_age_ms: int | None = None,
    anchored: bool | None = None,
    **params: Any,
) -> Verdict:
    return Verdict(
        status,
        code,
        {k: str(v) for k, v in params.items()},
        fmt,
        claims or {},
        replica_age_ms=replica_age_ms,
        anchored=anchored,
        checked_at=datetime.fromtimestamp(at_ms / 1000, UTC),
    )


def _iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _key_serves_issuer(key_department: str, issuer_origin: str) -> bool:
    """True if a registry key's department (an id such as `taxation`, or a log origin) is the issuer's."""
    if key_department == issuer_origin:
        return True
    return any(d.id == key_department and d.origin == issuer_origin for d in all_departments())


def verify_govdesk(cose_bytes: bytes, office: Replica | None, at_ms: int) -> Verdict:
    """Verify a decoded govdesk COSE_Sign1 against the replica at time `at_ms` (Unix ms)."""
    fmt = transport.CertFormat.GOVDESK.value
    sign1 = decode_envelope(cose_bytes, max_size=transport.MAX_COSE)
    claims: CertClaims = decode_claims(sign1.payload, max_size=transport.MAX_COSE)
    shown = claims.to_json()
    facts = {"issuer": claims.issuer, "serial": claims.serial, "kid": sign1.kid.hex()}

    def result(
        status: Status, code: str, *, replica_age_ms: int | None = None, anchored: bool | None = None, **params: Any
    ) -> Verdict:
        """A verdict about this certificate, naming its issuer, serial and kid."""
        return _verdict(
            status, code, fmt, at_ms, shown, replica_age_ms=replica_age_ms, anchored=anchored, **{**facts, **params}
        )

    if office is None:
        return result(Status.CANNOT_VERIFY_OFFLINE, "no_replica")
    # The key and the log's trust come from the replica's trust cache (checked against every write, see
    # app.store.certs.TrustCache); the revocation and the anchor are read afresh, in one statement.
    key, log_trust = office.certs.trust.signing_facts(sign1.kid, claims.issuer)
    if key is None or key.suite != sign1.suite.name or key_id(sign1.suite, key.public_key) != sign1.kid:
        return result(Status.UNKNOWN_ISSUER, "unknown_key")
    if key.role not in CERT_SIGNING_ROLES:
        return result(Status.WRONG_KEY_USAGE, "key_role", role=key.role)
    if not _key_serves_issuer(key.department, claims.issuer):
        return result(Status.WRONG_KEY_USAGE, "key_department", department=key.department)
    if not sign1.suite.verify(key.public_key, sign1.to_be_signed(), sign1.signature):
        return result(Status.BAD_SIGNATURE, "bad_signature")
    issued_ms, expires_ms = claims.issued_at * 1000, claims.expires * 1000
    if issued_ms < key.valid_from_ms or (key.revoked_at_ms is not None and issued_ms >= key.revoked_at_ms):
        return result(Status.UNKNOWN_ISSUER, "key_not_valid_at_issue", issued_at=iso_seconds(claims.issued_at))
    age = log_trust.age_ms(office.session.now_ms())
    revocation, anchor = office.certs.certificate_facts(claims.issuer, claims.serial, cert_hash(cose_bytes))
    if revocation is not None and revocation.revoked_at_ms <= at_ms:
        return result(
            Status.REVOKED,
            "revoked",
            replica_age_ms=age,
            revoked_at=_iso_ms(revocation.revoked_at_ms),
            revocation_reason=revocation.reason or "-",
        )
    if at_ms >= expires_ms + CLOCK_SKEW_MS:
        return result(Status.EXPIRED, "expired", replica_age_ms=age, expires=iso_seconds(claims.expires))
    if at_ms < issued_ms - CLOCK_SKEW_MS:
        return result(
            Status.NOT_YET_VALID, "not_yet_valid", replica_age_ms=age, issued_at=iso_seconds(claims.issued_at)
        )
    type_policy = policy(claims.cert_type)
    distrust = log_trust.distrust_reason
    if distrust is not None:  # after a fork nothing from that log can back a yes
        evidence = re.search(r"evidence (\d+)", distrust)  # the clerk needs the evidence number, not the hashes
        return result(
            Status.CANNOT_VERIFY_OFFLINE,
            "log_untrusted",
            replica_age_ms=age,
            evidence=evidence.group(1) if evidence else "-",
        )
    if age is None:
        return result(Status.CANNOT_VERIFY_OFFLINE, "never_synced")
    if age > type_policy.max_replica_age_ms:
        return result(
            Status.CANNOT_VERIFY_OFFLINE,
            "stale_replica",
            replica_age_ms=age,
            age=format_duration(age),
            limit=format_duration(type_policy.max_replica_age_ms),
            type_en=type_policy.name_en,
            type_zh=type_policy.name_zh,
        )
    if anchor is not None and (anchor.serial, anchor.issuer, anchor.cert_type) != (
        claims.serial,
        claims.issuer,
        claims.cert_type.value,
    ):
        return result(
            Status.MALFORMED,
            "anchor_mismatch",
            replica_age_ms=age,
            anchored=False,
            anchor=f"{anchor.issuer} {anchor.serial} {anchor.cert_type}",
        )
    return result(Status.VALID, "valid", replica_age_ms=age, anchored=anchor is not None)


def verify_hcert(cose_bytes: bytes, trust: Sequence[hcert.TrustedSigner], at_ms: int) -> Verdict:
    """Verify a decoded HCERT against the trusted DSCs at time `at_ms` (Unix ms)."""
    fmt = transport.CertFormat.HCERT.value
    message = hcert.decode_hcert(cose_bytes)
    shown = message.claims_json()
    candidates = [signer for signer in trust if signer.kid == message.kid]
    if not candidates:
        return _verdict(Status.UNKNOWN_ISSUER, "unknown_dsc", fmt, at_ms, shown, kid=message.kid.hex())
    verified = [signer for signer in candidates if hcert.signature_verifies(message, signer)]
    if not verified:
        return _verdict(Status.BAD_SIGNATURE, "bad_signature", fmt, at_ms, shown)
    at = datetime.fromtimestamp(at_ms / 1000, UTC)
    failures = []
    for signer in verified:
        allowed = signer.allowed_kinds()
        not_before, not_after = hcert.signer_window(signer)
        if allowed is not None and message.kind not in allowed:
            failures.append(
                _verdict(
                    Status.WRONG_KEY_USAGE,
                    "wrong_eku",
                    fmt,
                    at_ms,
                    shown,
                    signer=signer.subject,
                    allowed=", ".join(sorted(allowed)),
                    kind=message.kind,
                )
            )
        elif not not_before - CLOCK_SKEW <= at <= not_after + CLOCK_SKEW:
            failures.append(
                _verdict(Status.EXPIRED, "signer_expired", fmt, at_ms, shown, signer=signer.subject, at=at.isoformat())
            )
        elif at_ms >= message.expires * 1000 + CLOCK_SKEW_MS:
            failures.append(_verdict(Status.EXPIRED, "expired", fmt, at_ms, shown, expires=shown["expires"]))
        elif at_ms < message.issued_at * 1000 - CLOCK_SKEW_MS:
            failures.append(
                _verdict(Status.NOT_YET_VALID, "not_yet_valid", fmt, at_ms, shown, issued_at=shown["issued_at"])
            )
        else:
            return _verdict(Status.VALID, "valid_hcert", fmt, at_ms, shown, signer=signer.subject)
    return failures[0]


def _audit_detail(verdict: Verdict) -> dict[str, Any]:
    """What the audit trail keeps of a verdict: references only, never the holder's display fields."""
    detail: dict[str, Any] = {"format": verdict.format, "code": verdict.code}
    for key in ("issuer", "serial", "kid"):
        if key in verdict.params:
            detail[key] = verdict.params[key]
    if verdict.replica_age_ms is not None:
        detail["replica_age_ms"] = verdict.replica_age_ms
    return detail


def verify(
    text: str,
    *,
    trust_x509: Sequence[bytes] = (),
    at: datetime | None = None,
    office: Replica | None = None,
) -> Verdict:
    """Verify a certificate's QR text offline and return a Verdict; with an office replica, audit the verdict.

    Raises TrustListError for a trust-list item that is not an X.509 certificate, and PermissionDenied
    for an account whose role may not give verdicts; every fault of the certificate itself is a Verdict.
    """
    if office is not None:
        office.require(roles.VERDICT)
    at_ms = _now_ms(office, at)
    trust = hcert.load_trust_list(trust_x509)  # a broken trust list is the caller's error, raised every time
    fmt = "unknown"
    try:
        fmt = transport.detect_format(text).value
        unwrapped = transport.unwrap(text)
        if unwrapped.format is transport.CertFormat.GOVDESK:
            verdict = verify_govdesk(unwrapped.cose, office, at_ms)
        else:
            verdict = verify_hcert(unwrapped.cose, trust, at_ms)
    except MalformedCertificate as exc:
        verdict = _verdict(Status.MALFORMED, "malformed", fmt, at_ms, detail=str(exc))
    if office is not None:
        office.record(roles.VERDICT, "cert.verify", verdict.status.value, _audit_detail(verdict))
    return verdict
