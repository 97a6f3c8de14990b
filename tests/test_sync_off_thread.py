"""Sync run on a network thread while the replica lives on its own database thread (the counter's layout):
downloads and signature checks stay on the syncing thread; the database thread gets only short reads and one
bounded transaction per batch, so work queued there between batches (a verdict) never waits for the network."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest

from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.suites import ED25519
from app.node.node import node_from_config
from app.store.replica import Replica
from app.sync import SyncReport, SyncService, load_policy
from app.sync.transport import RetryPolicy
from app.sync.trust import save_policy
from devtools.stalling_front import StallingFront
from tests.test_sync_support import NodeProc, new_office, note_entry, running_federation

T = TypeVar("T")
FAST_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.2, timeout_s=5)
NEW_ENTRIES = 700
BATCH = 256


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    """Three department nodes, each witnessed by the other two, as separate processes."""
    with running_federation(tmp_path_factory.mktemp("nodes")) as procs:
        yield procs


class DatabaseThread:
    """A single-thread executor owning the replica, recording how long each job sync hands it holds the thread."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-db")
        self.holds: list[float] = []
        self.thread_ids: set[int] = set()

    def now(self, work: Callable[[], T]) -> T:
        """Run `work` there and wait for it."""
        return self.pool.submit(work).result(60)

    def on_db(self, work: Callable[[], T]) -> T:
        """Sync's DatabaseRunner: run `work` there, timing it."""

        def timed() -> T:
            self.thread_ids.add(threading.get_ident())
            began = time.perf_counter()
            try:
                return work()
            finally:
                self.holds.append(time.perf_counter() - began)

        return self.pool.submit(timed).result(60)


def add_revocations(node: NodeProc, count: int) -> int:
    """Sequence `count` department-signed cert.revoke entries on the node's log; return the new size."""
    writer = node_from_config(node.config)
    try:
        signer, kid = writer.keys.department_signer, writer.keys.department_kid
        now_ms = int(time.time() * 1000)
        entries = [
            decode_entry(sign_entry(Entry(node.origin, "cert.revoke", now_ms, kid,
                                          {"serial": f"OFF{i:012X}", "reason": "test", "revoked_at": now_ms}), signer))
            for i in range(count)
        ]  # fmt: skip
        results = writer.sequencer.integrate(entries)
        assert all(isinstance(r, int) for r in results), results
        return max(results) + 1
    finally:
        writer.stop()


def test_a_pull_on_another_thread_applies_in_bounded_batches_on_the_database_thread(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    taxation = nodes[0]
    db = DatabaseThread()
    try:
        office: Replica = db.now(lambda: new_office(tmp_path / "office", "office-t", nodes))
        size = add_revocations(taxation, NEW_ENTRIES)
        taxation.wait_cosigned(size)
        service = db.now(lambda: SyncService(office, load_policy(office), retry=FAST_RETRY, batch_entries=BATCH))
        report = service.run(on_db=db.on_db)  # this (main) thread: the replica would refuse any direct use here
        assert report.exit_status == 0, report.summary()
        pulled = next(o.pull for o in report.logs if o.origin == taxation.origin)
        assert pulled is not None and pulled.revocations >= NEW_ENTRIES and pulled.size_after >= size
        assert db.now(lambda: office.certs.revocation(taxation.origin, f"OFF{NEW_ENTRIES - 1:012X}")) is not None
        assert db.thread_ids and threading.get_ident() not in db.thread_ids
        # The taxation log alone needed three apply transactions of at most BATCH entries, each a short hold-up;
        # the rest of the jobs are single reads.
        assert len(db.holds) >= 3 + 1
        assert max(db.holds) < 5.0, sorted(db.holds)[-5:]
        # A second run finds nothing new and changes nothing.
        again = service.run(on_db=db.on_db)
        assert again.exit_status == 0 and all(o.pull is None or o.pull.verified == 0 for o in again.logs)
        db.now(service.close)
        db.now(office.close)
    finally:
        db.pool.shutdown(wait=True)


def test_the_replica_refuses_a_sync_that_touches_it_from_the_wrong_thread(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    """The guard the test above relies on: without a runner, sync on a foreign thread fails instead of racing."""
    db = DatabaseThread()
    try:
        office: Replica = db.now(lambda: new_office(tmp_path / "office", "office-u", nodes))
        service = db.now(lambda: SyncService(office, load_policy(office), retry=FAST_RETRY))
        with pytest.raises(Exception, match="thread"):
            service.run()
        db.now(service.close)
        db.now(office.close)
    finally:
        db.pool.shutdown(wait=True)


def test_a_push_on_another_thread_acknowledges_and_anchors_through_the_database_thread(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    """Submissions, the wait for publication and the inclusion proofs run on the syncing thread; the database thread
    only reads the outbox, records a refusal's task, signs the anchor and stores the acknowledgements, each a short
    job."""
    taxation = nodes[0]
    db = DatabaseThread()
    try:
        office: Replica = db.now(lambda: new_office(tmp_path / "office", "office-p", nodes))
        leaves = db.now(lambda: [office.outbox.enqueue(taxation.origin, note_entry(office, taxation.origin, f"n{i}"))
                                 for i in range(3)])  # fmt: skip
        revoke = {"serial": "0" * 20, "reason": "test", "revoked_at": 1}  # a counter device may not revoke
        refused = db.now(lambda: office.outbox.enqueue(taxation.origin, sign_entry(
            Entry(taxation.origin, "cert.revoke", 1, office.device_kid, revoke),
            ED25519.signer(office.session.one("SELECT private_key FROM device")[0]))))  # fmt: skip
        tasks: list = []
        service = db.now(lambda: SyncService(office, load_policy(office), retry=FAST_RETRY, on_task=tasks.append))
        report = service.run(on_db=db.on_db)  # this (main) thread: the replica would refuse any direct use here
        assert report.exit_status == 0, report.summary()
        pushed = next(o.push for o in report.logs if o.origin == taxation.origin)
        assert pushed is not None and (pushed.acknowledged, pushed.refused) == (3, 1)
        assert (
            [(t.leaf_hash, t.code) for t in tasks]
            == [(refused, "role_not_allowed")]
            == [(t.leaf_hash, t.code) for t in pushed.tasks]
        )
        assert db.now(office.outbox.count_pending) == 1  # the refused entry waits for a decision
        assert {e.leaf_hash for e in db.now(office.outbox.pending)} == {refused} and refused not in leaves
        # The first run pulled the device's enrolment; the next one anchors the audit trail on that log.
        assert db.now(office.anchors.latest) is None
        assert service.run(on_db=db.on_db).exit_status == 0
        anchor = db.now(office.anchors.latest)
        assert anchor is not None and anchor.index is not None  # the anchor went out and came back sequenced
        assert threading.get_ident() not in db.thread_ids
        assert max(db.holds) < 5.0, sorted(db.holds)[-5:]
        db.now(service.close)
        db.now(office.close)
    finally:
        db.pool.shutdown(wait=True)


def test_a_node_that_stalls_mid_push_never_holds_the_database_thread(nodes: list[NodeProc], tmp_path: Path) -> None:
    """The node answers its first checkpoint request, then holds every request: the push waits on the syncing
    thread while the database thread stays free for a verdict's reads."""
    stalled_node = nodes[1]
    db = DatabaseThread()
    front = StallingFront(lambda: stalled_node.url, stall_s=30.0)
    cancel = threading.Event()
    try:
        office: Replica = db.now(lambda: new_office(tmp_path / "office", "office-s", nodes))

        def point_at_front() -> SyncService:
            policy = load_policy(office)
            logs = tuple(replace(log, urls=(front.url,), read_urls=()) if log.origin == stalled_node.origin else log
                         for log in policy.logs)  # fmt: skip
            save_policy(office, replace(policy, logs=logs))
            office.outbox.enqueue(stalled_node.origin, note_entry(office, stalled_node.origin, "held"))
            only = replace(policy, logs=tuple(log for log in logs if log.origin == stalled_node.origin))
            return SyncService(office, only, retry=FAST_RETRY)

        service = db.now(point_at_front)
        reports: list[SyncReport] = []
        syncing = threading.Thread(target=lambda: reports.append(service.run(cancel=cancel, on_db=db.on_db)))
        syncing.start()
        assert front.held.wait(20)  # the push's submission is held by the node
        began = time.monotonic()
        assert db.now(office.outbox.count_pending) == 1
        assert time.monotonic() - began < 1.0
        assert syncing.is_alive()  # the push still waits on the stalled node, on its own thread
        cancel.set()
        front.close()
        syncing.join(30)
        assert not syncing.is_alive() and reports
        assert reports[0].logs[0].error is not None and reports[0].logs[0].push is None
        assert db.now(office.outbox.count_pending) == 1  # nothing acknowledged, nothing lost
        db.now(service.close)
        db.now(office.close)
    finally:
        cancel.set()
        if not front.stop.is_set():
            front.close()
        db.pool.shutdown(wait=True)
