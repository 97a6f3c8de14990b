"""COSE_Sign1 (RFC 9052 section 4.2) for ledger entries: one signer, a protected header, no AAD."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from app.ledger import dcbor
from app.ledger.errors import BadSignature, MalformedCBOR, UnknownCriticalHeader
from app.ledger.suites import SignatureSuite, Signer, suite_by_cose_alg

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_CRIT = 2
HEADER_CONTENT_TYPE = 3
HEADER_KID = 4
# Headers whose meaning this code implements, and so may be marked critical.
UNDERSTOOD_CRITICAL: frozenset[int] = frozenset()
MAX_KID_SIZE = 64
# Protected headers up to this size are kept, parsed, in a small cache keyed by their exact bytes.
MAX_CACHED_HEADER_SIZE = 128


@dataclass(frozen=True)
class Sign1:
    """A decoded COSE_Sign1 message, not yet verified."""

    protected_bytes: bytes
    protected: Mapping[Any, Any]
    payload: bytes
    signature: bytes
    suite: SignatureSuite
    kid: bytes

    def to_be_signed(self) -> bytes:
        """Return the Sig_structure bytes that the signature covers."""
        if len(self.protected_bytes) <= MAX_CACHED_HEADER_SIZE:
            payload = self.payload
            return b"".join(
                (_sig_structure_up_to_payload(self.protected_bytes), _byte_string_head(len(payload)), payload)
            )
        return sig_structure(self.protected_bytes, self.payload)

    def verify(self, public_key: bytes) -> None:
        """Raise BadSignature unless the signature verifies under `public_key`."""
        if not self.suite.verify(public_key, self.to_be_signed(), self.signature):
            raise BadSignature(f"{self.suite.name} signature does not verify under key {self.kid.hex()}")


# The deterministic head of a Sig_structure: an array of 4 whose first item is the text "Signature1".
_SIG_STRUCTURE_START = b"\x84\x6aSignature1"


# The heads of byte strings shorter than 256 bytes, by size.
_SHORT_BYTE_STRING_HEADS = tuple(bytes((0x40 | size,)) if size < 24 else bytes((0x58, size)) for size in range(256))


def _byte_string_head(size: int) -> bytes:
    """The shortest CBOR head of a byte string of `size` bytes."""
    if size <= 0xFF:
        return _SHORT_BYTE_STRING_HEADS[size]
    if size <= 0xFFFF:
        return b"\x59" + size.to_bytes(2, "big")
    if size <= 0xFFFFFFFF:
        return b"\x5a" + size.to_bytes(4, "big")
    return b"\x5b" + size.to_bytes(8, "big")


def sig_structure(protected_bytes: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """Return the RFC 9052 Sig_structure for a COSE_Sign1 with the given protected header.

    That is the CBOR array ["Signature1", protected, external_aad, payload], written head by head.
    """
    return b"".join(
        (
            _SIG_STRUCTURE_START,
            _byte_string_head(len(protected_bytes)),
            protected_bytes,
            _byte_string_head(len(external_aad)),
            external_aad,
            _byte_string_head(len(payload)),
            payload,
        )
    )


@functools.lru_cache(maxsize=256)
def _sig_structure_up_to_payload(protected_bytes: bytes) -> bytes:
    """The Sig_structure of a message with this protected header and no external AAD, up to its payload (cached: a
    log's entries repeat a few headers)."""
    return b"".join((_SIG_STRUCTURE_START, _byte_string_head(len(protected_bytes)), protected_bytes, b"\x40"))


def sign1(payload: bytes, signer: Signer, kid: bytes) -> bytes:
    """Return a tagged COSE_Sign1 message over `payload` with alg and kid in the protected header."""
    protected = dcbor.encode({HEADER_ALG: signer.suite.cose_alg, HEADER_KID: kid})
    signature = signer.sign(sig_structure(protected, payload))
    return dcbor.encode(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


# The deterministic COSE_Sign1 of a ledger entry: tag 18 (0xd2), an array of 4 (0x84), the protected
# header as a byte string, an empty unprotected map (0xa0), the payload and the signature as byte strings.
_SIGN1_START = b"\xd2\x84"
_EMPTY_MAP = 0xA0


def _byte_string_at(data: bytes, pos: int) -> tuple[bytes, int] | None:
    """The byte string whose shortest-form head is at `pos` (lengths below 65,536), or None if not one."""
    if pos >= len(data):
        return None
    head = data[pos]
    if 0x40 <= head <= 0x57:
        size, pos = head - 0x40, pos + 1
    elif head == 0x58 and pos + 1 < len(data) and data[pos + 1] >= 24:
        size, pos = data[pos + 1], pos + 2
    elif head == 0x59 and pos + 2 < len(data) and (size := int.from_bytes(data[pos + 1 : pos + 3], "big")) > 0xFF:
        pos += 3
    else:
        return None
    end = pos + size
    if end > len(data):
        return None
    return data[pos:end], end


def _split_sign1(data: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(protected header, payload, signature) if `data` is exactly the deterministic encoding of a tagged
    COSE_Sign1 with an empty unprotected header; None for anything else (which the full decoder then judges)."""
    if data[:2] != _SIGN1_START:
        return None
    protected = _byte_string_at(data, 2)
    if protected is None or protected[1] >= len(data) or data[protected[1]] != _EMPTY_MAP:
        return None
    payload = _byte_string_at(data, protected[1] + 1)
    if payload is None:
        return None
    signature = _byte_string_at(data, payload[1])
    if signature is None or signature[1] != len(data):
        return None
    return protected[0], payload[0], signature[0]


def decode_sign1(data: bytes, *, max_size: int, what: str = "entry") -> Sign1:
    """Strictly decode a tagged COSE_Sign1 message, or raise a typed EntryError naming the fault."""
    if isinstance(data, bytes) and 0 < len(data) <= max_size and (parts := _split_sign1(data)) is not None:
        # The usual case, read straight from the bytes: every head above is the shortest form and nothing
        # follows the message, so this is exactly what the full decoder below accepts for this shape.
        protected_bytes, payload, signature = parts
    else:
        protected_bytes, payload, signature = _decode_sign1_items(data, max_size=max_size, what=what)
    protected, suite, kid = _protected_header(protected_bytes, what)
    if len(signature) != suite.signature_size:
        raise MalformedCBOR(f"{what}: a {suite.name} signature is {suite.signature_size} bytes, got {len(signature)}")
    return Sign1(protected_bytes, protected, payload, signature, suite, kid)


def _decode_sign1_items(data: bytes, *, max_size: int, what: str) -> tuple[bytes, bytes, bytes]:
    """Decode a COSE_Sign1 with the general strict decoder; return (protected header, payload, signature)."""
    item = dcbor.decode(data, max_size=max_size, what=what)
    if not isinstance(item, cbor2.CBORTag) or item.tag != COSE_SIGN1_TAG:
        raise MalformedCBOR(f"{what} is not a tagged COSE_Sign1 message (tag 18)")
    msg = item.value
    if not isinstance(msg, list | tuple) or len(msg) != 4:
        raise MalformedCBOR(f"{what}: COSE_Sign1 must be an array of 4 items")
    protected_bytes, unprotected, payload, signature = msg
    if not isinstance(protected_bytes, bytes) or not protected_bytes:
        raise MalformedCBOR(f"{what}: the protected header must be a non-empty byte string")
    if not isinstance(unprotected, Mapping):
        raise MalformedCBOR(f"{what}: the unprotected header must be a map")
    if unprotected:
        # Unprotected headers are not signed: allowing them would let anyone make a second,
        # different-looking copy of a signed entry (and so a second entry hash).
        raise MalformedCBOR(f"{what}: the unprotected header must be empty")
    if not isinstance(payload, bytes):
        raise MalformedCBOR(f"{what}: the payload must be an embedded byte string")
    if not isinstance(signature, bytes):
        raise MalformedCBOR(f"{what}: the signature must be a byte string")
    return protected_bytes, payload, signature


def _protected_header(protected_bytes: bytes, what: str) -> tuple[Mapping[Any, Any], SignatureSuite, bytes]:
    """Decode and check a protected header: (header map, suite, kid); small ones through a cache."""
    if len(protected_bytes) <= MAX_CACHED_HEADER_SIZE:
        return _cached_protected_header(protected_bytes, what)
    return _check_protected_header(protected_bytes, what)


class ProtectedHeader(Mapping[Any, Any]):
    """A decoded protected header, read-only (cached headers are shared) and picklable (decoded entries
    travel back from the node's verification worker processes)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[Any, Any]) -> None:
        self._items = dict(items)

    def __getitem__(self, label: Any) -> Any:
        return self._items[label]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"ProtectedHeader({self._items!r})"


@functools.lru_cache(maxsize=256)
def _cached_protected_header(protected_bytes: bytes, what: str) -> tuple[Mapping[Any, Any], SignatureSuite, bytes]:
    """`_check_protected_header`, cached by the header's exact bytes (a log's entries repeat a few headers);
    a refused header raises every time and is not cached."""
    return _check_protected_header(protected_bytes, what)


def _check_protected_header(protected_bytes: bytes, what: str) -> tuple[Mapping[Any, Any], SignatureSuite, bytes]:
    """Decode and check a protected header: (read-only header map, suite, kid)."""
    if not protected_bytes:
        raise MalformedCBOR(f"{what}: the protected header must be a non-empty byte string")
    protected = dcbor.decode(protected_bytes, max_size=len(protected_bytes), what=f"{what} protected header")
    if not isinstance(protected, Mapping):
        raise MalformedCBOR(f"{what}: the protected header must encode a map")
    crit = protected.get(HEADER_CRIT)
    if crit is not None:
        if not isinstance(crit, list | tuple) or not crit:
            raise MalformedCBOR(f"{what}: the crit header must be a non-empty array")
        unknown = [label for label in crit if label not in UNDERSTOOD_CRITICAL]
        if unknown:
            raise UnknownCriticalHeader(f"{what}: critical header(s) {unknown!r} are not understood")
    suite = suite_by_cose_alg(protected.get(HEADER_ALG))
    kid = protected.get(HEADER_KID)
    if not isinstance(kid, bytes) or not 0 < len(kid) <= MAX_KID_SIZE:
        raise MalformedCBOR(f"{what}: the protected header must carry a kid of 1 to {MAX_KID_SIZE} bytes")
    # Shared by every message with these bytes, so handed out read-only.
    return ProtectedHeader(protected), suite, kid
