"""A strict, bounded DER reader: definite lengths only, minimal length encodings, limited depth and size.

Only what GB/T 38540 and GM/T 0031 structures need. Every node keeps its raw encoding, because
signatures are computed over the DER bytes of a sub-structure exactly as they appear in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.ofd.errors import Asn1Error

MAX_DER_INPUT = 4 * 1024 * 1024
MAX_DEPTH = 24
MAX_CHILDREN = 4096

UNIVERSAL = 0
CONTEXT = 2

TAG_BOOLEAN = 1
TAG_INTEGER = 2
TAG_BIT_STRING = 3
TAG_OCTET_STRING = 4
TAG_NULL = 5
TAG_OID = 6
TAG_UTF8 = 12
TAG_SEQUENCE = 16
TAG_SET = 17
TAG_PRINTABLE = 19
TAG_IA5 = 22
TAG_UTC_TIME = 23
TAG_GENERALIZED_TIME = 24


@dataclass(frozen=True)
class Node:
    """One TLV: its class, constructed flag, tag number, and where its header and content lie in `data`."""

    data: bytes
    tag_class: int
    constructed: bool
    tag: int
    start: int
    content_start: int
    end: int
    depth: int

    @property
    def raw(self) -> bytes:
        """The whole encoding of this node (header and content)."""
        return self.data[self.start : self.end]

    @property
    def content(self) -> bytes:
        """The content octets."""
        return self.data[self.content_start : self.end]

    def is_universal(self, tag: int) -> bool:
        """True if this is the universal type `tag`."""
        return self.tag_class == UNIVERSAL and self.tag == tag

    def children(self) -> list[Node]:
        """The nodes inside a constructed node, in order."""
        if not self.constructed:
            raise Asn1Error(f"tag {self.tag} is primitive, expected a constructed value", code="asn1_invalid")
        out: list[Node] = []
        pos = self.content_start
        while pos < self.end:
            if len(out) >= MAX_CHILDREN:
                raise Asn1Error("too many elements in one structure", code="asn1_too_large")
            child = _read_node(self.data, pos, self.end, self.depth + 1)
            out.append(child)
            pos = child.end
        return out


def parse(data: bytes, *, limit: int = MAX_DER_INPUT) -> Node:
    """Parse exactly one DER value spanning all of `data`; raise `Asn1Error` otherwise."""
    if len(data) > limit:
        raise Asn1Error(f"{len(data)} bytes of DER exceed the limit of {limit}", code="asn1_too_large")
    node = _read_node(data, 0, len(data), 0)
    if node.end != len(data):
        raise Asn1Error("trailing bytes after the DER value", code="asn1_invalid")
    return node


def _read_node(data: bytes, pos: int, limit: int, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise Asn1Error(f"DER nested deeper than {MAX_DEPTH}", code="asn1_too_deep")
    start = pos
    if pos >= limit:
        raise Asn1Error("truncated DER: no tag", code="asn1_invalid")
    first = data[pos]
    pos += 1
    tag_class = first >> 6
    constructed = bool(first & 0x20)
    tag = first & 0x1F
    if tag == 0x1F:
        tag = 0
        for count in range(4):
            if pos >= limit:
                raise Asn1Error("truncated DER: long tag", code="asn1_invalid")
            byte = data[pos]
            pos += 1
            if count == 0 and byte == 0x80:
                raise Asn1Error("non-minimal long tag", code="asn1_invalid")
            tag = (tag << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        else:
            raise Asn1Error("tag number too large", code="asn1_invalid")
        if tag < 0x1F:
            raise Asn1Error("long form used for a short tag", code="asn1_invalid")
    if pos >= limit:
        raise Asn1Error("truncated DER: no length", code="asn1_invalid")
    length_byte = data[pos]
    pos += 1
    if length_byte < 0x80:
        length = length_byte
    elif length_byte == 0x80:
        raise Asn1Error("indefinite length is not DER", code="asn1_invalid")
    else:
        count = length_byte & 0x7F
        if count > 4:
            raise Asn1Error("length field too large", code="asn1_too_large")
        if pos + count > limit:
            raise Asn1Error("truncated DER: length", code="asn1_invalid")
        length = int.from_bytes(data[pos : pos + count], "big")
        if data[pos] == 0 or length < 0x80:
            raise Asn1Error("non-minimal length encoding", code="asn1_invalid")
        pos += count
    end = pos + length
    if end > limit:
        raise Asn1Error("DER length runs past its container", code="asn1_invalid")
    return Node(data, tag_class, constructed, tag, start, pos, end, depth)


def expect(node: Node, tag: int, what: str) -> Node:
    """Return `node` if it is the universal type `tag`, else raise naming `what`."""
    if not node.is_universal(tag):
        raise Asn1Error(f"{what}: expected universal tag {tag}, found class {node.tag_class} tag {node.tag}")
    if tag in (TAG_SEQUENCE, TAG_SET) and not node.constructed:
        raise Asn1Error(f"{what}: a SEQUENCE must be constructed")
    if tag not in (TAG_SEQUENCE, TAG_SET) and node.constructed:
        raise Asn1Error(f"{what}: constructed encoding of a primitive type is not DER")
    return node


def sequence(node: Node, what: str, *, minimum: int, maximum: int) -> list[Node]:
    """The children of a SEQUENCE, refusing fewer than `minimum` or more than `maximum`."""
    items = expect(node, TAG_SEQUENCE, what).children()
    if not minimum <= len(items) <= maximum:
        raise Asn1Error(f"{what}: {len(items)} elements, expected {minimum}..{maximum}")
    return items


def integer(node: Node, what: str) -> int:
    """A small INTEGER (at most 8 bytes)."""
    content = expect(node, TAG_INTEGER, what).content
    if not content or len(content) > 8:
        raise Asn1Error(f"{what}: INTEGER of {len(content)} bytes")
    if len(content) > 1 and ((content[0] == 0 and not content[1] & 0x80) or (content[0] == 0xFF and content[1] & 0x80)):
        raise Asn1Error(f"{what}: non-minimal INTEGER")
    return int.from_bytes(content, "big", signed=True)


def octets(node: Node, what: str) -> bytes:
    """The content of an OCTET STRING."""
    return expect(node, TAG_OCTET_STRING, what).content


def bits(node: Node, what: str) -> bytes:
    """The bytes of a BIT STRING whose length is a whole number of bytes."""
    content = expect(node, TAG_BIT_STRING, what).content
    if not content or content[0] != 0:
        raise Asn1Error(f"{what}: BIT STRING with unused bits")
    return content[1:]


def bits_or_octets(node: Node, what: str) -> bytes:
    """A BIT STRING's bytes, or an OCTET STRING's (some GM/T 0031 seals use the latter)."""
    if node.is_universal(TAG_OCTET_STRING):
        return octets(node, what)
    return bits(node, what)


def oid(node: Node, what: str) -> str:
    """An OBJECT IDENTIFIER in dotted form."""
    content = expect(node, TAG_OID, what).content
    if not content or content[-1] & 0x80 or len(content) > 64:
        raise Asn1Error(f"{what}: malformed OBJECT IDENTIFIER")
    arcs: list[int] = []
    value = 0
    for i, byte in enumerate(content):
        if value == 0 and byte == 0x80 and (i == 0 or not content[i - 1] & 0x80):
            raise Asn1Error(f"{what}: non-minimal OBJECT IDENTIFIER arc")
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])


def text(node: Node, what: str) -> str:
    """An IA5String, PrintableString or UTF8String as text."""
    if node.tag_class != UNIVERSAL or node.tag not in (TAG_IA5, TAG_PRINTABLE, TAG_UTF8) or node.constructed:
        raise Asn1Error(f"{what}: expected a string, found class {node.tag_class} tag {node.tag}")
    try:
        if node.tag == TAG_UTF8:
            return node.content.decode("utf-8")
        return node.content.decode("ascii")
    except UnicodeDecodeError as exc:
        raise Asn1Error(f"{what}: string is not valid for its type") from exc


def time(node: Node, what: str) -> datetime:
    """A GeneralizedTime or UTCTime (seconds, 'Z' or no zone, optional fraction) as an aware UTC datetime."""
    if node.constructed or node.tag_class != UNIVERSAL or node.tag not in (TAG_GENERALIZED_TIME, TAG_UTC_TIME):
        raise Asn1Error(f"{what}: expected a time")
    return parse_time_text(node.content, utc_time=node.tag == TAG_UTC_TIME, what=what)


def parse_time_text(raw: bytes, *, utc_time: bool, what: str) -> datetime:
    """Parse the text of an ASN.1 time (seconds, optional fraction, 'Z' or no zone read as UTC)."""
    digits = 12 if utc_time else 14
    head = raw[:digits]
    rest = raw[digits:]
    if rest.startswith(b"."):
        fraction = rest[1:].rstrip(b"Z")
        if not fraction.isdigit():
            raise Asn1Error(f"{what}: malformed time {raw[:32]!r}")
        rest = rest[1 + len(fraction) :]
    if len(head) != digits or not head.isdigit() or rest not in (b"", b"Z"):
        raise Asn1Error(f"{what}: malformed time {raw[:32]!r}")
    text_value = head.decode("ascii")
    if utc_time:
        year = int(text_value[:2])
        year += 2000 if year < 50 else 1900
        text_value = text_value[2:]
    else:
        year = int(text_value[:4])
        text_value = text_value[4:]
    fields = [int(text_value[i : i + 2]) for i in range(0, 10, 2)]
    try:
        return datetime(year, *fields, tzinfo=UTC)
    except ValueError as exc:
        raise Asn1Error(f"{what}: impossible time {raw[:32]!r}") from exc


# --- encoding, for the documents govdesk issues -------------------------------------------------


def encode(tag_byte: int, content: bytes) -> bytes:
    """One DER TLV with a definite minimal length."""
    length = len(content)
    if length < 0x80:
        header = bytes([tag_byte, length])
    else:
        size = (length.bit_length() + 7) // 8
        header = bytes([tag_byte, 0x80 | size]) + length.to_bytes(size, "big")
    return header + content


def enc_sequence(*items: bytes) -> bytes:
    """A SEQUENCE of already-encoded items."""
    return encode(0x30, b"".join(items))


def enc_integer(value: int) -> bytes:
    """An INTEGER."""
    size = max(1, (value.bit_length() + 8) // 8)
    return encode(0x02, value.to_bytes(size, "big", signed=True))


def enc_octets(value: bytes) -> bytes:
    """An OCTET STRING."""
    return encode(0x04, value)


def enc_bits(value: bytes) -> bytes:
    """A BIT STRING with no unused bits."""
    return encode(0x03, b"\x00" + value)


def enc_ia5(value: str) -> bytes:
    """An IA5String."""
    return encode(0x16, value.encode("ascii"))


def enc_utf8(value: str) -> bytes:
    """A UTF8String."""
    return encode(0x0C, value.encode("utf-8"))


def enc_generalized_time(value: datetime) -> bytes:
    """A GeneralizedTime in UTC with whole seconds."""
    return encode(0x18, value.astimezone(UTC).strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def enc_oid(dotted: str) -> bytes:
    """An OBJECT IDENTIFIER from its dotted form."""
    arcs = [int(a) for a in dotted.split(".")]
    values = [40 * arcs[0] + arcs[1], *arcs[2:]]
    out = bytearray()
    for value in values:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out.extend(reversed(chunk))
    return encode(0x06, bytes(out))


def enc_explicit(number: int, inner: bytes) -> bytes:
    """A context-specific EXPLICIT tag around an encoded value."""
    return encode(0xA0 | number, inner)
