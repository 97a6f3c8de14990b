"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

`verify_inclusion` and `verify_consistency` are a fixed public interface: they agree with the
transparency-dev/merkle reference on every edge case, with one deliberate difference that the
issue asks for: a consistency proof from size 0 to a larger size is refused, because it proves
nothing about the larger tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from app.ledger.sm2 import sm3

HASH_SIZE = 32
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A Merkle proof, or the arguments given to check it, did not verify."""


class RootMismatch(ProofError):
    """The proof was well formed, but the root it leads to is not the expected root."""


def _check_hash(what: str, value: object) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        size = len(value) if isinstance(value, bytes | bytearray) else type(value).__name__
        raise ProofError(f"{what} must be a {HASH_SIZE}-byte hash, got {size}")


def _check_size(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProofError(f"{what} must be a non-negative integer, got {value!r}")
    if value >= 1 << 64:
        raise ProofError(f"{what} {value} does not fit in 64 bits")
    return value


def _check_proof(proof: object) -> list[bytes]:
    if not isinstance(proof, list | tuple):
        raise ProofError(f"proof must be a list of hashes, got {type(proof).__name__}")
    for i, h in enumerate(proof):
        _check_hash(f"proof hash {i}", h)
    return list(proof)


def _inner_proof_size(index: int, size: int) -> int:
    return (index ^ (size - 1)).bit_length()


def _decompose_inclusion(index: int, size: int) -> tuple[int, int]:
    inner = _inner_proof_size(index, size)
    border = (index >> inner).bit_count()
    return inner, border


def _largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly less than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class TreeHash:
    """RFC 6962 / RFC 9162 trees over one hash function: SHA-256 (the C2SP default) or SM3 (GB/T 32905).

    The structure is the same for both: leaf H(0x00 || entry), node H(0x01 || left || right), the empty
    tree's root H(""). A log declares which one it uses; its proofs, tiles and checkpoints follow it.
    """

    def __init__(self, name: str, digest: Callable[[bytes], bytes]) -> None:
        self.name = name
        self._digest = digest
        self.empty_root = digest(b"")

    def __repr__(self) -> str:
        return f"TreeHash({self.name!r})"

    def hash_leaf(self, entry: bytes) -> bytes:
        """Return the RFC 6962 leaf hash H(0x00 || entry)."""
        return self._digest(_LEAF_PREFIX + entry)

    def entry_leaf(self, entry: bytes, entry_hash: bytes) -> bytes:
        """Return the leaf of `entry` in this tree, given its entry hash (its SHA-256 leaf hash, which identifies
        it on every log): the entry hash itself in a SHA-256 tree, H(0x00 || entry) in any other."""
        return entry_hash if self.name == "sha256" else self.hash_leaf(entry)

    def hash_children(self, left: bytes, right: bytes) -> bytes:
        """Return the RFC 6962 interior node hash H(0x01 || left || right)."""
        return self._digest(_NODE_PREFIX + left + right)

    def compact_range(self) -> CompactRange:
        """Return an empty right edge of a tree hashed with this function."""
        return CompactRange(self)

    def _chain_inner(self, seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
        for i, h in enumerate(proof):
            seed = self.hash_children(seed, h) if (index >> i) & 1 == 0 else self.hash_children(h, seed)
        return seed

    def _chain_inner_right(self, seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
        for i, h in enumerate(proof):
            if (index >> i) & 1 == 1:
                seed = self.hash_children(h, seed)
        return seed

    def _chain_border_right(self, seed: bytes, proof: Sequence[bytes]) -> bytes:
        for h in proof:
            seed = self.hash_children(h, seed)
        return seed

    def root_from_inclusion_proof(self, leaf_hash: bytes, index: int, tree_size: int, proof: list[bytes]) -> bytes:
        """Return the root that `proof` leads to for `leaf_hash` at `index`, or raise ProofError."""
        index = _check_size("index", index)
        tree_size = _check_size("tree size", tree_size)
        if index >= tree_size:
            raise ProofError(f"index {index} is beyond the tree size {tree_size}")
        _check_hash("leaf hash", leaf_hash)
        proof = _check_proof(proof)
        inner, border = _decompose_inclusion(index, tree_size)
        if len(proof) != inner + border:
            raise ProofError(f"wrong proof size {len(proof)}, want {inner + border}")
        res = self._chain_inner(bytes(leaf_hash), proof[:inner], index)
        return self._chain_border_right(res, proof[inner:])

    def verify_inclusion(self, leaf_hash: bytes, index: int, tree_size: int, proof: list[bytes], root: bytes) -> None:
        """Check that `leaf_hash` is at `index` in the tree of `tree_size` leaves with `root`."""
        _check_hash("root", root)
        calculated = self.root_from_inclusion_proof(leaf_hash, index, tree_size, proof)
        if calculated != bytes(root):
            raise RootMismatch(f"inclusion proof leads to root {calculated.hex()}, expected {bytes(root).hex()}")

    def verify_consistency(self, size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes) -> None:
        """Check that the tree of `size2` leaves with `root2` extends the tree of `size1` with `root1`."""
        size1 = _check_size("size1", size1)
        size2 = _check_size("size2", size2)
        _check_hash("root1", root1)
        _check_hash("root2", root2)
        proof = _check_proof(proof)
        root1, root2 = bytes(root1), bytes(root2)
        if size2 < size1:
            raise ProofError(f"size2 ({size2}) is smaller than size1 ({size1})")
        if size1 == size2:
            if proof:
                raise ProofError("size1 equals size2, but the proof is not empty")
            if root1 != root2:
                raise RootMismatch("equal sizes, but the roots differ")
            return
        if size1 == 0:
            raise ProofError("a consistency proof from an empty tree proves nothing")
        if not proof:
            raise ProofError("empty consistency proof")

        inner, border = _decompose_inclusion(size1 - 1, size2)
        shift = (size1 & -size1).bit_length() - 1
        inner -= shift
        if size1 == 1 << shift:
            seed, start = root1, 0
        else:
            seed, start = proof[0], 1
        if len(proof) != start + inner + border:
            raise ProofError(f"wrong proof size {len(proof)}, want {start + inner + border}")
        rest = proof[start:]
        mask = (size1 - 1) >> shift
        hash1 = self._chain_inner_right(seed, rest[:inner], mask)
        hash1 = self._chain_border_right(hash1, rest[inner:])
        if hash1 != root1:
            raise RootMismatch(f"consistency proof leads to root1 {hash1.hex()}, expected {root1.hex()}")
        hash2 = self._chain_inner(seed, rest[:inner], mask)
        hash2 = self._chain_border_right(hash2, rest[inner:])
        if hash2 != root2:
            raise RootMismatch(f"consistency proof leads to root2 {hash2.hex()}, expected {root2.hex()}")

    def root_of(self, leaf_hashes: Sequence[bytes]) -> bytes:
        """Return the Merkle tree hash (MTH) of the given leaf hashes, in O(n) time and O(log n) space."""
        if not leaf_hashes:
            return self.empty_root
        stack: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees, left to right
        for leaf in leaf_hashes:
            height, node = 0, leaf
            while stack and stack[-1][0] == height:
                _, left = stack.pop()
                node = self.hash_children(left, node)
                height += 1
            stack.append((height, node))
        _, node = stack.pop()
        while stack:
            _, left = stack.pop()
            node = self.hash_children(left, node)
        return node

    def inclusion_proof(self, leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
        """Return the RFC 9162 inclusion proof (PATH) for leaf `index` in the tree of `leaf_hashes`."""
        n = len(leaf_hashes)
        if not 0 <= index < n:
            raise ProofError(f"index {index} is beyond the tree size {n}")
        proof: list[bytes] = []
        lo, hi = 0, n
        # Walk down from the root, collecting the sibling subtree on each level, then reverse.
        while hi - lo > 1:
            k = _largest_power_of_two_below(hi - lo)
            if index < lo + k:
                proof.append(self.root_of(leaf_hashes[lo + k : hi]))
                hi = lo + k
            else:
                proof.append(self.root_of(leaf_hashes[lo : lo + k]))
                lo = lo + k
        proof.reverse()
        return proof

    def consistency_proof(self, leaf_hashes: Sequence[bytes], size1: int) -> list[bytes]:
        """Return the RFC 9162 consistency proof from the first `size1` leaves to all of `leaf_hashes`."""
        size2 = len(leaf_hashes)
        if not 0 < size1 <= size2:
            raise ProofError(f"cannot prove consistency from size {size1} to size {size2}")
        if size1 == size2:
            return []
        return self._subproof(leaf_hashes, 0, size2, size1, True)

    def _subproof(self, leaves: Sequence[bytes], lo: int, hi: int, m: int, complete: bool) -> list[bytes]:
        # SUBPROOF(m, D[lo:hi], b) of RFC 9162 section 2.1.4.1, with m relative to lo.
        n = hi - lo
        if m == n:
            return [] if complete else [self.root_of(leaves[lo:hi])]
        k = _largest_power_of_two_below(n)
        if m <= k:
            return [*self._subproof(leaves, lo, lo + k, m, complete), self.root_of(leaves[lo + k : hi])]
        return [*self._subproof(leaves, lo + k, hi, m - k, False), self.root_of(leaves[lo : lo + k])]


class CompactRange:
    """The right edge of a growing tree: append leaf hashes one by one, ask for the root at any time."""

    __slots__ = ("_stack", "size", "tree_hash")

    def __init__(self, tree_hash: TreeHash | None = None) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0
        self.tree_hash = tree_hash or SHA256_TREE

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash to the right of the tree."""
        height, node = 0, leaf_hash
        stack = self._stack
        hash_children = self.tree_hash.hash_children
        while stack and stack[-1][0] == height:
            node = hash_children(stack.pop()[1], node)
            height += 1
        stack.append((height, node))
        self.size += 1

    def append_subtree(self, height: int, root: bytes) -> None:
        """Add the root of a perfect subtree of 2**height leaves to the right of the tree (as appending its leaves
        one by one would); the tree's size so far must be a multiple of 2**height."""
        if height < 0 or self.size & ((1 << height) - 1):
            raise ValueError(f"a subtree of 2**{height} leaves cannot start at index {self.size}")
        leaves, node = 1 << height, root
        stack = self._stack
        hash_children = self.tree_hash.hash_children
        while stack and stack[-1][0] == height:
            node = hash_children(stack.pop()[1], node)
            height += 1
        stack.append((height, node))
        self.size += leaves

    @property
    def subtrees(self) -> list[tuple[int, bytes]]:
        """The perfect subtrees that make up the tree, left to right: (height, root hash) each."""
        return list(self._stack)

    def root(self) -> bytes:
        """Return the root of the tree of all leaves appended so far."""
        if not self._stack:
            return self.tree_hash.empty_root
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = self.tree_hash.hash_children(left, node)
        return node


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


SHA256_TREE = TreeHash("sha256", _sha256)
SM3_TREE = TreeHash("sm3", sm3)
TREE_HASHES = {SHA256_TREE.name: SHA256_TREE, SM3_TREE.name: SM3_TREE}


def tree_hash_by_name(name: str) -> TreeHash:
    """Return the tree hash a log declares (`sha256` or `sm3`); ValueError for any other."""
    try:
        return TREE_HASHES[name]
    except KeyError:
        raise ValueError(f"unknown tree hash {name!r}: a log's tree is sha256 or sm3") from None


def default_tree_hash(suite: str) -> str:
    """The tree hash a new log gets unless told otherwise: SM3 beside the national suite `sm2-sm3`, else SHA-256
    (logs made before the choice existed are SHA-256 trees and stay so)."""
    return SM3_TREE.name if suite == "sm2-sm3" else SHA256_TREE.name


# The SHA-256 tree under the names every caller has used since the first release.
hash_leaf = SHA256_TREE.hash_leaf
hash_children = SHA256_TREE.hash_children
EMPTY_ROOT = SHA256_TREE.empty_root
root_from_inclusion_proof = SHA256_TREE.root_from_inclusion_proof
verify_inclusion = SHA256_TREE.verify_inclusion
verify_consistency = SHA256_TREE.verify_consistency
root_of = SHA256_TREE.root_of
inclusion_proof = SHA256_TREE.inclusion_proof
consistency_proof = SHA256_TREE.consistency_proof
