"""The review's "refused entries" tab: every outbox entry a department's node refused, with the node's reason in
the reader's language, what the entry was and who signed it; a supervisor sets one aside (Ctrl+D, confirmed).
The work runs in app.review on the database thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.beijing_time import beijing
from app.office import ReviewService
from app.protocol.departments import all_departments
from app.review import RefusedEntry
from app.review.texts import action_name, result_name, service_names
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.record_table import record_table
from ui.refusal_text import describe, describe_code

REASON_COLUMN = 6
STATE_COLUMN = 7


class RefusedEntriesPanel(RetranslatedOnLanguageChange, QWidget):
    """The refused outbox entries, open ones first in the pending count, and the supervisor's set-aside."""

    loaded = Signal(list)  # list[RefusedEntry]
    set_aside_done = Signal(object)  # RefusedEntry
    failed = Signal(str)

    def __init__(
        self, reviews: ReviewService, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        """Lay out the table, the hint and the set-aside button."""
        super().__init__(parent)
        self._reviews = reviews
        self._work = work
        self.language = language
        self.entries: list[RefusedEntry] = []
        self.confirmation: QMessageBox | None = None
        self.table = record_table(8, stretch_last=False)
        self.table.horizontalHeader().setSectionResizeMode(REASON_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.details = QLabel()  # the selected entry's reason in full (the column may cut it short)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.set_aside_button = QPushButton()
        self.set_aside_button.clicked.connect(self.set_aside_selected)
        self.set_aside_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.set_aside_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(bottom)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.hint.setText(
            self.tr("Entries a department's node refused stay in the outbox and count as waiting to be sent. Read "
                    "the node's reason; once the matter is dealt with, set the entry aside (Ctrl+D): it is kept, "
                    "no longer sent and no longer counted as waiting, and your decision is recorded.")
        )  # fmt: skip
        self.set_aside_button.setText(self.tr("Set aside… (Ctrl+D)"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Refused at (Beijing)"), self.tr("Department"), self.tr("Entry"), self.tr("Case"),
            self.tr("Signed by"), self.tr("Written at (Beijing)"), self.tr("Node's reason"), self.tr("State"),
        ])  # fmt: skip
        self.show_entries(self.entries)

    # -- loading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the refused entries on the database thread; `loaded` fires when they are shown."""
        reviews = self._reviews
        self._work.db(reviews.refused_entries, self._loaded, self._failed, owner=self)

    def _loaded(self, entries: list[RefusedEntry]) -> None:
        self.show_entries(entries)
        self.loaded.emit(entries)

    def _failed(self, error: Exception) -> None:
        text = describe(error, self.language)
        self.status_label.setText(self.tr("Error: %1").replace("%1", text))
        self.failed.emit(text)

    def entry_text(self, entry: RefusedEntry) -> str:
        """What the entry was: the case step and its service, or the kind of entry."""
        if entry.entry_type == "case.step" or entry.case_id:
            service = service_names(self.language).get(entry.service, entry.service)
            return f"{result_name(entry.step, self.language)} · {service}" if entry.step else service
        return action_name(entry.entry_type, self.language) if entry.entry_type else self.tr("Unreadable entry")

    def when(self, at_ms: int) -> str:
        """A time in Beijing, short: 2026年5月20日 16:45 (zh_CN) or 2026-05-20 16:45 (the header says Beijing)."""
        t = beijing(at_ms)
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}" if self.language == "zh_CN" else f"{t:%Y-%m-%d %H:%M}"

    def department_name(self, entry: RefusedEntry) -> str:
        """The department whose node refused the entry, by name."""
        for d in all_departments():
            if d.origin == entry.origin:
                return d.name_zh if self.language == "zh_CN" else d.name_en
        return entry.origin

    def show_entries(self, entries: list[RefusedEntry]) -> None:
        """Show these entries, open refusals and entries set aside alike."""
        self.entries = list(entries)
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            state = self.tr("Set aside") if e.set_aside else self.tr("Waiting for a decision")
            values = (self.when(e.refused_ms), self.department_name(e), self.entry_text(e), e.case_id or "—",
                      e.signer, self.when(e.written_ms), describe_code(e.code), state)  # fmt: skip
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, e.leaf_hash)
                item.setToolTip(f"{e.origin} · {e.code} · {e.leaf_hash.hex()[:16]}")
                self.table.setItem(row, column, item)
        waiting = sum(1 for e in self.entries if not e.set_aside)
        self.status_label.setText(
            self.tr("Refused entries waiting for a decision: %1; set aside: %2.")
            .replace("%1", str(waiting)).replace("%2", str(len(self.entries) - waiting))
        )  # fmt: skip
        if self.entries and not self.table.selectedItems():
            first_open = next((r for r, e in enumerate(self.entries) if not e.set_aside), 0)
            self.table.selectRow(first_open)
        self._selection_changed()

    def selected(self) -> RefusedEntry | None:
        """The entry of the selected row."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.entries[min(rows)] if rows and min(rows) < len(self.entries) else None

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.set_aside_button.setEnabled(entry is not None and not entry.set_aside)
        self.details.setText(
            ""
            if entry is None
            else self.tr("%1 · %2 · signed by %3. The node's reason: %4")
            .replace("%1", self.department_name(entry)).replace("%2", self.entry_text(entry))
            .replace("%3", entry.signer).replace("%4", describe_code(entry.code))
        )  # fmt: skip
        if entry is not None and entry.set_aside_ms is not None:
            self.details.setText(
                self.details.text() + " " + self.tr("Set aside by %1 at %2 (Beijing time).")
                .replace("%1", entry.set_aside_by or "—").replace("%2", self.when(entry.set_aside_ms))
            )  # fmt: skip

    # -- acting ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Ctrl+D sets the selected entry aside (after the confirmation)."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() == Qt.Key.Key_D:
            self.set_aside_selected()
            event.accept()
            return
        super().keyPressEvent(event)

    def set_aside_statement(self, entry: RefusedEntry) -> str:
        """What setting aside states: which entry, why it was refused, and what happens to it."""
        return (
            self.tr("Set aside the entry “%1” (case %2) signed by %3 at %4 (Beijing time)? The node refused it: %5 "
                    "It stays kept in the outbox, is no longer sent and no longer counts as waiting. Your decision "
                    "is recorded.")
            .replace("%1", self.entry_text(entry)).replace("%2", entry.case_id or "—").replace("%3", entry.signer)
            .replace("%4", self.when(entry.written_ms)).replace("%5", describe_code(entry.code))
        )  # fmt: skip

    def set_aside_selected(self) -> None:
        """Ask the supervisor to confirm, then set the selected refused entry aside."""
        entry = self.selected()
        if entry is None or entry.set_aside or self.confirmation is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Set the entry aside"), self.set_aside_statement(entry),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)  # fmt: skip
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Set &aside"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("&Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda result: self._confirmed(box, entry, result == QMessageBox.StandardButton.Yes))
        self.confirmation = box
        box.open()

    def _confirmed(self, box: QMessageBox, entry: RefusedEntry, yes: bool) -> None:
        if box is not self.confirmation:  # a late signal of an earlier box
            return
        self.confirmation = None
        box.deleteLater()
        if yes:
            reviews, leaf = self._reviews, entry.leaf_hash
            self._work.db(lambda: reviews.set_aside(leaf), self._set_aside, self._failed, owner=self)

    def _set_aside(self, entry: RefusedEntry) -> None:
        self.entries = [entry if e.leaf_hash == entry.leaf_hash else e for e in self.entries]
        self.show_entries(self.entries)
        self.status_label.setText(self.tr("Set aside: %1.").replace("%1", self.entry_text(entry)))
        self.set_aside_done.emit(entry)
