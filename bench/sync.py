"""Benchmark: a fresh office replica syncs 100,000 entries from a local node; push rate for 5,000 queued entries.

The node (a `govdesk node serve` process on loopback, SQLite) holds 100,000 `cert.revoke` entries signed
by its department key. A fresh office pulls them all through the light client: checkpoint, tlog-tiles
entry bundles over HTTP, strict decoding, signature and role of every entry, the tree edge extended and a
consistency proof per batch, and each revocation written into the SQLCipher replica, batch by batch.
The sync runs in a child process so its peak memory is its own. The physical limit, measured in the same
run, is a bare libsodium Ed25519 verify over the same entries' signed bytes. Then 5,000 signed entries
queued in the outbox are pushed (submitted, published, inclusion proofs verified and stored).
Last line: {"bench": "sync", "suite", "entries_per_s", "ratio", "peak_rss_mb", "push_per_s"}.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import nacl.bindings

from app.ledger.entry import Entry, decode_entry, sign_entry
from app.node.config import Limits, load_config, load_keys
from app.node.launcher import NodeProcess
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.store.keywrap import KdfParams
from app.store.replica import create_office, open_replica
from app.sync.service import SyncService
from app.sync.trust import load_policy, parse_policy, save_policy

ROOT = Path(__file__).resolve().parents[1]
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSWORD = "bench password"


def build(base: Path, entries: int) -> tuple[NodeProcess, list[bytes]]:
    """Create the node with `entries` revocations and a fresh office whose device is enrolled; return the node's
    process (its port bound, not started: app.node.launcher) and the entries."""
    node_dir, office_dir = base / "node", base / "office"
    create_node(node_dir, "taxation")
    config = replace(
        load_config(node_dir / CONFIG_FILE, environ={}),
        limits=Limits(publish_interval_s=0.1, rate_per_device=1000.0, rate_burst=1000),
    )
    server = NodeProcess(node_dir / CONFIG_FILE, config)
    config = server.config
    config.save(node_dir / CONFIG_FILE)
    office = create_office(office_dir, "bench office", "admin", PASSWORD, kdf=FAST_KDF)
    node = node_from_config(config)
    node.open()
    try:
        node.enroll(office.device_signer.public_key, "device", "bench/counter-01")
        signer, kid = node.keys.department_signer, node.keys.department_kid
        data = []
        for i in range(entries):
            body = {"serial": f"{i:020X}", "reason": "bench", "revoked_at": 1_700_000_000_000 + i}
            data.append(sign_entry(Entry(config.origin, "cert.revoke", 1_700_000_000_000 + i, kid, body), signer))
        for start in range(0, len(data), 4096):
            node.sequencer.integrate([decode_entry(d) for d in data[start : start + 4096]])
        url = server.url
        policy = {
            "version": 1,
            "logs": [{"origin": config.origin, "log_vkey": node.keys.log_vkey, "witnesses": [], "quorum": 0,
                      "urls": [url]}],
        }  # fmt: skip
        save_policy(office, parse_policy(json.dumps(policy)))
    finally:
        node.stop()
        office.close()
    return server, data


def bare_verify(data: list[bytes], public_key: bytes) -> float:
    """Return entries/s of a bare libsodium Ed25519 verify over the entries' signed bytes (prepared untimed)."""
    messages = []
    for d in data:
        sign1 = decode_entry(d).sign1
        messages.append(sign1.signature + sign1.to_be_signed())
    start = time.perf_counter()
    for message in messages:
        nacl.bindings.crypto_sign_open(message, public_key)
    return len(messages) / (time.perf_counter() - start)


def child(office_dir: Path, pushes: int) -> None:
    """Sync the fresh office, then push `pushes` queued entries; print figures as JSON."""
    replica = open_replica(office_dir, "admin", PASSWORD)
    service = SyncService(replica, load_policy(replica))
    start = time.perf_counter()
    report = service.run(push=False)
    pull_s = time.perf_counter() - start
    outcome = report.logs[0]
    assert outcome.error is None, report.summary()
    origin = outcome.origin
    with replica.transaction():
        for i in range(pushes):
            entry = Entry(origin, "demo.note", replica.session.now_ms(), replica.device_kid, {"text": f"queued {i}"})
            replica.outbox.enqueue(origin, sign_entry(entry, replica.device_signer))
    start = time.perf_counter()
    pushed = service.run(pull=False)
    push_s = time.perf_counter() - start
    assert pushed.logs[0].error is None and replica.outbox.count_pending() == 0, pushed.summary()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    service.close()
    replica.close()
    print(json.dumps({"entries": outcome.pull.verified, "pull_s": pull_s, "push_s": push_s, "peak_kb": peak_kb,
                      "bytes": outcome.pull.bytes}))  # fmt: skip


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="2,000 entries and 200 pushes (a few seconds)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pushes", type=int, default=5000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.pushes)
        return
    entries, pushes = (2000, 200) if args.tiny else (100_000, 5000)
    with tempfile.TemporaryDirectory(prefix="govdesk-bench-sync-") as tmp:
        base = Path(tmp)
        t0 = time.perf_counter()
        server, data = build(base, entries)
        print(f"built a node with {entries} entries in {time.perf_counter() - t0:.1f} s")
        bare = bare_verify(data, _department_public(server.path))
        del data
        with server:  # `govdesk node serve` on the socket bound in build(); waits until it answers
            me = str(Path(__file__).resolve())
            out = subprocess.run(
                [sys.executable, me, "--child", str(base / "office"), "--pushes", str(pushes)],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True,
            )  # fmt: skip
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    rate = figures["entries"] / figures["pull_s"]
    push_rate = pushes / figures["push_s"]
    peak_mb = figures["peak_kb"] / 1024
    print(f"sync (pull) : {figures['entries']} entries in {figures['pull_s']:.2f} s = {rate:,.0f} entries/s, "
          f"{figures['bytes'] / 1e6:.1f} MB over HTTP")  # fmt: skip
    print(f"bare Ed25519 verify (libsodium) over the same entries: {bare:,.0f} entries/s")
    print(f"ratio sync / bare verify: {rate / bare:.2f} (target >= 0.4)")
    print(f"peak RSS of the syncing process: {peak_mb:.0f} MB (target < 300)")
    print(f"push: {pushes} queued entries in {figures['push_s']:.2f} s = {push_rate:,.0f} entries/s")
    print(json.dumps({"bench": "sync", "suite": "ed25519",
                      "entries_per_s": round(rate, 1), "ratio": round(rate / bare, 3),
                      "peak_rss_mb": round(peak_mb, 1), "push_per_s": round(push_rate, 1)}))  # fmt: skip


def _department_public(config_path: Path) -> bytes:
    return load_keys(Path(load_config(config_path, environ={}).keys_file)).department_signer.public_key


if __name__ == "__main__":
    main()
