"""GB/T 35275 SignedData (the CMS shape with SM2/SM3 object identifiers) for OFD digital signatures.

An OFD digital signature (Type="Sign") signs Signature.xml. Producers put either the file's SM3
hash or the file itself as the signed content; with signed attributes, the signature covers the
attributes' DER (as a SET) and their messageDigest covers the content.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from app.ofd import der, gm
from app.ofd.errors import Asn1Error, OfdError

SIGNED_DATA_OIDS = {"1.2.156.10197.6.1.4.2.2", "1.2.840.113549.1.7.2"}
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
SM3_OIDS = {"1.2.156.10197.1.401"}
SM2_OIDS = {"1.2.156.10197.1.301.1", "1.2.156.10197.1.501"}


@dataclass(frozen=True)
class SignedData:
    """The one signer of a SignedData: its certificate, signature, and what the signature covers."""

    signer_cert: bytes
    signature: bytes
    signed_attrs: bytes | None
    message_digest: bytes | None
    signed_at: datetime | None
    content: bytes | None

    def verify(self, signer: gm.Certificate, signature_xml: bytes) -> bool:
        """True if the signature is the signer's over Signature.xml (its bytes or its SM3 hash)."""
        file_hash = gm.sm3(signature_xml)
        accepted = (signature_xml, file_hash, base64.b64encode(file_hash))
        if self.content is not None and self.content not in accepted:
            return False
        if self.signed_attrs is None:
            candidates = [self.content] if self.content is not None else list(accepted)
            return any(gm.verify_with_certificate(signer, c, self.signature) for c in candidates)
        if self.message_digest not in {gm.sm3(c) for c in accepted}:
            return False
        return gm.verify_with_certificate(signer, self.signed_attrs, self.signature)


def parse_signed_data(data: bytes) -> SignedData:
    """Read a ContentInfo holding SignedData with exactly one signer; a bare SM2 value raises `bare_signature`."""
    try:
        root = der.parse(data, limit=1024 * 1024)
    except Asn1Error:
        if len(data) == 64:
            raise OfdError("a bare r||s signature without a certificate", code="bare_signature") from None
        raise
    items = der.sequence(root, "ContentInfo", minimum=1, maximum=3)
    if items[0].is_universal(der.TAG_INTEGER):
        raise OfdError("a bare SM2 signature without a certificate", code="bare_signature")
    if der.oid(items[0], "contentType") not in SIGNED_DATA_OIDS or len(items) != 2:
        raise Asn1Error("ContentInfo does not hold SignedData")
    explicit = items[1]
    if explicit.tag_class != der.CONTEXT or explicit.tag != 0:
        raise Asn1Error("ContentInfo content is not [0]")
    (signed,) = explicit.children() if len(explicit.children()) == 1 else (None,)
    if signed is None:
        raise Asn1Error("ContentInfo [0] holds more than one value")
    body = der.sequence(signed, "SignedData", minimum=4, maximum=6)
    content = _encap_content(body[2])
    certs: list[bytes] = []
    signer_infos = body[-1]
    for node in body[3:-1]:
        if node.tag_class == der.CONTEXT and node.tag == 0:
            certs = [c.raw for c in node.children()]
    infos = der.expect(signer_infos, der.TAG_SET, "signerInfos").children()
    if len(infos) != 1:
        raise OfdError(f"{len(infos)} signers; an OFD signature has exactly one", code="signed_value_invalid")
    info = der.sequence(infos[0], "SignerInfo", minimum=5, maximum=7)
    serial = der.sequence(info[1], "IssuerAndSerialNumber", minimum=2, maximum=2)[1].content
    signer_cert = _find_signer(certs, serial)
    position = 3
    signed_attrs = message_digest = signed_at = None
    if info[3].tag_class == der.CONTEXT and info[3].tag == 0:
        attrs = info[3]
        signed_attrs = b"\x31" + attrs.raw[1:]
        message_digest, signed_at = _attributes(attrs)
        position = 4
    alg = der.oid(der.sequence(info[position], "digestEncryptionAlgorithm", minimum=1, maximum=2)[0], "alg")
    if alg not in SM2_OIDS:
        raise OfdError(f"signature algorithm {alg}", code="unsupported_algorithm")
    signature = der.octets(info[position + 1], "encryptedDigest")
    return SignedData(signer_cert, signature, signed_attrs, message_digest, signed_at, content)


def _encap_content(node: der.Node) -> bytes | None:
    items = der.sequence(node, "encapContentInfo", minimum=1, maximum=2)
    if len(items) == 1:
        return None
    inner = items[1].children()
    return der.octets(inner[0], "eContent") if inner else None


def _find_signer(certs: list[bytes], serial: bytes) -> bytes:
    for cert in certs:
        tbs = der.sequence(der.parse(cert), "Certificate", minimum=3, maximum=3)[0].children()
        offset = 1 if tbs and tbs[0].tag_class == der.CONTEXT else 0
        if tbs[offset].content == serial:
            return cert
    raise OfdError("the SignedData does not carry its signer's certificate", code="bare_signature")


def _attributes(attrs: der.Node) -> tuple[bytes | None, datetime | None]:
    digest = when = None
    for attr in attrs.children():
        pair = der.sequence(attr, "Attribute", minimum=2, maximum=2)
        kind = der.oid(pair[0], "attrType")
        values = der.expect(pair[1], der.TAG_SET, "attrValues").children()
        if not values:
            continue
        if kind == OID_MESSAGE_DIGEST:
            digest = der.octets(values[0], "messageDigest")
        elif kind == OID_SIGNING_TIME:
            when = der.time(values[0], "signingTime")
    return digest, when
