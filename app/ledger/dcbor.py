"""Deterministic CBOR (RFC 8949 section 4.2.1) on top of cbor2, with strict decoding.

Encoding sorts every map by the bytewise order of its encoded keys, which cbor2's `canonical`
mode does not do (it sorts length-first, the older RFC 7049 rule). Decoding accepts only input
that re-encodes to the very same bytes (one C decode, a check walk and one C re-encode; refused
input is decoded again step by step to name its first fault), so indefinite lengths, non-shortest integers, duplicate
or unsorted map keys and unexpected tags are all refused.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

import cbor2

from app.ledger.errors import EntryError, EntryTooLarge, MalformedCBOR, NonCanonicalEncoding, TrailingBytes

MAX_DEPTH = 16
_PLAIN = frozenset({bytes, str, bool, type(None)})
# The map types cbor2 decodes to: a dict, and inside a tag its frozendict. Both keep the wire order.
_DECODED_MAPS = frozenset({dict, type(cbor2.loads(b"\xd2\x81\xa0").value[0])})
_INT_RANGE = range(-(1 << 64), 1 << 64)


@functools.lru_cache(maxsize=4096, typed=True)
def _encoded_key(key: int | str) -> bytes:
    """The encoding of a map key, which decides its place in a deterministic map (cached: keys repeat)."""
    return cbor2.dumps(key)


def _normalise(value: Any, depth: int, allowed_tags: frozenset[int]) -> Any:
    """Check that `value` holds only types deterministic CBOR allows here; sort map keys."""
    if depth > MAX_DEPTH:
        raise MalformedCBOR(f"nesting deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is int:
        if value not in _INT_RANGE:
            raise MalformedCBOR("integer outside the 64-bit CBOR range")
        return value
    if kind is list or kind is tuple:
        return [_normalise(v, depth + 1, allowed_tags) for v in value]
    if isinstance(value, Mapping):
        items = []
        for k, v in value.items():
            if type(k) is not str and type(k) is not int:
                raise MalformedCBOR(f"map key of type {type(k).__name__}; only integers and text are allowed")
            items.append((_encoded_key(k), k, _normalise(v, depth + 1, allowed_tags)))
        items.sort(key=_first)
        return {k: v for _, k, v in items}
    if kind is cbor2.CBORTag:
        if value.tag not in allowed_tags:
            raise MalformedCBOR(f"CBOR tag {value.tag} is not allowed here")
        return cbor2.CBORTag(value.tag, _normalise(value.value, depth + 1, allowed_tags))
    raise MalformedCBOR(f"values of type {kind.__name__} are not allowed in entries")


def _first(item: tuple[bytes, Any, Any]) -> bytes:
    return item[0]


def _check_decoded(value: Any, depth: int, allowed_tags: frozenset[int]) -> None:
    """Check a decoded item the way `_normalise` checks one to encode, and that every map arrived sorted.

    cbor2 keeps a decoded map in wire order, so once the keys are known to be in deterministic order, a
    plain re-encoding (shortest heads, definite lengths, same order) must reproduce the input bytes exactly;
    no sorted copy of the item is needed for that comparison. Scalars inside a container are checked in
    line (no call per scalar): the rules are the same as for a scalar at the top.
    """
    if depth > MAX_DEPTH:
        raise MalformedCBOR(f"nesting deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if kind in _PLAIN:
        return
    if kind is int:
        if value not in _INT_RANGE:
            raise MalformedCBOR("integer outside the 64-bit CBOR range")
        return
    if kind is list or kind is tuple:  # cbor2 hands back an array inside a tag as a tuple
        inner = depth + 1
        for v in value:
            if inner <= MAX_DEPTH and (type(v) in _PLAIN or (type(v) is int and v in _INT_RANGE)):
                continue
            _check_decoded(v, inner, allowed_tags)
        return
    if kind in _DECODED_MAPS:
        previous = b""
        inner = depth + 1
        for k, v in value.items():
            if type(k) is not str and type(k) is not int:
                raise MalformedCBOR(f"map key of type {type(k).__name__}; only integers and text are allowed")
            key = _encoded_key(k)
            if key <= previous:
                raise NonCanonicalEncoding("map keys are not in deterministic order (RFC 8949 section 4.2.1)")
            previous = key
            if inner <= MAX_DEPTH and (type(v) in _PLAIN or (type(v) is int and v in _INT_RANGE)):
                continue
            _check_decoded(v, inner, allowed_tags)
        return
    if kind is cbor2.CBORTag:
        if value.tag not in allowed_tags:
            raise MalformedCBOR(f"CBOR tag {value.tag} is not allowed here")
        _check_decoded(value.value, depth + 1, allowed_tags)
        return
    raise MalformedCBOR(f"values of type {kind.__name__} are not allowed in entries")


# Key tuples of decoded maps already found in deterministic order whose keys are all text. A tuple of text keys
# equals no tuple holding any other kind of key (no integer, bool or float key can stand in for a text one), so
# a later map with an equal key tuple is in the same order. Bounded: past the limit, maps are checked key by key.
_ORDERED_TEXT_KEYS: set[tuple[str, ...]] = set()
MAX_ORDERED_TEXT_KEYS = 4096


def _keys_in_order(keys: tuple[Any, ...]) -> bool:
    """Whether a map's keys are integers or text, in deterministic order (remembered for all-text keys)."""
    previous = b""
    for k in keys:
        if type(k) is not str and type(k) is not int:
            return False
        key = _encoded_key(k)
        if key <= previous:
            return False
        previous = key
    if len(_ORDERED_TEXT_KEYS) < MAX_ORDERED_TEXT_KEYS and all(type(k) is str for k in keys):
        _ORDERED_TEXT_KEYS.add(keys)
    return True


def _fits(value: Any, depth: int, allowed_tags: frozenset[int]) -> bool:
    """Whether `_check_decoded` passes `value`, answered faster: a map whose text keys come in an order already
    found deterministic takes one set lookup. The fast path of `decode` asks this; `_check_decoded` names the
    fault of a value that does not fit."""
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is int:
        return value in _INT_RANGE
    inner = depth + 1
    if kind is list or kind is tuple:
        items = value
    elif kind in _DECODED_MAPS:
        keys = tuple(value)
        if keys not in _ORDERED_TEXT_KEYS and not _keys_in_order(keys):
            return False
        items = value.values()
    elif kind is cbor2.CBORTag:
        return value.tag in allowed_tags and _fits(value.value, inner, allowed_tags)
    else:
        return False
    for v in items:
        if inner <= MAX_DEPTH and (type(v) in _PLAIN or (type(v) is int and v in _INT_RANGE)):
            continue
        if not _fits(v, inner, allowed_tags):
            return False
    return True


def encode(value: Any, *, allowed_tags: frozenset[int] = frozenset({18})) -> bytes:
    """Return the deterministic CBOR encoding of `value` (ints, bytes, text, lists, maps, bools, null)."""
    return cbor2.dumps(_normalise(value, 0, allowed_tags))


def decode(data: bytes, *, max_size: int, allowed_tags: frozenset[int] = frozenset({18}), what: str = "input") -> Any:
    """Decode exactly one deterministic CBOR item from `data`, or raise a typed EntryError.

    The usual case, a deterministic item, takes one C decode, one check walk (`_fits`) and one C re-encode. Any
    input that fails that is handed to `decode_step_by_step`, which makes the same checks one at a time
    and raises the error that names the first fault.
    """
    if type(data) is not bytes and not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedCBOR(f"{what} must be bytes, got {type(data).__name__}")
    if len(data) > max_size:
        raise EntryTooLarge(f"{what} is {len(data)} bytes, over the limit of {max_size}")
    if not data:
        raise MalformedCBOR(f"{what} is empty")
    if type(data) is not bytes:
        data = bytes(data)
    try:
        # cbor2.loads stops after the first item; the re-encoding below proves that it read all of `data`
        # (an item and anything after it cannot re-encode to exactly `data` when the item is canonical).
        value = cbor2.loads(data)
        if _fits(value, 0, allowed_tags) and cbor2.dumps(value) == data:
            return value
    except (RecursionError, EntryError, cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, MemoryError):
        pass
    decode_step_by_step(data, allowed_tags=allowed_tags, what=what)
    # Not reached: the step-by-step checks refuse whatever the fast path refused (they are the same checks).
    raise NonCanonicalEncoding(f"{what} is not in deterministic CBOR encoding (RFC 8949 section 4.2.1)")


def decode_step_by_step(data: bytes, *, allowed_tags: frozenset[int] = frozenset({18}), what: str = "input") -> Any:
    """Decode one deterministic CBOR item check by check (well-formed, no trailing bytes, types and key
    order, re-encoding), raising the typed error of the first check that fails; `decode` explains refusals
    with it."""
    data = bytes(data)
    fp = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(fp).decode()
    except RecursionError as exc:
        raise MalformedCBOR(f"{what} nests too deeply") from exc
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, MemoryError, EOFError) as exc:
        raise MalformedCBOR(f"{what} is not well-formed CBOR: {exc}") from exc
    consumed = fp.tell()
    if consumed != len(data):
        raise TrailingBytes(f"{len(data) - consumed} bytes follow the CBOR item in {what}")
    _check_decoded(value, 0, allowed_tags)
    if cbor2.dumps(value) != data:
        raise NonCanonicalEncoding(f"{what} is not in deterministic CBOR encoding (RFC 8949 section 4.2.1)")
    return value
