"""Personal signing keys, each sealed under its own account's password, and the narrow signers that use them.

An account's private signing key is stored in the replica only sealed: AES-256-GCM under a key that HKDF
derives from the account's own key-encryption key (Argon2id of its password, app/store/keywrap.py). The
database key every account shares does not open it, so a clerk's password never yields a supervisor's
key. The seal's associated data binds it to the office, the account and the key id.

Code that signs gets a signer, never the key bytes: `AccountKey` (an account's key, software-held; a
hardware token would implement the same `suite`, `public_key`, `kid` and `sign`) and `DeviceSigner` (the
counter PC's key, which signs only what the device role may sign on the ledger and the node's request
signatures).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.ledger import dcbor
from app.ledger.errors import LedgerError
from app.ledger.suites import SignatureSuite, Signer, key_id, suite_by_name
from app.protocol.policy import role_may_write
from app.protocol.request_auth import DOMAIN as REQUEST_DOMAIN
from app.store.errors import InvalidInput, PermissionDenied, WrongPassword

SEAL_ALG = "hkdf-sha256+aes256gcm"
MAX_SEALED = 1024


def _seal_key(kek: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, None, b"govdesk signing key seal v1").derive(kek)


def _aad(office_id: str, account: str, kid: bytes) -> bytes:
    return b"govdesk signing key v1\n" + office_id.encode() + b"\n" + account.encode() + b"\n" + kid


@dataclass(frozen=True)
class SealedKey:
    """A private signing key sealed under one account's key-encryption key."""

    suite: str
    nonce: bytes
    ciphertext: bytes

    def to_bytes(self) -> bytes:
        """Return the seal as deterministic CBOR (what the replica stores)."""
        return dcbor.encode({"alg": SEAL_ALG, "suite": self.suite, "nonce": self.nonce, "ct": self.ciphertext})

    @classmethod
    def from_bytes(cls, data: object) -> SealedKey:
        """Parse a stored seal, or raise InvalidInput."""
        if not isinstance(data, bytes) or len(data) > MAX_SEALED:
            raise InvalidInput("the stored signing key is malformed")
        try:
            value = dcbor.decode(data, max_size=MAX_SEALED)
        except LedgerError:
            raise InvalidInput("the stored signing key is malformed") from None
        if not isinstance(value, dict) or set(value) != {"alg", "suite", "nonce", "ct"} or value["alg"] != SEAL_ALG:
            raise InvalidInput("the stored signing key is malformed")
        suite, nonce, ct = value["suite"], value["nonce"], value["ct"]
        if not isinstance(suite, str) or not isinstance(nonce, bytes) or not isinstance(ct, bytes) or len(nonce) != 12:
            raise InvalidInput("the stored signing key is malformed")
        return cls(suite, nonce, ct)


def seal(private: bytes, suite: SignatureSuite, kek: bytes, office_id: str, account: str) -> SealedKey:
    """Seal private key material under an account's key-encryption key."""
    kid = key_id(suite, suite.signer(private).public_key)
    nonce = os.urandom(12)
    return SealedKey(suite.name, nonce, AESGCM(_seal_key(kek)).encrypt(nonce, private, _aad(office_id, account, kid)))


class AccountKey:
    """An account's signing key, opened for the unlocked session: it signs, and never hands out its bytes."""

    def __init__(self, suite: SignatureSuite, private: bytes) -> None:
        self._signer: Signer = suite.signer(private)
        self._private = private
        self.suite: SignatureSuite = suite
        self.public_key: bytes = self._signer.public_key
        self.kid: bytes = key_id(suite, self.public_key)

    def sign(self, message: bytes) -> bytes:
        """Return the signature of `message` under this account's key."""
        return self._signer.sign(message)

    def reseal(self, kek: bytes, office_id: str, account: str) -> SealedKey:
        """Seal this key again under a new key-encryption key (a password change)."""
        return seal(self._private, self.suite, kek, office_id, account)

    def __repr__(self) -> str:
        return f"AccountKey(kid={self.kid.hex()})"


def open_sealed(sealed: SealedKey, kek: bytes, office_id: str, account: str, kid: bytes) -> AccountKey:
    """Open an account's sealed key with its key-encryption key; the key must be the one named `kid`."""
    try:
        suite = suite_by_name(sealed.suite)
    except LedgerError:
        raise InvalidInput(f"the signing key of account {account!r} names an unknown suite") from None
    try:
        private = AESGCM(_seal_key(kek)).decrypt(sealed.nonce, sealed.ciphertext, _aad(office_id, account, kid))
    except InvalidTag:
        raise WrongPassword(f"the signing key of account {account!r} does not open with its password") from None
    try:
        key = AccountKey(suite, private)
    except ValueError:  # the seal's suite was changed: its key bytes are no key of that suite
        raise InvalidInput(f"the signing key of account {account!r} is not a {suite.name} key") from None
    if key.kid != kid:
        raise InvalidInput(f"the signing key of account {account!r} is not the key the replica names")
    return key


class DeviceSigner:
    """The counter PC's key: signs node request headers and ledger entries of the types the device role may write."""

    def __init__(self, suite: SignatureSuite, private: bytes) -> None:
        self._signer: Signer = suite.signer(private)
        self.suite: SignatureSuite = suite
        self.public_key: bytes = self._signer.public_key

    def sign(self, message: bytes) -> bytes:
        """Return the signature of a node request or of a device-role entry; raise PermissionDenied otherwise."""
        if not message.startswith(REQUEST_DOMAIN):
            entry_type = _entry_type(message)
            if entry_type is None or not role_may_write("device", entry_type):
                raise PermissionDenied("device", f"sign {entry_type or 'an unknown message'}")
        return self._signer.sign(message)

    def __repr__(self) -> str:
        return f"DeviceSigner(public_key={self.public_key.hex()})"


def _entry_type(message: bytes) -> str | None:
    """The entry type inside a COSE Sig_structure, or None if `message` is not one."""
    try:
        structure = dcbor.decode(message, max_size=1 << 20)
        if not isinstance(structure, list) or len(structure) != 4 or structure[0] != "Signature1":
            return None
        payload = dcbor.decode(structure[3], max_size=1 << 20)
    except (LedgerError, TypeError, ValueError):
        return None
    etype = payload.get("type") if isinstance(payload, dict) else None
    return etype if isinstance(etype, str) else None
