"""Witnessing over HTTP: cosigned published checkpoints, every add-checkpoint status of the spec,
fork detection with kept evidence, and the atomic check-and-update of the witness record."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ledger.checkpoint import Checkpoint, open_checkpoint
from app.ledger.merkle import EMPTY_ROOT, consistency_proof, hash_leaf, root_of
from app.ledger.note import SIG_COSIGNATURE_V1, NoteSigner, new_signer
from app.node.config import Limits, WitnessedPeer, WitnessPeer, load_config, witness_name
from app.node.launcher import bind_node_socket
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.node.service import build_app
from app.node.storage.open import open_store
from app.node.witness import Witness
from app.protocol.node_client import NodeClient, NodeRefused, WitnessConflict
from app.protocol.witness_wire import encode_add_checkpoint, parse_add_checkpoint

DEADLINE_S = 20
TEST_ORIGIN = "test.ledger.example/witness-me"


class FakeLog:
    """A log kept in memory by the test, whose checkpoints the witness is asked to cosign."""

    def __init__(self, signer: NoteSigner) -> None:
        self.signer = signer
        self.leaves = [hash_leaf(f"entry {i}".encode()) for i in range(2000)]

    def checkpoint(self, size: int, root: bytes | None = None) -> str:
        """Return the signed checkpoint of the first `size` leaves (or of a forged root)."""
        root = root_of(self.leaves[:size]) if root is None else root
        return Checkpoint(self.signer.name, size, root).sign([self.signer])

    def proof(self, old: int, new: int) -> list[bytes]:
        """Return the consistency proof between two sizes."""
        return consistency_proof(self.leaves[:new], old) if 0 < old < new else []


@dataclass
class Pair:
    """Two served nodes witnessing each other, and a fake log the second one also witnesses."""

    urls: dict[str, str]
    nodes: dict[str, object]
    fake: FakeLog


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    """Taxation and housing nodes on SQLite, each the other's witness."""
    configs = {}
    sockets = {}
    for dept in ("taxation", "housing"):
        create_node(tmp_path / dept, dept)
        sockets[dept] = bind_node_socket("127.0.0.1", 0)  # held before the peers are wired to its port
        configs[dept] = replace(
            load_config(tmp_path / dept / CONFIG_FILE, environ={}),
            port=sockets[dept].getsockname()[1],
            limits=Limits(publish_interval_s=0.1, witness_timeout_s=2),
        )
    fake = FakeLog(new_signer(TEST_ORIGIN, os.urandom(32)))
    nodes = {d: node_from_config(c) for d, c in configs.items()}
    wired = {}
    for dept, config in configs.items():
        other = "housing" if dept == "taxation" else "taxation"
        oc, ok = configs[other], nodes[other].keys
        witnessed = [WitnessedPeer(oc.origin, ok.log_vkey)]
        if dept == "housing":
            witnessed.append(WitnessedPeer(TEST_ORIGIN, fake.signer.verifier().vkey()))
        wired[dept] = replace(
            config,
            witnesses=(WitnessPeer(witness_name(oc.origin), ok.witness_vkey, f"http://127.0.0.1:{oc.port}"),),
            witnessed=tuple(witnessed),
        )
    nodes = {d: node_from_config(c) for d, c in wired.items()}
    servers = []
    for dept, node in nodes.items():
        server = uvicorn.Server(uvicorn.Config(build_app(node), log_config=None, access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sockets[dept]]}, daemon=True)
        thread.start()
        servers.append((server, thread))
    deadline = time.monotonic() + DEADLINE_S
    while not all(s.started for s, _ in servers):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    try:
        yield Pair({d: f"http://127.0.0.1:{c.port}" for d, c in wired.items()}, nodes, fake)
    finally:
        for server, _ in servers:
            server.should_exit = True
        for _, thread in servers:
            thread.join(timeout=DEADLINE_S)
        for sock in sockets.values():
            sock.close()


def test_published_checkpoints_carry_the_witness_cosignature(pair: Pair) -> None:
    tax, housing = pair.nodes["taxation"], pair.nodes["housing"]
    tax.enroll(os.urandom(32), "device", "counter")  # grows the log: a new checkpoint to cosign
    deadline = time.monotonic() + DEADLINE_S
    with NodeClient(pair.urls["taxation"]) as client:
        while True:
            text = client.checkpoint()
            signed = open_checkpoint(text, tax.origin, tax.keys.log_vkey, [housing.keys.witness_vkey])
            if signed.checkpoint.size == 2 and signed.note.cosigned_at:
                break
            assert time.monotonic() < deadline, text
            time.sleep(0.05)
    assert witness_name(housing.origin) in signed.note.cosigned_at
    assert signed.note.cosigned_at[witness_name(housing.origin)] > 1_600_000_000
    # The witness keeps what it cosigned and serves it to monitors.
    held = housing.store.witnessed(tax.origin)
    assert held is not None and held.size == 2
    monitor = httpx.get(f"{pair.urls['housing']}/witness/{hashlib.sha256(tax.origin.encode()).hexdigest()}/checkpoint")
    assert monitor.status_code == 200
    open_checkpoint(monitor.text, tax.origin, tax.keys.log_vkey, [housing.keys.witness_vkey])


def test_add_checkpoint_statuses_follow_the_spec(pair: Pair) -> None:
    fake = pair.fake
    client = NodeClient(pair.urls["housing"])
    witness_vkey = pair.nodes["housing"].keys.witness_vkey
    # first contact: old size 0, no proof
    lines = client.add_checkpoint(0, [], fake.checkpoint(10))
    note = open_checkpoint(fake.checkpoint(10) + lines, TEST_ORIGIN, fake.signer.verifier().vkey(), [witness_vkey])
    assert note.note.cosigned_at
    # a consistent extension
    client.add_checkpoint(10, fake.proof(10, 300), fake.checkpoint(300))
    # 409 names the size last cosigned, with the spec's content type
    with pytest.raises(WitnessConflict) as conflict:
        client.add_checkpoint(10, fake.proof(10, 400), fake.checkpoint(400))
    assert conflict.value.size == 300
    raw = httpx.post(
        f"{pair.urls['housing']}/add-checkpoint", content=encode_add_checkpoint(0, [], fake.checkpoint(400))
    )
    assert raw.status_code == 409 and raw.headers["content-type"].startswith("text/x.tlog.size") and raw.text == "300\n"
    # the same checkpoint again is fine (old == size, same root)
    client.add_checkpoint(300, [], fake.checkpoint(300))

    def status(old: int, proof: list[bytes], checkpoint: str) -> int:
        with pytest.raises(NodeRefused) as err:
            client.add_checkpoint(old, proof, checkpoint)
        return err.value.status

    stranger = new_signer(TEST_ORIGIN, os.urandom(32))
    assert status(300, [], Checkpoint(TEST_ORIGIN, 300, root_of(fake.leaves[:300])).sign([stranger])) == 403
    broken = fake.checkpoint(301).rsplit(" ", 1)
    tampered_sig = broken[0] + " " + broken[1][:10] + ("A" if broken[1][10] != "A" else "B") + broken[1][11:]
    assert status(300, fake.proof(300, 301), tampered_sig) == 403
    unknown = new_signer("nobody.example/log", os.urandom(32))
    assert status(0, [], Checkpoint("nobody.example/log", 1, fake.leaves[0]).sign([unknown])) == 404
    assert status(500, [], fake.checkpoint(301)) == 400  # old size above the checkpoint size
    assert status(0, [fake.leaves[0]], fake.checkpoint(301)) == 422  # a proof from size 0
    assert status(300, [], Checkpoint(TEST_ORIGIN, 0, fake.leaves[0]).sign([fake.signer])) == 400  # old > 0
    assert pair.nodes["housing"].store.witnessed(TEST_ORIGIN).size == 300  # nothing above changed the record


def test_zero_size_checkpoints_need_the_empty_root(pair: Pair) -> None:
    fake = FakeLog(pair.fake.signer)
    client = NodeClient(pair.urls["housing"])
    with pytest.raises(NodeRefused) as err:
        client.add_checkpoint(0, [], Checkpoint(TEST_ORIGIN, 0, fake.leaves[0]).sign([fake.signer]))
    assert err.value.status == 422
    client.add_checkpoint(0, [], Checkpoint(TEST_ORIGIN, 0, EMPTY_ROOT).sign([fake.signer]))
    with pytest.raises(NodeRefused) as err:
        client.add_checkpoint(0, [fake.leaves[0]], fake.checkpoint(5))
    assert err.value.status == 422


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"old 1\n",
        b"old\n\n",
        b"old 01\n\nx\n",
        b"old -1\n\nx\n",
        b"new 1\n\nx\n",
        b"old 1\nnot base64!\n\nx\n",
        b"old 1\nAAAA\n\nx\n",
        b"old 0\n" + b"A" * 43 + b"=\n" * 64 + b"\nx\n",
        b"\xff\xfe\n\n",
        b"old 0\n\n" + TEST_ORIGIN.encode() + b"\n1\n",
        b"old 0\n\n" + b"x" * 70_000,
    ],
)
def test_malformed_add_checkpoint_bodies_are_refused(pair: Pair, body: bytes) -> None:
    resp = httpx.post(f"{pair.urls['housing']}/add-checkpoint", content=body, timeout=DEADLINE_S)
    assert resp.status_code in (400, 413), (resp.status_code, resp.text)


def test_a_forked_log_is_refused_and_the_evidence_kept(pair: Pair) -> None:
    fake = pair.fake
    client = NodeClient(pair.urls["housing"])
    client.add_checkpoint(0, [], fake.checkpoint(100))
    held = fake.checkpoint(100)
    # The log shows a different tree of the same size ...
    forged_root = root_of([hash_leaf(b"rewritten history"), *fake.leaves[1:100]])
    forged = fake.checkpoint(100, forged_root)
    with pytest.raises(NodeRefused) as err:
        client.add_checkpoint(100, [], forged)
    assert err.value.status == 422
    # ... then a bigger tree that does not extend the one cosigned.
    other = [hash_leaf(b"fork"), *fake.leaves[1:200]]
    forked_200 = Checkpoint(TEST_ORIGIN, 200, root_of(other)).sign([fake.signer])
    with pytest.raises(NodeRefused) as err:
        client.add_checkpoint(100, consistency_proof(other, 100), forked_200)
    assert err.value.status == 422
    forks = client.forks()
    assert [f["offered"] for f in forks] == [forged, forked_200]
    assert all(f["held"].startswith(held) and f["origin"] == TEST_ORIGIN for f in forks)
    assert forks[1]["old_size"] == 100 and len(forks[1]["proof"]) == len(consistency_proof(other, 100))
    # The witness still holds the honest tree and keeps cosigning its honest extensions.
    assert pair.nodes["housing"].store.witnessed(TEST_ORIGIN).size == 100
    client.add_checkpoint(100, fake.proof(100, 150), fake.checkpoint(150))


def test_concurrent_add_checkpoints_never_roll_the_witness_back(pair: Pair) -> None:
    fake = pair.fake
    client = NodeClient(pair.urls["housing"])
    client.add_checkpoint(0, [], fake.checkpoint(50))
    outcomes: dict[int, str] = {}

    def submit(size: int) -> None:
        with NodeClient(pair.urls["housing"]) as c:
            try:
                c.add_checkpoint(50, fake.proof(50, size), fake.checkpoint(size))
                outcomes[size] = "cosigned"
            except WitnessConflict:
                outcomes[size] = "409"

    threads = [threading.Thread(target=submit, args=(size,)) for size in range(60, 160, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE_S)
    winners = [s for s, o in outcomes.items() if o == "cosigned"]
    assert len(outcomes) == 10 and len(winners) == 1
    assert pair.nodes["housing"].store.witnessed(TEST_ORIGIN).size == winners[0]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600) | st.text(max_size=400).map(str.encode))
def test_add_checkpoint_parser_never_crashes_on_hostile_bytes(body: bytes) -> None:
    try:
        req = parse_add_checkpoint(body)
    except (ValueError, UnicodeDecodeError):
        return
    assert encode_add_checkpoint(req.old_size, req.proof, req.checkpoint) == body


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400))
def test_witness_answers_hostile_bytes_with_a_client_error(tmp_path: Path, body: bytes) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    store.init_schema()
    fake = new_signer(TEST_ORIGIN, b"\x01" * 32)
    witness = Witness(store, new_signer("w", b"\x02" * 32, SIG_COSIGNATURE_V1), {TEST_ORIGIN: [fake.verifier().vkey()]})
    try:
        for prefix in (b"", b"old 0\n\n" + TEST_ORIGIN.encode() + b"\n"):
            assert witness.add_checkpoint(prefix + body).status in (400, 403, 404, 409, 422)
    finally:
        store.close()
