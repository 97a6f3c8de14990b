"""The few DER (X.690) encodings and the one TLV reader that SM2 certificates need here."""

from __future__ import annotations

from datetime import UTC, datetime

MAX_DEPTH_LENGTH = 1 << 20


class DerError(ValueError):
    """The bytes are not the DER that was expected."""


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    encoded = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def tlv(tag: int, body: bytes) -> bytes:
    """Return one DER element: tag byte, definite length, body."""
    return bytes([tag]) + _length(len(body)) + body


def sequence(*items: bytes) -> bytes:
    """Return a SEQUENCE of already-encoded items."""
    return tlv(0x30, b"".join(items))


def integer(value: int) -> bytes:
    """Return a DER INTEGER (non-negative values only)."""
    if value < 0:
        raise DerError("negative INTEGERs are not used here")
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def oid(dotted: str) -> bytes:
    """Return the DER OBJECT IDENTIFIER of a dotted string."""
    arcs = [int(part) for part in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def bit_string(data: bytes) -> bytes:
    """Return a BIT STRING with no unused bits."""
    return tlv(0x03, b"\x00" + data)


def explicit(number: int, body: bytes) -> bytes:
    """Return an EXPLICIT context-specific tag [number] around an encoded element."""
    return tlv(0xA0 | number, body)


def time(when: datetime) -> bytes:
    """Return UTCTime for 1950-2049 and GeneralizedTime otherwise (RFC 5280 section 4.1.2.5)."""
    when = when.astimezone(UTC)
    if 1950 <= when.year < 2050:
        return tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(0x18, when.strftime("%Y%m%d%H%M%SZ").encode())


def read(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """Return (tag, body start, body end) of the element at `offset`; strict definite-length DER."""
    if offset + 2 > len(data):
        raise DerError("truncated element")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used here")
    first = data[offset + 1]
    start = offset + 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 3 or start + count > len(data):
            raise DerError("bad length")
        size = int.from_bytes(data[start : start + count], "big")
        if size < 0x80 or data[start] == 0:
            raise DerError("length not minimally encoded")
        start += count
    end = start + size
    if end > len(data):
        raise DerError("element runs past its container")
    return tag, start, end


def children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """Return (tag, element start, body start, body end) of each element between start and end."""
    items = []
    offset = start
    while offset < end:
        tag, body_start, body_end = read(data[:end], offset)
        items.append((tag, offset, body_start, body_end))
        offset = body_end
    return items
