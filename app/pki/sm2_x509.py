"""SM2 X.509 certificates (RFC 5280 with the GB/T 20518 / GM/T 0015 profile): read, issue, verify chains.

Certificates are signed with SM2 over SM3 (OID 1.2.156.10197.1.501, no parameters), Z_A over the
default signer ID `1234567812345678` (what OpenSSL 3 and GmSSL use for certificates), signatures
DER-encoded as X.509 requires. `cryptography` reads the names, validity and extensions (it cannot
use SM2 keys); the public key and every signature go through `app.ledger.sm2`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from app.ledger import sm2
from app.pki import der

OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
MAX_CERTIFICATE_SIZE = 16 * 1024
MAX_CHAIN_LENGTH = 6
_SM2_WITH_SM3_ALG = der.sequence(der.oid(OID_SM2_WITH_SM3))
_KNOWN_CRITICAL = {ExtensionOID.BASIC_CONSTRAINTS, ExtensionOID.KEY_USAGE, ExtensionOID.EXTENDED_KEY_USAGE}
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----")


class CertificateError(ValueError):
    """A certificate is malformed, or a chain does not verify. `code` names the reason for the UI."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Sm2Certificate:
    """A parsed SM2 certificate: what a chain step and a verdict need."""

    der: bytes
    tbs: bytes
    signature: bytes  # r || s
    serial: int
    subject: x509.Name
    issuer: x509.Name
    not_before: datetime
    not_after: datetime
    public_key: bytes  # 04 || x || y
    is_ca: bool
    path_length: int | None
    key_usage: x509.KeyUsage | None

    @property
    def fingerprint(self) -> bytes:
        """SM3 of the certificate's DER: how an administrator confirms a root on screen."""
        return sm2.sm3(self.der)

    @property
    def sha256_fingerprint(self) -> bytes:
        """SHA-256 of the DER, as `openssl x509 -fingerprint -sha256` prints it."""
        return hashlib.sha256(self.der).digest()

    @property
    def common_name(self) -> str:
        """The subject's CN, or its RFC 4514 string when it has none."""
        names = self.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.subject.rfc4514_string()

    def valid_at(self, when: datetime) -> bool:
        """True if `when` lies within notBefore..notAfter."""
        return self.not_before <= when <= self.not_after

    def pem(self) -> str:
        """The certificate as PEM text."""
        body = base64.b64encode(self.der).decode()
        lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"


def read_certificates(data: bytes) -> list[bytes]:
    """Return the DER of each certificate in PEM text, or `data` itself if it is one DER certificate."""
    if len(data) > 64 * MAX_CERTIFICATE_SIZE:
        raise CertificateError("certificate_malformed", "input too large")
    if b"-----BEGIN" not in data:
        return [data]
    found = []
    for match in _PEM.finditer(data):
        try:
            found.append(base64.b64decode(b"".join(match.group(1).split()), validate=True))
        except (binascii.Error, ValueError):
            raise CertificateError("certificate_malformed", "bad base64 in PEM") from None
    if not found:
        raise CertificateError("certificate_malformed", "no CERTIFICATE block in the PEM text")
    return found


def load_certificate(data: bytes) -> Sm2Certificate:
    """Parse one SM2 certificate (DER or PEM); raise CertificateError with a code otherwise."""
    blobs = read_certificates(data)
    if len(blobs) != 1:
        raise CertificateError("certificate_malformed", "expected exactly one certificate")
    blob = blobs[0]
    if len(blob) > MAX_CERTIFICATE_SIZE:
        raise CertificateError("certificate_malformed", f"larger than {MAX_CERTIFICATE_SIZE} bytes")
    try:
        tag, start, end = der.read(blob)
        if tag != 0x30 or end != len(blob):
            raise der.DerError("not one SEQUENCE")
        parts = der.children(blob, start, end)
        if len(parts) != 3 or parts[0][0] != 0x30 or parts[2][0] != 0x03:
            raise der.DerError("a certificate is SEQUENCE { tbs, algorithm, signature }")
        tbs = blob[parts[0][1] : parts[0][3]]
        outer_alg = blob[parts[1][1] : parts[1][3]]
        signature_bits = blob[parts[2][2] : parts[2][3]]
        fields = der.children(tbs, *der.read(tbs)[1:])
        if len(fields) < 7 or fields[0][0] != 0xA0:
            raise der.DerError("only X.509 v3 certificates are accepted")
        inner_alg = tbs[fields[2][1] : fields[2][3]]
        spki = tbs[fields[6][1] : fields[6][3]]
        parsed = x509.load_der_x509_certificate(blob)
    except ValueError as exc:
        raise CertificateError("certificate_malformed", str(exc)) from None
    if outer_alg != _SM2_WITH_SM3_ALG or inner_alg != _SM2_WITH_SM3_ALG:
        raise CertificateError("certificate_unsupported_algorithm", "the signature algorithm is not SM2 with SM3")
    if parsed.version != x509.Version.v3:
        raise CertificateError("certificate_malformed", "only X.509 v3 certificates are accepted")
    try:
        public_key = sm2.public_key_from_spki(spki)
        if not signature_bits or signature_bits[0] != 0:
            raise ValueError("signature BIT STRING has unused bits")
        signature = sm2.der_to_rs(signature_bits[1:])
    except ValueError as exc:
        raise CertificateError("certificate_unsupported_algorithm", str(exc)) from None
    try:
        extensions = parsed.extensions
        basic = _extension(extensions, x509.BasicConstraints)
        usage = _extension(extensions, x509.KeyUsage)
    except (ValueError, x509.DuplicateExtension) as exc:
        raise CertificateError("certificate_malformed", f"extensions: {exc}") from None
    for extension in extensions:
        if extension.critical and extension.oid not in _KNOWN_CRITICAL:
            raise CertificateError("certificate_unknown_critical_extension", extension.oid.dotted_string)
    return Sm2Certificate(
        der=blob,
        tbs=tbs,
        signature=signature,
        serial=parsed.serial_number,
        subject=parsed.subject,
        issuer=parsed.issuer,
        not_before=parsed.not_valid_before_utc,
        not_after=parsed.not_valid_after_utc,
        public_key=public_key,
        is_ca=bool(basic and basic.ca),
        path_length=basic.path_length if basic else None,
        key_usage=usage,
    )


def _extension(extensions: x509.Extensions, kind: type) -> object | None:
    try:
        return extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def signed_by(certificate: Sm2Certificate, issuer_public_key: bytes) -> bool:
    """True if the certificate's SM2 signature verifies under `issuer_public_key` (ID 1234567812345678)."""
    return sm2.sm2_verify_with_id(issuer_public_key, certificate.tbs, certificate.signature, sm2.DEFAULT_SIGNER_ID)


def _key_identifier(public_key: bytes) -> bytes:
    # RFC 5280 4.2.1.2 method 1 uses SHA-1; GM/T 0015 lets the issuer choose: SM3, truncated to 20 bytes.
    return sm2.sm3(public_key)[:20]


def issue_certificate(
    issuer: sm2.Sm2Signer,
    issuer_name: x509.Name,
    subject_name: x509.Name,
    subject_public_key: bytes,
    *,
    serial: int,
    not_before: datetime,
    not_after: datetime,
    ca: bool,
    path_length: int | None = None,
) -> Sm2Certificate:
    """Return a v3 certificate for `subject_public_key`, signed by `issuer` with SM2/SM3."""
    if not 0 < serial < 1 << 159:
        raise CertificateError("certificate_malformed", "a serial number is positive and at most 20 bytes")
    if not_after <= not_before:
        raise CertificateError("certificate_malformed", "notAfter must follow notBefore")
    key_usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    extensions = [
        (ExtensionOID.BASIC_CONSTRAINTS, True, x509.BasicConstraints(ca=ca, path_length=path_length if ca else None)),
        (ExtensionOID.KEY_USAGE, True, key_usage),
        (ExtensionOID.SUBJECT_KEY_IDENTIFIER, False, x509.SubjectKeyIdentifier(_key_identifier(subject_public_key))),
        (
            ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
            False,
            x509.AuthorityKeyIdentifier(_key_identifier(issuer.public_key), None, None),
        ),
    ]
    encoded_extensions = der.sequence(
        *(
            der.sequence(
                der.oid(oid.dotted_string),
                *([der.tlv(0x01, b"\xff")] if critical else []),
                der.tlv(0x04, value.public_bytes()),
            )
            for oid, critical, value in extensions
        )
    )
    tbs = der.sequence(
        der.explicit(0, der.integer(2)),
        der.integer(serial),
        _SM2_WITH_SM3_ALG,
        issuer_name.public_bytes(),
        der.sequence(der.time(not_before), der.time(not_after)),
        subject_name.public_bytes(),
        sm2.public_key_to_spki(subject_public_key),
        der.explicit(3, encoded_extensions),
    )
    signature = sm2.rs_to_der(issuer.sign(tbs))
    return load_certificate(der.sequence(tbs, _SM2_WITH_SM3_ALG, der.bit_string(signature)))


def name(common_name: str, organization: str = "Beijing Municipal Government", country: str = "CN") -> x509.Name:
    """Return a subject or issuer name C=country, O=organization, CN=common_name."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_root(signer: sm2.Sm2Signer, common_name: str, *, now: datetime, days: int = 3650) -> Sm2Certificate:
    """Return a self-signed root CA certificate for the signer's key."""
    subject = name(common_name)
    return issue_certificate(
        signer,
        subject,
        subject,
        signer.public_key,
        serial=int.from_bytes(sm2.sm3(signer.public_key + common_name.encode())[:16], "big") or 1,
        not_before=now - timedelta(minutes=5),
        not_after=now + timedelta(days=days),
        ca=True,
    )


def verify_chain(
    leaf: Sm2Certificate,
    intermediates: list[Sm2Certificate],
    roots: list[Sm2Certificate],
    *,
    at: datetime,
    require_ca_leaf: bool = False,
) -> list[Sm2Certificate]:
    """Return the path leaf..root if `leaf` chains to one of `roots`, valid at `at`; raise CertificateError otherwise.

    Each issuer must be a CA (basicConstraints) allowed to sign certificates (keyUsage keyCertSign),
    within its pathLenConstraint; the leaf must be allowed digitalSignature (or be a CA if asked).
    """
    path = [leaf]
    current = leaf
    pool = [*intermediates]
    root_ders = {root.der for root in roots}
    while current.der not in root_ders:
        if len(path) > MAX_CHAIN_LENGTH:
            raise CertificateError("certificate_path_too_long", f"more than {MAX_CHAIN_LENGTH} certificates")
        issuer = _find_issuer(current, [*roots, *pool])
        if issuer is None:
            raise CertificateError("certificate_untrusted", f"no trusted issuer for {current.common_name!r}")
        path.append(issuer)
        pool = [c for c in pool if c.der != issuer.der]
        current = issuer
    for position, certificate in enumerate(path):
        if not certificate.valid_at(at):
            code = "certificate_expired" if at > certificate.not_after else "certificate_not_yet_valid"
            raise CertificateError(code, f"{certificate.common_name!r} is not valid at {at.isoformat()}")
        if position == 0:
            continue
        if not certificate.is_ca:
            raise CertificateError("certificate_not_ca", f"{certificate.common_name!r} is not a CA")
        if certificate.key_usage is not None and not certificate.key_usage.key_cert_sign:
            raise CertificateError("certificate_key_usage", f"{certificate.common_name!r} may not sign certificates")
        below = position - 1  # CA certificates below this one, not counting the leaf
        if certificate.path_length is not None and below > certificate.path_length:
            raise CertificateError("certificate_path_too_long", f"{certificate.common_name!r} pathLen exceeded")
    if require_ca_leaf and not leaf.is_ca:
        raise CertificateError("certificate_not_ca", f"{leaf.common_name!r} is not a CA")
    if not require_ca_leaf and leaf.key_usage is not None and not leaf.key_usage.digital_signature:
        raise CertificateError("certificate_key_usage", f"{leaf.common_name!r} may not make digital signatures")
    return path


def _find_issuer(certificate: Sm2Certificate, candidates: list[Sm2Certificate]) -> Sm2Certificate | None:
    for candidate in candidates:
        if candidate.subject == certificate.issuer and signed_by(certificate, candidate.public_key):
            return candidate
    if any(candidate.subject == certificate.issuer for candidate in candidates):
        raise CertificateError("certificate_bad_signature", f"the signature on {certificate.common_name!r} is invalid")
    return None
