"""Receipts and notices at the counter (issue 19): tick the materials the citizen handed in, then print the 受理回执
of the case in the form, or the 一次性告知单 of every material still missing, through Qt's print system.

The documents themselves are built in app/hall/notices.py and laid out in ui/notice_printer.py; this panel only
follows the form (its service and case) and asks where to print.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.catalogue.catalogue import Service
from app.hall.notices import Notice, NoticeError, acceptance_receipt, one_time_notice
from app.office import ServiceDirectory
from ui.language_change import RetranslatedOnLanguageChange
from ui.notice_printer import a4_printer, print_notice


def printer_from_dialog(parent: QWidget) -> QPrinter | None:
    """Ask the clerk where to print (the system's print dialog, A4); None if they cancel."""
    printer = a4_printer()
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


class NoticePanel(RetranslatedOnLanguageChange, QGroupBox):
    """The service's materials to tick as received, and the two documents the counter prints from them."""

    printed = Signal(object)  # the Notice sent to the printer

    def __init__(
        self,
        services: ServiceDirectory,
        language: str,
        choose_printer: Callable[[QWidget], QPrinter | None] = printer_from_dialog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services  # its catalogue is read only once a service is chosen (loaded off the GUI thread)
        self.language = language
        self.choose_printer = choose_printer
        self.service: Service | None = None
        self.case_id: str | None = None
        # The window on the documents (from the hall); 0 while unknown (no hall): the documents leave that line out.
        self.window_number: Callable[[], int] = lambda: 0
        self.materials = QListWidget()
        self.materials.setMaximumHeight(96)
        self.materials.itemChanged.connect(lambda _item: self._refresh())
        self.receipt_button = QPushButton()
        self.receipt_button.clicked.connect(self.print_receipt)
        self.notice_button = QPushButton()
        self.notice_button.clicked.connect(self.print_missing)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()  # shown once there is something to say: the case column is tall already
        # The list beside its buttons: one row of the case column, not three.
        buttons = QVBoxLayout()
        buttons.addWidget(self.receipt_button)
        buttons.addWidget(self.notice_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.materials, 3)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.retranslate()
        self._refresh()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setTitle(self.tr("Materials received · receipts and notices"))
        self.receipt_button.setText(self.tr("Print acceptance receipt"))
        self.notice_button.setText(self.tr("Print one-time notice"))

    def show_for(self, service: Service | None, case_id: str | None) -> None:
        """Follow the form: its service (the materials to tick, kept while the service stays) and its case."""
        if service is None or self.service is None or service.id != self.service.id:
            self.materials.clear()
            for material in service.materials if service is not None else ():
                names = self._services.catalogue.materials[material.id]
                item = QListWidgetItem(names.zh if self.language == "zh_CN" else names.en)
                item.setData(Qt.ItemDataRole.UserRole, material.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.materials.addItem(item)
        if service is None or case_id != self.case_id:
            self.message.clear()
            self.message.hide()
        self.service, self.case_id = service, case_id
        self._refresh()

    def set_language(self, language: str) -> None:
        """Name the materials in `language` (the ticks stay)."""
        self.language = language
        materials = self._services.catalogue.materials if self.materials.count() else {}
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            names = materials[item.data(Qt.ItemDataRole.UserRole)]
            item.setText(names.zh if language == "zh_CN" else names.en)

    def received(self) -> list[str]:
        """The ids of the materials ticked as received."""
        items = (self.materials.item(i) for i in range(self.materials.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _refresh(self) -> None:
        complete = self.service is not None and len(self.received()) == len(self.service.materials)
        self.receipt_button.setEnabled(self.case_id is not None and complete)
        self.notice_button.setEnabled(self.service is not None and not complete)

    def print_receipt(self) -> None:
        """Print the 受理回执 of the case in the form (every material received)."""
        service, case_id = self.service, self.case_id
        if service is not None and case_id is not None:
            catalogue, received, window = self._services.catalogue, self.received(), self.window_number()
            self._print(lambda now: acceptance_receipt(catalogue, service.id, case_id, received, now, window))

    def print_missing(self) -> None:
        """Print the 一次性告知单 of every material not ticked."""
        service = self.service
        if service is not None:
            catalogue, received, window = self._services.catalogue, self.received(), self.window_number()
            self._print(lambda now: one_time_notice(catalogue, service.id, received, now, window))

    def _print(self, build: Callable[[int], Notice]) -> None:
        try:
            notice = build(time.time_ns() // 1_000_000)
        except NoticeError:
            self._say(self.tr("The document cannot be made from the materials ticked."))
            return
        printer = self.choose_printer(self)
        if printer is None:
            return
        print_notice(notice, printer)
        self._say(self.tr("Printed: %1").replace("%1", notice.title))
        self.printed.emit(notice)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
