"""The office's trusted SM2 root certificates, kept in the replica and changed only by an audited admin action.

Roots are not ledger data: a department cannot vouch for the root that certifies itself. Two lists
are kept apart: `department` roots certify department node keys (app.pki), `seal` roots certify
seal and e-invoice issuers (app.ofd). Each root is stored under its SM3 fingerprint in the
settings table (`trust_root.<list>.<hex fingerprint>`), so no schema step is needed; every add and
removal is an audit record naming the list, the fingerprint and the subject.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from app.pki.root_candidate import RootCandidate, RootRefused, examine_root
from app.pki.sm2_x509 import Sm2Certificate, load_certificate
from app.store import roles
from app.store.errors import InvalidInput, TrustRootRefused
from app.store.session import Session

TRUST_LISTS = ("department", "seal")
MAX_ROOTS_PER_LIST = 64
_PREFIX = "trust_root."


@dataclass(frozen=True)
class TrustedRoot:
    """One trusted root: which list, its SM3 fingerprint, the certificate, who added it and when."""

    trust_list: str
    fingerprint: bytes
    certificate: Sm2Certificate
    label: str
    added_ms: int
    added_by: str


def _list_name(trust_list: str) -> str:
    if trust_list not in TRUST_LISTS:
        raise InvalidInput(f"unknown trust list {trust_list!r}")
    return trust_list


class TrustRoots:
    """Add, remove and read the office's trusted roots (admins change them; everyone reads)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def examine(self, trust_list: str, certificate_data: bytes) -> RootCandidate:
        """What `add` would trust, checked but not stored: for the administrator to confirm on screen (admins only).

        The checks are app.pki.root_candidate's, then room in the list and no root trusted twice; a refusal is a
        TrustRootRefused (an InvalidInput) with its code."""
        self._s.require(roles.SETTINGS_WRITE)
        _list_name(trust_list)
        try:
            candidate = examine_root(certificate_data, datetime.fromtimestamp(self._s.now_ms() / 1000, UTC))
        except RootRefused as exc:
            raise TrustRootRefused(exc.code, exc.detail) from None
        fingerprint = candidate.sm3_fingerprint
        present = self.roots(trust_list)
        if any(root.fingerprint == fingerprint for root in present):
            raise TrustRootRefused("root_already_trusted", f"{fingerprint.hex()} is already in the {trust_list} list")
        if len(present) >= MAX_ROOTS_PER_LIST:
            raise TrustRootRefused("root_list_full", f"a trust list holds at most {MAX_ROOTS_PER_LIST} roots")
        return candidate

    def add(self, trust_list: str, certificate_data: bytes, label: str = "") -> TrustedRoot:
        """Trust a self-signed SM2 CA certificate (DER or PEM), not expired, in `trust_list` (the checks of
        `examine`); audited as trust_root.add with both fingerprints and the subject."""
        self._s.require(roles.SETTINGS_WRITE)
        if len(label) > 200 or any(ord(c) < 0x20 for c in label):
            raise InvalidInput("a root's label is at most 200 printable characters")
        certificate = self.examine(trust_list, certificate_data).certificate
        fingerprint = certificate.fingerprint
        now = self._s.now_ms()
        value = json.dumps(
            {
                "der": base64.b64encode(certificate.der).decode(),
                "label": label,
                "added_ms": now,
                "added_by": self._s.account.name,
            },
            sort_keys=True,
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT INTO settings(name, value) VALUES (?, ?)",
                (f"{_PREFIX}{trust_list}.{fingerprint.hex()}", value),
            )
            self._s.audit.append(
                "trust_root.add",
                "ok",
                {
                    "list": trust_list,
                    "fingerprint": fingerprint.hex(),
                    "sha256": certificate.sha256_fingerprint.hex(),
                    "subject": certificate.subject.rfc4514_string(),
                },
            )
        return TrustedRoot(trust_list, fingerprint, certificate, label, now, self._s.account.name)

    def remove(self, trust_list: str, fingerprint: bytes) -> bool:
        """Stop trusting the root with this SM3 fingerprint; audited as trust_root.remove. False if absent."""
        self._s.require(roles.SETTINGS_WRITE)
        key = f"{_PREFIX}{_list_name(trust_list)}.{bytes(fingerprint).hex()}"
        with self._s.transaction():
            row = self._s.execute("SELECT value FROM settings WHERE name = ?", (key,)).fetchone()
            if row is None:
                return False
            certificate = load_certificate(base64.b64decode(json.loads(row[0])["der"]))
            self._s.execute("DELETE FROM settings WHERE name = ?", (key,))
            self._s.audit.append(
                "trust_root.remove",
                "ok",
                {
                    "list": trust_list,
                    "fingerprint": fingerprint.hex(),
                    "sha256": certificate.sha256_fingerprint.hex(),
                    "subject": certificate.subject.rfc4514_string(),
                },
            )
        return True

    def roots(self, trust_list: str) -> list[TrustedRoot]:
        """Return the roots of one list, oldest first."""
        self._s.require(roles.READ)
        prefix = f"{_PREFIX}{_list_name(trust_list)}."
        rows = self._s.execute(
            "SELECT name, value FROM settings WHERE name >= ? AND name < ? ORDER BY name", (prefix, prefix + "\x7f")
        ).fetchall()
        found = []
        for key, value in rows:
            doc = json.loads(value)
            certificate = load_certificate(base64.b64decode(doc["der"]))
            found.append(
                TrustedRoot(
                    trust_list,
                    bytes.fromhex(key[len(prefix) :]),
                    certificate,
                    doc["label"],
                    doc["added_ms"],
                    doc["added_by"],
                )
            )
        return sorted(found, key=lambda root: root.added_ms)

    def certificates(self, trust_list: str) -> list[Sm2Certificate]:
        """Return the certificates of one list, ready for `app.pki.sm2_x509.verify_chain`."""
        return [root.certificate for root in self.roots(trust_list)]
