"""Benchmark: verify a signed log end to end, against a bare loop of Ed25519 verifications.

Prints entries/s for the full verification (read, decode, check every signature, build the tree,
check the checkpoint) and, as its baseline, the bare verify rate of the fastest Ed25519 verifier in
the project over the same signatures: libsodium (`crypto_sign_open`, what app.ledger verifies with),
as bench/certs.py does. `ratio` is taken against that loop; `ratio_cryptography` against a bare loop
of `cryptography`'s Ed25519 (the baseline this benchmark used before).

The full verification runs as `govdesk ledger verify` runs it: on `--workers` processes (default: one
per core), each decoding and verifying batches of entries. The libsodium baseline is then measured the
same way, on as many forked processes over the same batches; `ratio` is full ÷ bare at that width. The
one-core figures (`*_1core`) and `ratio_cryptography` (one core, against `cryptography`'s loop) are
printed beside them. Also the size and verify time of one inclusion proof in a tree of 10^6 leaves.
Last line: one JSON object (issues 2 and 20).
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nacl.bindings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.ledger.bundle import decode_bundle
from app.ledger.entry import decode_entry
from app.ledger.merkle import hash_leaf, inclusion_proof, root_of, verify_inclusion
from app.logdir import BATCH_ENTRIES, ENTRIES_FILE, SIGNERS_FILE, build_demo_log, verify_log_dir

TARGET_RATIO = 0.7


def signature_jobs(log_dir: Path) -> list[tuple[bytes, bytes, bytes]]:
    """(public key, signature, signed bytes) of every entry of the log, decoded ahead of the timing."""
    signers = json.loads((log_dir / SIGNERS_FILE).read_text())
    keys = {bytes.fromhex(kid): base64.b64decode(rec["public_key"]) for kid, rec in signers.items()}
    jobs = []
    for data in decode_bundle((log_dir / ENTRIES_FILE).read_bytes()):
        signed = decode_entry(data)
        jobs.append((keys[signed.kid], signed.sign1.signature, signed.sign1.to_be_signed()))
    return jobs


def bare_libsodium_rate(jobs: list[tuple[bytes, bytes, bytes]]) -> float:
    """Time libsodium Ed25519 verifications (`crypto_sign_open`) of the signatures, with nothing else."""
    opened = [(key, sig + msg) for key, sig, msg in jobs]
    start = time.perf_counter()
    for key, signed_message in opened:
        nacl.bindings.crypto_sign_open(signed_message, key)
    return len(opened) / (time.perf_counter() - start)


# The signed messages a pool's workers verify, inherited through fork: [(public key, signature + message)].
_POOL_JOBS: list[tuple[bytes, bytes]] = []


def _open_batch(bounds: tuple[int, int]) -> int:
    for key, signed_message in _POOL_JOBS[bounds[0] : bounds[1]]:
        nacl.bindings.crypto_sign_open(signed_message, key)
    return bounds[1] - bounds[0]


def bare_libsodium_pool_rate(jobs: list[tuple[bytes, bytes, bytes]], workers: int, batch: int) -> float:
    """The libsodium loop on `workers` forked processes over batches of `batch` entries, as verification runs."""
    global _POOL_JOBS
    _POOL_JOBS = [(key, sig + msg) for key, sig, msg in jobs]
    batches = [(start, min(start + batch, len(jobs))) for start in range(0, len(jobs), batch)]
    try:
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = sum(pool.imap(_open_batch, batches))
        return done / (time.perf_counter() - start)
    finally:
        _POOL_JOBS = []


def full_rate(log_dir: Path, workers: int, batch: int) -> float:
    """Entries/s of `verify_log_dir` on `workers` processes (median of three runs)."""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        report = verify_log_dir(log_dir, workers=workers, batch_entries=batch)
        runs.append(report.size / (time.perf_counter() - start))
    return statistics.median(runs)


def bare_cryptography_rate(jobs: list[tuple[bytes, bytes, bytes]]) -> float:
    """Time `cryptography` Ed25519 verifications of the signatures, with nothing else."""
    loaded = [(Ed25519PublicKey.from_public_bytes(key), sig, msg) for key, sig, msg in jobs]
    start = time.perf_counter()
    for key, sig, msg in loaded:
        key.verify(sig, msg)
    return len(loaded) / (time.perf_counter() - start)


def proof_figures(leaves: int) -> tuple[int, float]:
    """Return (proof bytes, mean verify microseconds) for a middle leaf of a tree of `leaves` leaves."""
    hashes = [hash_leaf(i.to_bytes(8, "big")) for i in range(leaves)]
    root = root_of(hashes)
    index = leaves // 2 + 12345 % max(1, leaves // 2)
    proof = inclusion_proof(hashes, index)
    rounds = 2000
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            verify_inclusion(hashes[index], index, leaves, proof, root)
        timings.append((time.perf_counter() - start) / rounds * 1e6)
    return sum(len(h) for h in proof), statistics.median(timings)


def main() -> int:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--proof-leaves", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="verification processes")
    parser.add_argument("--batch-entries", type=int, default=BATCH_ENTRIES, help="entries per verification batch")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long run that keeps the script honest")
    args = parser.parse_args()
    if args.tiny:
        args.entries, args.proof_leaves, args.batch_entries = 600, 10_000, 128

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "log"
        t0 = time.perf_counter()
        build_demo_log(log_dir, args.entries, now_ms=1_795_000_000_000)
        print(f"built {args.entries} signed entries in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        jobs = signature_jobs(log_dir)
        entries_1core = full_rate(log_dir, 1, args.batch_entries)
        bare_1core = statistics.median(bare_libsodium_rate(jobs) for _ in range(3))
        bare_cryptography = statistics.median(bare_cryptography_rate(jobs) for _ in range(3))
        entries_per_s = full_rate(log_dir, args.workers, args.batch_entries)
        bare = statistics.median(bare_libsodium_pool_rate(jobs, args.workers, args.batch_entries) for _ in range(3))

    proof_bytes, proof_us = proof_figures(args.proof_leaves)
    ratio = entries_per_s / bare
    ratio_1core = entries_1core / bare_1core
    ratio_cryptography = entries_1core / bare_cryptography
    width = f"{args.workers} process{'es' if args.workers > 1 else ''}"
    print(f"full verification   {entries_per_s:>12,.0f} entries/s    (decode, signature, tree, checkpoint; {width})")
    print(f"bare Ed25519 verify {bare:>12,.0f} signatures/s (libsodium, same signatures, {width}: the baseline)")
    print(f"ratio               {ratio:>12.2f}  (target >= {TARGET_RATIO})")
    print(f"full verification   {entries_1core:>12,.0f} entries/s    (one core)")
    print(f"bare Ed25519 verify {bare_1core:>12,.0f} signatures/s (libsodium, one core)")
    print(f"ratio_1core         {ratio_1core:>12.2f}")
    print(f"bare Ed25519 verify {bare_cryptography:>12,.0f} signatures/s (cryptography, one core)")
    print(f"ratio_cryptography  {ratio_cryptography:>12.2f}  (one core)")
    print(f"inclusion proof, tree of {args.proof_leaves:,} leaves: {proof_bytes} bytes, {proof_us:.1f} us to verify")
    print(
        json.dumps(
            {
                "bench": "ledger",
                "workers": args.workers,
                "entries_per_s": round(entries_per_s, 1),
                "bare_verify_per_s": round(bare, 1),
                "ratio": round(ratio, 3),
                "entries_per_s_1core": round(entries_1core, 1),
                "bare_verify_per_s_1core": round(bare_1core, 1),
                "ratio_1core": round(ratio_1core, 3),
                "bare_verify_cryptography_per_s": round(bare_cryptography, 1),
                "ratio_cryptography": round(ratio_cryptography, 3),
                "proof_bytes_1e6": proof_bytes,
                "proof_verify_us_1e6": round(proof_us, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
