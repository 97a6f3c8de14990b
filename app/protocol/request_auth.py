"""Signed requests: a write request carries its signer's key id, a time, a nonce and a signature.

The signature covers the method, the path, the time, the nonce and the SHA-256 of the body, so a
captured request cannot be replayed (the nonce is remembered), delayed (the time is checked
against a skew window) or altered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from typing import Protocol

from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.suites import Signer, key_id, suite_by_name
from app.protocol.refusals import Code, Refusal

HEADER_KEY = "govdesk-key"
HEADER_TIME = "govdesk-time"
HEADER_NONCE = "govdesk-nonce"
HEADER_SIGNATURE = "govdesk-signature"
NONCE_BYTES = 16
DOMAIN = b"govdesk-request/v1\n"


class VerifiableKey(Protocol):
    """What the verifier needs of an enrolled key: its suite, public key and whether it is revoked."""

    @property
    def suite(self) -> str:
        """The signature suite's name."""
        ...

    @property
    def public_key(self) -> bytes:
        """The raw public key."""
        ...

    @property
    def revoked(self) -> bool:
        """True once the key is revoked."""
        ...


def request_message(method: str, path: str, time_ms: int, nonce: bytes, body: bytes) -> bytes:
    """Return the bytes a request signature covers."""
    digest = hashlib.sha256(body).hexdigest()
    return DOMAIN + f"{method.upper()}\n{path}\n{time_ms}\n{nonce.hex()}\n{digest}\n".encode()


def sign_request(
    signer: Signer, method: str, path: str, body: bytes, time_ms: int, nonce: bytes | None = None
) -> dict[str, str]:
    """Return the headers that authenticate a request by `signer`."""
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    sig = signer.sign(request_message(method, path, time_ms, nonce, body))
    return {
        HEADER_KEY: key_id(signer.suite, signer.public_key).hex(),
        HEADER_TIME: str(time_ms),
        HEADER_NONCE: nonce.hex(),
        HEADER_SIGNATURE: base64.b64encode(sig).decode(),
    }


@dataclass(frozen=True)
class RequestCredentials:
    """The authentication headers of a request, parsed but not yet verified."""

    kid: bytes
    time_ms: int
    nonce: bytes
    signature: bytes


def parse_credentials(headers: dict[str, str]) -> RequestCredentials:
    """Parse the authentication headers, or refuse the request as unauthenticated or malformed."""
    names = (HEADER_KEY, HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE)
    if not any(n in headers for n in names):
        raise Refusal(Code.UNAUTHENTICATED, "write requests must be signed by an enrolled key")
    missing = [n for n in names if n not in headers]
    if missing:
        raise Refusal(Code.BAD_REQUEST_SIGNATURE, f"missing request headers {missing}")
    try:
        kid = bytes.fromhex(headers[HEADER_KEY])
        nonce = bytes.fromhex(headers[HEADER_NONCE])
        time_text = headers[HEADER_TIME]
        if not time_text.isascii() or not time_text.isdigit() or len(time_text) > 16:
            raise ValueError("time")
        signature = base64.b64decode(headers[HEADER_SIGNATURE], validate=True)
    except (ValueError, binascii.Error):
        raise Refusal(Code.BAD_REQUEST_SIGNATURE, "malformed request authentication headers") from None
    if not 0 < len(kid) <= 64 or len(nonce) != NONCE_BYTES or len(signature) > 512:
        raise Refusal(Code.BAD_REQUEST_SIGNATURE, "malformed request authentication headers")
    return RequestCredentials(kid, int(time_text), nonce, signature)


def verify_request(
    creds: RequestCredentials,
    record: VerifiableKey | None,
    method: str,
    path: str,
    body: bytes,
    now_ms: int,
    skew_ms: int,
) -> None:
    """Refuse the request unless it is signed now by an enrolled, unrevoked key (the nonce is checked apart)."""
    if record is None:
        raise Refusal(Code.UNAUTHENTICATED, f"request key {creds.kid.hex()} is not enrolled")
    if record.revoked:
        raise Refusal(Code.REVOKED_SIGNER, f"request key {creds.kid.hex()} is revoked")
    if abs(now_ms - creds.time_ms) > skew_ms:
        raise Refusal(Code.STALE_REQUEST, f"request time is more than {skew_ms // 1000} s from the node's clock")
    try:
        suite = suite_by_name(record.suite)  # the suite the registry names for the key (Ed25519 or SM2/SM3)
    except UnsupportedAlgorithm:
        raise Refusal(Code.BAD_REQUEST_SIGNATURE, f"request key {creds.kid.hex()} has an unknown suite") from None
    if len(creds.signature) != suite.signature_size or not suite.verify(
        record.public_key, request_message(method, path, creds.time_ms, creds.nonce, body), creds.signature
    ):
        raise Refusal(Code.BAD_REQUEST_SIGNATURE, "the request signature does not verify")
