"""The service picker: the catalogue's 140 services, found by Chinese name, pinyin initials or English."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.catalogue.catalogue import Service
from app.office import ServiceDirectory
from app.protocol.departments import all_departments
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange


def department_name(department_id: str, language: str) -> str:
    """A department's name in `language` (its id when unknown)."""
    for d in all_departments():
        if d.id == department_id:
            return d.name_zh if language == "zh_CN" else d.name_en
    return department_id


def service_name(service: Service, language: str) -> str:
    """A service's name in `language`."""
    return service.name.zh if language == "zh_CN" else service.name.en


class ServicePicker(RetranslatedOnLanguageChange, QWidget):
    """Type 户口, hkqr or 'transfer': the matching services appear; Enter or a click picks one."""

    service_chosen = Signal(object)  # app.catalogue.catalogue.Service

    def __init__(self, directory: ServiceDirectory, work: BackgroundWork, parent: QWidget | None = None) -> None:
        """Build the search line and the result list; the catalogue loads off the GUI thread on `load()`."""
        super().__init__(parent)
        self._directory = directory
        self._work = work
        self.language = "zh_CN"
        self.loaded = False
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("serviceSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("serviceResults")
        self.results.setMaximumHeight(150)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.hint)
        layout.addWidget(self.results)
        self.search_edit.textChanged.connect(self.search)
        self.search_edit.returnPressed.connect(self._pick_current)
        self.results.itemActivated.connect(self._picked)
        self.results.itemClicked.connect(self._picked)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.search_edit.setPlaceholderText(self.tr("Find a service: 户口迁入, hkqr or transfer"))
        self.search(self.search_edit.text())

    def load(self) -> None:
        """Load and validate the catalogue on the database thread (once)."""
        if not self.loaded:
            self._work.db(lambda: self._directory.catalogue, self._loaded, self._failed, owner=self)

    def _loaded(self, _catalogue: object) -> None:
        self.loaded = True
        self.search(self.search_edit.text())

    def _failed(self, error: Exception) -> None:
        self.hint.setText(self.tr("The service catalogue cannot be read: %1").replace("%1", str(error)))

    def search(self, text: str) -> None:
        """Show the services matching `text` (in memory: 140 services take microseconds)."""
        self.results.clear()
        if not self.loaded:
            self.hint.setText(self.tr("Loading the service catalogue…"))
            return
        found = self._directory.search(text) if text.strip() else []
        for service in found:
            lead = department_name(service.lead, self.language)
            item = QListWidgetItem(f"{service_name(service, self.language)}  ·  {lead}")
            item.setData(Qt.ItemDataRole.UserRole, service)
            other = service.name.en if self.language == "zh_CN" else service.name.zh
            item.setToolTip(f"{other} ({service.initials})")
            self.results.addItem(item)
        if not text.strip():
            count = len(self._directory.catalogue.services)
            self.hint.setText(
                self.tr("%1 services; type Chinese, pinyin initials or English.").replace("%1", str(count))
            )
        elif not found:
            self.hint.setText(self.tr("No service matches."))
        else:
            self.hint.setText(self.tr("%1 found; Enter picks the first.").replace("%1", str(len(found))))
            self.results.setCurrentRow(0)

    def _pick_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._picked(item)

    def _picked(self, item: QListWidgetItem) -> None:
        self.service_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def set_language(self, language: str) -> None:
        """Show service and department names in `language`."""
        self.language = language
        self.search(self.search_edit.text())
