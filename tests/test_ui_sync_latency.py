"""A counter that never waits on the network: while one department node stalls its answers for 20 s during a
sync, scanned certificates keep getting their verdicts at the usual speed (pytest-qt, the demo federation)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.certs.image_input import read_qr_text
from app.protocol.departments import department
from app.scan import ScanResult
from app.store.replica import open_replica
from app.sync import load_policy
from app.sync.trust import save_policy
from tests.test_ui_flows import log_in
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start

__all__ = ["dangling_threads", "dangling_timers", "demo_nodes", "demo_office", "demo_template"]
STALL_S = 20.0
USUAL_VERDICT_S = 1.0  # a verdict takes tens of milliseconds; a second is generous on a loaded machine


class StallingNode:
    """A TCP server on loopback that accepts every connection and answers nothing for `STALL_S`."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))  # port 0: the kernel's choice, held from the bind on
        self.port = self.server.getsockname()[1]
        self.accepted = threading.Event()
        self.stop = threading.Event()
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.server.close()


@pytest.fixture
def stalled(demo_office) -> Iterator[StallingNode]:
    """The housing bureau's node URL in the office's trust policy points at a node that stalls."""
    node = StallingNode()
    origin = department("housing").origin
    with open_replica(demo_office.path, "admin", PASSWORD) as admin:
        policy = load_policy(admin)
        logs = tuple(
            replace(log, urls=(f"http://127.0.0.1:{node.port}",)) if log.origin == origin else log
            for log in policy.logs
        )
        save_policy(admin, replace(policy, logs=logs))
    yield node
    node.close()


@pytest.fixture
def counter(qtbot, demo_office) -> Iterator[CounterApp]:
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def test_verdicts_keep_their_speed_while_a_node_stalls_during_sync(
    qtbot, demo_office, demo_nodes, stalled: StallingNode, counter: CounterApp
) -> None:
    demo_nodes.start()
    log_in(qtbot, counter)
    window = counter.window
    screen = window.counter
    text = read_qr_text(demo_office.samples["valid-eid"])
    shown: list[float] = []
    screen.verdict_shown.connect(lambda _verdict, latency: shown.append(latency))
    window.sync_now()
    latencies = []
    while window.sync_cancel is not None or len(latencies) < 5:
        before = len(shown)
        t0 = time.monotonic()
        screen.verify_code(ScanResult("QRCODE", text.encode("utf-8"), (), time.time()))
        qtbot.waitUntil(lambda before=before: len(shown) > before, timeout=int(STALL_S * 1000))
        latencies.append(time.monotonic() - t0)
        qtbot.wait(50)
    assert stalled.accepted.is_set()  # the sync did ask the stalled node, and ended without its answer
    assert max(latencies) < USUAL_VERDICT_S, latencies
    assert window.status_panel.nodes[department("housing").origin] is False
    assert sum(1 for online in window.status_panel.nodes.values() if online) == 10
