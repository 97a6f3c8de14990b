"""The national-cryptography operations the OFD verifier needs, over the SM2/SM3 primitives of app.ledger.

X.509 fields come from `cryptography` (it reads SM2 certificates but cannot use their keys); the SM2
public key point, the signature check and the chain step go through the SM2 primitives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from app.ofd import der
from app.ofd.errors import Asn1Error, OfdError

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"
MAX_CERT = 64 * 1024


def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905) of `data`."""
    return hashlib.new("sm3", data).digest()


def sm2_verify(public_point: bytes, message: bytes, signature: bytes) -> bool:
    """SM2 with SM3 and the default signer ID over `message`; `signature` is DER or r||s."""
    raise OfdError("SM2 primitives are not available yet", code="unsupported_algorithm")


@dataclass(frozen=True)
class Certificate:
    """An SM2 X.509 certificate: the fields a verdict shows and what a chain step needs."""

    der: bytes
    common_name: str
    subject_der: bytes
    issuer_der: bytes
    issuer_name: str
    serial_hex: str
    not_before: datetime
    not_after: datetime
    public_point: bytes
    tbs: bytes
    signature: bytes
    signature_alg: str
    is_ca: bool

    def valid_at(self, when: datetime) -> bool:
        """True if `when` lies within the certificate's validity."""
        return self.not_before <= when <= self.not_after


def load_certificate(data: bytes) -> Certificate:
    """Read an SM2 certificate from DER; anything else raises `OfdError(certificate_invalid)`."""
    if len(data) > MAX_CERT:
        raise OfdError("certificate larger than 64 KiB", code="certificate_invalid")
    try:
        root = der.parse(data)
        cert_items = der.sequence(root, "Certificate", minimum=3, maximum=3)
        tbs_items = der.sequence(cert_items[0], "TBSCertificate", minimum=6, maximum=11)
        offset = 1 if tbs_items[0].tag_class == der.CONTEXT and tbs_items[0].tag == 0 else 0
        issuer, subject, spki = tbs_items[offset + 2], tbs_items[offset + 4], tbs_items[offset + 5]
        spki_items = der.sequence(spki, "SubjectPublicKeyInfo", minimum=2, maximum=2)
        alg = der.sequence(spki_items[0], "AlgorithmIdentifier", minimum=1, maximum=2)
        key_alg = der.oid(alg[0], "algorithm")
        curve = der.oid(alg[1], "curve") if len(alg) == 2 else ""
        if key_alg != OID_EC_PUBLIC_KEY or curve != OID_SM2_CURVE:
            raise OfdError(f"not an SM2 public key ({key_alg} {curve})", code="certificate_invalid")
        point = der.bits(spki_items[1], "subjectPublicKey")
        if len(point) != 65 or point[0] != 4:
            raise OfdError("SM2 public key is not an uncompressed point", code="certificate_invalid")
        sig_alg = der.oid(der.sequence(cert_items[1], "signatureAlgorithm", minimum=1, maximum=2)[0], "alg")
        signature = der.bits(cert_items[2], "signatureValue")
        parsed = x509.load_der_x509_certificate(data)
        names = parsed.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        common_name = str(names[0].value) if names else parsed.subject.rfc4514_string()
        try:
            is_ca = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        return Certificate(
            der=data,
            common_name=common_name,
            subject_der=subject.raw,
            issuer_der=issuer.raw,
            issuer_name=parsed.issuer.rfc4514_string(),
            serial_hex=format(parsed.serial_number, "X"),
            not_before=parsed.not_valid_before_utc,
            not_after=parsed.not_valid_after_utc,
            public_point=point,
            tbs=cert_items[0].raw,
            signature=signature,
            signature_alg=sig_alg,
            is_ca=is_ca,
        )
    except Asn1Error as exc:
        raise OfdError(f"certificate: {exc.detail}", code="certificate_invalid") from exc
    except ValueError as exc:
        if isinstance(exc, OfdError):
            raise
        raise OfdError(f"certificate: {exc}", code="certificate_invalid") from exc


def verify_with_certificate(cert: Certificate, message: bytes, signature: bytes) -> bool:
    """True if `signature` (DER or r||s) is the certificate key's SM2 signature of `message`."""
    return sm2_verify(cert.public_point, message, signature)


def chains_to(cert: Certificate, roots: tuple[Certificate, ...], at: datetime | None) -> bool:
    """True if `cert` is a trusted root or is signed by one (valid at `at`) that is a CA."""
    for root in roots:
        if cert.der == root.der:
            return True
        if root.subject_der != cert.issuer_der or not root.is_ca:
            continue
        if at is not None and not root.valid_at(at):
            continue
        if cert.signature_alg == "1.2.156.10197.1.501" and sm2_verify(root.public_point, cert.tbs, cert.signature):
            return True
    return False
