"""Data-response payloads sealed to the requester, in a published scheme chosen by the reply key's suite.

    sealed = seal(payload, recipient_public, context)   # context: the request id, bound to the ciphertext
    payload = open_sealed(sealed, recipient_private, context)

- National suite (a 65-byte SM2 reply key): a fresh SM4 key encrypts the payload with SM4-GCM
  (GB/T 32907, NIST SP 800-38D mode; the context as additional data), and the SM4 key is wrapped
  with SM2 public-key encryption (GB/T 32918.4: C1 || C3 || C2 in its DER form, KDF and hash SM3).
  CBOR: {0: "sm2-sm4-gcm/v1", 1: SM2 ciphertext, 2: 12-byte nonce, 3: ciphertext || 16-byte tag}.
- Otherwise (a 32-byte X25519 reply key): a libsodium sealed box (crypto_box_seal: X25519,
  XSalsa20-Poly1305) of the CBOR {1: context, 2: payload}; the context is checked on opening.
  CBOR: {0: "sealedbox/v1", 1: sealed box}.
- Data sealed before these schemes ({1: ephemeral X25519 key, 2: nonce, 3: AES-256-GCM ciphertext},
  HKDF-SHA256) is still opened, and never made again.

Only SHA-256(sealed) goes on the ledger (`data.response.payload_hash`).
"""

from __future__ import annotations

import hashlib
import os

import nacl.exceptions
import nacl.public
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from app.ledger import dcbor, sm2
from app.ledger.errors import LedgerError
from app.services.errors import ExchangeError

KEY_SIZE = 32
NONCE_SIZE = 12
SM4_KEY_SIZE = 16
GCM_TAG_SIZE = 16
MAX_SEALED = 256 * 1024
SCHEME_SM2_SM4_GCM = "sm2-sm4-gcm/v1"
SCHEME_SEALED_BOX = "sealedbox/v1"
_INFO = b"govdesk data.response v1"


def new_reply_key(suite: str = "ed25519") -> tuple[bytes, bytes]:
    """Return a fresh reply key pair in raw bytes: SM2 (32-byte d, 65-byte point) for `sm2-sm3`, else X25519."""
    if suite == sm2.SM2_SM3.name:
        private = sm2.generate_private()
        return private, sm2.public_key_from_private(private)
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return raw, private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, context: bytes) -> bytes:
    hkdf = HKDF(hashes.SHA256(), KEY_SIZE, salt=ephemeral + recipient, info=_INFO + b"\x00" + context)
    return hkdf.derive(shared)


def seal(payload: bytes, recipient_public: bytes, context: bytes) -> bytes:
    """Encrypt `payload` so that only the holder of the recipient's private key can read it (scheme by key)."""
    if len(recipient_public) == sm2.SM2_SM3.public_key_size:
        return _seal_sm2(payload, recipient_public, context)
    if len(recipient_public) != KEY_SIZE:
        raise ExchangeError("the reply key is neither an SM2 nor an X25519 public key")
    try:
        box = nacl.public.SealedBox(nacl.public.PublicKey(recipient_public))
    except (nacl.exceptions.ValueError, nacl.exceptions.TypeError) as exc:
        raise ExchangeError(f"the reply key is not an X25519 public key ({exc})") from None
    return dcbor.encode({0: SCHEME_SEALED_BOX, 1: box.encrypt(dcbor.encode({1: context, 2: payload}))})


def _seal_sm2(payload: bytes, recipient_public: bytes, context: bytes) -> bytes:
    key = os.urandom(SM4_KEY_SIZE)
    try:
        wrapped = sm2.sm2_encrypt(recipient_public, key)
    except ValueError as exc:
        raise ExchangeError(f"the reply key is not an SM2 public key ({exc})") from None
    nonce = os.urandom(NONCE_SIZE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context)
    ciphertext = encryptor.update(payload) + encryptor.finalize() + encryptor.tag
    return dcbor.encode({0: SCHEME_SM2_SM4_GCM, 1: wrapped, 2: nonce, 3: ciphertext})


def payload_hash(sealed: bytes) -> bytes:
    """Return the hash of a sealed payload, as it goes on the ledger."""
    return hashlib.sha256(sealed).digest()


def open_sealed(sealed: bytes, recipient_private: bytes, context: bytes) -> bytes:
    """Decrypt a sealed payload, or raise ExchangeError if it is malformed, for another key, or altered."""
    try:
        item = dcbor.decode(sealed, max_size=MAX_SEALED, what="sealed payload")
    except LedgerError as exc:
        raise ExchangeError(str(exc)) from None
    if isinstance(item, dict) and item.get(0) == SCHEME_SM2_SM4_GCM and set(item) == {0, 1, 2, 3}:
        return _open_sm2(item, recipient_private, context)
    if isinstance(item, dict) and item.get(0) == SCHEME_SEALED_BOX and set(item) == {0, 1}:
        return _open_sealed_box(item[1], recipient_private, context)
    if not isinstance(item, dict) or set(item) != {1, 2, 3}:
        raise ExchangeError("a sealed payload holds exactly the ephemeral key, the nonce and the ciphertext")
    return _open_legacy(item, recipient_private, context)


def _open_sm2(item: dict, recipient_private: bytes, context: bytes) -> bytes:
    wrapped, nonce, ciphertext = item[1], item[2], item[3]
    if not (isinstance(wrapped, bytes) and isinstance(nonce, bytes) and isinstance(ciphertext, bytes)):
        raise ExchangeError("an SM2-sealed payload holds byte strings only")
    if len(nonce) != NONCE_SIZE or len(ciphertext) < GCM_TAG_SIZE:
        raise ExchangeError("the sealed payload's nonce or ciphertext has the wrong size")
    try:
        key = sm2.sm2_decrypt(recipient_private, wrapped)
    except ValueError as exc:
        raise ExchangeError(f"the reply key is not an SM2 private key ({exc})") from None
    if key is None or len(key) != SM4_KEY_SIZE:
        raise ExchangeError("the sealed payload was altered, or is not for this key or this request")
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, ciphertext[-GCM_TAG_SIZE:])).decryptor()
    decryptor.authenticate_additional_data(context)
    try:
        return decryptor.update(ciphertext[:-GCM_TAG_SIZE]) + decryptor.finalize()
    except InvalidTag:
        raise ExchangeError("the sealed payload was altered, or is not for this key or this request") from None


def _open_sealed_box(box: object, recipient_private: bytes, context: bytes) -> bytes:
    if not isinstance(box, bytes):
        raise ExchangeError("a sealed box is a byte string")
    try:
        inner = nacl.public.SealedBox(nacl.public.PrivateKey(recipient_private)).decrypt(box)
    except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError, nacl.exceptions.TypeError):
        raise ExchangeError("the sealed payload was altered, or is not for this key or this request") from None
    try:
        fields = dcbor.decode(inner, max_size=MAX_SEALED, what="sealed box contents")
    except LedgerError as exc:
        raise ExchangeError(str(exc)) from None
    if not isinstance(fields, dict) or set(fields) != {1, 2} or not isinstance(fields[2], bytes):
        raise ExchangeError("a sealed box holds the context and the payload")
    if fields[1] != context:
        raise ExchangeError("the sealed payload was altered, or is not for this key or this request")
    return fields[2]


def _open_legacy(item: dict, recipient_private: bytes, context: bytes) -> bytes:
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
