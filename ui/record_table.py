"""A read-only table of records (the review's panels, the trust roots): whole rows, one selected at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def record_table(columns: int, *, selectable: bool = True, stretch_last: bool = True) -> QTableWidget:
    """Return an empty table of `columns` that the user cannot edit, its columns sized to their contents.

    `selectable`: whole rows, one at a time (a panel acts on the selected record); otherwise rows are only read.
    `stretch_last`: the last column takes the room left."""
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if selectable:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch_last)
    return table


def fit_rows(table: QTableWidget, least: int = 1) -> None:
    """Make `table` as tall as its header and rows (at least `least` rows), with no scroll bar of its own.

    For a panel of several short tables inside one scroll area: the reader scrolls the panel, never a table
    that shows one row at a time."""
    rows = max(table.rowCount(), least)
    header = table.horizontalHeader().sizeHint().height()
    body = sum(table.rowHeight(r) for r in range(table.rowCount()))
    body += (rows - table.rowCount()) * table.verticalHeader().defaultSectionSize()
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setFixedHeight(header + body + 2 * table.frameWidth())
