"""The audit trail anchored on the department log, and a whole office restored from an old copy (issue 15, items
3 and 4). Real node processes on loopback; the attacker works on the office's files with a clerk's password."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import httpx
import pytest

from app.catalogue.catalogue import load_catalogue
from app.demo.scenario_world import PASSWORD, SCENARIO_KDF, OfficeSpec, ScenarioWorld, Staff
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.services import CaseDesk
from app.store import sync_state
from app.store.chain_head import ChainHead
from app.store.keywrap import unwrap_key
from app.store.office_files import OfficeDir, head_mac_key
from app.store.replica import open_replica
from app.sync.anchor import RESTORED_CODE, TRAIL_CUT_CODE
from app.sync.service import EXIT_OK

CATALOGUE = load_catalogue()
SERVICE = "banking-insurance.sme-loan"
CITIZEN = ("郑小龙", "11010519861203341X")
BANK = "banking-insurance.clerk"

DEPARTMENTS = ["banking-insurance", "market-supervision", "taxation"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScenarioWorld]:
    """Three department nodes (own processes, witnessing each other) and three offices, one per test."""
    offices = [OfficeSpec(key, key, (Staff(BANK, "clerk", "banking-insurance"),), "known")
               for key in ("cut", "restored", "window", "reset")]  # fmt: skip
    stage = ScenarioWorld(tmp_path_factory.mktemp("anchor"), offices, DEPARTMENTS)
    stage.build()
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()


def synced(world: ScenarioWorld, office: str) -> None:
    report = world.sync(office)
    assert report.exit_status == EXIT_OK, report.summary()


def published_size(world: ScenarioWorld, dept: str, at_least: int, timeout_s: float = 20) -> int:
    """Poll the node's published checkpoint until its tree holds `at_least` entries; return its size."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        size = int(httpx.get(f"{world.fleet.url(dept)}/checkpoint", timeout=5).text.split("\n")[1])
        if size >= at_least:
            return size
        time.sleep(0.05)
    raise AssertionError(f"{dept}: the checkpoint never reached {at_least} entries")


def department_of(world: ScenarioWorld, origin: str) -> str:
    return next(d for d in DEPARTMENTS if world.origin(d) == origin)


def test_each_sync_anchors_the_trail_head_on_the_department_log(world: ScenarioWorld) -> None:
    synced(world, "window")  # learns the registry: which department enrolled this device
    synced(world, "window")
    with world.session("window") as r:
        anchor = r.anchors.latest()
        assert anchor is not None and anchor.audit_count > 0
        sent = r.session.all("SELECT result FROM audit WHERE action = 'audit.anchor'")
        assert sent and all(result == ("ok",) for result in sent), sent
        assert r.anchors.audit_hash(anchor.audit_count) == anchor.audit_head
        device = r.device_kid
    assert anchor.index is not None
    dept = department_of(world, anchor.origin)
    size = published_size(world, dept, anchor.index + 1)
    log = [decode_entry(data) for data in world.fleet.log_entries(dept, size)]
    mine = [s for s in log if s.entry.type == "audit.anchor" and s.kid == device]
    assert mine and mine[-1].entry.body["count"] == anchor.audit_count
    assert set(mine[-1].entry.body) <= {"office", "count", "head", "prev"}  # no personal data rides along


def test_a_cut_trail_with_a_resealed_head_is_caught_at_the_next_sync(world: ScenarioWorld) -> None:
    synced(world, "cut")
    synced(world, "cut")
    with world.session("cut", BANK) as clerk:
        for i in range(3):
            clerk.audit.append("cert.verify", "VALID", {"n": i})
    synced(world, "cut")  # the three records are anchored now
    path = world.office_path("cut")
    with world.session("cut", BANK) as clerk:
        anchored = clerk.anchors.latest().audit_count
        clerk.session.execute("DELETE FROM audit WHERE seq > ?", (anchored - 5,))
        clerk.audit._load_tail()
        clerk.flush_head()
        cut = ChainHead(clerk.audit.head_seq, clerk.audit.head_hash, {})
        checkpoints = dict(clerk.session.all("SELECT origin, max(size) FROM checkpoints GROUP BY origin"))
    office = OfficeDir(path)
    info = office.read_office()
    db_key = unwrap_key(office.read_wraps()[BANK], PASSWORD, info.office_id, BANK)
    (path / "head.slots").unlink()
    office.write_head(head_mac_key(db_key, info.office_id), ChainHead(cut.audit_seq, cut.audit_hash, checkpoints))
    report = world.sync("cut")
    assert report.exit_status == EXIT_OK, report.summary()
    with world.session("cut") as admin:
        tasks = [t for t in sync_state.open_tasks(admin) if t.code == TRAIL_CUT_CODE]
        assert tasks and "the department log holds an anchor" in tasks[0].what
        # Records written since (the logins, this sync) grew the trail again: now it is rewritten at the anchor.
        assert any(
            "anchored on the department log" in p or "department log holds an anchor" in p
            for p in admin.check().problems
        ), admin.check().problems


def test_a_whole_office_restored_from_an_old_copy_raises_the_alarm_and_gets_its_case_back(
    world: ScenarioWorld, tmp_path
) -> None:
    synced(world, "restored")
    path = world.office_path("restored")
    backup = tmp_path / "backup"
    shutil.copytree(path, backup)  # replica.db, head.slots, keys.json: the whole office, as a backup has it
    with world.session("restored", BANK) as clerk:
        case = CaseDesk(clerk, CATALOGUE).open(SERVICE, *CITIZEN)
    synced(world, "restored")
    shutil.rmtree(path)
    shutil.copytree(backup, path)
    with world.session("restored") as admin:
        assert admin.check().ok  # the old copy is self-consistent: nothing local can tell
    report = world.sync("restored")
    assert report.exit_status == EXIT_OK, report.summary()
    assert sum(o.pull.restored_entries for o in report.logs if o.pull) >= 1
    with world.session("restored", BANK) as clerk:
        alarms = [t for t in sync_state.open_tasks(clerk) if t.code == RESTORED_CODE]
        assert alarms and "older copy" in alarms[0].what
        recovered = CaseDesk(clerk, CATALOGUE).get(case.case_id)
        assert recovered.case_id == case.case_id and recovered.service == SERVICE
        assert clerk.session.one("SELECT count(*) FROM audit WHERE action = 'sync.office_restored'")[0] >= 1


def test_a_reset_key_is_requested_from_the_department_and_its_entries_wait(world: ScenarioWorld) -> None:
    synced(world, "reset")
    synced(world, "reset")
    with world.session("reset") as admin:
        old_kid = admin.accounts.get(BANK).kid
        new_kid = admin.accounts.reset_password(BANK, "new clerk password")
    with open_replica(world.office_path("reset"), BANK, "new clerk password", kdf=SCENARIO_KDF) as clerk:
        key = clerk.account_signer
        assert key.kid == new_kid
        origin = world.origin("banking-insurance")
        note = Entry(origin, "consent.revoke", clerk.session.now_ms(), key.kid, {"consent_id": "K1"})
        held = clerk.outbox.enqueue(origin, sign_entry(note, key))
    report = world.sync("reset")
    assert report.exit_status == EXIT_OK, report.summary()
    waiting = {o.origin: o.push.waiting_for_enrolment for o in report.logs if o.push}
    assert waiting[origin] == 1, report.summary()
    with world.session("reset") as admin:
        assert [e.leaf_hash for e in admin.outbox.pending()] == [held]  # kept, never sent, never refused
        sent = admin.session.one("SELECT leaf_hash FROM enrolment_requests WHERE kid = ?", (new_kid,))[0]
        assert sent is not None
        anchor = admin.anchors.latest()  # sent after the request, in the same sync
    dept = department_of(world, anchor.origin)
    size = published_size(world, dept, anchor.index + 1)
    requests = [decode_entry(d) for d in world.fleet.log_entries(dept, size)]
    requests = [s.entry.body for s in requests if s.entry.type == "registry.request"]
    assert any(b["kid"] == new_kid and b["replaces"] == old_kid and b["role"] == "clerk" for b in requests)
