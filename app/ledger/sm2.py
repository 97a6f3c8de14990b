"""SM2 signatures (GB/T 32918.2) with SM3 (GB/T 32905) on the recommended curve (GB/T 32918.5).

The conventions are fixed, and described in docs/ledger-format.md:
- the signed digest is e = SM3(Z_A || M), with Z_A over the signer ID `1234567812345678`
  (GM/T 0009's default) unless a caller names another ID;
- public keys are 65-byte uncompressed points `04 || x || y`;
- private keys are 32-byte big-endian scalars d with 1 <= d <= n - 2;
- signatures are 64-byte `r || s`; DER (`SEQUENCE { r INTEGER, s INTEGER }`) only where X.509 or
  OpenSSL need it, through `rs_to_der` and `der_to_rs`.

SM3 and Z_A are computed here; the elliptic-curve arithmetic runs in OpenSSL's libcrypto
(`app.ledger.sm2_openssl`), behind the suite interface so the backend can change.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes

from app.ledger import sm2_openssl
from app.ledger.sm2_openssl import Sm2Key

DEFAULT_SIGNER_ID = b"1234567812345678"
SM2_COSE_ALG = -65537

# GB/T 32918.5 recommended curve parameters
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

# OID 1.2.156.10197.1.301 (sm2 curve) and 1.2.840.10045.2.1 (id-ecPublicKey)
SM2_CURVE_OID_DER = bytes.fromhex("06082a811ccf5501822d")
_EC_PUBLIC_KEY_OID_DER = bytes.fromhex("06072a8648ce3d0201")
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
_CURVE_BYTES = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))
MAX_SIGNER_ID_SIZE = 8191  # ENTL_A is the ID's length in bits, in two bytes


def sm3(data: bytes) -> bytes:
    """Return the 32-byte SM3 hash of `data` (GB/T 32905)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _valid_public_key(public_key: bytes) -> bool:
    return isinstance(public_key, bytes) and len(public_key) == 65 and public_key[0] == 4


@functools.lru_cache(maxsize=1024)
def z_a(public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
    """Return Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) for a 65-byte public key."""
    if not _valid_public_key(public_key):
        raise ValueError("an SM2 public key is 65 bytes 04 || x || y")
    if len(signer_id) > MAX_SIGNER_ID_SIZE:
        raise ValueError("an SM2 signer ID is at most 8191 bytes")
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return sm3(entl + signer_id + _CURVE_BYTES + public_key[1:])


def sm2_digest(public_key: bytes, message: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
    """Return the signed digest e = SM3(Z_A || message)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(z_a(public_key, signer_id))
    digest.update(message)
    return digest.finalize()


def _der_integer_from_32(value: bytes) -> bytes:
    body = value.lstrip(b"\x00") or b"\x00"
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + bytes([len(body)]) + body


def rs_to_der(signature: bytes) -> bytes:
    """Return the DER `SEQUENCE { r INTEGER, s INTEGER }` of a 64-byte r || s signature."""
    if len(signature) != 64:
        raise ValueError("an SM2 r || s signature is 64 bytes")
    body = _der_integer_from_32(signature[:32]) + _der_integer_from_32(signature[32:])
    return b"\x30" + bytes([len(body)]) + body  # at most 70 bytes: always the short length form


def _read_der_integer(data: bytes, offset: int) -> tuple[int, int]:
    if offset + 2 > len(data) or data[offset] != 0x02:
        raise ValueError("expected a DER INTEGER")
    size = data[offset + 1]
    if size == 0 or size > 33:
        raise ValueError("a DER INTEGER of the wrong size for SM2")
    body = data[offset + 2 : offset + 2 + size]
    if len(body) != size:
        raise ValueError("a truncated DER INTEGER")
    if body[0] & 0x80:
        raise ValueError("a negative INTEGER in an SM2 signature")
    if size > 1 and body[0] == 0 and not body[1] & 0x80:
        raise ValueError("a DER INTEGER that is not minimally encoded")
    return int.from_bytes(body, "big"), offset + 2 + size


def der_to_rs(der: bytes) -> bytes:
    """Return the 64-byte r || s of a strict DER SM2 signature; ValueError if it is not one."""
    if len(der) < 8 or der[0] != 0x30:
        raise ValueError("an SM2 DER signature is a SEQUENCE")
    if der[1] & 0x80 or der[1] != len(der) - 2:
        raise ValueError("the SEQUENCE length does not match the signature")
    r, offset = _read_der_integer(der, 2)
    s, offset = _read_der_integer(der, offset)
    if offset != len(der):
        raise ValueError("bytes follow the two INTEGERs")
    if not (0 < r < N and 0 < s < N):
        raise ValueError("r and s must lie in [1, n-1]")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def public_key_to_spki(public_key: bytes) -> bytes:
    """Return the X.509 SubjectPublicKeyInfo DER of a 65-byte SM2 public key."""
    if not _valid_public_key(public_key):
        raise ValueError("an SM2 public key is 65 bytes 04 || x || y")
    return _SPKI_PREFIX + public_key


def public_key_from_spki(spki: bytes) -> bytes:
    """Return the 65-byte point of an SM2 SubjectPublicKeyInfo (id-ecPublicKey, curve sm2); ValueError otherwise."""
    if len(spki) != len(_SPKI_PREFIX) + 65 or not spki.startswith(_SPKI_PREFIX) or spki[len(_SPKI_PREFIX)] != 4:
        raise ValueError("not an uncompressed SM2 SubjectPublicKeyInfo")
    public_key = spki[len(_SPKI_PREFIX) :]
    if _load_public(public_key) is None:
        raise ValueError("the SM2 public key is not a point on the curve")
    return public_key


@functools.lru_cache(maxsize=1024)
def _load_public(public_key: bytes) -> Sm2Key | None:
    return sm2_openssl.load_public_key(_SPKI_PREFIX + public_key)


def private_key_to_der(private: bytes) -> bytes:
    """Return the ECPrivateKey DER (RFC 5915, curve sm2, no public key) that OpenSSL reads as an SM2 key."""
    d = _private_scalar(private)
    return bytes.fromhex("3031020101") + b"\x04\x20" + d.to_bytes(32, "big") + b"\xa0\x0a" + SM2_CURVE_OID_DER


def generate_private() -> bytes:
    """Return a fresh 32-byte private scalar d, uniform in [1, n-2], from the OS CSPRNG."""
    return (secrets.randbelow(N - 2) + 1).to_bytes(32, "big")


def _private_scalar(private: bytes) -> int:
    if not isinstance(private, bytes) or len(private) != 32:
        raise ValueError("an SM2 private key is a 32-byte big-endian scalar")
    d = int.from_bytes(private, "big")
    if not 1 <= d <= N - 2:
        raise ValueError("an SM2 private key lies in [1, n-2]")
    return d


def public_key_from_private(private: bytes) -> bytes:
    """Return the 65-byte public key 04 || x || y of a 32-byte private scalar."""
    return Sm2Signer.from_private(private).public_key


@dataclass(frozen=True)
class Sm2Signer:
    """An SM2 private key held in memory. Signs SM3(Z_A || M) with a fresh random k."""

    suite: Sm2Sm3Suite
    public_key: bytes
    _key: Sm2Key = field(repr=False)

    @classmethod
    def from_private(cls, private: bytes, suite: Sm2Sm3Suite | None = None) -> Sm2Signer:
        """Return the signer of a 32-byte private scalar."""
        key = sm2_openssl.load_private_key(private_key_to_der(private))
        if key is None:
            raise ValueError("OpenSSL refused the SM2 private key")
        public_key = key.spki_der()[len(_SPKI_PREFIX) :]
        return cls(suite or SM2_SM3, public_key, key)

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte r || s signature of `message` under the default signer ID."""
        return self.sign_with_id(message, DEFAULT_SIGNER_ID)

    def sign_with_id(self, message: bytes, signer_id: bytes) -> bytes:
        """Return the 64-byte r || s signature of `message` with Z_A over `signer_id`."""
        der = sm2_openssl.sign_digest(self._key, sm2_digest(self.public_key, message, signer_id))
        return der_to_rs(der)

    def __repr__(self) -> str:
        return f"Sm2Signer(public_key={self.public_key.hex()})"


def sm2_verify_with_id(public_key: bytes, message: bytes, signature: bytes, signer_id: bytes) -> bool:
    """Return True only if the r || s signature of `message` verifies under `public_key` and `signer_id`."""
    try:
        if not _valid_public_key(public_key) or not isinstance(signature, bytes) or len(signature) != 64:
            return False
        if not isinstance(message, bytes | bytearray | memoryview) or not isinstance(signer_id, bytes):
            return False
        if len(signer_id) > MAX_SIGNER_ID_SIZE:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        if not (0 < r < N and 0 < s < N) or (r + s) % N == 0:
            return False
        key = _load_public(public_key)
        if key is None:
            return False
        return sm2_openssl.verify_digest(key, sm2_digest(public_key, bytes(message), signer_id), rs_to_der(signature))
    except (ValueError, TypeError):
        return False


class Sm2Sm3Suite:
    """SM2 with SM3 (GB/T 32918.2, signer ID 1234567812345678): private-use COSE alg -65537."""

    name = "sm2-sm3"
    cose_alg = SM2_COSE_ALG
    public_key_size = 65
    signature_size = 64

    def generate_private(self) -> bytes:
        """Return a fresh 32-byte SM2 private scalar."""
        return generate_private()

    def signer(self, private: bytes) -> Sm2Signer:
        """Return a signer for a 32-byte big-endian private scalar."""
        return Sm2Signer.from_private(private, self)

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Return True only if the SM2 signature is valid under the default signer ID; never raises."""
        return sm2_verify_with_id(public_key, message, signature, DEFAULT_SIGNER_ID)


SM2_SM3 = Sm2Sm3Suite()


MAX_SM2_PLAINTEXT = 1024  # SM2 encryption wraps keys here, never bulk data


def sm2_encrypt(public_key: bytes, plaintext: bytes) -> bytes:
    """Return the GB/T 32918.4 ciphertext of `plaintext` (DER SEQUENCE {x, y, C3 hash, C2}, KDF and hash SM3)."""
    if not 0 < len(plaintext) <= MAX_SM2_PLAINTEXT:
        raise ValueError(f"SM2 encryption takes 1 to {MAX_SM2_PLAINTEXT} bytes")
    key = _load_public(public_key) if _valid_public_key(public_key) else None
    if key is None:
        raise ValueError("not an SM2 public key on the curve")
    return sm2_openssl.encrypt(key, plaintext)


def sm2_decrypt(private: bytes, ciphertext: bytes) -> bytes | None:
    """Return the plaintext of a GB/T 32918.4 DER ciphertext for this private scalar, or None if it does not open."""
    if not isinstance(ciphertext, bytes) or len(ciphertext) > MAX_SM2_PLAINTEXT + 200:
        return None
    key = sm2_openssl.load_private_key(private_key_to_der(private))
    if key is None:
        raise ValueError("OpenSSL refused the SM2 private key")
    return sm2_openssl.decrypt(key, ciphertext)
