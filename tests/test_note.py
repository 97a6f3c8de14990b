"""C2SP signed notes, checkpoints and tlog-cosignature/v1 cosignatures."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_checkpoint
from app.ledger.note import (
    SIG_COSIGNATURE_V1,
    NoteError,
    NoteSignatureInvalid,
    UnverifiedNote,
    add_signature_lines,
    generate_key,
    new_signer,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
    verify_note,
)

SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
ORIGIN = "taxation.ledger.beijing.gov.cn"


def test_the_spec_example_verifies() -> None:
    note = verify_note(SPEC_NOTE, [SPEC_VKEY])
    assert note.text == "This is an example message.\n"
    assert note.verified_by == ("example.com/foo",)


def test_the_spec_example_fails_when_changed() -> None:
    with pytest.raises(NoteSignatureInvalid):
        verify_note(SPEC_NOTE.replace("example message", "example massage"), [SPEC_VKEY])


def test_unknown_keys_are_ignored_and_a_note_needs_one_known_key() -> None:
    skey, vkey = generate_key("other.example/k", bytes(32))
    with pytest.raises(UnverifiedNote):
        verify_note(SPEC_NOTE, [vkey])
    signed = add_signature_lines(SPEC_NOTE, [parse_signer_key(skey).signature_line("This is an example message.\n")])
    note = verify_note(signed, [SPEC_VKEY])
    assert note.verified_by == ("example.com/foo",)
    assert [s.name for s in note.unverified] == ["other.example/k"]


def test_keys_round_trip_in_the_go_sumdb_note_format() -> None:
    skey, vkey = generate_key(ORIGIN, bytes(range(32)))
    assert skey.startswith(f"PRIVATE+KEY+{ORIGIN}+")
    signer = parse_signer_key(skey)
    assert signer.verifier().vkey() == vkey
    v = parse_verifier_key(vkey)
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x01
    assert v.name == ORIGIN


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "name+530d903a",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # wrong id
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",  # bad base64
        "example.com/foo+zzzzzzzz+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AgkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # type 0x02
    ],
)
def test_malformed_verifier_keys(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier_key(vkey)


@pytest.mark.parametrize(
    "note",
    [
        "no signatures\n",
        "text\n\n",
        "text\n\n— example.com/foo\n",
        "text\n\n- example.com/foo AAAA\n",
        "text\n\n— example.com/foo AAAA\n",  # shorter than a key id plus a byte
        "text\n\n— example.com/foo !!!!\n",
        "text\x07\n\n— example.com/foo Uw2QOkn8\n",
        "text\n\n— example.com/foo Uw2QOkn8srV1",  # no final newline
        "text\n\n" + "— a/b AAAAAAAA\n" * 101,  # too many signatures
        "x" * (1 << 20) + "\n\n— a/b AAAAAAAA\n",  # too large
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        verify_note(note, [SPEC_VKEY])


def test_a_duplicate_signature_by_a_known_key_is_refused() -> None:
    line = SPEC_NOTE.split("\n\n", 1)[1]
    with pytest.raises(NoteError):
        verify_note(SPEC_NOTE + line, [SPEC_VKEY])


def test_checkpoint_round_trip_and_strict_parse() -> None:
    cp = Checkpoint(ORIGIN, 20852163, bytes(range(32)))
    assert parse_checkpoint(cp.body()) == cp
    spec = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert parse_checkpoint(spec).size == 20852163
    for bad in [
        "origin\n01\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n1\n" + base64.b64encode(bytes(31)).decode() + "\n",
        "origin\n1\nnot base64!\n",
        "origin\n1\n",
        "\n1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n1\n" + base64.b64encode(bytes(32)).decode() + "\n\n",
        "origin\n1\n" + base64.b64encode(bytes(32)).decode(),
        "origin\n" + "9" * 30 + "\n" + base64.b64encode(bytes(32)).decode() + "\n",
    ]:
        with pytest.raises(CheckpointError):
            parse_checkpoint(bad)


def test_signed_checkpoint_with_witness_cosignatures() -> None:
    log = new_signer(ORIGIN, bytes([1] * 32))
    witness = new_signer("gas.ledger.beijing.gov.cn/witness", bytes([2] * 32), SIG_COSIGNATURE_V1)
    cp = Checkpoint(ORIGIN, 10, bytes(range(32)))
    text = cp.sign([log])
    cosigned = add_signature_lines(text, [witness.signature_line(cp.body(), timestamp=1_795_000_000)])
    opened = open_checkpoint(cosigned, ORIGIN, log.verifier().vkey(), [witness.verifier().vkey()])
    assert opened.checkpoint == cp
    assert set(opened.note.verified_by) == {ORIGIN, witness.name}
    assert opened.note.cosigned_at == {witness.name: 1_795_000_000}
    # The cosignature commits to its timestamp: changing it breaks the signature.
    line = cosigned.rsplit("\n", 2)[-2]
    raw = bytearray(base64.b64decode(line.split(" ")[-1]))
    raw[11] ^= 1
    forged = cosigned.replace(line.split(" ")[-1], base64.b64encode(bytes(raw)).decode())
    with pytest.raises(NoteSignatureInvalid):
        open_checkpoint(forged, ORIGIN, log.verifier().vkey(), [witness.verifier().vkey()])


def test_a_checkpoint_needs_the_log_signature_and_its_own_origin() -> None:
    log = new_signer(ORIGIN, bytes([1] * 32))
    witness = new_signer("w.example/w", bytes([2] * 32), SIG_COSIGNATURE_V1)
    cp = Checkpoint(ORIGIN, 1, bytes(32))
    only_witness = sign_note(cp.body(), [witness], timestamp=5)
    with pytest.raises(CheckpointError):
        open_checkpoint(only_witness, ORIGIN, log.verifier().vkey(), [witness.verifier().vkey()])
    with pytest.raises(CheckpointError):
        open_checkpoint(cp.sign([log]), "other.origin", log.verifier().vkey())


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_hostile_text_only_raises_note_errors(text: str) -> None:
    with contextlib.suppress(NoteError):
        verify_note(text, [SPEC_VKEY])
