"""The app's one window: login/lock screen or counter workspace, alarms on top, status at the bottom.

It wires services to screens and owns the session's life (unlock, idle lock, logout, language,
settings, sync); the screens themselves receive only the services they use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from app.catalogue.errors import ServiceError
from app.office import ClerkTask, ForkEvidence, NodeState, Office, OfficeStatus, SyncProgress
from app.protocol.hall_served import ServedCase
from app.protocol.hall_tickets import Ticket
from app.store import roles
from app.store.errors import StoreError
from app.store.session import Account
from app.sync.errors import NodeUnreachable
from app.sync.service import LogOutcome
from ui.background import BackgroundWork
from ui.counter_screen import CounterScreen
from ui.events import OfficeSignals
from ui.hall_ticket_slot import HallTicketSlot
from ui.i18n import Translations
from ui.idle_lock import IdleLock
from ui.language_change import RetranslatedOnLanguageChange
from ui.login_screen import LoginScreen
from ui.refusal_text import describe
from ui.review_screen import ReviewScreen
from ui.role_names import role_name
from ui.settings_dialog import SettingsDialog
from ui.status_panel import ForkAlarmBar, OfflineBanner, StatusPanel
from ui.trust_roots_screen import TrustRootsScreen

STATUS_REFRESH_MS = 5000
FIRST_SYNC_DELAY_MS = 1500  # after unlock, once the workspace has drawn


class MainWindow(RetranslatedOnLanguageChange, QMainWindow):
    """Login, lock, the counter workspace, the status line and every keyboard shortcut."""

    ready = Signal()  # the workspace is shown and its first data has loaded

    def __init__(self, office: Office, work: BackgroundWork, translations: Translations) -> None:
        """Build the window on the login screen."""
        super().__init__()
        self.office = office
        self.work = work
        self.translations = translations
        self.account: Account | None = None
        self.locked_account: Account | None = None
        self.sync_cancel: threading.Event | None = None
        self.trust_roots_screen: TrustRootsScreen | None = None  # the administrator's roots window, while open
        self.sync_queue: list[str] = []
        self.signals = OfficeSignals(office.events, self)
        self.fork_bar = ForkAlarmBar()
        self.offline_banner = OfflineBanner()
        self.stack = QStackedWidget()
        self.login = LoginScreen(office.name, office.session, work)
        self.stack.addWidget(self.login)
        # The workspace is built (and polished) with the window, before anyone logs in, so the switch from the login
        # screen only shows it: building it at login stalled the GUI thread 45-90 ms (issue #16).
        self.counter = CounterScreen(
            office.certs, office.cases, office.services, office.scanner, work, translations.language, ofd=office.ofd
        )
        self.stack.addWidget(self.counter)
        self.counter.ensurePolished()
        # The outbox count follows each accepted case or step at once (not at the next status tick).
        self.counter.case_changed.connect(lambda _case: self.refresh_status())
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.fork_bar)
        layout.addWidget(self.offline_banner)
        self.hall_ticket = HallTicketSlot(work)  # the hall's current ticket (issue #19); hidden without a hall
        self.hall_ticket.next_citizen.connect(self.next_citizen)
        self.hall_ticket.served_case = self.served_case
        self.counter.notice_panel.window_number = self.hall_ticket.window_number
        self.hall_ticket.case_ref = lambda: (
            None if self.counter.case_form.case is None else self.counter.case_form.case.case_id
        )
        layout.addWidget(self.hall_ticket)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_panel = StatusPanel()
        self.message_label = QLabel()
        self._message: Callable[[], str] | None = None
        self.statusBar().addWidget(self.status_panel, 1)
        self.statusBar().addPermanentWidget(self.message_label)
        self.status_panel.set_nodes([n.origin for n in office.settings.nodes])
        self.idle = IdleLock(office.settings.lock_minutes * 60_000, self)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.sync_now)
        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()
        self.login.unlocked.connect(self.on_unlocked)
        self.login.logout_requested.connect(self.logout)
        self.idle.idle.connect(self.lock)
        self.signals.node_state.connect(self.on_node_state)
        self.signals.sync_progress.connect(self.on_sync_progress)
        self.signals.fork.connect(self.fork_bar.raise_alarm)
        self.fork_bar.acknowledged.connect(self.report_forks)
        self.signals.task.connect(self.show_task)
        self.status_panel.cancel_requested.connect(self.cancel_sync)
        self.resize(1366, 800)
        self.retranslate()
        self.login.show_login()

    def _make_actions(self) -> None:
        shortcuts = {
            "lock": (QKeySequence("Ctrl+L"), self.lock),
            "logout": (QKeySequence("Ctrl+Shift+Q"), self.logout),
            "settings": (QKeySequence("Ctrl+,"), self.open_settings),
            "language": (QKeySequence("Ctrl+Shift+L"), self.toggle_language),
            "sync": (QKeySequence("F5"), self.sync_now),
            "search": (QKeySequence("Ctrl+F"), lambda: self._counter_focus("search")),
            "camera": (QKeySequence("F3"), lambda: self._counter_focus("camera")),
            "scan_again": (QKeySequence("F4"), self.counter.scan_again),
            "queue": (QKeySequence("F2"), lambda: self._counter_focus("queue")),
            "new_case": (QKeySequence("Ctrl+N"), self.counter.new_citizen),
            "save_case": (QKeySequence("Ctrl+S"), self.counter.open_case),
            "advance_case": (QKeySequence("Ctrl+Return"), self.counter.advance_case),
            "review": (QKeySequence("Ctrl+R"), self.open_review),
            "trust_roots": (QKeySequence(), self.open_trust_roots),
        }
        menu = self.menuBar().addMenu("")
        self.session_menu = menu
        for name, (keys, slot) in shortcuts.items():
            action = QAction(self)
            action.setShortcut(keys)
            action.triggered.connect(slot)
            action.setEnabled(name == "language")
            self.addAction(action)
            menu.addAction(action)
            self.actions_by_name[name] = action

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("govdesk · %1").replace("%1", self.office.name))
        self.session_menu.setTitle(self.tr("&Counter"))
        names = {
            "lock": self.tr("Lock screen"),
            "logout": self.tr("Log out"),
            "settings": self.tr("Settings…"),
            "language": self.tr("Switch language (中文 / English)"),
            "sync": self.tr("Sync now"),
            "search": self.tr("Find a case"),
            "camera": self.tr("Go to the camera"),
            "scan_again": self.tr("Scan (again)"),
            "queue": self.tr("Go to the open cases"),
            "new_case": self.tr("New case form"),
            "save_case": self.tr("Open the case"),
            "advance_case": self.tr("Next step of the case"),
            "review": self.tr("Daily review…"),
            "trust_roots": self.tr("Trusted root certificates…"),
        }
        for name, text in names.items():
            self.actions_by_name[name].setText(text)
        if self._message is not None:
            self.message_label.setText(self._message())
        if self.account is not None:
            self.status_panel.set_account(
                self.tr("%1 (%2)").replace("%1", self.account.name).replace("%2", role_name(self.account.role))
            )

    def _set_session_actions(self, enabled: bool) -> None:
        for name, action in self.actions_by_name.items():
            if name != "language":
                action.setEnabled(enabled)

    def _counter_focus(self, where: str) -> None:
        if self.account is None:
            return
        self.counter.focus(where)

    def on_unlocked(self, account: Account) -> None:
        """Show the workspace (built with the window; after a lock, as the clerk left it)."""
        self.account, self.locked_account = account, None
        self.stack.setCurrentWidget(self.counter)
        self._set_session_actions(True)
        self.retranslate()
        self.idle.set_timeout(self.office.settings.lock_minutes * 60_000)
        self.idle.arm()
        self.status_timer.start()
        self.counter.reload()
        self.hall_ticket.start(self.office.settings)
        if roles.allowed(account.role, roles.SCAN):
            self.counter.start_camera()
        self.counter.focus("camera")
        self.work.db(self.office.status, self._first_status, owner=self)
        self.work.db(self.office.alarms, self._show_alarms, self.show_error, owner=self)
        minutes = self.office.settings.sync_minutes
        if minutes:
            self.sync_timer.setInterval(minutes * 60_000)
            self.sync_timer.start()
            QTimer.singleShot(FIRST_SYNC_DELAY_MS, self, self.sync_now)

    def _first_status(self, status: OfficeStatus) -> None:
        self.show_status(status)
        self.ready.emit()

    def _show_alarms(self, alarms: tuple[list[ForkEvidence], list[ClerkTask]]) -> None:
        forks, tasks = alarms
        for evidence in forks:
            self.fork_bar.raise_alarm(evidence)
        for task in tasks:
            self.show_task(task)

    def report_forks(self, evidence_ids: list[int]) -> None:
        """Record in the audit trail that the clerk told the supervisor of these fork alarms."""
        if self.account is not None and not self.work.closed:
            self.work.db(lambda: self.office.report_forks(evidence_ids), lambda _r: None, self.show_error, owner=self)

    def show_task(self, task: ClerkTask) -> None:
        """List a task sync returned (a node's refusal, a case conflict) in the workspace."""
        self.counter.add_task(task)

    def next_citizen(self, ticket: Ticket) -> None:
        """The hall called the next ticket: the next citizen starts on an empty form; nothing carries over, except the
        case a ticket transferred here (转号) brings along, which opens in the form."""
        if self.account is None:
            return
        self.counter.forget_session()
        self.counter.reload()
        self.counter.focus("camera")
        if ticket.case_ref:
            self.counter.open_transferred_case(ticket.number, ticket.case_ref)

    def served_case(self) -> Callable[[], ServedCase | None]:
        """At 办结 (GUI thread): the call that, on the network pool, asks the office (database thread) what the hall may
        know of the case in the form: its service and rating commitment, never the case id or the citizen."""
        case = self.counter.case_form.case
        if case is None or self.account is None:
            return lambda: None  # nothing was opened for this ticket: the evaluator is not asked
        case_id, cases, work = case.case_id, self.office.cases, self.work

        def served() -> ServedCase | None:
            try:
                return work.db_wait(lambda: cases.served(case_id))
            except (ServiceError, StoreError):  # the ticket is finished all the same; only the rating prompt is lost
                return None

        return served

    def refresh_status(self) -> None:
        """Reload the outbox count and replica age on the database thread."""
        self.hall_ticket.refresh_if_offline()
        if self.account is not None and not self.work.closed:
            self.hall_ticket.collect_ratings(self.office.cases.forward_ratings)
            self.work.db(self.office.status, self.show_status, lambda _e: None, owner=self)

    def show_status(self, status: OfficeStatus) -> None:
        """Show office status figures."""
        self.status_panel.show_status(status)

    def lock(self) -> None:
        """Lock: the key leaves the session, the camera stops, the workspace and its unsaved input stay."""
        if self.account is None:
            return
        self.locked_account, self.account = self.account, None
        self.hall_ticket.hide_while_locked()
        self._leave_session()
        self.login.show_locked(self.locked_account)

    def logout(self) -> None:
        """Log out: like a lock, but the workspace's unsaved input is discarded."""
        was = self.account or self.locked_account
        self.account = self.locked_account = None
        self._leave_session()
        self.status_panel.set_account("")  # nobody is logged in: the status bar names no one
        self.counter.forget_session()
        self.hall_ticket.stop()
        self.login.show_login(was.name if was else "")

    def _stop_session_work(self) -> None:
        """Stop what runs for a session: the idle lock, the timers, a running sync and the camera."""
        self.idle.disarm()
        self.status_timer.stop()
        self.sync_timer.stop()
        self.cancel_sync()
        self.counter.stop_camera()

    def _leave_session(self) -> None:
        self._stop_session_work()
        if self.trust_roots_screen is not None and shiboken6.isValid(self.trust_roots_screen):
            self.trust_roots_screen.close()  # an administrator's window does not outlive the session
        self.trust_roots_screen = None
        self.work.db(self.office.session.lock, lambda _none: None)
        self._set_session_actions(False)
        self.stack.setCurrentWidget(self.login)

    def toggle_language(self) -> None:
        """Switch between Chinese and English."""
        self.set_language("en" if self.translations.language == "zh_CN" else "zh_CN")

    def set_language(self, language: str) -> None:
        """Switch the whole app to `language` and remember it."""
        self.translations.install(language)
        self.counter.set_language(language)
        before = self.office.settings
        if before.language != language:
            updated = before.with_changes(language=language)
            self.work.db(lambda: self.office.save_settings(updated, before), lambda _saved: None, self.show_error,
                         owner=self)  # fmt: skip

    def open_review(self) -> None:
        """Open the supervisor's daily review in its own window (Ctrl+R; supervisors and admins)."""
        if self.account is None or not roles.allowed(self.account.role, roles.AUDIT_REVIEW):
            self.say(lambda: self.tr("Only supervisors and admins review the day."))
            return
        screen = ReviewScreen(self.office.reviews, self.work, self.translations.language, self)
        self._show_as_window(screen, 1200, 760)
        screen.load_selected_day()

    def open_trust_roots(self) -> None:
        """Open the trusted root certificates in their own window (administrators only)."""
        if self.account is None or not roles.allowed(self.account.role, roles.SETTINGS_WRITE):
            self.say(lambda: self.tr("Only an administrator manages the trusted root certificates."))
            return
        screen = TrustRootsScreen(self.office.trust_roots, self.work, self.translations.language, self)
        self._show_as_window(screen, 900, 480)
        screen.load()
        self.trust_roots_screen = screen

    @staticmethod
    def _show_as_window(screen: QWidget, width: int, height: int) -> None:
        """Show a screen in its own window, deleted when it closes."""
        screen.setWindowFlag(Qt.WindowType.Window)
        screen.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.resize(width, height)
        screen.show()

    def open_settings(self) -> None:
        """Open the settings dialog; apply and store what the clerk saves."""
        if self.account is None:
            return
        is_admin = roles.allowed(self.account.role, roles.SETTINGS_WRITE)
        before = self.office.settings
        dialog = SettingsDialog(before, self.office.scanner, is_admin=is_admin, parent=self)
        if dialog.exec() and dialog.result_settings is not None:
            updated = dialog.result_settings
            self.work.db(lambda: self.office.save_settings(updated, before), lambda _saved: self.apply_settings(),
                         self.show_error)  # fmt: skip
        dialog.deleteLater()

    def apply_settings(self) -> None:
        """Apply stored settings: language, lock time, nodes, camera."""
        current = self.office.settings
        if current.language != self.translations.language:
            self.set_language(current.language)
        self.idle.set_timeout(current.lock_minutes * 60_000)
        self.status_panel.set_nodes([n.origin for n in current.nodes])
        if self.account is not None:
            self.counter.start_camera()
            self.hall_ticket.start(current)
        self.say(lambda: self.tr("Settings saved."))

    def say(self, message: Callable[[], str]) -> None:
        """Show a status message, worded again whenever the language changes."""
        self._message = message
        self.message_label.setText(message())

    def show_error(self, error: Exception) -> None:
        """Show an error in the status line."""
        self.say(lambda: self.tr("Error: %1").replace("%1", describe(error, self.translations.language)))

    def on_node_state(self, state: NodeState) -> None:
        """Record a node's state; show the offline banner when no node answers."""
        self.status_panel.show_node(state)
        known = [v for v in self.status_panel.nodes.values() if v is not None]
        self.offline_banner.setVisible(bool(known) and self.status_panel.online_count == 0)

    def on_sync_progress(self, progress: SyncProgress) -> None:
        """Show sync progress; refresh the figures when a log or the whole run ends."""
        self.status_panel.show_progress(progress)
        if progress.finished or progress.cancelled or progress.error:
            self.refresh_status()

    def sync_now(self) -> None:
        """Sync every log of the trust policy (F5): one network-pool job per log, so scans slip in between.

        A Replica belongs to the database thread; app.sync downloads and verifies on the network pool and applies
        there, in batches of one transaction each, and reports progress through office.events (ui.events).
        """
        if self.account is None or self.sync_cancel is not None or self.work.closed:
            return
        self.sync_cancel = threading.Event()
        self.sync_problems: list[str] = []
        self.say(lambda: self.tr("Syncing…"))
        self.work.db(self.office.sync_origins, self._sync_logs, self._sync_failed, owner=self)

    def _sync_logs(self, origins: list[str]) -> None:
        if not origins:
            self.sync_cancel = None
            self.say(lambda: self.tr("No trust policy: an admin sets the department nodes first."))
            return
        self.sync_queue = list(origins)
        self._sync_next(None)

    def _sync_next(self, outcome: object) -> None:
        cancel = self.sync_cancel
        if cancel is None or self.work.closed:  # a run that ended while the app was shutting down
            return
        if isinstance(outcome, LogOutcome) and outcome.error is not None:
            self.sync_problems.append(outcome.origin)
        if cancel.is_set() or not self.sync_queue or self.account is None:
            total = len(self.status_panel.nodes)
            self.sync_queue = []
            self.sync_cancel = None
            done = SyncProgress("", "done", total, total, finished=not cancel.is_set(), cancelled=cancel.is_set())
            self.on_sync_progress(done)
            if cancel.is_set():
                self.say(lambda: self.tr("Sync cancelled."))
            elif self.sync_problems and len(self.sync_problems) >= total:
                self.say(lambda: self.tr("Nothing was synced: no department node answered. Work continues offline."))
            elif self.sync_problems:
                failed = len(self.sync_problems)
                self.say(
                    lambda: self.tr(
                        "Sync finished with problems: {0} of {1} logs could not be synced (see the nodes)."
                    ).format(failed, total)
                )
            else:
                self.say(lambda: self.tr("Sync finished."))
            return
        origin = self.sync_queue.pop(0)
        # The node is asked first on the network pool; only a node that answered gets a database-thread job, so a
        # stalled or unreachable node never holds up a verdict.
        self.work.net(lambda: self.office.reach_node(origin), lambda state: self._sync_reached(state, cancel),
                      self._sync_failed, owner=self)  # fmt: skip

    def _sync_reached(self, state: NodeState, cancel: threading.Event) -> None:
        if cancel is not self.sync_cancel or self.work.closed:
            return
        if not state.online:
            self._sync_next(LogOutcome(state.origin, error=NodeUnreachable(f"{state.origin}: {state.detail}")))
            return
        origin, publish = state.origin, self.office.events.publish_sync_progress
        # The sync job itself runs on the network pool: only its replica reads and bounded apply batches queue on the
        # database thread (work.db_wait), so a verdict waits for at most one batch, never for a download.
        self.work.net(lambda: self.office.sync_log(origin, publish, cancel, self.work.db_wait), self._sync_next,
                      self._sync_failed, owner=self)  # fmt: skip

    def _sync_failed(self, error: Exception) -> None:
        self.sync_queue = []
        self.sync_cancel = None
        self.status_panel.show_progress(SyncProgress("", "done", 0, 0, error=str(error)))
        self.show_error(error)

    def cancel_sync(self) -> None:
        """Ask a running sync to stop at its next safe point."""
        if self.sync_cancel is not None:
            self.sync_cancel.set()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        """Stop the camera, timers and sync; lock the office; then close."""
        self._stop_session_work()
        self.hall_ticket.stop()
        self.signals.detach()
        super().closeEvent(event)
