"""Typed errors of the certificate pipeline. Decoding raises only `MalformedCertificate` and its subclasses."""

from __future__ import annotations


class CertError(ValueError):
    """Base of every error app.certs raises about its input or its use."""


class MalformedCertificate(CertError):
    """The QR text is not a well-formed certificate: wrong prefix, base45, zlib, CBOR, COSE or claims."""


class CertificateTooLarge(MalformedCertificate):
    """The QR text, the compressed bytes or the decompressed bytes exceed their limit."""


class Base45Error(MalformedCertificate):
    """The text is not valid base45 (RFC 9285)."""


class IssueError(CertError):
    """A certificate cannot be issued or revoked as asked (bad claims, wrong key, no replica)."""


class TrustListError(CertError):
    """A trust-list entry is not a PEM or DER X.509 certificate."""


class ImageInputError(CertError):
    """An image given as input cannot be read or holds no QR code."""
