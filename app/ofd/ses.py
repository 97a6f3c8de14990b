"""Electronic seal structures: GB/T 38540-2020 (version 4) and GM/T 0031-2014 (version 1), read from DER.

The reader keeps the raw bytes of every signed part (`TBS_Sign`, the seal information) so that a
verifier checks exactly what the signer signed, never a re-encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.ofd import der
from app.ofd.errors import Asn1Error

MAX_SES_INPUT = 2 * 1024 * 1024
MAX_PICTURE = 1024 * 1024

OID_SM2_SM3 = "1.2.156.10197.1.501"
OID_SM3 = "1.2.156.10197.1.401"


@dataclass(frozen=True)
class SealPicture:
    """The seal's image: its type (PNG, GIF, JPG, OFD, SVG), bytes, and size in millimetres."""

    kind: str
    data: bytes
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class Seal:
    """An electronic seal (SESeal): who it is, its validity, its picture, and the maker's signature."""

    version: int
    vendor_id: str
    es_id: str
    seal_type: int
    name: str
    holder_certs: tuple[bytes, ...]
    holder_cert_digests: tuple[tuple[str, bytes], ...]
    created: datetime
    valid_from: datetime
    valid_until: datetime
    picture: SealPicture
    maker_cert: bytes
    maker_alg: str
    maker_signature: bytes
    # What the seal maker signed: the standard's SEQUENCE{info, cert, alg} first, then the seal info alone
    # (some makers sign only SES_SealInfo).
    maker_signed_candidates: tuple[bytes, ...]
    raw: bytes = field(default=b"", compare=False)  # the SESeal's DER as it appears in the signature


@dataclass(frozen=True)
class SesSignature:
    """A seal signature (SES_Signature) of either version, with the raw DER of what was signed."""

    version: int
    seal: Seal
    signed_at: datetime
    data_hash: bytes
    property_info: str
    signer_cert: bytes
    alg: str
    signature: bytes
    tbs: bytes
    has_timestamp: bool


def parse_seal(data: bytes) -> Seal:
    """Parse an SESeal of version 4 or 1 from DER bytes; raise `Asn1Error` on anything else."""
    return _seal(der.parse(data, limit=MAX_SES_INPUT))


def parse_signature(data: bytes) -> SesSignature:
    """Parse an SES_Signature (version 4 or 1) from the bytes of SignedValue.dat."""
    root = der.parse(data, limit=MAX_SES_INPUT)
    items = der.sequence(root, "SES_Signature", minimum=2, maximum=5)
    tbs_items = der.sequence(items[0], "TBS_Sign", minimum=5, maximum=7)
    version = der.integer(tbs_items[0], "TBS_Sign.version")
    if len(items) == 2:
        return _signature_v1(items, tbs_items, version)
    return _signature_v4(items, tbs_items, version)


def _signature_v4(items: list[der.Node], tbs: list[der.Node], version: int) -> SesSignature:
    if len(items) < 4 or version < 4:
        raise Asn1Error(f"SES_Signature: version {version} with {len(items)} elements is neither v1 nor v4")
    if len(tbs) > 6:
        raise Asn1Error("TBS_Sign v4: too many elements")
    seal = _seal(tbs[1])
    signed_at = der.time(tbs[2], "TBS_Sign.timeInfo")
    data_hash = der.bits(tbs[3], "TBS_Sign.dataHash")
    prop = der.text(tbs[4], "TBS_Sign.propertyInfo")
    if len(tbs) == 6 and not (tbs[5].tag_class == der.CONTEXT and tbs[5].tag == 0):
        raise Asn1Error("TBS_Sign v4: unexpected element after propertyInfo")
    cert = der.octets(items[1], "SES_Signature.cert")
    alg = der.oid(items[2], "SES_Signature.signatureAlgID")
    signature = der.bits(items[3], "SES_Signature.signature")
    has_ts = False
    if len(items) == 5:
        if not (items[4].tag_class == der.CONTEXT and items[4].tag == 0):
            raise Asn1Error("SES_Signature: unexpected element after the signature")
        has_ts = True
    return SesSignature(version, seal, signed_at, data_hash, prop, cert, alg, signature, items[0].raw, has_ts)


def _signature_v1(items: list[der.Node], tbs: list[der.Node], version: int) -> SesSignature:
    if len(tbs) != 7:
        raise Asn1Error(f"TBS_Sign v1: {len(tbs)} elements, expected 7")
    seal = _seal(tbs[1])
    time_raw = der.bits_or_octets(tbs[2], "TBS_Sign.timeInfo")
    signed_at = der.parse_time_text(time_raw, utc_time=len(time_raw.rstrip(b"Z")) == 12, what="TBS_Sign.timeInfo")
    data_hash = der.bits_or_octets(tbs[3], "TBS_Sign.dataHash")
    prop = der.text(tbs[4], "TBS_Sign.propertyInfo")
    cert = der.octets(tbs[5], "TBS_Sign.cert")
    alg = der.oid(tbs[6], "TBS_Sign.signatureAlgorithm")
    signature = der.bits(items[1], "SES_Signature.signature")
    return SesSignature(version, seal, signed_at, data_hash, prop, cert, alg, signature, items[0].raw, False)


def _seal(node: der.Node) -> Seal:
    if node.is_universal(der.TAG_OCTET_STRING):
        node = der.parse(node.content, limit=MAX_SES_INPUT)
    items = der.sequence(node, "SESeal", minimum=2, maximum=4)
    info = der.sequence(items[0], "SES_SealInfo", minimum=4, maximum=5)
    header = der.sequence(info[0], "SES_Header", minimum=3, maximum=3)
    if der.text(header[0], "SES_Header.ID") != "ES":
        raise Asn1Error("SES_Header.ID is not 'ES'")
    version = der.integer(header[1], "SES_Header.version")
    vendor = der.text(header[2], "SES_Header.Vid")
    es_id = der.text(info[1], "SES_SealInfo.esID")
    picture = _picture(info[3])
    if len(items) == 4:
        prop = der.sequence(info[2], "SES_ESPropertyInfo", minimum=7, maximum=7)
        seal_type = der.integer(prop[0], "SES_ESPropertyInfo.type")
        name = der.text(prop[1], "SES_ESPropertyInfo.name")
        list_type = der.integer(prop[2], "SES_ESPropertyInfo.certListType")
        certs, digests = _cert_list(prop[3], list_type)
        created, start, end = (der.time(prop[i], "SES_ESPropertyInfo time") for i in (4, 5, 6))
        maker_cert = der.octets(items[1], "SESeal.cert")
        maker_alg = der.oid(items[2], "SESeal.signAlgID")
        maker_sig = der.bits(items[3], "SESeal.signedValue")
        candidates = (der.enc_sequence(items[0].raw, items[1].raw, items[2].raw), items[0].raw)
    elif len(items) == 2:
        prop = der.sequence(info[2], "SES_ESPropertyInfo", minimum=6, maximum=6)
        seal_type = der.integer(prop[0], "SES_ESPropertyInfo.type")
        name = der.text(prop[1], "SES_ESPropertyInfo.name")
        certs = tuple(der.octets(c, "SES_ESPropertyInfo.certList") for c in _seq(prop[2], "certList"))
        digests = ()
        created, start, end = (der.time(prop[i], "SES_ESPropertyInfo time") for i in (3, 4, 5))
        sign_info = der.sequence(items[1], "SES_SignInfo", minimum=3, maximum=3)
        maker_cert = der.octets(sign_info[0], "SES_SignInfo.cert")
        maker_alg = der.oid(sign_info[1], "SES_SignInfo.signatureAlgorithm")
        maker_sig = der.bits_or_octets(sign_info[2], "SES_SignInfo.signData")
        candidates = (der.enc_sequence(items[0].raw, sign_info[0].raw, sign_info[1].raw), items[0].raw)
    else:
        raise Asn1Error(f"SESeal: {len(items)} elements is neither v1 (2) nor v4 (4)")
    return Seal(
        version, vendor, es_id, seal_type, name, certs, digests, created, start, end, picture,
        maker_cert, maker_alg, maker_sig, candidates, node.raw,
    )  # fmt: skip


def _seq(node: der.Node, what: str) -> list[der.Node]:
    return der.sequence(node, what, minimum=0, maximum=der.MAX_CHILDREN)


def _cert_list(node: der.Node, list_type: int) -> tuple[tuple[bytes, ...], tuple[tuple[str, bytes], ...]]:
    if list_type == 1:
        return tuple(der.octets(c, "CertInfoList") for c in _seq(node, "CertInfoList")), ()
    if list_type == 2:
        digests = []
        for obj in _seq(node, "CertDigestList"):
            pair = der.sequence(obj, "CertDigestObj", minimum=2, maximum=2)
            digests.append((der.text(pair[0], "CertDigestObj.type"), der.octets(pair[1], "CertDigestObj.value")))
        return (), tuple(digests)
    raise Asn1Error(f"SES_ESPropertyInfo.certListType {list_type} is neither 1 nor 2")


def _picture(node: der.Node) -> SealPicture:
    items = der.sequence(node, "SES_ESPictrueInfo", minimum=4, maximum=4)
    kind = der.text(items[0], "SES_ESPictrueInfo.type")
    data = der.octets(items[1], "SES_ESPictrueInfo.data")
    if len(data) > MAX_PICTURE:
        raise Asn1Error("seal picture larger than 1 MiB", code="asn1_too_large")
    return SealPicture(kind, data, der.integer(items[2], "width"), der.integer(items[3], "height"))
