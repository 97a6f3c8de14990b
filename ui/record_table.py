"""A read-only table of records (the review's panels, the trust roots): whole rows, one selected at a time."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QHeaderView, QSizePolicy, QTableWidget


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


def fit_rows(table: QTableWidget) -> None:
    """Make `table` as tall as its header and rows, whatever the style sheet's borders and padding, and keep it so
    as rows come and go (Qt sizes it to its contents; the layout may not squeeze it).

    For a panel of several short tables inside one scroll area: the reader scrolls the panel, never a table
    that shows one row at a time."""
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    table.updateGeometry()
