"""EU digital certificates (HCERT 1.0, `HC1:`): decode them and verify them against a trust list of X.509 DSCs.

HCERT issuers do not write deterministic CBOR, so this decoder is permissive about encoding (any
valid CBOR within the limits) and strict where security depends on it: an optional CWT tag 61 around
the COSE_Sign1 (tag 18 or untagged), a protected header with `alg` ES256 or PS256, a kid in the
protected header (which decides) or else the unprotected one, an embedded payload, a signature of the
algorithm's size. Claim types follow RFC 8392 and the HCERT specification, not a guess: `iat` and
`exp` are NumericDates (an integer or a finite floating-point number of seconds, untagged), `iss` is
text of any length, and the DCC may carry CBOR date/time values (tags 0 and 1).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from app.certs.errors import MalformedCertificate, TrustListError
from app.ledger.cose import sig_structure

CWT_TAG = 61
COSE_SIGN1_TAG = 18
ALG_ES256 = -7
ALG_PS256 = -37
ALG_NAMES = {ALG_ES256: "ES256", ALG_PS256: "PS256"}
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_HCERT = 1, 4, 6, -260
MAX_DEPTH = 16
MAX_KID = 64
MAX_TIME = 1 << 40  # seconds; far beyond any certificate's life
KIND_OIDS = {
    # HCERT appendix A.4, and the variant with an extra ".0" arc that several member states issued.
    "test": ("1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"),
    "vaccination": ("1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"),
    "recovery": ("1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"),
}
_OID_KIND = {oid: kind for kind, oids in KIND_OIDS.items() for oid in oids}
_DCC_KINDS = {"v": "vaccination", "t": "test", "r": "recovery"}


@dataclass(frozen=True)
class TrustedSigner:
    """A document signer certificate (DSC) from the trust list, with its HCERT kid."""

    kid: bytes
    certificate: x509.Certificate

    @property
    def subject(self) -> str:
        """The DSC's subject, for messages."""
        return self.certificate.subject.rfc4514_string()

    def allowed_kinds(self) -> frozenset[str] | None:
        """The certificate kinds its extended key usage allows, or None when it does not restrict them."""
        try:
            eku = self.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return None
        kinds = frozenset(_OID_KIND[oid.dotted_string] for oid in eku if oid.dotted_string in _OID_KIND)
        return kinds or None


@dataclass(frozen=True)
class HcertMessage:
    """A decoded HCERT: its COSE parts and its claims, not yet verified."""

    protected_bytes: bytes
    alg: int
    kid: bytes
    payload: bytes
    signature: bytes
    issuer: str | None
    issued_at: float
    expires: float
    hcert: dict[Any, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """'vaccination', 'test', 'recovery', or 'unknown' when the DCC holds none or several of them."""
        dcc = self.hcert.get(1)
        found = [kind for key, kind in _DCC_KINDS.items() if isinstance(dcc, Mapping) and dcc.get(key)]
        return found[0] if len(found) == 1 else "unknown"

    def to_be_signed(self) -> bytes:
        """Return the Sig_structure the signature covers."""
        return sig_structure(self.protected_bytes, self.payload)

    def claims_json(self) -> dict[str, Any]:
        """Return the claims as JSON-ready values."""
        return {
            "issuer": self.issuer,
            "issued_at": datetime.fromtimestamp(self.issued_at, UTC).isoformat(),
            "expires": datetime.fromtimestamp(self.expires, UTC).isoformat(),
            "kind": self.kind,
            "kid": self.kid.hex(),
            "alg": ALG_NAMES[self.alg],
            "hcert": json_safe(self.hcert),
        }


def json_safe(value: Any) -> Any:
    """Return decoded CBOR as JSON-ready values: bytes as hex, map keys as text."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, date):  # datetime is a date too; a tag 0/1 value in the DCC
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def load_trust_list(items: Iterable[bytes]) -> list[TrustedSigner]:
    """Parse PEM (one or several certificates) or DER X.509 DSCs; raise TrustListError for anything else."""
    signers = []
    for n, data in enumerate(items):
        if not isinstance(data, bytes | bytearray):
            raise TrustListError(f"trust-list item {n} must be bytes")
        try:
            certs = (
                x509.load_pem_x509_certificates(bytes(data))
                if b"-----BEGIN" in data
                else [x509.load_der_x509_certificate(bytes(data))]
            )
        except ValueError as exc:
            raise TrustListError(f"trust-list item {n} is not a PEM or DER X.509 certificate: {exc}") from None
        for cert in certs:
            try:
                _ = cert.extensions  # parsed lazily: a DSC whose extensions we cannot read restricts nothing
            except ValueError as exc:
                raise TrustListError(f"trust-list item {n} has extensions that are not valid DER: {exc}") from None
            der = cert.public_bytes(Encoding.DER)
            signers.append(TrustedSigner(hashlib.sha256(der).digest()[:8], cert))
    return signers


def _fail(message: str) -> MalformedCertificate:
    return MalformedCertificate(f"HCERT: {message}")


def _check_plain(value: Any, depth: int = 0) -> None:
    """Refuse nesting beyond MAX_DEPTH (also ending any shared-reference cycle) and values no DCC holds."""
    if depth > MAX_DEPTH:
        raise _fail(f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_plain(k, depth + 1)
            _check_plain(v, depth + 1)
    elif isinstance(value, list | tuple):
        for v in value:
            _check_plain(v, depth + 1)
    elif not isinstance(value, int | float | str | bytes | bool | type(None) | date):
        raise _fail(f"unexpected CBOR value of type {type(value).__name__}")


def loads_cbor(data: bytes, what: str) -> Any:
    """Decode exactly one (not necessarily deterministic) CBOR item, or raise MalformedCertificate."""
    if not data:
        raise _fail(f"{what} is empty")
    fp = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(fp).decode()
    except RecursionError:
        raise _fail(f"{what} nests too deeply") from None
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, MemoryError, EOFError, LookupError) as exc:
        raise _fail(f"{what} is not well-formed CBOR: {exc}") from None
    if fp.tell() != len(data):
        raise _fail(f"{len(data) - fp.tell()} bytes follow the CBOR item in {what}")
    return item


def _numeric_date(claims: Mapping[Any, Any], key: int, name: str) -> float:
    """Return a NumericDate claim (RFC 8392 section 2: an integer or floating-point number, untagged)."""
    value = claims.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"claim {name} must be a NumericDate (an untagged integer or floating-point number)")
    if not 0 <= value < MAX_TIME:  # also refuses NaN, which compares false with everything
        raise _fail(f"claim {name} is a NumericDate out of range")
    return value


def decode_hcert(cose_bytes: bytes) -> HcertMessage:
    """Decode an HCERT COSE_Sign1 (optionally inside CWT tag 61), or raise MalformedCertificate."""
    item = loads_cbor(cose_bytes, "the COSE message")
    if isinstance(item, cbor2.CBORTag) and item.tag == CWT_TAG:
        item = item.value
    if isinstance(item, cbor2.CBORTag):
        if item.tag != COSE_SIGN1_TAG:
            raise _fail(f"CBOR tag {item.tag} where a COSE_Sign1 (tag 18) was expected")
        item = item.value
    if not isinstance(item, list | tuple) or len(item) != 4:
        raise _fail("a COSE_Sign1 is an array of 4 items")
    _check_plain(item)
    protected_bytes, unprotected, payload, signature = item
    if not isinstance(protected_bytes, bytes) or not protected_bytes:
        raise _fail("the protected header must be a non-empty byte string")
    if not isinstance(unprotected, Mapping):
        raise _fail("the unprotected header must be a map")
    if not isinstance(payload, bytes):
        raise _fail("the payload must be an embedded byte string")
    if not isinstance(signature, bytes):
        raise _fail("the signature must be a byte string")
    protected = loads_cbor(protected_bytes, "the protected header")
    if not isinstance(protected, Mapping):
        raise _fail("the protected header must encode a map")
    _check_plain(protected)
    if 2 in protected:
        raise _fail("critical headers are not supported")
    alg = protected.get(1)
    if type(alg) is not int or alg not in ALG_NAMES:  # a list or map here is unhashable, a bool is not an alg
        raise _fail(f"algorithm {alg!r} is neither ES256 (-7) nor PS256 (-37), or not in the protected header")
    kid = protected[4] if 4 in protected else unprotected.get(4)
    if not isinstance(kid, bytes) or not 0 < len(kid) <= MAX_KID:
        raise _fail(f"the kid must be a byte string of 1 to {MAX_KID} bytes")
    if alg == ALG_ES256 and len(signature) != 64:
        raise _fail(f"an ES256 signature is 64 bytes, got {len(signature)}")
    if alg == ALG_PS256 and not 256 <= len(signature) <= 512:
        raise _fail(f"a PS256 signature is 256 to 512 bytes, got {len(signature)}")
    claims = loads_cbor(payload, "the CWT claims")
    if not isinstance(claims, Mapping):
        raise _fail("the CWT claims must be a map")
    _check_plain(claims)
    iss = claims.get(CLAIM_ISS)
    if iss is not None and not isinstance(iss, str):  # a StringOrURI; HCERT sets no length limit
        raise _fail("the iss claim must be text")
    hcert = claims.get(CLAIM_HCERT)
    if not isinstance(hcert, Mapping) or not isinstance(hcert.get(1), Mapping):
        raise _fail("the hcert claim (-260) must hold an EU DCC map under key 1")
    return HcertMessage(
        protected_bytes,
        alg,
        kid,
        payload,
        signature,
        iss,
        _numeric_date(claims, CLAIM_IAT, "iat"),
        _numeric_date(claims, CLAIM_EXP, "exp"),
        dict(hcert),
    )


def signature_verifies(message: HcertMessage, signer: TrustedSigner) -> bool:
    """Return True if the DSC's public key, of the kind the algorithm needs, verifies the signature."""
    key = signer.certificate.public_key()
    data = message.to_be_signed()
    try:
        if message.alg == ALG_ES256:
            if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
                return False
            r, s = int.from_bytes(message.signature[:32], "big"), int.from_bytes(message.signature[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        else:
            if not isinstance(key, rsa.RSAPublicKey) or key.key_size // 8 != len(message.signature):
                return False
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
            key.verify(message.signature, data, pss, hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def signer_window(signer: TrustedSigner) -> tuple[datetime, datetime]:
    """Return the DSC's validity window (UTC)."""
    return signer.certificate.not_valid_before_utc, signer.certificate.not_valid_after_utc
