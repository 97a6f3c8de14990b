"""The hall's wall display: the latest calls, the waiting count per category, and the spoken announcement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.beijing_time import BEIJING
from app.hall.announcer import Announcer
from app.protocol.hall_client import HallClient
from app.protocol.hall_tickets import CallRecord, DisplayState
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text

POLL_MS = 1000


class HallDisplayWindow(QWidget):
    """Polls the hall once a second; a new call is shown at the top and announced if a synthesiser exists."""

    def __init__(
        self, client: HallClient, work: BackgroundWork, config: dict[str, Any], language: str, announcer: Announcer
    ) -> None:
        super().__init__()
        self.client = client
        self.work = work
        self.announcer = announcer
        self.categories = config["categories"]
        self.language = language
        self.seen: set[tuple[str, int]] = set()
        self.first_poll = True
        self.setWindowTitle(self.tr("Hall display"))
        self.setStyleSheet("background: #102a43; color: white;")
        self.heading = QLabel(self.tr("Now calling"))
        self.heading.setStyleSheet("font-size: 26pt; font-weight: bold; color: #ffd166;")
        self.latest = QLabel()
        self.latest.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.latest.setStyleSheet("font-size: 44pt; font-weight: bold; color: #ffd166;")
        self.calls = QLabel()
        self.calls.setStyleSheet("font-size: 20pt;")
        self.waiting_heading = QLabel(self.tr("Waiting"))
        self.waiting_heading.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.waiting = QGridLayout()
        self.counts: dict[str, QLabel] = {}
        for i, category in enumerate(self.categories):
            name = category["name_zh"] if language == "zh_CN" else category["name_en"]
            label = QLabel(f"{category['letter']}  {name}")
            label.setStyleSheet("font-size: 16pt;")
            count = QLabel(str(0))
            count.setStyleSheet("font-size: 16pt; font-weight: bold;")
            self.waiting.addWidget(label, i, 0)
            self.waiting.addWidget(count, i, 1)
            self.counts[category["id"]] = count
        self.status = QLabel()
        self.status.setStyleSheet("font-size: 12pt; color: #f4a261;")
        self.voice = QLabel(self.tr("Voice: on") if announcer.available else self.tr("Voice: not installed"))
        self.voice.setStyleSheet("font-size: 11pt; color: #9fb3c8;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.latest)
        layout.addWidget(self.calls)
        layout.addWidget(self.waiting_heading)
        layout.addLayout(self.waiting)
        layout.addWidget(self.status)
        layout.addWidget(self.voice)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Start polling."""
        self.poll()
        self.timer.start()

    def poll(self) -> None:
        """Fetch the display state in the background."""
        self.work.net(self.client.display, self.show_state, self.show_error, owner=self)

    def _call_text(self, call: CallRecord) -> str:
        time = dt.datetime.fromtimestamp(call.at_ms / 1000, BEIJING).strftime("%H:%M")
        text = self.tr("Number %1 to window %2").replace("%1", call.number).replace("%2", str(call.window_number))
        return f"{time}  {text}"

    def show_state(self, state: DisplayState) -> None:
        """Show the calls and counts; announce the calls not seen before (not the backlog at start)."""
        self.status.clear()
        if state.calls:
            newest = state.calls[0]
            self.latest.setText(
                self.tr("Number %1 to window %2").replace("%1", newest.number).replace("%2", str(newest.window_number))
            )
        earlier = "\n".join(self._call_text(c) for c in state.calls[1:6])
        self.calls.setText(earlier)
        for cid, label in self.counts.items():
            label.setText(str(state.waiting.get(cid, 0)))
        fresh = [c for c in reversed(state.calls) if (c.number, c.at_ms) not in self.seen]
        self.seen |= {(c.number, c.at_ms) for c in state.calls}
        if not self.first_poll:
            for call in fresh:
                self.work.net(lambda call=call: self.announcer.announce(call), lambda _: None, lambda _: None)
        self.first_poll = False

    def show_error(self, error: Exception) -> None:
        """Say the hall cannot be reached (the last calls stay on the screen)."""
        self.status.setText(hall_error_text(error))
