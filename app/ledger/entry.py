"""Ledger entries: a typed body in deterministic CBOR, signed as COSE_Sign1.

An entry names the log it belongs to (the department log's origin), its entry type, a time
(Unix milliseconds, given by the caller: this module has no clock), the signer's key id and a
body whose fields the entry type defines. Personal data never goes in a body: commitments and
references only.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.ledger import cose, dcbor
from app.ledger.entry_types import validate_body
from app.ledger.errors import BadSignature, SchemaError
from app.ledger.merkle import hash_leaf
from app.ledger.suites import Signer, key_id

# Entry bundles in C2SP tlog-tiles carry each entry behind a 16-bit length.
MAX_ENTRY_SIZE = 32 * 1024
_PAYLOAD_FIELDS = frozenset({"log", "type", "time", "signer", "body"})
MAX_ORIGIN_LENGTH = 256
_PAYLOAD_VALUES = operator.itemgetter("log", "type", "time", "signer", "body")


@dataclass(frozen=True)
class Entry:
    """The signed content of one ledger entry."""

    log: str
    type: str
    time: int
    signer: bytes
    body: Mapping[str, Any] = field(default_factory=dict)

    def payload(self) -> bytes:
        """Return the deterministic CBOR payload that gets signed."""
        return dcbor.encode(
            {"log": self.log, "type": self.type, "time": self.time, "signer": self.signer, "body": dict(self.body)}
        )


@dataclass(frozen=True)
class SignedEntry:
    """A decoded entry with its signature, not yet checked against a key."""

    data: bytes
    entry: Entry
    sign1: cose.Sign1

    @property
    def leaf_hash(self) -> bytes:
        """The RFC 6962 leaf hash, which is also the entry's identity (its entry hash)."""
        return hash_leaf(self.data)

    @property
    def kid(self) -> bytes:
        """The signer's key id."""
        return self.sign1.kid

    def verify(self, public_key: bytes) -> None:
        """Raise BadSignature unless the entry is signed by `public_key`, whose key id it names."""
        if key_id(self.sign1.suite, public_key) != self.kid:
            raise BadSignature(f"key {self.kid.hex()} named by the entry is not the key given to verify it")
        self.sign1.verify(public_key)


def entry_hash(data: bytes) -> bytes:
    """Return the hash that identifies an entry: its RFC 6962 leaf hash."""
    return hash_leaf(data)


def _check_payload(payload: Mapping[Any, Any]) -> Entry:
    if type(payload) is not dict and not isinstance(payload, Mapping):
        raise SchemaError("the entry payload must be a map")
    if payload.keys() != _PAYLOAD_FIELDS:
        keys = set(payload)
        missing, extra = _PAYLOAD_FIELDS - keys, keys - _PAYLOAD_FIELDS
        raise SchemaError(f"entry fields wrong: missing {sorted(missing)}, unexpected {sorted(map(str, extra))}")
    log, etype, time, signer, body = _PAYLOAD_VALUES(payload)
    # str.split() cuts at exactly the characters str.isspace() names: one piece equal to `log` means none.
    if not isinstance(log, str) or not 0 < len(log) <= MAX_ORIGIN_LENGTH or log.split() != [log]:
        raise SchemaError("entry field 'log' must be a log origin: non-empty text without spaces")
    if not isinstance(etype, str):
        raise SchemaError("entry field 'type' must be text")
    if not isinstance(time, int) or isinstance(time, bool) or not 0 <= time < 1 << 53:
        raise SchemaError("entry field 'time' must be non-negative Unix milliseconds")
    if not isinstance(signer, bytes):
        raise SchemaError("entry field 'signer' must be a key id (bytes)")
    if type(body) is not dict and not isinstance(body, Mapping):
        raise SchemaError("entry field 'body' must be a map")
    validate_body(etype, body)
    return Entry(log, etype, time, signer, body)


def sign_entry(entry: Entry, signer: Signer) -> bytes:
    """Validate `entry` and return it signed by `signer` as COSE_Sign1 bytes."""
    kid = key_id(signer.suite, signer.public_key)
    if entry.signer != kid:
        raise SchemaError(f"entry names signer {entry.signer.hex()}, but the signing key is {kid.hex()}")
    payload = entry.payload()
    # The signed bytes must decode, strictly, to a valid entry: what a verifier will read is what is checked here.
    _check_payload(dcbor.decode(payload, max_size=MAX_ENTRY_SIZE, what="entry payload"))
    data = cose.sign1(payload, signer, kid)
    if len(data) > MAX_ENTRY_SIZE:
        raise SchemaError(f"signed entry is {len(data)} bytes, over the limit of {MAX_ENTRY_SIZE}")
    return data


def decode_entry(data: bytes, *, max_size: int = MAX_ENTRY_SIZE) -> SignedEntry:
    """Strictly decode a signed entry, or raise a typed EntryError; the signature is not yet checked."""
    sign1 = cose.decode_sign1(data, max_size=max_size)
    payload = dcbor.decode(sign1.payload, max_size=max_size, what="entry payload")
    entry = _check_payload(payload)
    if entry.signer != sign1.kid:
        raise SchemaError("the entry's signer field and its COSE kid name different keys")
    return SignedEntry(bytes(data), entry, sign1)
