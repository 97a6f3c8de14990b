"""Signed notes, checkpoints and cosignatures in the national suite (signed-note type 0xff), mixed with Ed25519."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import sm2
from app.ledger.checkpoint import Checkpoint, open_checkpoint
from app.ledger.note import (
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    SIG_SM2_SM3,
    SIG_SM2_SM3_COSIGNATURE,
    NoteError,
    NoteSignatureInvalid,
    add_signature_lines,
    new_signer,
    parse_signer_key,
    parse_verifier_key,
    sig_type_for,
    verify_note,
)

ORIGIN = "taxation.ledger.beijing.gov.cn"
D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")


def test_sm2_key_strings_use_type_0xff_and_the_identifier() -> None:
    signer = new_signer(ORIGIN, D, SIG_SM2_SM3)
    vkey = signer.verifier().vkey()
    _, key_hash, blob = vkey.split("+", 2)
    raw = base64.b64decode(blob)
    assert raw[0] == 0xFF and raw[1:-65] == b"govdesk.beijing/sm2-sm3-note/v1"
    assert raw[-65:] == sm2.public_key_from_private(D)
    expected = hashlib.sha256(ORIGIN.encode() + b"\n" + raw).digest()[:4]
    assert key_hash == expected.hex()
    assert parse_verifier_key(vkey) == signer.verifier()
    again = parse_signer_key(signer.skey())
    assert again.verifier() == signer.verifier() and again.seed == D
    assert sig_type_for("sm2-sm3", cosignature=True) is SIG_SM2_SM3_COSIGNATURE
    assert sig_type_for("ed25519", cosignature=False) is SIG_ED25519


def test_the_same_key_under_another_type_has_another_id() -> None:
    plain = new_signer("w.example/w", D, SIG_SM2_SM3)
    cosigner = new_signer("w.example/w", D, SIG_SM2_SM3_COSIGNATURE)
    assert plain.key_hash != cosigner.key_hash


@pytest.mark.parametrize(
    "private",
    [bytes(32), sm2.N.to_bytes(32, "big"), b"\x01" * 31],
)
def test_invalid_sm2_private_keys_are_note_errors(private: bytes) -> None:
    with pytest.raises(NoteError):
        new_signer(ORIGIN, private, SIG_SM2_SM3)


def test_malformed_sm2_verifier_keys() -> None:
    good = new_signer(ORIGIN, D, SIG_SM2_SM3).verifier().vkey()
    name, key_hash, blob = good.split("+", 2)
    raw = base64.b64decode(blob)
    other = b"\xff" + b"govdesk.beijing/sm2-sm3-other/v1" + raw[-65:]
    for bad_raw in (raw[:-1], raw + b"\x00", other, raw[:1] + raw[-65:]):
        with pytest.raises(NoteError):
            parse_verifier_key(f"{name}+{key_hash}+{base64.b64encode(bad_raw).decode()}")


@pytest.mark.parametrize(
    ("log_type", "witness_type"),
    [
        (SIG_SM2_SM3, SIG_COSIGNATURE_V1),  # an SM2 department witnessed by an Ed25519 one
        (SIG_ED25519, SIG_SM2_SM3_COSIGNATURE),  # and the reverse
        (SIG_SM2_SM3, SIG_SM2_SM3_COSIGNATURE),
    ],
)
def test_mixed_checkpoints_and_cosignatures(log_type: object, witness_type: object) -> None:
    log = new_signer(ORIGIN, log_type.suite.generate_private(), log_type)
    witness = new_signer("gas.ledger.beijing.gov.cn/witness", witness_type.suite.generate_private(), witness_type)
    checkpoint = Checkpoint(ORIGIN, 42, bytes(range(32)))
    text = checkpoint.sign([log])
    cosigned = add_signature_lines(text, [witness.signature_line(checkpoint.body(), timestamp=1_700_000_000)])
    opened = open_checkpoint(cosigned, ORIGIN, log.verifier().vkey(), [witness.verifier().vkey()])
    assert opened.checkpoint == checkpoint
    assert opened.note.cosigned_at == {"gas.ledger.beijing.gov.cn/witness": 1_700_000_000}
    # the cosignature is 8 timestamp bytes and a 64-byte signature over cosignature/v1
    line = cosigned.rstrip("\n").split("\n")[-1]
    raw = base64.b64decode(line.split(" ")[-1])
    assert struct.unpack(">Q", raw[4:12])[0] == 1_700_000_000 and len(raw) == 4 + 8 + 64
    # a changed timestamp no longer verifies
    forged = raw[:4] + struct.pack(">Q", 1_700_000_001) + raw[12:]
    forged_note = cosigned.replace(line.split(" ")[-1], base64.b64encode(forged).decode())
    with pytest.raises(NoteSignatureInvalid):
        verify_note(forged_note, [log.verifier().vkey(), witness.verifier().vkey()])


_LOG = new_signer(ORIGIN, D, SIG_SM2_SM3)
_TEXT = Checkpoint(ORIGIN, 7, bytes(32)).body()
_NOTE = _LOG.signature_line(_TEXT)


@settings(max_examples=50, deadline=None)
@given(bit=st.integers(0, 8 * 68 - 1))
def test_any_single_bit_change_to_an_sm2_note_signature_is_refused(bit: int) -> None:
    blob = _NOTE.rstrip("\n").split(" ")[-1]
    raw = bytearray(base64.b64decode(blob))
    raw[bit // 8] ^= 1 << (bit % 8)
    note = _TEXT + "\n" + _NOTE.replace(blob, base64.b64encode(bytes(raw)).decode())
    with pytest.raises(NoteError):
        verify_note(note, [_LOG.verifier().vkey()])
