"""The printed copy of an issued OFD e-licence: its fields, the seal picture, and a QR code naming the file.

The QR text `GDOFD1:<serial>:<SM3 of the OFD file, hex>` lets a counter find the department's
`cert.anchor` for the exact file in its replica; the printout is a pointer, the OFD file is the licence.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from app.certs import render
from app.ofd import gm
from app.ofd.build import LICENCE_TAG_NAMES
from app.ofd.errors import IssueError
from app.ofd.verdict import DocumentVerdict

if TYPE_CHECKING:  # fpdf costs 0.3 s and 35 MB: loaded only when a copy is printed
    from fpdf import FPDF

QR_PREFIX = "GDOFD1"
A4_MM = (210.0, 297.0)
QR_MM = 45.0


def qr_text(serial: str, ofd: bytes) -> str:
    """The QR text of a printed copy: prefix, serial and the file's SM3 digest (QR alphanumeric mode)."""
    if not serial.isalnum() or len(serial) > 64:
        raise IssueError("the document has no printable serial", code="issue_refused")
    return f"{QR_PREFIX}:{serial.upper()}:{gm.sm3(ofd).hex().upper()}"


def _font(pdf: FPDF) -> str:
    if render.CJK_FONT.exists():
        pdf.add_font("cjk", fname=str(render.CJK_FONT), collection_font_number=render.CJK_FONT_INDEX)
    elif render.FALLBACK_FONT.exists():
        pdf.add_font("cjk", fname=str(render.FALLBACK_FONT))
    else:
        raise IssueError(f"no CJK font found: install fonts-noto-cjk ({render.CJK_FONT})", code="issue_refused")
    return "cjk"


def printed_copy(ofd: bytes, verdict: DocumentVerdict) -> bytes:
    """An A4 PDF of a valid document's title, licence fields, seal picture and QR code; refuses an invalid one."""
    from fpdf import FPDF

    if not verdict.valid:
        raise IssueError(f"only a valid document is printed ({verdict.reason})", code="issue_refused")
    code = render.qr_code(qr_text(verdict.doc_id, ofd))
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_creator("govdesk")
    pdf.set_title(verdict.title or "OFD")
    family = _font(pdf)
    pdf.set_xy(20, 25)
    pdf.set_font(family, size=22)
    pdf.cell(170, 12, verdict.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    for key, value in verdict.licence.items():
        pdf.set_x(25)
        pdf.set_font(family, size=10)
        pdf.cell(45, 8, LICENCE_TAG_NAMES.get(key, key))
        pdf.set_font(family, size=13)
        pdf.cell(120, 8, value, new_x="LMARGIN", new_y="NEXT")
    seal = next((s.seal for s in verdict.signatures if s.seal is not None), None)
    if seal is not None and seal.picture_kind.upper() in ("PNG", "JPG", "JPEG"):
        pdf.image(io.BytesIO(seal.picture), x=135, y=180, w=40, h=40)
    pdf.set_font(family, size=8)
    pdf.set_xy(20, 270)
    note = "本打印件仅供查阅，以电子证照文件为准 / the OFD file is the licence"
    pdf.cell(170, 5, f"编号 Serial {verdict.doc_id} · {note}")
    size = code.symbol_size(scale=1, border=render.QUIET_ZONE)[0]
    module = QR_MM / size
    left, top = 20.0, 200.0
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(code.matrix):
        for col, dark in enumerate(line):
            if dark & 1:
                x, y = left + (col + render.QUIET_ZONE) * module, top + (row + render.QUIET_ZONE) * module
                pdf.rect(x, y, module, module, "F")
    return bytes(pdf.output())
