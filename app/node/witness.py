"""Witnessing other departments' logs (C2SP tlog-witness `add-checkpoint`, tlog-cosignature/v1).

A checkpoint is cosigned only if it is signed by the log's trusted key and is consistent with the
last checkpoint this witness cosigned for that log; the check and the update happen in one
transaction. A validly signed checkpoint that contradicts the held one is kept as fork evidence.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.ledger.checkpoint import CheckpointError, parse_checkpoint
from app.ledger.merkle import SHA256_TREE, ProofError, TreeHash
from app.ledger.note import NoteError, NoteSignatureInvalid, NoteSigner, UnverifiedNote, verify_note
from app.node.jsonlog import log_event
from app.node.storage.interface import NodeStore
from app.protocol.witness_wire import SIZE_CONTENT_TYPE, AddCheckpointRequest, parse_add_checkpoint

log = logging.getLogger("govdesk.node.witness")


@dataclass(frozen=True)
class WitnessResponse:
    """An HTTP answer to add-checkpoint: status, content type and body."""

    status: int
    content_type: str
    body: str


def _refuse(status: int, reason: str, **fields: object) -> WitnessResponse:
    log_event(log, "refusal", code=f"witness_{status}", reason=reason, **fields)
    return WitnessResponse(status, "text/plain; charset=utf-8", reason + "\n")


class Witness:
    """The witness of a node: cosigns the checkpoints of the logs it is configured to watch."""

    def __init__(
        self,
        store: NodeStore,
        signer: NoteSigner,
        logs: dict[str, list[str]],
        clock: Callable[[], float] = time.time,
        trees: dict[str, TreeHash] | None = None,
    ) -> None:
        self._store = store
        self._signer = signer
        self._logs = logs
        self._trees = trees or {}  # each watched log's tree hash; a log not named hashes its tree with SHA-256
        self._clock = clock

    @property
    def name(self) -> str:
        """The cosigner name."""
        return self._signer.name

    def origins(self) -> list[str]:
        """The origins of the logs this witness watches."""
        return sorted(self._logs)

    def add_checkpoint(self, body: bytes) -> WitnessResponse:
        """Handle one add-checkpoint request, per c2sp.org/tlog-witness."""
        try:
            req = parse_add_checkpoint(body)
            note_text = req.checkpoint
            origin = note_text.split("\n", 1)[0]
        except (ValueError, UnicodeDecodeError) as exc:
            return _refuse(400, f"malformed add-checkpoint request: {exc}")
        vkeys = self._logs.get(origin)
        if vkeys is None:
            return _refuse(404, f"unknown log origin {origin[:100]!r}")
        try:
            note = verify_note(note_text, vkeys)
            cp = parse_checkpoint(note.text)
        except (NoteSignatureInvalid, UnverifiedNote) as exc:
            return _refuse(403, f"checkpoint not signed by the log's trusted key: {exc}", origin=origin)
        except (NoteError, CheckpointError) as exc:
            return _refuse(400, f"malformed checkpoint: {exc}", origin=origin)
        if cp.origin != origin:
            return _refuse(400, "checkpoint origin line mismatch", origin=origin)
        if req.old_size > cp.size:
            return _refuse(400, f"old size {req.old_size} is larger than the checkpoint size {cp.size}", origin=origin)
        tree = self._trees.get(origin, SHA256_TREE)
        if cp.size == 0 and cp.root_hash != tree.empty_root:
            return _refuse(422, "a checkpoint of size 0 must have the empty tree's root", origin=origin)
        if req.old_size == 0 and req.proof:
            return _refuse(422, "a consistency proof from size 0 must be empty", origin=origin)
        now = int(self._clock())
        with self._store.witness_transaction(origin) as tx:
            held = tx.held()
            held_size = held.size if held else 0
            if req.old_size != held_size:
                log_event(log, "refusal", code="witness_409", origin=origin, old=req.old_size, held=held_size)
                return WitnessResponse(409, SIZE_CONTENT_TYPE, f"{held_size}\n")
            if held is not None:
                reason = self._inconsistency(tree, req, held.size, held.root, cp.size, cp.root_hash)
                if reason is not None:
                    proof_text = "\n".join(base64.b64encode(h).decode() for h in req.proof)
                    tx.record_fork(held.checkpoint, note_text, req.old_size, proof_text, reason, now * 1000)
                    log_event(log, "fork_detected", level=logging.ERROR, origin=origin, held=held.size, offered=cp.size)
                    return _refuse(422, reason, origin=origin)
            line = self._signer.signature_line(note.text, timestamp=now)
            tx.replace(cp.size, cp.root_hash, note_text + line)
        log_event(log, "cosigned", origin=origin, size=cp.size)
        return WitnessResponse(200, "text/plain; charset=utf-8", line)

    @staticmethod
    def _inconsistency(
        tree: TreeHash, req: AddCheckpointRequest, held_size: int, held_root: bytes, size: int, root: bytes
    ) -> str | None:
        if held_size == size:
            if req.proof:
                return "old size equals the checkpoint size, but a proof was sent"
            return None if held_root == root else "same tree size as the cosigned checkpoint, different root hash"
        try:
            tree.verify_consistency(held_size, size, req.proof, held_root, root)
        except ProofError as exc:
            return f"consistency proof from the cosigned size {held_size} does not verify: {exc}"
        return None
