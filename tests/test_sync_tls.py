"""TLS pinning of the sync transport (issue 5): a real node served over HTTPS by uvicorn on loopback, with a
certificate from a private CA made here with `cryptography`. Sync works with that CA pinned, or with the
node's key pinned; it refuses a node whose certificate chains to another CA, a name the certificate does not
cover, an unpinned private CA, and a node key that is not the pinned one. A refused sync changes nothing."""

from __future__ import annotations

import datetime
import ipaddress
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.ledger.entry import Entry, sign_entry
from app.node.config import Limits, load_config, load_keys
from app.node.launcher import bind_node_socket
from app.node.node import CONFIG_FILE, Node, create_node, node_from_config
from app.node.service import build_app
from app.store.replica import Replica, create_office
from app.sync import SyncService, TrustPolicy, parse_policy
from app.sync.service import EXIT_OK, EXIT_UNREACHABLE
from app.sync.transport import RetryPolicy, spki_pin
from tests.store_support import FAST_KDF

RETRY = RetryPolicy(attempts=2, base_s=0.01, cap_s=0.05, timeout_s=5)


@dataclass(frozen=True)
class Pki:
    """A certificate authority and one server certificate it issued, as PEM, with the server key's pin."""

    ca_pem: str
    cert_file: Path
    key_file: Path
    server_pin: str


def make_pki(directory: Path, name: str) -> Pki:
    """A self-signed CA and a server certificate for 127.0.0.1 (only), valid for a day."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # key_cert_sign, crl_sign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "taxation node")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM).decode()
    return Pki(ca_pem, cert_file, key_file, spki_pin(server.public_bytes(serialization.Encoding.DER)))


@dataclass
class TlsNode:
    """One node served twice over HTTPS: by its own CA's certificate, and by an impostor's from another CA."""

    node: Node
    office: Replica
    genuine: Pki
    other: Pki
    genuine_port: int
    impostor_port: int

    def policy(self, url: str, *, ca_pem: str | None = None, node_keys: tuple[str, ...] = ()) -> TrustPolicy:
        """A trust policy following this node's log at `url`, with the given TLS pins (no witnesses)."""
        log = {
            "origin": self.node.origin,
            "log_vkey": self.node.keys.log_vkey,
            "witnesses": [],
            "quorum": 0,
            "urls": [url],
            "cases": "all",
        }
        tls = {"ca_pem": ca_pem, "node_keys": list(node_keys)} if ca_pem else {"node_keys": list(node_keys)}
        return parse_policy(json.dumps({"version": 1, "logs": [log], "tls": tls}))


def serve(app, pki: Pki) -> tuple[uvicorn.Server, threading.Thread, int]:
    """Serve an ASGI app over HTTPS on a loopback socket bound at port 0, in a thread; return once it listens."""
    sock = bind_node_socket("127.0.0.1", 0)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(pki.cert_file),
        ssl_keyfile=str(pki.key_file),
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the HTTPS node did not start"
        time.sleep(0.05)
    return server, thread, sock.getsockname()[1]


@pytest.fixture(scope="module")
def tls_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsNode]:
    base = tmp_path_factory.mktemp("tls")
    genuine, other = make_pki(base, "genuine"), make_pki(base, "other")
    create_node(base / "taxation", "taxation")
    config = replace(load_config(base / "taxation" / CONFIG_FILE, environ={}), limits=Limits(publish_interval_s=0.1))
    office = create_office(base / "office", "Tongzhou Hall", "admin", "pw", kdf=FAST_KDF)
    enrolling = node_from_config(config)
    try:
        enrolling.enroll(office.device_signer.public_key, "device", "tongzhou/counter-01")
    finally:
        enrolling.stop()
    node = Node(config, load_keys(Path(config.keys_file)))
    servers = [serve(build_app(node), genuine)]
    servers.append(serve(build_app(node, manage_node=False), other))
    genuine_port, impostor_port = servers[0][2], servers[1][2]
    try:
        yield TlsNode(node, office, genuine, other, genuine_port, impostor_port)
    finally:
        office.close()
        for server, thread, _port in reversed(servers):
            server.should_exit = True
            thread.join(20)


def sync(tls_node: TlsNode, policy: TrustPolicy):
    """One sync run of the office under `policy`."""
    service = SyncService(tls_node.office, policy, retry=RETRY, publish_timeout_s=10)
    try:
        return service.run()
    finally:
        service.close()


def queue_note(tls_node: TlsNode, text: str) -> bytes:
    """Queue a device-signed demo note for the node's log; return its leaf hash."""
    office = tls_node.office
    entry = Entry(tls_node.node.origin, "demo.note", office.session.now_ms(), office.device_kid, {"text": text})
    return office.outbox.enqueue(tls_node.node.origin, sign_entry(entry, office.device_signer))


def snapshot(office: Replica) -> tuple:
    """What a sync may change."""
    s = office.session
    return (
        s.all("SELECT origin, size, root_hash FROM checkpoints ORDER BY origin, size"),
        s.all("SELECT * FROM sync_logs ORDER BY origin"),
        s.all("SELECT leaf_hash, acked_ms FROM outbox ORDER BY id"),
        s.all("SELECT leaf_hash FROM log_entries ORDER BY leaf_hash"),
    )


def refused(tls_node: TlsNode, policy: TrustPolicy, reason: str) -> None:
    """Sync under `policy` is refused for `reason`, and the replica is left exactly as it was."""
    queue_note(tls_node, f"refused: {reason}")
    before = snapshot(tls_node.office)
    report = sync(tls_node, policy)
    assert report.exit_status == EXIT_UNREACHABLE, report.summary()
    [outcome] = report.logs
    assert outcome.error is not None and reason in str(outcome.error), str(outcome.error)
    assert snapshot(tls_node.office) == before


def https(port: int, host: str = "127.0.0.1") -> str:
    return f"https://{host}:{port}"


def test_sync_over_https_with_the_pinned_ca(tls_node: TlsNode) -> None:
    leaves = [queue_note(tls_node, f"note {i}") for i in range(3)]
    report = sync(tls_node, tls_node.policy(https(tls_node.genuine_port), ca_pem=tls_node.genuine.ca_pem))
    assert report.exit_status == EXIT_OK, report.summary()
    [outcome] = report.logs
    assert outcome.push.acknowledged >= 3 and outcome.pull.size_after >= 2 + 3  # two enrolments, three notes
    assert tls_node.office.outbox.count_pending() == 0
    for leaf in leaves:
        assert tls_node.office.logs.entry_by_hash(leaf).index is not None
    held = tls_node.office.logs.latest_checkpoint(tls_node.node.origin)
    assert held.size == outcome.pull.size_after


def test_a_node_whose_certificate_chains_to_another_ca_is_refused(tls_node: TlsNode) -> None:
    # An impostor in front of the same log, with a certificate from a CA the office does not pin.
    refused(
        tls_node,
        tls_node.policy(https(tls_node.impostor_port), ca_pem=tls_node.genuine.ca_pem),
        "CERTIFICATE_VERIFY_FAILED",
    )
    # And the other way round: pinning the other CA refuses the genuine node's certificate.
    refused(
        tls_node,
        tls_node.policy(https(tls_node.genuine_port), ca_pem=tls_node.other.ca_pem),
        "CERTIFICATE_VERIFY_FAILED",
    )
    # Without any pin, the system's CAs do not vouch for a private CA either.
    refused(tls_node, tls_node.policy(https(tls_node.genuine_port)), "CERTIFICATE_VERIFY_FAILED")


def test_a_name_the_certificate_does_not_cover_is_refused(tls_node: TlsNode) -> None:
    policy = tls_node.policy(https(tls_node.genuine_port, "localhost"), ca_pem=tls_node.genuine.ca_pem)
    refused(tls_node, policy, "CERTIFICATE_VERIFY_FAILED")


def test_a_pinned_node_key_is_enough_and_any_other_key_is_refused(tls_node: TlsNode) -> None:
    genuine_url = https(tls_node.genuine_port)
    leaf = queue_note(tls_node, "pinned by key")
    report = sync(tls_node, tls_node.policy(genuine_url, node_keys=(tls_node.genuine.server_pin,)))
    assert report.exit_status == EXIT_OK, report.summary()
    assert tls_node.office.logs.entry_by_hash(leaf).index is not None
    # The impostor's key is not the pinned one, even though the connection itself is fine without a CA.
    refused(
        tls_node,
        tls_node.policy(https(tls_node.impostor_port), node_keys=(tls_node.genuine.server_pin,)),
        "not one of the pinned keys",
    )
    # A valid chain to the pinned CA does not excuse a key that is not pinned.
    refused(
        tls_node,
        tls_node.policy(genuine_url, ca_pem=tls_node.genuine.ca_pem, node_keys=(tls_node.other.server_pin,)),
        "not one of the pinned keys",
    )
    # Both pins right: it syncs (and sends the entries the refused runs left queued).
    report = sync(
        tls_node, tls_node.policy(genuine_url, ca_pem=tls_node.genuine.ca_pem, node_keys=(tls_node.genuine.server_pin,))
    )
    assert report.exit_status == EXIT_OK, report.summary()
    assert tls_node.office.outbox.count_pending() == 0
