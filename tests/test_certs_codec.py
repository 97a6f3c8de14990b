"""Certificate codecs: base45 (RFC 9285), the zlib layer's limits, a fuzzed decoder raising only typed errors."""

from __future__ import annotations

import contextlib
import tracemalloc
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.certs import CertType, Status, base45, hcert, issue_certificate, make_claims, transport
from app.certs.errors import Base45Error, CertificateTooLarge, MalformedCertificate
from app.certs.verify import verify, verify_govdesk
from app.ledger.suites import ED25519

# RFC 9285 section 4.3 and 4.4 examples.
RFC_VECTORS = [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")]
MEMORY_LIMIT = 256 * 1024  # what decoding any input may allocate at peak, far below a zlib bomb's size


@pytest.mark.parametrize(("raw", "text"), RFC_VECTORS)
def test_base45_rfc_examples(raw: bytes, text: str) -> None:
    assert base45.encode(raw) == text
    assert base45.decode(text) == raw


def test_base45_largest_values() -> None:
    assert base45.decode("FGW") == b"\xff\xff" and base45.encode(b"\xff\xff") == "FGW"
    assert base45.decode("U5") == b"\xff"
    assert base45.encode(b"") == "" and base45.decode("") == b""


@given(st.binary(max_size=600))
def test_base45_round_trip(data: bytes) -> None:
    text = base45.encode(data)
    assert len(text) == len(data) // 2 * 3 + len(data) % 2 * 2
    assert set(text) <= set(base45.ALPHABET)
    assert base45.decode(text) == data


@given(st.text(alphabet=base45.ALPHABET + "abc~é\n", max_size=60))
def test_base45_decode_is_strict(text: str) -> None:
    try:
        data = base45.decode(text)
    except Base45Error:
        return
    assert base45.encode(data) == text  # whatever decodes is the one canonical encoding


@pytest.mark.parametrize("text", ["A", "ABCD", "GGW", ":::", "ZZZ", "ab", "A B\n", "😀😀"])
def test_base45_refuses(text: str) -> None:
    with pytest.raises(Base45Error):
        base45.decode(text)


def test_inflate_refuses_a_bomb_with_bounded_memory() -> None:
    bomb = zlib.compress(b"\0" * 50_000_000, 9)
    tracemalloc.start()
    try:
        with pytest.raises(CertificateTooLarge):
            transport.inflate(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(bomb) + MEMORY_LIMIT


def test_inflate_accepts_exactly_the_limit() -> None:
    data = bytes(range(256)) * (transport.MAX_COSE // 256)
    assert transport.inflate(zlib.compress(data)) == data
    with pytest.raises(CertificateTooLarge):
        transport.inflate(zlib.compress(data + b"x"))


@pytest.mark.parametrize(
    "data",
    [b"", b"\x78", b"\x78\x9c", zlib.compress(b"abc")[:-1], zlib.compress(b"abc") + b"\0", b"\x78\x9d" + b"\0" * 8],
)
def test_inflate_refuses_bad_streams(data: bytes) -> None:
    with pytest.raises(MalformedCertificate):
        transport.inflate(data)


def test_inflate_refuses_raw_deflate_gzip_and_preset_dictionaries() -> None:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = deflate.compress(b"abc") + deflate.flush()
    gzip = zlib.compressobj(9, zlib.DEFLATED, 31)
    for data in (raw, gzip.compress(b"abc") + gzip.flush()):
        with pytest.raises(MalformedCertificate, match="not zlib"):
            transport.inflate(data)
    z = zlib.compressobj(9, zlib.DEFLATED, 15, zdict=b"abcabc")
    with pytest.raises(MalformedCertificate, match="dictionary"):
        transport.inflate(z.compress(b"abc") + z.flush())


def test_text_longer_than_any_qr_code_is_refused_before_decoding() -> None:
    with pytest.raises(CertificateTooLarge):
        transport.unwrap("GD1:" + "0" * transport.MAX_TEXT)


@pytest.fixture(scope="module")
def sample_cose() -> bytes:
    signer = ED25519.signer(ED25519.generate_private())
    claims = make_claims(CertType.RESIDENT_EID, "a.example", {"name": "张三"}, "X1", 1_700_000_000, 1_800_000_000)
    return issue_certificate(claims, signer, now_ms=1).cose


def _decode_all_layers(text: str) -> None:
    unwrapped = transport.unwrap(text)
    if unwrapped.format is transport.CertFormat.GOVDESK:
        verify_govdesk(unwrapped.cose, None, 0)
    else:
        hcert.decode_hcert(unwrapped.cose)


def _bounded(text: str) -> None:
    """Decode `text` through every layer; allow only MalformedCertificate, and bounded peak memory."""
    tracemalloc.start()
    try:
        with contextlib.suppress(MalformedCertificate):
            _decode_all_layers(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT + 4 * len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["GD1:", "HC1:"]), st.text(alphabet=base45.ALPHABET, max_size=400))
def test_fuzz_random_base45(prefix: str, body: str) -> None:
    _bounded(prefix + body)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["GD1:", "HC1:"]), st.binary(max_size=600))
def test_fuzz_random_compressed_cbor(prefix: str, data: bytes) -> None:
    _bounded(prefix + base45.encode(zlib.compress(data)))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutated_certificates(sample_cose: bytes, data: st.DataObject) -> None:
    cose = bytearray(sample_cose)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(cose) - 1))
        cose[i] = data.draw(st.integers(0, 255))
    prefix = data.draw(st.sampled_from(["GD1:", "HC1:"]))
    text = prefix + base45.encode(zlib.compress(bytes(cose)))
    _bounded(text)
    verdict = verify(text)  # never raises; a changed certificate is never VALID without a replica anyway
    assert verdict.status in set(Status)
    if bytes(cose) != sample_cose:
        assert verdict.status is not Status.VALID


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_any_text(text: str) -> None:
    verdict = verify(text)
    assert verdict.status in (Status.MALFORMED, Status.CANNOT_VERIFY_OFFLINE, Status.UNKNOWN_ISSUER)
