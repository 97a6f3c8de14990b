"""Accepting a checkpoint: the log's signature, the witness quorum, the clock, and consistency with the
checkpoint the replica already holds. A rollback is refused; an inconsistency is a fork: kept as evidence."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable

from app.ledger.checkpoint import CheckpointError, SignedCheckpoint, open_checkpoint
from app.ledger.merkle import SHA256_TREE, ProofError, RootMismatch, TreeHash
from app.ledger.note import NoteError, NoteSignatureInvalid, UnverifiedNote
from app.store import sync_state
from app.store.logs import Cosignature, StoredCheckpoint
from app.store.replica import Replica
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.errors import (
    ClockSkew,
    ForkDetected,
    MalformedResponse,
    MissingQuorum,
    TreeRollback,
    UnknownSigner,
    WrongNode,
)
from app.sync.transport import CHECKPOINT_LIMIT, JSON_LIMIT, NodeLink
from app.sync.trust import LogTrust

MAX_PROOF_HASHES = 128
ForkCallback = Callable[[sync_state.ForkEvidence], None]


def verify_checkpoint(text: str, trust: LogTrust, now_ms: int, max_skew_ms: int) -> SignedCheckpoint:
    """Open a checkpoint note: signed by the log key, cosigned by `trust.quorum` witnesses, none in the future."""
    origin = trust.origin
    lines = text.split("\n", 3)
    if len(lines) == 4 and lines[0] != origin and lines[0].isprintable() and lines[1].isdigit():
        # a well-formed checkpoint of another log: the server is not the node the trust policy names
        raise WrongNode(origin, f"wrong node at this address: it serves the log {lines[0][:200]!r}")
    try:
        signed = open_checkpoint(text, origin, trust.log_vkey, list(trust.witnesses))
    except UnverifiedNote:
        raise UnknownSigner(origin, "the checkpoint is signed by no key of the trust policy") from None
    except NoteSignatureInvalid as exc:
        raise UnknownSigner(origin, f"a checkpoint signature does not verify: {exc}") from None
    except CheckpointError as exc:
        if "not signed by the log key" in str(exc):
            raise UnknownSigner(origin, str(exc)) from None
        raise MalformedResponse(origin, f"bad checkpoint: {exc}") from None
    except NoteError as exc:
        raise MalformedResponse(origin, f"bad checkpoint note: {exc}") from None
    cosigned = {name: ts for name, ts in signed.note.cosigned_at.items() if name != trust.log_name}
    if len(cosigned) < trust.quorum:
        raise MissingQuorum(
            origin,
            f"checkpoint of size {signed.checkpoint.size} has {len(cosigned)} witness cosignatures, "
            f"the trust policy needs {trust.quorum}",
        )
    future = [name for name, ts in cosigned.items() if ts * 1000 > now_ms + max_skew_ms]
    if future:
        raise ClockSkew(
            origin,
            f"witness {future[0]} cosigned at a time more than {max_skew_ms // 1000} s after this office's clock: "
            "check the office clock",
        )
    return signed


def cosignatures(signed: SignedCheckpoint) -> list[Cosignature]:
    """Return the verified witness cosignatures of a checkpoint, for the replica."""
    out = []
    for sig in signed.note.signatures:
        if sig.name in signed.note.cosigned_at:
            out.append(Cosignature(sig.name, signed.note.cosigned_at[sig.name], sig.sig))
    return out


def fetch_checkpoint(link: NodeLink, trust: LogTrust, now_ms: int, max_skew_ms: int) -> SignedCheckpoint:
    """Fetch the node's checkpoint and verify it (signature, quorum, clock)."""
    fetched = link.get("checkpoint", limit=CHECKPOINT_LIMIT)
    link.check_clock(fetched, max_skew_ms)
    try:
        text = fetched.body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedResponse(trust.origin, "the checkpoint is not UTF-8 text") from None
    return verify_checkpoint(text, trust, now_ms, max_skew_ms)


def fetch_quorate_checkpoint(
    link: NodeLink, trust: LogTrust, now_ms: Callable[[], int], max_skew_ms: int, *, wait_s: float = 3.0
) -> SignedCheckpoint:
    """Fetch the checkpoint, waiting up to `wait_s` while the node is still gathering its witness quorum."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return fetch_checkpoint(link, trust, now_ms(), max_skew_ms)
        except MissingQuorum:
            if time.monotonic() > deadline or link.cancel.wait(0.2):
                raise


def fetch_consistency(link: NodeLink, old: int, new: int) -> list[bytes]:
    """Fetch an RFC 9162 consistency proof between two sizes, checking its shape."""
    fetched = link.get("proof/consistency", limit=JSON_LIMIT, params={"old": old, "new": new})
    try:
        doc = json.loads(fetched.body)
        hashes = doc["proof"]
        if doc.get("old") != old or doc.get("new") != new or not isinstance(hashes, list):
            raise ValueError("wrong sizes")
        if len(hashes) > MAX_PROOF_HASHES:
            raise ValueError("too many hashes")
        proof = [base64.b64decode(h, validate=True) for h in hashes]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise MalformedResponse(link.origin, f"bad consistency proof {old}->{new}: {exc}") from None
    return proof


def check_against_held(
    replica: Replica,
    link: NodeLink,
    offered: SignedCheckpoint,
    *,
    floor: int = 0,
    on_fork: ForkCallback | None = None,
    on_db: DatabaseRunner = run_here,
    tree: TreeHash = SHA256_TREE,
) -> StoredCheckpoint | None:
    """Prove `offered` extends the replica's newest checkpoint of the log (and is not below `floor`), with a
    consistency proof in the log's tree hash `tree`.

    The replica is read and written through `on_db`; the consistency proof is fetched on the caller's thread.

    Raises TreeRollback for a smaller tree, ForkDetected (after keeping the evidence and marking the log
    untrusted) for an inconsistent one, MalformedResponse for a garbled proof. Returns the held checkpoint.
    """
    origin = offered.checkpoint.origin
    held = on_db(lambda: replica.logs.latest_checkpoint(origin))
    new = offered.checkpoint
    held_size = held.size if held else 0
    if new.size < max(held_size, floor):
        raise TreeRollback(
            origin,
            f"the node offers a tree of {new.size} entries; this office already verified {max(held_size, floor)}",
        )
    if held is None or held.size == 0:
        return held
    if new.size == held.size:
        if new.root_hash != held.root_hash:
            on_db(lambda: _fork(replica, held, offered, None, "two different trees of the same size", on_fork))
        return held
    proof = fetch_consistency(link, held.size, new.size)
    try:
        tree.verify_consistency(held.size, new.size, proof, held.root_hash, new.root_hash)
    except RootMismatch as exc:
        reason = f"consistency proof fails: {exc}"
        on_db(lambda: _fork(replica, held, offered, b"".join(proof), reason, on_fork))
    except ProofError as exc:
        raise MalformedResponse(origin, f"consistency proof {held.size}->{new.size} is malformed: {exc}") from None
    return held


def _fork(
    replica: Replica,
    held: StoredCheckpoint,
    offered: SignedCheckpoint,
    proof: bytes | None,
    reason: str,
    on_fork: ForkCallback | None,
) -> None:
    origin = offered.checkpoint.origin
    evidence_id = sync_state.record_fork(replica, origin, held.note_text, offered.text, proof, reason)
    message = (
        f"fork: the node signed a checkpoint of size {offered.checkpoint.size} that does not extend the one of size "
        f"{held.size} this office holds ({reason}); both kept as evidence {evidence_id}, the log is no longer trusted"
    )
    if on_fork is not None:
        on_fork(next(e for e in sync_state.fork_evidence(replica) if e.id == evidence_id))
    raise ForkDetected(origin, message, evidence_id)
