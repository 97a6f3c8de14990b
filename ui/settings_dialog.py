"""Settings: camera source with a live test, language, lock timeout; department nodes and trust policy (admins)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as settings_file
from app.office import ScannerService
from app.scan import ScanError, Scanner, SourceStatus
from app.settings import NodeSetting, Settings
from ui.scan_preview import ScanPreview, ScanSignals


def parse_nodes(text: str) -> tuple[NodeSetting, ...]:
    """Read one 'origin URL' pair per line; raises ValueError naming the first bad line."""
    nodes = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"line {number}: write the log origin, a space, then the node's URL")
        nodes.append(NodeSetting(parts[0], parts[1]))
    return tuple(nodes)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings` holds the checked result after OK."""

    def __init__(
        self, current: Settings, scanners: ScannerService, *, is_admin: bool, parent: QWidget | None = None
    ) -> None:
        """Fill the form from `current`; node and trust fields are read-only unless `is_admin`."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)
        self._current = current
        self._scanners = scanners
        self._scanner: Scanner | None = None
        self._signals = ScanSignals(self)
        self.result_settings: Settings | None = None
        self.camera_edit = QLineEdit(current.camera_source)
        self.camera_edit.setObjectName("cameraSource")
        self.test_button = QPushButton(self.tr("&Test camera"))
        self.preview = ScanPreview()
        self.preview.setFixedHeight(200)
        self.preview.hide()
        self.preview.connect_signals(self._signals)
        self.language_combo = QComboBox()
        self.language_combo.addItem("简体中文", "zh_CN")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current.language)))
        self.lock_spin = QSpinBox()
        self.lock_spin.setRange(settings_file.MIN_LOCK_MINUTES, settings_file.MAX_LOCK_MINUTES)
        self.lock_spin.setValue(current.lock_minutes)
        self.lock_spin.setSuffix(self.tr(" min"))
        self.nodes_edit = QPlainTextEdit("\n".join(f"{n.origin} {n.url}" for n in current.nodes))
        self.nodes_edit.setObjectName("nodes")
        self.nodes_edit.setTabChangesFocus(True)
        self.trust_combo = QComboBox()
        self.trust_combo.addItem(self.tr("Standard: accept when the issuer's data is fresh enough"), "standard")
        self.trust_combo.addItem(self.tr("Strict: also require witness cosignatures"), "strict")
        self.trust_combo.setCurrentIndex(max(0, self.trust_combo.findData(current.trust_policy)))
        self.hall_url_edit = QLineEdit(current.hall_url)
        self.hall_url_edit.setObjectName("hallUrl")
        self.hall_key_edit = QLineEdit(current.hall_key_file)
        self.hall_key_edit.setObjectName("hallKeyFile")
        for admin_field in (self.nodes_edit, self.trust_combo, self.hall_url_edit, self.hall_key_edit):
            admin_field.setEnabled(is_admin)
        self.admin_hint = QLabel(
            self.tr("Only an administrator may change the nodes, the trust policy and the queue system.")
        )
        self.admin_hint.setProperty("role", "hint")
        self.admin_hint.setVisible(not is_admin)
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_edit, 1)
        camera_row.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow(self.tr("Camera source"), camera_row)
        form.addRow("", self.preview)
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow(self.tr("Lock after idle"), self.lock_spin)
        form.addRow(self.tr("Department nodes\n(origin URL, one per line)"), self.nodes_edit)
        form.addRow(self.tr("Trust policy"), self.trust_combo)
        form.addRow(self.tr("Queue system (hall) URL"), self.hall_url_edit)
        form.addRow(self.tr("This counter's hall key file"), self.hall_key_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.admin_hint)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.test_button.clicked.connect(self.test_camera)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.finished.connect(self.stop_test)

    def test_camera(self) -> None:
        """Show the typed camera source live in the dialog."""
        self.stop_test()
        self.preview.show()
        try:
            scanner = self._scanners.open(self.camera_edit.text())
        except ScanError as exc:
            self.preview.show_status(SourceStatus("unavailable", str(exc)))
            return
        self._signals.attach(scanner)
        self._scanner = scanner
        scanner.start()

    def stop_test(self) -> None:
        """Stop the camera test, if running."""
        if self._scanner is not None:
            self._scanner.close()
            self._scanner = None

    def accept(self) -> None:
        """Check the values; stay open and explain if one is wrong."""
        try:
            self.result_settings = self._current.with_changes(
                camera_source=self.camera_edit.text().strip(),
                language=self.language_combo.currentData(),
                lock_minutes=self.lock_spin.value(),
                nodes=parse_nodes(self.nodes_edit.toPlainText()),
                trust_policy=self.trust_combo.currentData(),
                hall_url=self.hall_url_edit.text().strip(),
                hall_key_file=self.hall_key_edit.text().strip(),
            )
        except ValueError as exc:
            self.error_label.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            return
        super().accept()
