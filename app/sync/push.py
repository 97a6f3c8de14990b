"""Push the outbox: each signed entry to its log's node, exactly once across crashes.

Entries are submitted in signed batches; the node is idempotent by entry hash, so a batch cut by a
crash, a timeout or a lost answer is simply sent again and gets its original index back. An entry
leaves the outbox only in the transaction that stores its acknowledgement (its index) together with an
inclusion proof verified against a checkpoint that passed the trust policy and extends the replica's.
A refusal (role not allowed, unknown or revoked signer, ...) becomes a clerk task; its entry stays in
the outbox, skipped, until the clerk closes the task to try again.

Like the pull, the pusher may run on a network thread while the replica belongs to the database thread: every
replica read and write goes through `on_db`, so submissions, the wait for publication, tile downloads and proof
checks never hold the database thread (a node that stalls mid-push cannot delay a verdict).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.ledger.checkpoint import SignedCheckpoint
from app.ledger.entry import decode_entry
from app.ledger.errors import LedgerError
from app.ledger.merkle import ProofError
from app.protocol.tiles import TreeReader
from app.store import roles, sync_state
from app.store.outbox import OutboxEntry
from app.store.replica import Replica
from app.sync.checkpoints import ForkCallback, check_against_held, cosignatures, fetch_checkpoint
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.errors import Cancelled, LogUntrusted, MalformedResponse, MissingQuorum, NodeUnreachable
from app.sync.progress import ProgressCallback, SyncProgress, ignore_progress
from app.sync.pull import TaskCallback, tile_getter
from app.sync.transport import NodeLink
from app.sync.trust import LogTrust

BATCH_ENTRIES = 256
BATCH_BYTES = 900 * 1024
PENDING_LIMIT = 20000
_RNG = random.Random()
RETRY_LATER = frozenset(
    {"rate_limited", "overloaded", "sequencing_timeout", "stale_request", "replayed_request", "store_unavailable"}
)

# What each refusal means for the clerk, and what to do. The code goes with it, for translated screens.
REFUSALS: dict[str, tuple[str, str]] = {
    "role_not_allowed": (
        "the department's node refused the entry: the signer's role may not write this kind of entry",
        "Ask a supervisor to do this step, or ask the department to enrol your key with the role it needs.",
    ),
    "unknown_signer": (
        "the department's node does not know the key that signed the entry",
        "Ask the department to enrol this counter's and your key, then close this task to send it again.",
    ),
    "revoked_signer": (
        "the key that signed the entry was revoked at the department",
        "Redo the action with a valid key (log in again, or ask a supervisor), then close this task.",
    ),
    "wrong_log": (
        "the entry was addressed to a department whose node does not accept it",
        "Check the case's department; redo the step for the right department.",
    ),
    "bad_signature": (
        "the entry's signature does not verify at the node",
        "The entry was damaged: redo the action, and tell the office administrator.",
    ),
    "malformed_entry": (
        "the node could not read the entry",
        "Redo the action; if it happens again, tell the office administrator.",
    ),
    "entry_too_large": (
        "the entry is larger than the node accepts",
        "Split the action (fewer references or a shorter note) and redo it.",
    ),
}
DEFAULT_REFUSAL = ("the department's node refused the entry", "Read the node's reason below and tell a supervisor.")


@dataclass
class PushReport:
    """What one push of one log did."""

    origin: str
    pending: int = 0
    submitted: int = 0
    acknowledged: int = 0
    refused: int = 0
    retried: int = 0
    waiting_for_enrolment: int = 0  # signed by a new key the department has not enrolled yet: kept, not sent
    tasks: list[sync_state.ClerkTask] = field(default_factory=list)
    waiting: int = 0
    last_answers: list[str] = field(default_factory=list)

    @property
    def gave_up(self) -> bool:
        """True if entries still wait in the outbox after every retry (the node kept saying "retry later")."""
        return self.waiting > 0


def pending_entries(replica: Replica, origin: str, limit: int = PENDING_LIMIT) -> list[OutboxEntry]:
    """Return the outbox entries of a log that wait to be sent (not refused with an open task), oldest first."""
    replica.require(roles.OUTBOX_READ)
    return sync_state.pending_outbox(replica, origin, limit)


def waiting_for_enrolment(replica: Replica, entries: list[OutboxEntry]) -> set[bytes]:
    """Return the leaf hashes of entries signed by a key of this office whose enrolment is requested, not done."""
    waiting = replica.anchors.requested_not_enrolled()
    if not waiting:
        return set()
    held = set()
    for entry in entries:
        try:
            if decode_entry(entry.data).kid in waiting:
                held.add(entry.leaf_hash)
        except LedgerError:
            continue  # the node will say what is wrong with it
    return held


def outbox_origins(replica: Replica) -> list[str]:
    """Return the logs that have entries waiting in the outbox."""
    replica.require(roles.OUTBOX_READ)
    return sync_state.outbox_origins(replica)


class LogPusher:
    """Push one log's outbox entries: `run()` submits, waits for publication, proves and acknowledges."""

    def __init__(
        self,
        replica: Replica,
        trust: LogTrust,
        link: NodeLink,
        *,
        max_skew_ms: int,
        progress: ProgressCallback = ignore_progress,
        on_fork: ForkCallback | None = None,
        on_task: TaskCallback | None = None,
        publish_timeout_s: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
        on_db: DatabaseRunner = run_here,
    ) -> None:
        self.replica = replica
        self.trust = trust
        self.origin = trust.origin
        self.link = link
        self.max_skew_ms = max_skew_ms
        self.progress = progress
        self.on_fork = on_fork
        self.on_task = on_task
        self.publish_timeout_s = publish_timeout_s
        self._monotonic = monotonic
        self._db = on_db

    def _to_send(self) -> tuple[list[OutboxEntry], set[bytes]]:
        """The log's pending entries and those held for an enrolment (on the database thread)."""
        if not sync_state.log_state(self.replica, self.origin).trusted:
            raise LogUntrusted(self.origin, "not pushing to a log marked untrusted after a fork")
        pending = pending_entries(self.replica, self.origin)
        return pending, waiting_for_enrolment(self.replica, pending)

    def run(self) -> PushReport:
        """Send every pending entry of the log; return what happened."""
        report = PushReport(self.origin)
        pending, held = self._db(self._to_send)
        if held:
            # A key given by a reset waits for the department to enrol it (its request goes out with the anchor):
            # sending its entries now would only earn refusals. They stay in the outbox, counted as waiting.
            report.waiting_for_enrolment = len(held)
            pending = [e for e in pending if e.leaf_hash not in held]
        report.pending = len(pending)
        if not pending:
            return report
        total_bytes = sum(len(e.data) for e in pending)
        indexes: dict[bytes, int] = {}
        tree_leaves: dict[bytes, bytes] = {}  # entry hash -> the entry's leaf in the log's tree
        waiting = list(pending)
        sent_bytes = 0
        later: list[OutboxEntry] = []
        answers: set[str] = set()
        for round_no in range(1, self.link.retry.attempts + 1):
            later = []
            answers = set()
            for batch in _batches(waiting):
                if self.link.cancel.is_set():
                    raise Cancelled(f"{self.origin}: push cancelled")
                results = self.link.submit([e.data for e in batch])
                report.submitted += len(batch)
                for entry, result in zip(batch, results, strict=True):
                    if result.ok and result.hash not in (None, entry.leaf_hash.hex()):
                        raise MalformedResponse(self.origin, "the node acknowledged a different entry hash")
                    if result.ok:
                        indexes[entry.leaf_hash] = result.index
                        tree_leaves[entry.leaf_hash] = self.trust.tree.entry_leaf(entry.data, entry.leaf_hash)
                    elif result.code in RETRY_LATER:
                        later.append(entry)
                        answers.add(result.code)
                    else:
                        self._refused(entry, result.code or "refused", result.message or "", report)
                sent_bytes += sum(len(e.data) for e in batch)
                self.progress(
                    SyncProgress(
                        self.origin, "push", len(indexes) + report.refused, len(pending), sent_bytes, total_bytes
                    )
                )
            if not later:
                break
            report.retried += len(later)
            waiting = later
            if round_no < self.link.retry.attempts and self.link.cancel.wait(self.link.retry.delay(round_no, _RNG)):
                raise Cancelled(f"{self.origin}: push cancelled")
        report.waiting = len(later)
        report.last_answers = sorted(answers)
        if indexes:
            self._acknowledge(indexes, tree_leaves, report)
        self.progress(
            SyncProgress(
                self.origin,
                "push",
                report.acknowledged + report.refused,
                len(pending),
                sent_bytes,
                total_bytes,
                finished=True,
            )
        )
        return report

    def _refused(self, entry: OutboxEntry, code: str, message: str, report: PushReport) -> None:
        task = self._db(lambda: self._store_refusal(entry, code, message))
        report.refused += 1
        if task is not None:
            report.tasks.append(task)
            if self.on_task is not None:
                self.on_task(task)

    def _store_refusal(self, entry: OutboxEntry, code: str, message: str) -> sync_state.ClerkTask | None:
        """Record a refusal as a clerk task (database thread); return the task if it is new."""
        what, advice = REFUSALS.get(code, DEFAULT_REFUSAL)
        with self.replica.transaction():
            new = sync_state.add_task(
                self.replica,
                entry.leaf_hash,
                self.origin,
                "refused",
                code,
                None,
                f"{what} ({message})",
                advice,
                reopen=True,
            )
            if new:
                self.replica.audit.append("sync.push", f"refused: {code}", {"entry": entry.leaf_hash.hex()})
        if not new:
            return None
        return next(t for t in sync_state.open_tasks(self.replica) if t.leaf_hash == entry.leaf_hash)

    def _published(self, needed: int) -> SignedCheckpoint:
        deadline = self._monotonic() + self.publish_timeout_s
        while True:
            try:
                offered = fetch_checkpoint(self.link, self.trust, self.replica.session.now_ms(), self.max_skew_ms)
            except MissingQuorum:
                if self._monotonic() > deadline:
                    raise
                offered = None
            if offered is not None and offered.checkpoint.size >= needed:
                return offered
            if self._monotonic() > deadline:
                raise NodeUnreachable(f"{self.origin}: entries were not published within {self.publish_timeout_s} s")
            if self.link.cancel.wait(0.1):
                raise Cancelled(f"{self.origin}: push cancelled")

    def _acknowledge(self, indexes: dict[bytes, int], tree_leaves: dict[bytes, bytes], report: PushReport) -> None:
        offered = self._published(max(indexes.values()) + 1)
        tree = self.trust.tree
        cursor = self._db(lambda: sync_state.log_state(self.replica, self.origin, tree).cursor)
        check_against_held(
            self.replica, self.link, offered, floor=cursor.size, on_fork=self.on_fork, on_db=self._db, tree=tree
        )
        cp = offered.checkpoint
        reader = TreeReader(tile_getter(self.link, cp.size), tree)
        proofs = {}
        for leaf_hash, index in indexes.items():
            try:
                proof = reader.inclusion_proof(index, cp.size)
                tree.verify_inclusion(tree_leaves[leaf_hash], index, cp.size, proof, cp.root_hash)
            except ProofError as exc:
                raise MalformedResponse(self.origin, f"inclusion of pushed entry {index}: {exc}") from None
            proofs[leaf_hash] = proof
        self._db(lambda: self._store_acknowledgements(offered, indexes, proofs))
        report.acknowledged += len(indexes)

    def _store_acknowledgements(
        self, offered: SignedCheckpoint, indexes: dict[bytes, int], proofs: dict[bytes, list[bytes]]
    ) -> None:
        """Store the proven checkpoint and the acknowledgements in one transaction (database thread)."""
        cp = offered.checkpoint
        cursor = sync_state.log_state(self.replica, self.origin, self.trust.tree).cursor
        held = self.replica.logs.latest_checkpoint(self.origin)
        # A checkpoint stored for push proofs must not make the log look freshly synced while the cursor lags:
        # its fetch time stays that of the newest checkpoint the pull fully applied.
        stamp = self.replica.session.now_ms() if cursor.size >= cp.size else (held.fetched_at_ms if held else 0)
        with self.replica.transaction():
            self.replica.logs.put_checkpoint(
                cp.origin, cp.size, cp.root_hash, offered.text, stamp, cosignatures(offered)
            )
            for leaf_hash, index in indexes.items():
                self.replica.outbox.acknowledge(leaf_hash, index, proofs[leaf_hash])
            self.replica.audit.append("sync.push", "ok", {"origin": self.origin, "acknowledged": len(indexes)})


def _batches(entries: list[OutboxEntry]) -> list[list[OutboxEntry]]:
    out: list[list[OutboxEntry]] = []
    current: list[OutboxEntry] = []
    size = 0
    for entry in entries:
        if current and (len(current) >= BATCH_ENTRIES or size + len(entry.data) + 2 > BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(entry)
        size += len(entry.data) + 2
    if current:
        out.append(current)
    return out
