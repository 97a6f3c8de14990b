"""Benchmark: cases opened and advanced at one counter, end to end, against bare sign-plus-insert.

End to end: a supervisor at one counter opens N cases of `public-security.household-transfer-out`
and takes each through all six transitions (open, verify documents, two steps, decide, close): every
transition checks state, role, department and freshness, signs a `case.step` entry and writes the
case row, the step, the outbox and the audit trail in one SQLCipher transaction. Baseline: the same
entries signed and inserted into the outbox, one transaction each. The two alternate in rounds of ten cases
and their sixty entries, so both see the same machine (other processes' disk and CPU load), and the
ratio is of the summed times. Then the work-queue query with
100,000 open cases (p50, p99 over 1,000 queries). Last line: {"bench": "cases", "suite", "ratio", "queue_p99_ms"}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from app.catalogue.catalogue import load_catalogue
from app.certs.holder import resident_id_number
from app.ledger.entry import Entry, sign_entry
from app.ledger.suites import ED25519, key_id
from app.protocol.departments import all_departments, department
from app.services import CaseDesk, DocumentCheck
from app.store.keywrap import KdfParams
from app.store.registry import KeyRecord
from app.store.replica import create_office, open_replica

SERVICE = "public-security.household-transfer-out"
ROUND = 10  # cases per round; the baseline signs and inserts the same number of entries right after each round
BENCH_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def _replica(directory: Path):
    with create_office(directory, "Bench Hall", "admin", "pw", kdf=BENCH_KDF) as admin:
        admin.accounts.add("sup", "supervisor", "pw")
        pub = admin.accounts.get("sup").public_key
        admin.registry.put_key(
            KeyRecord(key_id(ED25519, pub), "ed25519", pub, "supervisor", "sup", "public-security", 0)
        )
        now = admin.session.now_ms()
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", now)
    return open_replica(directory, "sup", "pw")


def end_to_end(replica, catalogue, cases: int, first: int = 0) -> tuple[float, int]:
    """Open and finish `cases` cases, each for a new citizen numbered from `first`; return (seconds, entries)."""
    desk = CaseDesk(replica, catalogue)
    refs = (os.urandom(32), os.urandom(32))
    start = time.perf_counter()
    for i in range(first, first + cases):
        case = desk.open(SERVICE, "张伟", resident_id_number(f"1101011990{i:07d}"))
        desk.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), refs, ()))
        desk.advance(case.case_id)
        desk.advance(case.case_id)
        desk.decide(case.case_id)
        desk.close(case.case_id)
    return time.perf_counter() - start, cases * 6


def bare(replica, entries: int) -> float:
    """Sign the same kind of entries and insert each into the outbox in its own transaction; return seconds."""
    signer = replica.account_signer
    assert signer.suite.name == "ed25519"  # pinned: the suite both sides (and the audit records) sign with
    kid = key_id(signer.suite, signer.public_key)
    origin = department("public-security").origin
    start = time.perf_counter()
    for i in range(entries):
        body = {
            "case_id": f"C{i:012X}",
            "service": SERVICE,
            "step": "decide",
            "state": "decided",
            "prev": os.urandom(32),
        }
        data = sign_entry(Entry(origin, "case.step", replica.session.now_ms(), kid, body), signer)
        with replica.transaction():
            replica.outbox.enqueue(origin, data)
    return time.perf_counter() - start


def queue_latency(replica, catalogue, open_cases: int, queries: int) -> tuple[float, float]:
    """Fill `open_cases` open cases spread over the departments; return the work-queue query p50, p99 in ms."""
    departments = [d.id for d in all_departments()]
    now = replica.session.now_ms()
    rng = random.Random(8)
    with replica.transaction():
        replica.session.conn.executemany(
            "INSERT INTO service_cases(case_id, service, state, done, pending_department, is_open, holder, head, "
            "opened_ms, updated_ms, due_ms) VALUES (?,?,?,?,?,1,?,?,?,?,?)",
            (
                (f"Q{i:011d}", SERVICE, "in-progress", 1, rng.choice(departments), os.urandom(32), os.urandom(32),
                 now, now, now + rng.randrange(1, 30) * 86_400_000)
                for i in range(open_cases)
            ),
        )  # fmt: skip
    desk = CaseDesk(replica, catalogue)
    times = []
    for i in range(queries):
        dept = departments[i % len(departments)]
        t0 = time.perf_counter()
        desk.work_queue(dept, 50)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    """Run the benchmark and print its figures; the last line is the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few seconds, for the test suite")
    args = parser.parse_args()
    cases, open_cases, queries = (20, 2_000, 100) if args.tiny else (500, 100_000, 1_000)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        replica = _replica(Path(tmp) / "office")
        try:
            seconds = base_seconds = 0.0
            entries = 0
            for first in range(0, cases, ROUND):
                round_seconds, round_entries = end_to_end(replica, catalogue, ROUND, first)
                seconds += round_seconds
                entries += round_entries
                base_seconds += bare(replica, round_entries)
            e2e_rate, base_rate = entries / seconds, entries / base_seconds
            ratio = e2e_rate / base_rate
            print(
                f"end to end: {cases} cases, {entries} transitions in {seconds:.2f} s = {e2e_rate:,.0f} transitions/s"
            )
            print(f"            = {cases / seconds:,.1f} cases opened and finished per second")
            print(f"bare sign + outbox insert: {entries} entries in {base_seconds:.2f} s = {base_rate:,.0f} entries/s")
            print(f"ratio end-to-end / bare: {ratio:.2f} (target >= 0.5)")
            p50, p99 = queue_latency(replica, catalogue, open_cases, queries)
            print(f"work queue with {open_cases:,} open cases: p50 {p50:.3f} ms, p99 {p99:.3f} ms (target p99 < 20 ms)")
        finally:
            replica.close()
    print(json.dumps({"bench": "cases", "suite": "ed25519", "ratio": round(ratio, 3), "queue_p99_ms": round(p99, 3)}))


if __name__ == "__main__":
    main()
