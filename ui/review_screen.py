"""The supervisor's review screen: pick a day, read the timeline and figures, acknowledge anomalies, check
integrity, sign the day off, export the PDF and CSV. All domain work runs in app.review on the database thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.beijing_time import beijing, shown_time
from app.office import ReviewService
from app.review import DayReview
from app.review.exports import write_csv
from app.review.figures import Figures
from app.review.signoff import SignOff
from app.review.texts import action_name, anomaly_name, problem_text, result_name, service_names, source_name
from app.review.timeline import Action
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.refusal_text import describe
from ui.review_charts import HourlyLoadChart, VerdictMixChart
from ui.review_hall import HallEvaluationsPanel
from ui.review_refused import RefusedEntriesPanel
from ui.review_remediation import RemediationPanel

Index = QModelIndex | QPersistentModelIndex
# The review's Ctrl keys by the key pressed with Ctrl (Shift+Tab arrives as Backtab, the keypad's Enter as Enter).
CTRL_KEYS = {Qt.Key.Key_Tab: "Ctrl+Tab", Qt.Key.Key_Backtab: "Ctrl+Shift+Tab", Qt.Key.Key_Return: "Ctrl+Return",
             Qt.Key.Key_Enter: "Ctrl+Enter", Qt.Key.Key_P: "Ctrl+P", Qt.Key.Key_E: "Ctrl+E"}  # fmt: skip
LINE_BREAK = "\n"


class TimelineModel(QAbstractTableModel):
    """The day's actions as table rows."""

    COLUMNS = 8

    def __init__(self) -> None:
        """Start with no actions."""
        super().__init__()
        self.actions: list[Action] = []
        self.utc_offset_minutes = 480
        self.language = "zh_CN"
        self.service_names: dict[str, str] = {}

    def set_actions(self, actions: list[Action], utc_offset_minutes: int) -> None:
        """Show these actions."""
        self.beginResetModel()
        self.actions, self.utc_offset_minutes = actions, utc_offset_minutes
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        """One row per action."""
        return 0 if parent.isValid() else len(self.actions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt override)
        """Time, source, account, action, result, case, service, verdict."""
        return 0 if parent.isValid() else self.COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The cell's text."""
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        a = self.actions[index.row()]
        if index.column() == 0:
            when = datetime.fromtimestamp(a.at_ms / 1000, UTC) + timedelta(minutes=self.utc_offset_minutes)
            return when.strftime("%H:%M:%S")
        language = self.language
        return (None, source_name(a.source, language), a.account, action_name(a.action, language),
                result_name(a.result, language), a.case, self.service_names.get(a.service, a.service),
                result_name(a.verdict, language) if a.verdict else "")[index.column()]  # fmt: skip

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        """Column titles."""
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("Time"), self.tr("Source"), self.tr("Account"), self.tr("Action"), self.tr("Result"),
                self.tr("Case"), self.tr("Service"), self.tr("Verdict"))[section]  # fmt: skip


class ReviewScreen(RetranslatedOnLanguageChange, QWidget):
    """One day of one office, for a supervisor (admins may look but not sign)."""

    loaded = Signal(object)  # DayReview
    signed = Signal(object)  # SignOff
    exported = Signal(str)  # the path written
    failed = Signal(str)

    def __init__(
        self, reviews: ReviewService, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        """Lay out the day picker, filters, tabs and actions."""
        super().__init__(parent)
        self._reviews = reviews
        self._work = work
        self.language = language
        self.review: DayReview | None = None
        self.service_names: dict[str, str] = {}
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = beijing(reviews.now_ms()).date()  # the office's day is Beijing's, whatever the machine's zone
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.load_selected_day)
        self.filters = {name: QComboBox() for name in ("clerk", "service", "verdict", "action")}
        for combo in self.filters.values():
            combo.currentIndexChanged.connect(self.apply_filters)
        self.sign_button = QPushButton()
        self.sign_button.clicked.connect(self.sign)
        self.pdf_button = QPushButton()
        self.pdf_button.clicked.connect(lambda: self._ask_path("pdf", self.export_pdf))
        self.csv_button = QPushButton()
        self.csv_button.clicked.connect(lambda: self._ask_path("csv", self.export_csv))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.timeline_model = TimelineModel()
        self.timeline_view = QTableView()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.clerk_table = QTableWidget()
        self.service_table = QTableWidget()
        self.compare_label = QLabel()
        self.hourly_chart = HourlyLoadChart()
        self.verdict_chart = VerdictMixChart()
        self.anomaly_table = QTableWidget(0, 3)
        self.anomaly_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.integrity_label = QLabel()
        self.integrity_label.setWordWrap(True)
        self.integrity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refused_panel = RefusedEntriesPanel(reviews, work, language)
        self.hall_panel = HallEvaluationsPanel(reviews, work, language)
        self.remediation_panel = RemediationPanel(reviews, work, language)
        self.tabs = QTabWidget()
        self.confirmation: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None  # the export's "save as" while it is open
        for table in (self.clerk_table, self.service_table):
            table.setMinimumHeight(160)  # several rows in view, not one
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._build()
        self._bind_keys()
        self.retranslate()
        self._set_enabled(False)

    def _build(self) -> None:
        top = QHBoxLayout()
        self.date_label, self.filter_labels = QLabel(), {name: QLabel() for name in self.filters}
        top.addWidget(self.date_label)
        top.addWidget(self.date_edit)
        top.addWidget(self.open_button)
        for name, combo in self.filters.items():
            top.addWidget(self.filter_labels[name])
            top.addWidget(combo, 1)
        figures = QWidget()
        column = QVBoxLayout(figures)
        charts = QHBoxLayout()
        charts.addWidget(self.hourly_chart, 2)
        charts.addWidget(self.verdict_chart, 1)
        column.addLayout(charts)
        column.addWidget(self.compare_label)
        column.addWidget(self.clerk_table)
        column.addWidget(self.service_table)
        self.tabs.addTab(self.timeline_view, "")
        self.tabs.addTab(figures, "")
        self.tabs.addTab(self.anomaly_table, "")
        self.tabs.addTab(self.integrity_label, "")
        self.tabs.addTab(self.refused_panel, "")
        self.tabs.addTab(self.hall_panel, "")
        self.tabs.addTab(self.remediation_panel, "")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        for button in (self.pdf_button, self.csv_button, self.sign_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _key_actions(self) -> dict[str, Callable[[], None]]:
        count = self.tabs.count
        return {
            "Ctrl+Tab": lambda: self.show_tab((self.tabs.currentIndex() + 1) % count()),
            "Ctrl+Shift+Tab": lambda: self.show_tab((self.tabs.currentIndex() - 1) % count()),
            "Ctrl+Return": self.sign,
            "Ctrl+Enter": self.sign,
            "Ctrl+P": lambda: self._ask_path("pdf", self.export_pdf),
            "Ctrl+E": lambda: self._ask_path("csv", self.export_csv),
        }

    def _bind_keys(self) -> None:
        """The review driven by keyboard wherever the focus is in it (a table would take Ctrl+Tab for its own cells):
        Ctrl+Tab / Ctrl+Shift+Tab walk the tabs, Ctrl+Enter signs, Ctrl+P and Ctrl+E export; Esc closes."""
        for sequence, act in self._key_actions().items():
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Esc closes the review (a dialog on top, or a comment being typed, answers its own Esc first); the keys of
        `_bind_keys` act here too when they reach the screen itself (its window not active yet)."""
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.close()
            return
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        act = self._key_actions().get(CTRL_KEYS.get(Qt.Key(event.key()), "")) if ctrl else None
        if act is None:
            super().keyPressEvent(event)
            return
        event.accept()
        act()

    def show_tab(self, index: int) -> None:
        """Show tab `index` with the keyboard focus in it; on the anomalies, on the first comment to type."""
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        page.setFocus(Qt.FocusReason.TabFocusReason)
        if page is self.anomaly_table and self.anomaly_table.rowCount() and self.anomaly_table.currentColumn() != 2:
            self.anomaly_table.setCurrentCell(0, 2)  # the comment column: F2 (or typing) writes the comment

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(self.tr("Daily review"))
        self.date_label.setText(self.tr("Day:"))
        self.open_button.setText(self.tr("Open"))
        names = {"clerk": self.tr("Clerk:"), "service": self.tr("Service:"), "verdict": self.tr("Verdict:"),
                 "action": self.tr("Action:")}  # fmt: skip
        for name, text in names.items():
            self.filter_labels[name].setText(text)
        for index, text in enumerate((self.tr("Timeline"), self.tr("Figures"), self.tr("Anomalies"),
                                      self.tr("Integrity"), self.tr("Refused entries"),
                                      self.tr("Hall ratings"), self.tr("Call-backs"))):  # fmt: skip
            self.tabs.setTabText(index, text)
        self.sign_button.setText(self.tr("Sign the day off (Ctrl+Enter)"))
        self.pdf_button.setText(self.tr("Export PDF… (Ctrl+P)"))
        self.csv_button.setText(self.tr("Export CSV… (Ctrl+E)"))
        self.anomaly_table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Explanation"), self.tr("Comment")])
        if self.review is not None:
            self.show_review(self.review)

    def _set_enabled(self, loaded: bool) -> None:
        signed = self.review is not None and self.review.signoff is not None
        for widget in (self.pdf_button, self.csv_button):
            widget.setEnabled(loaded)
        self.sign_button.setEnabled(loaded and not signed)

    # -- loading ---------------------------------------------------------------------------------

    def load_selected_day(self) -> None:
        """Open the review of the day in the date field."""
        self.load_day(self.date_edit.date().toString("yyyy-MM-dd"))

    def load_day(self, day: str) -> None:
        """Open a day's review on the database thread; `loaded` fires when it is shown."""
        self.status_label.setText(self.tr("Opening %1…").replace("%1", day))
        reviews, language = self._reviews, self.language

        def work() -> tuple[DayReview, dict, dict[str, str]]:
            return reviews.open_day(day), reviews.compare(day), service_names(language)

        self._work.db(work, self._loaded, self._failed, owner=self)
        self.refused_panel.load()
        self.hall_panel.load(day)
        self.remediation_panel.load()

    def _loaded(self, result: tuple[DayReview, dict, dict[str, str]]) -> None:
        review, comparison, names = result
        self.comparison = comparison
        self.service_names = names
        self.timeline_model.service_names = names
        self.timeline_model.language = self.language
        self.show_review(review)
        self.loaded.emit(review)

    def _failed(self, error: Exception) -> None:
        text = describe(error, self.language)
        self.status_label.setText(self.tr("Error: %1").replace("%1", text))
        self.failed.emit(text)

    def show_review(self, review: DayReview) -> None:
        """Show a loaded review in every tab."""
        self.review = review
        actions = review.period.actions
        for name, values in (("clerk", {a.account for a in actions if a.account}),
                             ("service", {a.service for a in actions if a.service}),
                             ("verdict", {a.verdict for a in actions if a.verdict}),
                             ("action", {a.action for a in actions})):  # fmt: skip
            combo = self.filters[name]
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(all)"), "")
            for value in sorted(values):
                combo.addItem(self._filter_text(name, value), value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.apply_filters()
        self._show_figures(review)
        self._show_anomalies(review)
        self._show_integrity(review)
        self._set_enabled(True)
        signed = review.signoff
        self.status_label.setText(
            self.tr("Actions: %1; anomalies: %2.")
            .replace("%1", str(len(actions)))
            .replace("%2", str(len(review.anomalies)))
            + " "
            + (self.tr("Signed off by %1.").replace("%1", signed.account) if signed else self.tr("Not signed off yet."))
        )

    def _filter_text(self, name: str, value: str) -> str:
        if name == "service":
            return self.service_names.get(value, value)
        if name == "verdict":
            return result_name(value, self.language)
        if name == "action":
            return action_name(value, self.language)
        return value

    def apply_filters(self) -> None:
        """Show the timeline rows matching the chosen filters."""
        if self.review is None:
            return
        chosen = {name: combo.currentData() or None for name, combo in self.filters.items()}
        self.timeline_model.set_actions(
            self.review.timeline(**chosen), self.review.period.thresholds.utc_offset_minutes
        )

    def _fill_figures(self, table: QTableWidget, rows: dict[str, Figures], names: dict[str, str] | None = None) -> None:
        headers = [self.tr("Name"), self.tr("Actions"), self.tr("Opened"), self.tr("Advanced"), self.tr("Closed"),
                   self.tr("Rejected"), self.tr("Median (min)"), self.tr("P90 (min)"), self.tr("Verdicts"),
                   self.tr("Refusals"), self.tr("Offline (min)"), self.tr("Outbox"), self.tr("Set aside")]  # fmt: skip
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))

        def minutes(ms: int | None) -> str:
            return "—" if ms is None else f"{ms / 60000:.1f}"

        for r, (name, f) in enumerate(sorted(rows.items())):
            verdicts = ", ".join(f"{result_name(k, self.language)} {v}" for k, v in sorted(f.verdicts.items()))
            values = [(names or {}).get(name, name), f.actions, f.opened, f.advanced, f.closed, f.rejected,
                      minutes(f.median_handling_ms),
                      minutes(f.p90_handling_ms), verdicts,
                      f.refusals, minutes(f.offline_ms), f.outbox_pending, f.outbox_set_aside]  # fmt: skip
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(value)))

    def _show_figures(self, review: DayReview) -> None:
        f = review.figures
        self._fill_figures(self.clerk_table, f.by_clerk)
        self._fill_figures(self.service_table, f.by_service, self.service_names)
        names = {**self.service_names, "(none)": self.tr("No service")}
        hourly = {names.get(k, k): v for k, v in f.hourly_by_service.items()}
        self.hourly_chart.show_load(hourly, self.tr("Hourly load per service"), self.tr("Others"))
        mix = {result_name(k, self.language): v for k, v in f.verdict_mix.items()}
        self.verdict_chart.show_mix(mix, self.tr("Verdict mix"))
        comparison = getattr(self, "comparison", None) or {}
        lines = [
            self.tr("%1: %2 opened, %3 closed, %4 verdicts per day")
            .replace("%1", {"day": self.tr("Day"), "week": self.tr("Week"), "month": self.tr("Month")}[name])
            .replace("%2", f"{values.get('opened', 0):g}")
            .replace("%3", f"{values.get('closed', 0):g}")
            .replace("%4", f"{values.get('verdicts', 0):g}")
            for name, values in comparison.items()
        ]
        self.compare_label.setText(LINE_BREAK.join(lines))

    def _show_anomalies(self, review: DayReview) -> None:
        table = self.anomaly_table
        acks = {a["anomaly"]: a["comment"] for a in review.signoff.acknowledgements} if review.signoff else {}
        table.setRowCount(len(review.anomalies))
        for row, anomaly in enumerate(review.anomalies):
            kind = QTableWidgetItem(anomaly_name(anomaly.kind, self.language))
            kind.setData(Qt.ItemDataRole.UserRole, anomaly.id)
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            text = QTableWidgetItem(anomaly.explanation(self.language))
            text.setToolTip("\n".join(anomaly.refs[:30]))
            text.setFlags(text.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, 0, kind)
            table.setItem(row, 1, text)
            previous = table.item(row, 2)
            table.setItem(row, 2, QTableWidgetItem(acks.get(anomaly.id, previous.text() if previous else "")))

    def _show_integrity(self, review: DayReview) -> None:
        i = review.integrity
        lines = [
            (self.tr("Audit chain intact: %n record(s) verified.", "", i.chain.records) if i.chain.ok
             else self.tr("Audit chain BROKEN: %1").replace("%1", problem_text(i.chain.problem, self.language))),
            self.tr("Last signed-off day: %1").replace("%1", i.last_signed_day or self.tr("none")),
            self.tr("Checkpoints held: %1").replace("%1", str(i.checkpoints)),
            self.tr("Entries of the day included in their logs: %1; pending: %2")
            .replace("%1", str(i.included)).replace("%2", str(len(i.pending))),
            *(self.tr("Problem: %1").replace("%1", problem_text(p, self.language)) for p in i.problems),
        ]  # fmt: skip
        window = i.anchoring
        if window is not None:  # issue 15: what the department log does not vouch for yet
            hours = f"{window.age_ms / 3_600_000:.1f}"
            lines.append(
                self.tr("Audit trail anchored on the department log: records %1; newer records not yet "
                        "anchored: %2, for %3 h (they are anchored at the next sync)")
                .replace("%1", str(window.anchored_records)).replace("%2", str(window.unanchored_records))
                .replace("%3", hours)
            )  # fmt: skip
        self.integrity_label.setText(LINE_BREAK.join(lines))

    # -- acting ----------------------------------------------------------------------------------

    def comments(self) -> dict[str, str]:
        """Return the acknowledgement comments typed so far, by anomaly id."""
        out = {}
        for row in range(self.anomaly_table.rowCount()):
            anomaly_id = self.anomaly_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            comment = self.anomaly_table.item(row, 2)
            out[anomaly_id] = comment.text() if comment else ""
        return out

    def set_comment(self, anomaly_id: str, comment: str) -> None:
        """Type an acknowledgement comment for one anomaly."""
        for row in range(self.anomaly_table.rowCount()):
            if self.anomaly_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == anomaly_id:
                self.anomaly_table.setItem(row, 2, QTableWidgetItem(comment))

    def signoff_statement(self) -> str:
        """What signing states: the day, up to which time (Beijing), how many actions and anomalies."""
        review = self.review
        if review is None:
            return ""
        now_ms = self._reviews.now_ms()
        end_ms = review.period.end_ms
        upto = shown_time(min(now_ms, end_ms), self.language)
        return (
            self.tr("You sign off %1 for this office: the work recorded up to %2 (Beijing time), with your "
                    "comments (actions: %3, anomalies: %4). Work recorded after this is shown as “after sign-off” "
                    "in the next review. Sign now?")
            .replace("%1", review.day).replace("%2", upto)
            .replace("%3", str(len(review.period.actions))).replace("%4", str(len(review.anomalies)))
        )  # fmt: skip

    def sign(self) -> None:
        """Ask the supervisor to confirm what is signed; sign the day off with the typed acknowledgements then."""
        if self.review is None or not self.sign_button.isEnabled():
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Sign the day off"), self.signoff_statement(),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)  # fmt: skip
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Sign"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("&Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda result: self._confirmed(box, result == QMessageBox.StandardButton.Yes))
        self.confirmation = box
        box.open()

    def _confirmed(self, box: QMessageBox, yes: bool) -> None:
        if box is not self.confirmation:  # a late signal of an earlier box
            return
        self.confirmation = None
        box.deleteLater()
        self.activateWindow()  # the keys go to the review again (Ctrl+P, Ctrl+E, Esc), whatever the desktop does
        if yes:
            self.sign_confirmed()

    def sign_confirmed(self) -> None:
        """Sign the day off (after the confirmation) with the typed acknowledgements, refused in words if one is
        missing."""
        review, comments, reviews = self.review, self.comments(), self._reviews
        if review is None:
            return
        self._work.db(lambda: reviews.sign(review, comments), self._signed, self._failed, owner=self)

    def _signed(self, signoff: SignOff) -> None:
        self.status_label.setText(self.tr("Signed off. Ledger entry %1.").replace("%1", signoff.leaf_hash.hex()[:16]))
        self.signed.emit(signoff)
        self.load_day(signoff.day)

    def _ask_path(self, kind: str, export: Callable[[str], None]) -> None:
        if self.review is None:
            return
        # Qt's own dialog, not the system's: it speaks the screen's language (qtbase's catalogue, ui/i18n.py) on any
        # desktop, and answers the keyboard alike everywhere (type the name, Enter saves, Esc cancels).
        kinds = {"pdf": self.tr("PDF report (*.pdf)"), "csv": self.tr("CSV table (*.csv)")}
        dialog = QFileDialog(self, self.tr("Export"), "", kinds[kind])
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.selectFile(f"review-{self.review.day}.{kind}")
        dialog.fileSelected.connect(export)
        dialog.finished.connect(lambda _result: self._file_dialog_closed(dialog))
        self.file_dialog = dialog
        dialog.open()

    def _file_dialog_closed(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None
        dialog.deleteLater()
        self.activateWindow()

    def export_pdf(self, path: str) -> None:
        """Write the PDF report (in the screen's language) exactly at `path`."""
        review, options = self.review, {"comments": self.comments(), "comparison": getattr(self, "comparison", None)}
        language = self.language

        def work() -> str:
            from app.review.pdf_report import write_pdf  # fpdf loads only when a report is exported

            return str(write_pdf(review, Path(path), language=language, **options))

        self._work.db(work, self._exported, self._failed, owner=self)

    def export_csv(self, path: str) -> None:
        """Write the filtered timeline as CSV exactly at `path`."""
        actions, offset = list(self.timeline_model.actions), self.review.period.thresholds.utc_offset_minutes
        language = self.language

        def work() -> str:
            names = service_names(language)
            written = write_csv(actions, Path(path), utc_offset_minutes=offset, language=language, service_names=names)
            return str(written)

        self._work.db(work, self._exported, self._failed, owner=self)

    def _exported(self, path: str) -> None:
        self.status_label.setText(self.tr("Written: %1").replace("%1", path))
        self.exported.emit(path)
