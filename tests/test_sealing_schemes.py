"""Sealed data-responses: SM2-wrapped SM4-GCM (national suite), libsodium sealed boxes, old data still opens."""

from __future__ import annotations

import json
from pathlib import Path

import nacl.public
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import dcbor, sm2
from app.services.errors import ExchangeError
from app.services.sealing import (
    SCHEME_SEALED_BOX,
    SCHEME_SM2_SM4_GCM,
    new_reply_key,
    open_sealed,
    seal,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sealing" / "legacy_x25519_aesgcm.json"
ANNEX_D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")


def test_sm4_standard_examples() -> None:
    """GB/T 32907 Annex A: one block, and the same block encrypted 1,000,000 times."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert encryptor.update(key).hex() == "681edf34d206965e86b3e94f536e4246"
    block = key
    encrypt = Cipher(algorithms.SM4(key), modes.ECB()).encryptor().update
    for _ in range(1_000_000):
        block = encrypt(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


def test_sm2_encryption_standard_example_decrypts() -> None:
    """GB/T 32918.5 Annex C example (message "encryption standard", k fixed), in the DER form OpenSSL writes."""
    ciphertext = bytes.fromhex(
        "307c022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73022100E858F9D81E5430A57B36DAAB"
        "8F950A3C64E6EE6A63094D99283AFF767E124DF0042059983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0"
        "BD8766041321886CA989CA9C7D58087307CA93092D651EFA"
    )
    assert sm2.sm2_decrypt(ANNEX_D, ciphertext) == b"encryption standard"
    other = sm2.generate_private()
    assert sm2.sm2_decrypt(other, ciphertext) is None
    tampered = bytearray(ciphertext)
    tampered[-1] ^= 1
    assert sm2.sm2_decrypt(ANNEX_D, bytes(tampered)) is None


def test_national_suite_seals_with_sm2_and_sm4_gcm() -> None:
    private, public = new_reply_key("sm2-sm3")
    assert len(private) == 32 and len(public) == 65
    sealed = seal(b"licence status: valid", public, b"REQ-1")
    fields = dcbor.decode(sealed, max_size=1 << 16, what="sealed")
    assert fields[0] == SCHEME_SM2_SM4_GCM and len(fields[2]) == 12
    assert sm2.sm2_decrypt(private, fields[1]) is not None  # the wrapped SM4 key
    assert open_sealed(sealed, private, b"REQ-1") == b"licence status: valid"
    with pytest.raises(ExchangeError):
        open_sealed(sealed, private, b"REQ-2")  # bound to its request
    with pytest.raises(ExchangeError):
        open_sealed(sealed, new_reply_key("sm2-sm3")[0], b"REQ-1")


def test_other_suite_seals_with_a_libsodium_sealed_box() -> None:
    private, public = new_reply_key()
    sealed = seal(b"payload", public, b"REQ-9")
    fields = dcbor.decode(sealed, max_size=1 << 16, what="sealed")
    assert fields[0] == SCHEME_SEALED_BOX
    inner = nacl.public.SealedBox(nacl.public.PrivateKey(private)).decrypt(fields[1])  # plain libsodium opens it
    assert dcbor.decode(inner, max_size=1 << 16, what="inner") == {1: b"REQ-9", 2: b"payload"}
    assert open_sealed(sealed, private, b"REQ-9") == b"payload"
    with pytest.raises(ExchangeError):
        open_sealed(sealed, private, b"REQ-8")


def test_data_sealed_before_the_new_schemes_still_opens() -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    private, sealed, context = bytes.fromhex(doc["private_key"]), bytes.fromhex(doc["sealed"]), doc["context"]
    assert open_sealed(sealed, private, context.encode()).decode() == doc["payload"]
    with pytest.raises(ExchangeError):
        open_sealed(sealed, private, b"another request")


@pytest.mark.parametrize("suite", ["sm2-sm3", "ed25519"])
def test_hostile_sealed_payloads_are_exchange_errors(suite: str) -> None:
    private, public = new_reply_key(suite)
    good = dcbor.decode(seal(b"x" * 40, public, b"R"), max_size=1 << 16, what="sealed")
    hostile = [
        b"",
        b"\xff",
        dcbor.encode([1, 2, 3]),
        dcbor.encode({0: "unknown/v9", 1: b"x"}),
        dcbor.encode({**good, 1: "not bytes"}),
        dcbor.encode({**good, 7: b"extra"}),
    ]
    if suite == "sm2-sm3":
        hostile += [
            dcbor.encode({**good, 2: b"short"}),
            dcbor.encode({**good, 3: b"tiny"}),
            dcbor.encode({**good, 1: b"\x30\x03\x02\x01\x01"}),
            dcbor.encode({**good, 1: b"\x00" * 5000}),
        ]
    for sealed in hostile:
        with pytest.raises(ExchangeError):
            open_sealed(sealed, private, b"R")
    with pytest.raises(ExchangeError):
        seal(b"x", b"\x04" + bytes(64), b"R")  # not a point on the curve
    with pytest.raises(ExchangeError):
        seal(b"x", b"short", b"R")


_PRIVATE, _PUBLIC = new_reply_key("sm2-sm3")
_SEALED = seal(b"the department's answer", _PUBLIC, b"REQ-7")


@settings(max_examples=60, deadline=None)
@given(bit=st.integers(0, 8 * len(_SEALED) - 1))
def test_any_single_bit_change_to_an_sm2_sealed_payload_is_refused(bit: int) -> None:
    changed = bytearray(_SEALED)
    changed[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(ExchangeError):
        open_sealed(bytes(changed), _PRIVATE, b"REQ-7")
