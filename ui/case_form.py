"""The case form of a catalogue service: its steps, the certificates it requires with their verification
state, the citizen; opened and moved through app.services' CaseDesk (signed case.step entries)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
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

from app.catalogue import workflow
from app.catalogue.catalogue import Service
from app.catalogue.cert_types import CertType, policy
from app.certs import Verdict
from app.certs.holder import id_number_mistyped
from app.office import CaseFile, CaseService, ServiceDirectory
from app.services.counter import Admission, Applicant, Mark, progress
from app.services.errors import IdNumberMistyped, Refusal
from ui import style
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.refusal_text import describe
from ui.service_picker import ServicePicker, department_name, service_name
from ui.verdict_card import GREEN, RED, colour_of, status_text, verdict_reason

INK_OF = {GREEN: style.GREEN_INK, RED: style.RED_INK}
DONE, NEXT, LATER = "✓", "▶", "○"
MARK_SIGN = {Mark.DONE: DONE, Mark.NEXT: NEXT, Mark.LATER: LATER}


def case_state_name(state: str) -> str:
    """A case state in the current language."""
    return {
        workflow.OPENED: QCoreApplication.translate("CaseForm", "Opened"),
        workflow.VERIFIED: QCoreApplication.translate("CaseForm", "Documents verified"),
        workflow.IN_PROGRESS: QCoreApplication.translate("CaseForm", "In progress"),
        workflow.DECIDED: QCoreApplication.translate("CaseForm", "Approved"),
        workflow.CLOSED: QCoreApplication.translate("CaseForm", "Closed"),
        workflow.REJECTED: QCoreApplication.translate("CaseForm", "Rejected"),
        workflow.WITHDRAWN: QCoreApplication.translate("CaseForm", "Withdrawn"),
    }.get(state, state)


def cert_type_name(code: str, language: str) -> str:
    """A certificate type's name in `language`."""
    try:
        kind = policy(CertType(code))
    except ValueError:
        return code
    return kind.name_zh if language == "zh_CN" else kind.name_en


class CaseForm(RetranslatedOnLanguageChange, QWidget):
    """Pick a service, scan the applicant's e-ID and required certificates, accept the case and move it on.

    One citizen at a time (app.services.counter.Applicant): a new citizen's e-ID clears the form, only the
    applicant's certificates are listed and go into the case, the name follows the e-ID. Unsaved input survives a
    lock; the form never signs anything itself (CaseService does, off the GUI thread).
    """

    case_changed = Signal(object)  # app.office.CaseFile after opening or a step
    refreshed = Signal()  # the service or the case shown changed (the receipts panel follows it)

    def __init__(
        self, cases: CaseService, services: ServiceDirectory, work: BackgroundWork, parent: QWidget | None = None
    ) -> None:
        """Build an empty form."""
        super().__init__(parent)
        self._cases = cases
        self._services = services
        self._work = work
        self.case: CaseFile | None = None
        self.service: Service | None = None
        self.applicant = Applicant()
        self.acceptance_refusal: Refusal | None = None
        self.language = "zh_CN"
        self.busy = False
        self.title = QLabel()
        self.title.setObjectName("caseTitle")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.picker = ServicePicker(services, work)
        self.service_label = QLabel()
        self.service_label.setObjectName("service")
        self.service_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("citizenName")
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("citizenId")
        self.id_edit.setMaxLength(64)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setObjectName("summary")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setMaximumHeight(60)
        self.required_list = QListWidget()
        self.required_list.setObjectName("requiredDocuments")
        self.required_list.setMaximumHeight(96)
        self.steps_list = QListWidget()
        self.steps_list.setObjectName("steps")
        self.steps_list.setMaximumHeight(150)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_button = QPushButton()
        self.open_button.setProperty("primary", True)
        self.advance_button = QPushButton()
        self.new_button = QPushButton()
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(7)]
        fields = (
            self.picker,
            self.service_label,
            self.name_edit,
            self.id_edit,
            self.summary_edit,
            self.required_list,
            self.steps_list,
        )
        for label, field in zip(self.labels, fields, strict=True):
            label.setBuddy(field.search_edit if field is self.picker else field)
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
        self.picker.service_chosen.connect(self.choose_service)
        self.open_button.clicked.connect(self.open_case)
        self.advance_button.clicked.connect(self.advance)
        self.new_button.clicked.connect(lambda: self.clear())
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        texts = (
            self.tr("Ser&vice"),
            self.tr("Chosen"),
            self.tr("Citizen &name"),
            self.tr("&ID number"),
            self.tr("No&tes"),
            self.tr("Certificates"),
            self.tr("Steps"),
        )
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.open_button.setText(self.tr("Accept case (Ctrl+S)"))
        self.new_button.setText(self.tr("New form (Ctrl+N)"))
        self._refresh()

    def set_language(self, language: str) -> None:
        """Show catalogue names (services, departments, certificate types) in `language`."""
        self.language = language
        self.picker.set_language(language)
        self._refresh()

    # -- what the form shows -----------------------------------------------------------------------

    def _refresh(self) -> None:
        case, service = self.case, self.service
        editable = case is None
        self.picker.setEnabled(editable)
        for field in (self.name_edit, self.id_edit):
            field.setReadOnly(not editable)
        self.open_button.setEnabled(
            editable and service is not None and not self.busy and self.acceptance_refusal is None
        )
        if service is None:
            self.service_label.setText(self.tr("No service chosen yet: search above."))
        else:
            lead = department_name(service.lead, self.language)
            days = service.time_limit_ms // 86_400_000
            self.service_label.setText(
                self.tr("%1 · led by %2 · time limit %3 days")
                .replace("%1", service_name(service, self.language))
                .replace("%2", lead)
                .replace("%3", str(days))
            )
        if case is None:
            self.title.setText(self.tr("New case"))
        else:
            self.title.setText(
                self.tr("Case %1 · %2").replace("%1", case.case_id).replace("%2", case_state_name(case.view.state))
            )
        self._refresh_advance()
        self._refresh_required()
        self._refresh_steps()
        self.refreshed.emit()

    def _move_text(self, move: workflow.Transition) -> str:
        if move.name == workflow.VERIFY:
            return self.tr("Verify documents (Ctrl+Enter)")
        if move.name == workflow.DECIDE:
            return self.tr("Approve (Ctrl+Enter)")
        if move.name == workflow.CLOSE:
            return self.tr("Hand over and close (Ctrl+Enter)")
        return self.tr("Done: %1 (Ctrl+Enter)").replace("%1", self._step_name(move.name))

    def _refresh_advance(self) -> None:
        case = self.case
        move = case.next_move if case is not None else None
        self.advance_button.setEnabled(move is not None and not case.blocker and not self.busy)
        self.advance_button.setText(self._move_text(move) if move else self.tr("Next step (Ctrl+Enter)"))
        if case is not None and move is not None and case.blocker:
            who = department_name(move.department, self.language)
            self.advance_button.setToolTip(describe(case.blocker, self.language))
            self.message.setProperty("role", "hint")
            self.message.setText(self.tr("Next: %1, done by %2 — not at this counter.")
                                 .replace("%1", self._step_name(move.name)).replace("%2", who))  # fmt: skip
        else:
            self.advance_button.setToolTip("")

    def _step_name(self, step: str) -> str:
        catalogue_actions = self._services.catalogue.actions
        names = {
            workflow.OPEN: self.tr("Open the case"),
            workflow.VERIFY: self.tr("Verify the certificates"),
            workflow.DECIDE: self.tr("Approve (supervisor)"),
            workflow.CLOSE: self.tr("Hand over and close"),
        }
        if step in names:
            return names[step]
        department, _, action = step.partition(".")
        names_of_action = catalogue_actions.get(action)
        action_text = (
            (names_of_action.zh if self.language == "zh_CN" else names_of_action.en) if names_of_action else action
        )
        return f"{department_name(department, self.language)} · {action_text}"

    @property
    def documents(self) -> list[tuple[Verdict, str]]:
        """The applicant's scanned certificates: (verdict, QR text)."""
        return [(d.verdict, d.text) for d in self.applicant.documents]

    def _refresh_required(self) -> None:
        self.required_list.clear()
        service = self.service
        if service is None:
            self.required_list.addItem(self.tr("Choose a service: its required certificates are listed here."))
            return
        required = ["eid", *(t for t in service.requires if t != "eid")]
        for code in required:
            document = self.applicant.document_for(code)
            name = cert_type_name(code, self.language)
            if document is None:
                item = QListWidgetItem(f"{LATER} {name} · " + self.tr("not scanned yet"))
                item.setForeground(QBrush(QColor(style.AMBER_INK)))
            else:
                verdict = document.verdict
                item = QListWidgetItem(
                    f"{DONE if verdict.ok else '✗'} {name} · {status_text(verdict.status)} …{document.serial[-6:]}"
                )
                item.setForeground(QBrush(QColor(INK_OF.get(colour_of(verdict), style.AMBER_INK))))
                item.setToolTip(verdict_reason(verdict, self.language))
            self.required_list.addItem(item)

    def _refresh_steps(self) -> None:
        self.steps_list.clear()
        service = self.service
        if service is None:
            return
        case = self.case
        marks = progress(service, case.view.state if case else None, case.view.done if case else 0)
        for i, step in enumerate(marks):
            self.steps_list.addItem(f"{MARK_SIGN[step.mark]} {i + 1}. {self._step_name(step.step)}")

    # -- what the clerk does -------------------------------------------------------------------------

    def choose_service(self, service: Service) -> None:
        """Make the form the form of `service`; ask (off the GUI thread) whether this counter may accept it."""
        if self.case is not None:
            return
        self.service = service
        self.acceptance_refusal = None
        self.message.clear()
        self._refresh()
        self.name_edit.setFocus()
        self._work.db(
            lambda: self._cases.acceptance_blocker(service.id),
            lambda refusal: self._acceptance_checked(service, refusal),
            lambda _error: None,
            owner=self,
        )

    def _acceptance_checked(self, service: Service, refusal: Refusal | None) -> None:
        if self.service is not service or self.case is not None:
            return
        self.acceptance_refusal = refusal
        self._refresh()
        if refusal is not None:
            self.show_message(
                self.tr("This counter cannot accept this service: %1").replace("%1", describe(refusal, self.language)),
                error=True,
            )

    def add_document(self, verdict: Verdict, text: str = "") -> Admission:
        """Take a scanned certificate for the applicant: a new citizen's e-ID clears the form first, a certificate
        naming someone else is not taken, the name follows the e-ID."""
        holder = verdict.claims.get("display", {}).get("name", "")
        if self.case is not None and verdict.claims.get("type") == "eid" and holder != self.case.citizen_name:
            self.clear(focus=False)  # the next citizen stepped up while the last one's case was on screen
        admission = self.applicant.admit(verdict, text)
        if admission is Admission.NEW_APPLICANT:
            self._clear_fields()
        if admission is Admission.OTHER_PERSON:
            self.show_message(
                self.tr("This certificate is %1's, not the applicant %2's: it was not added. "
                        "Press Ctrl+N for a new citizen.").replace("%1", holder).replace("%2", self.applicant.name),
                error=True,
            )  # fmt: skip
        elif self.case is None:
            if self.applicant.name and self.name_edit.text() != self.applicant.name:
                self.name_edit.setText(self.applicant.name)
            if admission is Admission.NEW_APPLICANT:
                self.show_message(self.tr("New citizen: %1. The previous citizen's data was cleared.")
                                  .replace("%1", self.applicant.name))  # fmt: skip
        self._refresh_required()
        return admission

    def open_case(self) -> None:
        """Accept the case of the chosen service on the database thread (signed steps into the outbox)."""
        if self.case is not None or self.busy:
            return
        service, name, id_number = self.service, self.name_edit.text().strip(), self.id_edit.text().strip()
        if service is None or not name or not id_number:
            self.show_message(self.tr("Choose a service and fill in the citizen's name and ID number first."),
                              error=True)  # fmt: skip
            return
        if self.acceptance_refusal is not None:
            self.show_message(describe(self.acceptance_refusal, self.language), error=True)
            return
        if id_number_mistyped(id_number):  # said before the certificates: the clerk fixes the number first
            self.show_message(describe(IdNumberMistyped(), self.language), error=True)
            self.id_edit.setFocus()
            self.id_edit.selectAll()
            return
        missing = self.applicant.missing(service)
        if missing:
            names = ("、" if self.language == "zh_CN" else ", ").join(cert_type_name(c, self.language) for c in missing)
            self.show_message(self.tr("Scan these valid certificates of the applicant first: %1").replace("%1", names),
                              error=True)  # fmt: skip
            return
        summary = self.summary_edit.toPlainText().strip()
        texts = self.applicant.texts()
        self._run(lambda: self._cases.accept(service.id, name, id_number, texts, summary))

    def advance(self) -> None:
        """Perform the step the case waits for (verify the scanned certificates, a catalogue step, approve, close)."""
        case = self.case
        if case is None or case.next_move is None or case.blocker or self.busy:
            return
        texts = self.applicant.texts()
        self._run(lambda: self._cases.next_step(case.case_id, texts))

    def _run(self, work) -> None:
        self.busy = True
        self._refresh_advance()
        self.open_button.setEnabled(False)
        self._work.db(work, self._case_saved, self._failed, owner=self)

    def load(self, case: CaseFile) -> None:
        """Show an existing case (its citizen becomes the applicant at the window)."""
        self.case = case
        self.service = case.service
        self.acceptance_refusal = None
        self.applicant = Applicant(case.citizen_name)
        self.name_edit.setText(case.citizen_name)
        self.id_edit.setText(case.citizen_id)
        self.summary_edit.setPlainText(case.summary)
        self.message.clear()
        self._refresh()

    def _clear_fields(self) -> None:
        self.case = None
        self.service = None
        self.acceptance_refusal = None
        for field in (self.name_edit, self.id_edit, self.picker.search_edit):
            field.clear()
        self.summary_edit.clear()
        self.message.clear()
        self._refresh()

    def clear(self, *, focus: bool = True) -> None:
        """Start a new, empty form: the next citizen (nothing of the previous one stays)."""
        self.applicant = Applicant()
        self._clear_fields()
        if focus:
            self.picker.search_edit.setFocus()

    def _case_saved(self, case: CaseFile) -> None:
        self.busy = False
        self.case = case
        self.service = case.service
        self.message.clear()
        self._refresh()
        if not self.message.text():
            self.show_message(self.tr("Saved: %1").replace("%1", case_state_name(case.view.state)))
        self.case_changed.emit(case)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self._refresh()
        self.show_message(self.tr("Not saved: %1").replace("%1", describe(error, self.language)), error=True)

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Show a result line under the form."""
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    @property
    def has_unsaved_input(self) -> bool:
        """True if the clerk typed or scanned something not yet saved in a case."""
        typed = any(f.text() for f in (self.name_edit, self.id_edit))
        started = typed or bool(self.summary_edit.toPlainText()) or bool(self.documents) or self.service is not None
        return self.case is None and started


__all__ = ["CaseForm", "case_state_name"]
