"""Issue and revoke govdesk certificates: sign the claims, anchor the hash on the issuer's log, queue the entry.

Signing and building the ledger entries is pure (`issue_certificate`, `revocation_entry`); handing
them to an office replica (`record_issue`, `record_revocation`) queues the signed entry in the
outbox, records the anchor or revocation locally, and writes the audit trail, in one transaction.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from app.catalogue.cert_types import CertType
from app.certs import holder, transport
from app.certs.claims import SERIAL_SIZE, CertClaims, cert_hash, check_claims
from app.certs.errors import IssueError, MalformedCertificate
from app.ledger import cose
from app.ledger.entry import Entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id
from app.store.replica import Replica

MAX_REASON_LENGTH = 512


@dataclass(frozen=True)
class IssuedCertificate:
    """A signed certificate, its QR text, its anchor hash and the signed `cert.anchor` entry for the issuer's log."""

    claims: CertClaims
    cose: bytes
    text: str
    cert_hash: bytes
    anchor_entry: bytes


def new_serial() -> str:
    """Return a fresh random serial (20 upper-case hex digits)."""
    return os.urandom(SERIAL_SIZE).hex().upper()


def make_claims(
    cert_type: CertType,
    issuer: str,
    display: Mapping[str, str],
    id_number: str,
    issued_at: int,
    expires: int,
    *,
    serial: str | None = None,
) -> CertClaims:
    """Build and check the claims of a new certificate; the ID number only enters the holder commitment."""
    salt = holder.new_salt()
    try:
        commitment = holder.commit(id_number, salt)
    except (TypeError, ValueError) as exc:
        raise IssueError(f"holder ID number: {exc}") from None
    claims = CertClaims(cert_type, serial or new_serial(), issuer, issued_at, expires, dict(display), commitment, salt)
    try:
        check_claims(claims)
    except MalformedCertificate as exc:
        raise IssueError(str(exc)) from None
    return claims


def issue_certificate(claims: CertClaims, signer: Signer, *, now_ms: int) -> IssuedCertificate:
    """Sign `claims` with the department key and build the signed `cert.anchor` entry for its log."""
    kid = key_id(signer.suite, signer.public_key)
    try:
        cose_bytes = cose.sign1(claims.to_cbor(), signer, kid)
        text = transport.wrap(cose_bytes)
        digest = cert_hash(cose_bytes)
        body = {
            "cert_hash": digest,
            "serial": claims.serial,
            "cert_type": claims.cert_type.value,
            "expires": claims.expires * 1000,
        }
        entry = sign_entry(Entry(claims.issuer, "cert.anchor", now_ms, kid, body), signer)
    except (MalformedCertificate, LedgerError) as exc:
        raise IssueError(f"cannot issue: {exc}") from None
    return IssuedCertificate(claims, cose_bytes, text, digest, entry)


def revocation_entry(issuer: str, serial: str, reason: str, revoked_at_ms: int, signer: Signer) -> bytes:
    """Return the signed `cert.revoke` entry naming the serial, the reason and the time, for the issuer's log."""
    if not isinstance(reason, str) or not 0 < len(reason) <= MAX_REASON_LENGTH:
        raise IssueError(f"a revocation reason is 1 to {MAX_REASON_LENGTH} characters")
    if not isinstance(serial, str) or len(serial) != 2 * SERIAL_SIZE or serial.upper() != serial:
        raise IssueError(f"a serial is {2 * SERIAL_SIZE} upper-case hex digits")
    kid = key_id(signer.suite, signer.public_key)
    body = {"serial": serial, "reason": reason, "revoked_at": revoked_at_ms}
    try:
        return sign_entry(Entry(issuer, "cert.revoke", revoked_at_ms, kid, body), signer)
    except LedgerError as exc:
        raise IssueError(f"cannot revoke: {exc}") from None


def record_issue(replica: Replica, issued: IssuedCertificate) -> bytes:
    """Queue the anchor entry in the replica's outbox, record the anchor and audit the issue; return the leaf hash."""
    claims = issued.claims
    with replica.transaction():
        leaf = replica.outbox.enqueue(claims.issuer, issued.anchor_entry)
        replica.certs.put_anchor(
            issued.cert_hash, claims.serial, claims.issuer, claims.cert_type.value, claims.issuer, None
        )
        replica.audit.append(
            "cert.issue",
            "ok",
            {"serial": claims.serial, "issuer": claims.issuer, "type": claims.cert_type.value, "entry": leaf},
        )
    return leaf


def record_revocation(
    replica: Replica, issuer: str, serial: str, reason: str, revoked_at_ms: int, signer: Signer
) -> bytes:
    """Sign a `cert.revoke` entry, queue it, record the revocation locally and audit it; return the leaf hash."""
    entry = revocation_entry(issuer, serial, reason, revoked_at_ms, signer)
    with replica.transaction():
        leaf = replica.outbox.enqueue(issuer, entry)
        replica.certs.put_revocation(issuer, serial, reason, revoked_at_ms)
        replica.audit.append("cert.revoke", "ok", {"serial": serial, "issuer": issuer, "entry": leaf})
    return leaf
