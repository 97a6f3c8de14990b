"""One device key enrolled by several departments (a hall's evaluator and counter devices, the device of an office
that serves every department): the office replica holds one enrolment per (log, key id), so an incremental sync
accepts the device's new entries on every log that enrolled it, and a revocation by one department refuses the key
on that department's log only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_sync_support import (
    NodeProc,
    by_department,
    new_office,
    note_entry,
    running_federation,
    sync_once,
    wait_registry_loaded,
)

DEPARTMENTS = ("taxation", "housing", "civil-affairs")  # three: each log needs two witnesses


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    with running_federation(tmp_path_factory.mktemp("shared-keys"), DEPARTMENTS) as procs:
        yield procs


def _wait_cosigned_all(nodes: list[NodeProc]) -> None:
    for node in nodes:
        node.wait_cosigned(int(node.checkpoint().split("\n")[1]))


def _held_notes(office, origin: str) -> int:
    return office.session.one("SELECT count(*) FROM log_entries WHERE origin = ?", (origin,))[0]


def test_a_device_enrolled_by_two_departments_syncs_incrementally_on_both_logs(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    taxation, housing = by_department(nodes, "taxation"), by_department(nodes, "housing")
    office = new_office(tmp_path / "office", "shared-office", nodes)
    try:
        _wait_cosigned_all(nodes)
        first = sync_once(office)  # pull both logs before the device wrote anything: both enrolments are held
        assert first.exit_status == 0, first.summary()
        kid = office.device_kid
        assert {r.department for r in office.registry.enrolments(kid)} == {n.origin for n in nodes}
        assert office.registry.key(kid, taxation.origin).role == "device"
        assert office.registry.key(kid, housing.origin).role == "device"
        assert office.anchors.device_logs() == {n.origin for n in nodes}

        for node in nodes:  # the device signs new entries on both logs; the office syncs incrementally
            office.outbox.enqueue(node.origin, note_entry(office, node.origin, f"shared note for {node.origin}"))
        second = sync_once(office)
        assert second.exit_status == 0, second.summary()
        assert {log.origin: log.error for log in second.logs} == {n.origin: None for n in nodes}
        assert office.outbox.count_pending() == 0
        assert {log.origin: log.push.acknowledged for log in second.logs} == {n.origin: 1 for n in nodes}
        # entries the device wrote on a log after the office last pulled it are read too (nodes write them as well)
        for node in nodes:
            node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
        third = sync_once(office)
        assert third.exit_status == 0, third.summary()

        # housing revokes the device: its key is refused on the housing log only
        revoked_at = housing.write("registry.revoke", {"kid": kid, "reason": "device replaced"})
        wait_registry_loaded(housing.url, revoked_at)
        _wait_cosigned_all(nodes)
        fourth = sync_once(office)
        assert fourth.exit_status == 0, fourth.summary()
        assert office.registry.key(kid, housing.origin).revoked_at_ms is not None
        assert office.registry.key(kid, taxation.origin).revoked_at_ms is None
        assert office.anchors.device_logs() == {n.origin for n in nodes if n is not housing}

        before = _held_notes(office, taxation.origin)
        office.outbox.enqueue(taxation.origin, note_entry(office, taxation.origin, "after housing's revocation"))
        fifth = sync_once(office)
        assert fifth.exit_status == 0, fifth.summary()
        assert office.outbox.count_pending() == 0
        assert _held_notes(office, taxation.origin) == before + 1
    finally:
        office.close()
