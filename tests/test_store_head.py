"""The chain head written on a background thread: newest head wins, flushed before checks and on close, never ahead
of the database, a SIGKILL before it is written raises no false alarm, and a rollback is still detected."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.certs.holder import resident_id_number
from app.protocol.departments import all_departments
from app.services import CaseDesk, DocumentCheck
from app.store.chain_head import ChainHead, HeadFile
from app.store.errors import RollbackDetected
from app.store.replica import Replica, open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF, office_with_supervisor

SERVICE = "public-security.household-transfer-out"
CATALOGUE = load_catalogue()


@pytest.fixture
def head_office(tmp_path: Path) -> Path:
    """An office with one enrolled public-security supervisor `sup` and every log synced just now."""
    return office_with_supervisor(tmp_path / "office", "Head Hall")


class GatedHeads:
    """Wraps a replica's real head write: records each head, and holds writes while the gate is closed."""

    def __init__(self, replica: Replica) -> None:
        replica.flush_head()  # the login's head is not part of what a test watches
        self.written: list[ChainHead] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self._real = replica.office.write_head
        replica.office.write_head = self._write

    def _write(self, key: bytes, head: ChainHead, record: bytes | None = None) -> None:
        self.entered.set()
        assert self.gate.wait(30), "the test never opened the gate"
        self._real(key, head, record)
        self.written.append(head)


def _file_head(r: Replica) -> ChainHead:
    head = r.office.read_head(r._mac_key)
    assert head is not None
    return head


def test_the_newest_head_is_written_and_heads_handed_meanwhile_coalesce(head_office: Path) -> None:
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:
        heads = GatedHeads(r)
        heads.gate.clear()
        first = r.audit.append("case.review", "ok", {"n": 0})
        assert heads.entered.wait(10)  # the first head is in flight, held at the gate
        seqs = [r.audit.append("case.review", "ok", {"n": n}) for n in range(1, 20)]  # the clerk does not wait
        assert _file_head(r).audit_seq < first, "nothing reached the file while the write is held"
        heads.gate.set()
        r.flush_head()
        assert [h.audit_seq for h in heads.written] == [first, seqs[-1]]  # 18 heads were never written: coalesced
        assert _file_head(r).audit_seq == seqs[-1] == r.audit.head_seq
        assert _file_head(r).audit_hash == r.audit.head_hash


def test_heads_written_only_grow(head_office: Path) -> None:
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:
        heads = GatedHeads(r)
        for n in range(200):
            r.audit.append("case.review", "ok", {"n": n})
            if n % 37 == 0:
                time.sleep(0.002)
        r.flush_head()
        seqs = [h.audit_seq for h in heads.written]
        assert seqs == sorted(set(seqs)) and seqs[-1] == r.audit.head_seq


def test_check_and_the_rollback_check_wait_for_the_head_in_flight(head_office: Path) -> None:
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:
        heads = GatedHeads(r)
        heads.gate.clear()
        seq = r.audit.append("case.review", "ok")
        assert heads.entered.wait(10)
        threading.Timer(0.2, heads.gate.set).start()
        r.check_rollback()  # waits for the gate, then compares against the newest head
        assert _file_head(r).audit_seq == seq
        heads.gate.clear()
        heads.entered.clear()
        seq = r.audit.append("case.review", "ok")
        assert heads.entered.wait(10)
        threading.Timer(0.2, heads.gate.set).start()
        report = r.check()
        assert report.ok, report.problems
        assert _file_head(r).audit_seq == seq


def test_close_writes_the_logout_head(head_office: Path) -> None:
    r = open_replica(head_office, "sup", "pw", kdf=FAST_KDF)
    heads = GatedHeads(r)
    heads.gate.clear()
    threading.Timer(0.2, heads.gate.set).start()
    r.close()
    assert heads.written and heads.written[-1].audit_seq == r.audit.head_seq  # the logout record
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as again:
        assert again.audit.records(after_seq=heads.written[-1].audit_seq - 1)[0].action == "logout"


def test_a_rolled_back_transaction_hands_over_no_head(head_office: Path) -> None:
    with open_replica(head_office, "admin", "pw", kdf=FAST_KDF) as r:
        heads = GatedHeads(r)
        with pytest.raises(RuntimeError), r.transaction():
            r.audit.append("case.review", "ok")
            r.logs.put_checkpoint(all_departments()[0].origin, 999, bytes(32), "note 999", 1)
            raise RuntimeError("the transaction fails")
        r.flush_head()
        assert heads.written == []
        r.audit.append("case.review", "ok")
        r.flush_head()
        assert heads.written[-1].checkpoints[all_departments()[0].origin] == 1  # not the size rolled back
    open_replica(head_office, "admin", "pw", kdf=FAST_KDF).close()  # no false alarm


def test_a_checkpoint_stored_by_another_connection_reaches_the_head(head_office: Path) -> None:
    origin = all_departments()[0].origin
    with (
        open_replica(head_office, "admin", "pw", kdf=FAST_KDF) as desk,
        open_replica(head_office, "admin", "pw", kdf=FAST_KDF) as cli,
    ):
        desk.audit.append("case.review", "ok")
        desk.flush_head()
        assert _file_head(desk).checkpoints[origin] == 1
        cli.logs.put_checkpoint(origin, 40, b"c" * 32, "note 40", 2)
        cli.flush_head()
        desk.audit.append("case.review", "ok")  # the desk's next head must not drop the CLI's checkpoint
        desk.flush_head()
        assert _file_head(desk).checkpoints[origin] == 40
        desk.logs.put_checkpoint(origin, 41, b"d" * 32, "note 41", 3)
        desk.flush_head()
        assert _file_head(desk).checkpoints[origin] == 41


def _stalled_mover(office: Path, report_fd: int) -> None:
    """In a child: hold every head write forever, then move cases, reporting each acknowledged step."""
    r = open_replica(office, "sup", "pw", kdf=FAST_KDF)
    r.flush_head()
    stall = threading.Event()
    r.office.write_head = lambda key, head, record=None: stall.wait()  # the commit is done, its head never written
    desk = CaseDesk(r, CATALOGUE)
    for i in range(1000):
        case = desk.open(SERVICE, "张伟", resident_id_number(f"11010119900101{i:03d}"))
        os.write(report_fd, f"{case.case_id} {case.head.hex()}\n".encode())
        view = desk.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), (), ()))
        os.write(report_fd, f"{view.case_id} {view.head.hex()}\n".encode())
        view = desk.advance(case.case_id)  # moves the local case's status: an audited commit
        os.write(report_fd, f"{view.case_id} {view.head.hex()}\n".encode())


def test_sigkill_between_commit_and_head_write_raises_no_alarm_and_loses_nothing(
    head_office: Path, tmp_path: Path
) -> None:
    before = (head_office / "head.slots").read_bytes()
    pid, read_fd = fork_reporting(_stalled_mover, head_office)
    lines = read_until(read_fd, time.monotonic() + 30, lines=9).decode().splitlines()
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read_fd)
    assert len(lines) >= 9, lines
    left = tmp_path / "left"  # the head file as the killed child left it (the unlock below writes its own)
    left.mkdir()
    shutil.copy(head_office / "head.slots", left / "head.slots")
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:  # the rollback check runs on unlock
        head = HeadFile(left).read(r._mac_key)
        desk = CaseDesk(r, CATALOGUE)
        for line in lines:
            case_id, leaf = line.split(" ")
            assert bytes.fromhex(leaf) in [s.leaf_hash for s in desk.get(case_id).steps], "an acknowledged step"
        assert head.audit_seq < r.audit.head_seq, "the database is ahead of the head the child never wrote"
        assert r.check().ok
    assert before != (head_office / "head.slots").read_bytes()  # the unlock above wrote its own head


def _mover_then_crash(office: Path, report_fd: int) -> None:
    """In a child: move cases, wait for the head, report, and die without closing."""
    r = open_replica(office, "sup", "pw", kdf=FAST_KDF)
    desk = CaseDesk(r, CATALOGUE)
    for i in range(3):
        case = desk.open(SERVICE, "张伟", resident_id_number(f"11010119900102{i:03d}"))
        desk.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), (), ()))
        desk.advance(case.case_id)
    r.flush_head()
    os.write(report_fd, b"flushed\n")
    signal.pause()


@pytest.mark.parametrize("ending", ["closed", "killed"])
def test_rollback_to_an_older_copy_is_detected_once_the_writer_flushed(
    head_office: Path, tmp_path: Path, ending: str
) -> None:
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for f in head_office.glob("replica.db*"):
        shutil.copy(f, snapshot / f.name)
    if ending == "closed":
        with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:
            desk = CaseDesk(r, CATALOGUE)
            case = desk.open(SERVICE, "张伟", "110101199001030008")
            desk.verify_documents(case.case_id, DocumentCheck(case.case_id, frozenset({"eid", "hukou"}), (), ()))
    else:
        pid, read_fd = fork_reporting(_mover_then_crash, head_office)
        assert read_until(read_fd, time.monotonic() + 30, lines=1).decode().splitlines() == ["flushed"]
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
    for f in head_office.glob("replica.db*"):
        f.unlink()
    for f in snapshot.iterdir():
        shutil.copy(f, head_office / f.name)  # an authentic, older, fully valid copy of the database
    with pytest.raises(RollbackDetected, match="older copy"):
        open_replica(head_office, "sup", "pw", kdf=FAST_KDF)


_EXIT_WITHOUT_CLOSE = """
import sys
import time
from app.store.replica import open_replica
from tests.store_support import FAST_KDF
from app.certs.holder import resident_id_number
r = open_replica(sys.argv[1], "sup", "pw", kdf=FAST_KDF)
real = r.office.write_head
r.office.write_head = lambda key, head, record=None: (time.sleep(0.05), real(key, head, record))  # still in flight
for i in range(50):
    seq = r.audit.append("case.review", "ok", {"n": i})
print(seq)
"""


def test_a_process_that_exits_without_closing_still_writes_its_last_head(head_office: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _EXIT_WITHOUT_CLOSE, str(head_office)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    last = int(out.stdout.split()[-1])
    left = tmp_path / "left"
    left.mkdir()
    shutil.copy(head_office / "head.slots", left / "head.slots")
    with open_replica(head_office, "sup", "pw", kdf=FAST_KDF) as r:
        assert HeadFile(left).read(r._mac_key).audit_seq == last, "the exit-time flush wrote the newest head"
