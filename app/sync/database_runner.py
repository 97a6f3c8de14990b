"""How sync reaches the replica from another thread: `on_db(work)` runs `work` where the replica lives.

A Replica belongs to the thread that opened it. The counter runs sync on a network thread and passes a
runner that queues `work` on its database thread and waits for the result; the command line and the
tests own the replica on the syncing thread and use `run_here`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class DatabaseRunner(Protocol):
    """Run `work` on the thread that owns the replica and return its result (or raise its exception)."""

    def __call__(self, work: Callable[[], T], /) -> T: ...


def run_here(work: Callable[[], T]) -> T:
    """The DatabaseRunner for a caller that owns the replica itself: run `work` at once."""
    return work()
