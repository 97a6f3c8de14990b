"""Entry checking in decode-then-verify runs still names the first bad entry; Sig_structure matches cbor2."""

from __future__ import annotations

import pickle
from pathlib import Path

import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger.bundle import decode_bundle
from app.ledger.cose import Sign1, sig_structure
from app.ledger.suites import ED25519
from app.logdir import (
    DECODE_RUN,
    ENTRIES_FILE,
    SIGNERS_FILE,
    SMALLEST_BATCH,
    LogDirError,
    _load_signers,
    batch_plan,
    build_demo_log,
    check_entries,
)


def _flip_signature(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def test_a_bad_signature_before_a_garbled_entry_in_the_same_run_is_named_first(tmp_path: Path) -> None:
    build_demo_log(tmp_path, DECODE_RUN + 40, now_ms=1_795_000_000_000)
    entries = list(decode_bundle((tmp_path / ENTRIES_FILE).read_bytes()))
    signers = _load_signers((tmp_path / SIGNERS_FILE).read_bytes())
    origin = "demo.govdesk.beijing.gov.cn/log"
    clean = check_entries(entries, signers, origin, 0, len(entries))
    assert clean.error is None and len(clean.leaf_hashes) == len(entries)
    bad = list(entries)
    bad[10] = _flip_signature(bad[10])
    bad[20] = b"\xff" + bad[20][1:]
    found = check_entries(bad, signers, origin, 0, len(bad))
    assert found.error is not None and found.error.index == 10 and len(found.leaf_hashes) == 10
    bad = list(entries)
    bad[5] = b"\xff" + bad[5][1:]
    bad[DECODE_RUN + 3] = _flip_signature(bad[DECODE_RUN + 3])
    found = check_entries(bad, signers, origin, 0, len(bad))
    assert found.error is not None and found.error.index == 5 and len(found.leaf_hashes) == 5
    found = check_entries(bad, signers, origin, 6, len(bad))
    assert found.error is not None and found.error.index == DECODE_RUN + 3


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=70_000), st.binary(max_size=30))
def test_sig_structure_is_the_cbor_array(protected: bytes, payload: bytes, aad: bytes) -> None:
    assert sig_structure(protected, payload, aad) == cbor2.dumps(["Signature1", protected, aad, payload])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 200_000), st.integers(1, 10_000), st.integers(1, 8))
def test_batches_cover_the_log_as_perfect_subtrees_and_shrink_at_the_end(
    total: int, batch_entries: int, workers: int
) -> None:
    batches = batch_plan(total, batch_entries, workers)
    assert [start for start, _ in batches] == [0, *(end for _, end in batches)][: len(batches)]
    assert (batches[-1][1] if batches else 0) == total
    largest = 1 << (batch_entries.bit_length() - 1)
    sizes = [end - start for start, end in batches]
    assert sizes == sorted(sizes, reverse=True) and all(0 < size <= largest for size in sizes)
    for start, end in batches:
        whole = 1 << ((end - start - 1).bit_length())  # the batch's size, or the last one's before the log ended
        assert start % whole == 0 and (end - start == whole or end == total)  # a perfect subtree, or the log's tail
    if total >= 2 * workers * largest and largest > SMALLEST_BATCH:  # shrunk at the end: workers finish together
        assert sizes[-1] <= SMALLEST_BATCH


def test_a_bad_entry_keeps_its_index_on_the_way_back_from_a_worker() -> None:
    error = pickle.loads(pickle.dumps(LogDirError("BadSignature: no", 12)))
    assert (error.reason, error.index, str(error)) == ("BadSignature: no", 12, "entry 12: BadSignature: no")


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.binary(max_size=70_000))
def test_to_be_signed_is_the_sig_structure_with_or_without_the_cached_head(protected: bytes, payload: bytes) -> None:
    sign1 = Sign1(protected, {}, payload, bytes(64), ED25519, b"k")
    expected = cbor2.dumps(["Signature1", protected, b"", payload])
    assert sign1.to_be_signed() == sig_structure(protected, payload) == expected
