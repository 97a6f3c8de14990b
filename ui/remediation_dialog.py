"""The supervisor records a call-back (回访) of one remediation item: when (Beijing time), what came of it, resolved.

Keyboard first: the fields are reached with Tab (Tab leaves the outcome box; it does not type a tab), Alt plus the
underlined letter jumps to a field, Ctrl+Enter records, Esc cancels. The dialog only collects: the review panel
asks the office to record (app/review/remediation_callback.py) and shows its refusal here, the dialog staying open
so the supervisor can correct the field.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.language_change import RetranslatedOnLanguageChange

BEIJING_ZONE = QTimeZone(b"Asia/Shanghai")


class CallbackDialog(RetranslatedOnLanguageChange, QDialog):
    """Collects one call-back; `submitted(called_at_ms, outcome, resolved)` when the supervisor records it."""

    submitted = Signal(object, str, bool)  # object: epoch milliseconds overflow a Qt int

    def __init__(self, item_text: str, now_ms: int, parent: QWidget | None = None) -> None:
        """Lay out the item, the call-back's time (now, Beijing), the outcome, resolved, and the buttons."""
        super().__init__(parent)
        self.setObjectName("callbackDialog")
        self.setMinimumWidth(520)
        self.item_label = QLabel(item_text)
        self.item_label.setWordWrap(True)
        self.when = QDateTimeEdit()
        self.when.setTimeZone(BEIJING_ZONE)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.when.setDateTime(QDateTime.fromMSecsSinceEpoch(now_ms, BEIJING_ZONE))
        self.outcome = QPlainTextEdit()
        self.outcome.setTabChangesFocus(True)
        self.resolved = QCheckBox()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.submit)
        self.form = QFormLayout()
        self.when_label, self.outcome_label = QLabel(), QLabel()
        self.when_label.setBuddy(self.when)
        self.outcome_label.setBuddy(self.outcome)
        self.form.addRow(self.when_label, self.when)
        self.form.addRow(self.outcome_label, self.outcome)
        self.form.addRow("", self.resolved)
        layout = QVBoxLayout(self)
        layout.addWidget(self.item_label)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.when, self.outcome)
        self.setTabOrder(self.outcome, self.resolved)
        self.setTabOrder(self.resolved, self.ok_button)
        self.setTabOrder(self.ok_button, self.cancel_button)
        self.retranslate()
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Record the call-back"))
        self.when_label.setText(self.tr("&Called back at (Beijing time):"))
        self.outcome_label.setText(self.tr("&Outcome:"))
        self.outcome.setPlaceholderText(self.tr("What the citizen said and what was done (at most 1000 characters)"))
        self.resolved.setText(self.tr("&Resolved"))
        self.ok_button.setText(self.tr("Record and sign (Ctrl+Enter)"))
        self.cancel_button.setText(self.tr("Cancel"))

    def called_at_ms(self) -> int:
        """The call-back's time as entered, in UTC milliseconds."""
        return self.when.dateTime().toMSecsSinceEpoch()

    def submit(self) -> None:
        """Hand the fields to whoever records them; the dialog stays open until `done_recording`."""
        if not self.ok_button.isEnabled():  # one call-back in flight at a time
            return
        self.error_label.clear()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.called_at_ms(), self.outcome.toPlainText(), self.resolved.isChecked())

    def refused(self, text: str) -> None:
        """Show why the call-back was not recorded and let the supervisor correct it."""
        self.error_label.setText(text)
        self.ok_button.setEnabled(True)
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)

    def done_recording(self) -> None:
        """The call-back is recorded: close."""
        self.accept()
