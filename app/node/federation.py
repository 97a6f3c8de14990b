"""A local federation: all 11 department nodes on loopback ports, each witnessing the other 10.

Ports are never chosen ahead and handed over: when the federation starts, each node binds its own
listening socket (the port it published last time if that is still free, else a free port outside
the kernel's ephemeral range, tried by binding it, else port 0), then the federation wires the
witnesses to the ports actually held and publishes
every node's URL in `federation.json`. Another program cannot answer in a node's place: the port is
held from the bind on, and a port taken by someone else is never reused, only replaced.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import uvicorn

from app.atomic_file import write_atomic
from app.loopback_ports import bind_listener
from app.node.config import NodeConfig, WitnessedPeer, WitnessPeer, load_config, load_keys, witness_name
from app.node.http_server import server_config
from app.node.node import CONFIG_FILE, Node, create_node
from app.node.service import build_app
from app.node.storage.postgres import department_database
from app.protocol.departments import all_departments

FEDERATION_FILE = "federation.json"
BACKLOG = 2048


def prepare_federation(
    directory: Path,
    *,
    base_port: int | None = None,
    host: str = "127.0.0.1",
    postgres_url: str | None = None,
    publish: bool = True,
    suite: str | Mapping[str, str] = "ed25519",
    tls: dict[str, str] | None = None,
) -> list[NodeConfig]:
    """Create the 11 nodes under `directory` (once) and configure each to witness all the others.

    New nodes get port `base_port + i` when given, else 0 (bound when the federation starts). With `publish`
    false, `federation.json` is left alone (a federation about to start publishes the ports it binds).
    `suite` names the signature suite of every new node, or maps department ids to suites (a mixed
    federation; departments not named get Ed25519). Existing nodes keep the keys they have.
    `tls` (tls_cert_file, tls_key_file, peer_ca_file) makes every node serve HTTPS with that certificate.
    """
    configs: list[NodeConfig] = []
    for i, dept in enumerate(all_departments()):
        node_dir = directory / dept.id
        if not (node_dir / CONFIG_FILE).exists():
            db_url = department_database(postgres_url, dept.id) if postgres_url else None
            port = 0 if base_port is None else base_port + i
            dept_suite = suite if isinstance(suite, str) else suite.get(dept.id, "ed25519")
            create_node(node_dir, dept.id, db_url=db_url, host=host, port=port, suite=dept_suite)
        configs.append(replace(load_config(node_dir / CONFIG_FILE, environ={}), **(tls or {})))
    return wire_federation(directory, configs, publish=publish)


def wire_federation(directory: Path, configs: list[NodeConfig], *, publish: bool = True) -> list[NodeConfig]:
    """Configure each node to witness all the others at their ports, save it, and publish `federation.json`."""
    keys = {c.department: load_keys(Path(c.keys_file)) for c in configs}
    wired = []
    for config in configs:
        others = [c for c in configs if c.department != config.department]
        config = replace(
            config,
            witnesses=tuple(
                WitnessPeer(witness_name(o.origin), keys[o.department].witness_vkey, f"{o.scheme}://{o.host}:{o.port}")
                for o in others
            ),
            witnessed=tuple(WitnessedPeer(o.origin, keys[o.department].log_vkey) for o in others),
        )
        config.save(directory / config.department / CONFIG_FILE)
        wired.append(config)
    listing = [
        {
            "department": c.department,
            "origin": c.origin,
            "url": f"{c.scheme}://{c.host}:{c.port}",
            "log_vkey": keys[c.department].log_vkey,
            "witness_vkey": keys[c.department].witness_vkey,
            "suite": keys[c.department].suite,
        }
        for c in wired
    ]
    if publish:
        write_atomic(directory / FEDERATION_FILE, (json.dumps({"nodes": listing}, indent=2) + "\n").encode())
    return wired


def bind_node_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on a node's socket: `port` if it is free (the port it published last time), else a free
    port outside the kernel's ephemeral range, bound here at once (app.loopback_ports), else port 0."""
    if port:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may meet TIME_WAIT, never a listener
        try:
            sock.bind((host, port))
            sock.listen(BACKLOG)
            return sock
        except OSError:
            sock.close()
    try:
        return bind_listener(BACKLOG, host)
    except OSError:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, 0))
        sock.listen(BACKLOG)
        return sock


class Federation:
    """The servers of a federation, each in its own thread with its own event loop."""

    def __init__(self, configs: list[NodeConfig], directory: Path) -> None:
        self.configs = configs
        self.directory = directory
        self.servers: list[uvicorn.Server] = []
        self._threads: list[threading.Thread] = []

    def start(self, timeout_s: float = 30.0) -> None:
        """Bind every node's socket, wire and publish the ports they got, start every node, wait until each listens."""
        sockets: list[socket.socket] = []
        try:
            for config in self.configs:
                sockets.append(bind_node_socket(config.host, config.port))
        except OSError:
            for sock in sockets:
                sock.close()
            raise
        bound = [replace(c, port=s.getsockname()[1]) for c, s in zip(self.configs, sockets, strict=True)]
        self.configs = wire_federation(self.directory, bound)
        for config, sock in zip(self.configs, sockets, strict=True):
            node = Node(config, load_keys(Path(config.keys_file)))
            server = uvicorn.Server(server_config(build_app(node), config))
            thread = threading.Thread(
                target=self._serve, args=(server, sock), name=f"node-{config.department}", daemon=True
            )
            thread.start()
            self.servers.append(server)
            self._threads.append(thread)
        deadline = time.monotonic() + timeout_s
        while not all(s.started for s in self.servers):
            if time.monotonic() > deadline or not all(t.is_alive() for t in self._threads):
                self.stop()
                raise RuntimeError("a federation node failed to start")
            time.sleep(0.05)

    @staticmethod
    def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
        with contextlib.closing(sock):
            server.run(sockets=[sock])

    def stop(self) -> None:
        """Stop every node."""
        for server in self.servers:
            server.should_exit = True
        for thread in self._threads:
            thread.join(timeout=30)

    def wait(self, duration_s: float | None = None) -> None:
        """Serve until interrupted, or for `duration_s` seconds."""
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while deadline is None or time.monotonic() < deadline:
            if not all(t.is_alive() for t in self._threads):
                return
            time.sleep(0.2)
