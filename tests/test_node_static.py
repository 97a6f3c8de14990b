"""Static tiles: the node writes its published tree as files in the C2SP tlog-tiles layout, and nginx serves them.

- Hypothesis over growth steps of the tree: after each publish every tile and bundle on disk holds exactly
  the hashes and entries the tree says; a file once written is never rewritten; a full tile's partial
  versions are gone; and the checkpoint file is the published one.
- A node served by `node serve --static-dir` behind Debian's nginx with the shipped site: every tile read
  from nginx is byte-identical to the node's own endpoint, with immutable caching on full tiles and a
  short max-age on the checkpoint.
- An office syncs through nginx (read URL) while it pushes to the node (write URL).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ledger.bundle import decode_bundle
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.merkle import hash_leaf, root_of
from app.node.config import Limits, load_config, load_keys
from app.node.launcher import NodeProcess
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.node.static_tiles import CHECKPOINT_FILE, StaticTiles, changed_tiles
from app.protocol.tiles import TILE_WIDTH, tile_path
from app.sync.service import SyncService
from app.sync.trust import load_policy, save_policy
from tests.nginx_server import NginxServer
from tests.test_sync_support import make_federation, new_office, note_entry

REPO = Path(__file__).resolve().parents[1]
DEADLINE_S = 60


def expected_tile(leaves: list[bytes], level: int, index: int, width: int) -> bytes:
    """The tile (level, index) of `width` hashes, computed from the leaf hashes directly."""
    span = TILE_WIDTH**level
    first = index * TILE_WIDTH
    return b"".join(root_of(leaves[(first + j) * span : (first + j + 1) * span]) for j in range(width))


def tiles_of(size: int) -> Iterator[tuple[int | None, int, int]]:
    """Every (level or None, index, width) tile of a tree of `size` leaves."""
    return iter(changed_tiles(0, size))


def snapshot_files(directory: Path) -> dict[str, tuple[int, int]]:
    """Path -> (inode, mtime_ns) of every tile file under `directory`."""
    out = {}
    for path in (directory / "tile").rglob("*"):
        if path.is_file():
            st_ = path.stat()
            out[str(path.relative_to(directory))] = (st_.st_ino, st_.st_mtime_ns)
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=5))
def test_static_tiles_follow_the_tree_as_it_grows(tmp_path_factory: pytest.TempPathFactory, steps: list[int]) -> None:
    base = tmp_path_factory.mktemp("static")
    create_node(base / "taxation", "taxation")
    node = node_from_config(load_config(base / "taxation" / CONFIG_FILE, environ={}))
    static_dir = base / "static"
    static = StaticTiles(static_dir, node.store)
    signer = node.keys.department_signer
    written: dict[str, tuple[int, int]] = {}
    counter = 0
    try:
        for step in steps:
            batch = []
            for _ in range(step):
                entry = Entry(
                    node.origin, "demo.note", 1_700_000_000_000, node.keys.department_kid, {"text": f"n {counter}"}
                )
                batch.append(decode_entry(sign_entry(entry, signer)))
                counter += 1
            node.sequencer.integrate(batch, trusted=True)
            state = node.store.state()
            node.store.publish(state.size, state.checkpoint)
            static.publish(state.size, state.checkpoint)
            size = state.size
            data = node.store.entries(0, size)
            leaves = [hash_leaf(e) for e in data]
            assert (static_dir / CHECKPOINT_FILE).read_text() == state.checkpoint
            for level, index, width in tiles_of(size):
                path = static_dir / tile_path(level, index, None if width == TILE_WIDTH else width)
                if level is None:
                    start = index * TILE_WIDTH
                    assert decode_bundle(path.read_bytes(), first_index=start) == data[start : start + width]
                else:
                    assert path.read_bytes() == expected_tile(leaves, level, index, width)
                if width == TILE_WIDTH:
                    assert not path.with_name(path.name + ".p").exists(), "a full tile kept its partial versions"
            now = snapshot_files(static_dir)
            for name, identity in written.items():
                if name in now:
                    assert now[name] == identity, f"{name} was rewritten"
                else:
                    assert ".p/" in name, f"{name} was removed but is not a partial tile"
            written = now
    finally:
        node.stop()


def test_changed_tiles_names_only_what_grew() -> None:
    assert changed_tiles(0, 1) == [(0, 0, 1), (None, 0, 1)]
    assert changed_tiles(256, 256) == []
    assert changed_tiles(255, 257) == [(0, 0, 256), (None, 0, 256), (0, 1, 1), (None, 1, 1), (1, 0, 1)]
    # one more leaf in the second tile leaves the first level-1 hash as it was
    assert changed_tiles(257, 258) == [(0, 1, 2), (None, 1, 2)]


class ServedNode:
    """A taxation node process writing static files, and nginx serving them."""

    def __init__(self, base: Path) -> None:
        self.base = base
        [self.proc] = make_federation(base / "nodes", ("taxation",))
        self.static_dir = base / "static"
        self.proc.config = replace(
            self.proc.config, limits=Limits(publish_interval_s=0.1), static_dir=str(self.static_dir)
        )
        self.proc.config.save(self.proc.path)
        self.proc.start()
        self.nginx = NginxServer(self.static_dir, access_log=True)

    def close(self) -> None:
        """Stop nginx and the node."""
        self.nginx.close()
        self.proc.stop()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedNode]:
    node = ServedNode(tmp_path)
    yield node
    node.close()


def wait_static(served: ServedNode, size: int) -> str:
    """Poll nginx until it serves a checkpoint of at least `size`; return it."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        answer = httpx.get(served.nginx.url + "/checkpoint", timeout=5)
        if answer.status_code == 200 and int(answer.text.split("\n")[1]) >= size:
            return answer.text
        assert time.monotonic() < deadline, f"nginx never served a checkpoint of {size}"
        time.sleep(0.05)


def test_tiles_from_nginx_are_byte_identical_to_the_node_endpoint(served: ServedNode, tmp_path: Path) -> None:
    office = new_office(tmp_path / "office", "office-s", [served.proc], quorum=0)
    node_url = served.proc.url
    written = 0
    for count in (100, 300, 250):  # three publishes: partial tiles, then full ones
        with office.transaction():
            for _ in range(count):
                office.outbox.enqueue(served.proc.origin, note_entry(office, served.proc.origin, f"n {written}"))
                written += 1
        service = SyncService(office, load_policy(office), publish_timeout_s=20)
        try:
            assert service.run(pull=False).exit_status == 0
        finally:
            service.close()
    office.close()
    text = wait_static(served, written + 1)
    size = int(text.split("\n")[1])
    with httpx.Client(timeout=10) as http:
        assert http.get(node_url + "/checkpoint").text == text
        checkpoint = http.get(served.nginx.url + "/checkpoint")
        assert "max-age=2" in checkpoint.headers["cache-control"]
        compared = 0
        for level, index, width in tiles_of(size):
            path = tile_path(level, index, None if width == TILE_WIDTH else width)
            static = http.get(f"{served.nginx.url}/{path}")
            own = http.get(f"{node_url}/{path}")
            assert static.status_code == own.status_code == 200, path
            assert static.content == own.content, path
            if width == TILE_WIDTH:
                assert "immutable" in static.headers["cache-control"], path
            compared += 1
        assert compared >= 6
        # A tile beyond the tree, a temporary file and paths outside the layout are not served.
        beyond = tile_path(0, size // TILE_WIDTH + 1)
        assert http.get(f"{served.nginx.url}/{beyond}").status_code == 404
        assert http.get(f"{served.nginx.url}/tile/0/.x000.tmp-1").status_code in (403, 404)
        assert http.get(f"{served.nginx.url}/../node.keys").status_code in (400, 404)
        assert http.get(f"{served.nginx.url}/node.json").status_code == 404


def test_an_office_syncs_through_nginx(served: ServedNode, tmp_path: Path) -> None:
    office = new_office(tmp_path / "office", "office-n", [served.proc], quorum=0)
    policy = load_policy(office)
    [log] = policy.logs
    policy = replace(policy, logs=(replace(log, read_urls=(served.nginx.url,)),))
    save_policy(office, policy)
    leaves = []
    with office.transaction():
        for i in range(300):
            leaves.append(office.outbox.enqueue(served.proc.origin, note_entry(office, served.proc.origin, f"s {i}")))
    service = SyncService(office, load_policy(office), publish_timeout_s=20)
    try:
        report = service.run()
    finally:
        service.close()
    assert report.exit_status == 0, report.summary()
    assert office.outbox.count_pending() == 0
    assert report.logs[0].pull.size_after >= 302
    for leaf in leaves:
        assert office.logs.entry_by_hash(leaf).index is not None
    office.close()
    served.nginx.stop()  # flush the access log
    requests = served.nginx.access_log.read_text()
    assert '"GET /checkpoint HTTP/1.1" 200' in requests
    assert '"GET /tile/entries/000 HTTP/1.1" 200' in requests  # entries came from nginx, not the node
    assert '"GET /tile/0/' in requests


def test_serve_with_a_static_dir_writes_the_layout(tmp_path: Path) -> None:
    create_node(tmp_path / "taxation", "taxation")
    config = tmp_path / "taxation" / CONFIG_FILE
    proc = NodeProcess(config, load_config(config, environ={}), extra_args=("--static-dir", str(tmp_path / "static")))
    proc.launch()  # `govdesk node serve` on a socket bound at port 0 (app.node.launcher)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not (tmp_path / "static" / CHECKPOINT_FILE).exists():
            assert proc.exited() is None and time.monotonic() < deadline, "no static checkpoint written"
            time.sleep(0.05)
        keys = load_keys(tmp_path / "taxation" / "node.keys")
        text = (tmp_path / "static" / CHECKPOINT_FILE).read_text()
        assert text.startswith(f"{load_config(config, environ={}).origin}\n1\n")
        assert keys.log_vkey.split("+")[0] in text
        assert (tmp_path / "static" / "tile/0/000.p/1").read_bytes() == hash_leaf(
            node_entries(tmp_path / "taxation")[0]
        )
    finally:
        proc.close()


def node_entries(node_dir: Path) -> list[bytes]:
    """The entries of the node's database."""
    node = node_from_config(load_config(node_dir / CONFIG_FILE, environ={}))
    try:
        return node.store.entries(0, node.store.state().size)
    finally:
        node.stop()
