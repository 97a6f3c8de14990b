"""The CWT claim set (RFC 8392) of a govdesk certificate, in deterministic CBOR.

    { 1: iss (the issuing department's log origin), 4: exp, 6: iat (NumericDate seconds),
      7: cti (the serial, 10 random bytes),
      -65537: { 1: type code, 2: {display field: text}, 3: holder commitment, 4: holder salt } }

Claim key -65537 is in RFC 8392's private-use range. Decoding is strict: exactly these keys,
each well typed and within its length; anything else is a MalformedCertificate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import cbor2

from app.catalogue.cert_types import MAX_FIELD_LENGTH, CertType, parse_type, policy
from app.certs.errors import MalformedCertificate
from app.certs.holder import COMMITMENT_SIZE, SALT_SIZE
from app.ledger import dcbor

CLAIM_ISS = 1
CLAIM_EXP = 4
CLAIM_IAT = 6
CLAIM_CTI = 7
CLAIM_GOVDESK = -65537
SERIAL_SIZE = 10
MAX_ISSUER_LENGTH = 128
MAX_TIME = 1 << 40  # seconds; far beyond any certificate's life
# The claim keys in deterministic order (bytewise order of their encodings: 0x01 0x04 0x06 0x07 0x3a...).
# Compared with their types, as True == 1 and 1.0 == 1 in Python but not in CBOR.
_CLAIM_ORDER = [(int, k) for k in (CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_CTI, CLAIM_GOVDESK)]
_INNER_ORDER = [(int, k) for k in (1, 2, 3, 4)]


@dataclass(frozen=True)
class CertClaims:
    """What a govdesk certificate states: type, serial, issuer, validity, display fields, holder commitment."""

    cert_type: CertType
    serial: str
    issuer: str
    issued_at: int
    expires: int
    display: Mapping[str, str] = field(default_factory=dict)
    holder_commitment: bytes = b""
    holder_salt: bytes = b""

    def to_cbor(self) -> bytes:
        """Return the claim set in deterministic CBOR, checking every field first."""
        check_claims(self)
        return dcbor.encode(
            {
                CLAIM_ISS: self.issuer,
                CLAIM_EXP: self.expires,
                CLAIM_IAT: self.issued_at,
                CLAIM_CTI: bytes.fromhex(self.serial),
                CLAIM_GOVDESK: {
                    1: self.cert_type.value,
                    2: dict(self.display),
                    3: self.holder_commitment,
                    4: self.holder_salt,
                },
            }
        )

    def to_json(self) -> dict[str, Any]:
        """Return the claims as JSON-ready values (times in ISO 8601 UTC)."""
        p = policy(self.cert_type)
        return {
            "type": self.cert_type.value,
            "type_name": {"en": p.name_en, "zh_CN": p.name_zh},
            "serial": self.serial,
            "issuer": self.issuer,
            "issued_at": iso_seconds(self.issued_at),
            "expires": iso_seconds(self.expires),
            "display": dict(self.display),
            "holder_commitment": self.holder_commitment.hex(),
        }


def iso_seconds(seconds: int) -> str:
    """Return Unix seconds as an ISO 8601 UTC timestamp."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def cert_hash(cose_bytes: bytes) -> bytes:
    """Return the hash that anchors a certificate on the ledger: SHA-256 of its COSE_Sign1 bytes."""
    return hashlib.sha256(cose_bytes).digest()


def _fail(message: str) -> MalformedCertificate:
    return MalformedCertificate(f"certificate claims: {message}")


def _check_time(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < MAX_TIME:
        raise _fail(f"{name} must be a NumericDate (non-negative integer seconds)")
    return value


def _check_text(value: object, name: str, max_len: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= max_len or not value.isprintable():
        raise _fail(f"{name} must be printable text of 1 to {max_len} characters")
    return value


def check_claims(claims: CertClaims) -> None:
    """Raise MalformedCertificate unless every claim is present, well typed and within its limit."""
    if not isinstance(claims.cert_type, CertType):
        raise _fail("unknown certificate type")
    _check_text(claims.issuer, "issuer", MAX_ISSUER_LENGTH)
    if any(c.isspace() for c in claims.issuer):
        raise _fail("issuer must be a log origin without spaces")
    if not isinstance(claims.serial, str) or len(claims.serial) != 2 * SERIAL_SIZE:
        raise _fail(f"serial must be {2 * SERIAL_SIZE} hex digits")
    try:
        bytes.fromhex(claims.serial)
    except ValueError:
        raise _fail("serial must be hex digits") from None
    if claims.serial != claims.serial.upper():
        raise _fail("serial must be upper-case hex")
    issued, expires = _check_time(claims.issued_at, "iat"), _check_time(claims.expires, "exp")
    if expires <= issued:
        raise _fail("exp must be after iat")
    allowed = {"name", *policy(claims.cert_type).fields}
    if not isinstance(claims.display, Mapping) or "name" not in claims.display:
        raise _fail("display fields must be a map with at least a name")
    for key, value in claims.display.items():
        if key not in allowed:
            raise _fail(f"display field {key!r} is not shown on a {claims.cert_type.name} certificate")
        _check_text(value, f"display field {key!r}", MAX_FIELD_LENGTH)
    if not isinstance(claims.holder_commitment, bytes) or len(claims.holder_commitment) != COMMITMENT_SIZE:
        raise _fail(f"the holder commitment must be {COMMITMENT_SIZE} bytes")
    if not isinstance(claims.holder_salt, bytes) or len(claims.holder_salt) != SALT_SIZE:
        raise _fail(f"the holder salt must be {SALT_SIZE} bytes")


def _strict_claim_map(payload: bytes, *, max_size: int) -> dict:
    """Decode the claim set's CBOR and refuse any encoding but the deterministic one (RFC 8949 section 4.2.1).

    The generic check (app.ledger.dcbor.decode) re-encodes every value through a normalising pass;
    the claim set has one fixed shape, so this checks that shape directly: the maps hold exactly their
    keys in deterministic order, and the item re-encodes to the very same bytes (shortest lengths and
    integers, definite lengths, no tags, no duplicate keys, nothing after it). The field types are checked by
    `check_claims`.
    """
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise _fail(f"the claim set must be bytes, got {type(payload).__name__}")
    if len(payload) > max_size:
        raise MalformedCertificate(f"certificate claims is {len(payload)} bytes, over the limit of {max_size}")
    if not payload:
        raise _fail("the claim set is empty")
    payload = bytes(payload)
    try:
        item = cbor2.loads(payload)  # bytes after the item fail the re-encoding check below
    except RecursionError:
        raise _fail("the claim set nests too deeply") from None
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, MemoryError, EOFError) as exc:
        raise _fail(f"the claim set is not well-formed CBOR: {exc}") from None
    if type(item) is not dict or [(type(k), k) for k in item] != _CLAIM_ORDER:
        raise _fail("the claim set must hold exactly iss, exp, iat, cti and the govdesk claim, in that order")
    inner = item[CLAIM_GOVDESK]
    if type(inner) is not dict or [(type(k), k) for k in inner] != _INNER_ORDER:
        raise _fail("the govdesk claim must hold exactly type, display, holder commitment and salt, in that order")
    display = inner[2]
    if type(display) is not dict or not all(type(k) is str for k in display):
        raise _fail("display fields must be a map of text")
    order = [_encoded_text_key(k) for k in display]
    if order != sorted(order):
        raise _fail("display fields are not in deterministic order")
    try:
        canonical = cbor2.dumps(item) == payload
    except (cbor2.CBOREncodeError, ValueError, TypeError, OverflowError):
        canonical = False
    if not canonical:
        raise _fail("the claim set is not in deterministic CBOR encoding (RFC 8949 section 4.2.1) or bytes follow it")
    return item


def _encoded_text_key(key: str) -> bytes:
    """The deterministic-order sort key of a text map key: its CBOR encoding."""
    return cbor2.dumps(key)


def decode_claims(payload: bytes, *, max_size: int) -> CertClaims:
    """Strictly decode a govdesk claim set, or raise MalformedCertificate naming the fault."""
    item = _strict_claim_map(payload, max_size=max_size)
    inner = item[CLAIM_GOVDESK]
    cert_type = parse_type(inner[1]) if isinstance(inner[1], str) and inner[1] == inner[1].lower() else None
    if cert_type is None or cert_type.value != inner[1]:
        raise _fail(f"unknown certificate type {inner[1]!r}")
    cti = item[CLAIM_CTI]
    if not isinstance(cti, bytes) or len(cti) != SERIAL_SIZE:
        raise _fail(f"cti (the serial) must be {SERIAL_SIZE} bytes")
    claims = CertClaims(
        cert_type=cert_type,
        serial=cti.hex().upper(),
        issuer=item[CLAIM_ISS],
        issued_at=item[CLAIM_IAT],
        expires=item[CLAIM_EXP],
        display=inner[2],
        holder_commitment=inner[3],
        holder_salt=inner[4],
    )
    check_claims(claims)
    return claims
