"""The two-slot chain head file: newest verified slot wins, a torn slot falls back, forged or garbage files refuse."""

from __future__ import annotations

import hmac
import json
import os
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.store.chain_head import BLOCK, MAX_SLOT, ChainHead, HeadFile, SlotEncoder, encode_slot
from app.store.errors import RollbackDetected
from app.store.replica import open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF, forge_slots, office_with_supervisor

KEY = bytes(range(32))


def _head(seq: int, logs: int = 3) -> ChainHead:
    return ChainHead(seq, seq.to_bytes(32, "big"), {f"log{i}.example.gov/x": seq * 10 + i for i in range(logs)})


def test_heads_alternate_between_two_slots_and_the_newest_is_read(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    assert f.read(KEY) is None and not f.path.exists()
    for seq in range(1, 6):
        f.write(KEY, _head(seq))
        assert f.read(KEY) == _head(seq)
    raw = f.path.read_bytes()
    assert len(raw) == 2 * BLOCK
    slots = sorted(json.loads(raw[i * BLOCK : (i + 1) * BLOCK])["head"]["audit_seq"] for i in (0, 1))
    assert slots == [4, 5]
    assert HeadFile(tmp_path).read(KEY) == _head(5)  # another process reads the same


def test_a_new_writer_continues_after_the_newest_slot(tmp_path: Path) -> None:
    HeadFile(tmp_path).write(KEY, _head(1))
    HeadFile(tmp_path).write(KEY, _head(2))  # a second process: learns the file, writes the other slot
    HeadFile(tmp_path).write(KEY, _head(3))
    f = HeadFile(tmp_path)
    assert f.read(KEY) == _head(3)
    raw = f.path.read_bytes()
    seqs = {json.loads(raw[i * BLOCK : (i + 1) * BLOCK])["head"]["audit_seq"] for i in (0, 1)}
    assert seqs == {2, 3}, "the newest head was never overwritten by the next one"


def test_heads_of_the_same_audit_record_are_ordered_by_their_checkpoints(tmp_path: Path) -> None:
    """Storing a checkpoint writes a head without a new audit record: the larger checkpoints are the newer head,
    in whichever slot it landed (it failed on a loaded machine when the newer head went to the second slot)."""
    origin = "log0.example.gov/x"
    older = ChainHead(7, bytes(32), {origin: 40})
    newer = ChainHead(7, bytes(32), {origin: 41})
    for first_slot_head in (older, newer):
        directory = tmp_path / f"slot0-{first_slot_head.checkpoints[origin]}"
        directory.mkdir()
        HeadFile(directory).write(KEY, _head(1))
        HeadFile(directory).write(KEY, _head(2))  # the two heads of audit record 7 then fill both slots
        f = HeadFile(directory)
        f.write(KEY, first_slot_head)
        f.write(KEY, older if first_slot_head is newer else newer)
        assert HeadFile(directory).read(KEY) == newer
        HeadFile(directory).write(KEY, ChainHead(7, bytes(32), {origin: 42}))  # a third writer overwrites the older
        assert HeadFile(directory).read(KEY).checkpoints[origin] == 42


def test_a_torn_newest_slot_falls_back_to_the_head_before_it(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    for seq in (1, 2, 3):
        f.write(KEY, _head(seq))
    raw = bytearray(f.path.read_bytes())
    newest = 0 if json.loads(raw[:BLOCK])["head"]["audit_seq"] == 3 else 1
    start = newest * BLOCK
    raw[start + 512 : start + BLOCK] = os.urandom(BLOCK - 512)  # a power cut after the first sector
    f.path.write_bytes(bytes(raw))
    assert HeadFile(tmp_path).read(KEY) == _head(2)


def test_a_forged_slot_is_not_believed_and_two_forged_slots_refuse(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    f.write(KEY, _head(1))
    f.write(KEY, _head(2))
    raw = f.path.read_bytes()

    def bump(body: dict) -> dict:
        return {**body, "audit_seq": body["audit_seq"] + 100}

    newest = 0 if json.loads(raw[:BLOCK])["head"]["audit_seq"] == 2 else 1
    f.path.write_bytes(forge_slots(raw, bump, (newest,)))
    assert HeadFile(tmp_path).read(KEY) == _head(1)  # only the genuine slot is believed
    f.path.write_bytes(forge_slots(raw, bump))
    with pytest.raises(RollbackDetected, match="altered"):
        HeadFile(tmp_path).read(KEY)
    with pytest.raises(RollbackDetected, match="altered"):
        HeadFile(tmp_path).read(bytes(32))  # another office's key: no slot verifies


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b" " * (2 * BLOCK),
        b"x" * 100,
        b" " * (2 * BLOCK + 1),
        b"\x00" * (2 * BLOCK),
        b'{"format":2}'.ljust(2 * BLOCK),
        b'{"format":2,"head":[],"mac":"00"}'.ljust(2 * BLOCK),
        b'{"format":2,"head":{"audit_seq":1},"mac":7}'.ljust(2 * BLOCK),
        b"[" * 5000 + b"]" * 5000 + b" " * (2 * BLOCK - 10000),
        b"\xff\xfe".ljust(2 * BLOCK),
        b" " * (2 * MAX_SLOT + 2 * BLOCK),
    ],
)
def test_a_garbage_head_file_refuses_with_a_reason(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "head.slots").write_bytes(content)
    with pytest.raises(RollbackDetected, match=r"malformed|altered"):
        HeadFile(tmp_path).read(KEY)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=BLOCK), st.integers(0, 1))
def test_any_bytes_in_one_slot_never_hide_the_other(tmp_path_factory, junk: bytes, slot: int) -> None:
    directory = tmp_path_factory.mktemp("h")
    f = HeadFile(directory)
    f.write(KEY, _head(7))
    good = f.path.read_bytes()[:BLOCK]
    damaged = junk.ljust(BLOCK, b" ")[:BLOCK]
    f.path.write_bytes(good + damaged if slot else damaged + good)
    found = HeadFile(directory).read(KEY)
    assert found is not None and found.audit_seq >= 7  # junk can only be believed if it carries a valid MAC


def test_a_head_too_large_for_the_slots_lays_the_file_out_again(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    f.write(KEY, _head(1))
    big = _head(2, logs=400)
    assert len(encode_slot(KEY, big)) > BLOCK
    f.write(KEY, big)
    assert f.read(KEY) == big
    size = len(f.path.read_bytes()) // 2
    assert size % BLOCK == 0 and size > BLOCK
    f.write(KEY, _head(3, logs=400))
    assert HeadFile(tmp_path).read(KEY) == _head(3, logs=400)


def test_a_legacy_head_json_is_read_then_replaced_by_the_slots(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    record = json.loads(encode_slot(KEY, _head(4)))
    record["format"] = 1
    f.legacy_path.write_text(json.dumps(record, indent=1))
    assert f.read(KEY) == _head(4)
    f.write(KEY, _head(5))
    assert not f.legacy_path.exists() and f.read(KEY) == _head(5)
    f.legacy_path.write_text(json.dumps({**record, "mac": "00" * 32}))
    assert f.read(KEY) == _head(5), "head.slots rules once it exists"
    f.path.unlink()
    with pytest.raises(RollbackDetected, match="altered"):
        f.read(KEY)
    f.legacy_path.write_text("{not json")
    with pytest.raises(RollbackDetected, match="malformed"):
        f.read(KEY)


def test_a_failed_write_leaves_the_head_before_it(tmp_path: Path) -> None:
    f = HeadFile(tmp_path)
    f.write(KEY, _head(1))
    raw = f.path.read_bytes()
    f.path.unlink()
    f.path.mkdir()  # the file cannot be opened for writing (as root too)
    with pytest.raises(OSError):
        f.write(KEY, _head(2))
    f.path.rmdir()
    f.path.write_bytes(raw)
    assert HeadFile(tmp_path).read(KEY) == _head(1)
    f.write(KEY, _head(3))  # the writer learns the file again and carries on
    assert HeadFile(tmp_path).read(KEY) == _head(3)
    f.path.unlink()  # removed behind the writer's back: noticed at the next flush (or within RECHECK_SECONDS)
    f.close()
    f.write(KEY, _head(4))
    assert HeadFile(tmp_path).read(KEY) == _head(4)


def test_a_writer_notices_a_replaced_file_within_its_recheck_time(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("app.store.chain_head.RECHECK_SECONDS", 3600.0)  # however slow this machine's fsyncs are
    f = HeadFile(tmp_path)
    f.write(KEY, _head(1))
    f.write(KEY, _head(2))
    f.path.unlink()
    f.write(KEY, _head(3))  # into the removed file: a lag, never a wrong head
    assert HeadFile(tmp_path).read(KEY) is None
    monkeypatch.setattr("app.store.chain_head.RECHECK_SECONDS", 0.0)
    f.write(KEY, _head(4))
    assert HeadFile(tmp_path).read(KEY) == _head(4)


def _write_heads_forever(directory: Path, report_fd: int) -> None:
    f = HeadFile(directory)
    seq = 1
    while True:
        f.write(KEY, _head(seq))
        if seq % 50 == 0:
            os.write(report_fd, f"{seq}\n".encode())
        seq += 1


def test_sigkill_while_writing_heads_leaves_a_verified_head(tmp_path: Path) -> None:
    for _ in range(3):
        pid, read_fd = fork_reporting(_write_heads_forever, tmp_path)
        lines = read_until(read_fd, time.monotonic() + 20, lines=3).decode().split()
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
        head = HeadFile(tmp_path).read(KEY)
        assert head is not None and head.audit_seq >= int(lines[-1])


def test_an_office_opens_after_its_newest_slot_is_torn(tmp_path: Path) -> None:
    office = office_with_supervisor(tmp_path / "office", "Hall")
    with open_replica(office, "sup", "pw", kdf=FAST_KDF) as r:
        r.audit.append("test.mark", "ok")
    path = office / "head.slots"
    raw = bytearray(path.read_bytes())
    size = len(raw) // 2
    seqs = [json.loads(raw[i * size : (i + 1) * size])["head"]["audit_seq"] for i in (0, 1)]
    newest = seqs.index(max(seqs))
    raw[newest * size + 100 : newest * size + 200] = b"\x00" * 100
    path.write_bytes(bytes(raw))
    with open_replica(office, "sup", "pw", kdf=FAST_KDF) as r:  # the older head: the database is ahead, no alarm
        assert r.check().ok


def test_a_writer_follows_a_file_another_process_laid_out_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("app.store.chain_head.RECHECK_SECONDS", 3600.0)  # however slow this machine's fsyncs are
    mine, theirs = HeadFile(tmp_path), HeadFile(tmp_path)
    mine.write(KEY, _head(1))
    mine.write(KEY, _head(2))
    theirs.write(KEY, _head(3, logs=400))  # larger slots now, in a new file
    mine.write(KEY, _head(4))  # still through its descriptor of the replaced file: lost, a lag only
    assert HeadFile(tmp_path).read(KEY) == _head(3, logs=400)
    monkeypatch.setattr("app.store.chain_head.RECHECK_SECONDS", 0.0)
    mine.write(KEY, _head(5))  # its slot size is stale: it must not write into the middle of a slot
    assert HeadFile(tmp_path).read(KEY) == _head(5)
    raw = (tmp_path / "head.slots").read_bytes()
    size = len(raw) // 2
    seqs = {json.loads(raw[i * size : (i + 1) * size])["head"]["audit_seq"] for i in (0, 1)}
    assert seqs == {3, 5}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2**63 - 1),
            st.binary(min_size=32, max_size=32),
            st.dictionaries(st.text(max_size=40), st.integers(0, 2**63 - 1), max_size=12),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_fast_encoder_writes_exactly_the_canonical_record(heads: list) -> None:
    encoder = SlotEncoder(KEY)
    for seq, digest, checkpoints in heads:
        head = ChainHead(seq, digest, checkpoints)
        record = encoder.encode(head)
        body = {"audit_hash": digest.hex(), "audit_seq": seq, "checkpoints": checkpoints}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        assert json.loads(record) == {"format": 2, "head": body, "mac": hmac.new(KEY, canonical, "sha256").hexdigest()}
        assert record.startswith(b'{"format":2,"head":' + canonical + b',"mac":')
    checkpoints = {"a.example/x": 1}
    head = ChainHead(1, bytes(32), checkpoints)
    first = encoder.encode(head)
    checkpoints["a.example/x"] = 2  # the same dict changed in place: encoded anew, never from the stale JSON
    assert encoder.encode(head) != first and b'"a.example/x":2' in encoder.encode(head)


def test_whatever_two_writers_interleave_the_slot_not_being_written_verifies(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("app.store.chain_head.RECHECK_SECONDS", 0.0)  # each writer follows the other's new file
    writers = [HeadFile(tmp_path), HeadFile(tmp_path)]
    order = [0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1]
    for seq, w in enumerate(order, start=1):
        before = (tmp_path / "head.slots").read_bytes() if seq > 1 else b""
        big = seq in (6, 7)  # a head too large for the slots in the middle: the file is laid out again
        writers[w].write(KEY, _head(seq, logs=400 if big else 3))
        f_bytes = (tmp_path / "head.slots").read_bytes()
        size = len(f_bytes) // 2
        if len(before) == len(f_bytes):  # an in-place write: tear the slot it changed, the other must verify
            changed = [i for i in (0, 1) if before[i * size : (i + 1) * size] != f_bytes[i * size : (i + 1) * size]]
            assert len(changed) == 1
            torn = bytearray(f_bytes)
            torn[changed[0] * size + 600 : (changed[0] + 1) * size] = b"\x00" * (size - 600)
            (tmp_path / "head.slots").write_bytes(bytes(torn))
            assert HeadFile(tmp_path).read(KEY) is not None
            (tmp_path / "head.slots").write_bytes(f_bytes)
        else:  # laid out anew: both slots hold the head
            assert f_bytes[:size] == f_bytes[size:]
        assert HeadFile(tmp_path).read(KEY).audit_seq == seq


def test_a_head_file_that_is_not_a_regular_file_refuses_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "head.slots").mkdir()
    with pytest.raises(RollbackDetected, match=r"not a regular file|cannot be read"):
        HeadFile(tmp_path).read(KEY)
    (tmp_path / "head.slots").rmdir()
    os.mkfifo(tmp_path / "head.slots")  # opening a FIFO for reading would wait for a writer forever
    with pytest.raises(RollbackDetected, match="not a regular file"):
        HeadFile(tmp_path).read(KEY)
    (tmp_path / "head.slots").unlink()
    os.mkfifo(tmp_path / "head.json")
    with pytest.raises(RollbackDetected, match="not a regular file"):
        HeadFile(tmp_path).read(KEY)


def test_a_reader_racing_the_move_from_head_json_still_finds_the_head(tmp_path: Path, monkeypatch) -> None:
    reader = HeadFile(tmp_path)
    record = json.loads(encode_slot(KEY, _head(4)))
    record["format"] = 1
    reader.legacy_path.write_text(json.dumps(record))
    real = HeadFile._read_legacy

    def moved_meanwhile(self: HeadFile, mac_key: bytes):
        HeadFile(tmp_path).write(KEY, _head(5))  # another process: head.slots appears, head.json goes
        return real(self, mac_key)

    monkeypatch.setattr(HeadFile, "_read_legacy", moved_meanwhile)
    assert reader.read(KEY) == _head(5)
