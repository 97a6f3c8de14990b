"""Benchmark: verify a signed log end to end, against a bare loop of Ed25519 verifications.

Prints entries/s for the full verification (read, decode, check every signature, build the tree,
check the checkpoint), the bare `cryptography` Ed25519 verify rate over the same signatures, their
ratio, and the size and verify time of one inclusion proof in a tree of 10^6 leaves.
Last line: one JSON object (see issue 2).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.ledger.bundle import decode_bundle
from app.ledger.entry import decode_entry
from app.ledger.merkle import hash_leaf, inclusion_proof, root_of, verify_inclusion
from app.logdir import ENTRIES_FILE, SIGNERS_FILE, build_demo_log, verify_log_dir


def bare_verify_rate(log_dir: Path) -> float:
    """Time `cryptography` Ed25519 verifications of every entry's signature, with nothing else."""
    signers = json.loads((log_dir / SIGNERS_FILE).read_text())
    keys = {
        bytes.fromhex(kid): Ed25519PublicKey.from_public_bytes(base64.b64decode(rec["public_key"]))
        for kid, rec in signers.items()
    }
    jobs = []
    for data in decode_bundle((log_dir / ENTRIES_FILE).read_bytes()):
        signed = decode_entry(data)
        jobs.append((keys[signed.kid], signed.sign1.signature, signed.sign1.to_be_signed()))
    start = time.perf_counter()
    for key, sig, msg in jobs:
        key.verify(sig, msg)
    return len(jobs) / (time.perf_counter() - start)


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
    parser.add_argument("--tiny", action="store_true", help="a seconds-long run that keeps the script honest")
    args = parser.parse_args()
    if args.tiny:
        args.entries, args.proof_leaves = 300, 10_000

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "log"
        t0 = time.perf_counter()
        build_demo_log(log_dir, args.entries, now_ms=1_795_000_000_000)
        print(f"built {args.entries} signed entries in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            report = verify_log_dir(log_dir)
            runs.append(report.size / (time.perf_counter() - start))
        entries_per_s = statistics.median(runs)
        bare = statistics.median(bare_verify_rate(log_dir) for _ in range(3))

    proof_bytes, proof_us = proof_figures(args.proof_leaves)
    ratio = entries_per_s / bare
    print(f"full verification   {entries_per_s:>12,.0f} entries/s  (decode, signature, tree, checkpoint)")
    print(f"bare Ed25519 verify {bare:>12,.0f} signatures/s (cryptography, same signatures)")
    print(f"ratio               {ratio:>12.2f}  (target >= 0.7)")
    print(f"inclusion proof, tree of {args.proof_leaves:,} leaves: {proof_bytes} bytes, {proof_us:.1f} us to verify")
    print(
        json.dumps(
            {
                "bench": "ledger",
                "entries_per_s": round(entries_per_s, 1),
                "bare_verify_per_s": round(bare, 1),
                "ratio": round(ratio, 3),
                "proof_bytes_1e6": proof_bytes,
                "proof_verify_us_1e6": round(proof_us, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
