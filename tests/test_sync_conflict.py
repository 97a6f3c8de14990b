"""Two offline offices move the same case (issue 5): the conflict surfaces at sync, the node's order decides,
and the loser's clerk gets a task that explains what happened. Real node processes on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import StepOutOfOrder
from app.certs import CertType, issue_certificate, make_claims
from app.demo.scenario_world import OfficeSpec, ScenarioWorld, Staff
from app.services import CaseDesk
from app.store import sync_state
from app.sync import SyncService, load_policy
from app.sync.pull import CONFLICT_ADVICE
from app.sync.service import EXIT_OK
from app.sync.transport import RetryPolicy
from tests.store_support import FakeClock

CATALOGUE = load_catalogue()
SERVICE = "banking-insurance.sme-loan"
STEP = "market-supervision.verify-licence"
CITIZEN = ("郑小龙", "11010519861203341X")
BANK, MS = "banking-insurance.clerk", "market-supervision.clerk"
NORTH_STAFF = (Staff(BANK, "clerk", "banking-insurance"), Staff(MS, "clerk", "market-supervision"))
OFFICES = (
    OfficeSpec("north", "朝阳区政务服务中心", NORTH_STAFF, "all"),
    OfficeSpec("south", "大兴区政务服务中心", (Staff(MS, "clerk", "market-supervision"),), "all"),
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScenarioWorld]:
    """Three department nodes (own processes, each witnessing the other two) and two offices."""
    stage = ScenarioWorld(
        tmp_path_factory.mktemp("conflict"), OFFICES, ["banking-insurance", "market-supervision", "taxation"]
    )
    stage.build()
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()


def sync(world: ScenarioWorld, office: str) -> tuple[int, list[sync_state.ClerkTask]]:
    """Sync an office as its admin; return the exit status and the tasks handed to clerks during the run."""
    tasks: list[sync_state.ClerkTask] = []
    with world.session(office) as replica:
        service = SyncService(
            replica,
            load_policy(replica),
            retry=RetryPolicy(attempts=3, base_s=0.05, timeout_s=10),
            on_task=tasks.append,
        )
        try:
            report = service.run()
        finally:
            service.close()
    assert report.exit_status == EXIT_OK, report.summary()
    return report.exit_status, tasks


def opened_case(world: ScenarioWorld) -> str:
    """A case opened and documented at the north office, pushed, and pulled by the south office."""
    sync(world, "north")
    now = int(time.time())
    texts = []
    for cert_type, dept in ((CertType.BUSINESS_LICENCE, "market-supervision"), (CertType.TAX_COMPLIANCE, "taxation")):
        claims = make_claims(cert_type, world.origin(dept), {"name": CITIZEN[0]}, CITIZEN[1], now, now + 86400)
        texts.append(issue_certificate(claims, world.fleet.signer(dept), now_ms=now * 1000).text)
    with world.session("north", BANK) as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open(SERVICE, *CITIZEN)
        desk.verify_documents(case.case_id, desk.check_documents(case.case_id, texts))
    sync(world, "north")
    sync(world, "south")
    with world.session("south", MS) as r:
        assert [c.case_id for c in CaseDesk(r, CATALOGUE).work_queue("market-supervision")] == [case.case_id]
    return case.case_id


def test_two_offline_offices_on_one_case_resolve_by_the_nodes_order(world: ScenarioWorld) -> None:
    case_id = opened_case(world)
    # Both offices are offline now. The south clerk acts first; the north clerk a second later (the fake clock).
    clock = FakeClock(time.time_ns() // 1_000_000)
    with world.session("south", MS, clock=clock) as r:
        south_step = CaseDesk(r, CATALOGUE).advance(case_id).head
        south_time = r.session.one("SELECT time_ms FROM case_steps WHERE leaf_hash = ?", (south_step,))[0]
    clock.now_ms += 1000
    with world.session("north", MS, clock=clock) as r:
        north_step = CaseDesk(r, CATALOGUE).advance(case_id).head
        north_time = r.session.one("SELECT time_ms FROM case_steps WHERE leaf_hash = ?", (north_step,))[0]
    assert (south_time, north_time) == (clock.now_ms - 1000, clock.now_ms) and south_step != north_step

    # North reconnects first: its step is sequenced first, so it stands, although south acted earlier.
    _, north_tasks = sync(world, "north")
    _, south_tasks = sync(world, "south")
    assert north_tasks == []
    [task] = south_tasks
    assert (task.kind, task.code, task.case_id, task.leaf_hash) == ("conflict", "case_conflict", case_id, south_step)
    ms_origin = world.origin("market-supervision")
    with world.session("south") as r:
        row = r.session.one("SELECT idx FROM outbox WHERE leaf_hash = ?", (south_step,))
        assert r.outbox.count_pending() == 0  # the node sequenced the losing entry too: it is on the ledger
        south_index = row[0]
    with world.session("north") as r:
        north_index = r.session.one("SELECT idx FROM outbox WHERE leaf_hash = ?", (north_step,))[0]
    assert north_index < south_index
    assert f"entry {north_step.hex()[:16]} on {ms_origin} (index {north_index})" in task.what
    assert "moved the case" in task.what and task.advice == CONFLICT_ADVICE

    # North pulls the losing entry too; both offices agree on the case, and only south has a task.
    _, late_tasks = sync(world, "north")
    assert late_tasks == []
    views = {}
    for office in ("north", "south"):
        with world.session(office, MS) as r:
            views[office] = CaseDesk(r, CATALOGUE).get(case_id)
            statuses = {s.leaf_hash: (s.status, s.index) for s in views[office].steps}
            assert statuses[north_step] == ("applied", north_index)
            assert statuses[south_step][0] == "conflict" and statuses[south_step][1] == south_index
        with world.session(office) as r:
            open_conflicts = [t for t in sync_state.open_tasks(r) if t.kind == "conflict"]
            assert len(open_conflicts) == (1 if office == "south" else 0)
    assert views["north"].head == views["south"].head == north_step
    assert (views["south"].state, views["south"].done, views["south"].pending_department) == (
        "in-progress",
        1,
        "taxation",
    )

    # The loser reads the task and the case: the step is done, redoing it is refused; closing the task ends it.
    with world.session("south", MS) as r:
        with pytest.raises(StepOutOfOrder):
            CaseDesk(r, CATALOGUE).advance(case_id, STEP)
        sync_state.close_task(r, task.id)
        assert [t for t in sync_state.open_tasks(r) if t.kind == "conflict"] == []
    _, again = sync(world, "south")
    assert again == []  # a closed conflict task is not raised again by the next pull
