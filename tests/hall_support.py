"""A hall served on a real loopback socket in a thread, and enrolled test devices (shared by the hall tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import uvicorn

from app.hall.config import default_config
from app.hall.hall import Hall
from app.hall.service import bind_socket, build_app
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, SignatureSuite, Signer, key_id
from app.node.config import load_config
from app.node.node import node_from_config
from app.protocol.hall_tickets import Device
from app.protocol.node_client import NodeClient


class Server:
    """The hall's ASGI app on a real loopback socket, in a thread."""

    def __init__(self, hall: Hall) -> None:
        self.sock = bind_socket("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(build_app(hall), log_config=None, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started and time.monotonic() < end:
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


def enrolled_device(
    hall: Hall, role: str, window: str | None = None, office: str | None = None, suite: SignatureSuite = ED25519
) -> Signer:
    """Enrol a fresh device key (Ed25519 unless `suite` says) with this role (and window, office); return its signer."""
    signer = suite.signer(suite.generate_private())
    hall.store.enroll(
        Device(key_id(suite, signer.public_key), suite.name, signer.public_key, role, f"{role}-x",
               office or hall.config.office, window, False)
    )  # fmt: skip
    return signer


def counter_key_file(hall: Hall, window: str, path: Path) -> Path:
    """Enrol a counter device key for `window` and write its seed where the counter's settings name it."""
    seed = ED25519.generate_private()
    signer = ED25519.signer(seed)
    hall.store.enroll(
        Device(key_id(ED25519, signer.public_key), ED25519.name, signer.public_key, "counter", f"counter-{window}",
               hall.config.office, window, False)
    )  # fmt: skip
    path.write_text(seed.hex() + "\n")
    path.chmod(0o600)
    return path


def enrol_at_department(federation_dir: Path, dept: str, signer: Signer, subject: str) -> None:
    """The department enrols a hall device as a `device` key of its office (`<office>/<device>`), nodes stopped."""
    node = node_from_config(load_config(federation_dir / dept / "node.json"))
    try:
        node.enroll(signer.public_key, "device", subject, ED25519.name)
    finally:
        node.stop()


def in_log(node: NodeClient, data: bytes) -> int:
    """How many times the entry is in the node's published tree (all of it, through the node client). The published
    checkpoint's size, not the sequenced size of /health: entries sequenced since (the office's audit anchor, pushed
    by the same sync) have no tiles yet."""
    return node.entries(int(node.checkpoint().split("\n")[1])).count(data)


@contextmanager
def serving_hall(db: Path, office: str, windows: int = 4) -> Iterator[tuple[Hall, Server]]:
    """A hall of `office` with `windows` windows on SQLite at `db`, served on loopback (holds last 120 s)."""
    store = open_hall_store(f"sqlite:///{db}")
    hall = Hall(replace(default_config(office, windows), hold_timeout_s=120), store)
    server = Server(hall)
    try:
        yield hall, server
    finally:
        server.stop()
        store.close()
