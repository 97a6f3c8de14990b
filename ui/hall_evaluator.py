"""The citizen-facing evaluator (好差评) on the counter's second screen: five levels, an optional reason."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ledger.suites import Signer
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import LEVELS, MAX_REASON, Rating, case_commitment, new_salt, rating_entry, reason_digest
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text

COLOURS = {5: "#2a9d8f", 4: "#52b788", 3: "#e9c46a", 2: "#f4a261", 1: "#e76f51"}


@dataclass(frozen=True)
class ServedCase:
    """What the counter tells the evaluator about the citizen just served (no personal data)."""

    case_id: str
    service: str
    origin: str
    clerk: bytes
    at_ms: int


class EvaluatorWindow(QWidget):
    """Asks for one of the five levels, signs the rating with the evaluator's own key, sends it to the hall."""

    rated = Signal(int, bytes, bytes)  # level, the signed entry, the commitment salt (kept with the case)

    def __init__(
        self, client: HallClient, work: BackgroundWork, signer: Signer, office: str, window: str, language: str
    ) -> None:
        super().__init__()
        self.client = client
        self.work = work
        self.signer = signer
        self.office = office
        self.window_id = window
        self.case: ServedCase | None = None
        self.setWindowTitle(self.tr("Rate our service"))
        self.question = QLabel(self.tr("How satisfied are you with this service?"))
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setStyleSheet("font-size: 24pt; font-weight: bold;")
        row = QHBoxLayout()
        self.buttons: dict[int, QPushButton] = {}
        for level in LEVELS:
            button = QPushButton(level.zh if language == "zh_CN" else level.en)
            button.setMinimumSize(150, 110)
            button.setStyleSheet(f"font-size: 18pt; background: {COLOURS[level.value]}; color: white;")
            button.clicked.connect(lambda _=False, v=level.value: self.rate(v))
            row.addWidget(button)
            self.buttons[level.value] = button
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText(self.tr("You may add a reason (optional)"))
        self.reason.setStyleSheet("font-size: 16pt;")
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("font-size: 18pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)
        self.reason.setEnabled(on)

    def ask(self, case: ServedCase) -> None:
        """Ask the citizen just served for a rating."""
        self.case = case
        self.reason.clear()
        self.message.clear()
        self._enable(True)

    def rate(self, level: int) -> None:
        """Sign and send the rating at `level`."""
        if self.case is None:
            return
        case, reason = self.case, self.reason.text().strip() or None
        salt = new_salt()
        rating = Rating(case_commitment(case.case_id, salt), level, case.service, self.office, self.window_id,
                        case.clerk, case.at_ms, None if reason is None else reason_digest(reason))  # fmt: skip
        entry = rating_entry(rating, case.origin, self.signer)
        self._enable(False)
        self.case = None

        def done(_: object) -> None:
            self.message.setText(self.tr("Thank you for your rating."))
            self.rated.emit(level, entry, salt)

        self.work.net(lambda: self.client.rate(entry, reason), done, self.show_error, owner=self)

    def show_error(self, error: Exception) -> None:
        """Word a refusal or an outage."""
        self.message.setText(hall_error_text(error))
