"""A federation of an SM3-tree log beside SHA-256-tree logs: witnesses follow each log's tree hash, an office syncs
all of them (pull, consistency with what it holds, push with inclusion proofs), and a log checked in the wrong tree
hash is refused without anything stored. The trust policy's `tree_hash` is parsed strictly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.beijing_time import beijing
from app.ledger.merkle import SHA256_TREE, SM3_TREE, ProofError, RootMismatch
from app.ledger.note import new_signer
from app.protocol.node_client import NodeClient
from app.review.integrity import check_entries, log_trees
from app.review.thresholds import ReviewThresholds
from app.review.timeline import load_period
from app.store import sync_state
from app.sync import load_policy, save_policy
from app.sync.errors import EntryRejected
from app.sync.trust import TrustPolicyError, parse_policy, policy_from_federation
from tests.test_sync_support import (
    NodeProc,
    by_department,
    new_office,
    note_entry,
    policy_for,
    running_federation,
    sync_once,
)

DEPARTMENTS = ("taxation", "housing", "civil-affairs")
SUITES = {"taxation": "sm2-sm3", "housing": "sm2-sm3", "civil-affairs": "ed25519"}
# taxation: a new national log (SM3 tree, the default); housing: a national log kept on SHA-256, as a deployment
# built before the choice existed keeps it; civil-affairs: Ed25519 with SHA-256.
TREES = {"housing": "sha256"}
EXPECTED = {"taxation": "sm3", "housing": "sha256", "civil-affairs": "sha256"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    with running_federation(tmp_path_factory.mktemp("trees"), DEPARTMENTS, SUITES, TREES) as procs:
        yield procs


def test_an_office_syncs_sm3_and_sha256_logs_and_verifies_their_proofs(nodes: list[NodeProc], tmp_path: Path) -> None:
    for node in nodes:
        assert node.config.tree_hash == EXPECTED[node.config.department]
        assert httpx.get(f"{node.url}/health").json()["tree_hash"] == node.config.tree_hash
        # each witness checks this log's consistency proofs in the log's own tree hash
        assert {w.tree_hash for w in node.config.witnessed} == {
            EXPECTED[o.config.department] for o in nodes if o is not node
        }
    taxation = by_department(nodes, "taxation")
    office = new_office(tmp_path / "office", "tree-office", nodes)
    try:
        assert {log.origin: log.tree_hash for log in load_policy(office).logs} == {
            n.origin: EXPECTED[n.config.department] for n in nodes
        }
        for node in nodes:
            node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
        for node in nodes:  # the office's device writes to every log: push, then inclusion proofs in each tree
            office.outbox.enqueue(node.origin, note_entry(office, node.origin, f"note for {node.origin}"))
        first = sync_once(office)
        assert first.exit_status == 0, first.summary()
        assert office.outbox.count_pending() == 0
        assert {log.origin: log.push.acknowledged for log in first.logs} == {n.origin: 1 for n in nodes}
        held = {n.origin: office.logs.latest_checkpoint(n.origin) for n in nodes}
        # the SM3 log grows; its witnesses accept the SM3 consistency proofs from the size they cosigned
        for i in range(40):
            size = taxation.write("demo.note", {"text": f"SM3 tree note {i}"}) + 1
        taxation.wait_cosigned(size)
        second = sync_once(office)  # proves the held checkpoint -> the grown one, and each batch, in SM3
        assert second.exit_status == 0, second.summary()
        grown = office.logs.latest_checkpoint(taxation.origin)
        assert grown.size > held[taxation.origin].size  # held -> grown was proved consistent, in SM3
        # the kept inclusion proofs verify in their log's tree hash, and not in the other one
        for node in nodes:
            tree = SM3_TREE if EXPECTED[node.config.department] == "sm3" else SHA256_TREE
            other = SHA256_TREE if tree is SM3_TREE else SM3_TREE
            cp = held[node.origin]  # the checkpoint the push proved its entry against
            [(leaf_hash, data)] = office.session.all(
                "SELECT leaf_hash, data FROM outbox WHERE origin = ?", (node.origin,)
            )
            kept = office.logs.entry_by_hash(leaf_hash)
            tree.verify_inclusion(tree.hash_leaf(data), kept.index, cp.size, kept.proof, cp.root_hash)
            with pytest.raises(ProofError):
                other.verify_inclusion(other.hash_leaf(data), kept.index, cp.size, kept.proof, cp.root_hash)
            # the cursor's tree edge is the log's tree: its root is the newest checkpoint's root
            cp = office.logs.latest_checkpoint(node.origin)
            cursor = sync_state.log_state(office, node.origin, tree).cursor
            assert cursor.size == cp.size and cursor.root() == cp.root_hash
        # the supervisor's integrity panel checks each entry's proof in its log's tree hash
        assert log_trees(office.session) == {
            n.origin: SM3_TREE if EXPECTED[n.config.department] == "sm3" else SHA256_TREE for n in nodes
        }
        # the review's day is the hall's local day in Beijing, not the UTC date (they differ from 16:00 UTC)
        now_ms = office.session.now_ms()
        period = load_period(office.session, "tree-office", beijing(now_ms).date(), 1, ReviewThresholds(), now_ms)
        included, pending, problems = check_entries(office.session, period)
        assert (included, pending, problems) == (len(nodes), [], [])
    finally:
        office.close()


@pytest.mark.parametrize("wrong_for", ["taxation", "housing"])
def test_a_log_checked_in_the_wrong_tree_hash_is_refused_and_nothing_is_stored(
    nodes: list[NodeProc], tmp_path: Path, wrong_for: str
) -> None:
    office = new_office(tmp_path / "office", "wrong-tree-office", nodes)
    try:
        wrong = by_department(nodes, wrong_for)
        doc = json.loads(policy_for(nodes).to_json())
        for log in doc["logs"]:
            if log["origin"] == wrong.origin:
                log["tree_hash"] = "sha256" if log["tree_hash"] == "sm3" else "sm3"
        save_policy(office, parse_policy(json.dumps(doc)))
        for node in nodes:
            node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
        report = sync_once(office)
        outcome = {log.origin: log.error for log in report.logs}
        assert isinstance(outcome[wrong.origin], EntryRejected), report.summary()
        assert "checkpoint" in str(outcome[wrong.origin])
        assert all(error is None for origin, error in outcome.items() if origin != wrong.origin), report.summary()
        assert report.exit_status != 0
        # nothing of that log was stored: no checkpoint, no cursor, no entries; the log is not marked as a fork
        assert office.logs.latest_checkpoint(wrong.origin) is None
        assert sync_state.cursor_sizes(office).get(wrong.origin, 0) == 0
        assert office.session.one("SELECT count(*) FROM log_entries WHERE origin = ?", (wrong.origin,))[0] == 0
        assert sync_state.log_state(office, wrong.origin).trusted
        # the administrator corrects the declaration (nothing of the log is held yet), and the log syncs
        save_policy(office, policy_for(nodes))
        assert sync_once(office).exit_status == 0
        assert office.logs.latest_checkpoint(wrong.origin) is not None
        # from now on the office keeps the tree hash it verified the log in
        with pytest.raises(TrustPolicyError, match="keeps its tree hash"):
            save_policy(office, parse_policy(json.dumps(doc)))
        assert load_policy(office) == policy_for(nodes)
    finally:
        office.close()


def test_a_consistency_proof_from_an_sm3_log_does_not_verify_as_sha256(nodes: list[NodeProc]) -> None:
    taxation = by_department(nodes, "taxation")
    size = int(taxation.wait_cosigned(3).split("\n")[1])
    with NodeClient(taxation.url) as client:
        entries = client.entries(size)
        proof = client.consistency_proof(1, size)
    old_root = SM3_TREE.hash_leaf(entries[0])
    new_root = SM3_TREE.root_of([SM3_TREE.hash_leaf(e) for e in entries])
    SM3_TREE.verify_consistency(1, size, proof, old_root, new_root)
    with pytest.raises(RootMismatch):
        SHA256_TREE.verify_consistency(1, size, proof, SHA256_TREE.hash_leaf(entries[0]), new_root)


LOG_VKEY = new_signer("taxation.ledger.beijing.gov.cn", b"\x01" * 32).verifier().vkey()
GAS_VKEY = new_signer("gas.example", b"\x02" * 32).verifier().vkey()
LOG = {
    "origin": "taxation.ledger.beijing.gov.cn",
    "log_vkey": LOG_VKEY,
    "witnesses": [],
    "quorum": 0,
    "urls": ["http://127.0.0.1:1"],
}


def _policy(**log: object) -> str:
    return json.dumps({"version": 1, "logs": [{**LOG, **log}]})


def test_the_trust_policy_declares_each_logs_tree_hash_strictly() -> None:
    assert parse_policy(_policy()).logs[0].tree is SHA256_TREE  # a policy written before the choice: SHA-256
    assert parse_policy(_policy(tree_hash="sm3")).logs[0].tree is SM3_TREE
    for hostile in ("SM3", "sha-256", "", "sm3\n", 256, None, ["sm3"], {"sm3": True}, True):
        with pytest.raises(TrustPolicyError, match="tree_hash"):
            parse_policy(_policy(tree_hash=hostile))
    listing = {
        "nodes": [
            {"origin": LOG["origin"], "log_vkey": LOG_VKEY, "witness_vkey": GAS_VKEY, "url": "http://a",
             "tree_hash": "sm3"},
            {"origin": "gas.example", "log_vkey": GAS_VKEY, "witness_vkey": LOG_VKEY, "url": "http://b"},
        ]
    }  # fmt: skip
    trees = {log.origin: log.tree_hash for log in policy_from_federation(listing, quorum=1).logs}
    assert trees == {LOG["origin"]: "sm3", "gas.example": "sha256"}
