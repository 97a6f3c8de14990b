"""Lays out a hall notice (受理回执, 一次性告知单, 不予受理通知书) and prints it through Qt's print system."""

from __future__ import annotations

import html
import io
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from app.hall.notices import Notice

QR_URL = "govdesk:qr.png"
FONT_FAMILY = "Noto Sans CJK SC"
# Ids are set in the monospace face: in the proportional CJK face, Qt picks digit glyphs after Latin letters that
# the PDF's text layer does not map back to digits (pdftotext read "GD-2026-000123" as "GD--").
ID_FONT_FAMILY = "Noto Sans Mono CJK SC"


def notice_html(notice: Notice) -> str:
    """Return the notice as simple HTML that QTextDocument lays out on an A4 page."""
    e = html.escape
    rows = "".join(
        f"<tr><td style='padding:4px 12px 4px 0; color:#333;'><b>{e(line.label)}</b></td>"
        + (
            f"<td style=\"font-family:'{ID_FONT_FAMILY}';\">{e(line.value)}</td></tr>"
            if line.is_id
            else f"<td>{e(line.value)}</td></tr>"
        )
        for line in notice.lines
    )
    items = "".join(f"<li>{e(item)}</li>" for item in notice.items)
    qr = f"<p align='right'><img src='{QR_URL}' width='120' height='120'><br/>扫码查询办理进度</p>" if notice.qr else ""
    return (
        f"<h1 align='center' style='font-size:22pt;'>{e(notice.title)}</h1>"
        f"<p align='center' style='color:#444;'>{e(notice.issuer)}</p>"
        f"<table cellspacing='0'>{rows}</table>"
        f"<h3>{e(notice.list_title)}</h3><ol>{items}</ol>"
        f"<p style='margin-top:16px;'>{e(notice.closing)}</p>{qr}"
        f"<p align='right' style='margin-top:24px;'>{e(notice.issuer)}（盖章）</p>"
    )


def notice_document(notice: Notice) -> QTextDocument:
    """Return the laid-out document, with the QR code of the case number as an image resource."""
    document = QTextDocument()
    font = QFont(FONT_FAMILY)
    font.setPointSize(11)
    document.setDefaultFont(font)
    if notice.qr:
        buffer = io.BytesIO()
        segno.make(notice.qr, error="m").save(buffer, kind="png", scale=6, border=2)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_URL), QImage.fromData(buffer.getvalue()))
    document.setHtml(notice_html(notice))
    return document


def a4_printer() -> QPrinter:
    """Return a high-resolution A4 printer with 20 mm margins (the system's default printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter)
    return printer


def print_notice(notice: Notice, printer: QPrinter) -> None:
    """Print the notice on `printer`."""
    notice_document(notice).print_(printer)


def print_notice_to_pdf(notice: Notice, path: Path) -> None:
    """Print the notice to a PDF file through the same print path."""
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    print_notice(notice, printer)
