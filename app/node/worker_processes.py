"""`node serve --http-processes N`: one sequencing process and N HTTP worker processes on one listening socket.

The parent process owns the node's single sequencer (the log's only writer), the publisher (checkpoints,
witnessing, static tiles) and the link server (sequencer_link.py). It starts N children, each
`node serve --listen-fd FD --sequencer-socket PATH`: they share the inherited listening socket (the kernel
hands each connection to one of them), and each does request parsing, authentication, decoding and
verification itself. A child that dies is started again; the parent's end stops them all.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import FrameType

from app.node.config import NodeConfig
from app.node.jsonlog import log_event
from app.node.node import Node
from app.node.sequencer_link import LinkServer

log = logging.getLogger("govdesk.node.workers")

RESTART_BACKOFF_S = (0.2, 5.0)
STOP_WAIT_S = 15.0


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on host:port (port 0: a free one) for the workers to share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


class HttpWorkers:
    """Runs the node's sequencing side here and `count` HTTP worker processes serving `sock`."""

    def __init__(self, node: Node, config: NodeConfig, sock: socket.socket, count: int, *, access_log: bool) -> None:
        self._node = node
        self._config = config
        self._sock = sock
        self._count = count
        self._access_log = access_log
        self._dir = Path(tempfile.mkdtemp(prefix="govdesk-node-"))  # 0700: the link socket is the owner's only
        self._link = LinkServer(self._dir / "sequencer.sock", node.sequencer)  # type: ignore[arg-type]
        self._children: list[subprocess.Popen[bytes] | None] = [None] * count
        self._stop = threading.Event()
        self.restarts = 0

    def _child_argv(self) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "app.cli.main",
            "node",
            "serve",
            "--config",
            str(self._dir / "node.json"),
            "--listen-fd",
            str(self._sock.fileno()),
            "--sequencer-socket",
            str(self._link.path),
            "--verify-processes",
            "0",
        ]
        return argv + (["--access-log"] if self._access_log else [])

    def _spawn(self, slot: int) -> None:
        self._children[slot] = subprocess.Popen(self._child_argv(), pass_fds=(self._sock.fileno(),))
        log_event(log, "http_worker_started", slot=slot, pid=self._children[slot].pid)  # type: ignore[union-attr]

    def pids(self) -> list[int]:
        """The HTTP workers' process ids (the live ones)."""
        return [c.pid for c in self._children if c is not None and c.poll() is None]

    def run(self) -> None:
        """Serve until SIGTERM or SIGINT: sequencing here, HTTP in the children, which are restarted if they die."""
        # Workers decode and verify in their own request threads: one process per core already.
        replace(self._config, verify_processes=0, static_dir=None).save(self._dir / "node.json")
        self._node.start()
        self._link.start()
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        backoff = RESTART_BACKOFF_S[0]
        try:
            for slot in range(self._count):
                self._spawn(slot)
            while not self._stop.wait(0.2):
                for slot, child in enumerate(self._children):
                    if child is not None and child.poll() is not None and not self._stop.is_set():
                        log_event(
                            log, "http_worker_died", level=logging.ERROR, slot=slot, pid=child.pid, rc=child.returncode
                        )
                        self.restarts += 1
                        self._stop.wait(backoff)
                        backoff = min(backoff * 2, RESTART_BACKOFF_S[1])
                        if not self._stop.is_set():
                            self._spawn(slot)
                if all(c is not None and c.poll() is None for c in self._children):
                    backoff = RESTART_BACKOFF_S[0]
        finally:
            self._stop_children()
            for s, handler in previous.items():
                signal.signal(s, handler)
            self._link.stop()
            self._node.stop()
            for leftover in self._dir.iterdir():
                leftover.unlink(missing_ok=True)
            self._dir.rmdir()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop.set()

    def _stop_children(self) -> None:
        live = [c for c in self._children if c is not None and c.poll() is None]
        for child in live:
            child.terminate()  # uvicorn finishes the requests in hand, which wait on the sequencer still running here
        deadline = time.monotonic() + STOP_WAIT_S
        for child in live:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
