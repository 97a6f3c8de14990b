"""The review's charts (QtCharts): hourly load per service as stacked bars, and the verdict mix as a pie."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QPieSeries, QStackedBarSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

MAX_SERIES = 6


class HourlyLoadChart(QChartView):
    """Actions per local hour, one stacked colour per service (the busiest few, the rest together)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty."""
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.series_names: list[str] = []
        self.show_load({}, "", "")

    def show_load(self, hourly: dict[str, list[int]], title: str, others: str) -> None:
        """Draw `hourly` (service -> 24 counts) between the first and last busy hour."""
        chart = QChart()
        chart.setTitle(title)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        busiest = sorted(hourly.items(), key=lambda kv: -sum(kv[1]))
        shown = busiest[:MAX_SERIES]
        if len(busiest) > MAX_SERIES:
            shown.append((others, [sum(v[h] for _, v in busiest[MAX_SERIES:]) for h in range(24)]))
        hours = [h for h in range(24) if any(v[h] for _, v in shown)] or list(range(8, 19))
        hours = list(range(min(hours), max(hours) + 1))
        series = QStackedBarSeries()
        for name, values in shown:
            bar = QBarSet(name)
            bar.append([float(values[h]) for h in hours])
            series.append(bar)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([f"{h:02d}" for h in hours])
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        self.series_names = [name for name, _ in shown]
        self.setChart(chart)


class VerdictMixChart(QChartView):
    """The certificate verdicts of the day by status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty."""
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.slices: dict[str, int] = {}
        self.show_mix({}, "")

    def show_mix(self, mix: dict[str, int], title: str) -> None:
        """Draw one slice per verdict status."""
        chart = QChart()
        chart.setTitle(title)
        series = QPieSeries()
        for status, count in mix.items():
            piece = series.append(f"{status} ({count})", float(count))
            piece.setLabelVisible(count > 0)
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.slices = dict(mix)
        self.setChart(chart)
