"""Signed entries written at this office and not yet acknowledged by their department's node."""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger.entry import MAX_ENTRY_SIZE
from app.ledger.merkle import hash_leaf
from app.store import inputs, roles
from app.store.errors import InvalidInput
from app.store.logs import INSERT_ENTRY_SQL, encode_proof
from app.store.refused_entries import SET_ASIDE_LEAVES_SQL
from app.store.session import Session


@dataclass(frozen=True)
class OutboxEntry:
    """One signed entry waiting to be sent to its log."""

    leaf_hash: bytes
    origin: str
    data: bytes
    enqueued_ms: int


class Outbox:
    """The queue of signed entries to push; enqueueing is idempotent by entry hash."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def enqueue(self, origin: str, data: bytes) -> bytes:
        """Queue a signed entry (inside the caller's transaction, if any) and return its leaf hash."""
        self._s.require(roles.OUTBOX_WRITE)
        data = inputs.blob(data, "entry data", max_len=MAX_ENTRY_SIZE)
        leaf_hash = hash_leaf(data)
        with self._s.transaction():
            self._s.execute(
                "INSERT OR IGNORE INTO outbox(leaf_hash, origin, data, enqueued_ms) VALUES (?,?,?,?)",
                (leaf_hash, inputs.text(origin, "origin", max_len=256), data, self._s.now_ms()),
            )
        return leaf_hash

    def pending(self, limit: int = 1000) -> list[OutboxEntry]:
        """Return the entries not yet acknowledged, oldest first."""
        self._s.require(roles.OUTBOX_READ)
        rows = self._s.all(
            "SELECT leaf_hash, origin, data, enqueued_ms FROM outbox WHERE acked_ms IS NULL ORDER BY id LIMIT ?",
            (inputs.integer(limit, "limit", minimum=1),),
        )
        return [OutboxEntry(*row) for row in rows]

    def acknowledge(self, leaf_hash: bytes, index: int, proof: list[bytes] | None) -> None:
        """Mark an entry as sequenced at `index` and keep it, with its proof, among the log entries."""
        self._s.require(roles.SYNC)
        leaf_hash = inputs.blob(leaf_hash, "leaf_hash", size=32)
        index = inputs.integer(index, "index")
        encoded = encode_proof(proof)
        with self._s.transaction():
            row = self._s.one("SELECT origin, data FROM outbox WHERE leaf_hash = ?", (leaf_hash,))
            if row is None:
                raise InvalidInput(f"no outbox entry has leaf hash {leaf_hash.hex()}")
            self._s.execute(
                "UPDATE outbox SET acked_ms = coalesce(acked_ms, ?), idx = ?, proof = ? WHERE leaf_hash = ?",
                (self._s.now_ms(), index, encoded, leaf_hash),
            )
            self._s.execute(INSERT_ENTRY_SQL, (leaf_hash, row[0], index, row[1], encoded))
            self._s.execute(
                "UPDATE log_entries SET idx = ?, proof = ? WHERE leaf_hash = ?", (index, encoded, leaf_hash)
            )

    def count_pending(self) -> int:
        """Return how many entries wait to be sent (a refused entry a supervisor set aside waits no more)."""
        self._s.require(roles.OUTBOX_READ)
        return int(
            self._s.one(
                f"SELECT count(*) FROM outbox WHERE acked_ms IS NULL AND leaf_hash NOT IN ({SET_ASIDE_LEAVES_SQL})"
            )[0]
        )

    def last_id(self) -> int:
        """Return the queue position of the newest entry ever queued (0 if none): a mark for `written_after`."""
        self._s.require(roles.OUTBOX_READ)
        return int(self._s.one("SELECT coalesce(max(id), 0) FROM outbox")[0])

    def written_after(self, mark: int) -> list[bytes]:
        """Return the data of every entry queued after the mark `last_id` gave, in queue order."""
        self._s.require(roles.OUTBOX_READ)
        return [row[0] for row in self._s.all("SELECT data FROM outbox WHERE id > ? ORDER BY id", (mark,))]
