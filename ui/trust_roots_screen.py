"""The administrator's trusted root certificates: the two lists, adding a root from a file, removing one.

Every change is confirmed on screen (ui/root_confirmation.py) with the root's subject, validity and SM3 and
SHA-256 fingerprints; the checks, storage and audit records are app's (app/trust_root_admin.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.beijing_time import shown_time
from app.pki.root_candidate import RootCandidate, fingerprint_text
from app.store.trust_roots import TrustedRoot
from app.trust_root_admin import TrustRootAdmin
from ui.background import BackgroundWork
from ui.refusal_text import describe
from ui.root_confirmation import RootConfirmation


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class TrustRootsScreen(QWidget):
    """Lists the roots of one trust list; adds one from a file or removes the selected one, each confirmed."""

    loaded = Signal()  # the table shows the list's roots
    changed = Signal()  # a root was added or removed (and the table reloaded)

    def __init__(
        self, admin: TrustRootAdmin, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trustRootsScreen")
        self.setWindowTitle(self.tr("Trusted root certificates"))
        self._admin = admin
        self._work = work
        self._language = language
        self.roots: list[TrustedRoot] = []
        self.confirmation: RootConfirmation | None = None
        self.file_dialog: QFileDialog | None = None
        intro = QLabel(
            self.tr(
                "Roots are not taken from the ledger: a department cannot vouch for the root that certifies it. "
                "Add a root only from a file your administration handed you, and compare its fingerprint."
            )
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.list_combo = QComboBox()
        self.list_combo.setObjectName("trustList")
        self.list_combo.addItem(self.tr("Department roots (certify department node keys)"), "department")
        self.list_combo.addItem(self.tr("Seal and e-invoice roots (certify seals and e-documents)"), "seal")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("trustRoots")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("SM3 fingerprint"), self.tr("Valid until"), self.tr("Added by"), self.tr("Note")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.tr("&Add from file…"))
        self.add_button.setObjectName("addRoot")
        self.remove_button = QPushButton(self.tr("&Remove…"))
        self.remove_button.setObjectName("removeRoot")
        self.remove_button.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("trustRootsMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list_combo)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.list_combo.currentIndexChanged.connect(lambda _i: self.load())
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        )
        self.add_button.clicked.connect(self.choose_file)
        self.remove_button.clicked.connect(self.remove_selected)

    def trust_list(self) -> str:
        """The list shown: `department` or `seal`."""
        return str(self.list_combo.currentData())

    def _list_name(self) -> str:
        return self.list_combo.currentText()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "hint")
        self.message.setText(text)
        self.message.style().polish(self.message)

    def _refused(self, error: Exception) -> None:
        self._say(self.tr("Nothing was changed: %1").replace("%1", describe(error, self._language)), error=True)

    def load(self) -> None:
        """Read the shown list's roots (database thread), then fill the table."""
        trust_list = self.trust_list()
        self._work.db(lambda: self._admin.roots(trust_list), self._show, self._refused, owner=self)

    def _show(self, roots: list[TrustedRoot]) -> None:
        self.roots = roots
        self.table.setRowCount(len(roots))
        for row, root in enumerate(roots):
            fingerprint = fingerprint_text(root.fingerprint)
            cells = [
                root.certificate.common_name,
                fingerprint,
                shown_time(_ms(root.certificate.not_after), self._language),
                root.added_by,
                root.label,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(fingerprint if column == 1 else text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.remove_button.setEnabled(False)
        self.loaded.emit()

    def choose_file(self) -> None:
        """Ask for the root's certificate file (PEM or DER), then examine it."""
        dialog = QFileDialog(self, self.tr("Root certificate file"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("Certificates (*.pem *.crt *.cer *.der)"), self.tr("All files (*)")])
        dialog.fileSelected.connect(self.examine_file)
        self.file_dialog = dialog
        dialog.open()

    def examine_file(self, path: str) -> None:
        """Check the file as a root of the shown list (database thread), then ask the administrator to confirm."""
        trust_list = self.trust_list()
        self._say(self.tr("Checking the certificate…"))
        self._work.db(
            lambda: self._admin.examine(trust_list, path),
            lambda candidate: self._confirm_add(trust_list, candidate),
            self._refused,
            owner=self,
        )

    def _confirm_add(self, trust_list: str, candidate: RootCandidate) -> None:
        self._say("")
        box = RootConfirmation(candidate.certificate, self._list_name(), self._language, adding=True, parent=self)
        name = candidate.common_name
        self._ask(
            box,
            self.tr("Not added."),
            lambda label: self._admin.add(trust_list, candidate, label),
            lambda: self.tr("Trusted: %1").replace("%1", name),
        )

    def remove_selected(self) -> None:
        """Ask the administrator to confirm removing the selected root."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.roots):
            return
        root = self.roots[rows[0].row()]
        trust_list = self.trust_list()
        when = shown_time(root.added_ms, self._language)
        added = self.tr("%1 by %2").replace("%1", when).replace("%2", root.added_by)
        box = RootConfirmation(
            root.certificate, self._list_name(), self._language, adding=False, added=added, parent=self
        )
        name = root.certificate.common_name
        self._ask(
            box,
            self.tr("Not removed."),
            lambda _label: self._admin.remove(trust_list, root.fingerprint),
            lambda: self.tr("No longer trusted: %1").replace("%1", name),
        )

    def _ask(
        self,
        box: RootConfirmation,
        declined: str,
        change: Callable[[str], object],
        done: Callable[[], str],
    ) -> None:
        """Open the confirmation; once confirmed, make the change (database thread, given the box's note)."""
        box.finished.connect(lambda result: self._answered(box, bool(result), declined, change, done))
        self.confirmation = box
        box.open()

    def _answered(
        self,
        box: RootConfirmation,
        yes: bool,
        declined: str,
        change: Callable[[str], object],
        done: Callable[[], str],
    ) -> None:
        if box is not self.confirmation:  # a late signal of an earlier box
            return
        self.confirmation = None
        box.deleteLater()
        if not yes:
            self._say(declined)
            return
        label = box.label()
        self._work.db(lambda: change(label), lambda _result: self._done(done()), self._refused, owner=self)

    def _done(self, text: str) -> None:
        self._say(text)
        self.loaded.connect(self._announce_change)
        self.load()

    def _announce_change(self) -> None:
        self.loaded.disconnect(self._announce_change)
        self.changed.emit()
