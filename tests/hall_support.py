"""A hall served on a real loopback socket in a thread, and enrolled test devices (shared by the hall tests)."""

from __future__ import annotations

import threading
import time

import uvicorn

from app.hall.hall import Hall
from app.hall.service import bind_socket, build_app
from app.ledger.suites import ED25519, SignatureSuite, Signer, key_id
from app.protocol.hall_tickets import Device


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
