"""Idle auto-lock: any key press, click or wheel resets a single-shot timer; when it fires, the app locks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class IdleLock(QObject):
    """Emits `idle` after `timeout_ms` without input while armed."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        """Create the timer (disarmed)."""
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.idle.emit)
        self.armed = False
        # Installed once, before the login screen shows: the first events that reach a Python filter make Shiboken
        # wrap Qt's internal objects and load every binding type and enum on the way (40-60 ms). Installed at unlock,
        # that cost landed in the switch to the workspace (issue #16); now it is paid while the app starts.
        QApplication.instance().installEventFilter(self)

    def arm(self) -> None:
        """Start watching input (after an unlock)."""
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        """Stop watching (while locked or on exit)."""
        self.armed = False
        self.timer.stop()

    def set_timeout(self, timeout_ms: int) -> None:
        """Change the idle time."""
        self.timer.setInterval(timeout_ms)
        if self.armed:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Restart the timer on input; never consume the event."""
        if self.armed and event.type() in ACTIVITY:
            self.timer.start()
        return False
