"""Render a certificate: its QR code as PNG and SVG (segno), and a printable A6 PDF card (fpdf2, Noto CJK).

QR choice: alphanumeric mode (base45 is exactly the QR alphanumeric set, 5.5 bits per character),
error-correction level Q (25 % of the code may be damaged, as HCERT recommends for codes shown on
cracked phone screens and printed on cheap paper), and the smallest version that fits. A typical
certificate is about 410 characters: version 15, 77 x 77 modules, which a phone shows at 5+ px per
module and the card prints at 60 mm (0.7 mm per module). `MAX_VERSION` keeps certificates small.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import segno

from app.atomic_file import write_atomic
from app.catalogue.cert_types import policy
from app.certs.claims import CertClaims, iso_seconds
from app.certs.errors import IssueError

if TYPE_CHECKING:  # fpdf (with fontTools) costs 0.3 s and 35 MB: loaded only when a card is printed
    from fpdf import FPDF

ERROR_LEVEL = "Q"
MAX_VERSION = 20
QUIET_ZONE = 4
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX = 2  # Noto Sans CJK SC within the collection
FALLBACK_FONT = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
CARD_MM = (148.0, 105.0)  # A6 landscape
QR_MM = 60.0
FIELD_LABELS = {
    "name": ("姓名 / 名称", "Name"),
    "region": ("地区", "Region"),
    "relation": ("与户主关系", "Relation"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "scope": ("经营范围", "Scope"),
    "period": ("所属期", "Period"),
    "property_ref": ("不动产单元号", "Property"),
    "share": ("份额", "Share"),
    "spouse": ("配偶", "Spouse"),
    "registered_on": ("登记日期", "Registered"),
}


def qr_code(text: str) -> segno.QRCode:
    """Return the QR code of a certificate text: alphanumeric mode, level Q, smallest version."""
    try:
        code = segno.make_qr(text, mode="alphanumeric", error=ERROR_LEVEL, boost_error=False)
    except (segno.DataOverflowError, ValueError) as exc:
        raise IssueError(f"the certificate does not fit a QR code: {exc}") from None
    if code.version > MAX_VERSION:
        raise IssueError(f"the certificate needs QR version {code.version}; the limit is {MAX_VERSION}")
    return code


def png_bytes(text: str, scale: int = 8) -> bytes:
    """Return the QR code as PNG bytes, `scale` pixels per module."""
    buf = io.BytesIO()
    qr_code(text).save(buf, kind="png", scale=scale, border=QUIET_ZONE)
    return buf.getvalue()


def svg_bytes(text: str, scale: int = 4) -> bytes:
    """Return the QR code as SVG bytes."""
    buf = io.BytesIO()
    qr_code(text).save(buf, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=True)
    return buf.getvalue()


def write_png(text: str, path: Path, scale: int = 8) -> None:
    """Write the QR code as a PNG file, atomically."""
    write_atomic(path, png_bytes(text, scale))


def write_svg(text: str, path: Path) -> None:
    """Write the QR code as an SVG file, atomically."""
    write_atomic(path, svg_bytes(text))


def _dark_runs(code: segno.QRCode) -> Iterator[tuple[int, int, int]]:
    """Yield (row, first column, length) of each horizontal run of dark modules."""
    for y, row in enumerate(code.matrix):
        x = 0
        while x < len(row):
            if row[x] & 1:
                start = x
                while x < len(row) and row[x] & 1:
                    x += 1
                yield y, start, x - start
            else:
                x += 1


def _font(pdf: FPDF) -> str:
    if CJK_FONT.exists():
        pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=CJK_FONT_INDEX)
    elif FALLBACK_FONT.exists():
        pdf.add_font("cjk", fname=str(FALLBACK_FONT))
    else:
        raise IssueError(f"no CJK font found: install fonts-noto-cjk ({CJK_FONT})")
    return "cjk"


def pdf_card(claims: CertClaims, text: str) -> bytes:
    """Return a printable A6 card (PDF) with the certificate's type, display fields, dates and its QR code."""
    from fpdf import FPDF

    code = qr_code(text)
    pdf = FPDF(orientation="L", unit="mm", format=(CARD_MM[1], CARD_MM[0]))
    pdf.set_auto_page_break(False)
    pdf.set_margins(6, 6, 6)
    pdf.add_page()
    pdf.set_title(f"{policy(claims.cert_type).name_en} {claims.serial}")
    pdf.set_creator("govdesk")
    family = _font(pdf)
    p = policy(claims.cert_type)
    pdf.set_draw_color(40, 60, 120)
    pdf.rect(3, 3, CARD_MM[0] - 6, CARD_MM[1] - 6)
    pdf.set_xy(7, 8)
    pdf.set_font(family, size=15)
    pdf.cell(75, 8, p.name_zh, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(7)
    pdf.set_font(family, size=8)
    pdf.cell(75, 4, p.name_en, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for key, value in claims.display.items():
        zh, en = FIELD_LABELS.get(key, (key, key))
        pdf.set_x(7)
        pdf.set_font(family, size=7)
        pdf.cell(75, 3.5, f"{zh}  {en}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(7)
        pdf.set_font(family, size=11)
        pdf.cell(75, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=7)
    for label, value in (
        ("签发机关 Issuer", claims.issuer),
        ("签发日期 Issued", iso_seconds(claims.issued_at)[:10]),
        ("有效期至 Valid until", iso_seconds(claims.expires)[:10]),
        ("编号 Serial", claims.serial),
    ):
        pdf.set_x(7)
        pdf.cell(75, 3.8, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    size = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    module = QR_MM / size
    left, top = CARD_MM[0] - 6 - QR_MM, (CARD_MM[1] - QR_MM) / 2
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(left, top, QR_MM, QR_MM, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row, col, length in _dark_runs(code):
        pdf.rect(left + (col + QUIET_ZONE) * module, top + (row + QUIET_ZONE) * module, length * module, module, "F")
    return bytes(pdf.output())


def write_pdf_card(claims: CertClaims, text: str, path: Path) -> None:
    """Write the printable card as a PDF file, atomically."""
    write_atomic(path, pdf_card(claims, text))
