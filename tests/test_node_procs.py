"""`node serve --http-processes N`: HTTP worker processes feeding the one sequencing process (issue 22 / 20 item 5).

- Offices submit concurrently through several HTTP worker processes on PostgreSQL: every entry is sequenced
  exactly once, and a resubmission through another worker gets the original index.
- One worker is SIGKILLed mid-run: nothing acknowledged is lost, the offices' retries (idempotent) are
  answered, and the parent starts a new worker.
- The link between workers and sequencer refuses malformed, oversized and cut-short frames without harm to
  the other workers' traffic; its request codec round-trips (hypothesis).
- An SQLite node refuses more than one HTTP process.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.merkle import hash_leaf
from app.ledger.suites import ED25519, Signer, key_id
from app.loopback_ports import free_port
from app.node.config import Limits, load_config
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.node.registry import Registry
from app.node.sequencer import Outcome, settled, wait_all, when_all_done
from app.node.sequencer_link import (
    MAX_FRAME,
    Handed,
    LinkError,
    LinkServer,
    RemoteSequencer,
    decode_request,
    encode_item,
    encode_request,
    frame,
    read_frame,
)
from app.node.storage.interface import StoreUnavailable
from app.protocol.node_client import NodeClient, NodeRefused
from devtools.pg_cluster import PgCluster

REPO = Path(__file__).resolve().parents[1]
DEADLINE_S = 60
WORKERS = 3
LIMITS = Limits(rate_per_device=100_000, rate_burst=100_000, publish_interval_s=0.2, submit_wait_s=10, workers=4)


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    """A PostgreSQL cluster of this module's own."""
    cluster = PgCluster("procs", {"max_connections": "100", "fsync": "off"}).initdb().start()
    yield cluster
    cluster.remove()


def make_entry(origin: str, key: Signer, text: str) -> bytes:
    """Return a signed demo.note entry."""
    return sign_entry(
        Entry(origin, "demo.note", 1_700_000_000_000, key_id(ED25519, key.public_key), {"text": text}), key
    )


class MultiProcessNode:
    """`govdesk node serve --http-processes N` on a loopback port."""

    def __init__(self, config: Path, log: Path, processes: int) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli.main",
                "node",
                "serve",
                "--config",
                str(config),
                "--port",
                self.url.rsplit(":", 1)[1],
                "--http-processes",
                str(processes),
            ],
            cwd=REPO,
            stdout=self._log,
            stderr=self._log,
        )

    def health(self) -> dict | None:
        """The health document from whichever worker takes a fresh connection, or None."""
        try:
            resp = httpx.get(self.url + "/health", timeout=5)
        except httpx.HTTPError:
            return None
        return resp.json() if resp.status_code == 200 else None

    def worker_pids(self, at_least: int, excluding: set[int] = frozenset()) -> set[int]:  # type: ignore[assignment]
        """Poll /health on fresh connections until `at_least` different worker processes (not `excluding`) answered."""
        seen: set[int] = set()
        deadline = time.monotonic() + DEADLINE_S
        while len(seen - excluding) < at_least:
            assert self.proc.poll() is None, "the node process ended"
            assert time.monotonic() < deadline, f"only workers {seen} answered"
            doc = self.health()
            if doc is not None:
                assert doc["process"]["http_worker"] is True
                seen.add(doc["process"]["pid"])
        return seen - excluding

    def stop(self) -> None:
        """SIGTERM the node (it stops its workers) and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _node_dir(pg: PgCluster, tmp_path: Path, name: str, devices: int) -> tuple[Path, str, list[Signer]]:
    pg.execute(f"CREATE DATABASE {name}")
    create_node(tmp_path / "taxation", "taxation", db_url=pg.url(name))
    path = tmp_path / "taxation" / CONFIG_FILE
    config = replace(load_config(path, environ={}), limits=LIMITS)
    config.save(path)
    keys = [ED25519.signer(os.urandom(32)) for _ in range(devices)]
    node = node_from_config(config)
    try:
        for n, key in enumerate(keys):
            node.enroll(key.public_key, "device", f"office-{n:02}/counter-01")
    finally:
        node.stop()
    return path, config.origin, keys


def test_concurrent_offices_through_several_workers_and_a_sigkilled_worker(pg: PgCluster, tmp_path: Path) -> None:
    path, origin, devices = _node_dir(pg, tmp_path, "procs_kill", 6)
    node = MultiProcessNode(path, tmp_path / "node.log", WORKERS)
    acked: dict[bytes, int] = {}
    submitted: set[bytes] = set()
    served_by: set[int] = set()
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    counter = itertools.count()
    try:
        first = node.worker_pids(2)  # the kernel hands connections to more than one worker

        def office(device: Signer) -> None:
            try:
                while not stop.is_set():
                    batch = [make_entry(origin, device, f"n {next(counter)}") for _ in range(16)]
                    with lock:
                        submitted.update(hash_leaf(e) for e in batch)
                    for _attempt in range(200):  # an office retries until its batch is acknowledged
                        try:
                            with NodeClient(node.url, key=device, timeout=DEADLINE_S) as client:  # a new connection
                                results = client.submit(batch)
                        except (httpx.HTTPError, NodeRefused) as exc:
                            if isinstance(exc, NodeRefused) and exc.status < 500:
                                raise
                            time.sleep(0.02)
                            continue
                        if all(r.ok for r in results):
                            break
                    else:
                        raise AssertionError("a batch was never acknowledged")
                    with lock:
                        for entry, result in zip(batch, results, strict=True):
                            assert acked.setdefault(hash_leaf(entry), result.index) == result.index
            except BaseException as exc:  # reported by the main thread
                with lock:
                    failures.append(repr(exc))

        threads = [threading.Thread(target=office, args=(d,)) for d in devices]
        for t in threads:
            t.start()

        def wait_acked(count: int) -> None:
            deadline = time.monotonic() + DEADLINE_S
            while len(acked) < count and not failures:
                assert time.monotonic() < deadline, f"only {len(acked)} entries acknowledged"
                time.sleep(0.02)

        wait_acked(150)
        victim = sorted(first)[0]
        os.kill(victim, signal.SIGKILL)  # mid-run: its connections and handed-over entries are cut
        before = len(acked)
        served_by = node.worker_pids(1, excluding={victim} | first)  # the parent started a new worker
        wait_acked(before + 150)  # the others kept going, and the new one serves
        stop.set()
        for t in threads:
            t.join(timeout=DEADLINE_S)
        assert not any(t.is_alive() for t in threads)
        assert not failures, failures[:3]
        assert node.proc.poll() is None, "the sequencing process ended"

        # a resubmission through any worker gets the original index back
        sample = sorted(acked.items())[:8]
        resubmit_key = devices[0]
        entries_by_hash: dict[bytes, bytes] = {}
        with NodeClient(node.url) as reader:
            deadline = time.monotonic() + DEADLINE_S
            while reader.health()["published_size"] < max(acked.values()) + 1:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            size = reader.health()["published_size"]
            logged = reader.entries(size)
        for entry in logged:
            entries_by_hash[hash_leaf(entry)] = entry
        again = [entries_by_hash[h] for h, _ in sample if h in entries_by_hash]
        assert len(again) == len(sample)
        for _ in range(3):  # fresh connections: likely through other workers
            with NodeClient(node.url, key=resubmit_key) as client:
                results = client.submit(again)
            assert [r.index for r in results] == [i for _, i in sample]
    finally:
        stop.set()
        node.stop()
    assert node.proc.returncode == 0
    hashes = [hash_leaf(e) for e in logged]
    assert len(hashes) == len(set(hashes)), "an entry was sequenced twice"
    for h, index in acked.items():
        assert hashes[index] == h, f"acknowledged entry {index} lost or moved"
    assert set(acked) <= set(hashes) and set(hashes[1 + len(devices) :]) <= submitted
    assert served_by


def test_refusals_and_replays_through_the_workers(pg: PgCluster, tmp_path: Path) -> None:
    path, origin, [device] = _node_dir(pg, tmp_path, "procs_refuse", 1)
    node = MultiProcessNode(path, tmp_path / "node.log", 2)
    try:
        node.worker_pids(1)
        stranger = ED25519.signer(os.urandom(32))
        good = make_entry(origin, device, "good")
        with NodeClient(node.url, key=device) as client:
            results = client.submit([good, make_entry(origin, stranger, "who"), make_entry("other/log", device, "x")])
            assert results[0].ok and [r.code for r in results[1:]] == ["unknown_signer", "wrong_log"]
            nonce = os.urandom(16)
            client.submit([make_entry(origin, device, "once")], nonce=nonce)
        for _ in range(4):  # the nonce is in the database: every worker sees it used
            with NodeClient(node.url, key=device) as client, pytest.raises(NodeRefused) as refused:
                client.submit([make_entry(origin, device, "twice")], nonce=nonce)
            assert refused.value.code == "replayed_request"
    finally:
        node.stop()


def test_sqlite_node_keeps_one_process(tmp_path: Path) -> None:
    create_node(tmp_path / "taxation", "taxation")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "node",
            "serve",
            "--config",
            str(tmp_path / "taxation" / CONFIG_FILE),
            "--http-processes",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
    )
    assert done.returncode == 2 and "SQLite node keeps one process" in done.stderr


# --- the link's wire format ------------------------------------------------------------------------------
handed = st.builds(
    Handed,
    data=st.binary(max_size=300),
    kid=st.binary(max_size=40),
    verified_key=st.binary(max_size=64),
    role=st.sampled_from(["device", "clerk", "supervisor", "部门"]),
    etype=st.text(max_size=30).filter(lambda t: len(t.encode()) < 256),
)


@given(st.lists(handed, max_size=20))
@settings(max_examples=200, deadline=None)
def test_link_request_round_trips(items: list[Handed]) -> None:
    body = encode_request([encode_item(i) for i in items])
    assert decode_request(body) == items
    if body[4:]:
        with pytest.raises(LinkError):
            decode_request(body[:-1])  # cut short
    with pytest.raises(LinkError):
        decode_request(body + b"\x00")  # trailing bytes


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.binary(max_size=40), st.binary(max_size=20), st.text(max_size=6)), min_size=1, max_size=4),
    st.data(),
)
def test_a_cut_or_changed_link_request_decodes_to_what_encodes_to_it_or_is_refused(items, data) -> None:
    body = bytearray(encode_request([encode_item(Handed(d, k, k[::-1], t, t[::-1])) for d, k, t in items]))
    for _ in range(data.draw(st.integers(0, 3))):
        body[data.draw(st.integers(0, len(body) - 1))] = data.draw(st.integers(0, 255))
    body = body[: data.draw(st.integers(0, len(body)))]
    try:
        decoded = decode_request(bytes(body))
    except LinkError:
        return
    assert encode_request([encode_item(i) for i in decoded]) == bytes(body)


def test_link_refuses_hostile_counts_and_lengths() -> None:
    with pytest.raises(LinkError):
        decode_request(b"\xff\xff\xff\xff")
    with pytest.raises(LinkError):
        decode_request(b"\x00\x00\x00\x01" + b"\x7f\xff\xff\xff")  # one entry far over the size limit
    with pytest.raises(LinkError):
        decode_request(b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01\xff\x00")  # role not UTF-8


class _Answering:
    """A stand-in for the sequencer at the system edge of the link: answers index 7 for every entry."""

    def submit_many(self, items: list[tuple[object, bytes | None]]) -> list[Outcome]:
        """Answer 7 at once, for each entry."""
        return [settled(7) for _ in items]


def test_link_server_drops_a_hostile_worker_and_keeps_serving(tmp_path: Path) -> None:
    server = LinkServer(tmp_path / "link.sock", _Answering())  # type: ignore[arg-type]
    server.start()
    try:
        assert (tmp_path / "link.sock").stat().st_mode & 0o077 == 0
        hostile = socket.socket(socket.AF_UNIX)
        hostile.connect(str(server.path))
        hostile.sendall((MAX_FRAME + 1).to_bytes(4, "big"))  # oversized frame: the server hangs up
        hostile.settimeout(DEADLINE_S)
        assert hostile.recv(16) == b""
        hostile.close()
        garbage = socket.socket(socket.AF_UNIX)
        garbage.connect(str(server.path))
        garbage.sendall(frame(b"\x00\x00\x00\x02junk"))
        garbage.settimeout(DEADLINE_S)
        assert garbage.recv(16) == b""
        garbage.close()
        honest = socket.socket(socket.AF_UNIX)
        honest.connect(str(server.path))
        honest.settimeout(DEADLINE_S)
        item = Handed(b"entry", b"k" * 8, b"p" * 32, "device", "demo.note")
        honest.sendall(frame(encode_request([encode_item(item), encode_item(item)])))
        assert read_frame(honest) == b"[7, 7]"
        honest.close()
    finally:
        server.stop()
    assert not (tmp_path / "link.sock").exists()


class _NoStore:
    """The registry's store in a test whose registry never refreshes (its period is an hour)."""


def test_each_submission_is_answered_at_once(tmp_path: Path) -> None:
    # A submission is sent from the submitting thread; it must never wait for another thread's timeout (a sending
    # thread once shared its wake-up with the registry-refreshing thread and waited a second).
    server = LinkServer(tmp_path / "link.sock", _Answering())  # type: ignore[arg-type]
    server.start()
    remote = RemoteSequencer(server.path, Registry(_NoStore()), refresh_s=3600)  # type: ignore[arg-type]
    remote.start()
    try:
        key = ED25519.signer(bytes(32))
        for n in range(10):
            signed = decode_entry(make_entry("test/log", key, f"note {n}"))
            started = time.monotonic()
            assert remote.submit(signed, key.public_key).result(timeout=DEADLINE_S) == 7
            assert time.monotonic() - started < 0.75, f"submission {n} waited for a timeout"
    finally:
        remote.stop()
        server.stop()


def test_a_submission_over_a_lost_link_fails_as_unavailable_then_the_link_comes_back(tmp_path: Path) -> None:
    """The sequencing process goes away: a submission fails at once with StoreUnavailable (the office resubmits),
    nothing hangs; once a sequencing process listens again, the next submission is answered."""
    server = LinkServer(tmp_path / "link.sock", _Answering())  # type: ignore[arg-type]
    server.start()
    remote = RemoteSequencer(server.path, Registry(_NoStore()), refresh_s=3600, connect_s=0.2)  # type: ignore[arg-type]
    remote.start()
    key = ED25519.signer(bytes(32))
    signed = decode_entry(make_entry("test/log", key, "note"))
    try:
        assert remote.submit(signed, key.public_key).result(timeout=DEADLINE_S) == 7
        server.stop()
        deadline = time.monotonic() + DEADLINE_S
        while remote.connected():  # the receiving thread sees the link close
            assert time.monotonic() < deadline, "the lost link was not noticed"
            time.sleep(0.01)
        outcome = remote.submit(signed, key.public_key)
        assert isinstance(outcome.exception(timeout=DEADLINE_S), StoreUnavailable)
        assert remote.queued() == 0
        server = LinkServer(tmp_path / "link.sock", _Answering())  # type: ignore[arg-type]
        server.start()
        assert remote.submit(signed, key.public_key).result(timeout=DEADLINE_S) == 7
    finally:
        remote.stop()
        server.stop()
    assert isinstance(remote.submit(signed, key.public_key).exception(timeout=DEADLINE_S), StoreUnavailable)


def test_an_outcome_is_settled_once_and_tells_every_waiter() -> None:
    """The worker's stand-in for a concurrent future: callbacks before and after settling, a blocking reader on
    another thread, a timeout, and a second settlement that changes nothing."""
    seen: list[object] = []
    outcome = Outcome()
    outcome.add_done_callback(lambda o: seen.append(o.result()))
    with pytest.raises(TimeoutError):
        outcome.result(timeout=0.01)
    reader: list[object] = []
    thread = threading.Thread(target=lambda: reader.append(outcome.result(timeout=DEADLINE_S)))
    thread.start()
    assert not outcome.done()
    outcome.set_result(7)
    outcome.set_exception(RuntimeError("late"))  # the first settlement counts
    thread.join(timeout=DEADLINE_S)
    outcome.add_done_callback(lambda o: seen.append(o.exception()))
    assert outcome.done() and seen == [7, None] and reader == [7] and outcome.result() == 7

    failed = Outcome()
    failed.set_exception(StoreUnavailable("gone"))
    assert isinstance(failed.exception(), StoreUnavailable)
    with pytest.raises(StoreUnavailable):
        failed.result()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.randoms(use_true_random=False), st.integers(1, 4))
def test_all_done_is_told_once_after_the_last_outcome_whatever_the_order(n: int, rnd, threads: int) -> None:
    """Outcomes settled in any order, by several threads, some before the wait begins: the callback comes once,
    and only when every outcome is settled."""
    outcomes = [Outcome() for _ in range(n)]
    order = list(range(n))
    rnd.shuffle(order)
    early, late = order[: n // 3], order[n // 3 :]
    for i in early:
        outcomes[i].set_result(i)
    told: list[bool] = []
    when_all_done(outcomes, lambda: told.append(all(o.done() for o in outcomes)))
    assert told == ([True] if not late else [])
    parts = [late[k::threads] for k in range(threads)]
    workers = [threading.Thread(target=lambda part=part: [outcomes[i].set_result(i) for i in part]) for part in parts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=DEADLINE_S)
    assert told == [True]
    wait_all(outcomes)  # returns at once: all settled
