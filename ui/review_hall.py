"""The review's "hall" tab (issue 19): the day's 好差评 per level, service and clerk, and the 整改 items past their
due day, read from the office's hall service on the network pool (never the database thread). Without a hall it
says so plainly; when the hall cannot be reached it says that, and the rest of the review is unaffected."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.office import HallKeyUnreadable, ReviewService
from app.protocol.hall_client import HallUnavailable
from app.protocol.hall_evaluations import DayEvaluations, RatingCounts
from app.protocol.hall_rating import LEVELS
from app.review.texts import service_names
from ui.background import BackgroundWork
from ui.hall_refusals import hall_error_text
from ui.language_change import RetranslatedOnLanguageChange


class HallEvaluationsPanel(RetranslatedOnLanguageChange, QWidget):
    """The day's ratings and the overdue remediation items of the office's hall."""

    loaded = Signal(object)  # DayEvaluations | None (no hall configured)
    failed = Signal(str)

    def __init__(
        self, reviews: ReviewService, work: BackgroundWork, language: str, parent: QWidget | None = None
    ) -> None:
        """Lay out the summary line and the four tables."""
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
        self.levels_table = QTableWidget(0, 2)
        self.service_table = QTableWidget(0, 4)
        self.clerk_table = QTableWidget(0, 4)
        self.overdue_table = QTableWidget(0, 5)
        self.overdue_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        for table in (self.levels_table, self.service_table, self.clerk_table, self.overdue_table):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        self.levels_table.setMaximumHeight(190)
        layout.addWidget(self.levels_table)
        layout.addWidget(self.service_table, 1)
        layout.addWidget(self.clerk_table, 1)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.overdue_table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.levels_table.setHorizontalHeaderLabels([self.tr("Rating"), self.tr("Ratings on the day")])
        counts = [self.tr("Ratings"), self.tr("Dissatisfied"), self.tr("Mean (1–5)")]
        self.service_table.setHorizontalHeaderLabels([self.tr("Service"), *counts])
        self.clerk_table.setHorizontalHeaderLabels([self.tr("Clerk"), *counts])
        self.overdue_table.setHorizontalHeaderLabels(
            [self.tr("Item"), self.tr("Rating"), self.tr("Service"), self.tr("Window"), self.tr("Due (working days)")]
        )
        self.overdue_label.setText(self.tr("Remediation items past their due day, still without a call-back:"))
        self._show()

    # -- loading ---------------------------------------------------------------------------------

    def load(self, day: str) -> None:
        """Ask the hall for the day (network pool) and the office for its clerks' names (database thread)."""
        self.day = day
        reviews = self._reviews
        self.summary.setText(self.tr("Asking the hall for %1…").replace("%1", day))
        self._work.db(reviews.signer_names, self._names, self._failed, owner=self)
        self._work.net(lambda: reviews.hall_evaluations(day), self._loaded, self._failed, owner=self)

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
        if isinstance(error, HallUnavailable):
            return self.tr("The hall service cannot be reached: its ratings and remediation items cannot be shown "
                           "now. The rest of the review is complete.")  # fmt: skip
        if isinstance(error, HallKeyUnreadable):
            return self.tr("This office's hall key file cannot be read (settings): the hall cannot be asked.")
        return hall_error_text(error)

    # -- showing ---------------------------------------------------------------------------------

    def level_name(self, level: int) -> str:
        """A rating level by its name (非常满意 … 非常不满意)."""
        for known in LEVELS:
            if known.value == level:
                return known.zh if self.language == "zh_CN" else known.en
        return str(level)

    def _show(self) -> None:
        found = self.found
        tables = (self.levels_table, self.service_table, self.clerk_table, self.overdue_table)
        if found is None:
            for table in tables:
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
            self.tr("%1: %2 ratings, %3 dissatisfied; %4 remediation items overdue.")
            .replace("%1", found.day).replace("%2", str(found.total)).replace("%3", str(found.bad))
            .replace("%4", str(len(found.overdue)))
        )  # fmt: skip
        self._fill(self.levels_table, [(self.level_name(v), str(found.levels.get(v, 0))) for v in (5, 4, 3, 2, 1)])
        services = service_names(self.language)
        self._fill(self.service_table, self._counts(found.by_service, services))
        self._fill(self.clerk_table, self._counts(found.by_clerk, self.names))
        self._fill(self.overdue_table, [
            (str(i.id), self.level_name(i.level), services.get(i.service, i.service), i.window,
             self.day_text(i.due_day) + (self.tr(" (provisional calendar)") if i.provisional else ""))
            for i in found.overdue
        ])  # fmt: skip

    def day_text(self, day: str) -> str:
        """A YYYY-MM-DD day as the reader writes it (2026年6月10日 in Chinese)."""
        year, month, date = day.split("-")
        return f"{int(year)}年{int(month)}月{int(date)}日" if self.language == "zh_CN" else day

    @staticmethod
    def _counts(groups: dict[str, RatingCounts], names: dict[str, str]) -> list[tuple[str, ...]]:
        return [(names.get(key, key), str(c.count), str(c.bad), f"{c.mean:.2f}") for key, c in groups.items()]

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
