"""The one way to start department nodes: in this process (a thread each) or as `govdesk node serve` processes.

    sock = bind_node_socket("127.0.0.1", 0)        # the node's listening socket, held from here on
    config = replace(config, port=sock.getsockname()[1])
    with NodeThread(config, sock) as served: ...   # uvicorn in a thread of this process; served.url
    with NodeProcess(path, config, sock) as proc:  # `govdesk node serve --listen-fd` in a process of its own
    configs = wire_witnesses(configs)              # each node witnesses all the others at the ports they hold

Ports are never chosen ahead and handed over: the starter binds the socket itself (port 0, or the port a
node published last time while it is still free), learns the port it got, wires the peers to it, and hands
the very socket to the server (a thread here, or a child process through `--listen-fd`). From the bind on no
other program can answer in a node's place. `app.node.federation` builds a whole federation from these; the
CLI, the demo (app/demo), the tests and the benchmarks all start their nodes through this module.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import httpx
import uvicorn

from app.loopback_ports import ephemeral_range
from app.node.config import NodeConfig, NodeKeys, WitnessedPeer, WitnessPeer, load_keys, witness_name
from app.node.http_server import server_config
from app.node.node import Node, node_from_config
from app.node.service import build_app

BACKLOG = 2048
BIND_ATTEMPTS = 50
STABLE_LOWEST, STABLE_HIGHEST = 20_000, 65_000  # clear of the usual service ports
_random = random.SystemRandom()  # no state shared with forked children or seeded test randomness
START_TIMEOUT_S = 60.0  # a node process on a loaded machine (PostgreSQL, worker pool) may take a while
ROOT = Path(__file__).resolve().parents[2]


class LaunchError(RuntimeError):
    """A node did not start (its process exited, it never answered, or another server answers on its port)."""


def _listen(host: str, port: int) -> socket.socket | None:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    # On every listener: its connections' TIME_WAIT entries inherit the flag, and a restart on the same port
    # binds past them only if both sides set it (it never lets two live listeners share a port on Linux).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        return None
    return sock


def bind_node_socket(host: str, port: int = 0) -> socket.socket:
    """Bind and listen on a node's socket: `port` if it is given and free (the port it published last time),
    else a random port outside the kernel's ephemeral range, else port 0. The caller reads the port it got.

    Outside the ephemeral range no outgoing connection takes the port while the node is stopped, so a node
    restarted later usually gets its published port (and URL) back."""
    if port and (sock := _listen(host, port)) is not None:
        return sock
    ephemeral = ephemeral_range()
    pools = [r for r in (range(STABLE_LOWEST, ephemeral.start), range(ephemeral.stop, STABLE_HIGHEST)) if len(r)]
    for _ in range(BIND_ATTEMPTS if pools else 0):
        pool = _random.choices(pools, weights=[len(r) for r in pools])[0]
        if (sock := _listen(host, _random.randrange(pool.start, pool.stop))) is not None:
            return sock
    sock = _listen(host, 0)
    if sock is None:
        raise OSError(f"cannot listen on {host}")
    return sock


def node_url(config: NodeConfig) -> str:
    """The base URL a node's configuration publishes."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"{config.scheme}://{host}:{config.port}"


def bound_config(config: NodeConfig, sock: socket.socket) -> NodeConfig:
    """`config` with the port `sock` holds."""
    return replace(config, port=sock.getsockname()[1])


def wire_witnesses(configs: list[NodeConfig], keys: dict[str, NodeKeys] | None = None) -> list[NodeConfig]:
    """Return the configurations with each node witnessing all the others at their current URLs (not saved)."""
    keys = keys or {c.department: load_keys(Path(c.keys_file)) for c in configs}
    wired = []
    for config in configs:
        others = [c for c in configs if c.department != config.department]
        wired.append(
            replace(
                config,
                witnesses=tuple(
                    WitnessPeer(witness_name(o.origin), keys[o.department].witness_vkey, node_url(o)) for o in others
                ),
                witnessed=tuple(WitnessedPeer(o.origin, keys[o.department].log_vkey, o.tree_hash) for o in others),
            )
        )
    return wired


class NodeThread:
    """One node served by uvicorn in a thread of this process, on a socket bound before it starts."""

    def __init__(self, config: NodeConfig, sock: socket.socket | None = None, *, node: Node | None = None) -> None:
        self.sock = sock if sock is not None else bind_node_socket(config.host, 0)
        self.config = bound_config(config, self.sock)
        self.node = node if node is not None else node_from_config(self.config)
        self.server = uvicorn.Server(server_config(build_app(self.node), self.config))
        self._thread = threading.Thread(target=self._serve, name=f"node-{config.department}", daemon=True)

    @property
    def url(self) -> str:
        """The node's base URL."""
        return node_url(self.config)

    @property
    def port(self) -> int:
        """The port the node listens on."""
        return self.config.port

    def _serve(self) -> None:
        with contextlib.closing(self.sock):
            self.server.run(sockets=[self.sock])

    def launch(self) -> None:
        """Start serving (do not wait)."""
        self._thread.start()

    def alive(self) -> bool:
        """Whether the server thread still runs."""
        return self._thread.is_alive()

    def started(self) -> bool:
        """Whether the server listens and serves."""
        return bool(self.server.started)

    def start(self, timeout_s: float = START_TIMEOUT_S) -> NodeThread:
        """Start serving and wait until the server is up."""
        self.launch()
        deadline = time.monotonic() + timeout_s
        while not self.started():
            if not self.alive() or time.monotonic() > deadline:
                self.stop()
                raise LaunchError(f"node {self.config.department} did not start")
            time.sleep(0.02)
        return self

    def stop(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Stop serving and wait for the thread (the socket is closed with it)."""
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=timeout_s)
        elif self._thread.ident is None:
            self.sock.close()

    def __enter__(self) -> NodeThread:
        return self.start() if self._thread.ident is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def govdesk_command(*args: str) -> list[str]:
    """The command line running `govdesk <args>` with this interpreter (a bundled build is its own interpreter)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "app.cli.main", *args]


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a govdesk child process: ours, plus `extra`, with this source tree importable."""
    env = {**os.environ, **(extra or {})}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


class NodeProcess:
    """One node served by `govdesk node serve` in a process of its own, on a socket bound here and inherited.

    The socket stays held by this object between `stop()` and `start()` (a restart keeps the port and URL);
    `close()` gives it up.
    """

    def __init__(
        self,
        config_path: Path,
        config: NodeConfig,
        sock: socket.socket | None = None,
        *,
        log_path: Path | None = None,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.path = Path(config_path)
        self.sock = sock if sock is not None else bind_node_socket(config.host, 0)
        self.config = bound_config(config, self.sock)
        self.log_path = log_path or self.path.parent / "serve.log"
        self.extra_args = extra_args
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The node's base URL."""
        return node_url(self.config)

    @property
    def port(self) -> int:
        """The port the node listens on."""
        return self.config.port

    def launch(self) -> None:
        """Start the process (do not wait)."""
        if self.sock is None:
            raise LaunchError("the node's socket was closed")
        fd = self.sock.fileno()
        with self.log_path.open("ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(
                govdesk_command("node", "serve", "--config", str(self.path), "--listen-fd", str(fd), *self.extra_args),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_environment(self.env),
                pass_fds=(fd,),
            )

    def exited(self) -> int | None:
        """The process's exit status, or None while it runs."""
        return None if self.proc is None else self.proc.poll()

    def answers(self) -> bool:
        """Whether the node answers /health as this node (another server on its port raises LaunchError)."""
        try:
            response = httpx.get(f"{self.url}/health", timeout=2, verify=False)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            origin = response.json().get("origin", self.config.origin)
        except ValueError:
            origin = None
        if origin != self.config.origin:
            raise LaunchError(f"port {self.port} of node {self.config.department} is answered by another server")
        return True

    def start(self, timeout_s: float = START_TIMEOUT_S) -> NodeProcess:
        """Start the process and wait until the node answers."""
        self.launch()
        deadline = time.monotonic() + timeout_s
        while not self.answers():
            if self.exited() is not None:
                raise LaunchError(
                    f"node {self.config.department} exited with status {self.exited()}; see {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise LaunchError(f"node {self.config.department} did not start; see {self.log_path}")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """SIGKILL the process, as a machine failure would end it (the socket stays held)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the process politely (SIGTERM), else kill it; the socket stays held for a restart."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self) -> None:
        """Stop the process and give up the port."""
        self.stop()
        if self.sock is not None:
            self.sock.close()
            self.sock = None  # type: ignore[assignment]

    def __enter__(self) -> NodeProcess:
        return self.start() if self.proc is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
