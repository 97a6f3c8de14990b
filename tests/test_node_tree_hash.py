"""A log declares its tree hash (SHA-256 or SM3): the node's sequencer, tiles, static files, proof endpoints and
witness follow the declaration, a node refuses a configuration that changes it, and hostile settings are refused."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.checkpoint import Checkpoint, open_checkpoint
from app.ledger.merkle import SHA256_TREE, SM3_TREE, ProofError, RootMismatch, hash_leaf
from app.ledger.note import SIG_COSIGNATURE_V1, new_signer
from app.ledger.suites import ED25519
from app.node.config import ConfigError, Limits, config_from_dict, load_config
from app.node.federation import FEDERATION_FILE, prepare_federation
from app.node.launcher import NodeThread
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.node.storage.interface import NodeStoreError
from app.node.storage.open import open_store
from app.node.witness import Witness
from app.protocol.tiles import TILE_WIDTH, tile_path
from app.protocol.witness_wire import encode_add_checkpoint
from app.sync.trust import policy_from_federation
from tests.test_node_submit import Served

DEADLINE_S = 20
ENTRIES = 300  # more than one tile: level-1 tiles and proofs across tiles


def test_a_new_national_log_gets_an_sm3_tree_and_existing_choices_stay(tmp_path: Path) -> None:
    assert create_node(tmp_path / "a", "taxation", suite="sm2-sm3").tree_hash == "sm3"
    assert create_node(tmp_path / "b", "housing").tree_hash == "sha256"  # Ed25519 logs keep SHA-256
    kept = create_node(tmp_path / "c", "gas", suite="sm2-sm3", tree_hash="sha256")
    assert kept.tree_hash == "sha256"
    assert load_config(tmp_path / "a" / CONFIG_FILE, environ={}).tree is SM3_TREE
    with pytest.raises(ValueError):
        create_node(tmp_path / "d", "gas", tree_hash="md5")
    # a node.json written before the choice existed has no tree_hash: its log is a SHA-256 tree
    raw = json.loads((tmp_path / "b" / CONFIG_FILE).read_text())
    del raw["tree_hash"]
    assert config_from_dict(raw, tmp_path / "b").tree is SHA256_TREE


def test_node_init_takes_the_tree_hash_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    assert main(["node", "init", "--department", "taxation", "--home", str(home)]) == 0
    assert "tree hash     sm3" in capsys.readouterr().out  # the national suite is the default, SM3 trees with it
    assert main(["node", "init", "--department", "gas", "--home", str(home), "--tree-hash", "sha256"]) == 0
    assert load_config(home / "gas" / CONFIG_FILE, environ={}).tree_hash == "sha256"
    with pytest.raises(SystemExit):
        main(["node", "init", "--department", "housing", "--home", str(home), "--tree-hash", "sha1"])


@pytest.mark.parametrize("value", ["md5", "SM3", "sm3 ", "", 3, None, ["sm3"], {"sm3": 1}, True])
def test_a_hostile_tree_hash_setting_is_refused(tmp_path: Path, value: object) -> None:
    config = create_node(tmp_path / "n", "taxation")
    raw = json.loads(config.to_json())
    with pytest.raises(ConfigError, match="tree_hash"):
        config_from_dict({**raw, "tree_hash": value}, tmp_path)
    peer = {"origin": "x.example", "vkey": "x+00000000+AA", "tree_hash": value}
    with pytest.raises(ConfigError, match="tree_hash"):
        config_from_dict({**raw, "witnessed": [peer]}, tmp_path)


def test_a_node_refuses_a_configuration_that_changes_its_logs_tree_hash(tmp_path: Path) -> None:
    config = create_node(tmp_path / "taxation", "taxation", suite="sm2-sm3")
    node = node_from_config(replace(config, tree_hash="sha256"))  # node.json edited after the log was made
    try:
        with pytest.raises(NodeStoreError, match="not a sha256 tree"):
            node.open()
    finally:
        node.stop()
    node = node_from_config(config)  # the declared tree opens
    try:
        node.open()
        assert node.store.state().size == 1
    finally:
        node.stop()


@pytest.fixture
def served_sm3(tmp_path: Path) -> Iterator[Served]:
    """A national node (SM2 keys, SM3 tree) writing static files to tmp_path/static, with enrolled Ed25519 keys."""
    config = create_node(tmp_path / "taxation", "taxation", suite="sm2-sm3")
    config = replace(config, limits=Limits(publish_interval_s=0.1), static_dir=str(tmp_path / "static"))
    node = node_from_config(config)
    node.open()
    device, clerk = ED25519.signer(os.urandom(32)), ED25519.signer(os.urandom(32))
    node.enroll(device.public_key, "device", "office-01/counter-01")
    server = NodeThread(config, node=node).start(DEADLINE_S)
    try:
        yield Served(node, server.url, device, clerk)
    finally:
        server.stop(DEADLINE_S)


def test_an_sm3_log_is_sequenced_served_and_proved_in_sm3(served_sm3: Served, tmp_path: Path) -> None:
    served = served_sm3
    client = served.client()
    entries = [served.entry(served.device, f"note {i}") for i in range(ENTRIES)]
    for i in range(0, ENTRIES, 100):
        assert all(r.ok for r in client.submit(entries[i : i + 100]))
    size = ENTRIES + 2
    text = served.wait_published(size)
    cp = open_checkpoint(text, served.node.origin, served.node.keys.log_vkey).checkpoint
    assert client.health()["tree_hash"] == "sm3"
    # an independent client hashes the entry bundles in SM3 and gets the checkpoint's root; SHA-256 does not
    log_entries = client.entries(cp.size)
    assert SM3_TREE.root_of([SM3_TREE.hash_leaf(e) for e in log_entries]) == cp.root_hash
    assert SHA256_TREE.root_of([SHA256_TREE.hash_leaf(e) for e in log_entries]) != cp.root_hash
    # the hash tiles are SM3 leaves and SM3 subtree roots
    level0 = client.tile(0, 0)
    assert level0[:32] == SM3_TREE.hash_leaf(log_entries[0])
    assert client.tile(1, 0, 1) == SM3_TREE.root_of([level0[i : i + 32] for i in range(0, len(level0), 32)])
    assert client.tree_reader(cp.size, SM3_TREE).root(cp.size) == cp.root_hash
    # the static files a web server serves are the same tiles, and the same checkpoint
    static_dir = tmp_path / "static"
    checkpoint_file = static_dir / "checkpoint"
    deadline = time.monotonic() + DEADLINE_S
    while not (checkpoint_file.exists() and checkpoint_file.read_text() == text):
        assert time.monotonic() < deadline, "static checkpoint not written"
        time.sleep(0.05)
    assert (static_dir / tile_path(0, 0)).read_bytes() == level0
    width = cp.size - TILE_WIDTH
    assert (static_dir / tile_path(0, 1, width)).read_bytes() == client.tile(0, 1, width)
    # an entry is still found by its entry hash (SHA-256, as on every log); its proof is an SM3 proof
    proof = client.entry(hash_leaf(entries[10]))
    leaf = SM3_TREE.hash_leaf(entries[10])
    SM3_TREE.verify_inclusion(leaf, proof.index, proof.tree_size, proof.inclusion_proof, cp.root_hash)
    with pytest.raises(ProofError):
        SHA256_TREE.verify_inclusion(hash_leaf(entries[10]), proof.index, cp.size, proof.inclusion_proof, cp.root_hash)
    # consistency from an earlier checkpoint, in SM3; the same proof read as SHA-256 is refused
    old_text = served.node.store.checkpoint_at(102) or served.node.store.checkpoint_at(2)
    assert old_text is not None
    old = open_checkpoint(old_text, served.node.origin, served.node.keys.log_vkey).checkpoint
    consistency = client.consistency_proof(old.size, cp.size)
    SM3_TREE.verify_consistency(old.size, cp.size, consistency, old.root_hash, cp.root_hash)
    with pytest.raises(RootMismatch):
        SHA256_TREE.verify_consistency(old.size, cp.size, consistency, old.root_hash, cp.root_hash)
    client.close()


class Sm3FakeLog:
    """An SM3 log kept by the test, whose checkpoints a witness is asked to cosign."""

    def __init__(self) -> None:
        self.signer = new_signer("sm3.ledger.example/log", b"\x01" * 32)
        self.entries = [f"entry {i}".encode() for i in range(300)]

    def checkpoint(self, size: int, tree=SM3_TREE) -> str:
        root = tree.root_of([tree.hash_leaf(e) for e in self.entries[:size]])
        return Checkpoint(self.signer.name, size, root).sign([self.signer])

    def proof(self, old: int, new: int, tree=SM3_TREE) -> list[bytes]:
        return tree.consistency_proof([tree.hash_leaf(e) for e in self.entries[:new]], old)


def test_a_witness_checks_each_log_in_its_declared_tree_hash(tmp_path: Path) -> None:
    log = Sm3FakeLog()
    origin, vkey = log.signer.name, log.signer.verifier().vkey()
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    store.init_schema()
    signer = new_signer("w", b"\x02" * 32, SIG_COSIGNATURE_V1)
    try:
        witness = Witness(store, signer, {origin: [vkey]}, trees={origin: SM3_TREE})
        assert witness.add_checkpoint(encode_add_checkpoint(0, [], log.checkpoint(5))).status == 200
        grown = encode_add_checkpoint(5, log.proof(5, 77), log.checkpoint(77))
        assert witness.add_checkpoint(grown).status == 200
        # a SHA-256 proof between SHA-256 roots of the same entries is not this log's: refused (and kept as evidence)
        sha = encode_add_checkpoint(77, log.proof(77, 200, SHA256_TREE), log.checkpoint(200, SHA256_TREE))
        assert witness.add_checkpoint(sha).status == 422
        assert store.forks()
        # the empty tree of an SM3 log has the SM3 empty root, not SHA-256's
        empty = Checkpoint(origin, 0, SHA256_TREE.empty_root).sign([log.signer])
        fresh = open_store(f"sqlite:///{tmp_path / 'w2.db'}")
        fresh.init_schema()
        try:
            second = Witness(fresh, signer, {origin: [vkey]}, trees={origin: SM3_TREE})
            assert second.add_checkpoint(encode_add_checkpoint(0, [], empty)).status == 422
            sm3_empty = Checkpoint(origin, 0, SM3_TREE.empty_root).sign([log.signer])
            assert second.add_checkpoint(encode_add_checkpoint(0, [], sm3_empty)).status == 200
            # a witness not told the log is SM3 checks it as SHA-256 and cannot follow it
            third_store = open_store(f"sqlite:///{tmp_path / 'w3.db'}")
            third_store.init_schema()
            try:
                third = Witness(third_store, signer, {origin: [vkey]})
                assert third.add_checkpoint(encode_add_checkpoint(0, [], log.checkpoint(5))).status == 200
                assert third.add_checkpoint(grown).status == 422
            finally:
                third_store.close()
        finally:
            fresh.close()
    finally:
        store.close()


def test_a_federation_lists_each_logs_tree_hash_and_wires_its_witnesses_to_it(tmp_path: Path) -> None:
    suites = {"taxation": "sm2-sm3", "housing": "sm2-sm3"}
    configs = prepare_federation(tmp_path / "fed", suite=suites, tree_hash={"housing": "sha256"})
    expected = {c.department: "sha256" for c in configs} | {"taxation": "sm3"}
    listing = json.loads((tmp_path / "fed" / FEDERATION_FILE).read_text())
    assert {n["department"]: n["tree_hash"] for n in listing["nodes"]} == expected
    origins = {c.origin: c.department for c in configs}
    for config in configs:  # every witness checks each other log in that log's tree hash
        assert {origins[w.origin]: w.tree_hash for w in config.witnessed} == {
            d: t for d, t in expected.items() if d != config.department
        }
    policy = policy_from_federation(listing)
    assert {origins[log.origin]: log.tree_hash for log in policy.logs} == expected
    # existing logs keep the tree they were made with, whatever a later run asks for
    again = prepare_federation(tmp_path / "fed", suite="sm2-sm3", tree_hash="sm3")
    assert {c.department: c.tree_hash for c in again} == expected
