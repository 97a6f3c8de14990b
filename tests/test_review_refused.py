"""Refused outbox entries in the supervisor's review (issue 16): a real node refuses an entry, the supervisor sees
why and sets it aside (audited, never deleted), the pending count and push leave it out; hostile input; SIGKILLs
in the middle of setting entries aside leave each one either wholly set aside and audited or untouched."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.beijing_time import beijing
from app.ledger.entry import Entry, sign_entry
from app.ledger.suites import ED25519
from app.office import Office
from app.review import NotRefused, open_day, refused_entries, set_aside
from app.review.chain import verify_audit_chain
from app.review.pdf_report import render_pdf
from app.review.refused import SET_ASIDE_ACTION
from app.store import audit, sync_state
from app.store.errors import InvalidInput, PermissionDenied
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.sync import SyncService, load_policy
from app.sync.transport import RetryPolicy
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF
from tests.test_sync_support import PASSWORD, NodeProc, new_office, note_entry, running_federation

FAST_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.2, timeout_s=5)
SUPERVISOR = "sup-zhou"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    """The department nodes, each in its own process on loopback."""
    with running_federation(tmp_path_factory.mktemp("nodes")) as procs:
        yield procs


def add_supervisor(admin: Replica) -> None:
    """A supervisor account whose key the registry enrols in the supervisor role (as sync brings it)."""
    account = admin.accounts.add(SUPERVISOR, "supervisor", PASSWORD)
    suite = admin.session.one("SELECT suite FROM accounts WHERE kid = ?", (account.kid,))[0]
    admin.registry.put_key(
        KeyRecord(account.kid, suite, account.public_key, "supervisor", SUPERVISOR, "civil-affairs", 0)
    )


def sync(replica: Replica, tasks: list) -> object:
    """One sync run of the office against its nodes."""
    return SyncService(replica, load_policy(replica), retry=FAST_RETRY, on_task=tasks.append).run()


def refused_by_a_node(path: Path, nodes: list[NodeProc]) -> tuple[bytes, str]:
    """An office whose node refused one entry (a counter device may not revoke certificates) and took another."""
    civil = nodes[2]
    office = new_office(path, "office-r", nodes, only=[civil.origin])
    add_supervisor(office)
    device = ED25519.signer(office.session.one("SELECT private_key FROM device")[0])
    body = {"serial": "0" * 20, "reason": "test", "revoked_at": 1}
    refused = office.outbox.enqueue(
        civil.origin, sign_entry(Entry(civil.origin, "cert.revoke", 1, office.device_kid, body), device)
    )
    office.outbox.enqueue(civil.origin, note_entry(office, civil.origin, "fine"))
    tasks: list = []
    report = sync(office, tasks)
    assert report.exit_status == 0, report.summary()
    assert [t.code for t in tasks] == ["role_not_allowed"] and office.outbox.count_pending() == 1
    office.close()
    return refused, civil.origin


def test_a_supervisor_sees_a_refused_entry_sets_it_aside_and_it_stops_waiting(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    path = tmp_path / "office"
    leaf, origin = refused_by_a_node(path, nodes)
    with open_replica(path, SUPERVISOR, PASSWORD, kdf=FAST_KDF) as sup:
        [entry] = refused_entries(sup)
        assert (entry.leaf_hash, entry.origin, entry.department) == (leaf, origin, "civil-affairs")
        assert (entry.code, entry.entry_type, entry.set_aside) == ("role_not_allowed", "cert.revoke", False)
        assert entry.signer and entry.written_ms and entry.refused_ms >= entry.written_ms
        head_before = audit.newest(sup.session)[0]
        done = set_aside(sup, leaf)
        assert done.set_aside and done.set_aside_by == SUPERVISOR and done.code == "role_not_allowed"
        assert done.refused_ms == entry.refused_ms and done.set_aside_ms >= entry.refused_ms  # when the node refused
        assert sup.outbox.count_pending() == 0  # the status bar's "待发" leaves it out
        assert refused_entries(sup) == [done]  # still listed, as set aside
        assert sup.session.one("SELECT count(*) FROM outbox WHERE leaf_hash = ?", (leaf,))[0] == 1  # never deleted
        assert not [t for t in sync_state.open_tasks(sup) if t.leaf_hash == leaf]  # no clerk is asked to act
        records = audit.action_records(sup.session, SET_ASIDE_ACTION)
        assert [(r.account, r.seq) for r in records] == [(SUPERVISOR, head_before + 1)]
        assert verify_audit_chain(sup.session).ok  # the record is signed and chained like every other
        with pytest.raises(NotRefused):
            set_aside(sup, leaf)  # once
        tasks: list = []
        again = sync(sup, tasks)
        assert again.logs[0].push.pending == 0 and tasks == []  # push never sends it again
        assert sup.outbox.count_pending() == 0
        # The day's figures count it apart: set aside, not pending, for the office, its clerk and in the PDF.
        review = open_day(sup, beijing(done.written_ms).date())
        office, device = review.figures.office, review.figures.by_clerk
        assert (office.outbox_pending, office.outbox_set_aside) == (0, 1)
        assert office.counts()["outbox_set_aside"] == 1 and office.to_json()["outbox_pending"] == 0
        assert [(f.outbox_pending, f.outbox_set_aside) for f in device.values() if f.outbox_set_aside] == [(0, 1)]
        pdf = tmp_path / "day.pdf"
        pdf.write_bytes(render_pdf(review, language="zh_CN"))
        shown = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout  # fmt: skip
        assert "已搁置" in shown and "待发送" in shown


def test_only_a_supervisor_sets_aside_and_hostile_input_is_refused(nodes: list[NodeProc], tmp_path: Path) -> None:
    path = tmp_path / "office"
    leaf, _origin = refused_by_a_node(path, nodes)
    with open_replica(path, "admin", PASSWORD, kdf=FAST_KDF) as admin:
        assert [e.leaf_hash for e in refused_entries(admin)] == [leaf]  # admins may look
        with pytest.raises(PermissionDenied):
            set_aside(admin, leaf)
        admin.accounts.add("clerk-wu", "clerk", PASSWORD)
    with open_replica(path, "clerk-wu", PASSWORD, kdf=FAST_KDF) as clerk:
        with pytest.raises(PermissionDenied):
            refused_entries(clerk)
        with pytest.raises(PermissionDenied):
            set_aside(clerk, leaf)
    with open_replica(path, SUPERVISOR, PASSWORD, kdf=FAST_KDF) as sup:
        head = audit.newest(sup.session)
        for hostile in (b"", b"\x00" * 31, leaf + b"\x00", "ab" * 32, None, 7, bytearray(33)):
            with pytest.raises(InvalidInput):
                set_aside(sup, hostile)  # type: ignore[arg-type]
        acked = sup.session.one("SELECT leaf_hash FROM outbox WHERE acked_ms IS NOT NULL")[0]
        for not_refused in (os.urandom(32), acked):
            with pytest.raises(NotRefused):
                set_aside(sup, not_refused)
        assert audit.newest(sup.session) == head and sup.outbox.count_pending() == 1  # nothing changed


def test_an_entry_whose_refusal_a_clerk_closed_waits_again_and_is_not_listed(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    path = tmp_path / "office"
    leaf, _origin = refused_by_a_node(path, nodes)
    with open_replica(path, SUPERVISOR, PASSWORD, kdf=FAST_KDF) as sup:
        [task] = [t for t in sync_state.open_tasks(sup) if t.leaf_hash == leaf]
        sync_state.close_task(sup, task.id)  # the clerk asks to send it again
        assert refused_entries(sup) == [] and sup.outbox.count_pending() == 1
        with pytest.raises(NotRefused):
            set_aside(sup, leaf)


def test_the_office_facade_lists_and_sets_aside(nodes: list[NodeProc], tmp_path: Path) -> None:
    path = tmp_path / "office"
    leaf, _origin = refused_by_a_node(path, nodes)
    office = Office(path)
    office.session.unlock(SUPERVISOR, PASSWORD)
    try:
        assert office.status().outbox_count == 1
        assert [e.leaf_hash for e in office.reviews.refused_entries()] == [leaf]
        assert office.reviews.set_aside(leaf).set_aside
        assert office.status().outbox_count == 0
    finally:
        office.close()


# -- crash safety -------------------------------------------------------------------------------------------------
ORIGIN = "example.gov/dept-a"
ENTRIES = 400
KILLS = 25


def _setter(office: Path, report_fd: int) -> None:
    """In a child: set every refused entry aside, one at a time, reporting each that committed."""
    r = open_replica(office, SUPERVISOR, PASSWORD, kdf=FAST_KDF)
    os.write(report_fd, b"ready\n")
    for entry in refused_entries(r):
        if not entry.set_aside:
            set_aside(r, entry.leaf_hash)
            os.write(report_fd, entry.leaf_hash.hex().encode() + b"\n")


def test_sigkills_while_setting_aside_leave_each_entry_wholly_set_aside_or_untouched(tmp_path: Path) -> None:
    office = tmp_path / "office"
    with create_office(office, "Hall", "admin", PASSWORD, kdf=FAST_KDF) as admin:
        add_supervisor(admin)
    with open_replica(office, SUPERVISOR, PASSWORD, kdf=FAST_KDF) as sup, sup.transaction():
        for i in range(ENTRIES):  # refused the way push records a node's refusal
            leaf = sup.outbox.enqueue(ORIGIN, b"refused entry %d " % i + b"x" * 100)
            sync_state.add_task(sup, leaf, ORIGIN, "refused", "role_not_allowed", None, "refused", "ask", reopen=True)
    rng = random.Random(16)
    acknowledged: set[str] = set()
    landed = 0
    for _ in range(KILLS):
        pid, read_fd = fork_reporting(_setter, office)
        buffer = read_until(read_fd, time.monotonic() + 10, marker=b"ready\n")
        buffer += read_until(read_fd, time.monotonic() + 10, lines=buffer.count(b"\n") + 1)  # one committed
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        done = [line.decode() for line in buffer.split(b"\n")[:-1] if line != b"ready"]
        landed += bool(done)
        acknowledged.update(done)
        if len(acknowledged) >= ENTRIES:
            break
    assert landed >= 3, "the kills should land while entries are being set aside"
    with open_replica(office, SUPERVISOR, PASSWORD, kdf=FAST_KDF) as sup:
        assert sup.session.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        entries = refused_entries(sup)
        assert len(entries) == ENTRIES  # none deleted
        aside = {e.leaf_hash.hex() for e in entries if e.set_aside}
        assert acknowledged <= aside
        audited = [r.account for r in audit.action_records(sup.session, SET_ASIDE_ACTION)]
        assert len(audited) == len(aside) and set(audited) == {SUPERVISOR}  # each set-aside has its audit record
        assert all(e.set_aside_by == SUPERVISOR for e in entries if e.set_aside)
        open_refusals = {t.leaf_hash.hex() for t in sync_state.open_tasks(sup)}
        assert not open_refusals & aside and len(open_refusals) == ENTRIES - len(aside)
        assert sup.outbox.count_pending() == ENTRIES - len(aside)
        assert verify_audit_chain(sup.session).ok
