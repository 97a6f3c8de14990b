"""Entry decoding and signature verification spread over worker processes, on every core of the machine.

A request's entries go to the pool in chunks: a worker decodes each entry strictly and, when the request
names the signer's key as a hint (the key that signed the request, as the registry holds it), verifies the
entry's signature with it at once. The request thread then checks each decoded entry against the registry
(under the GIL, cheap) and sends the signatures the hint did not cover back to the pool as (suite, public key,
signed bytes, signature). The sequencer stays one thread, one writer; it trusts a signature verified here as
long as the signer's key in the registry is still the key it was verified with.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from app.ledger.entry import MAX_ENTRY_SIZE, SignedEntry, decode_entry
from app.ledger.errors import EntryError, EntryTooLarge
from app.ledger.suites import suite_by_name

# One signature to check: suite name, public key, the COSE Sig_structure bytes, the signature.
Job = tuple[str, bytes, bytes, bytes]
# Keys a worker may verify with at once: key id -> (suite name, public key).
Hints = dict[bytes, tuple[str, bytes]]
# A decoded entry: ("ok", SignedEntry, the hint key it verified with, b"" if it failed under it, or None), or
# ("too_large" | "malformed", message).
Decoded = tuple[Any, ...]
SMALLEST_SHARED = 16  # fewer signatures than this are checked in the calling thread: a round trip costs more


def verify_jobs(jobs: list[Job]) -> tuple[list[bool], float]:
    """Verify each job; return the verdicts and the CPU seconds this thread spent."""
    started = time.thread_time()
    verdicts = [
        suite_by_name(suite).verify(public_key, message, signature) for suite, public_key, message, signature in jobs
    ]
    return verdicts, time.thread_time() - started


def decode_entries(datas: list[bytes], hints: Hints) -> tuple[list[Decoded], float, float]:
    """Decode each entry; verify those whose signer is hinted; return results, decode and verify CPU seconds.

    Every entry is decoded first, then the hinted signatures are verified, so that each stage is timed once
    per call, not once per entry (a clock read costs about as much as a tenth of a decode).
    """
    started = time.thread_time()
    decoded: list[Decoded] = []
    for data in datas:
        if len(data) > MAX_ENTRY_SIZE:
            decoded.append(("too_large", f"entry is {len(data)} bytes, over {MAX_ENTRY_SIZE}"))
            continue
        try:
            decoded.append(("ok", decode_entry(data), None))
        except EntryTooLarge as exc:
            decoded.append(("too_large", str(exc)))
        except EntryError as exc:
            decoded.append(("malformed", str(exc)))
    decoded_at = time.thread_time()
    out: list[Decoded] = []
    for item in decoded:
        if item[0] != "ok":
            out.append(item)
            continue
        signed: SignedEntry = item[1]
        sign1 = signed.sign1
        hint = hints.get(signed.kid)
        verified: bytes | None = None
        if hint is not None and hint[0] == sign1.suite.name:
            verified = hint[1] if sign1.suite.verify(hint[1], sign1.to_be_signed(), sign1.signature) else b""
        out.append(("ok", signed, verified))
    return out, decoded_at - started, time.thread_time() - decoded_at


def end_with_parent(parent: int) -> None:
    """Pool initializer: end this worker once the node process that started it is gone.

    A node killed outright (SIGKILL, the OOM killer) cannot stop its pool, and the pool's workers would wait for
    work forever: each holds the task queue's pipe open for the others, so none of them ever reads its end. A
    thread polls the parent's pid and ends the worker when the worker has been handed to another parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class SignatureVerifier:
    """Verifies batches of signatures on `processes` worker processes (0: in the calling thread)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            # spawn: the node process runs threads, which a forked child must not inherit mid-lock.
            self._pool = ProcessPoolExecutor(
                processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=end_with_parent,
                initargs=(os.getpid(),),
            )
        self._lock = threading.Lock()
        self.cpu_s = 0.0
        self.verified = 0
        self.decode_cpu_s = 0.0
        self.decoded = 0

    def warm_up(self) -> None:
        """Start every worker process now rather than on the first submission."""
        if self._pool is not None:
            list(self._pool.map(verify_jobs, [[] for _ in range(self.processes)]))

    def verify(self, jobs: list[Job]) -> list[bool]:
        """Return a verdict per job, in order."""
        if self._pool is None or len(jobs) < SMALLEST_SHARED:
            verdicts, cpu = verify_jobs(jobs)
            self._count(len(jobs), cpu)
            return verdicts
        size = -(-len(jobs) // self.processes)
        chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        out: list[bool] = []
        for verdicts, cpu in self._pool.map(verify_jobs, chunks):
            out += verdicts
            self._count(len(verdicts), cpu)
        return out

    def decode(self, datas: list[bytes], hints: Hints) -> list[Decoded]:
        """Decode entries (verifying the hinted signers' signatures) on the pool; results in order."""
        if self._pool is None or len(datas) < SMALLEST_SHARED:
            parts = [decode_entries(datas, hints)]
        else:
            size = -(-len(datas) // self.processes)
            chunks = [datas[i : i + size] for i in range(0, len(datas), size)]
            parts = list(self._pool.map(decode_entries, chunks, [hints] * len(chunks)))
        out: list[Decoded] = []
        for results, decode_cpu, verify_cpu in parts:
            out += results
            with self._lock:
                self.decoded += len(results)
                self.decode_cpu_s += decode_cpu
            self._count(sum(1 for r in results if r[0] == "ok" and r[2] is not None), verify_cpu)
        return out

    def _count(self, n: int, cpu: float) -> None:
        with self._lock:
            self.verified += n
            self.cpu_s += cpu

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
