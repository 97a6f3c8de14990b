"""What sync keeps in the replica (schema version 5): per log the download cursor and whether the log is
trusted; fork evidence (the supervisor's alarm); and the tasks sync hands back to clerks."""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger import dcbor
from app.ledger.merkle import SHA256_TREE, CompactRange, TreeHash
from app.store import roles
from app.store.outbox import OutboxEntry
from app.store.replica import Replica

MAX_EDGE_HASHES = 64


class TreeCursor(CompactRange):
    """The right edge of the verified prefix of a log: it resumes a download where it stopped."""

    def to_bytes(self) -> bytes:
        """Return the edge as deterministic CBOR: [size, [height, hash]...]."""
        return dcbor.encode([self.size, [[h, node] for h, node in self._stack]])

    @classmethod
    def from_bytes(cls, data: bytes, tree_hash: TreeHash = SHA256_TREE) -> TreeCursor:
        """Rebuild a cursor stored by `to_bytes`, for a log whose tree hashes with `tree_hash`."""
        cursor = cls(tree_hash)
        size, stack = dcbor.decode(data, max_size=64 * 48, what="sync cursor")
        cursor.size = size
        cursor._stack = [(h, bytes(node)) for h, node in stack[:MAX_EDGE_HASHES]]
        return cursor


@dataclass(frozen=True)
class LogState:
    """Sync's record of one log."""

    origin: str
    trusted: bool
    reason: str
    cursor: TreeCursor
    synced_ms: int | None


@dataclass(frozen=True)
class ForkEvidence:
    """Two checkpoints of one log that cannot both be true, kept for the supervisor."""

    id: int
    origin: str
    held: str
    offered: str
    reason: str
    detected_ms: int
    acknowledged_ms: int | None


@dataclass(frozen=True)
class ClerkTask:
    """Work sync hands back to a clerk: what happened to an entry, and what to do about it."""

    id: int
    leaf_hash: bytes
    origin: str
    kind: str
    code: str
    case_id: str | None
    what: str
    advice: str
    created_ms: int
    closed_ms: int | None


def log_state(replica: Replica, origin: str, tree_hash: TreeHash = SHA256_TREE) -> LogState:
    """Return sync's record of a log (a fresh, trusted, empty one if sync never touched it); its cursor extends
    the log's tree in `tree_hash`."""
    replica.require(roles.READ)
    row = replica.session.one(
        "SELECT trusted, reason, cursor_edge, synced_ms FROM sync_logs WHERE origin = ?", (origin,)
    )
    if row is None:
        return LogState(origin, True, "", TreeCursor(tree_hash), None)
    return LogState(origin, bool(row[0]), row[1], TreeCursor.from_bytes(row[2], tree_hash), row[3])


def save_cursor(replica: Replica, origin: str, cursor: TreeCursor, synced_ms: int | None) -> None:
    """Store the cursor of a log (inside the batch's transaction)."""
    replica.require(roles.SYNC)
    replica.session.execute(
        "INSERT INTO sync_logs(origin, cursor_size, cursor_edge, synced_ms) VALUES (?,?,?,?) "
        "ON CONFLICT(origin) DO UPDATE SET cursor_size = excluded.cursor_size, cursor_edge = excluded.cursor_edge, "
        "synced_ms = coalesce(excluded.synced_ms, synced_ms)",
        (origin, cursor.size, cursor.to_bytes(), synced_ms),
    )


def record_fork(replica: Replica, origin: str, held: str, offered: str, proof: bytes | None, reason: str) -> int:
    """Keep both checkpoints as evidence, mark the log untrusted and audit it, in one transaction; return the id."""
    replica.require(roles.SYNC)
    now = replica.session.now_ms()
    with replica.transaction():
        cur = replica.session.execute(
            "INSERT INTO sync_evidence(origin, held, offered, proof, reason, detected_ms) VALUES (?,?,?,?,?,?)",
            (origin, held, offered, proof, reason, now),
        )
        evidence_id = int(cur.lastrowid)
        replica.session.execute(
            "INSERT INTO sync_logs(origin, trusted, reason, cursor_edge) VALUES (?, 0, ?, ?) "
            "ON CONFLICT(origin) DO UPDATE SET trusted = 0, reason = excluded.reason",
            (origin, f"fork: {reason} (evidence {evidence_id})", TreeCursor().to_bytes()),
        )
        replica.audit.append("sync.fork", "alarm", {"origin": origin, "evidence": evidence_id, "reason": reason})
    return evidence_id


def fork_evidence(replica: Replica, *, open_only: bool = False) -> list[ForkEvidence]:
    """Return the fork evidence kept (the supervisor's alarms), newest first."""
    replica.require(roles.READ)
    where = "WHERE acknowledged_ms IS NULL" if open_only else ""
    rows = replica.session.all(
        f"SELECT id, origin, held, offered, reason, detected_ms, acknowledged_ms FROM sync_evidence {where} "
        "ORDER BY id DESC"
    )
    return [ForkEvidence(*row) for row in rows]


def report_forks(replica: Replica, evidence_ids: list[int]) -> None:
    """A clerk confirms the supervisor was told of these alarms: audited; the alarms stay open for the supervisor."""
    replica.require(roles.READ)
    known = {e.id for e in fork_evidence(replica)}
    ids = sorted({int(i) for i in evidence_ids} & known)
    if ids:
        replica.audit.append("sync.fork.reported", "supervisor told", {"evidence": ids})


def acknowledge_fork(replica: Replica, evidence_id: int, *, trust_again: bool) -> None:
    """A supervisor acknowledges an alarm; with `trust_again` the log syncs again (evidence stays)."""
    replica.require(roles.AUDIT_REVIEW)
    with replica.transaction():
        row = replica.session.one("SELECT origin FROM sync_evidence WHERE id = ?", (evidence_id,))
        if row is None:
            raise KeyError(f"no fork evidence {evidence_id}")
        replica.session.execute(
            "UPDATE sync_evidence SET acknowledged_ms = ?, acknowledged_by = ? WHERE id = ?",
            (replica.session.now_ms(), replica.account.name, evidence_id),
        )
        if trust_again:
            replica.session.execute("UPDATE sync_logs SET trusted = 1, reason = '' WHERE origin = ?", (row[0],))
        replica.audit.append("sync.fork.acknowledge", "ok", {"evidence": evidence_id, "trust_again": trust_again})


def add_task(
    replica: Replica,
    leaf_hash: bytes,
    origin: str,
    kind: str,
    code: str,
    case_id: str | None,
    what: str,
    advice: str,
    *,
    reopen: bool = False,
) -> bool:
    """Record a clerk task once per (entry, kind), reopening a closed one if `reopen`; return True if it is new."""
    replica.require(roles.SYNC)
    if replica.session.one(
        "SELECT 1 FROM sync_tasks WHERE leaf_hash = ? AND kind = ? AND (closed_ms IS NULL OR ?)",
        (leaf_hash, kind, 0 if reopen else 1),
    ):
        return False
    replica.session.execute(
        "INSERT INTO sync_tasks(leaf_hash, origin, kind, code, case_id, what, advice, created_ms) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(leaf_hash, kind) DO UPDATE SET code = excluded.code, "
        "what = excluded.what, advice = excluded.advice, created_ms = excluded.created_ms, closed_ms = NULL",
        (leaf_hash, origin, kind, code, case_id, what, advice, replica.session.now_ms()),
    )
    return True


def open_tasks(replica: Replica) -> list[ClerkTask]:
    """Return the tasks not yet closed, oldest first."""
    replica.require(roles.READ)
    rows = replica.session.all(
        "SELECT id, leaf_hash, origin, kind, code, case_id, what, advice, created_ms, closed_ms FROM sync_tasks "
        "WHERE closed_ms IS NULL ORDER BY id"
    )
    return [ClerkTask(*row) for row in rows]


def close_task(replica: Replica, task_id: int) -> None:
    """Close a task; a closed refusal task lets push try its entry again."""
    replica.require(roles.OUTBOX_WRITE)
    with replica.transaction():
        now = replica.session.now_ms()
        replica.session.execute(
            "UPDATE sync_tasks SET closed_ms = ? WHERE id = ? AND closed_ms IS NULL ", [now, task_id]
        )
        replica.audit.append("sync.task.close", "ok", {"task": task_id})


def untrusted_origins(replica: Replica) -> set[str]:
    """Return the logs sync has stopped trusting (a fork alarm not yet cleared)."""
    return {r[0] for r in replica.session.all("SELECT origin FROM sync_logs WHERE trusted = 0")}


def cursor_sizes(replica: Replica) -> dict[str, int]:
    """Return how far sync has verified each log it touched (its cursor's size)."""
    return dict(replica.session.all("SELECT origin, cursor_size FROM sync_logs"))


def is_untrusted(replica: Replica, origin: str) -> bool:
    """Return True if sync holds a record of `origin` and it is marked untrusted."""
    row = replica.session.one("SELECT trusted FROM sync_logs WHERE origin = ?", (origin,))
    return row is not None and not row[0]


def last_synced_ms(replica: Replica) -> int | None:
    """Return when any log was last synced (Unix ms), or None if never."""
    return replica.session.one("SELECT max(synced_ms) FROM sync_logs")[0]


def pending_outbox(replica: Replica, origin: str, limit: int) -> list[OutboxEntry]:
    """Return the outbox entries of a log that wait to be sent (not refused with an open task, not set aside),
    oldest first."""
    rows = replica.session.all(
        "SELECT leaf_hash, origin, data, enqueued_ms FROM outbox WHERE acked_ms IS NULL AND origin = ? "
        "AND leaf_hash NOT IN (SELECT leaf_hash FROM sync_tasks WHERE (kind = 'refused' AND closed_ms IS NULL) "
        "OR kind = 'set_aside') ORDER BY id LIMIT ?",
        (origin, limit),
    )
    return [OutboxEntry(*row) for row in rows]


def outbox_origins(replica: Replica) -> list[str]:
    """Return the logs that have entries waiting in the outbox."""
    return [r[0] for r in replica.session.all("SELECT DISTINCT origin FROM outbox WHERE acked_ms IS NULL")]


def knows_case(replica: Replica, case_id: str) -> bool:
    """Return True if the replica holds the ledger case `case_id`."""
    return replica.session.one("SELECT 1 FROM service_cases WHERE case_id = ?", (case_id,)) is not None


def knows_consent(replica: Replica, consent_id: str) -> bool:
    """Return True if the replica holds the consent `consent_id`."""
    return replica.session.one("SELECT 1 FROM consents WHERE consent_id = ?", (consent_id,)) is not None


def knows_exchange(replica: Replica, request_id: str) -> bool:
    """Return True if the replica holds the data exchange `request_id`."""
    return replica.session.one("SELECT 1 FROM data_exchanges WHERE request_id = ?", (request_id,)) is not None


def account_kids(replica: Replica) -> set[bytes]:
    """Return the key ids of every account of this office."""
    return {row[0] for row in replica.session.all("SELECT kid FROM accounts")}


@dataclass(frozen=True)
class ConflictingStep:
    """A case step the node's order lost to another office's step."""

    leaf_hash: bytes
    origin: str
    signer: bytes
    step: str
    explanation: str


def conflicting_steps(replica: Replica, case_id: str) -> list[ConflictingStep]:
    """Return the steps of a case marked as conflicts by the last resolution."""
    rows = replica.session.all(
        "SELECT leaf_hash, origin, signer, step, explanation FROM case_steps WHERE case_id = ? AND status = 'conflict'",
        (case_id,),
    )
    return [ConflictingStep(*row) for row in rows]
