"""C2SP tlog-tiles arithmetic: tile paths, the growing right edge of the tree, and proofs read from tiles.

The tree is stored only as tiles (height 8): a level-L tile holds up to 256 hashes, each the root
of a complete subtree of 256**L leaves. Any complete subtree's hash comes from one tile, so an
inclusion or consistency proof needs O(log n) tile reads, never a scan of the leaves.
Every hash is the log's declared tree hash (`TreeHash`): SHA-256 unless the log declares SM3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.ledger.merkle import HASH_SIZE, SHA256_TREE, ProofError, TreeHash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_LEVEL = 63
MAX_INDEX_GROUPS = 8


class TilePathError(ValueError):
    """A tile path is not in the canonical form of the spec."""


@dataclass(frozen=True)
class TilePath:
    """A parsed tile path: `level` is None for an entry bundle; `width` is None for a full tile."""

    level: int | None
    index: int
    width: int | None

    @property
    def is_entries(self) -> bool:
        """True for `tile/entries/...`."""
        return self.level is None


def encode_index(index: int) -> str:
    """Return `index` as zero-padded 3-digit path elements, all but the last prefixed with `x`."""
    if index < 0:
        raise TilePathError("a tile index is non-negative")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def tile_path(level: int | None, index: int, width: int | None = None) -> str:
    """Return the path of a tile (or entry bundle when `level` is None) below the log prefix."""
    head = "tile/entries" if level is None else f"tile/{level}"
    tail = f".p/{width}" if width is not None and width < TILE_WIDTH else ""
    return f"{head}/{encode_index(index)}{tail}"


def _parse_decimal(text: str, what: str, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise TilePathError(f"{what} {text!r} is not a decimal without leading zeros")
    value = int(text)
    if not low <= value <= high:
        raise TilePathError(f"{what} {value} is outside {low}..{high}")
    return value


def parse_tile_path(path: str) -> TilePath:
    """Parse `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]` (the part after `tile/`), strictly."""
    if len(path) > 128:
        raise TilePathError("tile path too long")
    parts = path.split("/")
    head, rest = parts[0], parts[1:]
    level = None if head == "entries" else _parse_decimal(head, "tile level", 0, MAX_LEVEL)
    width = None
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        width = _parse_decimal(rest[-1], "partial tile width", 1, TILE_WIDTH - 1)
        rest = [*rest[:-2], rest[-2][:-2]]
    if not rest or len(rest) > MAX_INDEX_GROUPS:
        raise TilePathError("tile index missing or too long")
    index = 0
    for i, group in enumerate(rest):
        last = i == len(rest) - 1
        if not last:
            if not group.startswith("x"):
                raise TilePathError("all but the last tile index element must start with 'x'")
            group = group[1:]
        if len(group) != 3 or not group.isascii() or not group.isdigit():
            raise TilePathError(f"tile index element {group!r} is not three digits")
        index = index * 1000 + int(group)
    if encode_index(index) != "/".join(rest):
        raise TilePathError("tile index is not in canonical form (leading zero elements)")
    return TilePath(level, index, width)


def tile_width_at(level: int, index: int, size: int) -> int:
    """Return how many hashes tile (`level`, `index`) holds in a tree of `size` leaves (0 to 256)."""
    hashes_at_level = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, hashes_at_level - index * TILE_WIDTH))


TileGetter = Callable[[int, int], bytes | None]


class TreeReader:
    """Read subtree hashes, roots and proofs of a tree stored as tiles, through a tile getter."""

    def __init__(self, get_tile: TileGetter, tree_hash: TreeHash = SHA256_TREE) -> None:
        self._get_tile = get_tile
        self.tree_hash = tree_hash
        self._cache: dict[tuple[int, int], bytes] = {}
        self.tile_reads = 0

    def _tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        tile = self._cache.get(key)
        if tile is None:
            self.tile_reads += 1
            tile = self._get_tile(level, index) or b""
            self._cache[key] = tile
        return tile

    def subtree_hash(self, height: int, index: int) -> bytes:
        """Return the hash of the complete subtree of 2**height leaves starting at leaf index * 2**height."""
        level, rem = divmod(height, TILE_HEIGHT)
        first = index << rem
        count = 1 << rem
        tile = self._tile(level, first // TILE_WIDTH)
        offset = (first % TILE_WIDTH) * HASH_SIZE
        chunk = tile[offset : offset + count * HASH_SIZE]
        if len(chunk) != count * HASH_SIZE:
            raise ProofError(f"tile {level}/{first // TILE_WIDTH} does not hold subtree {height}/{index}")
        if count == 1:
            return chunk
        return self.tree_hash.root_of([chunk[i : i + HASH_SIZE] for i in range(0, len(chunk), HASH_SIZE)])

    def range_root(self, lo: int, hi: int) -> bytes:
        """Return MTH(D[lo:hi]) for a range starting on a subtree boundary, as RFC 9162 proofs need."""
        if lo == hi:
            return self.tree_hash.empty_root
        parts: list[bytes] = []
        while lo < hi:
            height = (lo & -lo).bit_length() - 1 if lo else 63
            while (1 << height) > hi - lo:
                height -= 1
            parts.append(self.subtree_hash(height, lo >> height))
            lo += 1 << height
        node = parts[-1]
        for left in reversed(parts[:-1]):
            node = self.tree_hash.hash_children(left, node)
        return node

    def root(self, size: int) -> bytes:
        """Return the root hash of the tree of the first `size` leaves."""
        return self.range_root(0, size)

    def leaf_hash(self, index: int) -> bytes:
        """Return the leaf hash at `index`."""
        return self.subtree_hash(0, index)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
        if not 0 <= index < size:
            raise ProofError(f"index {index} is beyond the tree size {size}")
        proof: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if index < lo + k:
                proof.append(self.range_root(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self.range_root(lo, lo + k))
                lo = lo + k
        proof.reverse()
        return proof

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """Return the RFC 9162 consistency proof from the tree of `size1` leaves to that of `size2`."""
        if not 0 < size1 <= size2:
            raise ProofError(f"cannot prove consistency from size {size1} to size {size2}")
        if size1 == size2:
            return []
        return self._subproof(0, size2, size1, True)

    def _subproof(self, lo: int, hi: int, m: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.range_root(lo, hi)]
        k = 1 << ((n - 1).bit_length() - 1)
        if m <= k:
            return [*self._subproof(lo, lo + k, m, complete), self.range_root(lo + k, hi)]
        return [*self._subproof(lo + k, hi, m - k, False), self.range_root(lo, lo + k)]


class TileEdge:
    """The rightmost tile of every level of a growing tree; appending leaves says which tiles changed."""

    def __init__(self, size: int = 0, edge: dict[int, bytes] | None = None, tree_hash: TreeHash = SHA256_TREE) -> None:
        self.size = size
        self.tree_hash = tree_hash
        self._edge: dict[int, bytearray] = {lvl: bytearray(t) for lvl, t in (edge or {}).items()}

    @staticmethod
    def edge_tiles(size: int) -> list[tuple[int, int, int]]:
        """Return (level, index, width) of the partial rightmost tiles a tree of `size` leaves has."""
        out = []
        level = 0
        while size >> (TILE_HEIGHT * level):
            hashes = size >> (TILE_HEIGHT * level)
            width = hashes % TILE_WIDTH
            if width:
                out.append((level, hashes // TILE_WIDTH, width))
            level += 1
        return out

    @classmethod
    def load(cls, size: int, get_tile: TileGetter, tree_hash: TreeHash = SHA256_TREE) -> TileEdge:
        """Rebuild the edge of a stored tree of `size` leaves from its tiles."""
        edge = {}
        for level, index, width in cls.edge_tiles(size):
            tile = get_tile(level, index) or b""
            if len(tile) < width * HASH_SIZE:
                raise ProofError(f"stored tile {level}/{index} is shorter than the tree of size {size} needs")
            edge[level] = tile[: width * HASH_SIZE]
        return cls(size, edge, tree_hash)

    def append(self, leaf_hashes: Iterable[bytes]) -> dict[tuple[int, int], bytes]:
        """Append leaf hashes; return every tile (level, index) -> content that changed."""
        dirty: dict[tuple[int, int], bytes] = {}
        for leaf in leaf_hashes:
            node, level, position = leaf, 0, self.size
            while True:
                tile = self._edge.setdefault(level, bytearray())
                tile += node
                index = position // TILE_WIDTH
                if len(tile) < FULL_TILE_BYTES:
                    dirty[(level, index)] = bytes(tile)
                    break
                full = bytes(tile)
                dirty[(level, index)] = full
                self._edge[level] = bytearray()
                node = self.tree_hash.root_of([full[i : i + HASH_SIZE] for i in range(0, FULL_TILE_BYTES, HASH_SIZE)])
                level, position = level + 1, index
            self.size += 1
        return dirty

    def tile(self, level: int, index: int) -> bytes | None:
        """Return the edge tile at `level` if it is tile `index`, else None."""
        tile = self._edge.get(level)
        hashes = self.size >> (TILE_HEIGHT * level)
        if tile is None or hashes // TILE_WIDTH != index:
            return None
        return bytes(tile)

    def root(self) -> bytes:
        """Return the root of the tree so far, from the edge tiles alone."""
        return TreeReader(lambda level, index: self.tile(level, index), self.tree_hash).root(self.size)
