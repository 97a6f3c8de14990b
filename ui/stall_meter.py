"""How long the GUI thread was blocked: the longest gap between ticks of a 5 ms timer on it."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class StallMeter:
    """Measures event-loop stalls; use `start()`/`stop()` or as a context manager."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.clock = QElapsedTimer()
        self.last = 0
        self.worst_ms = 0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst_ms = max(self.worst_ms, now - self.last)
        self.last = now

    def start(self) -> None:
        """Start measuring from zero."""
        self.clock.start()
        self.last = 0
        self.worst_ms = 0
        self.timer.start()

    def stop(self) -> int:
        """Stop and return the worst gap in ms."""
        self.timer.stop()
        return self.worst_ms

    def __enter__(self) -> StallMeter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
