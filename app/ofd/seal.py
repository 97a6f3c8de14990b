"""Make electronic seals (SESeal v4) and seal OFD documents with an SES_Signature v4 (GB/T 38540-2020).

The signing keys are the department's: a `SealSigner` holds the SM2 key and its certificate where
the department keeps them (its node or records office). A counter verifies; it never holds one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from app.ofd import der, gm
from app.ofd.build import NS, xml_part
from app.ofd.errors import IssueError
from app.ofd.ses import OID_SM2_SM3, OID_SM3

SIGNATURES_MEMBER = "Doc_0/Signs/Signatures.xml"
SEAL_TYPE_OFFICIAL = 1  # 单位印章 (an organisation's seal)


class SealSigner(Protocol):
    """An SM2 key with its certificate: signs with SM3 and the default signer ID, DER output."""

    certificate: bytes

    def sign(self, message: bytes) -> bytes:
        """Return the DER SM2 signature of `message`."""
        ...


@dataclass(frozen=True)
class SealRequest:
    """What a seal says: its name, id, validity, picture, and whose certificate may use it."""

    name: str
    es_id: str
    vendor_id: str
    valid_from: datetime
    valid_until: datetime
    picture_png: bytes
    holder_certificate: bytes
    seal_type: int = SEAL_TYPE_OFFICIAL
    width_mm: int = 40
    height_mm: int = 40


def make_seal(request: SealRequest, maker: SealSigner, *, created: datetime | None = None) -> bytes:
    """The DER of an SESeal v4 for `request`, signed by the seal maker over (info, cert, algorithm)."""
    if request.valid_until <= request.valid_from:
        raise IssueError("the seal's validity ends before it starts", code="issue_refused")
    created = created or datetime.now(UTC)
    header = der.enc_sequence(der.enc_ia5("ES"), der.enc_integer(4), der.enc_ia5(request.vendor_id))
    cert_list = der.enc_sequence(der.enc_octets(request.holder_certificate))
    prop = der.enc_sequence(
        der.enc_integer(request.seal_type),
        der.enc_utf8(request.name),
        der.enc_integer(1),
        cert_list,
        der.enc_generalized_time(created),
        der.enc_generalized_time(request.valid_from),
        der.enc_generalized_time(request.valid_until),
    )
    picture = der.enc_sequence(
        der.enc_ia5("PNG"),
        der.enc_octets(request.picture_png),
        der.enc_integer(request.width_mm),
        der.enc_integer(request.height_mm),
    )
    info = der.enc_sequence(header, der.enc_ia5(request.es_id), prop, picture)
    cert = der.enc_octets(maker.certificate)
    alg = der.enc_oid(OID_SM2_SM3)
    signature = maker.sign(der.enc_sequence(info, cert, alg))
    return der.enc_sequence(info, cert, alg, der.enc_bits(signature))


def seal_document(
    members: dict[str, bytes], seal: bytes, signer: SealSigner, *, signed_at: datetime | None = None
) -> dict[str, bytes]:
    """`members` plus one v4 seal signature covering every one of them (and the seal file)."""
    if any(name.startswith("Doc_0/Signs/") for name in members):
        raise IssueError("the document is already signed", code="issue_refused")
    signed_at = (signed_at or datetime.now(UTC)).replace(microsecond=0)
    sign_dir = "Doc_0/Signs/Sign_0"
    out = dict(members)
    out[f"{sign_dir}/Seal.esl"] = seal
    refs = "".join(
        f'<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{base64.b64encode(gm.sm3(data)).decode()}'
        "</ofd:CheckValue></ofd:Reference>"
        for name, data in out.items()
    )
    local_time = signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    signature_xml = xml_part(
        f'<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo>'
        '<ofd:Provider ProviderName="govdesk" Company="govdesk" Version="1"/>'
        f"<ofd:SignatureMethod>{OID_SM2_SM3}</ofd:SignatureMethod>"
        f"<ofd:SignatureDateTime>{local_time}</ofd:SignatureDateTime>"
        f'<ofd:References CheckMethod="{OID_SM3}">{refs}</ofd:References>'
        '<ofd:StampAnnot ID="1" PageRef="3" Boundary="140 230 40 40"/>'
        f"<ofd:Seal><ofd:BaseLoc>/{sign_dir}/Seal.esl</ofd:BaseLoc></ofd:Seal>"
        f"</ofd:SignedInfo><ofd:SignedValue>/{sign_dir}/SignedValue.dat</ofd:SignedValue></ofd:Signature>"
    )
    tbs = der.enc_sequence(
        der.enc_integer(4),
        seal,
        der.enc_generalized_time(signed_at),
        der.enc_bits(gm.sm3(signature_xml)),
        der.enc_ia5(f"/{sign_dir}/Signature.xml"),
    )
    signature = signer.sign(tbs)
    out[f"{sign_dir}/Signature.xml"] = signature_xml
    out[f"{sign_dir}/SignedValue.dat"] = der.enc_sequence(
        tbs, der.enc_octets(signer.certificate), der.enc_oid(OID_SM2_SM3), der.enc_bits(signature)
    )
    out[SIGNATURES_MEMBER] = xml_part(
        f'<ofd:Signatures xmlns:ofd="{NS}"><ofd:MaxSignId>1</ofd:MaxSignId>'
        f'<ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>'
    )
    return out
