"""Sync against real node processes on loopback: pull and push, revocations reaching offline verification,
resumption after a cut, forks and hostile nodes refused without touching the replica, refusals as clerk
tasks, an office offline with 5,000 queued entries, SIGKILL during push, staleness limits, scheduling."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.catalogue.cert_types import CertType
from app.certs import verify
from app.certs.issue import issue_certificate, make_claims
from app.cli.main import main as govdesk
from app.ledger.checkpoint import Checkpoint
from app.ledger.merkle import consistency_proof, hash_leaf, root_of
from app.ledger.note import add_signature_lines, new_signer, sign_note
from app.ledger.suites import ED25519
from app.node.launcher import bind_node_socket
from app.protocol.node_client import NodeClient
from app.store import sync_state
from app.store.replica import Replica, open_replica
from app.sync import (
    ClockSkew,
    ForkDetected,
    LogUntrusted,
    MalformedResponse,
    MissingQuorum,
    NodeUnreachable,
    Scheduler,
    SyncService,
    TreeRollback,
    UnknownSigner,
    WrongNode,
    load_policy,
)
from app.sync.freshness import OFFLINE_MESSAGE, CannotVerifyOffline, format_age, replica_ages, require_fresh
from app.sync.transport import RetryPolicy
from app.sync.trust import save_policy
from tests.test_sync_support import (
    PASSWORD,
    FaultProxy,
    NodeProc,
    new_office,
    note_entry,
    policy_for,
    running_federation,
)

FAST_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.2, timeout_s=5)
HOUR_MS = 3600_000
NOT_PUBLISHED = "(the node's refusal: no checkpoint published yet)"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    """Three department nodes, each witnessed by the other two, as separate processes."""
    with running_federation(tmp_path_factory.mktemp("nodes")) as procs:
        yield procs


def enrolled_office(path: Path, name: str, nodes: list[NodeProc], **policy) -> Replica:
    """An office whose device key is enrolled at every node, with a policy naming them."""
    replica = new_office(path, name, nodes, **policy)
    for node in nodes:
        node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
    return replica


def service(replica: Replica, **kwargs) -> SyncService:
    """A sync service with fast retries."""
    return SyncService(replica, load_policy(replica), retry=FAST_RETRY, **kwargs)


def snapshot(replica: Replica) -> tuple:
    """Everything sync may change, to prove a refused sync changed nothing."""
    s = replica.session
    return (
        s.all("SELECT origin, size, root_hash FROM checkpoints ORDER BY origin, size"),
        s.all("SELECT * FROM sync_logs ORDER BY origin"),
        s.all("SELECT kid, revoked_at_ms FROM registry_keys ORDER BY kid"),
        s.all("SELECT issuer, serial FROM revocations ORDER BY serial"),
        s.all("SELECT leaf_hash FROM log_entries ORDER BY leaf_hash"),
        s.one("SELECT count(*) FROM sync_evidence"),
    )


# --- pull and push -----------------------------------------------------------------------------------------
def test_push_then_pull_verifies_and_a_node_revocation_reaches_offline_verification(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    taxation = nodes[0]
    office = enrolled_office(tmp_path / "office", "office-a", nodes)
    seed = taxation.keys.department_seed
    signer = ED25519.signer(seed)
    now_s = int(time.time())
    claims = make_claims(
        CertType.RESIDENT_EID, taxation.origin, {"name": "王小明", "region": "北京市海淀区"}, "11010519491231002X",
        now_s, now_s + 86400,
    )  # fmt: skip
    issued = issue_certificate(claims, signer, now_ms=now_s * 1000)
    office.accounts.add("li.na", "clerk", PASSWORD)
    clerk = open_replica(tmp_path / "office", "li.na", PASSWORD)
    assert verify(issued.text, office=clerk).status.value == "UNKNOWN_ISSUER"  # registry not synced yet

    for i in range(5):
        office.outbox.enqueue(taxation.origin, note_entry(office, taxation.origin, f"counter note {i}"))
    progress = []
    report = service(office).run(progress.append)
    assert report.exit_status == 0, report.summary()
    assert office.outbox.count_pending() == 0
    pushed = report.logs[0].push
    assert pushed.acknowledged == 5
    assert any(p.phase == "push" and p.items_done == 5 and p.bytes_done == p.bytes_total for p in progress)
    assert any(p.phase == "pull" and p.items_done == p.items_total > 0 for p in progress)
    assert progress[-1].finished
    # Each acknowledged entry is kept with an inclusion proof against a stored checkpoint.
    row = office.session.one("SELECT idx, proof FROM outbox WHERE acked_ms IS NOT NULL LIMIT 1")
    assert row[0] is not None and row[1] is not None
    assert verify(issued.text, office=clerk).status.value == "VALID"

    index = taxation.write(
        "cert.revoke", {"serial": claims.serial, "reason": "reported stolen", "revoked_at": now_s * 1000}
    )
    taxation.wait_cosigned(index + 1)
    report = service(office).run()
    assert report.exit_status == 0, report.summary()
    assert office.certs.revocation(taxation.origin, claims.serial).reason == "reported stolen"
    assert verify(issued.text, office=clerk).status.value == "REVOKED"

    # A registry revocation lands too: the department revokes the office's device key.
    device_kid = office.device_kid
    index = taxation.write("registry.revoke", {"kid": device_kid, "reason": "machine retired"})
    taxation.wait_cosigned(index + 1)
    report = service(office).run()
    assert report.exit_status == 0, report.summary()
    assert office.registry.key(device_kid, taxation.origin).revoked_at_ms is not None
    # the other departments' enrolments of the same device key are their own and stand
    assert office.registry.key(device_kid, nodes[1].origin).revoked_at_ms is None
    ages = {a.origin: a for a in replica_ages(office)}
    assert ages[taxation.origin].age_ms is not None and ages[taxation.origin].trusted
    clerk.close()
    office.close()


def test_sync_resumes_after_a_cut_connection(nodes: list[NodeProc], tmp_path: Path) -> None:
    housing = nodes[1]
    writer = enrolled_office(tmp_path / "writer", "writer", nodes)
    with writer.transaction():
        for i in range(1200):
            writer.outbox.enqueue(housing.origin, note_entry(writer, housing.origin, f"bulk {i} " + "x" * 100))
    assert service(writer).run(pull=False).exit_status == 0
    size = int(housing.checkpoint().split("\n")[1])
    housing.wait_cosigned(size)

    proxy = FaultProxy(housing.config.port)
    reader = enrolled_office(
        tmp_path / "reader", "reader", nodes, urls={housing.origin: [proxy.url]}, only=[housing.origin]
    )
    proxy.mode, proxy.cut_after = "cut", 40_000  # the link goes down after 40 kB of responses
    svc = service(reader, batch_entries=256)
    first = svc.run()
    outcome = first.logs[0]
    assert isinstance(outcome.error, NodeUnreachable), first.summary()
    cursor = sync_state.log_state(reader, housing.origin).cursor.size
    assert 0 < cursor < size  # batches before the cut are applied, the rest is not
    assert reader.logs.latest_checkpoint(housing.origin) is None  # the checkpoint comes with the last batch
    assert proxy.cuts > 0

    proxy.mode = "pass"
    second = svc.run()
    assert second.exit_status == 0, second.summary()
    assert second.logs[0].pull.size_before == cursor
    assert sync_state.log_state(reader, housing.origin).cursor.size >= size
    assert reader.logs.latest_checkpoint(housing.origin).size >= size
    proxy.close()
    reader.close()
    writer.close()


def test_a_refused_entry_becomes_a_clerk_task_and_stays_in_the_outbox(nodes: list[NodeProc], tmp_path: Path) -> None:
    civil = nodes[2]
    office = enrolled_office(tmp_path / "office", "office-t", nodes, only=[civil.origin])
    # cert.revoke is for department keys only: the node refuses it from a counter device. The replica's device
    # signer will not even sign it, so the entry is made the way a hostile client would, from the key's bytes.
    from app.ledger.entry import Entry, sign_entry
    from app.ledger.suites import ED25519

    raw_device = ED25519.signer(office.session.one("SELECT private_key FROM device")[0])
    body = {"serial": "0" * 20, "reason": "test", "revoked_at": 1}
    refused = sign_entry(Entry(civil.origin, "cert.revoke", 1, office.device_kid, body), raw_device)
    ok = note_entry(office, civil.origin, "fine")
    office.outbox.enqueue(civil.origin, refused)
    office.outbox.enqueue(civil.origin, ok)
    tasks = []
    report = service(office, on_task=tasks.append).run()
    assert report.exit_status == 0, report.summary()
    assert [t.code for t in tasks] == ["role_not_allowed"]
    assert "supervisor" in tasks[0].advice and "role" in tasks[0].what
    assert office.outbox.count_pending() == 1  # the refused one: never acknowledged
    again = service(office, on_task=tasks.append).run()
    assert again.logs[0].push.pending == 0 and len(tasks) == 1  # skipped while the task is open
    sync_state.close_task(office, tasks[0].id)
    third = service(office, on_task=tasks.append).run()
    assert third.logs[0].push.refused == 1 and len(tasks) == 2  # closing the task sends it again
    office.close()


# --- hostile nodes -------------------------------------------------------------------------------------------
class RogueNode:
    """A node that signs with the real log key (and forges the witnesses' cosignatures) but serves what a test says."""

    def __init__(self, honest: NodeProc, witnesses: list[NodeProc]) -> None:
        self.honest = honest
        self.witnesses = witnesses
        self.leaves = [hash_leaf(f"forked {i}".encode()) for i in range(64)]
        self.checkpoint_text: str | None = ""
        self.bundle = b""
        self.proof_body: bytes | None = None
        self.sock = bind_node_socket("127.0.0.1", 0)  # held from here on; the port is learnt from it
        self.port = self.sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/checkpoint", self._checkpoint),
                Route("/proof/consistency", self._consistency),
                Route("/tile/{rest:path}", self._tile),
            ]
        )
        self.server = uvicorn.Server(uvicorn.Config(app, log_config=None))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)

    @property
    def url(self) -> str:
        """The rogue's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self.thread.join(10)

    def sign(
        self, size: int, root: bytes, *, log_signer=None, cosigners: int = 2, timestamp: int | None = None
    ) -> None:
        """Serve a checkpoint of (size, root) signed by the log key and cosigned by `cosigners` witnesses."""
        body = Checkpoint(self.honest.origin, size, root).body()
        text = sign_note(body, [log_signer or self.honest.keys.log_signer])
        ts = timestamp or int(time.time())
        lines = [w.keys.witness_signer.signature_line(body, timestamp=ts) for w in self.witnesses[:cosigners]]
        self.checkpoint_text = add_signature_lines(text, lines)

    def fork(self, size: int) -> None:
        """Serve a signed, cosigned checkpoint of a different tree of `size` leaves."""
        self.sign(size, root_of(self.leaves[:size]))

    async def _checkpoint(self, request: Request) -> Response:
        if self.checkpoint_text is None:  # another program at the node's address: it has no /checkpoint
            return Response("Not Found", status_code=404, media_type="text/plain")
        if self.checkpoint_text == NOT_PUBLISHED:  # a node's own refusal: it is the node, with nothing to serve
            refusal = {"code": "not_found", "message": "no checkpoint published yet"}
            return JSONResponse({"refusal": refusal}, status_code=404)
        return Response(self.checkpoint_text, media_type="text/plain")

    async def _consistency(self, request: Request) -> Response:
        if self.proof_body is not None:
            return Response(self.proof_body, media_type="application/json")
        old, new = int(request.query_params["old"]), int(request.query_params["new"])
        proof = consistency_proof(self.leaves[:new], old)
        import base64

        return JSONResponse({"old": old, "new": new, "proof": [base64.b64encode(h).decode() for h in proof]})

    async def _tile(self, request: Request) -> Response:
        return Response(self.bundle, media_type="application/octet-stream")


@pytest.fixture
def rogue(nodes: list[NodeProc]) -> Iterator[RogueNode]:
    """A rogue node impersonating the taxation log."""
    node = RogueNode(nodes[0], nodes[1:])
    yield node
    node.stop()


def synced_office(path: Path, nodes: list[NodeProc], rogue: RogueNode) -> Replica:
    """An office that synced the taxation log honestly, then follows the rogue for it."""
    office = enrolled_office(path, "office-r", nodes, only=[nodes[0].origin])
    assert service(office).run().exit_status == 0
    save_policy(office, policy_for(nodes, only=[nodes[0].origin], urls={nodes[0].origin: [rogue.url]}))
    return office


def test_a_forked_log_is_refused_kept_as_evidence_and_raises_the_alarm(
    nodes: list[NodeProc], rogue: RogueNode, tmp_path: Path
) -> None:
    office = synced_office(tmp_path / "office", nodes, rogue)
    held = office.logs.latest_checkpoint(nodes[0].origin)
    rogue.fork(held.size + 10)
    alarms = []
    report = service(office, on_fork=alarms.append).run()
    assert report.exit_status == 1
    assert isinstance(report.logs[0].error, ForkDetected)
    assert len(alarms) == 1 and alarms[0].origin == nodes[0].origin
    evidence = sync_state.fork_evidence(office)[0]
    assert evidence.held == held.note_text and evidence.offered == rogue.checkpoint_text
    assert office.logs.latest_checkpoint(nodes[0].origin).size == held.size  # never applied
    assert not sync_state.log_state(office, nodes[0].origin).trusted
    # Same size, different root: also a fork (already untrusted, so refused at once).
    report = service(office).run()
    assert isinstance(report.logs[0].error, LogUntrusted)
    assert any(a.trusted is False for a in replica_ages(office))
    office.close()
    # The command line exits non-zero and prints the alarm's reason.
    code = govdesk_cli(tmp_path / "office")
    assert code == 1


def govdesk_cli(office: Path, *extra: str, user: str = "admin") -> int:
    """Run `govdesk sync --office DIR --once` with the password on stdin."""
    import io
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        return govdesk(["sync", "--office", str(office), "--user", user, "--password-stdin", "--once", *extra])
    finally:
        sys.stdin = old


def test_a_fork_alarm_is_reported_by_the_clerk_and_acknowledged_by_a_supervisor(
    nodes: list[NodeProc], rogue: RogueNode, tmp_path: Path, capsys
) -> None:
    office = synced_office(tmp_path / "office", nodes, rogue)
    office.accounts.add("clerk1", "clerk", PASSWORD)
    rogue.fork(office.logs.latest_checkpoint(nodes[0].origin).size + 10)
    service(office).run()
    evidence = sync_state.fork_evidence(office)[0]
    sync_state.report_forks(office, [evidence.id, evidence.id + 999])  # an id no alarm has is ignored
    reported = [r for r in office.audit.records() if r.action == "sync.fork.reported"]
    assert [r.detail for r in reported] == [{"evidence": [evidence.id]}]
    office.close()
    capsys.readouterr()

    assert govdesk_cli(tmp_path / "office", "--forks") == 0
    assert f"{evidence.id}  {nodes[0].origin}  open" in capsys.readouterr().out
    assert govdesk_cli(tmp_path / "office", "--acknowledge-fork", str(evidence.id), user="clerk1") == 2
    assert "audit.review" in capsys.readouterr().err  # a clerk may report an alarm, never acknowledge it
    assert govdesk_cli(tmp_path / "office", "--trust-again") == 2  # without an alarm to acknowledge: refused
    assert "--trust-again goes with --acknowledge-fork" in capsys.readouterr().err
    assert govdesk_cli(tmp_path / "office", "--acknowledge-fork", str(evidence.id + 999)) == 2
    assert f"no fork evidence {evidence.id + 999}" in capsys.readouterr().err
    assert govdesk_cli(tmp_path / "office", "--acknowledge-fork", str(evidence.id), "--trust-again") == 0
    assert "acknowledged by admin; the log is trusted and syncs again" in capsys.readouterr().out

    office = open_replica(tmp_path / "office", "admin", PASSWORD)
    try:
        assert sync_state.fork_evidence(office, open_only=True) == []
        assert sync_state.fork_evidence(office)[0].acknowledged_ms is not None  # the evidence stays
        assert sync_state.log_state(office, nodes[0].origin).trusted
        assert any(r.action == "sync.fork.acknowledge" for r in office.audit.records())
    finally:
        office.close()


@pytest.mark.parametrize(
    ("attack", "error"),
    [
        ("unknown_signer", UnknownSigner),
        ("missing_quorum", MissingQuorum),
        ("rollback", TreeRollback),
        ("clock", ClockSkew),
        ("garbage_checkpoint", MalformedResponse),
        ("truncated_checkpoint", MalformedResponse),
        ("garbage_proof", MalformedResponse),
        ("wrong_node_404", WrongNode),
        ("node_not_published", MalformedResponse),
        ("wrong_node_origin", WrongNode),
    ],
)
def test_hostile_responses_are_typed_errors_that_change_nothing(
    nodes: list[NodeProc], rogue: RogueNode, tmp_path: Path, attack: str, error: type
) -> None:
    office = synced_office(tmp_path / "office", nodes, rogue)
    held = office.logs.latest_checkpoint(nodes[0].origin)
    before = snapshot(office)
    if attack == "unknown_signer":
        rogue.sign(held.size + 1, os.urandom(32), log_signer=new_signer(nodes[0].origin, os.urandom(32)))
    elif attack == "missing_quorum":
        rogue.sign(held.size + 1, os.urandom(32), cosigners=1)
    elif attack == "rollback":
        rogue.sign(held.size - 1, os.urandom(32))
    elif attack == "clock":
        rogue.sign(held.size + 1, os.urandom(32), timestamp=int(time.time()) + 86400)
    elif attack == "garbage_checkpoint":
        rogue.checkpoint_text = "\x00garbage" * 100
    elif attack == "truncated_checkpoint":
        rogue.fork(held.size + 3)
        rogue.checkpoint_text = rogue.checkpoint_text[: len(rogue.checkpoint_text) // 2]
    elif attack == "wrong_node_404":
        rogue.checkpoint_text = None
    elif attack == "node_not_published":
        rogue.checkpoint_text = NOT_PUBLISHED
    elif attack == "wrong_node_origin":  # another log's node (another govdesk instance, say) at this address
        other = "other.example/log"
        rogue.checkpoint_text = sign_note(Checkpoint(other, 5, os.urandom(32)).body(), [new_signer(other, bytes(32))])
    elif attack == "garbage_proof":
        rogue.fork(held.size + 3)
        rogue.proof_body = b'{"old": 1, "proof": [42, "%%"]}\x00garbage'

    report = service(office).run()
    assert report.exit_status == 1, report.summary()
    assert isinstance(report.logs[0].error, error), report.logs[0].error
    if error is WrongNode:
        assert "wrong node at this address" in str(report.logs[0].error)
    assert snapshot(office) == before
    office.close()


def test_a_node_serving_garbage_entries_is_refused(nodes: list[NodeProc], rogue: RogueNode, tmp_path: Path) -> None:
    office = enrolled_office(tmp_path / "fresh", "fresh", nodes, only=[nodes[0].origin],
                             urls={nodes[0].origin: [rogue.url]})  # fmt: skip
    before = snapshot(office)
    rogue.fork(5)
    for bundle in (os.urandom(3000), b"\x00\x10" + os.urandom(16), b""):
        rogue.bundle = bundle
        report = service(office).run()
        assert report.exit_status == 1, report.summary()
        assert snapshot(office) == before
    office.close()


# --- push across crashes and outages -------------------------------------------------------------------------
def test_sigkill_during_push_50_times_loses_and_duplicates_nothing(nodes: list[NodeProc], tmp_path: Path) -> None:
    planning = nodes[0]
    office_dir = tmp_path / "office"
    office = enrolled_office(office_dir, "office-k", nodes, only=[planning.origin])
    written: set[bytes] = set()
    rng = random.Random(5)
    kills = 0
    longest_delay = 0.5  # shrinks to fit this machine: a kill must land while the child is still pushing
    for round_no in range(50):
        for i in range(20):
            written.add(office.outbox.enqueue(planning.origin, note_entry(office, planning.origin, f"k{round_no}.{i}")))
        pid = os.fork()
        if pid == 0:  # the child opens its own replica and pushes
            try:
                child = open_replica(office_dir, "admin", PASSWORD)
                SyncService(child, load_policy(child), retry=FAST_RETRY).run(pull=False)
            finally:
                os._exit(0)
        forked_at = time.monotonic()
        time.sleep(rng.uniform(0.0, longest_delay))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            kills += 1
        else:  # it finished before the kill: aim earlier from now on
            longest_delay = min(longest_delay, 0.8 * (time.monotonic() - forked_at))
    assert kills >= 25  # most runs really were killed mid-way
    office.close()
    office = open_replica(office_dir, "admin", PASSWORD)
    report = SyncService(office, load_policy(office), retry=FAST_RETRY).run(pull=False)
    assert report.exit_status == 0, report.summary()
    assert office.outbox.count_pending() == 0
    size = int(planning.checkpoint().split("\n")[1])
    on_node = [h for h in (hash_leaf(e) for e in NodeClient(planning.url).entries(size))]
    ours_on_node = [h for h in on_node if h in written]
    device = office.device_kid
    from app.ledger.entry import decode_entry

    by_device = {hash_leaf(e) for e in NodeClient(planning.url).entries(size) if decode_entry(e).kid == device}
    lost = written - set(on_node)
    duplicated = len(ours_on_node) - len(set(ours_on_node))
    unexpected = by_device - written
    assert (len(lost), duplicated, len(unexpected)) == (0, 0, 0)
    office.close()


def test_an_office_offline_with_5000_queued_entries_syncs_when_it_reconnects(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    gas = nodes[1]
    proxy = FaultProxy(gas.config.port)
    office = enrolled_office(tmp_path / "office", "office-o", nodes, only=[gas.origin], urls={gas.origin: [proxy.url]})
    proxy.mode = "drop"
    offline = service(office).run()
    assert offline.exit_status == 3 and isinstance(offline.logs[0].error, NodeUnreachable)
    with office.transaction():  # a day of counter work, queued while offline
        for i in range(5000):
            office.outbox.enqueue(gas.origin, note_entry(office, gas.origin, f"offline {i}"))
    assert service(office).run().exit_status == 3
    assert office.outbox.count_pending() == 5000
    proxy.mode = "pass"
    started = time.monotonic()
    report = service(office).run()
    assert report.exit_status == 0, report.summary()
    assert report.logs[0].push.acknowledged == 5000 and office.outbox.count_pending() == 0
    assert time.monotonic() - started < 60
    proxy.close()
    office.close()


# --- offline as normal work ------------------------------------------------------------------------------------
def test_staleness_limits_refuse_to_answer_instead_of_a_wrong_yes(nodes: list[NodeProc], tmp_path: Path) -> None:
    now = [int(time.time() * 1000)]
    office = new_office(tmp_path / "office", "office-s", nodes, clock=lambda: now[0], only=[nodes[2].origin])
    origin = nodes[2].origin
    with pytest.raises(CannotVerifyOffline, match=OFFLINE_MESSAGE):
        require_fresh(office, origin, HOUR_MS, "cert.revocation")  # never synced
    nodes[2].wait_cosigned(int(nodes[2].checkpoint().split("\n")[1]))
    assert service(office).run().exit_status == 0
    assert require_fresh(office, origin, HOUR_MS, "cert.revocation") < HOUR_MS
    now[0] += 3 * HOUR_MS + 12 * 60_000
    age = replica_ages(office)[0]
    assert age.describe().startswith(f"{origin}: as of 3 h 12 min ago")
    with pytest.raises(CannotVerifyOffline) as refused:
        require_fresh(office, origin, HOUR_MS, "cert.revocation")
    assert "connect to sync" in str(refused.value) and "3 h 12 min" in str(refused.value)
    assert require_fresh(office, origin, 4 * HOUR_MS, "case.lookup") > HOUR_MS  # a laxer check still answers
    # Syncing again makes it fresh (the node is checked even when nothing is new).
    now[0] = int(time.time() * 1000)
    assert service(office).run().exit_status == 0
    assert require_fresh(office, origin, HOUR_MS, "cert.revocation") < HOUR_MS
    assert format_age(2 * 86400_000 + 3 * HOUR_MS) == "2 d 3 h" and format_age(45_000) == "45 s"
    office.close()


def test_scheduler_runs_on_a_schedule_and_on_demand_and_cancels(nodes: list[NodeProc], tmp_path: Path) -> None:
    office_dir = tmp_path / "office"
    new_office(office_dir, "office-b", nodes, only=[nodes[0].origin]).close()
    runs: list[int] = []

    def job(cancel: threading.Event) -> None:
        replica = open_replica(office_dir, "admin", PASSWORD)  # the replica belongs to the scheduler's thread
        try:
            runs.append(service(replica).run(cancel=cancel).exit_status)
        finally:
            replica.close()

    scheduler = Scheduler(job, interval_s=60)
    scheduler.start()
    deadline = time.monotonic() + 20
    while len(runs) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.run_now()
    while len(runs) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    assert runs[:2] == [0, 0]

    replica = open_replica(office_dir, "admin", PASSWORD)
    cancel = threading.Event()
    cancel.set()
    report = service(replica).run(cancel=cancel)
    assert report.cancelled and report.exit_status == 4
    replica.close()
