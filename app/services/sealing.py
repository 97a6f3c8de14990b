"""Data-response payloads sealed to the requester: X25519 key agreement, HKDF-SHA256, AES-256-GCM.

    sealed = seal(payload, recipient_public, context)   # context: the request id, bound as AAD
    payload = open_sealed(sealed, recipient_private, context)

Only SHA-256(sealed) goes on the ledger (`data.response.payload_hash`).
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from app.ledger import dcbor
from app.ledger.errors import LedgerError
from app.services.errors import ExchangeError

KEY_SIZE = 32
NONCE_SIZE = 12
MAX_SEALED = 256 * 1024
_INFO = b"govdesk data.response v1"


def new_reply_key() -> tuple[bytes, bytes]:
    """Return a fresh X25519 (private, public) pair in raw bytes."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return raw, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, context: bytes) -> bytes:
    hkdf = HKDF(hashes.SHA256(), KEY_SIZE, salt=ephemeral + recipient, info=_INFO + b"\x00" + context)
    return hkdf.derive(shared)


def seal(payload: bytes, recipient_public: bytes, context: bytes) -> bytes:
    """Encrypt `payload` so that only the holder of the recipient's X25519 private key can read it."""
    try:
        recipient = X25519PublicKey.from_public_bytes(recipient_public)
    except ValueError as exc:
        raise ExchangeError(f"the reply key is not an X25519 public key ({exc})") from None
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _key(ephemeral.exchange(recipient), eph_public, recipient_public, context)
    nonce = os.urandom(NONCE_SIZE)
    return dcbor.encode({1: eph_public, 2: nonce, 3: AESGCM(key).encrypt(nonce, payload, context)})


def payload_hash(sealed: bytes) -> bytes:
    """Return the hash of a sealed payload, as it goes on the ledger."""
    return hashlib.sha256(sealed).digest()


def open_sealed(sealed: bytes, recipient_private: bytes, context: bytes) -> bytes:
    """Decrypt a sealed payload, or raise ExchangeError if it is malformed, for another key, or altered."""
    try:
        item = dcbor.decode(sealed, max_size=MAX_SEALED, what="sealed payload")
    except LedgerError as exc:
        raise ExchangeError(str(exc)) from None
    if not isinstance(item, dict) or set(item) != {1, 2, 3}:
        raise ExchangeError("a sealed payload holds exactly the ephemeral key, the nonce and the ciphertext")
    eph, nonce, ciphertext = item[1], item[2], item[3]
    if not (isinstance(eph, bytes) and len(eph) == KEY_SIZE and isinstance(nonce, bytes) and len(nonce) == NONCE_SIZE):
        raise ExchangeError("the sealed payload's key or nonce has the wrong size")
    if not isinstance(ciphertext, bytes):
        raise ExchangeError("the ciphertext must be bytes")
    try:
        private = X25519PrivateKey.from_private_bytes(recipient_private)
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph))
    except ValueError as exc:
        raise ExchangeError(f"key agreement failed ({exc})") from None
    recipient_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        return AESGCM(_key(shared, eph, recipient_public, context)).decrypt(nonce, ciphertext, context)
    except InvalidTag:
        raise ExchangeError("the sealed payload was altered, or is not for this key or this request") from None
