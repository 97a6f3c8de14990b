"""The article's five scenarios end to end (issue 8): one real node process per department, each witnessing
the others; a city service hall online, a township office offline until the end behind a real cut link, and
the departments' records desk; certificates issued by department keys and verified offline at the counter;
consent and a sealed data exchange; every step a signed entry moved between offices by app.sync. Then both
offices' case states, the inclusion of every entry written, and the privacy scan of every log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.catalogue.catalogue import load_catalogue
from app.demo.scenario_world import ScenarioWorld
from app.demo.scenarios import (
    HALL,
    RECORDS,
    SCENARIOS,
    TOWNSHIP,
    Citizen,
    account_for,
    check_inclusion,
    check_step_entries,
    personal_needles,
    privacy_findings,
    run_scenario,
    scenario_world,
    verified_logs,
)
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.merkle import hash_leaf
from app.protocol.departments import department
from app.sync.service import EXIT_UNREACHABLE
from tests.test_sync_support import FaultProxy

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScenarioWorld]:
    """The 11 department nodes (own processes) and the offices; the township reaches the nodes through proxies."""
    proxies: dict[str, FaultProxy] = {}

    def route(office: str, dept: str, url: str) -> str:
        if office != TOWNSHIP:
            return url
        proxies[dept] = FaultProxy(int(url.rsplit(":", 1)[1]))
        return proxies[dept].url

    def cut(office: str, down: bool) -> None:
        assert office == TOWNSHIP
        for proxy in proxies.values():
            proxy.mode = "drop" if down else "pass"

    stage = scenario_world(tmp_path_factory.mktemp("stage"), route=route, cut=cut)
    stage.build()
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()
        for proxy in proxies.values():
            proxy.close()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_end_to_end_across_nodes_and_two_offices(world: ScenarioWorld, name: str) -> None:
    scenario = SCENARIOS[name]
    service = CATALOGUE.service(scenario.service)
    outcome = run_scenario(world, scenario)
    assert outcome.problems == []

    # The township office worked offline: its sync attempt failed and nothing queued was lost.
    assert outcome.offline_sync_exit == EXIT_UNREACHABLE
    assert outcome.offline_outbox == 4  # open, verify-documents, consent.grant, data.request
    assert outcome.documents == sorted(service.requires)
    assert outcome.anchored  # each certificate's anchor reached the township through sync before it went offline

    # Both offices end with the same closed case, every step on the performing department's log.
    assert outcome.states == {HALL: "closed", TOWNSHIP: "closed"}
    applied = [h for h in outcome.history if h["status"] == "applied"]
    assert [h["step"] for h in applied] == [
        "open",
        "verify-documents",
        *[s.id for s in service.steps],
        "decide",
        "close",
    ]
    lead = department(service.lead).origin
    assert [h["log"] for h in applied] == [
        lead,
        lead,
        *[department(s.department).origin for s in service.steps],
        lead,
        lead,
    ]
    assert all(h["index"] is not None for h in applied)
    for office, reader in (
        (HALL, account_for(service.lead, "supervisor")),
        (TOWNSHIP, account_for(service.lead, "clerk")),
    ):
        with world.session(office, reader) as r:
            assert check_step_entries(r, outcome.case_id) == []
            row = r.session.one("SELECT state, is_open FROM service_cases WHERE case_id = ?", (outcome.case_id,))
            assert row == ("closed", 0)
    with world.session(TOWNSHIP, account_for(service.lead, "clerk")) as r:
        assert r.cases.get(outcome.case_id).status == "closed"  # the local record follows the ledger

    # Every entry the scenario wrote left its outbox with an index, and is in the verified checkpoints.
    written = {hash_leaf(e) for e in outcome.entries}
    assert (
        len(written) == len(outcome.entries) == len(applied) + 3 + len(service.requires)
    )  # + grant, request, response
    types = sorted(decode_entry(e).entry.type for e in outcome.entries)
    assert types.count("case.step") == len(applied) and types.count("cert.anchor") == len(service.requires)
    assert {"consent.grant", "data.request", "data.response"} <= set(types)
    for office in (HALL, TOWNSHIP, RECORDS):
        with world.session(office) as r:
            assert r.outbox.count_pending() == 0
            rows = r.session.all("SELECT leaf_hash, idx, proof FROM outbox")
            assert all(idx is not None and proof is not None for _, idx, proof in rows)
            if office != RECORDS:  # the two offices synced last, so their checkpoints cover every entry
                assert check_inclusion(world, r, outcome.entries) == []

    # The data went sealed: the township opened exactly what the provider holds.
    assert outcome.data_received == dict(scenario.record)
    assert "访问 Accesses:" in outcome.access_report and outcome.access_report.count("->") == 1

    # The privacy scan, again, over every entry of every log as the township verified it.
    with world.session(TOWNSHIP) as r:
        logs = verified_logs(world, r)
    everything = [e for entries in logs.values() for e in entries]
    assert written <= {hash_leaf(e) for e in everything}
    assert privacy_findings(everything, personal_needles(scenario.citizen, scenario.record)) == []


def test_the_privacy_scan_finds_personal_data_in_any_encoding(world: ScenarioWorld) -> None:
    citizen = Citizen("钱多多", "110101199001011237", "北京市西城区金融大街7号")
    with world.session(HALL) as r:
        origin = department("taxation").origin

        def note(text: str) -> bytes:
            entry = Entry(origin, "demo.note", r.session.now_ms(), r.device_kid, {"text": text})
            return sign_entry(entry, r.device_signer)

        clean = note("counter 3 reopened at 09:00")
        leaks = [
            note(f"applicant {citizen.id_number}"),
            note(f"{citizen.address[6:]} (street only)"),
            note(f"card ending {citizen.id_number[-8:]}"),
            b"\xa1\x01" + citizen.name.encode("utf-16-le") + b"\x00",
        ]
    needles = personal_needles(citizen)
    assert privacy_findings([clean], needles) == []
    found = privacy_findings([clean, *leaks], needles)
    assert len(found) == len(leaks)
    assert sum("demo.note" in f for f in found) == 3 and "undecodable" in found[-1]


def test_the_inclusion_check_reports_an_entry_no_log_holds(world: ScenarioWorld) -> None:
    with world.session(HALL) as r:
        origin = department("gas").origin
        stray = sign_entry(Entry(origin, "demo.note", r.session.now_ms(), r.device_kid, {"text": "x"}), r.device_signer)
        problems = check_inclusion(world, r, [stray])
    assert len(problems) == 1 and "not_found" in problems[0]
