"""Always-visible status: nodes online or offline, last sync, outbox, sync progress; offline banner; fork alarm."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.beijing_time import shown_time
from app.office import ForkEvidence, NodeState, OfficeStatus, SyncProgress
from ui.language_change import RetranslatedOnLanguageChange


class StatusPanel(RetranslatedOnLanguageChange, QWidget):
    """The bottom line: one dot per department node, last sync, outbox count, and the sync progress bar."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start with every node unknown."""
        super().__init__(parent)
        self.nodes: dict[str, bool | None] = {}
        self.status: OfficeStatus | None = None
        self.account_label = QLabel()
        self.nodes_label = QLabel()
        self.nodes_label.setObjectName("nodes")
        self.sync_label = QLabel()
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outbox")
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setMinimumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(lambda: self.cancel_requested.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.account_label, self.nodes_label, self.sync_label, self.outbox_label):
            layout.addWidget(widget)
            layout.addSpacing(14)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.cancel_button.setText(self.tr("Cancel sync"))
        self._render()

    def set_account(self, text: str) -> None:
        """Show who is logged in, and in what role."""
        self.account_label.setText(text)

    def set_nodes(self, origins: list[str]) -> None:
        """Track these department nodes (state unknown until they answer)."""
        self.nodes = {origin: self.nodes.get(origin) for origin in origins}
        self._render()

    def show_node(self, state: NodeState) -> None:
        """Record one node's state."""
        self.nodes[state.origin] = state.online
        self._render()

    def show_status(self, status: OfficeStatus) -> None:
        """Show the outbox count and last sync."""
        self.status = status
        self._render()

    @property
    def online_count(self) -> int:
        """How many nodes answered lately."""
        return sum(1 for online in self.nodes.values() if online)

    def _render(self) -> None:
        marks, lines = [], []
        for origin, online in self.nodes.items():
            mark = "●" if online else ("○" if online is False else "◌")
            marks.append(mark)
            lines.append(f"{mark} {origin}")
        if not marks:
            self.nodes_label.setText(self.tr("Nodes: %1").replace("%1", self.tr("none configured")))
        else:
            self.nodes_label.setText(
                self.tr("Nodes %1/%2 online %3")
                .replace("%1", str(self.online_count))
                .replace("%2", str(len(marks)))
                .replace("%3", "".join(marks))
            )
        legend = self.tr("● online   ○ offline   ◌ not yet contacted")
        self.nodes_label.setToolTip("\n".join([legend, *lines]))
        status = self.status
        if status is None or status.last_sync_ms is None:
            self.sync_label.setText(self.tr("Last sync: never in this session"))
        else:
            chinese = QLocale().language() == QLocale.Language.Chinese
            when = shown_time(status.last_sync_ms, "zh_CN" if chinese else "en", date=False)
            self.sync_label.setText(self.tr("Last sync: %1").replace("%1", when))
        count = status.outbox_count if status else 0
        self.outbox_label.setText(self.tr("Outbox: %1 waiting").replace("%1", str(count)))

    def show_progress(self, progress: SyncProgress) -> None:
        """Show sync progress, with cancel; hide both when the run ends."""
        running = not (progress.finished or progress.cancelled or progress.error)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.progress.setMaximum(max(progress.total, 1))
        self.progress.setValue(progress.done)
        self.progress.setFormat(self.tr("Syncing %1: %p%").replace("%1", progress.origin.split(".")[0]))
        if progress.error and progress.origin:
            self.progress.setToolTip(progress.error)


class OfflineBanner(RetranslatedOnLanguageChange, QFrame):
    """Says, when no node answers, what still works and what does not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start hidden."""
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Set the text in the current language."""
        self.text.setText(
            self.tr(
                "Offline: no department node answers. Still works: scanning and verifying certificates against "
                "this office's replica, opening and advancing cases (queued in the outbox). Does not work: "
                "new revocations, data from other departments, sending the outbox. Certificates whose data is "
                "too old show amber."
            )
        )


class ForkAlarmBar(RetranslatedOnLanguageChange, QFrame):
    """A red bar that cannot be missed: a log showed two histories. It stays until acknowledged."""

    acknowledged = Signal(list)  # the evidence ids of the alarms the clerk confirmed

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start hidden."""
        super().__init__(parent)
        self.setObjectName("forkAlarm")
        self.alarms: list[ForkEvidence] = []
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-size: 14pt;")
        self.button = QPushButton()
        self.button.clicked.connect(self.acknowledge)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        """Set the text in the current language."""
        self.button.setText(self.tr("I have told the supervisor"))
        if self.alarms:
            origins = ", ".join(sorted({a.origin for a in self.alarms}))
            self.text.setText(
                self.tr(
                    "ALARM: the log of %1 showed two different histories. Its data is no longer trusted and "
                    "certificates from it cannot be accepted. Evidence has been kept. Tell your supervisor now."
                ).replace("%1", origins)
            )

    def raise_alarm(self, alarm: ForkEvidence) -> None:
        """Show the alarm from app.sync's fork evidence (and keep earlier ones)."""
        if any(a.id == alarm.id for a in self.alarms):
            return
        self.alarms.append(alarm)
        self.retranslate()
        self.show()
        self.button.setFocus()

    def acknowledge(self) -> None:
        """Hide the bar once the clerk confirms the supervisor knows; the log stays untrusted and the alarm stays
        open until a supervisor acknowledges it (`govdesk sync --acknowledge-fork`)."""
        ids = [a.id for a in self.alarms]
        self.alarms.clear()
        self.hide()
        self.acknowledged.emit(ids)
