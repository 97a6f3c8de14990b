"""The ledger as the replica sees it: checkpoints (with cosignatures) and entries with inclusion proofs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.ledger import dcbor
from app.ledger.entry import MAX_ENTRY_SIZE
from app.ledger.merkle import hash_leaf
from app.store import inputs, roles
from app.store.errors import InvalidInput
from app.store.session import Session

# Shared with bench/replica.py so that SQLCipher and plain SQLite run exactly the same statements.
INSERT_ENTRY_SQL = "INSERT OR IGNORE INTO log_entries(leaf_hash, origin, idx, data, proof) VALUES (?,?,?,?,?)"
ENTRY_BY_HASH_SQL = "SELECT origin, idx, leaf_hash, data, proof FROM log_entries WHERE leaf_hash = ?"
MAX_PROOF_HASHES = 64


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint of one log as the replica holds it (the note text carries every signature line)."""

    origin: str
    size: int
    root_hash: bytes
    note_text: str
    fetched_at_ms: int


@dataclass(frozen=True)
class Cosignature:
    """A witness's cosignature (C2SP tlog-cosignature) on one checkpoint."""

    witness: str
    timestamp: int
    signature: bytes


@dataclass(frozen=True)
class LogEntry:
    """A ledger entry this office wrote or looked up, with its inclusion proof if known."""

    origin: str
    index: int | None
    leaf_hash: bytes
    data: bytes
    proof: list[bytes] | None


def encode_proof(proof: list[bytes] | None) -> bytes | None:
    """Return an inclusion proof as deterministic CBOR, checking its shape."""
    if proof is None:
        return None
    if not isinstance(proof, list | tuple) or len(proof) > MAX_PROOF_HASHES:
        raise InvalidInput(f"an inclusion proof must be a list of at most {MAX_PROOF_HASHES} hashes")
    return dcbor.encode([inputs.blob(h, "proof hash", size=32) for h in proof])


def decode_proof(data: bytes | None) -> list[bytes] | None:
    """Return the inclusion proof stored by `encode_proof`."""
    return None if data is None else list(dcbor.decode(data, max_size=64 * 40, what="stored proof"))


class LogStore:
    """Checkpoints and entries of the department logs."""

    def __init__(self, session: Session, on_checkpoint: Callable[[str, int], None] | None = None) -> None:
        self._s = session
        self._on_checkpoint = on_checkpoint

    def put_checkpoint(
        self,
        origin: str,
        size: int,
        root_hash: bytes,
        note_text: str,
        fetched_at_ms: int,
        cosignatures: list[Cosignature] = (),
    ) -> None:
        """Store a verified checkpoint (and its witness cosignatures); re-fetching one refreshes its time."""
        self._s.require(roles.SYNC)
        origin = inputs.text(origin, "origin", max_len=256)
        size = inputs.integer(size, "size")
        values = (
            origin,
            size,
            inputs.blob(root_hash, "root_hash", size=32),
            inputs.text(note_text, "note_text", max_len=64 * 1024),
            inputs.integer(fetched_at_ms, "fetched_at_ms"),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT INTO checkpoints(origin, size, root_hash, note_text, fetched_at_ms) VALUES (?,?,?,?,?) "
                "ON CONFLICT(origin, size) DO UPDATE SET fetched_at_ms = max(fetched_at_ms, excluded.fetched_at_ms)",
                values,
            )
            for cosig in cosignatures:
                self._s.execute(
                    "INSERT OR REPLACE INTO checkpoint_cosignatures(origin, size, witness, timestamp, signature) "
                    "VALUES (?,?,?,?,?)",
                    (
                        origin,
                        size,
                        inputs.text(cosig.witness, "witness", max_len=256),
                        inputs.integer(cosig.timestamp, "cosignature timestamp"),
                        inputs.blob(cosig.signature, "cosignature", max_len=1024),
                    ),
                )
            if self._on_checkpoint is not None:
                self._on_checkpoint(origin, size)

    def latest_checkpoint(self, origin: str) -> StoredCheckpoint | None:
        """Return the largest checkpoint held for a log, or None."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT origin, size, root_hash, note_text, fetched_at_ms FROM checkpoints WHERE origin = ? "
            "ORDER BY size DESC LIMIT 1",
            (inputs.text(origin, "origin", max_len=256),),
        )
        return StoredCheckpoint(*row) if row else None

    def cosignatures(self, origin: str, size: int) -> list[Cosignature]:
        """Return the witness cosignatures held for one checkpoint."""
        self._s.require(roles.READ)
        rows = self._s.all(
            "SELECT witness, timestamp, signature FROM checkpoint_cosignatures WHERE origin = ? AND size = ? "
            "ORDER BY witness",
            (inputs.text(origin, "origin", max_len=256), inputs.integer(size, "size")),
        )
        return [Cosignature(*row) for row in rows]

    def checkpoint_sizes(self) -> dict[str, int]:
        """Return the largest checkpoint size held per log."""
        self._s.require(roles.READ)
        return dict(self._s.all("SELECT origin, max(size) FROM checkpoints GROUP BY origin"))

    def distrust_reason(self, origin: str) -> str | None:
        """Return why sync stopped trusting a log (a fork), or None while the log is trusted."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT trusted, reason FROM sync_logs WHERE origin = ?", (inputs.text(origin, "origin", max_len=256),)
        )
        return None if row is None or row[0] else (row[1] or "untrusted")

    def age_ms(self, origin: str, now_ms: int) -> int | None:
        """Return how long ago the newest checkpoint of a log was fetched, or None if none is held."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT max(fetched_at_ms) FROM checkpoints WHERE origin = ?", (inputs.text(origin, "origin", max_len=256),)
        )
        return None if row is None or row[0] is None else max(0, inputs.integer(now_ms, "now_ms") - row[0])

    def put_entry(
        self, origin: str, index: int | None, leaf_hash: bytes, data: bytes, proof: list[bytes] | None
    ) -> None:
        """Store a verified entry; its leaf hash must be the hash of its data. Storing it again adds a proof."""
        self._s.require(roles.SYNC)
        data = inputs.blob(data, "entry data", max_len=MAX_ENTRY_SIZE)
        leaf_hash = inputs.blob(leaf_hash, "leaf_hash", size=32)
        if hash_leaf(data) != leaf_hash:
            raise InvalidInput("the leaf hash is not the RFC 6962 hash of the entry data")
        values = (leaf_hash, inputs.text(origin, "origin", max_len=256), inputs.integer(index, "index", optional=True))
        encoded = encode_proof(proof)
        with self._s.transaction():
            cur = self._s.execute(INSERT_ENTRY_SQL, (*values, data, encoded))
            if cur.rowcount == 0 and (index is not None or encoded is not None):
                self._s.execute(
                    "UPDATE log_entries SET idx = coalesce(?, idx), proof = coalesce(?, proof) WHERE leaf_hash = ?",
                    (values[2], encoded, leaf_hash),
                )

    def entry_by_hash(self, leaf_hash: bytes) -> LogEntry | None:
        """Return the entry with this leaf hash, or None."""
        self._s.require(roles.READ)
        row = self._s.one(ENTRY_BY_HASH_SQL, (inputs.blob(leaf_hash, "leaf_hash"),))
        if row is None:
            return None
        origin, idx, lh, data, proof = row
        return LogEntry(origin, idx, lh, data, decode_proof(proof))
