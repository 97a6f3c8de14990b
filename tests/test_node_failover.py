"""Failover to a synchronous standby, on loopback with two real PostgreSQL clusters.

The primary runs with `synchronous_standby_names`; the standby is made with pg_basebackup and streams from
it. The node's database URL names both hosts with `target_session_attrs=read-write`. Under load the primary
is SIGKILLed, the standby promoted and its `synchronous_standby_names` cleared (it has no standby of its
own). The node carries on by itself on the new primary: every acknowledged entry is there at its index,
and the checkpoint after is consistent with the one before (a consistency proof verifies).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from app.ledger.checkpoint import open_checkpoint
from app.ledger.entry import Entry, sign_entry
from app.ledger.merkle import hash_leaf, verify_consistency
from app.ledger.suites import ED25519, Signer, key_id
from app.node.config import Limits, load_config, load_keys
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.protocol.node_client import NodeClient, NodeRefused
from devtools.pg_cluster import SOCKET_PORT, PgCluster
from tests.test_node_pool import NodeProcess

DEADLINE_S = 60
GAP_LIMIT_S = 10.0
LIMITS = Limits(rate_per_device=100_000, rate_burst=100_000, publish_interval_s=0.2, db_retry_s=2.0, submit_wait_s=10)


@pytest.fixture
def clusters() -> Iterator[tuple[PgCluster, list[PgCluster]]]:
    """A primary ready for streaming replication and, later, its standby; both removed at the end."""
    made: list[PgCluster] = []
    primary = PgCluster("primary", {"wal_level": "replica", "max_wal_senders": "4", "wal_keep_size": "'64MB'"})
    made.append(primary)
    primary.initdb().start()
    yield primary, made
    for cluster in made:
        cluster.remove()


def make_entry(origin: str, key: Signer, text: str) -> bytes:
    """A signed demo.note entry."""
    return sign_entry(
        Entry(origin, "demo.note", 1_700_000_000_000, key_id(ED25519, key.public_key), {"text": text}), key
    )


def wait_sync_standby(primary: PgCluster, name: str) -> None:
    """Poll until the primary reports `name` as its synchronous standby."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        with psycopg.connect(primary.conninfo(), autocommit=True) as conn:
            row = conn.execute(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = %s", (name,)
            ).fetchone()
        if row is not None and row[0] == "sync":
            return
        assert time.monotonic() < deadline, "the standby never became synchronous"
        time.sleep(0.05)


def test_failover_to_the_synchronous_standby_loses_no_acknowledged_entry(
    clusters: tuple[PgCluster, list[PgCluster]], tmp_path: Path
) -> None:
    primary, made = clusters
    primary.execute("CREATE DATABASE node")
    standby = primary.standby("standby", "standby1")
    made.append(standby)
    standby.start()
    primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
    primary.execute("SELECT pg_reload_conf()")
    wait_sync_standby(primary, "standby1")

    url = (
        f"postgresql://postgres@/node?host={primary.socket_dir},{standby.socket_dir}"
        f"&port={SOCKET_PORT},{SOCKET_PORT}&target_session_attrs=read-write"
    )
    create_node(tmp_path / "taxation", "taxation", db_url=url)
    path = tmp_path / "taxation" / CONFIG_FILE
    config = replace(load_config(path, environ={}), limits=LIMITS)
    config.save(path)
    device = ED25519.signer(os.urandom(32))
    node = node_from_config(config)
    try:
        node.enroll(device.public_key, "device", "office-01/counter-01")
    finally:
        node.stop()
    log_vkey = load_keys(Path(config.keys_file)).log_vkey

    proc = NodeProcess(path, tmp_path / "node.log")
    acked: dict[bytes, int] = {}
    ack_times: list[float] = []
    counter = itertools.count()
    stop = threading.Event()
    lock = threading.Lock()
    try:
        proc.wait_health(200)

        def worker() -> None:
            with NodeClient(proc.url, key=device, timeout=DEADLINE_S) as client:
                while not stop.is_set():
                    batch = [make_entry(config.origin, device, f"f {next(counter)}") for _ in range(20)]
                    try:
                        results = client.submit(batch)
                    except (NodeRefused, OSError):  # the database is failing over: retry
                        stop.wait(0.05)
                        continue
                    now = time.monotonic()
                    with lock:
                        for entry, result in zip(batch, results, strict=True):
                            if result.ok:
                                acked[hash_leaf(entry)] = result.index
                                ack_times.append(now)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()

        def wait_acked(count: int) -> None:
            deadline = time.monotonic() + DEADLINE_S
            while len(acked) < count:
                assert time.monotonic() < deadline, f"only {len(acked)} entries acknowledged"
                time.sleep(0.05)

        wait_acked(300)
        with NodeClient(proc.url) as client:
            before = open_checkpoint(client.checkpoint(), config.origin, log_vkey).checkpoint
        killed_at = time.monotonic()
        primary.sigkill()
        standby.promote()
        # The promoted standby has no standby of its own: without this it would wait for one forever.
        standby.execute("ALTER SYSTEM SET synchronous_standby_names = ''")
        standby.execute("SELECT pg_reload_conf()")
        count_at_kill = len(acked)
        wait_acked(count_at_kill + 300)  # the node carries on by itself on the new primary
        stop.set()
        for t in threads:
            t.join(timeout=DEADLINE_S)
        assert not any(t.is_alive() for t in threads)
        times = sorted(ack_times)
        gap = max(b - a for a, b in itertools.pairwise(t for t in times if t >= killed_at - 5))
        print(f"failover: longest time without an acknowledgement {gap:.2f} s")
        assert gap <= GAP_LIMIT_S, gap

        with NodeClient(proc.url) as client:
            deadline = time.monotonic() + DEADLINE_S
            while client.health()["published_size"] < max(acked.values()) + 1:
                assert time.monotonic() < deadline, "the acknowledged entries were never published"
                time.sleep(0.05)
            after = open_checkpoint(client.checkpoint(), config.origin, log_vkey).checkpoint
            entries = client.entries(after.size)
            verify_consistency(
                before.size, after.size, client.consistency_proof(before.size, after.size), before.root_hash,
                after.root_hash,
            )  # fmt: skip
        for h, index in acked.items():
            assert hash_leaf(entries[index]) == h, f"acknowledged entry {index} lost or moved"
        with psycopg.connect(standby.conninfo("node"), autocommit=True) as conn:
            assert not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            assert conn.execute("SELECT size FROM log_state").fetchone()[0] >= after.size
    finally:
        stop.set()
        proc.stop()
