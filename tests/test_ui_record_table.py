"""A record table fitted to its rows shows every row without a scroll bar of its own, however many there are."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QTableWidgetItem

from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.record_table import fit_rows, record_table

__all__ = ["dangling_threads", "dangling_timers"]


@pytest.mark.parametrize("rows", [0, 1, 12, 40])
def test_a_fitted_table_shows_every_row(qtbot, rows: int) -> None:
    table = record_table(3, selectable=False)
    qtbot.addWidget(table)
    table.setRowCount(rows)
    for r in range(rows):
        for c in range(3):
            table.setItem(r, c, QTableWidgetItem(f"第 {r} 行 {c}"))
    fit_rows(table)
    table.show()
    qtbot.waitUntil(table.isVisible, timeout=5_000)
    assert table.verticalScrollBar().maximum() == 0
    if rows:
        last = rows - 1
        assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
    else:
        assert table.height() > table.horizontalHeader().height()  # room for one row: "nothing" reads as empty
