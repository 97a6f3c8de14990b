"""The kiosk (取号机): the citizen takes a ticket by service category, green channel or appointment number."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.protocol.hall_client import HallClient
from app.protocol.hall_tickets import Ticket
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text


class KioskWindow(QWidget):
    """Category buttons, a green-channel switch, an appointment box, and the ticket just issued."""

    def __init__(self, client: HallClient, work: BackgroundWork, config: dict[str, Any], language: str) -> None:
        super().__init__()
        self.client = client
        self.work = work
        self.setWindowTitle(self.tr("Take a number"))
        self.title = QLabel(self.tr("Please choose your service"))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 28pt; font-weight: bold;")
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, category in enumerate(config["categories"]):
            name = category["name_zh"] if language == "zh_CN" else category["name_en"]
            button = QPushButton(f"{category['letter']}  {name}")
            button.setMinimumHeight(80)
            button.setStyleSheet("font-size: 18pt;")
            button.clicked.connect(lambda _=False, cid=category["id"]: self.issue(cid))
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[category["id"]] = button
        self.green = QCheckBox(self.tr("Green channel (elderly, disabled, pregnant)"))
        self.green.setStyleSheet("font-size: 16pt;")
        self.appointment = QLineEdit()
        self.appointment.setPlaceholderText(self.tr("Appointment number"))
        self.appointment.setMaxLength(16)
        self.arrive_button = QPushButton(self.tr("I have an appointment"))
        self.arrive_button.clicked.connect(self.arrive)
        row = QHBoxLayout()
        row.addWidget(self.appointment, 1)
        row.addWidget(self.arrive_button)
        self.ticket = QLabel()
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket.setStyleSheet("font-size: 40pt; font-weight: bold; color: #b00000;")
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.green)
        layout.addLayout(row)
        layout.addWidget(self.ticket)
        layout.addWidget(self.message)

    def issue(self, category: str) -> None:
        """Ask the hall for a ticket of a category."""
        green = self.green.isChecked()
        self.work.net(lambda: self.client.issue(category, green), self.show_ticket, self.show_error, owner=self)

    def arrive(self) -> None:
        """Turn the appointment number into a ticket."""
        code = self.appointment.text().strip().upper()
        if code:
            self.work.net(lambda: self.client.arrive(code), self.show_ticket, self.show_error, owner=self)

    def show_ticket(self, ticket: Ticket) -> None:
        """Show the number the citizen now holds."""
        self.green.setChecked(False)
        self.appointment.clear()
        self.ticket.setText(ticket.number)
        self.message.setText(self.tr("Please wait for your number to be called. Keep this number."))

    def show_error(self, error: Exception) -> None:
        """Word a refusal or an outage."""
        self.ticket.clear()
        self.message.setText(hall_error_text(error))
