"""The case form: the citizen, the service, the documents scanned for it with their verification state."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.certs import Verdict
from app.office import CaseService
from app.store.cases import Case
from ui import style
from ui.background import BackgroundWork
from ui.case_panel import case_status_name
from ui.verdict_card import GREEN, RED, colour_of, status_text

INK_OF = {GREEN: style.GREEN_INK, RED: style.RED_INK}


class CaseForm(QWidget):
    """Fill in and open a case, then move it along until it is finished; unsaved input survives a lock."""

    case_changed = Signal(object)  # app.store.cases.Case after open or a status change

    def __init__(self, cases: CaseService, work: BackgroundWork, parent: QWidget | None = None) -> None:
        """Build an empty form."""
        super().__init__(parent)
        self._cases = cases
        self._work = work
        self.case: Case | None = None
        self.documents: list[Verdict] = []
        self.language = "zh_CN"
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.service_edit = QLineEdit()
        self.service_edit.setObjectName("service")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("citizenName")
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("citizenId")
        self.id_edit.setMaxLength(64)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setObjectName("summary")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setMaximumHeight(90)
        self.documents_list = QListWidget()
        self.documents_list.setObjectName("documents")
        self.documents_list.setMaximumHeight(120)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_button = QPushButton()
        self.open_button.setProperty("primary", True)
        self.advance_button = QPushButton()
        self.new_button = QPushButton()
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self.labels,
            (self.service_edit, self.name_edit, self.id_edit, self.summary_edit, self.documents_list),
            strict=True,
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.advance_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.open_button.clicked.connect(self.open_case)
        self.advance_button.clicked.connect(self.advance)
        self.new_button.clicked.connect(self.clear)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        for label, text in zip(
            self.labels,
            (
                self.tr("Ser&vice"),
                self.tr("Citizen &name"),
                self.tr("&ID number"),
                self.tr("No&tes"),
                self.tr("Documents"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.service_edit.setPlaceholderText(self.tr("e.g. household registration transfer"))
        self.open_button.setText(self.tr("Open case (Ctrl+S)"))
        self.new_button.setText(self.tr("New form (Ctrl+N)"))
        self._refresh_state()
        self._refresh_documents()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        """Re-translate when the language changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _refresh_state(self) -> None:
        case = self.case
        editable = case is None
        for field in (self.service_edit, self.name_edit, self.id_edit):
            field.setReadOnly(not editable)
        self.open_button.setEnabled(editable)
        if case is None:
            self.title.setText(self.tr("New case"))
            self.advance_button.setEnabled(False)
            self.advance_button.setText(self.tr("Next step (Ctrl+Enter)"))
            return
        self.title.setText(
            self.tr("Case %1 · %2").replace("%1", case.case_ref).replace("%2", case_status_name(case.status))
        )
        self.advance_button.setEnabled(case.status != "closed")
        self.advance_button.setText(
            self.tr("Finish case (Ctrl+Enter)") if case.status == "in_progress" else self.tr("Next step (Ctrl+Enter)")
        )

    def _refresh_documents(self) -> None:
        self.documents_list.clear()
        if not self.documents:
            self.documents_list.addItem(self.tr("Scan each required certificate; it is listed here."))
            return
        for verdict in self.documents:
            names = verdict.claims.get("type_name", {})
            kind = (
                names.get("zh_CN" if self.language == "zh_CN" else "en") or verdict.claims.get("type") or verdict.format
            )
            serial = verdict.claims.get("serial", "")
            item = QListWidgetItem(f"{status_text(verdict.status)} · {kind} …{serial[-6:]}")
            item.setToolTip(f"{kind} {serial}")
            colour = colour_of(verdict)
            item.setForeground(QBrush(QColor(INK_OF.get(colour, style.AMBER_INK))))
            self.documents_list.addItem(item)

    def add_document(self, verdict: Verdict) -> None:
        """List a scanned certificate with its verification state; a valid e-ID fills in the citizen's name."""
        serial = verdict.claims.get("serial")
        if serial and any(d.claims.get("serial") == serial for d in self.documents):
            self.documents = [d for d in self.documents if d.claims.get("serial") != serial]
        self.documents.append(verdict)
        name = verdict.claims.get("display", {}).get("name")
        if verdict.ok and verdict.claims.get("type") == "eid" and name and not self.name_edit.text() and not self.case:
            self.name_edit.setText(name)
        self._refresh_documents()

    def _summary(self) -> str:
        lines = [self.summary_edit.toPlainText().strip()]
        for verdict in self.documents:
            claims = verdict.claims
            lines.append(f"{claims.get('type', verdict.format)} {claims.get('serial', '-')} {verdict.status.value}")
        return "\n".join(line for line in lines if line)

    def open_case(self) -> None:
        """Open the case on the database thread."""
        if self.case is not None:
            return
        service, name, id_number = self.service_edit.text(), self.name_edit.text(), self.id_edit.text()
        if not service.strip() or not name.strip() or not id_number.strip():
            self.show_message(self.tr("Fill in the service, the citizen's name and ID number first."), error=True)
            return
        summary = self._summary()
        self._work.db(
            lambda: self._cases.open(service.strip(), name.strip(), id_number.strip(), summary),
            self._case_saved,
            self._failed,
            owner=self,
        )

    def advance(self) -> None:
        """Move the open case one step (open -> in progress -> closed)."""
        if self.case is None or self.case.status == "closed":
            return
        ref = self.case.case_ref
        self._work.db(lambda: self._cases.advance(ref), self._case_saved, self._failed, owner=self)

    def load(self, case: Case) -> None:
        """Show an existing case."""
        self.case = case
        self.service_edit.setText(case.service)
        self.name_edit.setText(case.citizen_name)
        self.id_edit.setText(case.citizen_id)
        self.summary_edit.setPlainText(case.summary)
        self.documents = []
        self.message.clear()
        self._refresh_state()
        self._refresh_documents()

    def clear(self) -> None:
        """Start a new, empty form."""
        self.case = None
        for field in (self.service_edit, self.name_edit, self.id_edit):
            field.clear()
        self.summary_edit.clear()
        self.documents = []
        self.message.clear()
        self._refresh_state()
        self._refresh_documents()
        self.service_edit.setFocus()

    def _case_saved(self, case: Case) -> None:
        self.case = case
        self._refresh_state()
        done = case.status == "closed"
        self.show_message(
            self.tr("Case finished.") if done else self.tr("Saved: %1").replace("%1", case_status_name(case.status))
        )
        self.case_changed.emit(case)

    def _failed(self, error: Exception) -> None:
        self.show_message(self.tr("Not saved: %1").replace("%1", str(error)), error=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Show a result line under the form."""
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    @property
    def has_unsaved_input(self) -> bool:
        """True if the clerk typed something not yet saved in a case."""
        typed = any(f.text() for f in (self.service_edit, self.name_edit, self.id_edit))
        return self.case is None and (typed or bool(self.summary_edit.toPlainText()) or bool(self.documents))


__all__ = ["CaseForm"]
