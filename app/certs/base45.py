"""Base45 (RFC 9285): bytes as text from the 45-character QR alphanumeric set.

Every two bytes become three characters (the last odd byte two), least significant first.
Decoding is strict: only the 45 characters, no length that leaves one character over, and
no triple or pair whose value exceeds what two or one bytes can hold.
"""

from __future__ import annotations

import numpy

from app.certs.errors import Base45Error

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_INVALID = 0xFF
# bytes.translate table: an ASCII character's base45 value, or 0xFF for a character outside the alphabet.
_TABLE = bytes(_VALUE.get(chr(b), _INVALID) for b in range(256))
_WEIGHTS = numpy.array([1, 45, 2025], dtype=numpy.uint32)


def encode(data: bytes) -> str:
    """Return the base45 text of `data` (RFC 9285 section 4)."""
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, rest = divmod(n, 45 * 45)
        d, c = divmod(rest, 45)
        out.append(ALPHABET[c] + ALPHABET[d] + ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(ALPHABET[c] + ALPHABET[d])
    return "".join(out)


def decode(text: str) -> bytes:
    """Return the bytes encoded by base45 `text`, or raise Base45Error naming the fault."""
    if not isinstance(text, str):
        raise Base45Error(f"base45 input must be text, got {type(text).__name__}")
    if len(text) % 3 == 1:
        raise Base45Error(f"base45 text of length {len(text)} leaves one character over")
    try:
        values = text.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError:
        values = b"\xff"
    if _INVALID in values:
        bad = next(c for c in text if c not in _VALUE)
        raise Base45Error(f"character {bad!r} is not in the base45 alphabet")
    full = len(values) - len(values) % 3
    # Each triple c, d, e is the 16-bit word c + 45 d + 2025 e; numpy does all the triples at once.
    words = numpy.frombuffer(values, dtype=numpy.uint8, count=full).reshape(-1, 3) @ _WEIGHTS
    if words.size and int(words.max()) > 0xFFFF:
        at = int(numpy.argmax(words > 0xFFFF))
        raise Base45Error(f"base45 triple at offset {3 * at} has value {int(words[at])}, over 65535")
    out = words.astype(">u2").tobytes()
    if full != len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise Base45Error(f"base45 final pair has value {n}, over 255")
        out += bytes([n])
    return out
