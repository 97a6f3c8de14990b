"""The key the hall and node CLIs enrol: a new key pair written 0600, or a given Ed25519 public key checked."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli.enrolment_key import EnrolmentKeyError, enrolment_public_key
from app.ledger.suites import ED25519


def test_a_new_key_writes_its_seed_owner_only_and_returns_its_public_key(tmp_path: Path) -> None:
    seed_file = tmp_path / "device.key"
    public = enrolment_public_key(seed_file, None)
    assert stat.S_IMODE(seed_file.stat().st_mode) == 0o600
    seed = bytes.fromhex(seed_file.read_text().strip())
    assert ED25519.signer(seed).public_key == public


def test_a_given_public_key_is_returned_as_bytes() -> None:
    public = ED25519.signer(ED25519.generate_private()).public_key
    assert enrolment_public_key(None, public.hex()) == public


@pytest.mark.parametrize("given_hex", ["", "zz" * 32, "ab" * 31, "ab" * 33, "ab" * 100_000, "0x" + "ab" * 32, "abc"])
def test_malformed_or_oversized_public_keys_are_refused(given_hex: str) -> None:
    with pytest.raises(EnrolmentKeyError):
        enrolment_public_key(None, given_hex)


@given(st.text(max_size=80))
def test_any_text_either_is_a_32_byte_key_or_is_refused(text: str) -> None:
    with contextlib.suppress(EnrolmentKeyError):
        assert len(enrolment_public_key(None, text)) == 32
