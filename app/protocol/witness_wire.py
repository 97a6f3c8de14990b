"""The C2SP tlog-witness `add-checkpoint` wire format, spoken by the witness and by whoever asks it to cosign."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from app.ledger.merkle import HASH_SIZE

MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A parsed add-checkpoint body."""

    old_size: int
    proof: list[bytes]
    checkpoint: str


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse `old N`, proof lines, a blank line and a signed checkpoint; raise ValueError if malformed."""
    if len(body) > MAX_REQUEST_BYTES:
        raise ValueError("request too large")
    text = body.decode("utf-8")
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise ValueError("no blank line after the consistency proof")
    lines = head.split("\n")
    old_line, proof_lines = lines[0], lines[1:]
    if not old_line.startswith("old "):
        raise ValueError("the first line must be 'old <size>'")
    size_text = old_line[4:]
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise ValueError("old size is not a decimal without leading zeros")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for line in proof_lines:
        try:
            h = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("a consistency proof line is not base64") from None
        if len(h) != HASH_SIZE:
            raise ValueError("a consistency proof line is not a 32-byte hash")
        proof.append(h)
    return AddCheckpointRequest(int(size_text), proof, checkpoint)


def encode_add_checkpoint(old_size: int, proof: list[bytes], checkpoint: str) -> bytes:
    """Return an add-checkpoint request body."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + checkpoint).encode()
