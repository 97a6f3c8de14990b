"""The review's "call-backs" tab (issue 19): every remediation item (整改) of the office's hall, its rating, service,
clerk and due day in Beijing, the overdue ones highlighted, and the supervisor's call-back (回访) recorded here.

The items come from the hall on the network pool; the office's own call-back records (who, when, resolved) and the
clerks' names from the replica on the database thread. Recording runs in two steps: the office records and signs
it (database thread, app/review/remediation_callback.py), then the hall is told (network pool). A hall that did
not hear it is told again, with the same signed record, the next time the supervisor records that item."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.beijing_time import beijing, shown_day, shown_time
from app.office import ReviewService
from app.protocol.hall_remediation import RemediationView
from app.review.remediation_callback import CallbackRecord
from app.review.texts import service_names
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.record_table import record_table
from ui.refusal_text import describe
from ui.remediation_dialog import CallbackDialog
from ui.review_hall import hall_reading_error, rating_level_name

OVERDUE_BACKGROUND = QColor("#ffd6d6")


class RemediationPanel(RetranslatedOnLanguageChange, QWidget):
    """The hall's remediation items and the supervisor's call-backs."""

    loaded = Signal(list)  # list[RemediationView], [] when no hall is configured
    failed = Signal(str)
    recorded = Signal(object)  # CallbackRecord, once the hall has been told
    dialog_opened = Signal(object)  # CallbackDialog

    def __init__(
        self, reviews: ReviewService, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        """Lay out the summary line, the table of items and the record button."""
        super().__init__(parent)
        self._reviews = reviews
        self._work = work
        self.language = language
        self.items: list[RemediationView] | None = None
        self.callbacks: dict[str, CallbackRecord] = {}
        self.names: dict[str, str] = {}
        self.error: Exception | None = None
        self.configured: bool | None = None
        self.today = ""
        self.dialog: CallbackDialog | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = record_table(8)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.open_dialog())
        self.record_button = QPushButton()
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.open_dialog)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.table.setHorizontalHeaderLabels([
            self.tr("Item"), self.tr("Rating"), self.tr("Service"), self.tr("Clerk"), self.tr("Window"),
            self.tr("Due (Beijing)"), self.tr("State"), self.tr("Call-back"),
        ])  # fmt: skip
        self.record_button.setText(self.tr("&Record call-back… (Enter on an item)"))
        if self.dialog is not None:
            self.dialog.retranslate()
        self._show()

    # -- loading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Ask the hall for its items (network pool) and the office for its call-backs and names (database)."""
        reviews = self._reviews
        self.today = beijing(reviews.now_ms()).date().isoformat()
        self.summary.setText(self.tr("Asking the hall for its remediation items…"))
        self._work.db(reviews.signer_names, self._names_read, self._failed, owner=self)
        self._work.db(reviews.remediation_callbacks, self._callbacks_read, self._failed, owner=self)
        self._work.net(reviews.remediation_items, self._items_read, self._failed, owner=self)

    def _names_read(self, names: dict[str, str]) -> None:
        self.names = names
        self._show()

    def _callbacks_read(self, callbacks: dict[str, CallbackRecord]) -> None:
        self.callbacks = callbacks
        self._show()

    def _items_read(self, items: list[RemediationView] | None) -> None:
        self.items, self.configured, self.error = items or [], items is not None, None
        self._show()
        self.loaded.emit(self.items)

    def _failed(self, error: Exception) -> None:
        self.items, self.error = None, error
        self._show()
        self.failed.emit(self.summary.text())

    # -- showing ---------------------------------------------------------------------------------

    def selected(self) -> RemediationView | None:
        """The item of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.items:
            return None
        return self.items[rows[0].row()]

    def _selection_changed(self) -> None:
        item = self.selected()
        self.record_button.setEnabled(item is not None and not item.closed)

    def _show(self) -> None:
        items = self.items or []
        if self.error is not None:
            self.summary.setText(hall_reading_error(self.error))
        elif self.configured is False:
            self.summary.setText(self.tr("No hall is configured for this office: there are no remediation items."))
        elif self.items is not None:
            overdue = sum(1 for i in items if i.overdue(self.today))
            open_items = sum(1 for i in items if not i.closed)
            self.summary.setText(
                self.tr("Remediation items: %1; waiting for a call-back: %2, of them overdue: %3.")
                .replace("%1", str(len(items))).replace("%2", str(open_items)).replace("%3", str(overdue))
            )  # fmt: skip
        services = service_names(self.language)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            values = (
                str(item.id), rating_level_name(item.level, self.language), services.get(item.service, item.service),
                self.names.get(item.clerk, item.clerk[:16] or "—"), item.window, self._due_text(item),
                self._state_text(item), self._callback_text(item),
            )  # fmt: skip
            overdue = item.overdue(self.today)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if overdue:
                    cell.setBackground(QBrush(OVERDUE_BACKGROUND))
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self._selection_changed()

    def _due_text(self, item: RemediationView) -> str:
        text = shown_day(item.due_day, self.language)
        return text + (self.tr(" (provisional calendar)") if item.provisional else "")

    def _state_text(self, item: RemediationView) -> str:
        if item.closed:
            return self.tr("Called back")
        if item.rating in self.callbacks:
            return self.tr("Recorded here, not yet at the hall")
        return self.tr("Overdue") if item.overdue(self.today) else self.tr("Open")

    def _callback_text(self, item: RemediationView) -> str:
        record = self.callbacks.get(item.rating)
        if record is not None:
            resolved = self.tr("resolved") if record.resolved else self.tr("not resolved")
            return f"{shown_time(record.called_at_ms, self.language)} · {record.by} · {resolved}"
        if item.callback_ms is not None:
            return f"{shown_time(item.callback_ms, self.language)} · {item.callback_by}"
        return "—"

    # -- recording -------------------------------------------------------------------------------

    def open_dialog(self) -> CallbackDialog | None:
        """Open the call-back dialog for the selected open item."""
        item = self.selected()
        if item is None or item.closed or self.dialog is not None:
            return None
        services = service_names(self.language)
        text = (self.tr("Item %1: %2, %3, window %4, due %5.")
                .replace("%1", str(item.id)).replace("%2", rating_level_name(item.level, self.language))
                .replace("%3", services.get(item.service, item.service)).replace("%4", item.window)
                .replace("%5", self._due_text(item)))  # fmt: skip
        dialog = CallbackDialog(text, self._reviews.now_ms(), self)
        dialog.submitted.connect(lambda at, outcome, resolved: self._record(item, at, outcome, resolved))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _record(self, item: RemediationView, at_ms: int, outcome: str, resolved: bool) -> None:
        reviews = self._reviews
        self._work.db(lambda: reviews.record_callback(item, at_ms, outcome, resolved), self._signed,
                      self._refused, owner=self)  # fmt: skip

    def _refused(self, error: Exception) -> None:
        if self.dialog is not None:
            self.dialog.refused(describe(error, self.language))

    def _signed(self, record: CallbackRecord) -> None:
        self.callbacks = {**self.callbacks, record.rating: record}
        if self.dialog is not None:
            self.dialog.done_recording()
        self.status.setText(self.tr("The call-back is recorded and signed; telling the hall…"))
        self._show()
        reviews = self._reviews
        self._work.net(lambda: reviews.send_callback(record), lambda _none: self._sent(record), self._not_sent,
                       owner=self)  # fmt: skip

    def _sent(self, record: CallbackRecord) -> None:
        self.status.setText(self.tr("The call-back is recorded and signed, and the hall closed the item."))
        self.recorded.emit(record)
        self.load()

    def _not_sent(self, error: Exception) -> None:
        self.status.setText(
            self.tr("The call-back is recorded and signed at the office, but the hall could not be told (%1). "
                    "Record the item's call-back again to send the same record.")
            .replace("%1", hall_reading_error(error))
        )  # fmt: skip
        self.failed.emit(self.status.text())
