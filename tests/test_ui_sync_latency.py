"""A counter that never waits on the network: while one department node stalls its answers for 20 s during a
sync, scanned certificates keep getting their verdicts at the usual speed (pytest-qt, the demo federation).

The stalled node answers the counter's reachability probe and only then stops answering, so the stall falls
inside the sync job: the job must wait on the network pool, not on the database thread the verdicts need. It
falls in the pull (nothing to send) or, with an entry waiting in the outbox, in the push's submission."""

from __future__ import annotations

import os
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
from devtools.stalling_front import StallingFront
from tests.test_sync_support import note_entry
from tests.test_ui_flows import log_in
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start

__all__ = ["dangling_threads", "dangling_timers", "demo_nodes", "demo_office", "demo_template"]
STALL_S = 20.0
USUAL_VERDICT_S = 1.0  # a verdict takes tens of milliseconds; a second is generous on a loaded machine


@pytest.fixture(params=["pull", "push"])
def stalled(request, demo_office, demo_nodes) -> Iterator[StallingFront]:
    """The housing bureau's node URL in the office's trust policy points at a front that stalls after the probe;
    for "push", an entry for the housing log waits in the outbox, so the stall hits the push's submission."""
    origin = department("housing").origin

    def real_url() -> str:
        return next(n["url"] for n in demo_nodes.nodes if n["origin"] == origin)

    node = StallingFront(real_url, STALL_S)
    with open_replica(demo_office.path, "admin", PASSWORD) as admin:
        policy = load_policy(admin)
        logs = tuple(
            replace(log, urls=(node.url,), read_urls=()) if log.origin == origin else log for log in policy.logs
        )
        save_policy(admin, replace(policy, logs=logs))
        if request.param == "push":
            admin.outbox.enqueue(origin, note_entry(admin, origin, "waits for the stalled node"))
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
    qtbot, demo_office, demo_nodes, stalled: StallingFront, counter: CounterApp
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
    assert stalled.probed.is_set()  # the probe passed, so the housing log got a sync job ...
    assert stalled.held.is_set()  # ... whose requests the node then held: the stall fell inside the sync
    assert max(latencies) < USUAL_VERDICT_S, latencies
    assert window.status_panel.nodes[department("housing").origin] is False
    assert sum(1 for online in window.status_panel.nodes.values() if online) == 10
