"""Benchmark: the SQLCipher office replica against plain SQLite with the same schema and statements.

Fills both with N ledger entries of about 300 bytes (batches of 1,000 per transaction) and 100,000
cases, then measures inserts/s, point lookups by entry hash (p50, p99), a case search by date
range, and the unlock of the replica (Argon2id + open + rollback check + login record, with the
acting account's own signing key unsealed). Every figure is printed with its slowdown against plain
SQLite (SQLCipher time / SQLite time). Issue 15 adds the audited action: one audit record committed
with its chain-head write, signed by the account's key (`audit_append_us`), against the same
action unsigned on the same replica (`audit_sign_ratio`, target <= 1.5). Issue 17: `--suite` picks the
office's signature suite (its accounts' and device's keys): `ed25519` (the default, so the figures stay
comparable with earlier runs) or `sm2-sm3`; the JSON line names it under "suite".
Both connections get the same journal, sync and page-cache settings (app.store.connection.configure),
and the two engines take turns batch by batch and probe by probe, so both see the same machine load.
Last line: one JSON object (see issue 3).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from app.certs.holder import resident_id_number
from app.ledger.merkle import hash_leaf
from app.store.connection import DEFAULT_CACHE_KIB, configure
from app.store.keywrap import DEFAULT_KDF
from app.store.logs import ENTRY_BY_HASH_SQL, INSERT_ENTRY_SQL
from app.store.replica import create_office, open_replica
from app.store.schema import Connection, migrate

ORIGIN = "example.gov/dept-a"
BATCH = 1000
CASE_SQL = (
    "INSERT INTO cases(case_ref, service, status, opened_ms, updated_ms, clerk, citizen_name, citizen_id, summary) "
    "VALUES (?,?,?,?,?,?,?,?,?)"
)
SEARCH_SQL = (
    "SELECT case_ref, service, status, opened_ms FROM cases WHERE opened_ms BETWEEN ? AND ? "
    "ORDER BY opened_ms DESC LIMIT 200"
)
DAY_MS = 86_400_000
START_MS = 1_780_000_000_000


def make_entries(n: int, seed: int) -> list[tuple]:
    """Return n (leaf_hash, origin, idx, data, proof) rows with 300-byte entries."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        data = b"\xd2\x84" + i.to_bytes(8, "big") + rng.randbytes(290)
        rows.append((hash_leaf(data), ORIGIN, i, data, None))
    return rows


def make_cases(n: int) -> list[tuple]:
    """Return n case rows spread over a year."""
    rng = random.Random(3)
    return [
        (f"C{i:012d}", rng.choice(["passport", "hukou", "licence"]), "open", START_MS + i * (365 * DAY_MS // n),
         START_MS, "clerk", f"citizen {i}", resident_id_number(f"1101011990{i:07d}"), "summary of the case " * 3)
        for i in range(n)
    ]  # fmt: skip


def workload(
    engines: dict[str, Connection], entries: list[tuple], cases: list[tuple], probes: list[bytes], windows: list[int]
) -> dict[str, dict]:
    """Run the same inserts, lookups and searches on each connection, interleaved batch by batch (so that both
    engines see the same machine load at the same moment); return the timings per engine."""
    names = list(engines)
    insert_s = dict.fromkeys(names, 0.0)
    for i in range(0, len(entries), BATCH):
        for name, conn in engines.items():
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT_ENTRY_SQL, entries[i : i + BATCH])
            conn.execute("COMMIT")
            insert_s[name] += time.perf_counter() - start
    for i in range(0, len(cases), BATCH):
        for conn in engines.values():
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(CASE_SQL, cases[i : i + BATCH])
            conn.execute("COMMIT")
    for leaf in probes[: len(probes) // 10]:  # warm the page cache the way a day at the counter would
        for conn in engines.values():
            conn.execute(ENTRY_BY_HASH_SQL, (leaf,)).fetchone()
    lookups: dict[str, list[int]] = {name: [] for name in names}
    for leaf in probes:
        for name, conn in engines.items():
            t = time.perf_counter_ns()
            row = conn.execute(ENTRY_BY_HASH_SQL, (leaf,)).fetchone()
            lookups[name].append(time.perf_counter_ns() - t)
            assert row is not None
    searches: dict[str, list[int]] = {name: [] for name in names}
    for day in windows:
        for name, conn in engines.items():
            t = time.perf_counter_ns()
            rows = conn.execute(SEARCH_SQL, (START_MS + day * DAY_MS, START_MS + (day + 7) * DAY_MS)).fetchall()
            searches[name].append(time.perf_counter_ns() - t)
            assert rows
    out = {}
    for name in names:
        done = sorted(lookups[name])
        out[name] = {
            "insert_per_s": len(entries) / insert_s[name],
            "lookup_mean_us": statistics.fmean(done) / 1000,
            "lookup_p50_ms": done[len(done) // 2] / 1e6,
            "lookup_p99_ms": done[int(len(done) * 0.99)] / 1e6,
            "search_mean_ms": statistics.fmean(searches[name]) / 1e6,
        }
    return out


def audit_append(office: Path, cache_kib: int, n: int) -> dict[str, Any]:
    """Time one fully committed audited action (its transaction, commit and chain-head write), signed by the acting
    account's key (in the office's suite) and, in alternating rounds on the same replica, the same action unsigned."""
    replica = open_replica(office, "admin", "bench-password", cache_kib=cache_kib)
    try:
        signer = replica.account_signer
        assert signer is not None and signer.suite.name == replica.accounts.suite()
        trails = {"signed": replica.audit.with_signer(signer), "unsigned": replica.audit.with_signer(None)}
        best: dict[str, float] = {"signed": float("inf"), "unsigned": float("inf")}
        rounds = 5
        for _ in range(rounds):
            for name, trail in trails.items():
                t = time.perf_counter()
                for i in range(n // rounds):
                    trail.append("cert.verify", "VALID", {"serial": f"{i:020d}", "type": "eid"})
                    replica.flush_head()  # the head beside the database is on disk: the action is complete
                best[name] = min(best[name], (time.perf_counter() - t) / (n // rounds) * 1e6)
        return {"signed_us": best["signed"], "unsigned_us": best["unsigned"], "suite": signer.suite.name}
    finally:
        replica.close()


def main() -> int:
    """Run the benchmark and print its figures and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few seconds: 20,000 entries, 2,000 cases")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--cache-kib", type=int, default=DEFAULT_CACHE_KIB)
    parser.add_argument("--suite", choices=("ed25519", "sm2-sm3"), default="ed25519",
                        help="the office's signature suite (default ed25519)")  # fmt: skip
    args = parser.parse_args()
    n = args.entries or (20_000 if args.tiny else 1_000_000)
    n_cases = 2_000 if args.tiny else 100_000
    n_probes = 2_000 if args.tiny else 50_000
    entries = make_entries(n, 1)
    cases = make_cases(n_cases)
    rng = random.Random(5)
    probes = [entries[rng.randrange(n)][0] for _ in range(n_probes)]
    windows = [rng.randrange(350) for _ in range(200)]
    print(f"{n:,} entries of {len(entries[0][3])} bytes, {n_cases:,} cases, {n_probes:,} lookups, "
          f"page cache {args.cache_kib:,} KiB on both engines, office keys in {args.suite}")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="bench-replica-") as tmp:
        office = Path(tmp) / "office"
        replica = create_office(
            office, "Bench Hall", "admin", "bench-password", cache_kib=args.cache_kib, suite=args.suite
        )
        plain_path = Path(tmp) / "plain.db"
        plain = sqlite3.connect(plain_path, isolation_level=None)
        configure(plain, cache_kib=args.cache_kib)
        migrate(plain)
        timings = workload({"sqlcipher": replica.session.conn, "sqlite": plain}, entries, cases, probes, windows)
        cipher, base = timings["sqlcipher"], timings["sqlite"]
        replica.close()
        plain.close()
        sizes = (office / "replica.db").stat().st_size, plain_path.stat().st_size

        salt = os.urandom(16)
        t = time.perf_counter()
        hash_secret_raw(b"bench-password", salt, DEFAULT_KDF.time_cost, DEFAULT_KDF.memory_kib,
                        DEFAULT_KDF.parallelism, 32, Type.ID)  # fmt: skip
        argon_s = time.perf_counter() - t
        unlocks = []
        for _ in range(3):
            t = time.perf_counter()
            open_replica(office, "admin", "bench-password", cache_kib=args.cache_kib).close()
            unlocks.append(time.perf_counter() - t)
        unlock_s = min(unlocks)
        audit = audit_append(office, args.cache_kib, 200 if args.tiny else 2_000)
        t = time.perf_counter()
        for _ in range(3):
            conn = sqlite3.connect(plain_path)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.close()
        plain_open_s = (time.perf_counter() - t) / 3

    insert_ratio = base["insert_per_s"] / cipher["insert_per_s"]
    lookup_ratio = cipher["lookup_mean_us"] / base["lookup_mean_us"]
    rows = [
        ("inserts/s", f"{cipher['insert_per_s']:,.0f}", f"{base['insert_per_s']:,.0f}", insert_ratio),
        ("lookup mean (us)", f"{cipher['lookup_mean_us']:.1f}", f"{base['lookup_mean_us']:.1f}", lookup_ratio),
        ("lookup p50 (ms)", f"{cipher['lookup_p50_ms']:.4f}", f"{base['lookup_p50_ms']:.4f}",
         cipher["lookup_p50_ms"] / base["lookup_p50_ms"]),
        ("lookup p99 (ms)", f"{cipher['lookup_p99_ms']:.4f}", f"{base['lookup_p99_ms']:.4f}",
         cipher["lookup_p99_ms"] / base["lookup_p99_ms"]),
        ("case search, 7-day range (ms)", f"{cipher['search_mean_ms']:.3f}", f"{base['search_mean_ms']:.3f}",
         cipher["search_mean_ms"] / base["search_mean_ms"]),
        ("unlock / open (s)", f"{unlock_s:.3f}", f"{plain_open_s:.4f}", unlock_s / plain_open_s),
    ]  # fmt: skip
    sign_ratio = audit["signed_us"] / audit["unsigned_us"]
    print(f"{'figure':<32}{'SQLCipher':>14}{'plain SQLite':>14}{'slowdown':>10}")
    for name, c, b, ratio in rows:
        print(f"{name:<32}{c:>14}{b:>14}{ratio:>9.2f}x")
    print(f"Argon2id t={DEFAULT_KDF.time_cost} m={DEFAULT_KDF.memory_kib // 1024} MiB p={DEFAULT_KDF.parallelism}: "
          f"{argon_s:.3f} s of the {unlock_s:.3f} s unlock")  # fmt: skip
    print(f"file sizes: replica {sizes[0] / 1e6:.1f} MB, plain {sizes[1] / 1e6:.1f} MB")
    print(
        f"audited action, committed with its head write ({audit['suite']}): signed {audit['signed_us']:.0f} us, "
        f"unsigned {audit['unsigned_us']:.0f} us, ratio {sign_ratio:.3f} (target <= 1.5)"
    )
    print(json.dumps({
        "bench": "replica",
        "suite": args.suite,
        "insert_ratio": round(insert_ratio, 3),
        "lookup_ratio": round(lookup_ratio, 3),
        "lookup_p99_ms": round(cipher["lookup_p99_ms"], 4),
        "unlock_s": round(unlock_s, 3),
        "audit_append_us": round(audit["signed_us"], 1),
        "audit_sign_ratio": round(sign_ratio, 3),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
