"""The COSE_Sign1 envelope of a govdesk certificate, decoded strictly for its one documented shape.

    18([ << {1: alg, 4: kid} >>, {}, << claims >>, signature ])     (RFC 9052 section 4.2)

The generic decoder (app.ledger.cose.decode_sign1) accepts any deterministic protected header and
re-encodes every layer through a normalising pass. A certificate's envelope has exactly one shape
(docs/certificate-format.md), so this checks that shape directly and then that each layer re-encodes
to the very same bytes: the same guarantees (deterministic CBOR, empty unprotected header, a kid,
a known suite, a signature of the suite's size), and also no protected header but alg and kid.
"""

from __future__ import annotations

from collections.abc import Mapping

import cbor2

from app.certs.errors import MalformedCertificate
from app.ledger import cose
from app.ledger.errors import LedgerError
from app.ledger.suites import suite_by_cose_alg

# The protected header's labels, with their types, in deterministic order (0x01 before 0x04).
_PROTECTED_ORDER = [(int, cose.HEADER_ALG), (int, cose.HEADER_KID)]
_DECODE_ERRORS = (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, MemoryError, EOFError, RecursionError)


def _fail(message: str) -> MalformedCertificate:
    return MalformedCertificate(f"certificate: {message}")


def _load_one(data: bytes, what: str) -> object:
    """Decode the CBOR item at the start of `data`, or raise MalformedCertificate.

    Bytes after the item are not looked at here: the caller then requires that the item re-encodes to
    exactly `data`, which refuses them along with every other non-deterministic encoding.
    """
    try:
        return cbor2.loads(data)
    except _DECODE_ERRORS as exc:
        raise _fail(f"{what} is not well-formed CBOR: {exc}") from None


def _reencodes_to(item: object, data: bytes) -> bool:
    try:
        return cbor2.dumps(item) == data
    except (cbor2.CBOREncodeError, ValueError, TypeError, OverflowError):
        return False


def decode_envelope(data: bytes, *, max_size: int) -> cose.Sign1:
    """Strictly decode a certificate's tagged COSE_Sign1, or raise MalformedCertificate naming the fault."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _fail(f"the COSE message must be bytes, got {type(data).__name__}")
    if len(data) > max_size:
        raise _fail(f"the COSE message is {len(data)} bytes, over the limit of {max_size}")
    if not data:
        raise _fail("the COSE message is empty")
    data = bytes(data)
    item = _load_one(data, "COSE message")
    if type(item) is not cbor2.CBORTag or item.tag != cose.COSE_SIGN1_TAG:
        raise _fail("not a tagged COSE_Sign1 message (tag 18)")
    message = item.value
    if type(message) not in (list, tuple) or len(message) != 4:
        raise _fail("COSE_Sign1 must be an array of 4 items")
    protected_bytes, unprotected, payload, signature = message
    if type(protected_bytes) is not bytes or not protected_bytes:
        raise _fail("the protected header must be a non-empty byte string")
    if not isinstance(unprotected, Mapping) or unprotected:  # cbor2 gives a frozendict inside a tag
        raise _fail("the unprotected header must be an empty map")
    if type(payload) is not bytes:
        raise _fail("the payload must be an embedded byte string")
    if type(signature) is not bytes:
        raise _fail("the signature must be a byte string")
    if not _reencodes_to(item, data):
        raise _fail("the COSE message is not in deterministic CBOR encoding (RFC 8949 4.2.1) or bytes follow it")
    protected = _load_one(protected_bytes, "protected header")
    if type(protected) is not dict or [(type(k), k) for k in protected] != _PROTECTED_ORDER:
        raise _fail("the protected header must hold exactly alg (1) and kid (4)")
    if not _reencodes_to(protected, protected_bytes):
        raise _fail("the protected header is not in deterministic CBOR encoding or bytes follow it")
    try:
        suite = suite_by_cose_alg(protected[cose.HEADER_ALG])
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    kid = protected[cose.HEADER_KID]
    if type(kid) is not bytes or not 0 < len(kid) <= cose.MAX_KID_SIZE:
        raise _fail(f"the protected header must carry a kid of 1 to {cose.MAX_KID_SIZE} bytes")
    if len(signature) != suite.signature_size:
        raise _fail(f"a {suite.name} signature is {suite.signature_size} bytes, got {len(signature)}")
    return cose.Sign1(protected_bytes, protected, payload, signature, suite, kid)
