"""Fixtures shared by the tests/test_ui*.py files: leak checks (napari-style) and a running demo office app.

Import them into a test module by name; pytest then uses them there (no conftest.py in this repo).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool, QTimer

from app.demo.demo_office import DemoOffice, build_demo_office
from app.node.federation import FederationProcess
from tests.store_support import FAST_KDF

# Cheap Argon2id for tests: the unlock path is the same, only slower parameters differ in production.
OUR_THREADS = ("govdesk-", "ThreadPoolExecutor")
PASSWORD = "govdesk-demo"


def _ours() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(OUR_THREADS) and t.is_alive()]


@pytest.fixture(autouse=True)
def dangling_threads() -> Iterator[None]:
    """Fail a test that leaves a worker, capture or decode thread (or a QThreadPool job) running."""
    before = set(_ours())
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (set(_ours()) - before or QThreadPool.globalInstance().activeThreadCount()):
        time.sleep(0.05)
    leaked = [t.name for t in set(_ours()) - before]
    assert not leaked, f"test leaked threads: {leaked}"
    assert QThreadPool.globalInstance().activeThreadCount() == 0, "test leaked QThreadPool work"


@pytest.fixture(autouse=True)
def dangling_timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test that leaves a started QTimer active on a live object."""
    started: list[QTimer] = []
    original = QTimer.start

    def tracking_start(self: QTimer, *args: object) -> None:
        started.append(self)
        original(self, *args)

    monkeypatch.setattr(QTimer, "start", tracking_start)
    yield
    active = [t for t in started if shiboken6.isValid(t) and t.isActive()]
    for timer in active:
        timer.stop()
    assert not active, f"test leaked {len(active)} active QTimer(s)"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoOffice:
    """A demo office (and its 11-node federation, stopped) built once per module; tests copy the office."""
    return build_demo_office(tmp_path_factory.mktemp("demo") / "office", kdf=FAST_KDF)


@pytest.fixture
def demo_nodes(demo_template: DemoOffice) -> FederationProcess:
    """The demo's 11 department nodes, not yet started (a test starts them when it goes online); stopped after."""
    federation = FederationProcess(demo_template.federation_dir)
    yield federation
    federation.stop()


@pytest.fixture
def demo_office(demo_template: DemoOffice, tmp_path: Path) -> DemoOffice:
    """A fresh copy of the demo office for one test."""
    target = tmp_path / "office"
    shutil.copytree(demo_template.path, target)
    samples = {name: target / "samples" / path.name for name, path in demo_template.samples.items()}
    return DemoOffice(target, demo_template.password, samples)
