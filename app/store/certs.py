"""Certificate facts held in the replica: revocations and ledger anchors of issued certificates."""

from __future__ import annotations

from dataclasses import dataclass

from app.store import inputs, roles
from app.store.session import Session


@dataclass(frozen=True)
class Revocation:
    """A certificate revoked by its issuer."""

    issuer: str
    serial: str
    reason: str
    revoked_at_ms: int


@dataclass(frozen=True)
class Anchor:
    """Where an issued certificate's hash sits on the ledger."""

    cert_hash: bytes
    serial: str
    issuer: str
    cert_type: str
    log_origin: str
    index: int | None


class CertStore:
    """Revocations and anchors; lookups are primary-key reads, fast at millions of rows."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def put_revocation(self, issuer: str, serial: str, reason: str, revoked_at_ms: int) -> None:
        """Record a revocation (a later record for the same certificate replaces the earlier one)."""
        self._s.require(roles.SYNC)
        values = (
            inputs.text(issuer, "issuer", max_len=256),
            inputs.text(serial, "serial", max_len=256),
            inputs.text(reason, "reason", allow_empty=True),
            inputs.integer(revoked_at_ms, "revoked_at_ms"),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR REPLACE INTO revocations(issuer, serial, reason, revoked_at_ms) VALUES (?,?,?,?)", values
            )

    def revocation(self, issuer: str, serial: str) -> Revocation | None:
        """Return the revocation of a certificate, or None if it is not revoked."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT issuer, serial, reason, revoked_at_ms FROM revocations WHERE issuer = ? AND serial = ?",
            (inputs.text(issuer, "issuer", max_len=256), inputs.text(serial, "serial", max_len=256)),
        )
        return Revocation(*row) if row else None

    def put_anchor(
        self, cert_hash: bytes, serial: str, issuer: str, cert_type: str, log_origin: str, index: int | None
    ) -> None:
        """Record where a certificate is anchored on the ledger."""
        self._s.require(roles.SYNC)
        values = (
            inputs.blob(cert_hash, "cert_hash", size=32),
            inputs.text(serial, "serial", max_len=256),
            inputs.text(issuer, "issuer", max_len=256),
            inputs.text(cert_type, "cert_type", max_len=256),
            inputs.text(log_origin, "log_origin", max_len=256),
            inputs.integer(index, "index", optional=True),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR REPLACE INTO anchors(cert_hash, serial, issuer, cert_type, log_origin, idx) "
                "VALUES (?,?,?,?,?,?)",
                values,
            )

    def anchor(self, cert_hash: bytes) -> Anchor | None:
        """Return the anchor of a certificate hash, or None."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT cert_hash, serial, issuer, cert_type, log_origin, idx FROM anchors WHERE cert_hash = ?",
            (inputs.blob(cert_hash, "cert_hash"),),
        )
        return Anchor(*row) if row else None
