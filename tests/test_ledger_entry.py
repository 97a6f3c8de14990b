"""Ledger entries: deterministic CBOR, COSE_Sign1 signatures, and strict decoding with typed errors."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Mapping
from typing import Any

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import cose, dcbor
from app.ledger.entry import MAX_ENTRY_SIZE, Entry, decode_entry, entry_hash, sign_entry
from app.ledger.entry_types import ENTRY_TYPES
from app.ledger.errors import (
    BadSignature,
    EntryError,
    EntryTooLarge,
    MalformedCBOR,
    NonCanonicalEncoding,
    SchemaError,
    TrailingBytes,
    UnknownCriticalHeader,
    UnsupportedAlgorithm,
)
from app.ledger.merkle import hash_leaf
from app.ledger.suites import ED25519, key_id, suite_by_name

SEED = bytes(range(32))
SIGNER = ED25519.signer(SEED)
KID = key_id(ED25519, SIGNER.public_key)
ORIGIN = "taxation.ledger.beijing.gov.cn"


def make_entry(**body_overrides: object) -> Entry:
    body = {"case_id": "BJ-2026-0000001", "service": "tax.registration", "step": "opened", "state": "opened"}
    body.update(body_overrides)
    return Entry(ORIGIN, "case.step", 1_795_000_000_000, KID, body)


def resign(protected: dict, payload: bytes, unprotected: dict | None = None) -> bytes:
    """Build a COSE_Sign1 by hand, with a valid signature, to test what the decoder does with odd headers."""
    protected_bytes = dcbor.encode(protected)
    sig = SIGNER.sign(cose.sig_structure(protected_bytes, payload))
    return cbor2.dumps(cbor2.CBORTag(18, [protected_bytes, unprotected or {}, payload, sig]))


def test_round_trip_and_verify() -> None:
    data = sign_entry(make_entry(), SIGNER)
    signed = decode_entry(data)
    assert signed.entry == make_entry()
    assert signed.kid == KID
    assert signed.leaf_hash == hash_leaf(data) == entry_hash(data)
    signed.verify(SIGNER.public_key)


def test_a_decoded_entry_pickles_and_its_header_stays_read_only() -> None:
    # The node's verification workers send decoded entries back to the node process by pickling them;
    # the protected header the decoder's cache shares between messages must survive that and stay read-only.
    data = sign_entry(make_entry(), SIGNER)
    signed = decode_entry(data)
    again = pickle.loads(pickle.dumps(signed))
    assert again.entry == signed.entry and again.kid == signed.kid and again.leaf_hash == signed.leaf_hash
    again.verify(SIGNER.public_key)
    message = cose.decode_sign1(data, max_size=MAX_ENTRY_SIZE)
    copied = pickle.loads(pickle.dumps(message))
    assert dict(copied.protected) == dict(message.protected) and copied.kid == KID
    with pytest.raises(TypeError):
        message.protected[1] = 0  # type: ignore[index]


def test_signing_is_deterministic_and_canonical() -> None:
    a = sign_entry(make_entry(), SIGNER)
    assert a == sign_entry(make_entry(), SIGNER)  # Ed25519 is deterministic
    assert dcbor.encode(cbor2.loads(a)) == a


def test_map_keys_sort_by_encoded_bytes_not_length_first() -> None:
    # RFC 8949 4.2.1 sorts by bytewise order of the encoded keys: 24 (0x1818) before -1 (0x20).
    assert dcbor.encode({-1: 0, 24: 0}) == bytes.fromhex("a21818002000")


def test_a_wrong_key_does_not_verify() -> None:
    other = ED25519.signer(bytes(32))
    signed = decode_entry(sign_entry(make_entry(), SIGNER))
    with pytest.raises(BadSignature):
        signed.verify(other.public_key)


def test_tampered_payload_fails_the_signature() -> None:
    data = sign_entry(make_entry(), SIGNER)
    tampered = data.replace(b"opened", b"closed", 1)
    with pytest.raises(BadSignature):
        decode_entry(tampered).verify(SIGNER.public_key)


def test_signer_must_match_the_signing_key() -> None:
    with pytest.raises(SchemaError):
        sign_entry(Entry(ORIGIN, "case.step", 1, b"\x00" * 16, make_entry().body), SIGNER)


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda d: d + b"\x00", TrailingBytes),
        (lambda d: d[:-1], MalformedCBOR),
        (lambda d: b"", MalformedCBOR),
        (lambda d: b"\xff" * 10, MalformedCBOR),
        (lambda d: cbor2.dumps(cbor2.loads(d).value), MalformedCBOR),  # untagged
        (lambda d: cbor2.dumps(cbor2.CBORTag(98, cbor2.loads(d).value)), MalformedCBOR),  # COSE_Sign tag
        (lambda d: bytes(MAX_ENTRY_SIZE + 1), EntryTooLarge),
    ],
    ids=["trailing", "truncated", "empty", "garbage", "untagged", "wrong-tag", "oversized"],
)
def test_strict_decoding_rejections(mutate, error) -> None:
    data = sign_entry(make_entry(), SIGNER)
    with pytest.raises(error):
        decode_entry(mutate(data))


def test_non_canonical_encodings_are_refused() -> None:
    payload = make_entry().payload()
    valid = resign({1: -8, 4: KID}, payload)
    decode_entry(valid).verify(SIGNER.public_key)
    # The same item with a non-shortest integer for the tag...
    item = cbor2.loads(valid)
    with pytest.raises(NonCanonicalEncoding):
        decode_entry(b"\xd8\x12" + valid[1:])
    # ... an indefinite-length array ...
    body = cbor2.dumps(item.value)
    indefinite = b"\xd2\x9f" + body[1:] + b"\xff"
    with pytest.raises(NonCanonicalEncoding):
        decode_entry(indefinite)
    # ... a payload whose map keys are not in deterministic order ...
    unsorted = cbor2.dumps({"type": "case.step", "log": ORIGIN, "time": 1, "signer": KID, "body": {}})
    with pytest.raises(NonCanonicalEncoding):
        decode_entry(resign({1: -8, 4: KID}, unsorted))
    # ... and a protected header that is not deterministic.
    protected = b"\xa2\x04\x50" + KID + b"\x01\x27"  # {4: kid, 1: -8}: unsorted
    sig = SIGNER.sign(cose.sig_structure(protected, payload))
    with pytest.raises(NonCanonicalEncoding):
        decode_entry(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))


def test_duplicate_map_keys_are_refused() -> None:
    payload = make_entry().payload()
    dup = b"\xa6" + payload[1:] + b"\x64time\x01"  # a sixth pair repeating 'time'
    with pytest.raises(EntryError):
        decode_entry(resign({1: -8, 4: KID}, dup))


def test_wrong_algorithm_unknown_crit_and_unprotected_headers() -> None:
    payload = make_entry().payload()
    with pytest.raises(UnsupportedAlgorithm):
        decode_entry(resign({1: -7, 4: KID}, payload))  # ES256 is not a ledger suite
    with pytest.raises(UnsupportedAlgorithm):
        decode_entry(resign({4: KID}, payload))  # no algorithm
    with pytest.raises(UnknownCriticalHeader):
        decode_entry(resign({1: -8, 2: [99], 4: KID, 99: 1}, payload))
    with pytest.raises(MalformedCBOR):
        decode_entry(resign({1: -8, 4: KID}, payload, unprotected={5: b"x"}))
    with pytest.raises(MalformedCBOR):
        decode_entry(resign({1: -8}, payload))  # no kid


@pytest.mark.parametrize(
    "payload",
    [
        {"log": ORIGIN, "type": "case.step", "time": 1, "signer": KID},  # no body
        {"log": ORIGIN, "type": "nope", "time": 1, "signer": KID, "body": {}},
        {"log": ORIGIN, "type": "demo.note", "time": -1, "signer": KID, "body": {"text": "x"}},
        {"log": "has space", "type": "demo.note", "time": 1, "signer": KID, "body": {"text": "x"}},
        {"log": ORIGIN, "type": "demo.note", "time": 1, "signer": KID, "body": {"text": 5}},
        {"log": ORIGIN, "type": "demo.note", "time": 1, "signer": KID, "body": {"text": "x", "name": "Wang"}},
        {"log": ORIGIN, "type": "demo.note", "time": 1, "signer": KID, "body": {"text": "x"}, "extra": 1},
        {"log": ORIGIN, "type": "demo.note", "time": 1, "signer": b"\x01" * 16, "body": {"text": "x"}},
    ],
    ids=["no-body", "unknown-type", "negative-time", "bad-origin", "wrong-type", "unknown-field", "extra", "kid"],
)
def test_schema_rejections(payload: dict) -> None:
    with pytest.raises(SchemaError):
        decode_entry(resign({1: -8, 4: KID}, dcbor.encode(payload)))


def test_floats_and_deep_nesting_are_refused() -> None:
    with pytest.raises(MalformedCBOR):
        dcbor.encode({"x": 1.5})
    deep = b"\x81" * 5000 + b"\x00"
    with pytest.raises(MalformedCBOR):
        dcbor.decode(deep, max_size=10_000)


def test_suites_are_named_and_pluggable() -> None:
    assert suite_by_name("ed25519") is ED25519
    assert suite_by_name("sm2-sm3").name == "sm2-sm3"
    with pytest.raises(UnsupportedAlgorithm):
        suite_by_name("rsa")


@given(st.binary(max_size=512))
@settings(max_examples=500, deadline=None)
def test_random_bytes_only_ever_raise_typed_errors(data: bytes) -> None:
    with contextlib.suppress(EntryError):
        decode_entry(data)


@given(st.integers(0, 400), st.integers(0, 7))
@settings(max_examples=300, deadline=None)
def test_any_single_bit_flip_is_caught(position: int, bit: int) -> None:
    data = bytearray(sign_entry(make_entry(), SIGNER))
    data[position % len(data)] ^= 1 << bit
    with pytest.raises(EntryError):
        decode_entry(bytes(data)).verify(SIGNER.public_key)


_ANY_VALUE = st.one_of(
    st.text(max_size=70),
    st.binary(max_size=70),
    st.integers(-5, 2**60),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=40),
    st.tuples(st.text(max_size=3)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(ENTRY_TYPES)), st.data())
def test_body_checks_in_line_give_the_field_by_field_verdict(etype: str, data: st.DataObject) -> None:
    spec = ENTRY_TYPES[etype]
    names = [f.name for f in spec.fields] + ["extra", 1]
    # Values of each field's own kind (some over its length limit), then perhaps one changed to anything.
    fitting = {
        str: st.text(max_size=40),
        bytes: st.binary(max_size=40),
        int: st.integers(0, 2**60),
        list: st.lists(st.text(max_size=3), max_size=40),
        dict: st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    }
    body = data.draw(st.fixed_dictionaries({f.name: fitting[f.kind] for f in spec.fields if f.required}))
    if data.draw(st.booleans()):
        body.update(data.draw(st.dictionaries(st.sampled_from(names), _ANY_VALUE, max_size=2)))
    for name in data.draw(st.lists(st.sampled_from(names), max_size=1)):
        body.pop(name, None)

    def verdict(check: Callable[[Mapping[Any, Any]], None]) -> str | None:
        try:
            check(body)
        except SchemaError as exc:
            return str(exc)
        return None

    assert verdict(spec.validate) == verdict(spec.validate_by_field)
