"""Named, pluggable signature suites. Callers ask for a suite by name or COSE algorithm id.

Two suites are registered: Ed25519 (the default) and the national SM2/SM3 suite `sm2-sm3`
(`app.ledger.sm2`). Another can be added without touching callers: it needs a name, a COSE
algorithm id, and the four operations of `SignatureSuite`.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from typing import Protocol

import nacl.bindings
import nacl.exceptions
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.sm2 import SM2_SM3


class Signer(Protocol):
    """A private key held in memory, able to sign."""

    suite: SignatureSuite
    public_key: bytes

    def sign(self, message: bytes) -> bytes:
        """Return the signature of `message`."""
        ...


class SignatureSuite(Protocol):
    """A signature algorithm under a name, usable for ledger entries."""

    name: str
    cose_alg: int
    public_key_size: int
    signature_size: int

    def generate_private(self) -> bytes:
        """Return fresh private key material from the OS CSPRNG."""
        ...

    def signer(self, private: bytes) -> Signer:
        """Return a signer for the given private key material."""
        ...

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Return True only if `signature` is a valid signature of `message` under `public_key`."""
        ...


@dataclass(frozen=True)
class Ed25519Signer:
    """An Ed25519 private key (RFC 8032), signing through `cryptography`."""

    suite: SignatureSuite
    public_key: bytes
    _key: Ed25519PrivateKey

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `message`."""
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Ed25519Signer(public_key={self.public_key.hex()})"


class Ed25519Suite:
    """Ed25519: COSE alg -8 (EdDSA). Signs with `cryptography`; verifies with libsodium, twice as fast."""

    name = "ed25519"
    cose_alg = -8
    public_key_size = 32
    signature_size = 64

    def generate_private(self) -> bytes:
        """Return a fresh 32-byte Ed25519 seed."""
        return os.urandom(32)

    def signer(self, private: bytes) -> Ed25519Signer:
        """Return a signer for a 32-byte Ed25519 seed."""
        if len(private) != 32:
            raise ValueError("an Ed25519 private key is a 32-byte seed")
        key = Ed25519PrivateKey.from_private_bytes(private)
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Ed25519Signer(self, public, key)

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Return True only if the Ed25519 signature is valid."""
        if len(public_key) != 32 or len(signature) != 64:
            return False
        try:
            nacl.bindings.crypto_sign_open(signature + message, public_key)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, nacl.exceptions.TypeError):
            return False
        return True


ED25519 = Ed25519Suite()

_BY_NAME: dict[str, SignatureSuite] = {ED25519.name: ED25519, SM2_SM3.name: SM2_SM3}
_BY_COSE_ALG: dict[int, SignatureSuite] = {ED25519.cose_alg: ED25519, SM2_SM3.cose_alg: SM2_SM3}


def register_suite(suite: SignatureSuite) -> None:
    """Make another suite (for example SM2/SM3) available by its name and COSE algorithm id."""
    _BY_NAME[suite.name] = suite
    _BY_COSE_ALG[suite.cose_alg] = suite


def suite_by_name(name: str) -> SignatureSuite:
    """Return the suite registered under `name`."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnsupportedAlgorithm(f"no signature suite named {name!r}") from None


def suite_by_cose_alg(alg: object) -> SignatureSuite:
    """Return the suite for a COSE algorithm id, or raise UnsupportedAlgorithm."""
    suite = _BY_COSE_ALG.get(alg) if isinstance(alg, int) and not isinstance(alg, bool) else None
    if suite is None:
        raise UnsupportedAlgorithm(f"COSE algorithm {alg!r} is not an accepted signature suite")
    return suite


def key_id(suite: SignatureSuite, public_key: bytes) -> bytes:
    """Return the 16-byte key id that names a public key in entries and the registry."""
    if type(public_key) is bytes:
        return _cached_key_id(suite.name, public_key)
    return _compute_key_id(suite.name, public_key)


@functools.lru_cache(maxsize=1024)
def _cached_key_id(suite_name: str, public_key: bytes) -> bytes:
    """`_compute_key_id`, cached by the suite name and the exact key bytes (a log has few signers)."""
    return _compute_key_id(suite_name, public_key)


def _compute_key_id(suite_name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(suite_name.encode() + b"\n" + public_key).digest()[:16]
