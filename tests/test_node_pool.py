"""The node's database connections: a bounded pool that survives the database.

- 200 concurrent office clients against the 11-node federation on one PostgreSQL server with
  `max_connections=100`: no HTTP 500, every entry acknowledged, and the server never sees more
  connections than the nodes' pools allow.
- A database stopped and started again under load: `/health` says 503 while it is down, submissions
  are refused as "retry later" (never a 500), and they resume without restarting the node, with
  every acknowledged entry in the log.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import psycopg
import pytest

from app.ledger.checkpoint import open_checkpoint
from app.ledger.entry import Entry, sign_entry
from app.ledger.merkle import hash_leaf
from app.ledger.suites import ED25519, Signer, key_id
from app.node.config import Limits, load_config, load_keys
from app.node.federation import Federation, prepare_federation
from app.node.launcher import NodeProcess as LaunchedNode
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.protocol.node_client import NodeClient, NodeRefused
from devtools.pg_cluster import PgCluster

REPO = Path(__file__).resolve().parents[1]
DEADLINE_S = 60
OFFICES = 200
LIMITS = Limits(rate_per_device=100_000, rate_burst=100_000, publish_interval_s=0.2, db_retry_s=2.0, submit_wait_s=10)


@pytest.fixture
def pg_100() -> Iterator[PgCluster]:
    """A PostgreSQL cluster of the test's own, with Debian's default `max_connections=100`."""
    cluster = PgCluster("pool", {"max_connections": "100", "fsync": "off"}).initdb().start()
    yield cluster
    cluster.remove()


def make_entry(origin: str, key: Signer, text: str) -> bytes:
    """Return a signed demo.note entry."""
    return sign_entry(
        Entry(origin, "demo.note", 1_700_000_000_000, key_id(ED25519, key.public_key), {"text": text}), key
    )


class ConnectionCounter:
    """Samples how many client connections the server holds to the node databases, and keeps the highest."""

    def __init__(self, cluster: PgCluster) -> None:
        self.highest = 0
        self.samples = 0
        self._stop = threading.Event()
        self._conn = psycopg.connect(cluster.conninfo(), autocommit=True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            row = self._conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname LIKE 'govdesk_%' AND backend_type = 'client backend'"
            ).fetchone()
            self.highest = max(self.highest, int(row[0]))
            self.samples += 1
            self._stop.wait(0.02)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=10)
        self._conn.close()


def test_200_offices_against_a_federation_on_a_100_connection_server(pg_100: PgCluster, tmp_path: Path) -> None:
    configs = prepare_federation(tmp_path / "fed", postgres_url=pg_100.url())
    configs = [replace(c, limits=LIMITS) for c in configs]
    devices: dict[str, Signer] = {}
    for config in configs:
        devices[config.department] = ED25519.signer(os.urandom(32))
        node = node_from_config(config)
        try:
            node.enroll(devices[config.department].public_key, "device", f"office/{config.department}")
        finally:
            node.stop()
    federation = Federation(configs, tmp_path / "fed")
    federation.start()
    configs = federation.configs  # the ports the nodes bound
    counter = ConnectionCounter(pg_100)
    acked: dict[bytes, tuple[str, int]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(OFFICES)

    def office(n: int) -> None:
        config = configs[n % len(configs)]
        device = devices[config.department]
        batch = [make_entry(config.origin, device, f"office {n} entry {i}") for i in range(4)]
        try:
            with NodeClient(f"http://{config.host}:{config.port}", key=device, timeout=DEADLINE_S) as client:
                start.wait(timeout=DEADLINE_S)
                for _attempt in range(10):
                    try:
                        results = client.submit(batch)
                    except NodeRefused as refused:
                        if refused.status >= 500 and refused.code in ("store_unavailable", "overloaded"):
                            continue  # retry later is an honest answer; a 500 is not
                        raise
                    if all(r.ok for r in results):
                        break
                else:
                    raise AssertionError(f"office {n} never got its entries acknowledged")
                with lock:
                    for entry, result in zip(batch, results, strict=True):
                        acked[hash_leaf(entry)] = (config.department, result.index)
                client.health()
                client.checkpoint()
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(f"office {n}: {exc!r}")

    threads = [threading.Thread(target=office, args=(n,)) for n in range(OFFICES)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=DEADLINE_S * 2)
        assert not any(t.is_alive() for t in threads)
    finally:
        counter.stop()
        federation.stop()
    assert not failures, failures[:5]
    assert len(acked) == OFFICES * 4
    bound = sum(c.limits.pool_size for c in configs)
    assert counter.samples > 10 and 0 < counter.highest <= bound, (counter.highest, bound)
    assert bound <= 97  # the pools of all 11 nodes fit under max_connections less the superuser's reserve
    # nothing is lost or duplicated: each department's log holds its offices' entries at their indexes
    for config in configs:
        node = node_from_config(config)
        try:
            mine = {h: i for h, (dept, i) in acked.items() if dept == config.department}
            logged = node.store.entries(0, node.store.state().size)
            assert {hash_leaf(e): i for i, e in enumerate(logged) if hash_leaf(e) in mine} == mine
        finally:
            node.stop()


class NodeProcess:
    """A `govdesk node serve` process on a loopback port."""

    def __init__(self, config: Path, log: Path) -> None:
        # `govdesk node serve` on a socket bound at port 0 (app.node.launcher); /health may answer 503 first
        self.node = LaunchedNode(config, load_config(config, environ={}), log_path=log)
        self.node.launch()
        self.url = self.node.url
        self.proc = self.node.proc

    def health_status(self) -> int:
        """The HTTP status of /health, or 0 if nothing answers."""
        try:
            return httpx.get(self.url + "/health", timeout=5).status_code
        except httpx.HTTPError:
            return 0

    def wait_health(self, status: int) -> None:
        """Poll /health until it answers `status`."""
        deadline = time.monotonic() + DEADLINE_S
        while self.health_status() != status:
            assert self.proc.poll() is None, "the node process ended"
            assert time.monotonic() < deadline, f"/health never answered {status}"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM the process, wait for it, and give up its port."""
        self.node.close()


def test_submissions_resume_after_a_database_restart_without_restarting_the_node(
    pg_100: PgCluster, tmp_path: Path
) -> None:
    pg_100.execute("CREATE DATABASE node_restart")
    create_node(tmp_path / "taxation", "taxation", db_url=pg_100.url("node_restart"))
    path = tmp_path / "taxation" / CONFIG_FILE
    config = replace(load_config(path, environ={}), limits=LIMITS)
    config.save(path)
    device = ED25519.signer(os.urandom(32))
    node = node_from_config(config)
    try:
        node.enroll(device.public_key, "device", "office-01/counter-01")
    finally:
        node.stop()
    proc = NodeProcess(path, tmp_path / "node.log")
    try:
        proc.wait_health(200)
        acked: dict[bytes, int] = {}
        statuses: list[int] = []
        counter = itertools.count()
        stop = threading.Event()
        lock = threading.Lock()

        def worker() -> None:
            with NodeClient(proc.url, key=device, timeout=DEADLINE_S) as client:
                while not stop.is_set():
                    batch = [make_entry(config.origin, device, f"r {next(counter)}") for _ in range(10)]
                    try:
                        results = client.submit(batch)
                    except NodeRefused as refused:
                        with lock:
                            statuses.append(refused.status)
                        stop.wait(0.05)
                        continue
                    with lock:
                        statuses.append(200)
                        acked.update({hash_leaf(e): r.index for e, r in zip(batch, results, strict=True) if r.ok})

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()

        def wait_acked(count: int) -> None:
            deadline = time.monotonic() + DEADLINE_S
            while len(acked) < count:
                assert time.monotonic() < deadline, f"only {len(acked)} entries acknowledged"
                time.sleep(0.05)

        wait_acked(200)
        pg_100.stop("fast")  # every connection in the pool is cut
        proc.wait_health(503)
        before = len(acked)
        pg_100.start()
        proc.wait_health(200)
        wait_acked(before + 300)  # sequencing resumed by itself
        stop.set()
        for t in threads:
            t.join(timeout=DEADLINE_S)
        assert 500 not in statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
        with NodeClient(proc.url) as client:
            log_vkey = load_keys(Path(config.keys_file)).log_vkey
            deadline = time.monotonic() + DEADLINE_S
            while client.health()["published_size"] < max(acked.values()) + 1:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            signed = open_checkpoint(client.checkpoint(), config.origin, log_vkey).checkpoint
            entries = client.entries(signed.size)
        for h, index in acked.items():
            assert hash_leaf(entries[index]) == h, f"acknowledged entry {index} lost or moved"
    finally:
        proc.stop()
    assert b"Traceback" not in (tmp_path / "node.log").read_bytes()
