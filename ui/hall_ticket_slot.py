"""The place in the counter's workspace where the hall's current ticket shows (when a hall is set).

It builds `CurrentTicketWidget` for the hall named in the settings (URL and the counter's enrolled key),
asks the hall for its windows, and re-asks what this window holds while the hall is unreachable. The
workspace listens to `next_citizen` to start the next citizen on an empty form, and at each status tick has the
slot collect the window's new 好差评 ratings from the hall into the office's outbox (`collect_ratings`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.office import HallKeyUnreadable, RatingsForwarded, counter_hall
from app.protocol.hall_client import CounterHall
from app.protocol.hall_served import ServedCase
from app.protocol.hall_tickets import Ticket
from app.settings import Settings
from ui.background import BackgroundWork
from ui.hall_ticket_widget import CurrentTicketWidget
from ui.language_change import RetranslatedOnLanguageChange


class HallTicketSlot(RetranslatedOnLanguageChange, QWidget):
    """Holds the current-ticket panel of the hall in the settings; hidden while no hall is set."""

    next_citizen = Signal(object)  # the Ticket just called
    served = Signal(object)  # the Ticket just finished
    ratings_collected = Signal(object)  # the RatingsForwarded of one collection (queued, refused)

    def __init__(self, work: BackgroundWork) -> None:
        super().__init__()
        self.work = work
        self.panel: CurrentTicketWidget | None = None
        self.hall: CounterHall | None = None
        self._configured: tuple[str, str] = ("", "")
        self.hall_office = ""  # the office id in the hall's GET /config: the ratings this counter forwards name it
        self._window_id = ""  # this counter's window, once a ticket it held named it
        self._collecting = False
        # What the workspace tells the hall at 办结 (see CurrentTicketWidget.served_case); the main window sets it.
        self.served_case: Callable[[], Callable[[], ServedCase | None]] = lambda: lambda: None
        self.case_ref: Callable[[], str | None] = lambda: None  # the case a 转号 takes along (CurrentTicketWidget)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 4, 8, 4)
        self.layout_.addWidget(self.problem)
        self.hide()

    def start(self, settings: Settings) -> None:
        """Show the panel of the hall in `settings` (built again only when the hall or key changed)."""
        wanted = (settings.hall_url, settings.hall_key_file)
        if wanted == self._configured and (self.panel is not None or not settings.hall_url):
            self.setVisible(bool(settings.hall_url))
            self.refresh()
            return
        self.stop()
        self._configured = wanted
        try:
            hall = counter_hall(settings)
        except HallKeyUnreadable:
            self.problem.show()
            self.retranslate()
            self.show()
            return
        if hall is None:
            return
        self.hall = hall
        self.show()
        self.work.net(hall.client.config, lambda config: self._configure(hall, config),
                      lambda error: self._build(hall, [], error), owner=self)  # fmt: skip

    def _configure(self, hall: CounterHall, config: object) -> None:
        doc = config if isinstance(config, dict) else {}
        if hall is self.hall and isinstance(doc.get("office"), str):
            self.hall_office = doc["office"]
        windows = doc.get("windows", [])
        self._build(hall, windows if isinstance(windows, list) else [], None)

    def retranslate(self) -> None:
        """Set the slot's own text in the current language (the panel retranslates itself)."""
        self.problem.setText(self.tr("The queue system is set, but this counter's key file cannot be read."))

    def _build(self, hall: CounterHall, windows: list[dict[str, object]], error: Exception | None) -> None:
        if hall is not self.hall:  # the settings changed while the hall was asked
            return
        panel = CurrentTicketWidget(hall, self.work, [w for w in windows if isinstance(w, dict)])
        panel.served_case = lambda: self.served_case()
        panel.case_ref = lambda: self.case_ref()
        panel.next_citizen.connect(self.next_citizen)
        panel.served.connect(self.served)
        self.layout_.addWidget(panel)
        self.panel = panel
        if error is not None:
            panel.show_error(error)
        else:
            panel.refresh()

    def hide_while_locked(self) -> None:
        """Hide the panel while the workspace is locked (nobody calls from the lock screen); the hold stays."""
        self.hide()

    def refresh(self) -> None:
        """Ask the hall again what this window holds (after an unlock, or while the hall was unreachable)."""
        if self.panel is not None:
            self.panel.refresh()

    def refresh_if_offline(self) -> None:
        """Try the hall again if it was unreachable (the workspace's status tick)."""
        if self.panel is not None and self.hall is not None and not self.hall.status().online:
            self.panel.refresh()

    def collect_ratings(self, forward: Callable[[list[bytes], str], RatingsForwarded]) -> None:
        """Collect the window's new ratings from the hall on the network pool and hand each page to `forward` (the
        office's `forward_ratings`) on the database thread; `ratings_collected` reports each page's outcome."""
        hall, office = self.hall, self.hall_office
        if hall is None or not office or self._collecting or not hall.status().online:
            return
        self._collecting = True
        work = self.work

        def take(entries: list[bytes]) -> None:
            self.ratings_collected.emit(work.db_wait(lambda: forward(entries, office)))

        self.work.net(lambda: hall.collect_ratings(take), self._collected, self._collected, owner=self)

    def _collected(self, _outcome: object) -> None:
        # A failure (hall down, office locked) leaves the hall's cursor where it was: the next tick tries again.
        self._collecting = False

    def window_number(self) -> int:
        """The number of this counter's window on the hall's wall (0 until a ticket it held has named the window)."""
        ticket = self.current_ticket()
        if ticket is not None and ticket.window:
            self._window_id = ticket.window
        windows = self.panel.windows if self.panel is not None else []
        return next((int(w["number"]) for w in windows if w.get("id") == self._window_id), 0)

    def current_ticket(self) -> Ticket | None:
        """The ticket this window serves, as last known."""
        return None if self.hall is None else self.hall.status().ticket

    def stop(self) -> None:
        """Remove the panel (logout, or the hall settings changed); the hall returns a held ticket after its timeout."""
        if self.panel is not None:
            self.panel.stop()
            self.panel.setParent(None)
            self.panel.deleteLater()
        if self.hall is not None:
            self.hall.client.close()
        self.panel, self.hall, self._configured, self.hall_office = None, None, ("", ""), ""
        self.problem.hide()
        self.hide()
