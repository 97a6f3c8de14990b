"""Entry bundles as C2SP tlog-tiles serves them: each entry behind a big-endian uint16 length."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from app.ledger.errors import LedgerError

MAX_BUNDLE_ENTRY = 0xFFFF


class BundleError(LedgerError):
    """An entry bundle is truncated or holds an entry too large to frame."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Return the entries framed as an entry bundle."""
    out = bytearray()
    for i, data in enumerate(entries):
        if len(data) > MAX_BUNDLE_ENTRY:
            raise BundleError(f"entry {i} is {len(data)} bytes, too large for a bundle", i)
        out += struct.pack(">H", len(data))
        out += data
    return bytes(out)


def decode_bundle(data: bytes, *, first_index: int = 0, max_entries: int | None = None) -> list[bytes]:
    """Split an entry bundle into entries; raise BundleError naming the first broken entry."""
    entries: list[bytes] = []
    pos, n = 0, len(data)
    if type(data) is not bytes:
        data = bytes(data)  # then each entry is one slice: one copy
    while pos < n:
        index = first_index + len(entries)
        if max_entries is not None and len(entries) >= max_entries:
            raise BundleError(f"bundle holds more than {max_entries} entries", index)
        if pos + 2 > n:
            raise BundleError(f"entry {index}: truncated length prefix", index)
        (length,) = struct.unpack_from(">H", data, pos)
        pos += 2
        if pos + length > n:
            raise BundleError(f"entry {index}: truncated, {length} bytes announced, {n - pos} present", index)
        entries.append(data[pos : pos + length])
        pos += length
    return entries
