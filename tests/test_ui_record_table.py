"""A record table fitted to its rows shows every row without a scroll bar of its own, however many there are."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget

from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.record_table import fit_rows, record_table
from ui.style import STYLE_SHEET

__all__ = ["dangling_threads", "dangling_timers"]


@pytest.mark.parametrize("rows", [0, 1, 12, 40])
def test_a_fitted_table_shows_every_row(qtbot, rows: int) -> None:
    """In a scrolling page, as the review's hall tab has it, with the app's style sheet (borders and padding)."""
    table = record_table(3, selectable=False)
    page = QWidget()
    QVBoxLayout(page).addWidget(table)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(page)
    scroll.setStyleSheet(STYLE_SHEET)
    scroll.resize(900, 400)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitUntil(table.isVisible, timeout=5_000)
    table.setRowCount(rows)  # rows arrive after the page is shown, as the hall's answer does
    for r in range(rows):
        for c in range(3):
            table.setItem(r, c, QTableWidgetItem(f"第 {r} 行 {c}"))
    fit_rows(table)
    last = max(rows - 1, 0)

    def every_row_in_view() -> bool:
        return table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()

    qtbot.waitUntil(lambda: rows == 0 or every_row_in_view(), timeout=5_000)
    assert table.verticalScrollBar().maximum() == 0
    if rows >= 12:
        assert scroll.verticalScrollBar().maximum() > 0  # the page scrolls, not the table
