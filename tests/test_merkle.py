"""RFC 6962/9162 Merkle proofs: known vectors, an independent recursive reference, and tamper properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# The RFC 6962 test inputs used by the reference implementations' test suites.
RFC_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
MAX_SIZE = 300
LEAVES = [hash_leaf(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 section 2.1.1 defines it, recursively."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return hash_children(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_known_roots_of_the_rfc_test_tree() -> None:
    hashes = [hash_leaf(x) for x in RFC_LEAVES]
    for size in range(1, 9):
        assert root_of(hashes[:size]).hex() == RFC_ROOTS[size - 1]
    assert root_of([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_known_inclusion_proof_of_leaf_0_in_8() -> None:
    hashes = [hash_leaf(x) for x in RFC_LEAVES]
    assert [h.hex() for h in inclusion_proof(hashes, 0)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]


def test_root_of_and_compact_range_agree_with_the_recursive_definition() -> None:
    tree = CompactRange()
    for size in range(MAX_SIZE + 1):
        expected = reference_root(LEAVES[:size])
        assert root_of(LEAVES[:size]) == expected
        assert tree.root() == expected
        if size < MAX_SIZE:
            tree.append(LEAVES[size])


def test_every_inclusion_proof_verifies_for_small_trees() -> None:
    for size in range(1, 70):
        root = root_of(LEAVES[:size])
        for index in range(size):
            verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES[:size], index), root)


def test_every_consistency_proof_verifies_for_small_trees() -> None:
    roots = [root_of(LEAVES[:n]) for n in range(70)]
    for size2 in range(1, 70):
        for size1 in range(1, size2 + 1):
            verify_consistency(size1, size2, consistency_proof(LEAVES[:size2], size1), roots[size1], roots[size2])


sizes_and_index = st.integers(1, MAX_SIZE).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1)))


@given(sizes_and_index)
@settings(max_examples=300, deadline=None)
def test_inclusion_proofs_verify_up_to_300(case: tuple[int, int]) -> None:
    size, index = case
    verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES[:size], index), root_of(LEAVES[:size]))


@given(sizes_and_index, st.data())
@settings(max_examples=300, deadline=None)
def test_any_bit_flip_in_an_inclusion_proof_root_or_index_fails(case: tuple[int, int], data: st.DataObject) -> None:
    size, index = case
    proof = inclusion_proof(LEAVES[:size], index)
    root = root_of(LEAVES[:size])
    target = data.draw(st.sampled_from(["proof", "root", "index", "leaf"] if proof else ["root", "index", "leaf"]))
    bit = data.draw(st.integers(0, 255))
    flip = 1 << (bit % 8)
    leaf = LEAVES[index]
    if target == "proof":
        i = data.draw(st.integers(0, len(proof) - 1))
        h = bytearray(proof[i])
        h[bit // 8] ^= flip
        proof[i] = bytes(h)
    elif target == "root":
        r = bytearray(root)
        r[bit // 8] ^= flip
        root = bytes(r)
    elif target == "leaf":
        lf = bytearray(leaf)
        lf[bit // 8] ^= flip
        leaf = bytes(lf)
    else:
        index ^= 1 << data.draw(st.integers(0, 63))
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@given(sizes_and_index, st.integers(0, 63))
@settings(max_examples=300, deadline=None)
def test_a_size_bit_flip_fails_unless_the_size_is_not_bound_by_the_proof(case: tuple[int, int], bit: int) -> None:
    # As in RFC 9162 and the Go reference, an inclusion proof binds the tree size only through the proof's
    # shape; the checkpoint's signature binds size and root together. A flipped size must therefore fail
    # whenever it changes the shape, and the root still pins the tree when it does not.
    size, index = case
    proof = inclusion_proof(LEAVES[:size], index)
    root = root_of(LEAVES[:size])
    new_size = size ^ (1 << bit)
    same_shape = new_size > index and _shape(index, new_size) == _shape(index, size)
    if same_shape:
        verify_inclusion(LEAVES[index], index, new_size, proof, root)
        if new_size <= MAX_SIZE:  # against the real tree of the flipped size, the proof fails
            with pytest.raises(ProofError):
                verify_inclusion(LEAVES[index], index, new_size, proof, root_of(LEAVES[:new_size]))
    else:
        with pytest.raises(ProofError):
            verify_inclusion(LEAVES[index], index, new_size, proof, root)


def _shape(index: int, size: int) -> tuple[int, int]:
    inner = (index ^ (size - 1)).bit_length()
    return inner, (index >> inner).bit_count()


consistency_sizes = st.integers(1, MAX_SIZE).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n)))


@given(consistency_sizes)
@settings(max_examples=300, deadline=None)
def test_consistency_proofs_verify_up_to_300(case: tuple[int, int]) -> None:
    size1, size2 = case
    proof = consistency_proof(LEAVES[:size2], size1)
    verify_consistency(size1, size2, proof, root_of(LEAVES[:size1]), root_of(LEAVES[:size2]))


@given(consistency_sizes, st.data())
@settings(max_examples=300, deadline=None)
def test_any_bit_flip_in_a_consistency_proof_or_root_fails(case: tuple[int, int], data: st.DataObject) -> None:
    size1, size2 = case
    proof = consistency_proof(LEAVES[:size2], size1)
    root1, root2 = root_of(LEAVES[:size1]), root_of(LEAVES[:size2])
    targets = ["root1", "root2"] + (["proof"] if proof else [])
    target = data.draw(st.sampled_from(targets))
    bit = data.draw(st.integers(0, 255))

    def flipped(h: bytes) -> bytes:
        b = bytearray(h)
        b[bit // 8] ^= 1 << (bit % 8)
        return bytes(b)

    if target == "proof":
        i = data.draw(st.integers(0, len(proof) - 1))
        proof[i] = flipped(proof[i])
    elif target == "root1":
        root1 = flipped(root1)
    else:
        root2 = flipped(root2)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, proof, root1, root2)


@given(consistency_sizes, st.sampled_from(["size1", "size2"]), st.integers(0, 63))
@settings(max_examples=300, deadline=None)
def test_a_size_bit_flip_in_a_consistency_check_fails_or_names_the_same_trees(
    case: tuple[int, int], which: str, bit: int
) -> None:
    size1, size2 = case
    proof = consistency_proof(LEAVES[:size2], size1)
    root1, root2 = root_of(LEAVES[:size1]), root_of(LEAVES[:size2])
    s1, s2 = (size1 ^ (1 << bit), size2) if which == "size1" else (size1, size2 ^ (1 << bit))
    try:
        verify_consistency(s1, s2, proof, root1, root2)
    except ProofError:
        return
    # It verified: sizes are bound by the signed checkpoint, not by the proof, so this happens only when the
    # proof has the same shape for the flipped sizes; against the real trees of those sizes it must fail.
    assert 0 < s1 < s2 and _consistency_length(s1, s2) == len(proof)
    if s2 <= MAX_SIZE:
        with pytest.raises(ProofError):
            verify_consistency(s1, s2, proof, root_of(LEAVES[:s1]), root_of(LEAVES[:s2]))


def _consistency_length(size1: int, size2: int) -> int:
    inner, border = _shape(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1
    return (0 if size1 == 1 << shift else 1) + inner - shift + border


# --- edge cases of the reference behaviour -------------------------------------------------------


def test_inclusion_edge_cases() -> None:
    leaf = LEAVES[0]
    verify_inclusion(leaf, 0, 1, [], leaf)  # a tree of one leaf: the root is the leaf hash
    with pytest.raises(ProofError):
        verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)  # nothing is in an empty tree
    with pytest.raises(ProofError):
        verify_inclusion(leaf, 1, 1, [], leaf)  # index beyond the size
    with pytest.raises(ProofError):
        verify_inclusion(leaf, 0, 1, [LEAVES[1]], leaf)  # extra proof hash
    proof = inclusion_proof(LEAVES[:8], 3)
    root = root_of(LEAVES[:8])
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 8, proof[:-1], root)  # missing hash
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 8, [*proof, proof[0]], root)  # extra hash
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 8, [proof[0][:31], *proof[1:]], root)  # short hash
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3][:31], 3, 8, proof, root)  # short leaf hash
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 8, proof, root + b"\x00")  # long root
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], -1, 8, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 1 << 64, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES[3], 3, 8, "not a list", root)  # type: ignore[arg-type]


def test_consistency_edge_cases() -> None:
    r = [root_of(LEAVES[:n]) for n in range(9)]
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)  # equal sizes: empty proof, equal roots
    verify_consistency(5, 5, [], r[5], r[5])
    with pytest.raises(ProofError):
        verify_consistency(5, 5, [], r[5], r[4])  # equal sizes, different roots
    with pytest.raises(ProofError):
        verify_consistency(5, 5, [r[1]], r[5], r[5])  # equal sizes, non-empty proof
    with pytest.raises(ProofError):
        verify_consistency(0, 5, [], EMPTY_ROOT, r[5])  # from size 0: proves nothing, refused
    with pytest.raises(ProofError):
        verify_consistency(6, 5, [], r[6], r[5])  # shrinking
    proof = consistency_proof(LEAVES[:8], 3)
    with pytest.raises(ProofError):
        verify_consistency(3, 8, [], r[3], r[8])  # empty proof
    with pytest.raises(ProofError):
        verify_consistency(3, 8, proof[:-1], r[3], r[8])  # missing hash
    with pytest.raises(ProofError):
        verify_consistency(3, 8, [*proof, proof[0]], r[3], r[8])  # extra hash
    with pytest.raises(ProofError):
        verify_consistency(3, 8, [proof[0] + b"\x00", *proof[1:]], r[3], r[8])  # long hash
    with pytest.raises(ProofError):
        verify_consistency(3, 8, proof, r[3][:16], r[8])
    verify_consistency(1, 2, [LEAVES[1]], r[1], r[2])
    verify_consistency(4, 8, consistency_proof(LEAVES[:8], 4), r[4], r[8])  # power-of-two size1: no seed hash


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=12))
def test_appending_perfect_subtrees_gives_the_tree_of_their_leaves(heights: list[int]) -> None:
    # Heights in non-increasing order start each subtree at a multiple of its size, as the verification batches do.
    heights = sorted(heights, reverse=True)
    leaves = [hash_leaf(i.to_bytes(4, "big")) for i in range(sum(1 << h for h in heights))]
    joined, one_by_one = CompactRange(), CompactRange()
    for leaf in leaves:
        one_by_one.append(leaf)
    start = 0
    for height in heights:
        part = CompactRange()
        for leaf in leaves[start : start + (1 << height)]:
            part.append(leaf)
        assert part.subtrees == [(height, root_of(leaves[start : start + (1 << height)]))]
        joined.append_subtree(height, part.subtrees[0][1])
        start += 1 << height
    assert (joined.size, joined.root(), joined.subtrees) == (one_by_one.size, one_by_one.root(), one_by_one.subtrees)
    assert joined.root() == root_of(leaves)


def test_a_subtree_that_does_not_start_at_a_multiple_of_its_size_is_refused() -> None:
    tree = CompactRange()
    tree.append(hash_leaf(b"a"))
    with pytest.raises(ValueError, match="cannot start at index 1"):
        tree.append_subtree(1, hash_leaf(b"b"))
    with pytest.raises(ValueError):
        tree.append_subtree(-1, hash_leaf(b"b"))
    assert tree.size == 1
