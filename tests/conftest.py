"""Leak checks for every test (napari-style): a test fails if it leaves behind a thread, a QThread or
QThreadPool job, a server process it started, or an office replica it opened and did not close.

Each check looks only at what was created during the test itself (module fixtures started before it
are not its leaks), gives the test's own teardown a short grace period to finish stopping things,
then fails the test, naming what leaked, and cleans up so the next test starts clean.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from app.store import replica as replica_module
from app.store.replica import Replica
from devtools.pg_cluster import PgCluster

GRACE_S = 5.0
# Idle workers of library pools that outlive the work that started them and exit on their own.
LIBRARY_POOL_THREADS = ("AnyIO worker thread", "asyncio_", "Dummy-")

_opened_replicas: list[Replica] = []
_started_processes: list[subprocess.Popen] = []


def _track_instances(cls: type, into: list) -> None:
    original = cls.__init__

    def tracking(self: object, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        into.append(self)

    cls.__init__ = tracking


def _track_results(module: object, name: str, into: list) -> None:
    """Record what `module.name(...)` returns (a replica it opened: one it refused to open is closed already)."""
    original = getattr(module, name)

    @functools.wraps(original)
    def tracking(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        into.append(result)
        return result

    setattr(module, name, tracking)


# Patched before any test module imports these names (pytest imports conftest.py first).
_track_results(replica_module, "open_replica", _opened_replicas)
_track_results(replica_module, "create_office", _opened_replicas)
_track_instances(subprocess.Popen, _started_processes)


def _wait_until(done: Callable[[], bool], timeout_s: float = GRACE_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith(LIBRARY_POOL_THREADS)
    ]


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """Fail a test that leaves a thread of its own running (a worker, a server, a scheduler)."""
    before = set(threading.enumerate())
    yield
    if not _wait_until(lambda: not _new_threads(before)):
        leaked = sorted(t.name for t in _new_threads(before))
        pytest.fail(f"test leaked threads: {leaked}")


@pytest.fixture(autouse=True)
def no_dangling_qthreads() -> Iterator[None]:
    """Fail a test that leaves QThreadPool work or a started QThread running (only where Qt is loaded)."""
    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is None:
        yield
        return
    started: list = []
    original = qt_core.QThread.start

    def tracking_start(self: object, *args: object) -> None:
        started.append(self)
        original(self, *args)

    qt_core.QThread.start = tracking_start
    try:
        yield
    finally:
        qt_core.QThread.start = original
    import shiboken6  # loaded with PySide6

    pool = qt_core.QThreadPool.globalInstance()

    def running() -> list:
        return [t for t in started if shiboken6.isValid(t) and t.isRunning()]

    if not _wait_until(lambda: pool.activeThreadCount() == 0 and not running()):
        pytest.fail(f"test leaked {pool.activeThreadCount()} QThreadPool job(s) and {len(running())} QThread(s)")


@pytest.fixture(autouse=True)
def no_dangling_processes() -> Iterator[None]:
    """Fail a test that leaves a process it started (a node, a federation, a PostgreSQL) running."""
    first = len(_started_processes)
    yield
    mine = _started_processes[first:]
    del _started_processes[first:]
    alive = [p for p in mine if p.poll() is None]
    if alive and not _wait_until(lambda: all(p.poll() is not None for p in alive)):
        names = [" ".join(map(str, p.args[:6])) if isinstance(p.args, list) else str(p.args) for p in alive]
        for p in alive:
            if p.poll() is None:
                p.kill()
                p.wait()
        pytest.fail(f"test left processes running: {names}")


@pytest.fixture(autouse=True)
def no_open_replicas() -> Iterator[None]:
    """Fail a test that opens an office replica and does not close it."""
    first = len(_opened_replicas)
    yield
    mine = _opened_replicas[first:]
    del _opened_replicas[first:]
    left_open = [r for r in mine if isinstance(r, Replica) and not r.closed]
    if left_open and not _wait_until(lambda: all(r.closed for r in left_open)):
        still = [r for r in left_open if not r.closed]
        for r in still:
            r.close()
        pytest.fail(f"test left {len(still)} replica(s) open: {[str(r.office.path) for r in still]}")


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgCluster]:
    """A PostgreSQL cluster of the test module's own, listening only on a Unix socket in its directory."""
    cluster = PgCluster("tests").initdb().start()
    try:
        yield cluster
    finally:
        cluster.remove()
