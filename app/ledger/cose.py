"""COSE_Sign1 (RFC 9052 section 4.2) for ledger entries: one signer, a protected header, no AAD."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from app.ledger import dcbor
from app.ledger.errors import BadSignature, MalformedCBOR, UnknownCriticalHeader
from app.ledger.suites import SignatureSuite, Signer, suite_by_cose_alg

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_CRIT = 2
HEADER_CONTENT_TYPE = 3
HEADER_KID = 4
# Headers whose meaning this code implements, and so may be marked critical.
UNDERSTOOD_CRITICAL: frozenset[int] = frozenset()
MAX_KID_SIZE = 64


@dataclass(frozen=True)
class Sign1:
    """A decoded COSE_Sign1 message, not yet verified."""

    protected_bytes: bytes
    protected: Mapping[Any, Any]
    payload: bytes
    signature: bytes
    suite: SignatureSuite
    kid: bytes

    def to_be_signed(self) -> bytes:
        """Return the Sig_structure bytes that the signature covers."""
        return sig_structure(self.protected_bytes, self.payload)

    def verify(self, public_key: bytes) -> None:
        """Raise BadSignature unless the signature verifies under `public_key`."""
        if not self.suite.verify(public_key, self.to_be_signed(), self.signature):
            raise BadSignature(f"{self.suite.name} signature does not verify under key {self.kid.hex()}")


def sig_structure(protected_bytes: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """Return the RFC 9052 Sig_structure for a COSE_Sign1 with the given protected header."""
    return cbor2.dumps(["Signature1", protected_bytes, external_aad, payload])


def sign1(payload: bytes, signer: Signer, kid: bytes) -> bytes:
    """Return a tagged COSE_Sign1 message over `payload` with alg and kid in the protected header."""
    protected = dcbor.encode({HEADER_ALG: signer.suite.cose_alg, HEADER_KID: kid})
    signature = signer.sign(sig_structure(protected, payload))
    return dcbor.encode(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def decode_sign1(data: bytes, *, max_size: int, what: str = "entry") -> Sign1:
    """Strictly decode a tagged COSE_Sign1 message, or raise a typed EntryError naming the fault."""
    item = dcbor.decode(data, max_size=max_size, what=what)
    if not isinstance(item, cbor2.CBORTag) or item.tag != COSE_SIGN1_TAG:
        raise MalformedCBOR(f"{what} is not a tagged COSE_Sign1 message (tag 18)")
    msg = item.value
    if not isinstance(msg, list | tuple) or len(msg) != 4:
        raise MalformedCBOR(f"{what}: COSE_Sign1 must be an array of 4 items")
    protected_bytes, unprotected, payload, signature = msg
    if not isinstance(protected_bytes, bytes) or not protected_bytes:
        raise MalformedCBOR(f"{what}: the protected header must be a non-empty byte string")
    if not isinstance(unprotected, Mapping):
        raise MalformedCBOR(f"{what}: the unprotected header must be a map")
    if unprotected:
        # Unprotected headers are not signed: allowing them would let anyone make a second,
        # different-looking copy of a signed entry (and so a second entry hash).
        raise MalformedCBOR(f"{what}: the unprotected header must be empty")
    if not isinstance(payload, bytes):
        raise MalformedCBOR(f"{what}: the payload must be an embedded byte string")
    if not isinstance(signature, bytes):
        raise MalformedCBOR(f"{what}: the signature must be a byte string")
    protected = dcbor.decode(protected_bytes, max_size=len(protected_bytes), what=f"{what} protected header")
    if not isinstance(protected, Mapping):
        raise MalformedCBOR(f"{what}: the protected header must encode a map")
    crit = protected.get(HEADER_CRIT)
    if crit is not None:
        if not isinstance(crit, list | tuple) or not crit:
            raise MalformedCBOR(f"{what}: the crit header must be a non-empty array")
        unknown = [label for label in crit if label not in UNDERSTOOD_CRITICAL]
        if unknown:
            raise UnknownCriticalHeader(f"{what}: critical header(s) {unknown!r} are not understood")
    suite = suite_by_cose_alg(protected.get(HEADER_ALG))
    kid = protected.get(HEADER_KID)
    if not isinstance(kid, bytes) or not 0 < len(kid) <= MAX_KID_SIZE:
        raise MalformedCBOR(f"{what}: the protected header must carry a kid of 1 to {MAX_KID_SIZE} bytes")
    if len(signature) != suite.signature_size:
        raise MalformedCBOR(f"{what}: a {suite.name} signature is {suite.signature_size} bytes, got {len(signature)}")
    return Sign1(protected_bytes, protected, payload, signature, suite, kid)
