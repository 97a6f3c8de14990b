"""A local federation: all 11 department nodes on loopback ports, each witnessing the other 10.

Ports are never chosen ahead and handed over: when the federation starts, each node's listening socket is
bound (the port it published last time if that is still free, else port 0: app.node.launcher), then the
federation wires the witnesses to the ports actually held and publishes every node's URL in
`federation.json`. Another program cannot answer in a node's place: the port is
held from the bind on, and a port taken by someone else is never reused, only replaced.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import httpx

from app.atomic_file import write_atomic
from app.node.config import NodeConfig, load_config, load_keys
from app.node.launcher import (
    ROOT,
    LaunchError,
    NodeProcess,
    NodeThread,
    bind_node_socket,
    bound_config,
    child_environment,
    govdesk_command,
    node_url,
    wire_witnesses,
)
from app.node.node import CONFIG_FILE, create_node
from app.node.storage.postgres import department_database
from app.protocol.departments import all_departments

FEDERATION_FILE = "federation.json"


def prepare_federation(
    directory: Path,
    *,
    base_port: int | None = None,
    host: str = "127.0.0.1",
    postgres_url: str | None = None,
    publish: bool = True,
    suite: str | Mapping[str, str] = "ed25519",
    tls: dict[str, str] | None = None,
    tree_hash: str | Mapping[str, str] | None = None,
) -> list[NodeConfig]:
    """Create the 11 nodes under `directory` (once) and configure each to witness all the others.

    New nodes get port `base_port + i` when given, else 0 (bound when the federation starts). With `publish`
    false, `federation.json` is left alone (a federation about to start publishes the ports it binds).
    `suite` names the signature suite of every new node, or maps department ids to suites (a mixed
    federation; departments not named get Ed25519). Existing nodes keep the keys they have.
    `tree_hash` names the Merkle tree hash of every new log (`sha256` or `sm3`), or maps department ids to one;
    a log not named gets its suite's default (SM3 for `sm2-sm3`). Existing logs keep the tree they have.
    `tls` (tls_cert_file, tls_key_file, peer_ca_file) makes every node serve HTTPS with that certificate.
    """
    configs: list[NodeConfig] = []
    for i, dept in enumerate(all_departments()):
        node_dir = directory / dept.id
        if not (node_dir / CONFIG_FILE).exists():
            db_url = department_database(postgres_url, dept.id) if postgres_url else None
            port = 0 if base_port is None else base_port + i
            dept_suite = suite if isinstance(suite, str) else suite.get(dept.id, "ed25519")
            dept_tree = tree_hash if tree_hash is None or isinstance(tree_hash, str) else tree_hash.get(dept.id)
            create_node(node_dir, dept.id, db_url=db_url, host=host, port=port, suite=dept_suite, tree_hash=dept_tree)
        configs.append(replace(load_config(node_dir / CONFIG_FILE, environ={}), **(tls or {})))
    return wire_federation(directory, configs, publish=publish)


def wire_federation(directory: Path, configs: list[NodeConfig], *, publish: bool = True) -> list[NodeConfig]:
    """Configure each node to witness all the others at their ports, save it, and publish `federation.json`."""
    keys = {c.department: load_keys(Path(c.keys_file)) for c in configs}
    wired = wire_witnesses(configs, keys)
    for config in wired:
        config.save(directory / config.department / CONFIG_FILE)
    listing = [
        {
            "department": c.department,
            "origin": c.origin,
            "url": node_url(c),
            "log_vkey": keys[c.department].log_vkey,
            "witness_vkey": keys[c.department].witness_vkey,
            "suite": keys[c.department].suite,
            "tree_hash": c.tree_hash,
        }
        for c in wired
    ]
    if publish:
        write_atomic(directory / FEDERATION_FILE, (json.dumps({"nodes": listing}, indent=2) + "\n").encode())
    return wired


class Federation:
    """The nodes of a federation directory, each in a thread of this process or (`processes`) in its own process.

    `start()` binds every node's socket (the port it published last time if still free, else port 0), wires the
    witnesses to the ports actually held, publishes `federation.json`, and starts every node.
    """

    def __init__(self, configs: list[NodeConfig], directory: Path, *, processes: bool = False) -> None:
        self.configs = configs
        self.directory = directory
        self.processes = processes
        self.nodes: list[NodeThread | NodeProcess] = []

    def start(self, timeout_s: float = 30.0) -> Federation:
        """Bind every node's socket, wire and publish the ports they got, start every node, wait until each serves."""
        sockets: list[socket.socket] = []
        try:
            for config in self.configs:
                sockets.append(bind_node_socket(config.host, config.port))
        except OSError:
            for sock in sockets:
                sock.close()
            raise
        bound = [bound_config(c, s) for c, s in zip(self.configs, sockets, strict=True)]
        self.configs = wire_federation(self.directory, bound)
        for config, sock in zip(self.configs, sockets, strict=True):
            path = self.directory / config.department / CONFIG_FILE
            node = NodeProcess(path, config, sock) if self.processes else NodeThread(config, sock)
            node.launch()
            self.nodes.append(node)
        deadline = time.monotonic() + timeout_s
        waiting = list(self.nodes)
        try:
            while waiting:
                waiting = [n for n in waiting if not self._serving(n)]
                if waiting and time.monotonic() > deadline:
                    raise LaunchError(f"federation nodes did not start: {[n.config.department for n in waiting]}")
                if waiting:
                    time.sleep(0.05)
        except LaunchError:
            self.stop()
            raise
        return self

    @staticmethod
    def _serving(node: NodeThread | NodeProcess) -> bool:
        if isinstance(node, NodeThread):
            if not node.alive():
                raise LaunchError(f"node {node.config.department} failed to start")
            return node.started()
        if node.exited() is not None:
            raise LaunchError(f"node {node.config.department} exited; see {node.log_path}")
        return node.answers()

    @property
    def urls(self) -> dict[str, str]:
        """Each department's node URL."""
        return {c.department: node_url(c) for c in self.configs}

    def stop(self) -> None:
        """Stop every node and give up its port."""
        for node in self.nodes:
            if isinstance(node, NodeThread):
                node.server.should_exit = True
        for node in self.nodes:
            node.stop() if isinstance(node, NodeThread) else node.close()
        self.nodes = []

    def wait(self, duration_s: float | None = None) -> None:
        """Serve until interrupted, or for `duration_s` seconds (returns early if a node ends)."""
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while deadline is None or time.monotonic() < deadline:
            for node in self.nodes:
                if (not node.alive()) if isinstance(node, NodeThread) else node.exited() is not None:
                    return
            time.sleep(0.2)

    def __enter__(self) -> Federation:
        return self.start() if not self.nodes else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FederationProcess:
    """The nodes of a federation directory, served by `govdesk node federation` in one background process.

    Each node binds its own port when the process starts (app.node.federation) and the process then publishes
    the URLs in federation.json; `start` waits for that publication and for every node to answer /health as the
    node it should be (its log key: not some other program, nor another instance's node), and `nodes` then lists
    where they are.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.nodes: list[dict] = self._listing()["nodes"]
        self.process: subprocess.Popen | None = None

    def _listing(self) -> dict:
        return json.loads((self.directory / FEDERATION_FILE).read_text(encoding="utf-8"))

    @property
    def urls(self) -> list[str]:
        """The base URL of every node (as published by the last start)."""
        return [n["url"] for n in self.nodes]

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the nodes, learn where they listen, and wait until each one answers /health as itself."""
        listing_file = self.directory / FEDERATION_FILE
        listing_file.unlink()  # the process publishes it again once every node holds its port
        log = (self.directory / "federation.log").open("ab")
        command = govdesk_command("node", "federation", "--dir", str(self.directory))
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=child_environment()
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        waiting: list[dict] | None = None
        while waiting is None or waiting:
            if self.process.poll() is not None:
                raise LaunchError(
                    f"the federation process exited ({self.process.returncode}); its log {log.name} ends:\n"
                    + self._log_tail()
                )
            if time.monotonic() > deadline:
                self.stop()
                raise LaunchError(f"the federation process did not start in {timeout_s:.0f} s; see {log.name}")
            if waiting is None:
                if listing_file.exists():
                    self.nodes = self._listing()["nodes"]
                    waiting = list(self.nodes)
                else:
                    time.sleep(0.05)
                continue
            with contextlib.suppress(httpx.HTTPError, ValueError):
                health = httpx.get(f"{waiting[0]['url']}/health", timeout=1)
                # ours: another govdesk instance's node of the same department has the same origin, not the same key
                if health.status_code == 200 and health.json().get("log_vkey") == waiting[0]["log_vkey"]:
                    waiting.pop(0)
                    continue
            time.sleep(0.1)

    def _log_tail(self, size: int = 3000) -> str:
        """The end of federation.log (why a start failed, even once the directory is gone)."""
        try:
            return (self.directory / "federation.log").read_bytes()[-size:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, timeout_s: float = 20.0) -> None:
        """Stop the nodes cleanly (Ctrl-C, as a terminal would), killing them only if they hang."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> FederationProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
