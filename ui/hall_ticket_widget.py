"""The counter's current-ticket panel: the number being served, call next, recall, skip, transfer, finish.

While the hall cannot be reached the panel says so and disables calling; the clerk keeps serving the
citizen at the window. `next_citizen` is emitted when a new ticket is called: the workspace starts an
empty form for it, so nothing of the previous citizen carries over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.protocol.hall_client import CounterHall, HallStatus
from app.protocol.hall_served import ServedCase
from app.protocol.hall_tickets import Ticket
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text
from ui.language_change import RetranslatedOnLanguageChange

HEARTBEAT_MS = 30_000
NO_TICKET = "—"


class CurrentTicketWidget(RetranslatedOnLanguageChange, QWidget):
    """Shows the current ticket and drives the window's calling."""

    next_citizen = Signal(object)  # the Ticket just called
    served = Signal(object)  # the Ticket just finished

    def __init__(self, hall: CounterHall, work: BackgroundWork, windows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.hall = hall
        self.work = work
        self.number = QLabel(NO_TICKET)
        self.number.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setMinimumWidth(160)
        self.call_button = QPushButton()
        self.recall_button = QPushButton()
        self.skip_button = QPushButton()
        self.finish_button = QPushButton()
        self.transfer_to = QComboBox()
        self.windows = windows
        for w in windows:
            self.transfer_to.addItem("", w["id"])
        self.transfer_button = QPushButton()
        self.title = QLabel()
        self._error: Exception | None = None
        # Called on the GUI thread at 办结: returns the call that, on the network pool, gives the case just served.
        self.served_case: Callable[[], Callable[[], ServedCase | None]] = lambda: lambda: None
        # Called on the GUI thread at 转号: the number of the case in the form, which travels with the ticket.
        self.case_ref: Callable[[], str | None] = lambda: None
        self.call_button.clicked.connect(lambda: self._run(self.hall.call_next, called=True))
        self.recall_button.clicked.connect(lambda: self._run(self.hall.recall))
        self.skip_button.clicked.connect(lambda: self._run(self.hall.skip))
        self.finish_button.clicked.connect(self.finish)
        self.transfer_button.clicked.connect(self.transfer)
        # One strip across the top of the workspace: the ticket and its state, then the actions.
        ticket = QVBoxLayout()
        ticket.setSpacing(0)
        ticket.addWidget(self.title)
        ticket.addWidget(self.number)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(ticket)
        layout.addWidget(self.state, 1)
        for b in (self.call_button, self.recall_button, self.skip_button, self.finish_button):
            layout.addWidget(b)
        layout.addSpacing(12)
        layout.addWidget(self.transfer_to)
        layout.addWidget(self.transfer_button)
        self._stopped = False
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._keep_alive)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language (the state line too, or the last error's words)."""
        self.title.setText(self.tr("Current ticket"))
        self.call_button.setText(self.tr("Call next"))
        self.recall_button.setText(self.tr("Recall"))
        self.skip_button.setText(self.tr("Skip"))
        self.finish_button.setText(self.tr("Finish"))
        self.transfer_button.setText(self.tr("Transfer"))
        for i, w in enumerate(self.windows):
            self.transfer_to.setItemText(i, self.tr("Window %1").replace("%1", str(w["number"])))
        if self._error is not None:
            self.show_error(self._error)
        else:
            self.show_status(self.hall.status())

    def stop(self) -> None:
        """Stop the heartbeat for good (the window closes; the hall returns a held ticket after its timeout)."""
        self._stopped = True
        self.heartbeat.stop()

    def refresh(self) -> None:
        """Ask the hall what this window holds (at start, and after the hall comes back)."""
        self.work.net(self.hall.refresh, self.show_status, self.show_error, owner=self)

    def _run(self, action: Any, called: bool = False, finished: bool = False) -> None:
        before = self.hall.status().ticket

        def done(result: Ticket | None) -> None:
            self.show_status(self.hall.status())
            if called and result is not None:
                self.next_citizen.emit(result)
            if finished and before is not None:
                self.served.emit(result)

        self.work.net(action, done, self.show_error, owner=self)

    def finish(self) -> None:
        """Finish the current ticket, telling the hall the case served (as a commitment) for the evaluator."""
        served = self.served_case()
        self._run(lambda: self.hall.finish(served()), finished=True)

    def transfer(self) -> None:
        """Send the current ticket, with the case in the form (its number only), to the chosen window."""
        to, case_ref = str(self.transfer_to.currentData()), self.case_ref()
        self._run(lambda: self.hall.transfer(to, case_ref))

    def _keep_alive(self) -> None:
        if self.hall.status().ticket is not None:
            self.work.net(self.hall.heartbeat, lambda _: None, self.show_error, owner=self)

    def show_status(self, status: HallStatus) -> None:
        """Show the ticket and what the clerk can do now."""
        self._error = None
        ticket = status.ticket
        self.number.setText(ticket.number if ticket else NO_TICKET)
        holding = ticket is not None
        if not status.online:
            self.state.setText(self.tr("Queue system offline: keep serving; calling is paused."))
        elif holding:
            self.state.setText(self.tr("Serving"))
        else:
            self.state.setText(self.tr("Window free"))
        self.call_button.setEnabled(status.can_call)
        for b in (self.recall_button, self.skip_button, self.finish_button, self.transfer_button):
            b.setEnabled(status.online and holding)
        if holding and not self._stopped:  # a late answer or a language change after stop() starts nothing
            self.heartbeat.start()
        else:
            self.heartbeat.stop()

    def show_error(self, error: Exception) -> None:
        """Word the refusal or the outage, and show what the window holds now."""
        self.show_status(self.hall.status())
        self._error = error
        self.state.setText(hall_error_text(error))
