"""Benchmark: 20 windows call and finish against 10,000 waiting tickets on a loopback hall.

The hall is a `govdesk hall serve` process (SQLite, its own synchronous setting). Every window is a
thread with its own device key (Ed25519; SM2 with --suite sm2-sm3, the hall and its keys on the
national suite) and connection; each signs every request, and loops: call next, finish, until the
queue is empty. From the windows' own answers:
  calls_per_s    calls that got a ticket, per second, over the run
  call_p99_ms    the p99 of a call's round trip as the window sees it
  duplicates     tickets held by two windows at overlapping times (or one hold handed out twice), plus
                 tickets finished twice; must be 0
The baseline, in the same run: one thread doing BEGIN IMMEDIATE; UPDATE ... RETURNING; COMMIT on a table
of the same shape with the same synchronous setting (bare_tx_per_s). ratio = calls_per_s / bare_tx_per_s.
Last line: {"bench": "hall", "suite", "calls_per_s", "call_p99_ms", "duplicates", "bare_tx_per_s", "ratio"}.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.hall.config import WindowSpec, default_config, save_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.hall.store_sqlite import SYNCHRONOUS, bare_update_rate
from app.ledger.suites import SignatureSuite, key_id, suite_by_name
from app.protocol.hall_client import HallClient, HallUnavailable
from app.protocol.hall_tickets import Device

ROOT = Path(__file__).resolve().parents[1]


def _start_hall(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    port_file = directory / "port"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "hall", "serve", "--dir", str(directory), "--port-file", str(port_file)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if port_file.exists() and port_file.read_text().strip():
            url = f"http://127.0.0.1:{int(port_file.read_text())}"
            client = HallClient(url, None)
            try:
                client.health()
                return proc, url
            except HallUnavailable:
                pass
            finally:
                client.close()
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the hall did not start")


def _window(url: str, suite: SignatureSuite, seed: bytes, name: str, out: dict[str, Any], go: threading.Event) -> None:
    client = HallClient(url, suite.signer(seed), timeout_s=30)
    calls: list[tuple[int, int, int, int]] = []  # ticket, hold, call answered, finish sent
    latencies: list[float] = []
    finished: list[int] = []
    go.wait()
    while True:
        t0 = time.perf_counter_ns()
        ticket = client.call_next()
        t1 = time.perf_counter_ns()
        if ticket is None:
            break
        latencies.append((t1 - t0) / 1e6)
        t2 = time.perf_counter_ns()
        client.act(ticket, "finish")
        calls.append((ticket.id, ticket.hold or 0, t1, t2))
        finished.append(ticket.id)
    client.close()
    out[name] = {"calls": calls, "latencies": latencies, "finished": finished}


def duplicates(results: dict[str, Any]) -> int:
    """Count tickets held by two windows at overlapping times, holds handed out twice, and double finishes."""
    bad = 0
    holds: dict[tuple[int, int], str] = {}
    by_ticket: dict[int, list[tuple[int, int]]] = defaultdict(list)
    finishes: dict[int, int] = defaultdict(int)
    for name, r in results.items():
        for ticket_id, hold, start, end in r["calls"]:
            if (ticket_id, hold) in holds:
                bad += 1
            holds[(ticket_id, hold)] = name
            by_ticket[ticket_id].append((start, end))
        for ticket_id in r["finished"]:
            finishes[ticket_id] += 1
    for spans in by_ticket.values():
        spans.sort()
        bad += sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    bad += sum(1 for n in finishes.values() if n > 1)
    return bad


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures, then one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="4 windows, 300 tickets (for the test suite)")
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument(
        "--suite", choices=["ed25519", "sm2-sm3"], default="ed25519", help="the hall's and its devices' suite"
    )
    args = parser.parse_args(argv)
    windows, tickets = (4, 300) if args.tiny else (args.windows, args.tickets)
    with tempfile.TemporaryDirectory(prefix="govdesk-bench-hall-") as tmp:
        directory = Path(tmp)
        suite = suite_by_name(args.suite)
        base = default_config("office-bench", 1, suite.name)
        every = tuple(c.id for c in base.categories)
        config = replace(base, windows=tuple(WindowSpec(f"w{n:02d}", n, every) for n in range(1, windows + 1)))
        save_config(directory / "hall.json", config)
        store = open_hall_store(f"sqlite:///{directory / 'hall.db'}")
        seeds = {}
        for w in config.windows:
            seed = suite.generate_private()
            public = suite.signer(seed).public_key
            kid = key_id(suite, public)
            store.enroll(Device(kid, suite.name, public, "counter", w.id, config.office, w.id, False))
            seeds[w.id] = seed
        hall = Hall(config, store)
        per = tickets // len(every)
        for i, category in enumerate(every):
            hall.issue_many(category, per + (1 if i < tickets % len(every) else 0))
        store.close()
        rows, seconds = (2_000, 1.0) if args.tiny else (20_000, 3.0)
        bare = bare_update_rate(str(directory / "bare.db"), rows, seconds)
        proc, url = _start_hall(directory)
        try:
            results: dict[str, Any] = {}
            go = threading.Event()
            threads = [threading.Thread(target=_window, args=(url, suite, seeds[w], w, results, go)) for w in seeds]
            for t in threads:
                t.start()
            start = time.perf_counter()
            go.set()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    latencies = sorted(x for r in results.values() for x in r["latencies"])
    calls = len(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    calls_per_s = calls / elapsed
    dup = duplicates(results)
    print(f"hall: {windows} windows, {tickets} waiting tickets, SQLite synchronous={SYNCHRONOUS}, {args.suite} keys")
    print(f"  calls that got a ticket  {calls} in {elapsed:.2f} s = {calls_per_s:.0f}/s")
    print(f"  call round trip          p50 {latencies[len(latencies) // 2]:.1f} ms, p99 {p99:.1f} ms")
    print(f"  duplicates               {dup}")
    print(f"  bare transactions        {bare:.0f}/s (BEGIN IMMEDIATE; UPDATE ... RETURNING; COMMIT, one thread)")
    print(f"  ratio                    {calls_per_s / bare:.3f}")
    if calls != tickets:
        print(f"  WARNING: {tickets - calls} tickets were not called")
    print(
        json.dumps(
            {
                "bench": "hall",
                "suite": suite.name,
                "calls_per_s": round(calls_per_s, 1),
                "call_p99_ms": round(p99, 1),
                "duplicates": dup,
                "bare_tx_per_s": round(bare, 1),
                "ratio": round(calls_per_s / bare, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
