"""Benchmark: the supervisor's review on a busy office, and audit-chain verification against bare SHA-256.

Data: one office replica holding a month (May 2026) of 100,000 actions, 5,000 of them on the reviewed day
(2026-05-20): per case, a certificate verdict and the case opening in the audit trail (chained with the
store's own record hash) and five signed `case.step` entries (real Ed25519) in the outbox, case_steps and
service_cases tables, written in bulk the way app/services writes them one by one.

Measured: opening the day's review (timeline, figures, anomalies, integrity panel with the whole audit
chain and every entry's inclusion state; p95 over repeated opens, target < 1 s); opening the month
(target < 3 s); rendering the day's Chinese PDF report (target < 3 s); and the audit-chain verification
rate against bare SHA-256 chaining over the same stored records (both read from SQLCipher; target >= 0.5).
Last line: {"bench": "review", "suite", "day_open_p95_s", "month_open_s", "pdf_s", "chain_ratio"}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from app.ledger import dcbor
from app.ledger.entry import Entry, sign_entry
from app.ledger.merkle import hash_leaf
from app.ledger.suites import key_id
from app.protocol.departments import department
from app.review import open_day, open_period
from app.review.chain import record_body, verify_audit_chain
from app.review.pdf_report import render_pdf
from app.store.audit import GENESIS, record_hash
from app.store.keywrap import KdfParams
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica

BENCH_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
DAY = date(2026, 5, 20)
OFFSET_MS = 8 * 3_600_000
SERVICE = "taxation.tax-payment-certificate"
STEPS = (("open", "opened"), ("verify-documents", "documents-verified"), ("taxation.issue", "in-progress"),
         ("decide", "decided"), ("close", "closed"))  # fmt: skip
ACTIONS_PER_CASE = 2 + len(STEPS)
CLERKS = ("li", "wang", "zhao", "qian", "sun", "zhou")


def local_ms(day: date, hour: int, minute: int = 0) -> int:
    """UTC milliseconds of a local (UTC+8) time."""
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).timestamp() * 1000) - OFFSET_MS


def build_office(directory: Path, day_actions: int, month_actions: int) -> Path:
    """Create the office and write the month's cases in bulk; return its path."""
    with create_office(directory, "北京市东城区政务服务中心", "admin", "pw", kdf=BENCH_KDF) as admin:
        for name in CLERKS:
            admin.accounts.add(name, "clerk", "pw")
        admin.accounts.add("sup", "supervisor", "pw")
        for name in (*CLERKS, "sup"):
            a = admin.accounts.get(name)
            admin.registry.put_key(KeyRecord(a.kid, "ed25519", a.public_key, a.role, name, "taxation", 0))
    signers = {}
    for name in CLERKS:
        with open_replica(directory, name, "pw") as r:
            signers[name] = r.account_signer
    per_day = {d: 0 for d in range(1, 32)}
    per_day[DAY.day] = day_actions // ACTIONS_PER_CASE
    rest = max(0, month_actions - day_actions) // ACTIONS_PER_CASE
    others = [d for d in per_day if d != DAY.day]
    for i in range(rest):
        per_day[others[i % len(others)]] += 1
    with open_replica(directory, "admin", "pw") as admin:
        admin.session.conn.execute("PRAGMA synchronous = NORMAL")
        for d, cases in per_day.items():
            _write_day(admin, date(2026, 5, d), cases, signers)
    return directory


def _write_day(r: Replica, day: date, cases: int, signers) -> None:
    origin = department("taxation").origin
    conn = r.session.conn
    seq, prev = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone() or (0, GENESIS)
    device = r.device_kid
    audit, outbox, steps, service_cases, local_cases = [], [], [], [], []
    start, span = local_ms(day, 9), local_ms(day, 17, 30) - local_ms(day, 9)
    for i in range(cases):
        clerk = CLERKS[i % len(CLERKS)]
        signer = signers[clerk]
        kid = key_id(signer.suite, signer.public_key)
        t = start + span * i // max(1, cases)
        case_id = f"C{day.day:02d}{i:010X}"
        for at, action, result, detail in (
            (t, "cert.verify", "VALID", {"format": "govdesk", "code": "valid", "issuer": "ps", "serial": f"S{i}"}),
            (t + 1000, "case.open", "ok", {"case": case_id, "service": SERVICE}),
        ):
            seq += 1
            body = dcbor.encode(detail)
            digest = record_hash(prev, seq, at, clerk, device, action, result, body)
            audit.append((seq, at, clerk, device, action, result, body, prev, digest))
            prev = digest
        head = None
        for n, (step, state) in enumerate(STEPS):
            at = t + 1000 + n * 20_000
            body = {"case_id": case_id, "service": SERVICE, "step": step, "state": state}
            if head is not None:
                body["prev"] = head
            data = sign_entry(Entry(origin, "case.step", at, kid, body), signer)
            leaf = hash_leaf(data)
            outbox.append((leaf, origin, data, at, at + 60_000))
            steps.append((leaf, case_id, origin, at, step, state, head, kid, data))
            head = leaf
        service_cases.append((case_id, SERVICE, "closed", 1, None, 0, None, head, t + 1000, t + 81_000, t + 86_400_000))
        local_cases.append((case_id, SERVICE, "closed", t + 1000, t + 81_000, clerk, "张伟", "110101199001011245", ""))
    with r.transaction():
        conn.executemany("INSERT INTO audit(seq, at_ms, account, device, action, result, detail, prev_hash, hash) "
                         "VALUES (?,?,?,?,?,?,?,?,?)", audit)  # fmt: skip
        conn.executemany(
            "INSERT INTO outbox(leaf_hash, origin, data, enqueued_ms, acked_ms) VALUES (?,?,?,?,?)", outbox
        )
        conn.executemany("INSERT INTO case_steps(leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, "
                         "data, status) VALUES (?,?,?,NULL,?,?,?,?,?,?,'applied')", steps)  # fmt: skip
        conn.executemany("INSERT INTO service_cases(case_id, service, state, done, pending_department, is_open, "
                         "holder, head, opened_ms, updated_ms, due_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         service_cases)  # fmt: skip
        conn.executemany("INSERT INTO cases(case_ref, service, status, opened_ms, updated_ms, clerk, citizen_name, "
                         "citizen_id, summary) VALUES (?,?,?,?,?,?,?,?,?)", local_cases)  # fmt: skip
    r.audit._load_tail()


def bare_chain_seconds(r: Replica) -> tuple[float, int]:
    """Bare SHA-256 chaining over the same stored records (their bytes as stored), read from the database."""
    sha, prev, n = hashlib.sha256, GENESIS, 0
    start = time.perf_counter()
    for account, device, action, result, detail in r.session.execute(
        "SELECT CAST(account AS BLOB), device, CAST(action AS BLOB), CAST(result AS BLOB), detail FROM audit "
        "ORDER BY seq"
    ):
        prev = sha(prev + account + device + action + result + detail).digest()
        n += 1
    return time.perf_counter() - start, n


def main() -> None:
    """Run the benchmark and print its figures, then the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a small run for the test suite (seconds)")
    args = parser.parse_args()
    day_actions, month_actions, repeats = (350, 2100, 5) if args.tiny else (5000, 100_000, 20)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = build_office(Path(tmp) / "office", day_actions, month_actions)
        print(f"built {month_actions} actions ({day_actions} on {DAY}) in {time.perf_counter() - t0:.1f} s")
        with open_replica(path, "sup", "pw") as sup:
            now = local_ms(DAY, 17, 59)
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                review = open_day(sup, DAY, now_ms=now)
                times.append(time.perf_counter() - t)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
            print(f"day review: {len(review.period.actions)} actions, {len(review.anomalies)} anomalies, "
                  f"median {statistics.median(times):.3f} s, p95 {p95:.3f} s (target < 1 s)")  # fmt: skip
            t = time.perf_counter()
            month = open_period(sup, date(2026, 5, 1), 31, now_ms=local_ms(date(2026, 5, 31), 18))
            month_s = time.perf_counter() - t
            print(f"month review: {len(month.period.actions)} actions in {month_s:.3f} s (target < 3 s)")
            t = time.perf_counter()
            pdf = render_pdf(review)
            pdf_s = time.perf_counter() - t
            print(f"PDF report: {len(pdf) // 1024} KiB in {pdf_s:.3f} s (target < 3 s)")
            bare_s, records = min(bare_chain_seconds(sup) for _ in range(3))
            ours = []
            for _ in range(3):
                t = time.perf_counter()
                check = verify_audit_chain(sup.session)
                ours.append(time.perf_counter() - t)
            assert check.ok and check.records == records
            ours_s = min(ours)
            rows = sup.session.all("SELECT seq, at_ms, account, device, action, result, detail FROM audit")
            blobs = sup.session.all("SELECT CAST(account AS BLOB), device, CAST(action AS BLOB), "
                                    "CAST(result AS BLOB), detail FROM audit")  # fmt: skip
            t = time.perf_counter()
            for row in rows:
                hashlib.sha256(GENESIS + record_body(*row)).digest()
            encode_s = time.perf_counter() - t
            t = time.perf_counter()
            for a, b, c, d, e in blobs:
                hashlib.sha256(GENESIS + a + b + c + d + e).digest()
            bare_mem_s = time.perf_counter() - t
            ratio = bare_s / ours_s
            print(
                f"audit chain: {records} records; verified at {records / ours_s:,.0f}/s, bare SHA-256 chaining "
                f"{records / bare_s:,.0f}/s (both read from SQLCipher): ratio {ratio:.2f} (target >= 0.5)"
            )
            print(f"  in memory only: encode+hash {records / encode_s:,.0f}/s vs bare hash "
                  f"{records / bare_mem_s:,.0f}/s: ratio {bare_mem_s / encode_s:.2f}")  # fmt: skip
    print(json.dumps({"bench": "review", "suite": "ed25519",
                      "day_open_p95_s": round(p95, 4), "month_open_s": round(month_s, 4),
                      "pdf_s": round(pdf_s, 4), "chain_ratio": round(ratio, 3)}))  # fmt: skip


if __name__ == "__main__":
    main()
