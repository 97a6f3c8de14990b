"""The node against slow and hostile clients, on real servers over loopback.

- 2,000 half-open-header connections from 127.0.0.2 (slowloris): a correct client on 127.0.0.1 still gets
  its answers within its timeout, the attacker's surplus connections are closed at once (per-address
  limit) and the held ones when the header deadline passes. Same guard in `node serve` and in the
  one-process federation.
- `node serve` over TLS with a certificate and key from the command line.
- The office's client checks its key pins inside the TLS handshake: a server with another key never
  receives a byte, so no signed request leaks; and an http:// node with pins configured is refused
  with a reason before any connection is made.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import resource
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.ledger.note import new_signer
from app.node.config import Limits, load_config
from app.node.federation import Federation, prepare_federation
from app.node.launcher import NodeProcess
from app.node.node import CONFIG_FILE, create_node
from app.store.replica import create_office
from app.sync.errors import InsecureNodeUrl
from app.sync.service import EXIT_UNREACHABLE, SyncService
from app.sync.transport import RetryPolicy, spki_pin
from app.sync.trust import TrustPolicy, parse_policy
from tests.store_support import FAST_KDF

REPO = Path(__file__).resolve().parents[1]
ATTACKER = "127.0.0.2"
HALF_OPEN = 2000
HEADER_TIMEOUT_S = 3.0
PER_CLIENT = 32
CLIENT_TIMEOUT_S = 5.0
DEADLINE_S = 60


@pytest.fixture(autouse=True)
def enough_descriptors() -> Iterator[None]:
    """2,000 attacker sockets need more descriptors than some shells allow by default."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 8192))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def guarded_limits() -> Limits:
    """Limits with a short header deadline, so the test sees it pass."""
    return Limits(header_timeout_s=HEADER_TIMEOUT_S, connections_per_client=PER_CLIENT, publish_interval_s=0.2)


def self_signed(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path, str]:
    """Write a self-signed certificate for `host` and its key; return their paths and the key's pin."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "govdesk test node")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = directory / "node.crt", directory / "node.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file, spki_pin(cert.public_bytes(serialization.Encoding.DER))


class ServeProcess:
    """`govdesk node serve` in its own process."""

    def __init__(self, config: Path, log: Path, *extra: str, scheme: str = "http") -> None:
        # `govdesk node serve` on a socket bound at port 0 (app.node.launcher)
        self.node = NodeProcess(config, load_config(config, environ={}), log_path=log, extra_args=extra)
        self.node.launch()
        self.port = self.node.port
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.proc = self.node.proc

    def wait_up(self, verify: ssl.SSLContext | bool = True) -> None:
        """Poll /health until it answers 200."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=2, verify=verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.proc.poll() is None, "the node process ended"
            assert time.monotonic() < deadline, "the node did not come up"
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM the process, wait, and give up its port."""
        self.node.close()


def node_config(base: Path) -> Path:
    """A taxation node on SQLite with the guarded limits; return its configuration file."""
    create_node(base / "taxation", "taxation")
    path = base / "taxation" / CONFIG_FILE
    replace(load_config(path, environ={}), limits=guarded_limits()).save(path)
    return path


def half_open_attack(port: int, count: int) -> list[socket.socket]:
    """Open `count` connections from the attacker's address, each sending an unfinished request header."""
    held: list[socket.socket] = []
    for _ in range(count):  # bounded: exactly `count` attempts
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(5)
        try:
            sock.bind((ATTACKER, 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: node\r\nX-Slow: ")
        except OSError:  # the server may already have closed a surplus connection
            sock.close()
            continue
        held.append(sock)
    return held


def closed_by_server(sock: socket.socket) -> bool:
    """True if the server has closed this connection (EOF or reset)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def correct_client_is_served(url: str, rounds: int = 20) -> list[float]:
    """A correct client's /health and /checkpoint requests, each on a new connection; return their latencies."""
    latencies = []
    for _ in range(rounds):
        started = time.monotonic()
        with httpx.Client(timeout=CLIENT_TIMEOUT_S) as client:
            assert client.get(url + "/health").status_code == 200
            assert client.get(url + "/checkpoint").status_code == 200
        latencies.append(time.monotonic() - started)
    return latencies


def assert_guarded(url: str, port: int) -> None:
    """Run the slowloris attack against the server at `url` and check the correct client and the deadlines."""
    attack: list[socket.socket] = []
    results: dict[str, list[float]] = {}

    def during() -> None:
        results["during"] = correct_client_is_served(url, rounds=10)

    try:
        client = threading.Thread(target=during)
        client.start()
        attack = half_open_attack(port, HALF_OPEN)
        client.join(timeout=DEADLINE_S)
        assert not client.is_alive()
        results["after"] = correct_client_is_served(url)
        assert max(results["during"] + results["after"]) < CLIENT_TIMEOUT_S
        # The surplus beyond the per-address limit was closed at once; the rest wait for the header deadline.
        open_now = [s for s in attack if not closed_by_server(s)]
        assert len(open_now) <= PER_CLIENT, len(open_now)
        deadline = time.monotonic() + HEADER_TIMEOUT_S + 10
        while open_now:
            open_now = [s for s in open_now if not closed_by_server(s)]
            assert time.monotonic() < deadline, f"{len(open_now)} half-open connections outlived the header deadline"
            time.sleep(0.1)
    finally:
        for sock in attack:
            sock.close()


def test_node_serve_withstands_2000_half_open_connections(tmp_path: Path) -> None:
    proc = ServeProcess(node_config(tmp_path), tmp_path / "node.log")
    try:
        proc.wait_up()
        assert_guarded(proc.url, proc.port)
    finally:
        proc.stop()


def test_federation_nodes_are_guarded_the_same_way(tmp_path: Path) -> None:
    configs = prepare_federation(tmp_path / "fed")
    configs = [replace(c, limits=guarded_limits()) for c in configs]
    federation = Federation(configs, tmp_path / "fed")
    federation.start()
    configs = federation.configs  # the ports the nodes bound
    try:
        target = configs[0]
        assert_guarded(f"http://{target.host}:{target.port}", target.port)
    finally:
        federation.stop()


def test_node_serve_speaks_tls_with_the_given_certificate(tmp_path: Path) -> None:
    cert, key, pin = self_signed(tmp_path / "tls")
    proc = ServeProcess(
        node_config(tmp_path), tmp_path / "node.log", "--tls-cert", str(cert), "--tls-key", str(key), scheme="https"
    )
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        proc.wait_up(verify=trusted)
        with (
            socket.create_connection(("127.0.0.1", proc.port), timeout=5) as raw,
            trusted.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            assert spki_pin(tls.getpeercert(True)) == pin
        with pytest.raises(httpx.HTTPError):  # plain HTTP to the TLS port gets no answer
            httpx.get(f"http://127.0.0.1:{proc.port}/health", timeout=3).raise_for_status()
    finally:
        proc.stop()


def test_serve_refuses_a_certificate_without_its_key(tmp_path: Path) -> None:
    cert, _, _ = self_signed(tmp_path / "tls")
    argv = ["node", "serve", "--config", str(node_config(tmp_path)), "--tls-cert", str(cert)]
    done = subprocess.run([sys.executable, "-m", "app.cli.main", *argv], cwd=REPO, capture_output=True, text=True)
    assert done.returncode != 0 and "go together" in done.stderr


class RecordingTlsServer:
    """A TLS server with its own key that records every application byte a client sends after the handshake."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.received = bytearray()
        self.handshakes = 0
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ctx.load_cert_chain(str(cert), str(key))
        self._sock = socket.create_server(("127.0.0.1", 0))  # port 0: held from the bind on
        self._sock.settimeout(0.1)  # a blocked accept() would not notice close(): look at the stop flag instead
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with contextlib.suppress(OSError), self._ctx.wrap_socket(conn, server_side=True) as tls:
                self.handshakes += 1
                tls.settimeout(2)
                while chunk := tls.recv(65536):
                    self.received += chunk

    def close(self) -> None:
        """Stop accepting and wait for the server thread."""
        self._stop.set()
        self._thread.join(timeout=10)
        self._sock.close()


def pinned_policy(origin: str, url: str, pin: str) -> TrustPolicy:
    """A trust policy for one log at `url`, pinned to the node key `pin`."""
    log_vkey = new_signer(origin, secrets.token_bytes(32)).verifier().vkey()
    log = {"origin": origin, "log_vkey": log_vkey, "witnesses": [], "quorum": 0, "urls": [url]}
    return parse_policy(json.dumps({"version": 1, "logs": [log], "tls": {"node_keys": [pin]}}))


def test_pins_are_checked_in_the_handshake_before_any_request_byte(tmp_path: Path) -> None:
    _, _, genuine_pin = self_signed(tmp_path / "genuine")
    other_cert, other_key, _ = self_signed(tmp_path / "impostor")
    impostor = RecordingTlsServer(other_cert, other_key)
    office = create_office(tmp_path / "office", "Pinned Hall", "admin", "pw", kdf=FAST_KDF)
    try:
        origin = "taxation.ledger.beijing.gov.cn"
        policy = pinned_policy(origin, f"https://127.0.0.1:{impostor.port}", genuine_pin)
        service = SyncService(office, policy, retry=RetryPolicy(attempts=2, base_s=0.01, cap_s=0.02, timeout_s=5))
        try:
            report = service.run()
        finally:
            service.close()
        assert report.exit_status == EXIT_UNREACHABLE
        assert "not one of the pinned keys" in str(report.logs[0].error)
        assert impostor.handshakes >= 1 and bytes(impostor.received) == b""  # no request, signed or not, was sent
    finally:
        impostor.close()
        office.close()


def test_a_plain_http_node_with_pins_configured_is_refused_with_a_reason(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # port 0: held from the bind on
    accepted: list[socket.socket] = []
    listener.settimeout(0.2)
    office = create_office(tmp_path / "office", "Plain Hall", "admin", "pw", kdf=FAST_KDF)
    try:
        origin = "taxation.ledger.beijing.gov.cn"
        policy = pinned_policy(origin, f"http://127.0.0.1:{listener.getsockname()[1]}", "ab" * 32)
        service = SyncService(office, policy, retry=RetryPolicy(attempts=1, base_s=0.01, cap_s=0.02, timeout_s=5))
        try:
            report = service.run()
        finally:
            service.close()
        [outcome] = report.logs
        assert isinstance(outcome.error, InsecureNodeUrl)
        assert "plain http://" in str(outcome.error) and report.exit_status != 0
        with contextlib.suppress(TimeoutError):
            accepted.append(listener.accept()[0])
        assert not accepted  # nothing connected at all
    finally:
        for s in accepted:
            s.close()
        listener.close()
        office.close()
