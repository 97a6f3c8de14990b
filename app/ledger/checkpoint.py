"""Checkpoints: C2SP tlog-checkpoint note bodies (origin, tree size, root hash, extensions)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from app.ledger.errors import LedgerError
from app.ledger.merkle import HASH_SIZE
from app.ledger.note import Note, NoteSigner, sign_note, verify_note

MAX_TREE_SIZE = (1 << 63) - 1


class CheckpointError(LedgerError):
    """A checkpoint body is malformed."""


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: its origin, its size and its root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """Return the note text of this checkpoint."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(), *self.extensions]
        return "\n".join(lines) + "\n"

    def sign(self, signers: list[NoteSigner]) -> str:
        """Return this checkpoint as a signed note."""
        return sign_note(self.body(), signers)


def parse_checkpoint(body: str) -> Checkpoint:
    """Parse a checkpoint note text (without signatures), strictly."""
    if not body.endswith("\n"):
        raise CheckpointError("checkpoint text must end in a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs an origin, a tree size and a root hash")
    origin, size_text, root_text, *ext = lines
    if not origin:
        raise CheckpointError("checkpoint origin is empty")
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError(f"checkpoint tree size {size_text!r} is not a decimal without leading zeros")
    size = int(size_text)
    if size > MAX_TREE_SIZE:
        raise CheckpointError("checkpoint tree size is too large")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError("checkpoint root hash is not base64") from None
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"checkpoint root hash is {len(root)} bytes, not {HASH_SIZE}")
    if base64.b64encode(root).decode() != root_text:
        raise CheckpointError("checkpoint root hash is not in canonical base64")
    if any(not line for line in ext):
        raise CheckpointError("checkpoint extension lines must be non-empty")
    return Checkpoint(origin, size, root, tuple(ext))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose note verified, with the names of the keys that verified it."""

    checkpoint: Checkpoint
    note: Note
    text: str


def open_checkpoint(text: str, origin: str, log_vkey: str, witness_vkeys: list[str] = ()) -> SignedCheckpoint:
    """Verify a signed checkpoint: the log's own signature is required; witness cosignatures are counted."""
    note = verify_note(text, [log_vkey, *witness_vkeys])
    log_name = log_vkey.split("+", 1)[0]
    if log_name not in note.verified_by:
        raise CheckpointError(f"checkpoint is not signed by the log key {log_name}")
    checkpoint = parse_checkpoint(note.text)
    if checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not the expected {origin!r}")
    return SignedCheckpoint(checkpoint, note, text)
