"""The node on a real PostgreSQL server: two node processes sequencing one database, concurrent
duplicate submissions across them, and node processes SIGKILLed while they sequence.

The server is a PostgreSQL cluster of the module's own (devtools.pg_cluster), listening only on a Unix
socket in its directory: no TCP port another program could hold. Each node process binds its own port
(app.node.launcher).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from app.ledger.checkpoint import open_checkpoint
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.merkle import hash_leaf, root_of, verify_consistency
from app.ledger.suites import ED25519, Signer, key_id
from app.node.config import Limits, load_config, load_keys
from app.node.federation import prepare_federation
from app.node.launcher import NodeProcess
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.protocol.node_client import NodeClient, NodeRefused
from devtools.pg_cluster import PgCluster
from devtools.process_tree import descendants

REPO = Path(__file__).resolve().parents[1]
DEADLINE_S = 30


_databases = itertools.count()


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgCluster]:
    """A PostgreSQL cluster of this module's own, listening only on a Unix socket in its directory."""
    cluster = PgCluster("node-pg").initdb().start()
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_url(pg_server: PgCluster) -> str:
    """A fresh, empty database on the test server."""
    name = f"node_{os.getpid()}_{next(_databases)}"
    pg_server.execute(f'CREATE DATABASE "{name}"')
    return pg_server.url(name)


def make_node(directory: Path, db_url: str) -> tuple[Path, Signer]:
    """Create a taxation node on `db_url` with an enrolled device; return its config file and the device key."""
    create_node(directory, "taxation", db_url=db_url)
    path = directory / CONFIG_FILE
    config = load_config(path, environ={})
    config = replace(config, limits=Limits(rate_per_device=100_000, rate_burst=100_000, publish_interval_s=0.2))
    config.save(path)
    device = ED25519.signer(os.urandom(32))
    node = node_from_config(config)
    try:
        node.open()
        node.enroll(device.public_key, "device", "office-01/counter-01")
    finally:
        node.stop()
    return path, device


@pytest.fixture
def pg_node(tmp_path: Path, pg_url: str) -> tuple[Path, Signer]:
    """A taxation node on PostgreSQL with an enrolled device."""
    return make_node(tmp_path / "taxation", pg_url)


@pytest.fixture(params=["postgres", "sqlite"])
def any_node(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Signer]:
    """A taxation node on PostgreSQL, then on SQLite (the crash test runs on both backends)."""
    if request.param == "postgres":
        return make_node(tmp_path / "taxation", request.getfixturevalue("pg_url"))
    return make_node(tmp_path / "taxation", f"sqlite:///{tmp_path / 'node.db'}")


def node_process(config_path: Path, log: Path) -> NodeProcess:
    """Start `govdesk node serve` for a configuration on a port-0 socket of its own; return once it answers."""
    return NodeProcess(config_path, load_config(config_path, environ={}), log_path=log).start()


@pytest.fixture
def processes() -> Iterator[list[NodeProcess]]:
    """Node processes started by a test, stopped at its end."""
    started: list[NodeProcess] = []
    yield started
    for p in started:
        p.close()


def make_entry(origin: str, key: Signer, text: str) -> bytes:
    """Return a signed demo.note entry."""
    return sign_entry(
        Entry(origin, "demo.note", 1_700_000_000_000, key_id(ED25519, key.public_key), {"text": text}), key
    )


def check_log(url: str, origin: str, log_vkey: str) -> tuple[int, list[bytes], bytes]:
    """Fetch the published checkpoint and every entry and tile; check the root both ways; return size, entries, root."""
    with NodeClient(url) as client:
        signed = open_checkpoint(client.checkpoint(), origin, log_vkey).checkpoint
        entries = client.entries(signed.size)
        assert root_of([hash_leaf(e) for e in entries]) == signed.root_hash
        assert client.tree_reader(signed.size).root(signed.size) == signed.root_hash
        return signed.size, entries, signed.root_hash


def wait_published(url: str, size: int) -> None:
    """Wait until the node has published a checkpoint of at least `size`."""
    deadline = time.monotonic() + DEADLINE_S
    with NodeClient(url) as client:
        while client.health()["published_size"] < size:
            assert time.monotonic() < deadline, "checkpoint not published"
            time.sleep(0.05)


def test_node_in_process_on_postgres(pg_node: tuple[Path, Signer], processes: list[NodeProcess], tmp_path) -> None:
    path, device = pg_node
    config = load_config(path, environ={})
    proc = node_process(path, tmp_path / "node.log")
    processes.append(proc)
    entries = [make_entry(config.origin, device, f"pg {i}") for i in range(600)]
    with NodeClient(proc.url, key=device) as client:
        for i in range(0, 600, 200):
            assert all(r.ok for r in client.submit(entries[i : i + 200]))
        assert [r.index for r in client.submit(entries[:3])] == [2, 3, 4]
    wait_published(proc.url, 602)
    keys = load_keys(Path(config.keys_file))
    size, logged, _ = check_log(proc.url, config.origin, keys.log_vkey)
    assert size == 602 and logged[2:] == entries


def test_two_node_processes_sequence_one_database(
    pg_node: tuple[Path, Signer], processes: list[NodeProcess], tmp_path: Path
) -> None:
    path, device = pg_node
    config = load_config(path, environ={})
    log_vkey = load_keys(Path(config.keys_file)).log_vkey
    a = node_process(path, tmp_path / "a.log")
    processes.append(a)
    b = node_process(path, tmp_path / "b.log")
    processes.append(b)
    shared = [make_entry(config.origin, device, f"shared {i}") for i in range(100)]
    acked: dict[bytes, set[int]] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []
    checkpoints: list[tuple[str, str]] = []

    def worker(n: int) -> None:
        url = (a, b)[n % 2].url
        own = [make_entry(config.origin, device, f"own {n} {i}") for i in range(150)]
        batches = [shared[(n * 7) % 100 :] + shared[: (n * 7) % 100], *[own[i : i + 50] for i in range(0, 150, 50)]]
        try:
            with NodeClient(url, key=device) as client:
                for batch in batches:
                    for entry, result in zip(batch, client.submit(batch), strict=True):
                        assert result.ok, result
                        with lock:
                            acked.setdefault(hash_leaf(entry), set()).add(result.index)
                    checkpoints.append((url, client.checkpoint()))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE_S * 3)
    assert not errors, errors
    assert all(len(ix) == 1 for ix in acked.values()), "one entry got two indexes"
    assert len(acked) == 100 + 6 * 150
    total = 2 + len(acked)
    wait_published(a.url, total)
    wait_published(b.url, total)
    size_a, entries_a, root_a = check_log(a.url, config.origin, log_vkey)
    size_b, entries_b, root_b = check_log(b.url, config.origin, log_vkey)
    assert (size_a, root_a) == (size_b, root_b) and size_a == total and entries_a == entries_b
    assert len({hash_leaf(e) for e in entries_a}) == total  # each entry exactly once
    for h, (index,) in acked.items():
        assert hash_leaf(entries_a[index]) == h
    # Every checkpoint either process published is a prefix of the final tree.
    with NodeClient(a.url) as client:
        for _, text in checkpoints:
            cp = open_checkpoint(text, config.origin, log_vkey).checkpoint
            assert cp.root_hash == root_of([hash_leaf(e) for e in entries_a[: cp.size]])
            if 0 < cp.size < size_a:
                verify_consistency(cp.size, size_a, client.consistency_proof(cp.size, size_a), cp.root_hash, root_a)


def test_sigkilled_node_loses_no_acknowledged_entry(
    any_node: tuple[Path, Signer], processes: list[NodeProcess], tmp_path: Path
) -> None:
    path, device = any_node
    config = load_config(path, environ={})
    log_vkey = load_keys(Path(config.keys_file)).log_vkey
    acked: dict[bytes, int] = {}
    published: list[str] = []
    counter = itertools.count()
    for round_no in range(3):
        proc = node_process(path, tmp_path / f"kill{round_no}.log")
        processes.append(proc)
        stop = threading.Event()
        lock = threading.Lock()

        def worker(url: str = proc.url, stop: threading.Event = stop, lock: threading.Lock = lock) -> None:
            with NodeClient(url, key=device, timeout=5) as client:
                while not stop.is_set():
                    batch = [make_entry(config.origin, device, f"k {next(counter)}") for _ in range(40)]
                    try:
                        results = client.submit(batch)
                        published.append(client.checkpoint())
                    except (NodeRefused, OSError, Exception):  # the process was killed under us
                        return
                    with lock:
                        for entry, result in zip(batch, results, strict=True):
                            if result.ok:
                                acked[hash_leaf(entry)] = result.index

        threads = [threading.Thread(target=worker) for _ in range(4)]
        before = len(acked)
        for t in threads:
            t.start()
        deadline = time.monotonic() + DEADLINE_S
        while len(acked) < before + 80 * (round_no + 1):  # the load is well under way: kill mid-stream
            assert time.monotonic() < deadline and all(t.is_alive() for t in threads), "the load did not get going"
            time.sleep(0.01)
        below = descendants(proc.proc.pid)  # the verifier processes (and their resource tracker)
        proc.kill()  # SIGKILL while batches are being sequenced
        stop.set()
        gone_by = time.monotonic() + DEADLINE_S
        while any(Path(f"/proc/{pid}").exists() for pid in below):  # a killed node leaves no process behind
            assert time.monotonic() < gone_by, f"processes outlived their killed node: {below}"
            time.sleep(0.05)
        for t in threads:
            t.join(timeout=DEADLINE_S)
        assert not any(t.is_alive() for t in threads)
    assert len(acked) > 100, "the load did not get going before the kills"

    proc = node_process(path, tmp_path / "after.log")
    processes.append(proc)
    node = node_from_config(config)
    state = node.store.state()
    node.stop()
    wait_published(proc.url, state.size)
    size, entries, root = check_log(proc.url, config.origin, log_vkey)
    assert size == state.size and root == state.root
    for h, index in acked.items():
        assert hash_leaf(entries[index]) == h, f"acknowledged entry {index} lost or moved"
    with NodeClient(proc.url, key=device) as client:
        for text in published:
            cp = open_checkpoint(text, config.origin, log_vkey).checkpoint
            assert cp.size <= size
            if 0 < cp.size < size:
                verify_consistency(cp.size, size, client.consistency_proof(cp.size, size), cp.root_hash, root)
        # the log takes new entries after the crashes, and resubmissions keep their index
        again = [entries[5], make_entry(config.origin, device, "after the crash")]
        results = client.submit(again)
        assert results[0].index == 5 and results[1].index == size


def test_federation_on_postgres_gets_one_database_per_department(pg_server: PgCluster, tmp_path: Path) -> None:
    server = pg_server.url()
    configs = prepare_federation(tmp_path / "fed", postgres_url=server)
    assert len(configs) == 11 and len({c.db_url for c in configs}) == 11
    again = prepare_federation(tmp_path / "fed", postgres_url=server)  # idempotent
    assert [c.db_url for c in again] == [c.db_url for c in configs]
    for config in configs[:3]:
        node = node_from_config(config)
        try:
            assert config.db_url.startswith("postgresql://") and "/govdesk_" in config.db_url
            assert node.store.url == config.db_url and node.store.state().size == 1
            assert len(config.witnessed) == 10 and len(config.witnesses) == 10
        finally:
            node.stop()


def test_a_nonce_raced_by_many_threads_is_fresh_for_exactly_one(any_node: tuple[Path, Signer]) -> None:
    """Nonces are recorded by one autocommit statement each, with no lock: when HTTP workers race one nonce (a replayed
    request sent to several at once), the database's unique key still lets exactly one of them through."""
    path, device = any_node
    node = node_from_config(load_config(path, environ={}))
    try:
        node.open()
        kid = key_id(ED25519, device.public_key)
        now = node.now_ms()
        for round_no in range(5):
            nonce = bytes([1 + round_no]) * 16
            start = threading.Barrier(8)
            fresh: list[bool] = []

            def use(nonce: bytes = nonce, start: threading.Barrier = start, fresh: list[bool] = fresh) -> None:
                start.wait()
                fresh.append(node.store.use_nonce(kid, nonce, now, 0))

            threads = [threading.Thread(target=use) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert sorted(fresh) == [False] * 7 + [True], round_no
        assert node.store.use_nonce(kid, b"\x00" + b"\x09" * 15, now + 1, now + 1)  # sweeps the older ones out
        assert node.store.use_nonce(kid, b"\x01" * 16, now + 2, now)  # forgotten: fresh again
    finally:
        node.stop()


def _refuse_new_checkpoints(db_url: str, refuse: bool) -> None:
    """Make every new checkpoint row fail (the last write of a sequencing batch), or stop doing so."""
    if db_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(db_url.removeprefix("sqlite:///"))) as conn, conn:
            conn.execute(
                "CREATE TRIGGER refuse_checkpoints BEFORE INSERT ON checkpoints "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                if refuse
                else "DROP TRIGGER refuse_checkpoints"
            )
    else:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "ALTER TABLE checkpoints ADD CONSTRAINT refuse_checkpoints CHECK (size < 0) NOT VALID"
                if refuse
                else "ALTER TABLE checkpoints DROP CONSTRAINT refuse_checkpoints"
            )


def test_a_sequencing_batch_is_stored_whole_or_not_at_all(any_node: tuple[Path, Signer]) -> None:
    """One batch's reads go to the server together, and its writes (entries, tiles, tree head, checkpoint) with its
    COMMIT (a pipeline on PostgreSQL). A batch larger than one IN list (SQLite) whose last write fails leaves no
    entry, tile or tree head behind; sequenced again, already-sequenced entries keep their indexes and the tree
    is exactly the entries in order."""
    path, device = any_node
    config = load_config(path, environ={})
    node = node_from_config(config)
    try:
        node.open()
        first = [decode_entry(make_entry(node.origin, device, f"first-{i}")) for i in range(600)]
        start = node.store.state().size
        assert node.sequencer.integrate(first) == list(range(start, start + 600))
        before = node.store.state()
        last_tile = node.store.tile(0, before.size // 256)

        batch = first[::2] + [decode_entry(make_entry(node.origin, device, f"second-{i}")) for i in range(900)]
        _refuse_new_checkpoints(config.db_url, True)
        with pytest.raises(Exception, match="refuse"):
            node.sequencer.integrate(batch)
        after = node.store.state()
        assert (after.size, after.root, after.checkpoint) == (before.size, before.root, before.checkpoint)
        assert node.store.entries(before.size, before.size + 900) == []
        assert node.store.tile(0, before.size // 256) == last_tile

        _refuse_new_checkpoints(config.db_url, False)
        results = node.sequencer.integrate(batch)
        assert results[:300] == list(range(start, start + 600, 2))
        assert results[300:] == list(range(before.size, before.size + 900))
        state = node.store.state()
        assert state.size == before.size + 900
        assert state.root == root_of([hash_leaf(e) for e in node.store.entries(0, state.size)])
    finally:
        node.stop()
