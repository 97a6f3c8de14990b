"""Tile paths, the tile edge and proofs read from tiles, against the ledger core's reference functions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger.merkle import SM3_TREE, consistency_proof, hash_leaf, inclusion_proof, root_of, verify_consistency
from app.ledger.sm2 import sm3
from app.protocol.tiles import (
    TileEdge,
    TilePath,
    TilePathError,
    TreeReader,
    encode_index,
    parse_tile_path,
    tile_path,
    tile_width_at,
)
from tests.test_merkle_sm3 import ref_mth, ref_path, ref_subproof


def _leaves(n: int) -> list[bytes]:
    return [hash_leaf(i.to_bytes(8, "big")) for i in range(n)]


def _stored_tree(n: int, chunk: int = 97) -> tuple[TileEdge, dict[tuple[int, int], bytes]]:
    leaves = _leaves(n)
    edge, tiles = TileEdge(), {}
    for i in range(0, n, chunk):
        tiles.update(edge.append(leaves[i : i + chunk]))
    return edge, tiles


def test_index_encoding_matches_the_spec_example() -> None:
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(0) == "000"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"
    assert tile_path(1, 1234067, 5) == "tile/1/x001/x234/067.p/5"
    assert tile_path(None, 3) == "tile/entries/003"
    assert tile_path(0, 3, 256) == "tile/0/003"


@given(st.integers(min_value=0, max_value=10**18), st.one_of(st.none(), st.integers(1, 255)), st.integers(0, 63))
def test_tile_paths_round_trip(index: int, width: int | None, level: int) -> None:
    path = tile_path(level, index, width)
    assert parse_tile_path(path.removeprefix("tile/")) == TilePath(level, index, width)
    entries = tile_path(None, index, width)
    assert parse_tile_path(entries.removeprefix("tile/")) == TilePath(None, index, width)


@pytest.mark.parametrize(
    "path",
    [
        "0/x000/001",  # leading zero element
        "0/1",  # not 3 digits
        "0/0001",
        "00/001",  # level with a leading zero
        "64/001",  # level too high
        "-1/001",
        "0/001.p/0",  # width 0
        "0/001.p/256",  # width 256 is a full tile
        "0/001.p/07",
        "0/x001",  # last element with x
        "0/001/002",  # middle element without x
        "0/",
        "",
        "entries",
        "entries/x1/000",
        "0/00a",
        "0/٠٠١",  # non-ASCII digits
        "0/001.p/",
        "1/" + "x999/" * 9 + "999",  # too many elements
        "../../etc/passwd",
    ],
)
def test_hostile_tile_paths_are_refused(path: str) -> None:
    with pytest.raises(TilePathError):
        parse_tile_path(path)


def test_tile_widths_of_a_tree_of_70000_as_in_the_spec() -> None:
    size = 70000
    assert tile_width_at(0, 272, size) == 256
    assert tile_width_at(0, 273, size) == 112
    assert tile_width_at(1, 0, size) == 256
    assert tile_width_at(1, 1, size) == 17
    assert tile_width_at(2, 0, size) == 1
    assert TileEdge.edge_tiles(size) == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]
    assert TileEdge.edge_tiles(256) == [(1, 0, 1)]


@pytest.mark.parametrize("n", [1, 2, 3, 255, 256, 257, 511, 512, 1000, 65536, 65537, 70000])
def test_edge_root_matches_reference_and_reloads(n: int) -> None:
    edge, tiles = _stored_tree(n)
    assert edge.root() == root_of(_leaves(n))
    reloaded = TileEdge.load(n, lambda lvl, idx: tiles.get((lvl, idx)))
    assert reloaded.root() == edge.root()
    more = _leaves(n + 300)[n:]
    tiles.update(reloaded.append(more))
    assert reloaded.root() == root_of(_leaves(n + 300))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_proofs_from_tiles_equal_reference_proofs(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=1500))
    leaves = _leaves(n)
    _edge, tiles = _stored_tree(n, data.draw(st.integers(1, 300)))
    reader = TreeReader(lambda lvl, idx: tiles.get((lvl, idx)))
    index = data.draw(st.integers(0, n - 1))
    size = data.draw(st.integers(index + 1, n))
    assert reader.inclusion_proof(index, size) == inclusion_proof(leaves[:size], index)
    assert reader.root(size) == root_of(leaves[:size])
    old = data.draw(st.integers(1, size))
    proof = reader.consistency_proof(old, size)
    assert proof == consistency_proof(leaves[:size], old)
    verify_consistency(old, size, proof, root_of(leaves[:old]), root_of(leaves[:size]))


def test_proofs_cost_logarithmic_tile_reads() -> None:
    n = 256 * 256 * 3 + 1234
    _edge, tiles = _stored_tree(n, 4096)
    reader = TreeReader(lambda lvl, idx: tiles.get((lvl, idx)))
    reader.inclusion_proof(12345, n)
    assert reader.tile_reads <= 8
    reader = TreeReader(lambda lvl, idx: tiles.get((lvl, idx)))
    reader.consistency_proof(100_000, n)
    assert reader.tile_reads <= 10


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_sm3_tiles_give_the_recursive_references_roots_and_proofs(data: st.DataObject) -> None:
    # An SM3 log's tiles, grown in random batches, against RFC 6962 section 2.1 written out recursively in SM3.
    n = data.draw(st.integers(min_value=1, max_value=700), label="tree size")
    entries = [i.to_bytes(4, "big") for i in range(n)]
    edge, tiles = TileEdge(tree_hash=SM3_TREE), {}
    chunk = data.draw(st.integers(1, 300), label="batch")
    for i in range(0, n, chunk):
        tiles.update(edge.append(SM3_TREE.hash_leaf(e) for e in entries[i : i + chunk]))
    assert edge.root() == ref_mth(sm3, entries)
    reloaded = TileEdge.load(n, lambda lvl, idx: tiles.get((lvl, idx)), SM3_TREE)
    assert reloaded.root() == ref_mth(sm3, entries)
    reader = TreeReader(lambda lvl, idx: tiles.get((lvl, idx)), SM3_TREE)
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(1, size), label="old size")
    assert reader.root(size) == ref_mth(sm3, entries[:size])
    assert reader.leaf_hash(index) == SM3_TREE.hash_leaf(entries[index])
    assert reader.inclusion_proof(index, size) == ref_path(sm3, index, entries[:size])
    assert reader.consistency_proof(old, size) == ref_subproof(sm3, old, entries[:size], True)
    # the SHA-256 reading of the same tiles is another tree: its root is not the SM3 root
    if size > 1:
        assert TreeReader(lambda lvl, idx: tiles.get((lvl, idx))).root(size) != reader.root(size)
