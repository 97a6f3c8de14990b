"""The citizen-facing evaluator (好差评) on the counter's second screen: five levels, an optional reason.

It asks the hall (`GET /served`, every POLL_MS) what its window has just finished, and shows the citizen what they are
rating: the service, the window, the clerk's staff id and the ticket number, never the citizen's own data. The
rating names the case only by the commitment the counter computed (`app/services/rating_commitments.py`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ledger.suites import Signer
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import LEVELS, MAX_REASON, Rating, rating_entry, reason_digest
from app.protocol.hall_served import ServedTicket
from app.review.texts import service_names
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text
from ui.language_change import RetranslatedOnLanguageChange

COLOURS = {5: "#2a9d8f", 4: "#52b788", 3: "#e9c46a", 2: "#f4a261", 1: "#e76f51"}
POLL_MS = 1000


def _epoch_ms() -> int:
    return time.time_ns() // 1_000_000


class EvaluatorWindow(RetranslatedOnLanguageChange, QWidget):
    """Shows what the window just served, asks for one of the five levels, signs with its own key, sends it."""

    rated = Signal(int, bytes)  # level, the signed entry
    asked = Signal(object)  # the ServedTicket now shown to the citizen

    def __init__(
        self, client: HallClient, work: BackgroundWork, signer: Signer, office: str, window: str, language: str
    ) -> None:
        super().__init__()
        self.client = client
        self.work = work
        self.signer = signer
        self.office = office
        self.window_id = window
        self.language = language
        self.served: ServedTicket | None = None
        self._shown: tuple[str, int] | None = None  # the ticket and finish time last asked about (asked once)
        self._error: Exception | None = None
        self._thanked = False
        self._polling = False
        self.question = QLabel()
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.what = QLabel()  # the service, window, staff id and ticket being rated
        self.what.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.what.setWordWrap(True)
        self.what.setStyleSheet("font-size: 18pt;")
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
        self.reason.setStyleSheet("font-size: 16pt;")
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("font-size: 18pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.what)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self._enable(False)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language (the case shown, a thanks or the last error too)."""
        self.setWindowTitle(self.tr("Rate our service"))
        self.question.setText(self.tr("How satisfied are you with this service?"))
        self.reason.setPlaceholderText(self.tr("You may add a reason (optional)"))
        waiting = self.tr("Welcome. Please wait to be served.")
        self.what.setText(self.served_text(self.served) if self.served else waiting)
        if self._error is not None:
            self.message.setText(hall_error_text(self._error))
        elif self._thanked:
            self.message.setText(self.tr("Thank you for your rating."))

    def served_text(self, served: ServedTicket) -> str:
        """What the citizen is asked to rate: service, window, staff id and ticket, in the reader's language."""
        service = service_names(self.language).get(served.case.service, served.case.service)
        text = self.tr("%1 · Window %2 · Ticket %3").replace("%1", service)
        text = text.replace("%2", str(served.window_number)).replace("%3", served.number)
        if served.case.staff_id:
            text += "\n" + self.tr("Served by staff member %1").replace("%1", served.case.staff_id)
        return text

    def _enable(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)
        self.reason.setEnabled(on)

    # -- asking ----------------------------------------------------------------------------------

    def watch(self) -> None:
        """Ask the hall now, and every POLL_MS, what the window has just finished."""
        self.poll_timer.start()
        self.poll()

    def stop(self) -> None:
        """Stop asking the hall."""
        self.poll_timer.stop()

    def poll(self) -> None:
        """Ask the hall once (network pool) for the window's served case; a new one is put to the citizen."""
        if self._polling or self.work.closed:
            return
        self._polling = True
        self.work.net(self.client.served, self._polled, self._poll_failed, owner=self)

    def _polled(self, served: ServedTicket | None) -> None:
        self._polling = False
        if self._error is not None:  # the hall answers again
            self._error = None
            self.message.clear()
        if served is not None and (served.number, served.finished_ms) != self._shown:
            self.ask(served)
        elif served is None and self.served is not None and not self._thanked:
            self._clear()  # rated elsewhere, expired, or the window finished a ticket without a case

    def _poll_failed(self, error: Exception) -> None:
        self._polling = False
        self.show_error(error)

    def ask(self, served: ServedTicket) -> None:
        """Put this served case to the citizen."""
        self.served, self._shown, self._thanked, self._error = served, (served.number, served.finished_ms), False, None
        self.reason.clear()
        self.message.clear()
        self._enable(True)
        self.retranslate()
        self.asked.emit(served)

    def _clear(self) -> None:
        self.served = None
        self._enable(False)
        self.retranslate()

    # -- rating ----------------------------------------------------------------------------------

    def rate(self, level: int) -> None:
        """Sign and send the rating at `level`."""
        served = self.served
        if served is None:
            return
        reason = self.reason.text().strip() or None
        case = served.case
        rating = Rating(case.case_commitment, level, case.service, self.office, self.window_id, case.clerk,
                        _epoch_ms(), None if reason is None else reason_digest(reason))  # fmt: skip
        entry = rating_entry(rating, case.log, self.signer)
        self._enable(False)

        def done(_: object) -> None:
            self.served, self._thanked = None, True
            self.retranslate()
            self.rated.emit(level, entry)

        def failed(error: Exception) -> None:
            self._enable(self.served is served)  # the citizen may try again
            self.show_error(error)

        self.work.net(lambda: self.client.rate(entry, reason), done, failed, owner=self)

    def show_error(self, error: Exception) -> None:
        """Word a refusal or an outage."""
        self._error = error
        self.message.setText(hall_error_text(error))
