"""Write an unsigned OFD document (GB/T 33190): pages of text and images, metadata and licence fields.

What a department issues is simple on purpose: one layer per page, text objects in a CJK font the
reader provides, one image per page if given, and the licence fields both as DocInfo custom data and
as a custom tag file (GB/T 36905), so any OFD reader shows it and a counter can read its fields.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from app.ofd.errors import IssueError

NS = "http://www.ofdspec.org/2016"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
FONT_SIZE_MM = 4.5
CHARS_PER_LINE = 40
LICENCE_TAG_NS = "urn:govdesk:licence:gbt36905"
LICENCE_TAG_NAMES = {
    "name": "证照名称",
    "number": "证照编号",
    "type_code": "证照类型代码",
    "holder": "持证主体",
    "holder_id": "持证主体代码",
    "issuer": "证照颁发机构",
    "issued_on": "证照颁发日期",
    "valid_from": "有效期起始日期",
    "valid_until": "有效期截止日期",
}


@dataclass(frozen=True)
class Page:
    """One page: paragraphs of text and an optional JPEG or PNG image below them."""

    paragraphs: tuple[str, ...]
    image: bytes | None = None
    image_kind: str = "JPEG"


@dataclass
class DocumentSpec:
    """Everything an issued document says: title, pages, licence fields (keys of LICENCE_TAG_NAMES)."""

    title: str
    pages: list[Page]
    licence: dict[str, str] = field(default_factory=dict)
    created: datetime | None = None
    doc_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def build_members(spec: DocumentSpec) -> dict[str, bytes]:
    """The members of the unsigned document, by canonical name, in writing order."""
    if not spec.pages:
        raise IssueError("a document needs at least one page", code="issue_refused")
    unknown = set(spec.licence) - set(LICENCE_TAG_NAMES)
    if unknown:
        raise IssueError(f"unknown licence fields {sorted(unknown)}", code="issue_refused")
    members: dict[str, bytes] = {}
    created = (spec.created or datetime.now()).strftime("%Y-%m-%d")
    custom = "".join(
        f"<ofd:CustomData Name={quoteattr(LICENCE_TAG_NAMES[k])}>{escape(v)}</ofd:CustomData>"
        for k, v in spec.licence.items()
    )
    members["OFD.xml"] = xml_part(
        f'<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{spec.doc_id}</ofd:DocID><ofd:Title>{escape(spec.title)}</ofd:Title>"
        f"<ofd:CreationDate>{created}</ofd:CreationDate><ofd:Creator>govdesk</ofd:Creator>"
        f"<ofd:CustomDatas>{custom}</ofd:CustomDatas></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"
    )
    next_id = 3
    pages_xml = []
    images_xml = []
    page_members: dict[str, bytes] = {}
    for index, page in enumerate(spec.pages):
        page_id = next_id
        next_id += 1
        image_id = None
        if page.image is not None:
            image_id = next_id
            next_id += 1
            ext = "png" if page.image_kind.upper() == "PNG" else "jpg"
            name = f"image_{image_id}.{ext}"
            images_xml.append(
                f'<ofd:MultiMedia ID="{image_id}" Type="Image" Format="{page.image_kind.upper()}">'
                f"<ofd:MediaFile>{name}</ofd:MediaFile></ofd:MultiMedia>"
            )
            page_members[f"Doc_0/Res/{name}"] = page.image
        pages_xml.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{index}/Content.xml"/>')
        page_members[f"Doc_0/Pages/Page_{index}/Content.xml"] = _page_content(page, image_id, next_id)
        next_id += 1 + sum(len(_lines(p)) for p in page.paragraphs)
    members["Doc_0/Document.xml"] = xml_part(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{next_id}</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_WIDTH_MM} {PAGE_HEIGHT_MM}</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(pages_xml)}</ofd:Pages>"
        "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>"
    )
    members["Doc_0/PublicRes.xml"] = xml_part(
        f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/><ofd:Font ID="2" FontName="黑体" FamilyName="黑体"/>'
        "</ofd:Fonts></ofd:Res>"
    )
    members["Doc_0/DocumentRes.xml"] = xml_part(
        f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>{"".join(images_xml)}</ofd:MultiMedias></ofd:Res>'
    )
    members["Doc_0/Tags/CustomTags.xml"] = xml_part(
        f'<ofd:CustomTags xmlns:ofd="{NS}"><ofd:CustomTag NameSpace="{LICENCE_TAG_NS}">'
        "<ofd:FileLoc>Licence.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"
    )
    fields = "".join(f"<{LICENCE_TAG_NAMES[k]}>{escape(v)}</{LICENCE_TAG_NAMES[k]}>" for k, v in spec.licence.items())
    members["Doc_0/Tags/Licence.xml"] = xml_part(f'<电子证照 xmlns="{LICENCE_TAG_NS}">{fields}</电子证照>')
    members.update(page_members)
    return members


def xml_part(body: str) -> bytes:
    """One XML part: the UTF-8 declaration and `body`."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _lines(paragraph: str) -> list[str]:
    return [paragraph[i : i + CHARS_PER_LINE] for i in range(0, len(paragraph), CHARS_PER_LINE)] or [""]


def _page_content(page: Page, image_id: int | None, first_id: int) -> bytes:
    objects = []
    y = 30.0
    next_id = first_id
    for paragraph in page.paragraphs:
        for line in _lines(paragraph):
            width = FONT_SIZE_MM * max(len(line), 1)
            objects.append(
                f'<ofd:TextObject ID="{next_id}" Boundary="20 {y:.1f} {width:.1f} {FONT_SIZE_MM * 1.4:.1f}" '
                f'Font="1" Size="{FONT_SIZE_MM}"><ofd:TextCode X="0" Y="{FONT_SIZE_MM}">{escape(line)}</ofd:TextCode>'
                "</ofd:TextObject>"
            )
            next_id += 1
            y += FONT_SIZE_MM * 1.6
        y += FONT_SIZE_MM
    if image_id is not None:
        objects.append(
            f'<ofd:ImageObject ID="{next_id}" ResourceID="{image_id}" Boundary="20 {y:.1f} 120 90" '
            f'CTM="120 0 0 90 0 0"/>'
        )
    return xml_part(
        f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{first_id - 1}">{"".join(objects)}'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )


def write_container(members: dict[str, bytes]) -> bytes:
    """The ZIP container of `members` (text deflated, images stored: they are compressed already)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            stored = name.endswith((".jpg", ".png", ".dat", ".esl"))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
