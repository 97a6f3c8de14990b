"""Progress of a sync run, as plain callbacks a UI can turn into a progress bar (no Qt here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SyncProgress:
    """How far one phase of one log has got: items and bytes, done and total (bytes_total is an estimate)."""

    origin: str
    phase: str
    items_done: int
    items_total: int
    bytes_done: int = 0
    bytes_total: int = 0
    finished: bool = False
    cancelled: bool = False
    error: str = ""

    @property
    def done(self) -> int:
        """Items done (what a progress bar shows)."""
        return self.items_done

    @property
    def total(self) -> int:
        """Items in all."""
        return self.items_total


ProgressCallback = Callable[[SyncProgress], None]


def ignore_progress(_progress: SyncProgress) -> None:
    """A progress callback that shows nothing."""
