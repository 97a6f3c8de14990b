"""The one adapter from the office's plain callbacks to Qt signals (STYLE point 8).

Sync, the node monitor and the fork detector publish on `office.events` from their own threads;
`OfficeSignals` re-emits each as a Qt signal, so every handler runs on the GUI thread. Scanner
callbacks have their own adapter beside the preview widget (`ui.scan_preview.ScanSignals`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.office import OfficeEvents


class OfficeSignals(QObject):
    """Qt signals for office events: node state, sync progress, fork alarms and tasks from sync."""

    node_state = Signal(object)  # app.office.NodeState
    sync_progress = Signal(object)  # app.office.SyncProgress
    fork = Signal(object)  # app.office.ForkAlarm
    task = Signal(object)  # app.office.WorkTask

    def __init__(self, events: OfficeEvents, parent: QObject | None = None) -> None:
        """Subscribe to every kind of office event."""
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = [
            events.on_node_state(self.node_state.emit),
            events.on_sync_progress(self.sync_progress.emit),
            events.on_fork(self.fork.emit),
            events.on_task(self.task.emit),
        ]

    def detach(self) -> None:
        """Stop listening (before this object is deleted)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
