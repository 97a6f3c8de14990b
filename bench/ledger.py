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
printed beside them. Each loop runs three times, in turn with the loops it is compared with (wall-clock
figures: the median); `ratio_cpu` and `ratio_1core_cpu` are the same ratios in CPU seconds (parent and
workers, best of three), which a loaded machine moves much less.
Also the size and verify time of one inclusion proof in a tree of 10^6 leaves.
All of the above on the Ed25519 suite (`"suite": "ed25519"`), so the figures stay comparable.

Then the national suite (issue 17), on one core each: `openssl speed -seconds 3 sm2`'s verify
figure (the C limit), the SM2 backend's bare verify loop over an SM2 log's own signatures, and the
full verification of a 20,000-entry SM2 log (decode, verify, tree, checkpoint), interleaved, best of
three each. `sm2_backend_ratio` = bare ÷ OpenSSL, `sm2_log_ratio` = log ÷ bare.
Last line: one JSON object (issues 2, 17 and 20).
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nacl.bindings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.ledger.bundle import decode_bundle
from app.ledger.entry import decode_entry
from app.ledger.merkle import hash_leaf, inclusion_proof, root_of, verify_inclusion
from app.ledger.sm2 import SM2_SM3
from app.logdir import BATCH_ENTRIES, ENTRIES_FILE, SIGNERS_FILE, batch_plan, build_demo_log, verify_log_dir

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


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its waited-for children (the pools' workers), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], int]) -> tuple[float, float]:
    """Run `run` (it returns how many entries it did); return (entries per wall-clock second, per CPU second)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    done = run()
    return done / (time.perf_counter() - wall), done / (cpu_seconds() - cpu)


def bare_libsodium_loop(jobs: list[tuple[bytes, bytes, bytes]]) -> Callable[[], int]:
    """The bare libsodium loop over the signatures, ready to time (the signed messages are built beforehand)."""
    opened = [(key, sig + msg) for key, sig, msg in jobs]

    def loop() -> int:
        for key, signed_message in opened:
            nacl.bindings.crypto_sign_open(signed_message, key)
        return len(opened)

    return loop


# The signed messages a pool's workers verify, inherited through fork: [(public key, signature + message)].
_POOL_JOBS: list[tuple[bytes, bytes]] = []


def _open_batch(bounds: tuple[int, int]) -> int:
    for key, signed_message in _POOL_JOBS[bounds[0] : bounds[1]]:
        nacl.bindings.crypto_sign_open(signed_message, key)
    return bounds[1] - bounds[0]


def bare_libsodium_pool_loop(jobs: list[tuple[bytes, bytes, bytes]], workers: int, batch: int) -> Callable[[], int]:
    """The libsodium loop on `workers` forked processes over the batches verification takes, ready to time."""
    signed_messages = [(key, sig + msg) for key, sig, msg in jobs]
    batches = batch_plan(len(jobs), batch, workers)

    def loop() -> int:
        global _POOL_JOBS
        _POOL_JOBS = signed_messages
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return sum(pool.imap(_open_batch, batches))
        finally:
            _POOL_JOBS = []

    return loop


def full_loop(log_dir: Path, workers: int, batch: int) -> Callable[[], int]:
    """`verify_log_dir` on `workers` processes, ready to time."""
    return lambda: verify_log_dir(log_dir, workers=workers, batch_entries=batch).size


def interleaved(rounds: int, loops: dict[str, Callable[[], int]]) -> dict[str, tuple[float, float]]:
    """Time the loops in turn, round after round (a noisy neighbour weighs on each alike); return each one's
    (median wall-clock rate, best CPU-time rate)."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in loops}
    for _ in range(rounds):
        for name, loop in loops.items():
            runs[name].append(timed(loop))
    return {name: (statistics.median(w for w, _ in rates), max(c for _, c in rates)) for name, rates in runs.items()}


def bare_cryptography_loop(jobs: list[tuple[bytes, bytes, bytes]]) -> Callable[[], int]:
    """`cryptography`'s Ed25519 verifications of the signatures, with nothing else, ready to time."""
    loaded = [(Ed25519PublicKey.from_public_bytes(key), sig, msg) for key, sig, msg in jobs]

    def loop() -> int:
        for key, sig, msg in loaded:
            key.verify(sig, msg)
        return len(loaded)

    return loop


def openssl_sm2_verify_rate(seconds: int) -> float:
    """Return `openssl speed -seconds N sm2`'s verify/s: the C limit of SM2 verification on one core."""
    result = subprocess.run(
        ["openssl", "speed", "-seconds", str(seconds), "sm2"], capture_output=True, text=True, timeout=120, check=True
    )
    match = re.search(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", result.stdout)
    if match is None:
        raise RuntimeError(f"cannot read openssl speed output: {result.stdout[-300:]!r}")
    return float(match.group(2))


def sm2_bare_verify_rate(log_dir: Path, seconds: float) -> float:
    """Time the SM2 backend's verify alone over the log's own signatures, on this one thread."""
    signers = json.loads((log_dir / SIGNERS_FILE).read_text())
    keys = {bytes.fromhex(kid): base64.b64decode(rec["public_key"]) for kid, rec in signers.items()}
    jobs = []
    for data in decode_bundle((log_dir / ENTRIES_FILE).read_bytes()):
        signed = decode_entry(data)
        jobs.append((keys[signed.kid], signed.sign1.to_be_signed(), signed.sign1.signature))
    verify = SM2_SM3.verify
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for public, message, signature in jobs:
            if not verify(public, message, signature):
                raise RuntimeError("an SM2 signature of the demo log did not verify")
        done += len(jobs)
    return done / (time.perf_counter() - start)


def sm2_figures(entries: int, openssl_seconds: int) -> dict[str, float]:
    """Build an SM2 log of `entries`, then time OpenSSL, the bare backend loop and the full log verification."""
    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "sm2log"
        t0 = time.perf_counter()
        build_demo_log(log_dir, entries, now_ms=1_795_000_000_000, suite=SM2_SM3)
        print(f"built {entries} SM2-signed entries in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        log_runs, bare_runs, openssl_runs = [], [], []
        for _ in range(3):  # interleaved, best of three each: a noisy neighbour weighs on all three alike
            openssl_runs.append(openssl_sm2_verify_rate(openssl_seconds))
            bare_runs.append(sm2_bare_verify_rate(log_dir, seconds=max(1.0, entries / 4000)))
            start = time.perf_counter()
            report = verify_log_dir(log_dir)
            log_runs.append(report.size / (time.perf_counter() - start))
    openssl = max(openssl_runs)
    bare = max(bare_runs)
    log_rate = max(log_runs)
    return {
        "sm2_openssl_verify_per_s": round(openssl, 1),
        "sm2_bare_verify_per_s": round(bare, 1),
        "sm2_log_entries_per_s": round(log_rate, 1),
        "sm2_backend_ratio": round(bare / openssl, 3),
        "sm2_log_ratio": round(log_rate / bare, 3),
    }


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
    parser.add_argument("--sm2-entries", type=int, default=20_000, help="size of the SM2 log")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long run that keeps the script honest")
    args = parser.parse_args()
    if args.tiny:
        args.entries, args.proof_leaves, args.batch_entries, args.sm2_entries = 600, 10_000, 128, 200

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "log"
        t0 = time.perf_counter()
        build_demo_log(log_dir, args.entries, now_ms=1_795_000_000_000)
        print(f"built {args.entries} signed entries in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        jobs = signature_jobs(log_dir)
        one_core = interleaved(
            3,
            {
                "full": full_loop(log_dir, 1, args.batch_entries),
                "bare": bare_libsodium_loop(jobs),
                "cryptography": bare_cryptography_loop(jobs),
            },
        )
        pooled = interleaved(
            3,
            {
                "full": full_loop(log_dir, args.workers, args.batch_entries),
                "bare": bare_libsodium_pool_loop(jobs, args.workers, args.batch_entries),
            },
        )
    entries_1core, bare_1core, bare_cryptography = (one_core[k][0] for k in ("full", "bare", "cryptography"))
    entries_per_s, bare = pooled["full"][0], pooled["bare"][0]
    ratio_1core_cpu = one_core["full"][1] / one_core["bare"][1]
    ratio_cpu = pooled["full"][1] / pooled["bare"][1]

    proof_bytes, proof_us = proof_figures(args.proof_leaves)
    sm2 = sm2_figures(args.sm2_entries, openssl_seconds=1 if args.tiny else 3)
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
    print(f"ratio_cpu           {ratio_cpu:>12.2f}  (CPU seconds, {width}, workers and parent, best of three)")
    print(f"ratio_1core_cpu     {ratio_1core_cpu:>12.2f}  (CPU seconds, one core, best of three)")
    print(f"bare Ed25519 verify {bare_cryptography:>12,.0f} signatures/s (cryptography, one core)")
    print(f"ratio_cryptography  {ratio_cryptography:>12.2f}  (one core)")
    print(f"inclusion proof, tree of {args.proof_leaves:,} leaves: {proof_bytes} bytes, {proof_us:.1f} us to verify")
    print("suite sm2-sm3, one core:")
    print(f"  openssl speed sm2   {sm2['sm2_openssl_verify_per_s']:>12,.0f} verifies/s (the C limit)")
    print(f"  bare backend verify {sm2['sm2_bare_verify_per_s']:>12,.0f} verifies/s (ctypes -> libcrypto)")
    print(f"  full SM2 log        {sm2['sm2_log_entries_per_s']:>12,.0f} entries/s ({args.sm2_entries:,} entries)")
    print(f"  backend ratio       {sm2['sm2_backend_ratio']:>12.2f}  (target >= 0.5)")
    print(f"  log ratio           {sm2['sm2_log_ratio']:>12.2f}  (target >= 0.7)")
    print(
        json.dumps(
            {
                "bench": "ledger",
                "suite": "ed25519",
                "workers": args.workers,
                "entries_per_s": round(entries_per_s, 1),
                "bare_verify_per_s": round(bare, 1),
                "ratio": round(ratio, 3),
                "entries_per_s_1core": round(entries_1core, 1),
                "bare_verify_per_s_1core": round(bare_1core, 1),
                "ratio_1core": round(ratio_1core, 3),
                "ratio_cpu": round(ratio_cpu, 3),
                "ratio_1core_cpu": round(ratio_1core_cpu, 3),
                "bare_verify_cryptography_per_s": round(bare_cryptography, 1),
                "ratio_cryptography": round(ratio_cryptography, 3),
                "proof_bytes_1e6": proof_bytes,
                "proof_verify_us_1e6": round(proof_us, 2),
                **sm2,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
