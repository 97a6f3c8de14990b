"""SM3 Merkle trees (a per-log choice beside SHA-256), checked against a plain recursive RFC 6962 reference."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import merkle
from app.ledger.merkle import SHA256_TREE, SM3_TREE, CompactRange, ProofError, TreeHash, tree_hash_by_name
from app.ledger.sm2 import sm3


# RFC 6962 section 2.1, written as the definitions read (slow and obviously right), over any hash H.
def ref_mth(h, leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + leaves[0])
    k = 1 << ((n - 1).bit_length() - 1)
    return h(b"\x01" + ref_mth(h, leaves[:k]) + ref_mth(h, leaves[k:]))


def ref_path(h, m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*ref_path(h, m, leaves[:k]), ref_mth(h, leaves[k:])]
    return [*ref_path(h, m - k, leaves[k:]), ref_mth(h, leaves[:k])]


def ref_subproof(h, m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [ref_mth(h, leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*ref_subproof(h, m, leaves[:k], b), ref_mth(h, leaves[k:])]
    return [*ref_subproof(h, m - k, leaves[k:], False), ref_mth(h, leaves[:k])]


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


TREES = [(SHA256_TREE, _sha256), (SM3_TREE, sm3)]


def test_sm3_tree_constants() -> None:
    assert (
        SM3_TREE.empty_root
        == sm3(b"")
        == bytes.fromhex("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
    )
    assert SM3_TREE.hash_leaf(b"abc") == sm3(b"\x00abc")
    assert SM3_TREE.hash_children(b"l" * 32, b"r" * 32) == sm3(b"\x01" + b"l" * 32 + b"r" * 32)
    assert tree_hash_by_name("sm3") is SM3_TREE and tree_hash_by_name("sha256") is SHA256_TREE
    assert merkle.hash_leaf is not None and SHA256_TREE.empty_root == merkle.EMPTY_ROOT  # the old names stay
    with pytest.raises(ValueError):
        tree_hash_by_name("sha3-256")


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.binary(max_size=12), min_size=1, max_size=50), data=st.data())
def test_trees_match_the_recursive_reference(entries: list[bytes], data: st.DataObject) -> None:
    n = len(entries)
    index = data.draw(st.integers(0, n - 1))
    size1 = data.draw(st.integers(1, n))
    for tree, h in TREES:
        leaves = [tree.hash_leaf(e) for e in entries]
        root = ref_mth(h, entries)
        assert tree.root_of(leaves) == root
        compact = CompactRange(tree)
        for leaf in leaves:
            compact.append(leaf)
        assert compact.root() == root
        proof = tree.inclusion_proof(leaves, index)
        assert proof == ref_path(h, index, entries)
        tree.verify_inclusion(leaves[index], index, n, proof, root)
        consistency = tree.consistency_proof(leaves, size1)
        assert consistency == ref_subproof(h, size1, entries, True)
        tree.verify_consistency(size1, n, consistency, ref_mth(h, entries[:size1]), root)


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.binary(max_size=8), min_size=2, max_size=40), data=st.data())
def test_a_proof_of_one_tree_hash_never_verifies_under_the_other(entries: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(entries) - 1))
    sm3_leaves = [SM3_TREE.hash_leaf(e) for e in entries]
    sha_leaves = [SHA256_TREE.hash_leaf(e) for e in entries]
    assert SM3_TREE.root_of(sm3_leaves) != SHA256_TREE.root_of(sha_leaves)
    proof = SM3_TREE.inclusion_proof(sm3_leaves, index)
    with pytest.raises(ProofError):
        SHA256_TREE.verify_inclusion(sm3_leaves[index], index, len(entries), proof, SM3_TREE.root_of(sm3_leaves))
    bit = data.draw(st.integers(0, 255))
    if proof:
        bad = [bytearray(p) for p in proof]
        bad[0][bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ProofError):
            SM3_TREE.verify_inclusion(
                sm3_leaves[index], index, len(entries), [bytes(p) for p in bad], SM3_TREE.root_of(sm3_leaves)
            )


def test_malformed_proofs_are_refused_in_sm3_too() -> None:
    leaves = [SM3_TREE.hash_leaf(bytes([i])) for i in range(5)]
    root = SM3_TREE.root_of(leaves)
    for args in (
        (leaves[0], 5, 5, [], root),
        (leaves[0], 0, 5, [b"short"], root),
        (leaves[0], -1, 5, [], root),
        (leaves[0], 0, 5, [*SM3_TREE.inclusion_proof(leaves, 0), bytes(32)], root),
    ):
        with pytest.raises(ProofError):
            SM3_TREE.verify_inclusion(*args)
    with pytest.raises(ProofError):
        SM3_TREE.verify_consistency(0, 5, [], SM3_TREE.empty_root, root)
    assert isinstance(SM3_TREE, TreeHash) and repr(SM3_TREE) == "TreeHash('sm3')"
