"""Strict deterministic-CBOR decoding: the walk-and-re-encode check accepts exactly what a sorted re-encoding
accepts (differential, on valid items and on mutations of them), and refuses each non-deterministic form."""

from __future__ import annotations

import io

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import dcbor
from app.ledger.errors import EntryError, MalformedCBOR, NonCanonicalEncoding, TrailingBytes

ALLOWED = frozenset({18})

scalars = st.one_of(
    st.integers(-(2**64), 2**64 - 1), st.binary(max_size=20), st.text(max_size=10), st.booleans(), st.none()
)
items = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(-30, 30), st.text(max_size=4)), inner, max_size=4),
        st.builds(lambda v: cbor2.CBORTag(18, v), inner),
    ),
    max_leaves=12,
)


def sorted_reencoding_accepts(data: bytes) -> bool:
    """The reference rule: decode, then re-encode with sorted maps; strict iff the bytes come back unchanged."""
    try:
        fp = io.BytesIO(data)
        value = cbor2.CBORDecoder(fp).decode()
        return fp.tell() == len(data) and dcbor.encode(value, allowed_tags=ALLOWED) == data
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, EOFError, RecursionError, EntryError):
        return False


def strict_accepts(data: bytes) -> bool:
    try:
        dcbor.decode(data, max_size=1 << 20, allowed_tags=ALLOWED)
    except EntryError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(items)
def test_every_deterministic_encoding_is_accepted_and_decodes_to_itself(value) -> None:
    data = dcbor.encode(value)
    assert strict_accepts(data)
    assert dcbor.encode(dcbor.decode(data, max_size=1 << 20)) == data


@settings(max_examples=800, deadline=None)
@given(items, st.data())
def test_mutated_encodings_are_accepted_exactly_when_the_sorted_reencoding_agrees(value, data) -> None:
    encoded = bytearray(dcbor.encode(value))
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(encoded) - 1))
        encoded[i] = data.draw(st.integers(0, 255))
    mutated = bytes(encoded)
    assert strict_accepts(mutated) == sorted_reencoding_accepts(mutated)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=3), st.integers(0, 5), min_size=2, max_size=5))
def test_a_map_in_any_order_but_the_deterministic_one_is_refused(mapping) -> None:
    deterministic = dcbor.encode(mapping)
    reversed_order = cbor2.dumps(dict(reversed(list(dcbor.decode(deterministic, max_size=4096).items()))))
    assert strict_accepts(deterministic)
    if reversed_order != deterministic:
        with pytest.raises(NonCanonicalEncoding):
            dcbor.decode(reversed_order, max_size=4096)


@pytest.mark.parametrize(
    ("hex_data", "error"),
    [
        ("1817", NonCanonicalEncoding),  # 23 in two bytes
        ("5f4101ff", NonCanonicalEncoding),  # indefinite-length byte string
        ("9f01ff", NonCanonicalEncoding),  # indefinite-length array
        ("a2616101616102", NonCanonicalEncoding),  # duplicate key "a"
        ("a2616201616101", NonCanonicalEncoding),  # keys "b", "a": unsorted
        ("d28201a2616201616101", NonCanonicalEncoding),  # unsorted map inside tag 18
        ("f93c00", MalformedCBOR),  # a float
        ("c11a5f5e1000", MalformedCBOR),  # tag 1 (a date)
        ("a1f401", MalformedCBOR),  # a map key that is a boolean
        ("0101", TrailingBytes),
        ("c2420001", NonCanonicalEncoding),  # a bignum that fits in 64 bits
    ],
)
def test_each_non_deterministic_form_is_refused_with_its_reason(hex_data: str, error: type) -> None:
    with pytest.raises(error):
        dcbor.decode(bytes.fromhex(hex_data), max_size=64)


any_keys = st.one_of(st.integers(-3, 30), st.booleans(), st.text(max_size=2), st.floats(-2, 2), st.binary(max_size=2))
loose_items = st.recursive(
    st.one_of(scalars, st.floats(allow_nan=False)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(any_keys, inner, max_size=4),
        st.builds(lambda v: cbor2.CBORTag(18, v), inner),
        st.builds(lambda v: cbor2.CBORTag(99, v), inner),
    ),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(loose_items)
def test_the_fast_walk_passes_exactly_what_the_checking_walk_passes(value) -> None:
    # Maps in whatever order they were built, keys of any kind: asked twice, so the second answer may come from
    # the key orders the first remembered.
    decoded = cbor2.loads(cbor2.dumps(value))
    try:
        dcbor._check_decoded(decoded, 0, ALLOWED)
        passes = True
    except EntryError:
        passes = False
    assert dcbor._fits(decoded, 0, ALLOWED) is passes
    assert dcbor._fits(decoded, 0, ALLOWED) is passes


def test_a_remembered_key_order_lets_through_no_other_kind_of_key() -> None:
    assert dcbor.decode(bytes.fromhex("a2616101616202"), max_size=64) == {"a": 1, "b": 2}  # {"a": 1, "b": 2}
    assert dcbor.decode(bytes.fromhex("a10102"), max_size=64) == {1: 2}  # {1: 2}
    with pytest.raises(MalformedCBOR):
        dcbor.decode(bytes.fromhex("a1f502"), max_size=64)  # {true: 2}: equal to {1: 2} in Python
    with pytest.raises(NonCanonicalEncoding):
        dcbor.decode(bytes.fromhex("a2616202616101"), max_size=64)  # {"b": 2, "a": 1}


@pytest.mark.parametrize("levels", [15, 16, 17, 18])
@pytest.mark.parametrize("wrap", [lambda v: [v], lambda v: {"k": v}, lambda v: cbor2.CBORTag(18, v)])
def test_the_fast_walk_and_the_checking_walk_agree_on_the_depth_limit(levels: int, wrap) -> None:
    value: object = 0
    for _ in range(levels):
        value = wrap(value)
    decoded = cbor2.loads(cbor2.dumps(value))
    try:
        dcbor._check_decoded(decoded, 0, ALLOWED)
        passes = True
    except EntryError:
        passes = False
    assert dcbor._fits(decoded, 0, ALLOWED) is passes
    assert passes is (levels <= dcbor.MAX_DEPTH)
