"""A local federation: all 11 department nodes on loopback ports, each witnessing the other 10."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import uvicorn

from app.atomic_file import write_atomic
from app.node.config import ConfigError, NodeConfig, WitnessedPeer, WitnessPeer, load_config, load_keys, witness_name
from app.node.departments import all_departments
from app.node.http_server import server_config
from app.node.node import CONFIG_FILE, Node, create_node
from app.node.service import build_app
from app.node.store import postgres_driver

FEDERATION_FILE = "federation.json"


def department_database(postgres_url: str, dept_id: str) -> str:
    """Create (if needed) the PostgreSQL database of one department on the server; return its URL."""
    parts = urlsplit(postgres_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(f"{postgres_url!r} is not a postgresql:// URL")
    dbname = "govdesk_" + re.sub(r"[^a-z0-9]", "_", dept_id.lower())
    with postgres_driver().connect(postgres_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    return urlunsplit(parts._replace(path="/" + dbname))


def prepare_federation(
    directory: Path,
    *,
    base_port: int = 8700,
    host: str = "127.0.0.1",
    postgres_url: str | None = None,
    tls: dict[str, str] | None = None,
) -> list[NodeConfig]:
    """Create the 11 nodes under `directory` (once) and configure each to witness all the others.

    `tls` (tls_cert_file, tls_key_file, peer_ca_file) makes every node serve HTTPS with that certificate.
    """
    configs: list[NodeConfig] = []
    for i, dept in enumerate(all_departments()):
        node_dir = directory / dept.id
        if not (node_dir / CONFIG_FILE).exists():
            db_url = department_database(postgres_url, dept.id) if postgres_url else None
            create_node(node_dir, dept.id, db_url=db_url, host=host, port=base_port + i)
        configs.append(replace(load_config(node_dir / CONFIG_FILE, environ={}), **(tls or {})))
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
        }
        for c in wired
    ]
    write_atomic(directory / FEDERATION_FILE, (json.dumps({"nodes": listing}, indent=2) + "\n").encode())
    return wired


class Federation:
    """The servers of a federation, each in its own thread with its own event loop."""

    def __init__(self, configs: list[NodeConfig]) -> None:
        self.configs = configs
        self.servers: list[uvicorn.Server] = []
        self._threads: list[threading.Thread] = []

    def start(self, timeout_s: float = 30.0) -> None:
        """Start every node and wait until each one listens."""
        for config in self.configs:
            node = Node(config, load_keys(Path(config.keys_file)))
            server = uvicorn.Server(server_config(build_app(node), config))
            thread = threading.Thread(target=server.run, name=f"node-{config.department}", daemon=True)
            thread.start()
            self.servers.append(server)
            self._threads.append(thread)
        deadline = time.monotonic() + timeout_s
        while not all(s.started for s in self.servers):
            if time.monotonic() > deadline or not all(t.is_alive() for t in self._threads):
                self.stop()
                raise RuntimeError("a federation node failed to start (is its port free?)")
            time.sleep(0.05)

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
