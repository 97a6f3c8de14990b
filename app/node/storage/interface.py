"""The node store's interface: the records it holds, its errors, and the protocol every driver implements.

The node's modules (sequencer, registry, witness, publisher, service) depend on this module only;
`app.node.storage.open.open_store` picks the driver by URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from app.server_storage.migrations import SchemaTooNewError

DEFAULT_RETRY_S = 5.0


class NodeStoreError(RuntimeError):
    """The store could not be opened or is not a node database of a known schema."""


class SchemaTooNew(NodeStoreError, SchemaTooNewError):
    """The database was written by a newer govdesk node: its schema version is above the one this code knows."""

    code = "node_schema_too_new"

    def __init__(self, found: int, known: int) -> None:
        SchemaTooNewError.__init__(self, "node", found, known)


class StoreUnavailable(NodeStoreError):
    """The database cannot be reached now (connection gone, server down or read-only); retry later."""


@dataclass(frozen=True)
class LogState:
    """The sequenced tree and the checkpoints made from it."""

    size: int
    root: bytes
    checkpoint: str | None
    published: str | None
    published_size: int


@dataclass(frozen=True)
class EnrolledKey:
    """An enrolled key of the department's registry."""

    kid: bytes
    suite: str
    public_key: bytes
    role: str
    subject: str
    department: str | None
    enrolled_idx: int
    revoked_idx: int | None

    @property
    def revoked(self) -> bool:
        """True once a registry.revoke entry for this key is sequenced."""
        return self.revoked_idx is not None


@dataclass(frozen=True)
class CaseResult:
    """A case's sealed result (an OFD file), its SM3 digest and the office whose window accepted the case."""

    case_id: str
    office: str
    digest: bytes
    data: bytes


@dataclass(frozen=True)
class WitnessedLog:
    """What this node, as a witness, last cosigned for another department's log."""

    origin: str
    size: int
    root: bytes
    checkpoint: str


@dataclass(frozen=True)
class WitnessedFork:
    """A pair of validly signed, mutually inconsistent checkpoints of one log."""

    id: int
    origin: str
    held: str
    offered: str
    old_size: int
    proof: str
    reason: str
    received_at: int


@dataclass(frozen=True)
class BatchLookup:
    """What the sequencer reads at the start of a batch: the tree head, which of the batch's entries are
    sequenced already (entry hash -> index), and the registry records of the batch's signers."""

    size: int
    root: bytes
    existing: dict[bytes, int]
    records: dict[bytes, EnrolledKey]


class SequencingView(Protocol):
    """The sequencer's view of the store inside one exclusive write transaction."""

    def lookup(self, hashes: Sequence[bytes], kids: Iterable[bytes]) -> BatchLookup:
        """Return the tree head, which of `hashes` are sequenced already and the registry records of `kids`."""
        ...

    def tile(self, level: int, index: int) -> bytes | None:
        """Return a stored tile."""
        ...

    def insert_entries(self, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert (index, hash, data) rows."""
        ...

    def put_keys(self, changes: Iterable[tuple[EnrolledKey, int]]) -> None:
        """Insert or update registry records, each marked with the index of the entry that changed it."""
        ...

    def put_tiles(self, tiles: dict[tuple[int, int], bytes]) -> None:
        """Insert or replace tiles."""
        ...

    def set_state(self, size: int, root: bytes, checkpoint: str, now_ms: int) -> None:
        """Record the new tree head and its signed checkpoint."""
        ...


class WitnessView(Protocol):
    """A witness's record of one log, read and written inside one transaction."""

    origin: str

    def held(self) -> WitnessedLog | None:
        """Return what this witness last cosigned for the log."""
        ...

    def replace(self, size: int, root: bytes, checkpoint: str) -> None:
        """Record a newly cosigned checkpoint."""
        ...

    def record_fork(self, held: str, offered: str, old_size: int, proof: str, reason: str, now_ms: int) -> None:
        """Keep a pair of conflicting checkpoints as evidence."""
        ...


class NodeStore(Protocol):
    """What the node asks of its storage, whatever the engine under it."""

    engine: str
    url: str

    def init_schema(self) -> None:
        """Create the tables if they do not exist, and bring the schema to this govdesk's version."""
        ...

    def can_write(self) -> bool:
        """True if the database accepts writes right now (one short probe, no retries)."""
        ...

    def close(self) -> None:
        """Close every connection this store opened."""
        ...

    def sequencing(self) -> AbstractContextManager[SequencingView]:
        """Open the exclusive sequencing transaction (one sequencer at a time across processes)."""
        ...

    def state(self) -> LogState:
        """Return the tree head and the latest checkpoints."""
        ...

    def tile(self, level: int, index: int) -> bytes | None:
        """Return the stored content of tile (level, index), possibly wider than a reader needs."""
        ...

    def entries(self, start: int, end: int) -> list[bytes]:
        """Return the entries with indexes in [start, end)."""
        ...

    def entry_by_hash(self, entry_hash: bytes) -> tuple[int, bytes] | None:
        """Return (index, data) of the entry with this hash, if it is sequenced."""
        ...

    def keys_changed_since(self, index: int) -> list[EnrolledKey]:
        """Return registry records changed by entries at or after `index`."""
        ...

    def checkpoint_at(self, size: int) -> str | None:
        """Return the checkpoint signed at tree size `size`, if one was."""
        ...

    def publish(self, size: int, text: str) -> bool:
        """Publish a (cosigned) checkpoint unless a larger one is already published."""
        ...

    def cosigner_size(self, name: str) -> int:
        """Return the tree size a witness last cosigned for this log (0 if never)."""
        ...

    def set_cosigner_size(self, name: str, size: int) -> None:
        """Record the size a witness last cosigned for this log."""
        ...

    def use_nonce(self, kid: bytes, nonce: bytes, now_ms: int, forget_before_ms: int) -> bool:
        """Record a request nonce; return False if this key already used it (a replay)."""
        ...

    def put_case_result(self, case_id: str, office: str, digest: bytes, data: bytes, now_ms: int) -> bool:
        """Keep a case's sealed result for `office`; False if the case already holds another document."""
        ...

    def case_result(self, case_id: str) -> CaseResult | None:
        """Return the sealed result kept for a case, if any."""
        ...

    def witness_transaction(self, origin: str) -> AbstractContextManager[WitnessView]:
        """Open a transaction in which a witness checks and replaces its record of `origin` atomically."""
        ...

    def witnessed(self, origin: str) -> WitnessedLog | None:
        """Return the last checkpoint this node cosigned for `origin`."""
        ...

    def all_witnessed(self) -> list[WitnessedLog]:
        """Return this node's record of every log it witnesses."""
        ...

    def forks(self) -> list[WitnessedFork]:
        """Return every piece of fork evidence this node kept."""
        ...
