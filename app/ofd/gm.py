"""The national-cryptography operations the OFD verifier needs, over the SM2/SM3 primitives of app.ledger.

Certificates are read with the strict DER reader (fields, the SM2 public point); the signature check and
the chain step go through the SM2 primitives of `app.ledger.sm2`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from app.ledger import sm2
from app.ledger.suites import Signer, suite_by_name
from app.ofd import der
from app.ofd.errors import Asn1Error, OfdError
from app.pki.sm2_x509 import CertificateError, Sm2Certificate, verify_chain
from app.pki.sm2_x509 import load_certificate as load_x509

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"
OID_COMMON_NAME = "2.5.4.3"
OID_SM2_SM3 = "1.2.156.10197.1.501"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
MAX_CERT = 64 * 1024


SM2_SUITE = suite_by_name("sm2-sm3")


def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905) of `data`."""
    return sm2.sm3(data)


def sm2_verify(public_point: bytes, message: bytes, signature: bytes) -> bool:
    """SM2 with SM3 and the default signer ID over `message`; `signature` is DER (seals, CMS) or r||s."""
    if len(signature) != 64:
        try:
            signature = sm2.der_to_rs(signature)
        except ValueError:
            return False
    return SM2_SUITE.verify(public_point, message, signature)


class Sm2SealSigner:
    """An SM2 key and its certificate, signing as seals and X.509 expect: SM3 with the default ID, DER output."""

    def __init__(self, certificate: bytes, private_scalar: bytes) -> None:
        cert = load_certificate(certificate)
        self._signer = SM2_SUITE.signer(private_scalar)
        if self._signer.public_key != cert.public_point:
            raise OfdError("the private key does not belong to the certificate", code="key_invalid")
        self.certificate = certificate

    def sign(self, message: bytes) -> bytes:
        """Return the DER SM2 signature of `message`."""
        return sm2.rs_to_der(self._signer.sign(message))

    @property
    def ledger_signer(self) -> Signer:
        """The same key as a ledger signer: an enrolled seal key (role `seal`) signs its documents' anchors."""
        return self._signer

    def __repr__(self) -> str:
        return "Sm2SealSigner(<department key>)"


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


@functools.lru_cache(maxsize=256)
def load_certificate(data: bytes) -> Certificate:
    """Read an SM2 certificate from DER; anything else raises `OfdError(certificate_invalid)`.

    Read with the strict DER reader rather than a general X.509 library: issuers' certificates in the
    wild break small DER rules (an encoded DEFAULT) that do not change what was signed.
    """
    if len(data) > MAX_CERT:
        raise OfdError("certificate larger than 64 KiB", code="certificate_invalid")
    try:
        cert_items = der.sequence(der.parse(data), "Certificate", minimum=3, maximum=3)
        tbs_items = der.sequence(cert_items[0], "TBSCertificate", minimum=6, maximum=11)
        offset = 1 if tbs_items[0].tag_class == der.CONTEXT and tbs_items[0].tag == 0 else 0
        serial = der.expect(tbs_items[offset], der.TAG_INTEGER, "serialNumber").content
        issuer, validity, subject, spki = (tbs_items[offset + i] for i in (2, 3, 4, 5))
        not_before, not_after = (
            der.time(t, "validity") for t in der.sequence(validity, "Validity", minimum=2, maximum=2)
        )
        spki_items = der.sequence(spki, "SubjectPublicKeyInfo", minimum=2, maximum=2)
        alg = der.sequence(spki_items[0], "AlgorithmIdentifier", minimum=1, maximum=2)
        key_alg = der.oid(alg[0], "algorithm")
        curve = der.oid(alg[1], "curve") if len(alg) == 2 and alg[1].is_universal(der.TAG_OID) else ""
        if key_alg != OID_EC_PUBLIC_KEY or curve != OID_SM2_CURVE:
            raise OfdError(f"not an SM2 public key ({key_alg} {curve})", code="certificate_invalid")
        point = der.bits(spki_items[1], "subjectPublicKey")
        if len(point) != 65 or point[0] != 4:
            raise OfdError("SM2 public key is not an uncompressed point", code="certificate_invalid")
        sig_alg = der.oid(der.sequence(cert_items[1], "signatureAlgorithm", minimum=1, maximum=2)[0], "alg")
        signature = der.bits(cert_items[2], "signatureValue")
        is_ca = _is_ca(tbs_items[offset + 6 :])
    except Asn1Error as exc:
        raise OfdError(f"certificate: {exc.detail}", code="certificate_invalid") from exc
    return Certificate(
        der=data,
        common_name=_common_name(subject),
        subject_der=subject.raw,
        issuer_der=issuer.raw,
        issuer_name=_common_name(issuer),
        serial_hex=serial.hex().upper(),
        not_before=not_before,
        not_after=not_after,
        public_point=point,
        tbs=cert_items[0].raw,
        signature=signature,
        signature_alg=sig_alg,
        is_ca=is_ca,
    )


def _common_name(name: der.Node) -> str:
    """The subject's commonName (or its last attribute, if it has none), decoded whatever its string type."""
    found = last = ""
    for rdn in der.expect(name, der.TAG_SEQUENCE, "Name").children():
        for attribute in der.expect(rdn, der.TAG_SET, "RDN").children():
            pair = der.sequence(attribute, "AttributeTypeAndValue", minimum=2, maximum=2)
            value = _string(pair[1])
            last = value
            if der.oid(pair[0], "type") == OID_COMMON_NAME:
                found = value
    return found or last


def _string(node: der.Node) -> str:
    codecs = {der.TAG_UTF8: "utf-8", der.TAG_PRINTABLE: "ascii", der.TAG_IA5: "ascii", 30: "utf-16-be", 20: "latin-1"}
    codec = codecs.get(node.tag) if node.tag_class == der.UNIVERSAL else None
    if codec is None:
        return node.content.hex()
    return node.content.decode(codec, errors="replace")


def _is_ca(rest: list[der.Node]) -> bool:
    for node in rest:
        if node.tag_class != der.CONTEXT or node.tag != 3:
            continue
        (extensions,) = node.children()
        for extension in der.expect(extensions, der.TAG_SEQUENCE, "Extensions").children():
            items = der.sequence(extension, "Extension", minimum=2, maximum=3)
            if der.oid(items[0], "extnID") != OID_BASIC_CONSTRAINTS:
                continue
            value = der.sequence(
                der.parse(der.octets(items[-1], "extnValue")), "BasicConstraints", minimum=0, maximum=2
            )
            return bool(value) and value[0].is_universal(der.TAG_BOOLEAN) and value[0].content != b"\x00"
    return False


def verify_with_certificate(cert: Certificate, message: bytes, signature: bytes) -> bool:
    """True if `signature` (DER or r||s) is the certificate key's SM2 signature of `message`."""
    return sm2_verify(cert.public_point, message, signature)


def chains_to(cert: Certificate, roots: tuple[Sm2Certificate, ...], at: datetime | None) -> bool:
    """True if `cert` chains to one of `roots` by the SM2 X.509 rules of app.pki, every link valid at `at`.

    A certificate that the strict X.509 reader refuses (some issuers encode DEFAULT values) cannot be
    chained: its signature may still verify, but its issuer is not trusted.
    """
    if not roots:
        return False
    path = _trusted_path(cert.der, tuple(root.der for root in roots))
    if path is None:
        return False
    when = at or path[0].not_before
    return all(link.valid_at(when) for link in path)


@functools.lru_cache(maxsize=512)
def _trusted_path(leaf_der: bytes, root_ders: tuple[bytes, ...]) -> tuple[Sm2Certificate, ...] | None:
    """The path from a leaf to a root, checked (signatures, CA, key usage, pathLen) at a time all its links
    share; remembered, because a department's certificates recur on every document it seals. The caller
    checks each link's validity at the signing time."""
    try:
        leaf = load_x509(leaf_der)
        roots = [load_x509(der_bytes) for der_bytes in root_ders]
        for root in roots:
            try:
                return tuple(verify_chain(leaf, [], [root], at=max(leaf.not_before, root.not_before)))
            except CertificateError:
                continue
    except CertificateError:
        return None
    return None
