"""Benchmark: a department node sequencing on PostgreSQL under concurrent clients, against raw INSERTs.

Run from the repository root: `.venv/bin/python -m bench.node [--tiny]`.

Starts a throwaway PostgreSQL cluster (devtools.pg_cluster: a Unix socket only; as the `postgres` OS user when run as
root), a node on it (`govdesk node serve` in a subprocess, signatures verified on one worker
process per core, static tiles written for nginx), then:
  1. C client threads submit pre-signed entries in signed batches of B for T seconds; each entry's
     submit-to-included latency is the time until its batch is answered, which happens only after
     the entry, its tiles and a signed checkpoint covering it have committed. The requests are signed
     before the timed window and sent as raw HTTP/1.1 on one keep-alive connection per client, so that
     the generator takes little of the cores it shares with the node (its CPU per entry is printed);
  2. the gaps between successive signed checkpoints during the run (they must stay under 1 s), and how many
     entries a batch (one checkpoint per sequencing transaction) held;
  3. C threads read tiles and entry bundles for a few seconds (tile reads/s);
  4. baseline: C connections INSERT the same rows (index, hash, entry) into a table of the same
     shape, in transactions of B rows, for the same number of rows (raw INSERT rows/s);
  5. verification yardstick: the bare libsodium verify rate of the same entries on one core
     (`verify_ratio` = sequenced entries/s over it), with the node's CPU per entry split into
     decode and checks, signature verification (worker processes), the sequencing transaction
     (SQL, tree, checkpoint) and HTTP (the rest of the node process);
  6. static reads: wrk (C, keep-alive, 8 connections, 10 s) reads random full tiles from nginx
     serving the node's static files, then the same paths through the node's own tile endpoint
     (`static_read_ratio` = nginx over node). The generator never shares a core with the server
     it drives: wrk runs on core 0 with one thread, every process and thread of the server
     (nginx's workers; the node's HTTP workers, verifiers and sequencer) on the last core. The
     server's CPU seconds a read (/proc) are measured too: `static_cpu_ratio` = node over nginx;
  7. failover: the node on a primary with a synchronous standby (pg_basebackup), under load; the
     primary is SIGKILLed, the standby promoted; `failover_gap_s` is the longest time no
     submission was acknowledged.
Last line: {"bench": "node", "suite", "entries_per_s", "p99_included_s", "ratio", "tile_reads_per_s", "verify_ratio",
"static_tile_reads_per_s", "node_tile_reads_per_s", "static_read_ratio", "static_cpu_ratio", "failover_gap_s"}.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import nacl.bindings
import psycopg

from app.ledger.bundle import encode_bundle
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.merkle import hash_leaf
from app.ledger.suites import ED25519, Signer, key_id
from app.node.config import Limits, load_config
from app.node.launcher import NodeProcess
from app.node.nginx import NginxServer
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.protocol.node_client import NodeClient, NodeRefused
from app.protocol.request_auth import sign_request
from app.protocol.tiles import TILE_WIDTH, tile_path, tile_width_at
from devtools.pg_cluster import SOCKET_PORT, PgCluster
from devtools.process_tree import child_pids, descendants

REPO = Path(__file__).resolve().parent.parent


def bench_postgres() -> PgCluster:
    """The benchmark's PostgreSQL cluster (devtools.pg_cluster): its own directory, a Unix socket only, 200
    connections."""
    return PgCluster("bench-node", {"max_connections": "200"}).initdb().start()


def create_database(pg: PgCluster, name: str) -> str:
    """Create a database on the cluster; return its URL."""
    pg.execute(f'CREATE DATABASE "{name}"')
    return pg.url(name)


def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_entries(origin: str, key: Signer, prefix: str, n: int) -> list[bytes]:
    """Return `n` signed case.step entries."""
    kid = key_id(ED25519, key.public_key)
    now = int(time.time() * 1000)
    return [
        sign_entry(
            Entry(
                origin,
                "case.step",
                now,
                kid,
                {"case_id": f"{prefix}-{i}", "service": "bench", "step": "s", "state": "ok"},
            ),
            key,
        )
        for i in range(n)
    ]


def presigned_requests(url: str, key: Signer, batches: list[list[bytes]]) -> list[bytes]:
    """Return one raw HTTP/1.1 `POST /add-entries` per batch, each signed now by `key` with a fresh nonce: the load
    generator signs before the timed window (the timestamps stay well inside the node's clock skew, 120 s), so that
    during it the generator only sends bytes and reads answers, and leaves the machine's cores to the node."""
    host = urlsplit(url).netloc
    out = []
    for batch in batches:
        body = encode_bundle(batch)
        headers = sign_request(key, "POST", "/add-entries", body, int(time.time() * 1000))
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        start = f"POST /add-entries HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n{head}\r\n"
        out.append(start.encode() + body)
    return out


def read_response(sock: socket.socket, buffered: bytearray) -> tuple[int, bytes]:
    """Read one HTTP/1.1 response with a Content-Length from a keep-alive socket (bytes past it stay in
    `buffered`); return its status and body."""
    while (end := buffered.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the node closed the connection")
        buffered += chunk
    head = bytes(buffered[:end]).decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in head[1:] if line.lower().startswith("content-length:"))
    while len(buffered) < end + 4 + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the node closed the connection")
        buffered += chunk
    body = bytes(buffered[end + 4 : end + 4 + length])
    del buffered[: end + 4 + length]
    return int(head[0].split()[1]), body


def submit_load(url: str, requests: list[list[bytes]], seconds: float) -> tuple[int, list[float], float]:
    """Each client thread sends its pre-signed requests, one at a time on one keep-alive connection, until time is
    up; return (entries acknowledged with an index, latencies, elapsed)."""
    latencies: list[float] = []
    acked = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    address = urlsplit(url)

    def client(n: int) -> None:
        with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffered = bytearray()
            for request in requests[n]:
                if time.perf_counter() >= stop_at:
                    return
                t0 = time.perf_counter()
                sock.sendall(request)
                status, body = read_response(sock, buffered)
                dt = time.perf_counter() - t0
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
                ok = sum(1 for r in json.loads(body)["results"] if "index" in r)
                with lock:
                    acked[0] += ok
                    latencies.extend([dt] * ok)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(requests))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acked[0], latencies, time.perf_counter() - start


def tile_reads(url: str, size: int, clients: int, seconds: float) -> float:
    """Read random tiles and entry bundles of the tree of `size` for `seconds`; return reads/s."""
    paths = []
    for level in range(3):
        for index in range((size >> (8 * level)) // TILE_WIDTH + 1):
            width = tile_width_at(level, index, size)
            if width:
                paths.append(tile_path(level, index, None if width == TILE_WIDTH else width))
    for index in range(size // TILE_WIDTH + 1):
        width = tile_width_at(0, index, size)
        if width:
            paths.append(tile_path(None, index, None if width == TILE_WIDTH else width))
    count = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        n = 0
        with httpx.Client(headers={"Accept-Encoding": "gzip"}) as http:
            while time.perf_counter() < stop_at:
                resp = http.get(f"{url}/{rng.choice(paths)}")
                resp.raise_for_status()
                n += 1
        with lock:
            count[0] += n

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / (time.perf_counter() - start)


def raw_insert(url: str, rows: list[tuple[int, bytes, bytes]], clients: int, batch: int) -> float:
    """INSERT `rows` from `clients` connections in transactions of `batch` rows; return rows/s."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE raw_entries (idx BIGINT PRIMARY KEY, hash BYTEA NOT NULL UNIQUE, data BYTEA NOT NULL)"
        )
    chunks = [rows[i : i + batch] for i in range(0, len(rows), batch)]

    def inserter(n: int) -> None:
        with psycopg.connect(url) as conn:
            for chunk in chunks[n::clients]:
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany("INSERT INTO raw_entries (idx, hash, data) VALUES (%s, %s, %s)", chunk)

    threads = [threading.Thread(target=inserter, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(rows) / (time.perf_counter() - start)


def bare_verify_rate(entries: list[bytes], keys: dict[bytes, bytes], limit: int) -> float:
    """The single-core bare libsodium verify rate of (up to `limit` of) these entries: signatures/s."""
    jobs = []
    for data in entries[:limit]:
        sign1 = decode_entry(data).sign1
        jobs.append((sign1.signature + sign1.to_be_signed(), keys[sign1.kid]))
    start = time.perf_counter()
    for signed_message, public_key in jobs:
        nacl.bindings.crypto_sign_open(signed_message, public_key)
    return len(jobs) / (time.perf_counter() - start)


def process_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


STAT_KEYS = ("checked", "decode_cpu_s", "check_cpu_s", "verified", "verify_cpu_s", "sequenced", "sequence_cpu_s")


def node_stats(url: str, pid: int, http_processes: int) -> tuple[dict[str, float], dict[str, float]]:
    """Sum the health stats of every HTTP process (fresh connections until each answered); return them and the CPU
    seconds of the parent and of its HTTP worker processes."""
    per_pid: dict[int, dict[str, float]] = {}
    workers = child_pids(pid) if http_processes > 1 else [pid]
    for _ in range(500):
        doc = httpx.get(f"{url}/health", timeout=10).json()
        per_pid[doc.get("process", {}).get("pid", pid)] = doc["stats"]
        if set(workers) <= set(per_pid):
            break
    totals: dict[str, float] = {k: sum(s[k] for s in per_pid.values()) for k in STAT_KEYS}
    totals["verify_processes"] = max(s["verify_processes"] for s in per_pid.values())
    cpu = {"parent": process_cpu_s(pid), "workers": sum(process_cpu_s(w) for w in workers if w != pid)}
    return totals, cpu


def full_tile_paths(size: int) -> list[str]:
    """The paths of every full hash tile and full entry bundle of a tree of `size` (all tiles if none is full)."""
    paths = []
    for level in range(3):
        for index in range((size >> (8 * level)) // TILE_WIDTH):
            paths.append(tile_path(level, index))
    paths += [tile_path(None, index) for index in range(size // TILE_WIDTH)]
    if paths:
        return paths
    return [tile_path(0, 0, size), tile_path(None, 0, size)]


def pin(pids: list[int], cores: set[int]) -> None:
    """Run every thread of these processes on `cores` only (Linux)."""
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):  # a thread that has just ended
                os.sched_setaffinity(int(task.name), cores)


def wrk_reads(url: str, paths: list[str], seconds: float, work: Path, server_pid: int) -> tuple[float, float]:
    """Read random `paths` from `url` with wrk (keep-alive, 8 connections); return requests/s and the CPU seconds
    per read the server spent (the process `server_pid` and all below it, from /proc).

    On a machine of two cores or more the load generator and the server never share a core: wrk runs on core 0
    (one thread) and every process and thread of the server on the last core, for nginx and the node alike; their
    affinity is given back afterwards. On one core both share it."""
    script = work / f"paths-{secrets.token_hex(4)}.lua"
    listing = ",\n".join(json.dumps("/" + p) for p in paths)
    script.write_text(
        "local paths = {\n" + listing + "\n}\n"
        "math.randomseed(os.time())\n"
        'request = function() return wrk.format("GET", paths[math.random(#paths)]) end\n'
    )
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: run scripts/setup (Debian package wrk)")
    server = descendants(server_pid)
    every = os.sched_getaffinity(0)
    isolate = len(every) >= 2
    command = [wrk, "-t1" if isolate else "-t2", "-c8", f"-d{seconds:g}s", "-s", str(script), url]
    if isolate:
        command = ["taskset", "-c", str(min(every)), *command]  # util-linux
        pin(server, {max(every)})
    cpu_before = sum(process_cpu_s(pid) for pid in server)
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        cpu = sum(process_cpu_s(pid) for pid in server) - cpu_before
    finally:
        if isolate:
            pin(server, every)
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"wrk got error responses from {url}:\n{out}")
    rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec:")).split(":")[1])
    reads = int(next(line for line in out.splitlines() if " requests in " in line).split()[0])
    return rate, cpu / max(reads, 1)


def failover_gap(work: Path, seconds: float) -> float:
    """Run a node on a primary with a synchronous standby under load, SIGKILL the primary, promote the
    standby; return the longest time in seconds no submission was acknowledged."""
    primary = PgCluster("bench-primary", {"wal_level": "replica", "max_wal_senders": "4"}).initdb().start()
    clusters = [primary]
    proc = None
    try:
        primary.execute("CREATE DATABASE node")
        standby = primary.standby("bench-standby", "standby1")
        clusters.append(standby)
        standby.start()
        primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        primary.execute("SELECT pg_reload_conf()")
        url = (
            f"postgresql://postgres@/node?host={primary.socket_dir},{standby.socket_dir}"
            f"&port={SOCKET_PORT},{SOCKET_PORT}&target_session_attrs=read-write"
        )
        create_node(work / "failover", "taxation", db_url=url)
        path = work / "failover" / CONFIG_FILE
        limits = Limits(rate_per_device=1e6, rate_burst=1_000_000, db_retry_s=2.0, submit_wait_s=10)
        server = NodeProcess(
            path, replace(load_config(path, environ={}), limits=limits), log_path=work / "failover.log"
        )
        config = server.config
        config.save(path)
        key = ED25519.signer(os.urandom(32))
        node = node_from_config(config)
        try:
            node.enroll(key.public_key, "device", "bench/failover")
        finally:
            node.stop()
        proc = server.start()
        node_url = server.url
        acks: list[float] = []
        stop = threading.Event()
        counter = itertools.count()

        def client() -> None:
            with NodeClient(node_url, key=key, timeout=60) as c:
                while not stop.is_set():
                    batch = make_entries(config.origin, key, f"f{next(counter)}", 16)
                    try:
                        results = c.submit(batch)
                    except (NodeRefused, httpx.HTTPError):
                        stop.wait(0.05)
                        continue
                    if any(r.ok for r in results):
                        acks.append(time.monotonic())

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(seconds / 2)  # load before the failure
        killed = time.monotonic()
        primary.sigkill()
        standby.promote()
        standby.execute("ALTER SYSTEM SET synchronous_standby_names = ''")
        standby.execute("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 60
        while not any(t > killed for t in acks[-50:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(seconds / 2)  # load after
        stop.set()
        for t in threads:
            t.join()
        times = sorted(t for t in acks if t >= killed - 1)
        return max((b - a for a, b in itertools.pairwise(times)), default=float("inf"))
    finally:
        if proc is not None:
            proc.close()
        for cluster in clusters:
            cluster.remove()


def checkpoint_gaps(url: str, since_ms: int) -> tuple[float, int]:
    """Return the largest gap in seconds between successive checkpoints signed after `since_ms`, and how many
    were signed (one per sequenced batch)."""
    with psycopg.connect(url) as conn:
        times = [
            r[0]
            for r in conn.execute("SELECT signed_at FROM checkpoints WHERE signed_at >= %s ORDER BY size", (since_ms,))
        ]
    return max((b - a for a, b in itertools.pairwise(times)), default=0) / 1000, len(times)


def run(args: argparse.Namespace) -> dict[str, object]:
    """Run the benchmark; return its figures."""
    pg = bench_postgres()
    work = Path(tempfile.mkdtemp(prefix="govdesk-bench-node-"))
    proc = None
    try:
        db_url = create_database(pg, "node")
        create_node(work / "taxation", "taxation", db_url=db_url)
        path = work / "taxation" / CONFIG_FILE
        limits = Limits(rate_per_device=1e6, rate_burst=1_000_000, max_batch_entries=args.batch, publish_interval_s=0.5)
        static_dir = work / "static"
        server = NodeProcess(
            path,
            replace(load_config(path, environ={}), limits=limits),
            log_path=work / "node.log",
            extra_args=("--static-dir", str(static_dir), "--http-processes", str(args.http_processes)),
        )
        config = server.config
        config.save(path)
        keys = [ED25519.signer(os.urandom(32)) for _ in range(args.clients)]
        node = node_from_config(config)
        node.open()
        for i, key in enumerate(keys):
            node.enroll(key.public_key, "device", f"bench/counter-{i}")
        node.stop()
        per_client = int(args.max_rate * args.seconds / args.clients) // args.batch * args.batch + args.batch
        print(f"signing {per_client * args.clients:,} entries ...", flush=True)
        entries = [make_entries(config.origin, k, f"c{n}", per_client) for n, k in enumerate(keys)]
        batches = [[e[i : i + args.batch] for i in range(0, len(e), args.batch)] for e in entries]
        proc = server.start()  # `govdesk node serve` on the port-0 socket bound above (app.node.launcher)
        url = server.url
        since = int(time.time() * 1000)
        stats_before, cpu_before = node_stats(url, server.proc.pid, args.http_processes)
        requests = [presigned_requests(url, key, mine) for key, mine in zip(keys, batches, strict=True)]
        generator_cpu = time.process_time()
        acked, latencies, elapsed = submit_load(url, requests, args.seconds)
        generator_cpu = time.process_time() - generator_cpu
        stats_after, cpu_after = node_stats(url, server.proc.pid, args.http_processes)
        entries_per_s = acked / elapsed
        gap, checkpoints = checkpoint_gaps(db_url, since)
        size = httpx.get(f"{url}/health").json()["size"]
        deadline = time.monotonic() + 10
        while httpx.get(f"{url}/health").json()["published_size"] < size and time.monotonic() < deadline:
            time.sleep(0.1)
        reads = tile_reads(url, size, args.clients, args.read_seconds)
        nginx = NginxServer(static_dir, workers=2)
        try:
            deadline = time.monotonic() + 10
            while int(httpx.get(f"{nginx.url}/checkpoint").text.split("\n")[1]) < size and time.monotonic() < deadline:
                time.sleep(0.1)
            paths = full_tile_paths(size)
            assert nginx.proc is not None
            static_reads, static_read_cpu = wrk_reads(nginx.url, paths, args.wrk_seconds, work, nginx.proc.pid)
            node_reads, node_read_cpu = wrk_reads(url, paths, args.wrk_seconds, work, server.proc.pid)
        finally:
            nginx.close()
        proc.close()
        proc = None
        flat = [e for client_entries in entries for e in client_entries][:acked]
        rows = [(i, hash_leaf(e), e) for i, e in enumerate(flat)]
        insert_per_s = raw_insert(create_database(pg, "baseline"), rows, args.clients, args.batch)
        public_keys = {key_id(ED25519, k.public_key): k.public_key for k in keys}
        verify_per_s = bare_verify_rate(flat, public_keys, args.verify_sample)
        failover_s = failover_gap(work, args.failover_seconds)
    finally:
        if proc is not None:
            proc.kill()
            proc.close()
        pg.remove()
        shutil.rmtree(work, ignore_errors=True)
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    print(f"clients {args.clients}, batch {args.batch}, {args.seconds:g} s, tree size {size:,}")
    print(f"sequenced         {entries_per_s:10,.0f} entries/s ({acked:,} entries acknowledged)")
    print(f"submit->included  p50 {p50:.3f} s  p99 {p99:.3f} s  (mean {statistics.fmean(latencies):.3f} s)")
    print(
        f"checkpoints       largest gap between signed checkpoints {gap:.3f} s; {checkpoints:,} batches, "
        f"{acked / max(checkpoints, 1):.0f} entries a batch"
    )
    print(f"tile reads        {reads:10,.0f} reads/s")
    print(
        f"raw INSERT        {insert_per_s:10,.0f} rows/s (same rows, {args.clients} connections, {args.batch} rows/txn)"
    )
    print(f"ratio             {entries_per_s / insert_per_s:.3f} (sequenced entries/s over raw INSERT rows/s)")
    print(
        f"load generator    {generator_cpu * 1e6 / max(acked, 1):.1f} us CPU per entry ({args.clients} threads, "
        "pre-signed raw HTTP/1.1 requests, one keep-alive connection each)"
    )
    print(f"bare verify       {verify_per_s:10,.0f} signatures/s (libsodium, one core, the same entries)")
    print(f"verify_ratio      {entries_per_s / verify_per_s:.3f} (sequenced entries/s over it; target >= 0.5)")

    def per_entry(key: str, count: str) -> float:
        n = stats_after[count] - stats_before[count]
        return (stats_after[key] - stats_before[key]) / n * 1e6 if n else 0.0

    decode_us = per_entry("decode_cpu_s", "checked")
    checks_us = per_entry("check_cpu_s", "checked")
    verify_us = per_entry("verify_cpu_s", "verified")
    if args.http_processes > 1:
        # HTTP workers decode and verify in their request threads; the parent only links, sequences and publishes.
        http_cpu = cpu_after["workers"] - cpu_before["workers"]
        http_us = max(0.0, http_cpu * 1e6 / max(acked, 1) - decode_us - checks_us - verify_us)
        sql_us = (cpu_after["parent"] - cpu_before["parent"]) * 1e6 / max(acked, 1)
        print(
            f"CPU per entry     decode {decode_us:.1f} us, verify {verify_us:.1f} us, registry checks "
            f"{checks_us:.1f} us, HTTP {http_us:.1f} us (in {args.http_processes} HTTP worker processes); "
            f"{sql_us:.1f} us in the sequencing process (link, sequencing transaction, publishing)"
        )
    else:
        sql_us = per_entry("sequence_cpu_s", "sequenced")
        node_cpu = cpu_after["parent"] - cpu_before["parent"]
        http_us = max(0.0, node_cpu * 1e6 / max(acked, 1) - checks_us - sql_us)
        workers = stats_after["verify_processes"]
        print(
            f"CPU per entry     decode {decode_us:.1f} us and verify {verify_us:.1f} us (on {workers} worker "
            f"processes); registry checks {checks_us:.1f} us, SQL (sequencing transaction) {sql_us:.1f} us, "
            f"HTTP {http_us:.1f} us (node process)"
        )
    cores = "wrk on core 0, the server alone on the last core" if len(os.sched_getaffinity(0)) >= 2 else "one core"
    print(
        f"static tiles      {static_reads:10,.0f} reads/s from nginx (wrk, 8 connections, {args.wrk_seconds:g} s, "
        f"{cores})"
    )
    print(
        f"node tiles        {node_reads:10,.0f} reads/s from the node's own endpoint (same paths, same wrk, same cores)"
    )
    print(f"static_read_ratio {static_reads / node_reads:.1f} (target >= 10)")
    cpu_ratio = node_read_cpu / max(static_read_cpu, 1e-9)
    print(
        f"server CPU a read nginx {static_read_cpu * 1e6:.1f} us, node {node_read_cpu * 1e6:.1f} us: "
        f"static_cpu_ratio {cpu_ratio:.1f} (node over nginx)"
    )
    print(f"failover          {failover_s:.2f} s longest time without an acknowledgement (target <= 10)")
    return {
        "bench": "node",
        "suite": "ed25519",
        "entries_per_s": round(entries_per_s, 1),
        "p99_included_s": round(p99, 4),
        "ratio": round(entries_per_s / insert_per_s, 4),
        "tile_reads_per_s": round(reads, 1),
        "verify_ratio": round(entries_per_s / verify_per_s, 4),
        "static_tile_reads_per_s": round(static_reads, 1),
        "node_tile_reads_per_s": round(node_reads, 1),
        "static_read_ratio": round(static_reads / node_reads, 2),
        "static_cpu_ratio": round(cpu_ratio, 2),
        "failover_gap_s": round(failover_s, 3),
    }


def main() -> None:
    """Parse arguments, run, print the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="a few seconds, for the test suite")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--read-seconds", type=float, default=5.0)
    parser.add_argument("--max-rate", type=float, default=12000, help="entries/s to pre-sign for")
    parser.add_argument("--wrk-seconds", type=float, default=10.0, help="each wrk run (nginx, then the node)")
    parser.add_argument("--verify-sample", type=int, default=20000, help="entries in the bare verify loop")
    parser.add_argument("--failover-seconds", type=float, default=8.0, help="load around the failover")
    parser.add_argument(
        "--http-processes",
        type=int,
        default=os.cpu_count() or 1,
        help="the node's HTTP worker processes (default one per core; 1: the node in one process)",
    )
    args = parser.parse_args()
    if args.tiny:
        args.clients, args.batch, args.seconds, args.read_seconds, args.max_rate = 2, 16, 1.5, 0.5, 1500
        args.wrk_seconds, args.verify_sample, args.failover_seconds = 1.0, 2000, 2.0
    figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
