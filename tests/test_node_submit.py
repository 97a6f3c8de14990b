"""The node over real HTTP on loopback (SQLite backend): submission, every refusal, idempotency,
tile reads rebuilt by an independent client, proofs, abuse limits and hostile requests."""

from __future__ import annotations

import base64
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.ledger.bundle import encode_bundle
from app.ledger.checkpoint import open_checkpoint
from app.ledger.entry import Entry, sign_entry
from app.ledger.merkle import hash_leaf, root_of, verify_consistency, verify_inclusion
from app.ledger.suites import ED25519, Signer, key_id
from app.loopback_ports import free_port
from app.node.config import Limits, load_config
from app.node.node import CONFIG_FILE, Node, create_node, node_from_config
from app.node.service import build_app
from app.protocol.node_client import NodeClient, NodeRefused
from app.protocol.request_auth import sign_request

DEADLINE_S = 20


@dataclass
class Served:
    """A node served over HTTP on loopback, with enrolled keys."""

    node: Node
    url: str
    device: Signer
    clerk: Signer

    @property
    def origin(self) -> str:
        """The log origin."""
        return self.node.origin

    def client(self, key: Signer | None = None) -> NodeClient:
        """Return a client signing with `key` (default: the device key)."""
        return NodeClient(self.url, key=key or self.device)

    def entry(self, key: Signer, text: str, etype: str = "demo.note", log: str | None = None) -> bytes:
        """Return a signed entry of this log."""
        body = {"text": text} if etype == "demo.note" else {"case_id": text, "service": "s", "step": "a", "state": "b"}
        entry = Entry(log or self.origin, etype, 1_700_000_000_000, key_id(ED25519, key.public_key), body)
        return sign_entry(entry, key)

    def wait_published(self, size: int) -> str:
        """Wait until a checkpoint of at least `size` is published; return it."""
        client = self.client()
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            if client.health()["published_size"] >= size:
                return client.checkpoint()
            time.sleep(0.05)
        raise AssertionError(f"no checkpoint of size {size} published in {DEADLINE_S} s")


@pytest.fixture
def node_config(tmp_path: Path):
    """A fresh taxation node on SQLite in a temp dir, with tight limits for the abuse tests."""
    create_node(tmp_path / "taxation", "taxation")
    config = load_config(tmp_path / "taxation" / CONFIG_FILE, environ={})
    limits = Limits(
        rate_per_device=20, rate_burst=40, body_timeout_s=1.5, publish_interval_s=0.1, max_body_bytes=300_000
    )
    return replace(config, port=free_port(), limits=limits)


def serve(node: Node, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve `node` on loopback in a thread; return once it listens."""
    server = uvicorn.Server(
        uvicorn.Config(build_app(node), host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    return server, thread


@pytest.fixture
def served(node_config) -> Iterator[Served]:
    """The node with an enrolled device and clerk, served over HTTP."""
    node = node_from_config(node_config)
    node.open()
    device, clerk = ED25519.signer(os.urandom(32)), ED25519.signer(os.urandom(32))
    node.enroll(device.public_key, "device", "office-01/counter-01")
    node.enroll(clerk.public_key, "clerk", "office-01/clerk-wang")
    server, thread = serve(node, node_config.port)
    try:
        yield Served(node, f"http://127.0.0.1:{node_config.port}", device, clerk)
    finally:
        server.should_exit = True
        thread.join(timeout=DEADLINE_S)


def _refusal_logged(caplog: pytest.LogCaptureFixture, code: str) -> bool:
    return any(r.getMessage() == "refusal" and getattr(r, "fields", {}).get("code") == code for r in caplog.records)


# --- the happy path and reads ---------------------------------------------------------------------------
def test_submitted_entries_are_sequenced_and_a_tile_client_rebuilds_the_root(served: Served) -> None:
    client = served.client()
    entries = [served.entry(served.device, f"note {i}") for i in range(300)]
    indexes = []
    for i in range(0, 300, 60):
        results = client.submit(entries[i : i + 60])
        assert all(r.ok for r in results), results
        indexes += [r.index for r in results]
    assert sorted(indexes) == list(range(3, 303))  # 0..2 are the registry entries
    text = served.wait_published(303)
    signed = open_checkpoint(text, served.origin, served.node.keys.log_vkey)
    size = signed.checkpoint.size
    # An independent client: every entry bundle, hashed here, must give the checkpoint's root ...
    log_entries = client.entries(size)
    assert [hash_leaf(e) for e in log_entries[3:303]] == [hash_leaf(e) for e in entries]
    assert root_of([hash_leaf(e) for e in log_entries]) == signed.checkpoint.root_hash
    # ... and so must the hash tiles, level 0 and level 1.
    assert client.tree_reader(size).root(size) == signed.checkpoint.root_hash
    level0 = client.tile(0, 0)
    assert len(level0) == 8192 and client.tile(1, 0, 1) == root_of([level0[i : i + 32] for i in range(0, 8192, 32)])
    proof = client.entry(hash_leaf(entries[10]))
    assert proof.entry == entries[10] and proof.index == indexes[10]
    verify_inclusion(
        hash_leaf(entries[10]), proof.index, proof.tree_size, proof.inclusion_proof, signed.checkpoint.root_hash
    )
    old_text = served.node.store.checkpoint_at(63)
    if old_text is not None:
        old = open_checkpoint(old_text, served.origin, served.node.keys.log_vkey).checkpoint
        verify_consistency(63, size, client.consistency_proof(63, size), old.root_hash, signed.checkpoint.root_hash)
    old_root = root_of([hash_leaf(e) for e in log_entries[:50]])
    verify_consistency(50, size, client.consistency_proof(50, size), old_root, signed.checkpoint.root_hash)


def test_tile_and_checkpoint_cache_headers_and_bundle_compression(served: Served) -> None:
    client = served.client()
    assert all(r.ok for r in client.submit([served.entry(served.device, f"n{i}") for i in range(256)]))
    served.wait_published(259)
    with httpx.Client() as http:
        full = http.get(f"{served.url}/tile/0/000")
        assert full.status_code == 200 and "immutable" in full.headers["cache-control"]
        assert full.headers["content-type"] == "application/octet-stream"
        partial = http.get(f"{served.url}/tile/0/001.p/3")
        assert partial.status_code == 200 and len(partial.content) == 96
        assert http.get(f"{served.url}/tile/0/001.p/4").status_code == 404  # beyond the published tree
        assert http.get(f"{served.url}/tile/0/001").status_code == 404  # not full yet
        checkpoint = http.get(f"{served.url}/checkpoint")
        assert "no-cache" in checkpoint.headers["cache-control"]
        assert checkpoint.headers["content-type"].startswith("text/plain")
        raw = http.get(f"{served.url}/tile/entries/000", headers={"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip" and "immutable" in raw.headers["cache-control"]
        plain = http.get(f"{served.url}/tile/entries/000", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == raw.content


def test_resubmission_returns_the_original_index(served: Served) -> None:
    client = served.client()
    entry = served.entry(served.device, "once")
    [first] = client.submit([entry])
    [again] = client.submit([entry])
    [in_batch, twice] = client.submit([entry, entry])
    assert first.index == again.index == in_batch.index == twice.index
    assert served.node.store.state().size == first.index + 1


def test_concurrent_duplicate_submissions_leave_every_entry_exactly_once(served: Served) -> None:
    shared = [served.entry(served.device, f"shared {i}") for i in range(40)]
    acked: dict[bytes, set[int]] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        key = served.device if seed % 2 else served.clerk
        own = [served.entry(key, f"own {seed} {i}", etype="case.step") for i in range(10)]
        batch = shared + own
        try:
            with served.client(key) as client:
                for _ in range(3):
                    rng.shuffle(batch)
                    for entry, result in zip(batch, client.submit(batch), strict=True):
                        assert result.ok, result
                        with lock:
                            acked.setdefault(hash_leaf(entry), set()).add(result.index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE_S * 2)
    assert not errors, errors
    assert all(len(indexes) == 1 for indexes in acked.values()), "an entry was given two indexes"
    size = served.node.store.state().size
    assert size == 3 + len(acked)
    stored = served.node.store.entries(0, size)
    assert len({hash_leaf(e) for e in stored}) == size
    for h, (index,) in acked.items():
        assert hash_leaf(stored[index]) == h


# --- per-entry refusals -------------------------------------------------------------------------------------
def _one(served: Served, entry: bytes, key: Signer | None = None):
    [result] = served.client(key).submit([entry])
    return result


def test_every_entry_refusal_reason(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    node = served.node
    stranger = ED25519.signer(os.urandom(32))
    good = served.entry(served.device, "good")
    tampered = bytearray(good)
    tampered[-1] ^= 1
    dept_only = sign_entry(
        Entry(
            served.origin,
            "cert.revoke",
            1,
            key_id(ED25519, served.device.public_key),
            {"serial": "X1", "reason": "lost", "revoked_at": 1},
        ),
        served.device,
    )
    clerk_registry = sign_entry(
        Entry(
            served.origin,
            "registry.revoke",
            1,
            key_id(ED25519, served.clerk.public_key),
            {"kid": node.keys.department_kid, "reason": "coup"},
        ),
        served.clerk,
    )
    cases = {
        "malformed_entry": b"\xa0not an entry",
        "bad_signature": bytes(tampered),
        "unknown_signer": served.entry(stranger, "who am I"),
        "role_not_allowed": dept_only,
        "wrong_log": served.entry(served.device, "elsewhere", log="housing.ledger.beijing.gov.cn"),
        "entry_too_large": os.urandom(40_000),
    }
    for code, entry in cases.items():
        result = _one(served, entry)
        assert (result.index, result.code) == (None, code), (code, result)
        assert _refusal_logged(caplog, code), code
    assert _one(served, clerk_registry, served.clerk).code == "role_not_allowed"

    # A key enrolled for another department may not write this department's log.
    other = ED25519.signer(os.urandom(32))
    body = {
        "kid": key_id(ED25519, other.public_key),
        "suite": "ed25519",
        "public_key": other.public_key,
        "role": "device",
        "subject": "x",
        "department": "housing",
    }
    assert isinstance(node.write_department_entry("registry.enroll", body), int)
    node.registry.refresh()
    assert _one(served, served.entry(other, "not mine")).code == "wrong_log"

    # Revoked: the registry.revoke entry is sequenced; later entries by the key are refused.
    assert _one(served, served.entry(served.clerk, "before", etype="case.step"), served.device).ok
    node.revoke(key_id(ED25519, served.clerk.public_key), "device stolen")
    result = _one(served, served.entry(served.clerk, "after", etype="case.step"), served.device)
    assert result.code == "revoked_signer"
    assert _refusal_logged(caplog, "revoked_signer")
    size = node.store.state().size
    assert len(node.store.entries(0, size)) == size  # nothing refused was sequenced


def test_mixed_batch_answers_each_entry(served: Served) -> None:
    stranger = ED25519.signer(os.urandom(32))
    batch = [served.entry(served.device, "a"), served.entry(stranger, "b"), served.entry(served.device, "c")]
    results = served.client().submit(batch)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].code == "unknown_signer"
    assert results[2].index == results[0].index + 1


# --- request-level refusals ----------------------------------------------------------------------------
def _post(served: Served, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{served.url}/add-entries", content=body, headers=headers, timeout=DEADLINE_S)


def _code(resp: httpx.Response) -> str:
    return resp.json()["refusal"]["code"]


def test_unauthenticated_forged_stale_and_replayed_requests_are_refused(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = encode_bundle([served.entry(served.device, "x")])
    now = int(time.time() * 1000)
    assert _code(_post(served, body, {})) == "unauthenticated"
    headers = sign_request(served.device, "POST", "/add-entries", body, now)
    assert _code(_post(served, body + b"\x00", headers)) == "bad_request_signature"  # body altered
    wrong_path = sign_request(served.device, "POST", "/other", body, now)
    assert _code(_post(served, body, wrong_path)) == "bad_request_signature"
    stale = sign_request(served.device, "POST", "/add-entries", body, now - 10 * 60 * 1000)
    assert _code(_post(served, body, stale)) == "stale_request"
    future = sign_request(served.device, "POST", "/add-entries", body, now + 10 * 60 * 1000)
    assert _code(_post(served, body, future)) == "stale_request"
    fresh = sign_request(served.device, "POST", "/add-entries", body, now)
    assert _post(served, body, fresh).status_code == 200
    replay = _post(served, body, fresh)
    assert (replay.status_code, _code(replay)) == (401, "replayed_request")
    stranger = ED25519.signer(os.urandom(32))
    assert _code(_post(served, body, sign_request(stranger, "POST", "/add-entries", body, now))) == "unauthenticated"
    partial = dict(fresh)
    del partial["govdesk-signature"]
    assert _code(_post(served, body, partial)) == "bad_request_signature"
    for name, value in [
        ("govdesk-key", "zz"),
        ("govdesk-nonce", "00"),
        ("govdesk-time", "-5"),
        ("govdesk-signature", "***"),
        ("govdesk-time", "9" * 40),
    ]:
        assert _code(_post(served, body, {**fresh, name: value})) == "bad_request_signature", name
    for code in ("unauthenticated", "bad_request_signature", "stale_request", "replayed_request"):
        assert _refusal_logged(caplog, code), code


def test_revoked_device_cannot_sign_requests(served: Served) -> None:
    served.node.revoke(key_id(ED25519, served.clerk.public_key), "left the office")
    with pytest.raises(NodeRefused) as err:
        served.client(served.clerk).submit([served.entry(served.device, "relayed")])
    assert err.value.code == "revoked_signer"


def test_oversized_bodies_batches_and_malformed_bundles_are_refused(served: Served) -> None:
    client = served.client()
    with pytest.raises(NodeRefused) as err:
        client.submit([served.entry(served.device, f"b{i}") for i in range(257)])
    assert err.value.code == "batch_too_large" and err.value.status == 413
    big = os.urandom(400_000)
    headers = sign_request(served.device, "POST", "/add-entries", big, int(time.time() * 1000))
    resp = _post(served, big, headers)
    assert (resp.status_code, _code(resp)) == (413, "body_too_large")

    def chunks():
        for _ in range(40):
            yield b"\x00" * 10_000

    chunked = httpx.post(f"{served.url}/add-entries", content=chunks(), headers=headers, timeout=DEADLINE_S)
    assert _code(chunked) == "body_too_large"  # no Content-Length: counted while reading
    for body in (b"\x00\x10abc", b"", b"\x00"):
        headers = sign_request(served.device, "POST", "/add-entries", body, int(time.time() * 1000))
        assert _code(_post(served, body, headers)) == "malformed_request", body


def test_per_device_rate_limit(served: Served) -> None:
    # Eight threads share one device's bucket (20/s, bursts of 40), so the bucket empties however slow a
    # loaded machine makes each request; whatever the pace, no more than the bucket allows gets through.
    entry = served.entry(served.device, "rate")
    codes: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()

    def hammer() -> None:
        with served.client(served.clerk) as client:
            while time.monotonic() - start < DEADLINE_S:
                try:
                    client.submit([entry])
                    code = "ok"
                except NodeRefused as exc:
                    code = exc.code
                with lock:
                    codes.append(code)
                    if codes.count("rate_limited") >= 5:
                        return

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    assert codes[0] == "ok" and "rate_limited" in codes
    assert codes.count("ok") <= 40 + 20 * elapsed + 1
    assert served.client(served.device).submit([entry])[0].ok  # another device is not affected


def test_a_slow_client_holds_neither_the_sequencer_nor_other_clients(served: Served) -> None:
    body = encode_bundle([served.entry(served.device, "slow")])
    headers = sign_request(served.device, "POST", "/add-entries", body, int(time.time() * 1000))
    slow = socket.create_connection(("127.0.0.1", int(served.url.rsplit(":", 1)[1])), timeout=DEADLINE_S)
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        slow.sendall(
            f"POST /add-entries HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body[:5]
        )
        start = time.monotonic()
        [result] = served.client().submit([served.entry(served.device, "fast")])
        assert result.ok and time.monotonic() - start < 1.0
        answer = slow.recv(4096).decode()  # the slow request times out on its own (body_timeout_s = 1.5)
        assert " 408 " in answer.split("\r\n", 1)[0] and "request_timeout" in answer
    finally:
        slow.close()


# --- hostile reads ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tile/0/x000/001", 404),
        ("/tile/0/999", 404),
        ("/tile/70/000", 404),
        ("/tile/entries/001", 404),
        ("/tile/entries/000.p/200", 404),
        ("/tile/0/..%2F..%2Fetc", 404),
        ("/entry/zz", 400),
        ("/entry/" + "ab" * 32, 404),
        ("/entry/" + "g" * 64, 400),
        ("/proof/consistency", 400),
        ("/proof/consistency?old=abc", 400),
        ("/proof/consistency?old=0", 400),
        ("/proof/consistency?old=1&new=99999999999999999999", 400),
        ("/proof/consistency?old=-1", 400),
        ("/nowhere", 404),
        ("/witness/" + "00" * 32 + "/checkpoint", 404),
    ],
)
def test_hostile_reads_get_typed_refusals(served: Served, path: str, status: int) -> None:
    resp = httpx.get(served.url + path, timeout=DEADLINE_S)
    assert resp.status_code == status, resp.text
    assert resp.json()["refusal"]["code"] in ("not_found", "malformed_request")


def test_wrong_methods_and_health(served: Served) -> None:
    assert httpx.get(f"{served.url}/add-entries").status_code == 405
    assert httpx.post(f"{served.url}/checkpoint").status_code == 405
    health = httpx.get(f"{served.url}/health").json()
    assert health["status"] == "ok" and health["department"] == "taxation" and health["size"] == 3
    assert health["log_vkey"] == served.node.keys.log_vkey
    root = base64.b64decode(httpx.get(f"{served.url}/checkpoint").text.split("\n")[2])
    assert root == served.node.store.state().root


def test_signatures_verified_in_worker_processes_refuse_each_bad_one(node_config) -> None:
    node = node_from_config(replace(node_config, verify_processes=2))
    node.open()
    device, clerk = ED25519.signer(os.urandom(32)), ED25519.signer(os.urandom(32))
    node.enroll(device.public_key, "device", "office-01/counter-01")
    node.enroll(clerk.public_key, "clerk", "office-01/clerk-wang")
    server, thread = serve(node, node_config.port)
    try:
        served = Served(node, f"http://127.0.0.1:{node_config.port}", device, clerk)
        # Device entries are verified with the request's key inside the workers; clerk entries go back to the
        # pool with the clerk's key; both kinds have bad signatures among them; and two entries do not decode.
        batch = [
            served.entry(device, f"pooled {i}") if i % 2 else served.entry(clerk, f"c{i}", "case.step")
            for i in range(40)
        ]
        for i in range(0, 40, 5):  # the last byte of a COSE_Sign1 entry is its signature's
            batch[i] = batch[i][:-1] + bytes([batch[i][-1] ^ 1])
        batch[38], batch[39] = b"\xa0", b"\x00" * 40_000
        results = served.client().submit(batch)
        for i, result in enumerate(results[:38]):
            assert result.ok == (i % 5 != 0), (i, result)
            if i % 5 == 0:
                assert result.code == "bad_signature"
        assert [r.code for r in results[38:]] == ["malformed_entry", "entry_too_large"]
        stats = served.client().health()["stats"]
        assert stats["verify_processes"] == 2 and stats["verified"] >= 38 and stats["verify_cpu_s"] > 0
        assert stats["decode_cpu_s"] > 0 and stats["sequenced"] >= 30
    finally:
        server.should_exit = True
        thread.join(timeout=DEADLINE_S)
