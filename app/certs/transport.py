"""The transport layers of a certificate in a QR code: context prefix, base45, zlib.

    text = PREFIX + base45(zlib(COSE_Sign1 bytes))

Our own certificates carry the prefix `GD1:`; EU digital certificates (HCERT) carry `HC1:`.
Every layer has a size limit, checked before the next layer runs, so hostile input costs
bounded time and memory: the zlib layer inflates through `decompressobj` with `max_length`,
and a stream that would inflate past the limit is refused without inflating the rest.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import StrEnum

from app.certs import base45
from app.certs.errors import CertificateTooLarge, MalformedCertificate

# The alphanumeric capacity of the largest QR code (version 40, level L): no real code holds more.
MAX_TEXT = 4296
# The COSE_Sign1 bytes after inflation. Our certificates stay under 1 KiB; EU ones under 3 KiB.
MAX_COSE = 8 * 1024
ZLIB_LEVEL = 9


class CertFormat(StrEnum):
    """Which certificate family a QR text belongs to, by its context prefix."""

    GOVDESK = "govdesk"
    HCERT = "hcert"


PREFIXES: dict[CertFormat, str] = {CertFormat.GOVDESK: "GD1:", CertFormat.HCERT: "HC1:"}


@dataclass(frozen=True)
class Unwrapped:
    """A QR text taken apart down to its COSE bytes."""

    format: CertFormat
    cose: bytes


def wrap(cose: bytes, fmt: CertFormat = CertFormat.GOVDESK) -> str:
    """Return the QR text for COSE_Sign1 bytes: prefix, then base45 of the zlib-compressed bytes."""
    if len(cose) > MAX_COSE:
        raise CertificateTooLarge(f"the COSE message is {len(cose)} bytes, over the limit of {MAX_COSE}")
    return PREFIXES[fmt] + base45.encode(zlib.compress(cose, ZLIB_LEVEL))


def detect_format(text: str) -> CertFormat:
    """Return the certificate family named by the text's prefix, or raise MalformedCertificate."""
    if not isinstance(text, str):
        raise MalformedCertificate(f"a certificate must be text, got {type(text).__name__}")
    for fmt, prefix in PREFIXES.items():
        if text.startswith(prefix):
            return fmt
    shown = text[:4].encode("unicode_escape").decode("ascii")
    raise MalformedCertificate(f"unknown context prefix {shown!r}: expected GD1: or HC1:")


def inflate(data: bytes, *, limit: int = MAX_COSE) -> bytes:
    """Inflate one complete zlib stream (RFC 1950) of at most `limit` output bytes, or raise MalformedCertificate."""
    if len(data) < 2:
        raise MalformedCertificate("the payload is too short to be zlib-compressed")
    cmf, flg = data[0], data[1]
    if cmf & 0x0F != 8 or cmf >> 4 > 7 or (cmf << 8 | flg) % 31:
        raise MalformedCertificate("the payload is not zlib-compressed (uncompressed payloads are refused)")
    if flg & 0x20:
        raise MalformedCertificate("the zlib stream asks for a preset dictionary, which certificates never use")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedCertificate(f"the zlib stream is corrupt: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise CertificateTooLarge(f"the payload inflates past the limit of {limit} bytes")
    if not inflater.eof:
        raise MalformedCertificate("the zlib stream is truncated")
    if inflater.unused_data:
        raise MalformedCertificate(f"{len(inflater.unused_data)} bytes follow the zlib stream")
    return out


def unwrap(text: str) -> Unwrapped:
    """Take a QR text apart: prefix, base45, zlib; return the COSE bytes or raise MalformedCertificate."""
    fmt = detect_format(text)
    if len(text) > MAX_TEXT:
        raise CertificateTooLarge(f"the QR text is {len(text)} characters, over the limit of {MAX_TEXT}")
    compressed = base45.decode(text[len(PREFIXES[fmt]) :])
    return Unwrapped(fmt, inflate(compressed))
