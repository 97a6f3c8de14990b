"""Typed errors of the ledger core. Each names what was wrong, in words a log line can carry."""

from __future__ import annotations


class LedgerError(ValueError):
    """Base of every error the ledger core raises about its input."""


class EntryError(LedgerError):
    """A signed entry could not be decoded or did not verify."""


class EntryTooLarge(EntryError):
    """The input is larger than the limit for its kind."""


class MalformedCBOR(EntryError):
    """The bytes are not well-formed CBOR, or not of the expected shape."""


class NonCanonicalEncoding(EntryError):
    """Well-formed CBOR, but not in the deterministic encoding of RFC 8949 section 4.2.1."""


class TrailingBytes(EntryError):
    """Bytes follow the single CBOR item that was expected."""


class UnsupportedAlgorithm(EntryError):
    """The COSE algorithm is not one of the named signature suites."""


class UnknownCriticalHeader(EntryError):
    """The COSE protected header marks as critical a header this code does not understand."""


class BadSignature(EntryError):
    """The signature does not verify under the signer's key."""


class UnknownSigner(EntryError):
    """The entry names a signer key that is not known."""


class SchemaError(EntryError):
    """The entry decoded, but its fields are missing, of the wrong type, or of an unknown entry type."""
