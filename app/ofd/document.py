"""The parts of an OFD document (GB/T 33190): OFD.xml, Document.xml, pages, Signatures.xml, Signature.xml.

Reading builds a plain model; nothing here judges a signature (that is `app.ofd.verify`).
"""

from __future__ import annotations

import base64
import binascii
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.ofd.container import OfdPackage, resolve
from app.ofd.errors import ContainerError, OfdError, StructureError, XmlError
from app.ofd.xml_reader import child, child_text, children, local, parse_xml

if TYPE_CHECKING:  # the element type only; parsing goes through app.ofd.xml_reader (defusedxml)
    import xml.etree.ElementTree as ET

MAX_PAGES = 10_000
MAX_SIGNATURES = 64
MAX_REFERENCES = 20_000
MAX_FIELDS = 512

# Licence fields (GB/T 36905 metadata) under the names producers use, in Chinese and English.
LICENCE_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("证照名称", "LicenseName", "licence_name", "Title"),
    "number": ("证照编号", "LicenseNumber", "licence_number", "LicenseCode", "发票号码"),
    "type_code": ("证照类型代码", "LicenseTypeCode"),
    "holder": ("持证主体", "LicenseHolder", "holder", "购买方名称"),
    "holder_id": ("持证主体代码", "LicenseHolderCode", "holder_id", "购买方纳税人识别号"),
    "issuer": ("证照颁发机构", "颁发机构", "IssuingAuthority", "issuer", "销售方名称"),
    "issued_on": ("证照颁发日期", "颁发日期", "IssueDate", "issued_on", "开票日期"),
    "valid_from": ("有效期起始日期", "ValidFrom", "valid_from"),
    "valid_until": ("有效期截止日期", "ValidUntil", "valid_until"),
}


@dataclass(frozen=True)
class Reference:
    """One file a signature covers, with the digest the signer recorded."""

    location: str
    member: str
    check_value: bytes


@dataclass(frozen=True)
class SignatureEntry:
    """One `<Signature>` of Signatures.xml and the parts its Signature.xml names."""

    id: str
    kind: str  # "Seal" or "Sign"
    signature_member: str
    signature_xml: bytes
    signed_value_member: str
    seal_member: str | None
    method: str
    check_method: str
    date_time: str
    provider: str
    references: tuple[Reference, ...]


@dataclass
class OfdDocument:
    """One document body: its metadata, licence fields, pages and signatures (parts read, not judged)."""

    doc_root: str
    doc_id: str = ""
    title: str = ""
    creation_date: str = ""
    custom_data: dict[str, str] = field(default_factory=dict)
    licence: dict[str, str] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    signatures_member: str | None = None
    signatures: list[SignatureEntry] = field(default_factory=list)
    signature_errors: list[tuple[str, str, OfdError]] = field(default_factory=list)


def read_document(package: OfdPackage) -> OfdDocument:
    """Read the first document body of `package` (the one a licence or invoice uses)."""
    root = _xml(package, "OFD.xml")
    if local(root.tag) != "OFD":
        raise StructureError("OFD.xml has no OFD root element", code="structure_invalid")
    body = child(root, "DocBody")
    if body is None:
        raise StructureError("OFD.xml has no DocBody", code="structure_invalid")
    doc_root_text = child_text(body, "DocRoot")
    if not doc_root_text:
        raise StructureError("DocBody has no DocRoot", code="structure_invalid")
    doc = OfdDocument(doc_root=resolve(doc_root_text))
    info = child(body, "DocInfo")
    if info is not None:
        doc.doc_id = child_text(info, "DocID") or ""
        doc.title = child_text(info, "Title") or ""
        doc.creation_date = child_text(info, "CreationDate") or ""
        datas = child(info, "CustomDatas")
        for item in children(datas, "CustomData") if datas is not None else []:
            if len(doc.custom_data) < MAX_FIELDS and item.get("Name"):
                doc.custom_data[item.get("Name", "")] = (item.text or "").strip()
    document_xml = _xml(package, doc.doc_root)
    doc_dir = posixpath.dirname(doc.doc_root)
    pages = child(document_xml, "Pages")
    for page in children(pages, "Page") if pages is not None else []:
        if len(doc.pages) >= MAX_PAGES:
            raise StructureError("too many pages", code="structure_invalid")
        if page.get("BaseLoc"):
            doc.pages.append(resolve(page.get("BaseLoc", ""), doc_dir))
    fields = dict(doc.custom_data)
    fields.update(_custom_tag_fields(package, document_xml, doc_dir))
    doc.licence = {key: fields[name] for key, names in LICENCE_KEYS.items() for name in names if name in fields}
    signatures_text = child_text(body, "Signatures")
    if signatures_text:
        doc.signatures_member = resolve(signatures_text)
        if package.has(doc.signatures_member):  # named but absent: an unsigned document (no signature to judge)
            _read_signatures(package, doc)
    return doc


def _xml(package: OfdPackage, member: str) -> ET.Element:
    if not package.has(member):
        raise StructureError(f"{member} is missing", code="member_missing")
    return parse_xml(package.read(member), member)


def _custom_tag_fields(package: OfdPackage, document_xml: ET.Element, doc_dir: str) -> dict[str, str]:
    """Values of the custom tag files (GB/T 36905 licence metadata): element local names to their text."""
    location = child_text(document_xml, "CustomTags")
    if not location:
        return {}
    out: dict[str, str] = {}
    try:
        index_member = resolve(location, doc_dir)
        index = _xml(package, index_member)
        for tag in children(index, "CustomTag"):
            file_loc = child_text(tag, "FileLoc")
            if not file_loc:
                continue
            tag_xml = _xml(package, resolve(file_loc, posixpath.dirname(index_member)))
            for element in tag_xml.iter():
                name = local(element.tag)
                if len(out) < MAX_FIELDS and element.text and element.text.strip() and len(element) == 0:
                    out.setdefault(name, element.text.strip())
    except (StructureError, XmlError, ContainerError):
        return out  # licence fields are a convenience; the signatures decide what the document is worth
    return out


def _read_signatures(package: OfdPackage, doc: OfdDocument) -> None:
    assert doc.signatures_member is not None
    index = _xml(package, doc.signatures_member)
    base = posixpath.dirname(doc.signatures_member)
    entries = children(index, "Signature")
    if len(entries) > MAX_SIGNATURES:
        raise StructureError(f"{len(entries)} signatures exceed {MAX_SIGNATURES}", code="structure_invalid")
    for entry in entries:
        sig_id = entry.get("ID", "")
        kind = entry.get("Type", "Seal")
        try:
            doc.signatures.append(_read_signature(package, entry, sig_id, kind, base))
        except (StructureError, XmlError, ContainerError) as exc:
            doc.signature_errors.append((sig_id, kind, exc))


def _read_signature(package: OfdPackage, entry: ET.Element, sig_id: str, kind: str, base: str) -> SignatureEntry:
    location = entry.get("BaseLoc")
    if not location:
        raise StructureError(f"signature {sig_id} has no BaseLoc", code="structure_invalid")
    member = resolve(location, base)
    raw = package.read(member) if package.has(member) else b""
    if not raw:
        raise StructureError(f"{member} is missing", code="member_missing")
    sig = parse_xml(raw, member)
    sig_dir = posixpath.dirname(member)
    info = child(sig, "SignedInfo")
    signed_value = child_text(sig, "SignedValue")
    if info is None or not signed_value:
        raise StructureError(f"{member} lacks SignedInfo or SignedValue", code="structure_invalid")
    refs_el = child(info, "References")
    if refs_el is None:
        raise StructureError(f"{member} has no References", code="structure_invalid")
    references = []
    for ref in children(refs_el, "Reference"):
        if len(references) >= MAX_REFERENCES:
            raise StructureError("too many references", code="structure_invalid")
        file_ref = ref.get("FileRef", "")
        value_text = child_text(ref, "CheckValue") or ""
        try:
            value = base64.b64decode(value_text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise StructureError(f"{member}: CheckValue of {file_ref} is not base64", code="structure_invalid") from exc
        references.append(Reference(file_ref, resolve(file_ref, sig_dir), value))
    seal_el = child(info, "Seal")
    seal_loc = child_text(seal_el, "BaseLoc") if seal_el is not None else None
    provider = child(info, "Provider")
    return SignatureEntry(
        id=sig_id,
        kind=kind,
        signature_member=member,
        signature_xml=raw,
        signed_value_member=resolve(signed_value, sig_dir),
        seal_member=resolve(seal_loc, sig_dir) if seal_loc else None,
        method=child_text(info, "SignatureMethod") or "",
        check_method=refs_el.get("CheckMethod", "MD5"),
        date_time=child_text(info, "SignatureDateTime") or "",
        provider=provider.get("ProviderName", "") if provider is not None else "",
        references=tuple(references),
    )
