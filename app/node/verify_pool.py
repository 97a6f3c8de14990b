"""Entry signature verification spread over worker processes, so it runs on every core of the machine.

The request threads decode each entry and check it against the registry (under the GIL); what is left, the
signature itself, goes to a pool of processes as (suite, public key, signed bytes, signature) in chunks. The
sequencer stays one thread, one writer; it trusts a signature verified here as long as the signer's key in
the registry is still the key it was verified with.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from app.ledger.suites import suite_by_name

# One signature to check: suite name, public key, the COSE Sig_structure bytes, the signature.
Job = tuple[str, bytes, bytes, bytes]
SMALLEST_SHARED = 16  # fewer signatures than this are checked in the calling thread: a round trip costs more


def verify_jobs(jobs: list[Job]) -> tuple[list[bool], float]:
    """Verify each job; return the verdicts and the CPU seconds spent (runs in a worker process)."""
    started = time.process_time()
    verdicts = [
        suite_by_name(suite).verify(public_key, message, signature) for suite, public_key, message, signature in jobs
    ]
    return verdicts, time.process_time() - started


class SignatureVerifier:
    """Verifies batches of signatures on `processes` worker processes (0: in the calling thread)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        if processes > 0:
            # spawn: the node process runs threads, which a forked child must not inherit mid-lock.
            self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
        self._lock = threading.Lock()
        self.cpu_s = 0.0
        self.verified = 0

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

    def _count(self, n: int, cpu: float) -> None:
        with self._lock:
            self.verified += n
            self.cpu_s += cpu

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
