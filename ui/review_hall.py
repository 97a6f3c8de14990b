"""The review's "hall" tab (issue 19): the day's 好差评 per level, service and clerk, and the 整改 items past their
due day, read from the office's hall service on the network pool (never the database thread). Without a hall it
says so plainly; when the hall cannot be reached it says that, and the rest of the review is unaffected.

Below them, from the office's own replica (database thread): the hall's ratings this counter refused to pass on to a
department, with why in plain words (they are in the audit trail, so they survive a restart)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.beijing_time import shown_day, shown_time
from app.office import HallKeyUnreadable, ReviewService
from app.protocol.hall_client import HallUnavailable
from app.protocol.hall_evaluations import DayEvaluations, RatingCounts
from app.protocol.hall_rating import LEVELS
from app.review.hall_satisfaction import department_names, satisfaction_by_department
from app.review.refused_ratings import RefusedRating
from app.review.texts import service_names
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text
from ui.language_change import RetranslatedOnLanguageChange
from ui.record_table import fit_rows, record_table
from ui.refusal_text import describe, describe_code


def hall_reading_error(error: Exception) -> str:
    """Say why the hall's figures or items are missing, in the reader's language."""
    if isinstance(error, HallUnavailable):
        return QCoreApplication.translate(
            "HallEvaluationsPanel", "The hall service cannot be reached: its ratings and remediation items cannot be "
            "shown now. The rest of the review is complete.",
        )  # fmt: skip
    if isinstance(error, HallKeyUnreadable):
        return QCoreApplication.translate(
            "HallEvaluationsPanel", "This office's hall key file cannot be read (settings): the hall cannot be asked."
        )
    return hall_error_text(error)


def rating_level_name(level: int, language: str) -> str:
    """A rating level by its name (非常满意 … 非常不满意) in `language`."""
    for known in LEVELS:
        if known.value == level:
            return known.zh if language == "zh_CN" else known.en
    return str(level)


class HallEvaluationsPanel(RetranslatedOnLanguageChange, QWidget):
    """The day's ratings and the overdue remediation items of the office's hall."""

    loaded = Signal(object)  # DayEvaluations | None (no hall configured)
    failed = Signal(str)
    refused_loaded = Signal(list)  # list[RefusedRating]

    def __init__(
        self, reviews: ReviewService, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        """Lay out the summary line, the tables of the day's figures and the table of refused ratings."""
        super().__init__(parent)
        self._reviews = reviews
        self._work = work
        self.language = language
        self.day = ""
        self.found: DayEvaluations | None = None
        self.configured: bool | None = None  # None until the first answer
        self.error: Exception | None = None
        self.names: dict[str, str] = {}
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.levels_table = record_table(2, selectable=False)
        self.service_table = record_table(4, selectable=False)
        self.department_table = record_table(4, selectable=False)
        self.clerk_table = record_table(4, selectable=False)
        self.overdue_table = record_table(5, selectable=False)
        self.overdue_label = QLabel()
        self.refused: list[RefusedRating] | None = None  # None until read
        self.refused_error: Exception | None = None
        self.refused_label = QLabel()
        self.refused_label.setWordWrap(True)
        self.refused_table = record_table(6, selectable=False)
        self.figure_tables = (self.levels_table, self.service_table, self.department_table, self.clerk_table,
                              self.overdue_table)  # fmt: skip
        # Every table is as tall as its rows; the page scrolls as a whole when the day holds more than the screen.
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        for table in (self.levels_table, self.service_table, self.department_table, self.clerk_table):
            layout.addWidget(table)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.overdue_table)
        layout.addWidget(self.refused_label)
        layout.addWidget(self.refused_table)
        layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.levels_table.setHorizontalHeaderLabels([self.tr("Rating"), self.tr("Ratings on the day")])
        counts = [self.tr("Ratings"), self.tr("Dissatisfied"), self.tr("Mean (1–5)")]
        self.service_table.setHorizontalHeaderLabels([self.tr("Service"), *counts])
        self.department_table.setHorizontalHeaderLabels([self.tr("Department"), *counts])
        self.clerk_table.setHorizontalHeaderLabels([self.tr("Clerk"), *counts])
        self.overdue_table.setHorizontalHeaderLabels(
            [self.tr("Item"), self.tr("Rating"), self.tr("Service"), self.tr("Window"), self.tr("Due (working days)")]
        )
        self.overdue_label.setText(self.tr("Remediation items past their due day, still without a call-back:"))
        self.refused_table.setHorizontalHeaderLabels([
            self.tr("Last refused (Beijing)"), self.tr("Why it was not passed on"), self.tr("Window"),
            self.tr("Service"), self.tr("Evaluator"), self.tr("Times"),
        ])  # fmt: skip
        self._show()
        self._show_refused()

    # -- loading ---------------------------------------------------------------------------------

    def load(self, day: str) -> None:
        """Ask the hall for the day (network pool) and the office for its clerks' names (database thread)."""
        self.day = day
        reviews = self._reviews
        self.summary.setText(self.tr("Asking the hall for %1…").replace("%1", day))
        self._work.db(reviews.signer_names, self._names, self._failed, owner=self)
        self._work.net(lambda: reviews.hall_evaluations(day), self._loaded, self._failed, owner=self)
        self._work.db(reviews.refused_ratings, self._refused_read, self._refused_failed, owner=self)

    def _refused_read(self, refused: list[RefusedRating]) -> None:
        self.refused, self.refused_error = refused, None
        self._show_refused()
        self.refused_loaded.emit(refused)

    def _refused_failed(self, error: Exception) -> None:
        self.refused, self.refused_error = None, error
        self._show_refused()

    def _names(self, names: dict[str, str]) -> None:
        self.names = names
        self._show()

    def _loaded(self, found: DayEvaluations | None) -> None:
        self.found, self.configured, self.error = found, found is not None, None
        self._show()
        self.loaded.emit(found)

    def _failed(self, error: Exception) -> None:
        self.found, self.configured, self.error = None, True, error
        self._show()
        self.failed.emit(self.summary.text())

    def error_text(self, error: Exception) -> str:
        """Say why the hall's figures are missing, in the reader's language."""
        return hall_reading_error(error)

    # -- showing ---------------------------------------------------------------------------------

    def level_name(self, level: int) -> str:
        """A rating level by its name (非常满意 … 非常不满意)."""
        return rating_level_name(level, self.language)

    def _show(self) -> None:
        found = self.found
        if found is None:
            for table in self.figure_tables:
                table.setRowCount(0)
            if self.configured is False:
                self.summary.setText(
                    self.tr("No hall is configured for this office: citizens' ratings and their remediation items "
                            "are kept by a hall service. An administrator sets the hall's address and key in the "
                            "settings.")
                )  # fmt: skip
            elif self.error is not None:
                self.summary.setText(self.error_text(self.error))
            return
        self.summary.setText(
            self.tr("%1: ratings %2, dissatisfied %3; remediation items overdue: %4.")
            .replace("%1", found.day).replace("%2", str(found.total)).replace("%3", str(found.bad))
            .replace("%4", str(len(found.overdue)))
        )  # fmt: skip
        self._fill(self.levels_table, [(self.level_name(v), str(found.levels.get(v, 0))) for v in (5, 4, 3, 2, 1)])
        services = service_names(self.language)
        self._fill(self.service_table, self._counts(found.by_service, services))
        departments = department_names(self.language)
        self._fill(self.department_table, self._counts(satisfaction_by_department(found), departments))
        self._fill(self.clerk_table, self._counts(found.by_clerk, self.names))
        self._fill(self.overdue_table, [
            (str(i.id), self.level_name(i.level), services.get(i.service, i.service), i.window,
             self.day_text(i.due_day) + (self.tr(" (provisional calendar)") if i.provisional else ""))
            for i in found.overdue
        ])  # fmt: skip

    def _show_refused(self) -> None:
        refused = self.refused or []
        if self.refused_error is not None:
            text = self.tr("The refused ratings cannot be read: %1").replace(
                "%1", describe(self.refused_error, self.language)
            )
        elif self.refused is None:
            text = ""
        elif not refused:
            text = self.tr("No rating from the hall was refused: every one went on to its department.")
        else:
            text = self.tr("%n rating(s) from the hall were not passed on to a department (each refusal is "
                           "recorded in the audit trail):", "", len(refused))  # fmt: skip
        self.refused_label.setText(text)
        services = service_names(self.language)
        self._fill(self.refused_table, [
            (shown_time(r.last_ms, self.language), describe_code(f"rating_{r.reason or 'not_forwarded'}"),
             r.window or "—", services.get(r.service, r.service) or "—", r.signer or "—", str(r.times))
            for r in refused
        ])  # fmt: skip
        for row, r in enumerate(refused):
            for column in range(self.refused_table.columnCount()):
                self.refused_table.item(row, column).setToolTip(f"{r.message} · {r.entry[:16]}")

    def day_text(self, day: str) -> str:
        """A YYYY-MM-DD day as the reader writes it (2026年6月10日 in Chinese)."""
        return shown_day(day, self.language)

    @staticmethod
    def _counts(groups: dict[str, RatingCounts], names: dict[str, str]) -> list[tuple[str, ...]]:
        return [(names.get(key, key), str(c.count), str(c.bad), f"{c.mean:.2f}") for key, c in groups.items()]

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
        fit_rows(table)
