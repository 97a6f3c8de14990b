"""The administrator confirms a trusted root on screen: subject, validity and both fingerprints, before it changes."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.beijing_time import shown_time
from app.pki.root_candidate import fingerprint_text
from app.pki.sm2_x509 import Sm2Certificate


def _two_lines(digest: bytes) -> str:
    """A 32-byte fingerprint as two lines of 16 bytes, so it can be read aloud and compared in halves."""
    return fingerprint_text(digest[:16]) + "\n" + fingerprint_text(digest[16:])


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class RootConfirmation(QDialog):
    """Shows one root certificate and asks to trust it (`adding`) or to stop trusting it; OK only once checked."""

    def __init__(
        self,
        certificate: Sm2Certificate,
        list_name: str,
        language: str,
        *,
        adding: bool,
        added: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rootConfirmation")
        self.setWindowTitle(self.tr("Trust this root certificate?") if adding else self.tr("Stop trusting this root?"))
        self.setMinimumWidth(640)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        rows = [
            ("list", self.tr("List"), list_name),
            ("name", self.tr("Name"), certificate.common_name),
            ("subject", self.tr("Subject"), certificate.subject.rfc4514_string()),
            ("issuer", self.tr("Issuer"), certificate.issuer.rfc4514_string()),
            ("serial", self.tr("Serial number"), f"{certificate.serial:X}"),
            ("not_before", self.tr("Valid from"), shown_time(_ms(certificate.not_before), language)),
            ("not_after", self.tr("Valid until"), shown_time(_ms(certificate.not_after), language)),
            ("sm3", self.tr("SM3 fingerprint"), _two_lines(certificate.fingerprint)),
            ("sha256", self.tr("SHA-256 fingerprint"), _two_lines(certificate.sha256_fingerprint)),
        ]
        if added:
            rows.append(("added", self.tr("Added"), added))
        for key, title, value in rows:
            label = QLabel(value)
            label.setObjectName(f"root_{key}")
            label.setWordWrap(key in ("subject", "issuer"))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("sm3", "sha256"):
                label.setProperty("role", "fingerprint")
                label.setStyleSheet("font-family: monospace;")
            self.fields[key] = label
            form.addRow(title, label)
        advice = QLabel(
            self.tr(
                "Compare the fingerprint with the one the issuing authority gave you on paper or by phone. "
                "Only then trust the root: every certificate it signs will be accepted. "
                "The change is recorded in the audit trail under your name."
            )
            if adding
            else self.tr(
                "Certificates signed under this root will no longer be accepted at this office. "
                "The change is recorded in the audit trail under your name."
            )
        )
        advice.setWordWrap(True)
        advice.setProperty("role", "hint")
        self.checked = QCheckBox(
            self.tr("I have compared the fingerprint and it matches.")
            if adding
            else self.tr("I want this office to stop trusting this root.")
        )
        self.checked.setObjectName("rootChecked")
        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("rootLabel")
        self.label_edit.setMaxLength(200)
        self.label_edit.setPlaceholderText(self.tr("Where the root came from (optional)"))
        self.label_edit.setVisible(adding)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Trust this root") if adding else self.tr("&Stop trusting"))
        self.ok_button.setEnabled(False)
        self.ok_button.setAutoDefault(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        cancel.setDefault(True)  # Return does not trust anything by accident
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(advice)
        layout.addWidget(self.label_edit)
        layout.addWidget(self.checked)
        layout.addWidget(self.buttons)
        self.checked.toggled.connect(self.ok_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        """Close as confirmed only if the administrator ticked the check."""
        if self.checked.isChecked():
            super().accept()

    def label(self) -> str:
        """The administrator's note on where the root came from."""
        return self.label_edit.text().strip()
