"""Small typed helpers that run work off the GUI thread and call back on it (STYLE points 6 and 7).

    work.db(lambda: office.certs.verify(text), on_done=card.show_verdict, on_error=card.show_error)

`db` runs on the one thread that owns the database; `net` on a small pool for network and sync.
The work itself never touches a widget; `on_done`/`on_error` run on the GUI thread, and are
skipped if the `owner` widget has been deleted meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")
DB_THREAD_NAME = "govdesk-db"
NET_THREAD_NAME = "govdesk-net"
NET_WORKERS = 4


@dataclass
class _Outcome(Generic[T]):
    """A finished piece of work on its way back to the GUI thread."""

    value: T | None
    error: BaseException | None
    on_done: Callable[[T], None]
    on_error: Callable[[Exception], None] | None
    owner: QObject | None


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is queued to it."""

    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        if outcome.owner is not None and not shiboken6.isValid(outcome.owner):
            return
        if outcome.error is None:
            outcome.on_done(outcome.value)
        elif outcome.on_error is not None and isinstance(outcome.error, Exception):
            outcome.on_error(outcome.error)
        else:
            log.error("background work failed", exc_info=outcome.error)


class BackgroundWork:
    """The app's worker threads: one for the database, a small pool for the network."""

    def __init__(self) -> None:
        """Create the executors and the relay (call on the GUI thread)."""
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix=DB_THREAD_NAME)
        self._net = ThreadPoolExecutor(max_workers=NET_WORKERS, thread_name_prefix=NET_THREAD_NAME)
        self._relay = _Relay()
        self._pending: set[Future] = set()
        self.closed = False

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None,
        owner: QObject | None,
    ) -> Future:
        if self.closed:
            raise RuntimeError("background work has been shut down")

        def run() -> T:
            try:
                value = work()
            except BaseException as exc:
                self._relay.finished.emit(_Outcome(None, exc, on_done, on_error, owner))
                raise
            self._relay.finished.emit(_Outcome(value, None, on_done, on_error, owner))
            return value

        future = pool.submit(run)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def db(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Future:
        """Run `work` on the database thread; then `on_done(result)` or `on_error(exc)` on the GUI thread."""
        return self._submit(self._db, work, on_done, on_error, owner)

    def net(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Future:
        """Run `work` on the network pool; then `on_done(result)` or `on_error(exc)` on the GUI thread."""
        return self._submit(self._net, work, on_done, on_error, owner)

    def db_wait(self, work: Callable[[], T]) -> T:
        """Run `work` on the database thread and wait for its result, from a network-pool thread (sync's `on_db`).

        Never call it on the GUI thread or the database thread itself (the first would freeze, the second
        deadlock); work submitted this way queues behind, never in front of, a clerk's pending verdicts."""
        if threading.current_thread().name.startswith(DB_THREAD_NAME):
            raise RuntimeError("db_wait called on the database thread")
        return self._db.submit(work).result()

    def db_now(self, work: Callable[[], T], timeout: float = 10.0) -> T:
        """Run `work` on the database thread and wait for it (for shutdown and tests, never in a handler)."""
        return self._db.submit(work).result(timeout)

    @property
    def busy(self) -> bool:
        """True while any submitted work has not finished."""
        return bool(self._pending)

    def shutdown(self, final_db_work: Callable[[], Any] | None = None) -> None:
        """Run `final_db_work` (e.g. locking the office) on the database thread, then stop both pools."""
        if self.closed:
            return
        self.closed = True
        if final_db_work is not None:
            self._db.submit(final_db_work).result(30)
        self._net.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=True)
