"""Support for the sync tests (no tests here): real node processes, a fault-injecting TCP proxy, offices."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx

from app.ledger.entry import Entry, sign_entry
from app.node.config import Limits, NodeConfig, NodeKeys, load_config, load_keys
from app.node.launcher import NodeProcess, wire_witnesses
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.store.replica import Replica, create_office
from app.sync import SyncReport, SyncService, load_policy
from app.sync.trust import TrustPolicy, parse_policy, save_policy
from tests.store_support import FAST_KDF

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
DEPARTMENTS = ("taxation", "housing", "civil-affairs")


def wait_registry_loaded(url: str, index: int, timeout_s: float = 15.0) -> None:
    """Poll a serving node's /health until its registry holds the entry at `index` (an enrolment or revocation)."""
    deadline = time.monotonic() + timeout_s
    loaded = -1
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            loaded = httpx.get(f"{url}/health", timeout=2).json().get("registry_size", -1)  # -1: health failed
            if loaded > index:
                return
        time.sleep(0.05)
    raise AssertionError(f"{url}: the registry never loaded entry {index} (loaded up to {loaded})")


class NodeProc(NodeProcess):
    """One department node served by `govdesk node serve` in its own process (app.node.launcher), with its keys."""

    def __init__(self, config: NodeConfig, keys: NodeKeys, path: Path, sock: socket.socket | None = None) -> None:
        super().__init__(path, config, sock)
        self.keys = keys

    @property
    def origin(self) -> str:
        """The node's log origin."""
        return self.config.origin

    def write(self, etype: str, body: dict) -> int:
        """Sign an entry with the department key and sequence it (the node process picks it up)."""
        node = node_from_config(self.config)
        try:
            result = node.write_department_entry(etype, body)
        finally:
            node.stop()
        assert isinstance(result, int), result
        return result

    def enroll(self, public_key: bytes, role: str, subject: str, suite: str = "ed25519") -> int:
        """Enrol a key of `suite` in this department's registry."""
        node = node_from_config(self.config)
        try:
            return node.enroll(public_key, role, subject, suite)
        finally:
            node.stop()

    def checkpoint(self) -> str:
        """The published checkpoint."""
        return httpx.get(f"{self.url}/checkpoint", timeout=5).text

    def wait_cosigned(self, size: int, witnesses: int = 2, timeout_s: float = 20) -> str:
        """Wait until a checkpoint of at least `size` carries `witnesses` cosignatures."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            text = self.checkpoint()
            lines = text.split("\n")
            if len(lines) > 2 and int(lines[1]) >= size and text.count("/witness ") >= witnesses:
                return text
            time.sleep(0.1)
        raise AssertionError(f"{self.origin}: no cosigned checkpoint of size {size}: {text!r}")


@contextlib.contextmanager
def running_federation(
    base: Path,
    departments: tuple[str, ...] = DEPARTMENTS,
    suites: dict[str, str] | None = None,
    trees: dict[str, str] | None = None,
) -> Iterator[list[NodeProc]]:
    """The nodes of `make_federation`, each in its own process and cosigned by the others; stopped on exit."""
    procs = make_federation(base, departments, suites, trees)
    for node in procs:
        node.start()
    try:
        for node in procs:
            node.wait_cosigned(1)
        yield procs
    finally:
        for node in procs:
            node.close()


def make_federation(
    base: Path,
    departments: tuple[str, ...] = DEPARTMENTS,
    suites: dict[str, str] | None = None,
    trees: dict[str, str] | None = None,
) -> list[NodeProc]:
    """Create the nodes (each witnessing the others, each in its suite from `suites`, else Ed25519; its log's tree
    hash from `trees`, else its suite's default), not started.

    Each node's socket is bound at port 0 here and held from then on: nobody else can answer on it.
    """
    nodes = []
    for dept in departments:
        create_node(base / dept, dept, suite=(suites or {}).get(dept, "ed25519"), tree_hash=(trees or {}).get(dept))
        config = load_config(base / dept / CONFIG_FILE, environ={})
        config = replace(config, limits=Limits(publish_interval_s=0.1, witness_timeout_s=2))
        nodes.append(NodeProc(config, load_keys(Path(config.keys_file)), base / dept / CONFIG_FILE))
    for node, wired in zip(
        nodes, wire_witnesses([n.config for n in nodes], {n.config.department: n.keys for n in nodes}), strict=True
    ):
        wired.save(node.path)
        node.config = wired
    return nodes


def policy_for(
    nodes: list[NodeProc],
    *,
    quorum: int = 2,
    cases: str = "known",
    urls: dict[str, list[str]] | None = None,
    only: list[str] | None = None,
) -> TrustPolicy:
    """The trust policy of an office following `nodes` (or `only` those origins), with their URLs."""
    logs = []
    for node in nodes:
        if only is not None and node.origin not in only:
            continue
        logs.append(
            {
                "origin": node.origin,
                "log_vkey": node.keys.log_vkey,
                "witnesses": [n.keys.witness_vkey for n in nodes if n is not node],
                "quorum": quorum,
                "urls": (urls or {}).get(node.origin, [node.url]),
                "cases": cases,
                "tree_hash": node.config.tree_hash,
            }
        )
    return parse_policy(json.dumps({"version": 1, "logs": logs}))


def new_office(path: Path, name: str, nodes: list[NodeProc], clock=None, suite: str = "ed25519", **policy) -> Replica:
    """Create an office whose keys are made in `suite`, enrol its device key at every node, store its trust policy."""
    kwargs = {"clock": clock} if clock else {}
    replica = create_office(path, name, "admin", PASSWORD, kdf=FAST_KDF, suite=suite, **kwargs)
    device = replica.device_signer
    enrolled = [(node, node.enroll(device.public_key, "device", f"{name}/counter-01", suite)) for node in nodes]
    save_policy(replica, policy_for(nodes, **policy))
    for node, index in enrolled:
        if node.proc is not None:  # a serving node reloads its registry every 0.5 s
            wait_registry_loaded(node.url, index)
    return replica


def by_department(nodes: list[NodeProc], department: str) -> NodeProc:
    """The node of `department` among `nodes`."""
    return next(n for n in nodes if n.config.department == department)


def sync_once(office: Replica) -> SyncReport:
    """One whole sync of the office (every log of its stored trust policy: push, then pull)."""
    service = SyncService(office, load_policy(office))
    try:
        return service.run()
    finally:
        service.close()


def note_entry(replica: Replica, origin: str, text: str, time_ms: int | None = None) -> bytes:
    """A demo.note entry signed by the office's device key."""
    entry = Entry(origin, "demo.note", time_ms or replica.session.now_ms(), replica.device_kid, {"text": text})
    return sign_entry(entry, replica.device_signer)


class FaultProxy:
    """A TCP proxy in front of a node that can refuse ("drop"), delay, or "cut": pass `cut_after` response bytes
    in all, then cut the connection mid-response and drop every later one (the link is down)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = "pass"
        self.cut_after = 0
        self.delay_s = 0.0
        self.cuts = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))  # port 0: held from the bind on
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop accepting and wait for the accepting thread (a blocked accept() would not notice a close)."""
        self._stop.set()
        self._thread.join(timeout=10)
        self._sock.close()

    def _accept(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        mode = self.mode
        if mode == "drop" or (mode == "cut" and self.cut_after <= 0):
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
        except OSError:
            client.close()
            return

        def pump(src: socket.socket, dst: socket.socket, limited: bool) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    if limited and mode == "delay":
                        time.sleep(self.delay_s)
                    if limited and mode == "cut":
                        with self._lock:
                            allowed = max(0, min(len(data), self.cut_after))
                            self.cut_after -= allowed
                        if allowed < len(data):
                            dst.sendall(data[:allowed])
                            self.cuts += 1
                            break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)
                    s.close()

        threading.Thread(target=pump, args=(client, upstream, False), daemon=True).start()
        pump(upstream, client, True)
