"""Receipts and notices printed at the counter (issue 19): the panel follows the form's service and case, the clerk
ticks the materials received, and the 受理回执 or the 一次性告知单 goes through Qt's print system (to a PDF here, read
back with pdftotext): the case number, the service code, the materials and the window; nothing printed when the
clerk cancels the print dialog."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from app.hall.notices import NoticeKind
from app.office import ServiceDirectory
from tests.test_hall_notices import RADICALS
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.notice_panel import NoticePanel
from ui.notice_printer import a4_printer

__all__ = ["dangling_threads", "dangling_timers"]
SERVICES = ServiceDirectory()
SERVICE = next(s for s in SERVICES.catalogue.services if len(s.materials) >= 3)
CASE = "C0123456789AB"


def _text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text).translate(RADICALS)  # the CJK font's text layer: see that module


@pytest.fixture
def printed() -> list[Path]:
    """Where the panel's prints went (the print dialog's answer: a PDF file each time)."""
    return []


def pdf_printers(printed: list[Path], folder: Path) -> Callable[[object], QPrinter]:
    """The print dialog's answer, each time: a new PDF file in `folder` (listed in `printed`)."""

    def to_pdf(_parent: object) -> QPrinter:
        printer = a4_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printed.append(folder / f"print-{len(printed)}.pdf")
        printer.setOutputFileName(str(printed[-1]))
        return printer

    return to_pdf


@pytest.fixture
def panel(qtbot, tmp_path: Path, printed: list[Path]) -> NoticePanel:
    widget = NoticePanel(SERVICES, "zh_CN", pdf_printers(printed, tmp_path))
    widget.window_number = lambda: 3
    qtbot.addWidget(widget)
    return widget


def _tick(panel: NoticePanel, count: int) -> None:
    for i in range(count):
        panel.materials.item(i).setCheckState(Qt.CheckState.Checked)


def test_a_one_time_notice_lists_what_is_missing_and_a_receipt_needs_every_material(qtbot, panel, printed) -> None:
    assert not panel.receipt_button.isEnabled() and not panel.notice_button.isEnabled()  # no service yet
    panel.show_for(SERVICE, None)
    names = [SERVICES.catalogue.materials[m.id].zh for m in SERVICE.materials]
    assert [panel.materials.item(i).text() for i in range(panel.materials.count())] == names
    _tick(panel, 1)
    assert panel.notice_button.isEnabled() and not panel.receipt_button.isEnabled()  # no case, materials missing
    with qtbot.waitSignal(panel.printed) as notice:
        panel.notice_button.click()
    assert notice.args[0].kind is NoticeKind.ONE_TIME_NOTICE
    text = _text(printed[-1])
    assert "一次性告知单" in text and "3号窗口" in text
    assert names[0] not in text and all(name in text for name in names[1:])  # only what is still missing

    panel.show_for(SERVICE, CASE)  # the case is accepted: the ticks stay (same service)
    assert not panel.receipt_button.isEnabled()
    _tick(panel, len(SERVICE.materials))
    assert panel.receipt_button.isEnabled() and not panel.notice_button.isEnabled()
    with qtbot.waitSignal(panel.printed):
        panel.receipt_button.click()
    text = _text(printed[-1])
    assert "受理回执" in text and CASE in text and SERVICE.code.implementation in text
    assert all(name in text for name in names) and "预计办结日期" in text

    panel.set_language("en")  # the names follow the clerk's language; the ticks stay
    english = [SERVICES.catalogue.materials[m.id].en for m in SERVICE.materials]
    assert [panel.materials.item(i).text() for i in range(panel.materials.count())] == english
    assert panel.receipt_button.isEnabled()
    panel.show_for(None, None)  # the next citizen: nothing of the previous one
    assert panel.materials.count() == 0 and not panel.notice_button.isEnabled()


def test_a_cancelled_print_prints_nothing_and_no_window_is_left_out(qtbot, tmp_path: Path) -> None:
    cancelled = NoticePanel(SERVICES, "zh_CN", lambda _parent: None)
    qtbot.addWidget(cancelled)
    cancelled.show_for(SERVICE, None)
    with qtbot.assertNotEmitted(cancelled.printed):
        cancelled.notice_button.click()
    printed: list[Path] = []
    # No hall: the window is not known, and the documents leave the line out.
    cancelled.choose_printer = pdf_printers(printed, tmp_path)
    with qtbot.waitSignal(cancelled.printed):
        cancelled.notice_button.click()
    text = _text(printed[-1])
    assert "一次性告知单" in text and "办理窗口" not in text and "号窗口" not in text
