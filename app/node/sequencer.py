"""The batching sequencer: integrates queued entries into the tree, signs a checkpoint per batch.

Submissions wait in memory; an entry is acknowledged (given its index) only after the
transaction that stores it, its tiles and the new signed checkpoint has committed. A crash
loses only unacknowledged entries, which their clients resubmit (idempotently, by entry hash).
Several processes may sequence one database: each batch runs under the store's sequencing lock
and rereads the tree head, so indexes are never handed out twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from app.ledger.checkpoint import Checkpoint
from app.ledger.entry import SignedEntry
from app.ledger.merkle import SHA256_TREE, TreeHash
from app.ledger.note import NoteSigner
from app.node.jsonlog import log_event
from app.node.registry import Registry, check_entry, check_policy, enrolled_record
from app.node.storage.interface import EnrolledKey, NodeStore, SequencingView, StoreUnavailable
from app.protocol.refusals import Code, Refusal
from app.protocol.tiles import TileEdge

log = logging.getLogger("govdesk.node.sequencer")

Result = int | Refusal


@dataclass(frozen=True)
class Prechecked:
    """An entry an HTTP worker process decoded, verified and checked; not a registry change.

    The sequencer does not decode it again: it only rechecks that the signer's registry record still is the
    one the worker checked against (same key, same role, not revoked, of this department).
    """

    data: bytes
    leaf_hash: bytes
    kid: bytes
    role: str

    def recheck(self, record: EnrolledKey | None, verified_key: bytes | None, department: str) -> None:
        """Refuse the entry unless `record` is still the record it was checked against."""
        if record is None or verified_key is None or record.public_key != verified_key:
            raise Refusal(Code.UNKNOWN_SIGNER, f"key {self.kid.hex()} is no longer the enrolled key")
        if record.revoked:
            raise Refusal(Code.REVOKED_SIGNER, f"key {self.kid.hex()} was revoked at index {record.revoked_idx}")
        if record.role != self.role or (record.department and record.department != department):
            raise Refusal(Code.ROLE_NOT_ALLOWED, f"key {self.kid.hex()} changed role or department")


Submittable = SignedEntry | Prechecked


class Outcome:
    """A queued entry's outcome: its index, a Refusal, or an error; settled once, by the thread that sequences it
    (or, in an HTTP worker, the link's).

    The part of `concurrent.futures.Future` the node uses (done, add_done_callback, result, exception), for far
    less: a request queues dozens of entries at once, and each concurrent future builds a condition with a
    lock of its own. Here every outcome shares one lock, and an event is made only for a caller that blocks."""

    __slots__ = ("_callbacks", "_done", "_error", "_event", "_value")
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._done = False
        self._value: Result | None = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Outcome], object]] | None = None
        self._event: threading.Event | None = None

    def set_result(self, value: Result) -> None:
        """Settle with an index or a Refusal (the first settlement counts)."""
        self._settle(value, None)

    def set_exception(self, error: BaseException) -> None:
        """Settle with an error (the first settlement counts)."""
        self._settle(None, error)

    def _settle(self, value: Result | None, error: BaseException | None) -> None:
        with self._lock:
            if self._done:
                return
            self._value, self._error, self._done = value, error, True
            callbacks, self._callbacks = self._callbacks, None
            event = self._event
        if event is not None:
            event.set()
        for callback in callbacks or ():
            callback(self)

    def done(self) -> bool:
        """Whether the outcome is known."""
        return self._done

    def add_done_callback(self, callback: Callable[[Outcome], object]) -> None:
        """Call `callback(self)` once the outcome is known (at once if it is)."""
        if not self.call_when_settled(callback):
            callback(self)

    def call_when_settled(self, callback: Callable[[Outcome], object]) -> bool:
        """Have `callback(self)` called when the outcome settles, and return True; False if it already has (and
        then nothing is called)."""
        with self._lock:
            if self._done:
                return False
            if self._callbacks is None:
                self._callbacks = []
            self._callbacks.append(callback)
            return True

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The error, or None; waits up to `timeout` seconds (TimeoutError after)."""
        self._wait(timeout)
        return self._error

    def result(self, timeout: float | None = None) -> Result:
        """The index or Refusal; raises the error; waits up to `timeout` seconds (TimeoutError after)."""
        self._wait(timeout)
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def _wait(self, timeout: float | None) -> None:
        if self._done:
            return
        with self._lock:
            if not self._done and self._event is None:
                self._event = threading.Event()
            event = self._event
        if event is not None and not event.wait(timeout):
            raise TimeoutError("the entry was not sequenced in time")


def when_all_done(outcomes: list[Outcome], callback: Callable[[], object]) -> None:
    """Call `callback()` once, when every one of `outcomes` is settled (at once if they are).

    Outcomes mostly settle in the order they were queued, so this waits on the last one still pending and then
    looks again: about one callback per request instead of one per entry, and each outcome is looked at once
    (an outcome, once settled, stays settled)."""
    below = [len(outcomes)]  # every outcome from here on is settled

    def look(_: Outcome | None = None) -> None:
        while True:
            i = below[0] - 1
            while i >= 0 and outcomes[i].done():
                i -= 1
            below[0] = i + 1
            if i < 0:
                callback()
                return
            if outcomes[i].call_when_settled(look):
                return  # looked at again once that one settles

    look()


def wait_all(outcomes: list[Outcome]) -> None:
    """Block until every one of `outcomes` is settled."""
    all_done = threading.Event()
    when_all_done(outcomes, all_done.set)
    all_done.wait()


def settled(result: Result) -> Outcome:
    """An outcome that already holds `result`."""
    outcome = Outcome()
    outcome.set_result(result)
    return outcome


@dataclass
class _Queued:
    signed: Submittable
    future: Outcome
    verified_key: bytes | None = None


class Sequencer:
    """Owns the queue of accepted entries and the thread that sequences them."""

    def __init__(
        self,
        store: NodeStore,
        registry: Registry,
        origin: str,
        department: str,
        log_signer: NoteSigner,
        *,
        batch_limit: int = 4096,
        queue_limit: int = 20000,
        clock: Callable[[], float] = time.time,
        retry_window_s: float = 15.0,
        tree_hash: TreeHash = SHA256_TREE,
    ) -> None:
        self._store = store
        self._tree = tree_hash
        self._retry_window = retry_window_s
        self._registry = registry
        self.origin = origin
        self.department = department
        self._log_signer = log_signer
        self._batch_limit = batch_limit
        self._queue_limit = queue_limit
        self._clock = clock
        self._queue: OrderedDict[bytes, _Queued] = OrderedDict()
        self._cond = threading.Condition()
        self._edge: TileEdge | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.batches = 0
        self.sequenced = 0
        self.cpu_s = 0.0

    # --- the queue -------------------------------------------------------------------------------
    def submit(self, signed: Submittable, verified_key: bytes | None = None) -> Outcome:
        """Queue a checked entry; the future resolves to its index (or a Refusal). Duplicates share one future.

        `verified_key` is the public key the entry's signature was already verified with: the sequencer then
        checks only that the registry still holds that key for the signer, not the signature again.
        """
        with self._cond:
            future = self._enqueue(signed, verified_key)
            self._cond.notify()
            return future

    def submit_many(self, items: list[tuple[Submittable, bytes | None]]) -> list[Outcome]:
        """`submit` each (entry, verified key) of a request at once, waking the sequencing thread once; an entry
        the full queue refuses gets a future that already holds its Refusal."""
        futures = []
        with self._cond:
            for signed, verified_key in items:
                try:
                    futures.append(self._enqueue(signed, verified_key))
                except Refusal as refusal:
                    futures.append(settled(refusal))
            self._cond.notify()
        return futures

    def _enqueue(self, signed: Submittable, verified_key: bytes | None) -> Outcome:
        h = signed.leaf_hash
        queued = self._queue.get(h)
        if queued is not None:
            return queued.future
        if len(self._queue) >= self._queue_limit:
            raise Refusal(Code.OVERLOADED, "the sequencing queue is full; retry shortly")
        queued = _Queued(signed, Outcome(), verified_key)
        self._queue[h] = queued
        return queued.future

    def queued(self) -> int:
        """Return how many entries wait to be sequenced."""
        return len(self._queue)

    def start(self) -> None:
        """Start the sequencing thread."""
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"sequencer-{self.department}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Sequence what is queued, then stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        last_refresh = 0.0
        while True:
            with self._cond:
                if not self._queue and not self._stopping:
                    self._cond.wait(timeout=0.5)
                if self._stopping and not self._queue:
                    return
                batch = []
                while self._queue and len(batch) < self._batch_limit:
                    batch.append(self._queue.popitem(last=False)[1])
            if batch:
                self._sequence_batch(batch)
            now = time.monotonic()
            if now - last_refresh > 0.5:
                last_refresh = now
                try:
                    self._registry.refresh()
                except Exception as exc:  # a database hiccup must not end the thread
                    log_event(log, "registry_refresh_failed", level=logging.WARNING, error=str(exc))

    def _integrate_retrying(self, entries: list[Submittable], verified: dict[bytes, bytes]) -> list[Result]:
        """Integrate, again with backoff while the database is unavailable (integration is idempotent by hash)."""
        deadline = time.monotonic() + self._retry_window
        delay = 0.05
        while True:
            try:
                return self.integrate(entries, verified=verified)
            except StoreUnavailable:
                if self._stopping or time.monotonic() + delay > deadline:
                    raise
                with self._cond:  # back off, but wake at once if the node stops
                    self._cond.wait(timeout=delay)
                delay = min(delay * 2, 1.0)

    def _sequence_batch(self, batch: list[_Queued]) -> None:
        try:
            verified = {q.signed.leaf_hash: q.verified_key for q in batch if q.verified_key is not None}
            results = self._integrate_retrying([q.signed for q in batch], verified)
        except Exception as exc:  # every waiter must hear about the failure
            log_event(log, "sequencing_failed", level=logging.ERROR, error=repr(exc), entries=len(batch))
            for q in batch:
                q.future.set_exception(exc)
            return
        for q, result in zip(batch, results, strict=True):
            q.future.set_result(result)

    # --- integration -----------------------------------------------------------------------------
    def integrate(
        self, entries: list[Submittable], *, trusted: bool = False, verified: dict[bytes, bytes] | None = None
    ) -> list[Result]:
        """Sequence `entries` in one transaction; return each one's index or Refusal, in order.

        `trusted` skips the registry checks: only `govdesk node init` uses it, to enrol the
        department's own key as the first entry of an empty log.
        """
        started = time.thread_time()
        try:
            with self._store.sequencing() as tx:
                results, changes = self._integrate(tx, entries, trusted, verified or {})
        except BaseException:
            self._edge = None  # the transaction rolled back: reload the tree edge next time
            raise
        if changes:
            self._registry.apply([record for record, _ in changes])
        self.cpu_s += time.thread_time() - started
        self.sequenced += sum(1 for r in results if isinstance(r, int))
        return results

    def _integrate(
        self, tx: SequencingView, entries: list[Submittable], trusted: bool, verified: dict[bytes, bytes]
    ) -> tuple[list[Result], list[tuple[EnrolledKey, int]]]:
        kids = {s.kid for s in entries}
        kids |= {
            s.entry.body["kid"]
            for s in entries
            if isinstance(s, SignedEntry) and s.entry.type in ("registry.enroll", "registry.revoke")
        }
        found = tx.lookup([s.leaf_hash for s in entries], kids)
        size, existing, records = found.size, found.existing, found.records
        if self._edge is None or self._edge.size != size:
            self._edge = TileEdge.load(size, tx.tile, self._tree)
        results: list[Result] = []
        rows: list[tuple[int, bytes, bytes]] = []
        changes: list[tuple[EnrolledKey, int]] = []
        in_batch: dict[bytes, int] = {}
        for signed in entries:
            h = signed.leaf_hash
            if h in existing or h in in_batch:
                results.append(existing.get(h, in_batch.get(h)))
                continue
            index = size + len(rows)
            try:
                if isinstance(signed, Prechecked):
                    signed.recheck(records.get(signed.kid), verified.get(h), self.department)
                elif not trusted:
                    record = records.get(signed.kid)
                    if record is not None and verified.get(h) == record.public_key:
                        check_policy(signed, record, self.origin, self.department)  # signature verified already
                    else:
                        check_entry(signed, record, self.origin, self.department)
                change = self._registry_change(signed, index, records)
            except Refusal as refusal:
                log_event(log, "refusal", code=refusal.code.value, reason=refusal.message, kid=signed.kid.hex())
                results.append(refusal)
                continue
            if change is not None:
                records[change.kid] = change
                changes.append((change, index))
            rows.append((index, h, signed.data))
            in_batch[h] = index
            results.append(index)
        if rows:
            tx.insert_entries(rows)
            tx.put_keys(changes)
            tx.put_tiles(self._edge.append(self._tree.entry_leaf(data, h) for _, h, data in rows))
            root = self._edge.root()
            checkpoint = Checkpoint(self.origin, self._edge.size, root).sign([self._log_signer])
            tx.set_state(self._edge.size, root, checkpoint, int(self._clock() * 1000))
            self.batches += 1
        return results, changes

    @staticmethod
    def _registry_change(signed: Submittable, index: int, records: dict[bytes, EnrolledKey]) -> EnrolledKey | None:
        if isinstance(signed, Prechecked):
            return None
        etype, body = signed.entry.type, signed.entry.body
        if etype == "registry.enroll":
            current = records.get(body["kid"])
            if current is not None and current.revoked:
                raise Refusal(Code.REVOKED_SIGNER, f"key {body['kid'].hex()} was revoked and cannot be enrolled again")
            return enrolled_record(signed, index)
        if etype == "registry.revoke":
            current = records.get(body["kid"])
            if current is None or current.revoked:
                return None
            return EnrolledKey(
                current.kid,
                current.suite,
                current.public_key,
                current.role,
                current.subject,
                current.department,
                current.enrolled_idx,
                index,
            )
        return None
