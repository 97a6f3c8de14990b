"""The left column: open cases, case search (case number, certificate serial, ID number, name) and sync tasks."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.certs import Verdict
from app.office import CaseFile, CaseService, ClerkTask, NotUnlocked
from ui.background import BackgroundWork
from ui.case_form import case_state_name
from ui.language_change import RetranslatedOnLanguageChange
from ui.refusal_text import describe
from ui.service_picker import service_name

log = logging.getLogger(__name__)


class CasePanel(RetranslatedOnLanguageChange, QWidget):
    """Lists open cases and search results; picking one opens it in the case form."""

    case_chosen = Signal(object)  # app.office.CaseFile

    def __init__(self, cases: CaseService, work: BackgroundWork, parent: QWidget | None = None) -> None:
        """Build the lists; call `reload()` once the office is unlocked."""
        super().__init__(parent)
        self._cases = cases
        self._work = work
        self.last_verdict: Verdict | None = None
        self.language = "zh_CN"
        self.queue_box = QGroupBox()
        self.queue_list = QListWidget()
        self.queue_list.setObjectName("queue")
        queue_layout = QVBoxLayout(self.queue_box)
        queue_layout.addWidget(self.queue_list)
        self.search_box = QGroupBox()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("caseSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_button = QPushButton()
        self.by_scan_button = QPushButton()
        self.by_scan_button.setEnabled(False)
        self.results_list = QListWidget()
        self.results_list.setObjectName("searchResults")
        self.results_hint = QLabel()
        self.results_hint.setProperty("role", "hint")
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.search_button)
        search_layout = QVBoxLayout(self.search_box)
        search_layout.addLayout(row)
        search_layout.addWidget(self.by_scan_button)
        search_layout.addWidget(self.results_hint)
        search_layout.addWidget(self.results_list)
        self.tasks_box = QGroupBox()
        self.tasks_list = QListWidget()
        self.tasks_list.setObjectName("tasks")
        self.tasks_list.setWordWrap(True)
        tasks_layout = QVBoxLayout(self.tasks_box)
        tasks_layout.addWidget(self.tasks_list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.queue_box, 3)
        layout.addWidget(self.search_box, 3)
        layout.addWidget(self.tasks_box, 2)
        self.search_button.clicked.connect(self.search)
        self.search_edit.returnPressed.connect(self.search)
        self.by_scan_button.clicked.connect(self.search_by_scan)
        for widget in (self.queue_list, self.results_list):
            widget.itemActivated.connect(self._activated)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.queue_box.setTitle(self.tr("Open cases"))
        self.search_box.setTitle(self.tr("Find a case (Ctrl+F)"))
        self.search_edit.setPlaceholderText(self.tr("Case number, certificate serial, ID number or name"))
        self.search_button.setText(self.tr("Search"))
        self.by_scan_button.setText(self.tr("Cases of the scanned certificate"))
        self.tasks_box.setTitle(self.tr("Tasks from sync"))

    def reload(self) -> None:
        """Reload the open cases from the replica (nothing to show while the office is locked: a language switch at
        the login screen reloads too)."""
        self._work.db(self._cases.open_cases, self._fill_queue, self._reload_failed, owner=self)

    def _reload_failed(self, error: Exception) -> None:
        if not isinstance(error, NotUnlocked):
            log.error("reloading the open cases failed", exc_info=error)

    def _fill_queue(self, cases: list[CaseFile]) -> None:
        self._fill(self.queue_list, cases)

    def _fill(self, widget: QListWidget, cases: list[CaseFile]) -> None:
        widget.clear()
        for case in cases:
            text = f"{case.case_id}  {case.citizen_name}  ·  {case_state_name(case.view.state)}"
            item = QListWidgetItem(f"{text}\n{service_name(case.service, self.language)}")
            item.setData(Qt.ItemDataRole.UserRole, case)
            item.setToolTip(describe(case.blocker, self.language) if case.blocker else case.service.id)
            widget.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.case_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def search(self) -> None:
        """Search cases for the typed text."""
        query = self.search_edit.text()
        self._work.db(lambda: self._cases.find(query), self._show_results, self._search_failed, owner=self)

    def set_last_verdict(self, verdict: Verdict | None) -> None:
        """Remember the last scanned certificate (None: forget it), for 'cases of the scanned certificate'."""
        self.last_verdict = verdict
        self.by_scan_button.setEnabled(verdict is not None and bool(verdict.claims.get("serial")))

    def search_by_scan(self) -> None:
        """Find the cases of the last scanned certificate (its serial, or an e-ID's holder)."""
        verdict = self.last_verdict
        if verdict is not None:
            self._work.db(
                lambda: self._cases.find_by_certificate(verdict), self._show_results, self._search_failed, owner=self
            )

    def _show_results(self, cases: list[CaseFile]) -> None:
        self._fill(self.results_list, cases)
        self.results_hint.setText(
            self.tr("No case found.")
            if not cases
            else self.tr("%1 found; Enter opens one.").replace("%1", str(len(cases)))
        )
        if cases:
            self.results_list.setCurrentRow(0)

    def _search_failed(self, error: Exception) -> None:
        self.results_list.clear()
        self.results_hint.setText(self.tr("Search failed: %1").replace("%1", describe(error, self.language)))

    def add_task(self, task: ClerkTask) -> None:
        """Show a task returned by sync (a node's refusal or a case conflict), with what happened and what to do."""
        for row in range(self.tasks_list.count()):
            if self.tasks_list.item(row).data(Qt.ItemDataRole.UserRole + 1).id == task.id:
                return
        kinds = {"conflict": self.tr("Conflict"), "refused": self.tr("Refused by the node")}
        subject = task.case_id or task.origin.split(".")[0]
        item = QListWidgetItem(f"{kinds.get(task.kind, task.kind)} · {subject}\n{task.what}\n→ {task.advice}")
        item.setData(Qt.ItemDataRole.UserRole + 1, task)
        item.setToolTip(f"{task.origin} · {task.code}")
        self.tasks_list.addItem(item)
