"""统一窗口出件 across offices (issue 18 item 5, issue 16 item 2): a window of the north hall accepts a banking case,
the department decides and issues the sealed result at its records office, keeps it on its node for the accepting
office, and the north hall, syncing after being offline, keeps it with the case only when its digest is anchored by
the department, its seal verifies offline and it is sealed for that case. Real department nodes in their own
processes on loopback; the node refuses uploads and reads it should not serve, each with its code."""

from __future__ import annotations

import io
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.catalogue.catalogue import load_catalogue
from app.certs import CertType, issue_certificate, make_claims
from app.cli.main import main
from app.demo.scenario_world import ADMIN, PASSWORD, OfficeSpec, ScenarioWorld, Staff
from app.node.node import node_from_config
from app.ofd import gm
from app.ofd.build import DocumentSpec, Page
from app.ofd.case_result import Holder, issue_case_result
from app.ofd.counter import ISSUED_STATE, SEAL_TRUST_LIST, anchor_fact, issued_result, verify_at_office
from app.ofd.delivery import DeliveryRefused, accepting_office, keep_result
from app.ofd.demo_pki import Pki
from app.ofd.issue import issue_document
from app.office import Office
from app.protocol.case_results import MAX_CASE_RESULT_BYTES
from app.protocol.departments import department
from app.protocol.node_client import NodeClient, NodeRefused
from app.services import CaseDesk
from app.store.replica import create_office, open_replica
from tests.crash_pipe import fork_reporting, kill_and_drain, read_until
from tests.ofd_support import pki, seal
from tests.store_support import FAST_KDF
from tests.test_sync_support import wait_registry_loaded

__all__ = ["pki", "seal"]

CATALOGUE = load_catalogue()
CRASH_CASES, CRASH_KILLS = 24, 12
SERVICE = "banking-insurance.sme-loan"
BANK = "banking-insurance"
CITIZEN = ("郑小龙", "11010519861203341X")
WINDOW, MS, TAX, SUP = "banking-insurance.clerk", "market-supervision.clerk", "taxation.clerk", "banking.supervisor"
OFFICES = (
    OfficeSpec("north", "朝阳区政务服务中心", (
        Staff(WINDOW, "clerk", BANK), Staff(MS, "clerk", "market-supervision"), Staff(TAX, "clerk", "taxation"))),
    OfficeSpec("south", "大兴区政务服务中心", (Staff(WINDOW, "clerk", BANK),)),
    OfficeSpec("records", "北京金融监管局档案室", (Staff(SUP, "supervisor", BANK),), "all"),
)  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[ScenarioWorld]:
    """Three department nodes (own processes), the north and south halls and the banking records office; the
    department's seal key enrolled in its registry (role seal)."""
    stage = ScenarioWorld(tmp_path_factory.mktemp("delivery"), OFFICES, [BANK, "market-supervision", "taxation"])
    stage.build()
    stage.start()
    try:
        live = node_from_config(stage.fleet.configs[BANK])
        try:
            point = pki.signer.signer().ledger_signer.public_key
            index = live.enroll(point, "seal", "seal/banking-insurance/records", "sm2-sm3", pki.signer.cert)
        finally:
            live.stop()
        wait_registry_loaded(stage.fleet.url(BANK), index)
        yield stage
    finally:
        stage.stop()


def _sync(world: ScenarioWorld, office: str) -> None:
    report = world.sync(office)
    assert report.exit_status == 0, report.summary()


def _cli_sync(world: ScenarioWorld, office: str, monkeypatch: pytest.MonkeyPatch, user: str = WINDOW) -> int:
    """`govdesk sync --once` as the window clerk: the normal sync path, which collects the results."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["sync", "--office", str(world.office_path(office)), "--user", user, "--password-stdin", "--once"]
    return main([*argv, "--quiet"])


def _decided_case(world: ScenarioWorld) -> str:
    """A case accepted at the north window, checked by market supervision and taxation there, then approved and
    decided by the banking department at its records office (which syncs every case of its department)."""
    _sync(world, "north")  # the registry: the window's keys as the departments enrolled them
    now = int(time.time())
    texts = []
    for cert_type, dept in ((CertType.BUSINESS_LICENCE, "market-supervision"), (CertType.TAX_COMPLIANCE, "taxation")):
        claims = make_claims(cert_type, world.origin(dept), {"name": CITIZEN[0]}, CITIZEN[1], now, now + 86400)
        texts.append(issue_certificate(claims, world.fleet.signer(dept), now_ms=now * 1000).text)
    with world.session("north", WINDOW) as r:
        desk = CaseDesk(r, CATALOGUE)
        case = desk.open(SERVICE, *CITIZEN, "loan for a noodle shop")
        desk.verify_documents(case.case_id, desk.check_documents(case.case_id, texts))
    for account in (MS, TAX):
        with world.session("north", account) as r:
            CaseDesk(r, CATALOGUE).advance(case.case_id)
    _sync(world, "north")
    _sync(world, "records")
    with world.session("records", SUP) as r:
        desk = CaseDesk(r, CATALOGUE)
        desk.advance(case.case_id)  # the approval step
        assert desk.decide(case.case_id).state == "decided"
    return case.case_id


def _issue(world: ScenarioWorld, case_id: str, pki: Pki, seal: bytes) -> bytes:
    """The records office seals the result (the holder as the accepting window told the department) and keeps it."""
    signer = pki.signer.signer()
    with world.session("records", SUP) as r:
        view = CaseDesk(r, CATALOGUE).get(case_id)
        issued = issue_case_result(r, view, CATALOGUE.service(SERVICE), Holder(*CITIZEN), seal=seal,
                                   seal_signer=signer, ledger_signer=signer.ledger_signer)  # fmt: skip
        assert accepting_office(r, case_id) == "north"  # from the case's opening step, signed by the north window
    return issued.ofd


def _deliver(world: ScenarioWorld, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """`govdesk ofd deliver-results` at the records office, as the timer runs it after its sync."""
    seal_file = tmp_path / "seal.esl"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return main(["ofd", "deliver-results", "--office", str(world.office_path("records")), "--user", SUP,
                 "--password-stdin", "--department", BANK, "--seal", str(seal_file), "--seal-key",
                 str(pki.signer.key_path), "--seal-cert", str(pki.signer.cert_path)])  # fmt: skip


def _receipts(world: ScenarioWorld, case_id: str) -> list[str]:
    """The `ofd.receive` audit results of a case at north, read by its admin (a clerk reviews no audit trail)."""
    with world.session("north") as r:
        records = r.audit.records(limit=10_000)
    return [e.result for e in records if e.action == "ofd.receive" and e.detail.get("case") == case_id]


def _trust_seal_root(world: ScenarioWorld, pki: Pki) -> None:
    """North's admin trusts the seal root (once)."""
    with world.session("north") as r:
        if not r.trust_roots.certificates(SEAL_TRUST_LIST):
            r.trust_roots.add(SEAL_TRUST_LIST, pki.root.cert, "Beijing seal root (test)")


def _seal_client(world: ScenarioWorld, pki: Pki) -> NodeClient:
    return NodeClient(world.fleet.url(BANK), key=pki.signer.signer().ledger_signer)


def _office_client(world: ScenarioWorld, office: str) -> NodeClient:
    with world.session(office) as r:
        return NodeClient(world.fleet.url(BANK), key=r.device_signer)


def test_the_sealed_result_reaches_the_window_that_accepted_the_case(
    world: ScenarioWorld, pki: Pki, seal: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    (tmp_path / "seal.esl").write_bytes(seal)
    case_id = _decided_case(world)
    ofd = _issue(world, case_id, pki, seal)
    # north is offline meanwhile. Before the anchor is on the log nothing is handed to the node.
    assert _deliver(world, pki, tmp_path, monkeypatch) == 0
    assert f"waiting {case_id}: anchor_not_on_log" in capsys.readouterr().out
    _sync(world, "records")  # pushes the seal key's anchor and pulls it back from the log
    assert _deliver(world, pki, tmp_path, monkeypatch) == 0
    assert f"delivered {case_id}: SM3 {gm.sm3(ofd).hex()}" in capsys.readouterr().out
    assert _deliver(world, pki, tmp_path, monkeypatch) == 0  # the cursor moved past it: nothing again
    assert "0 delivered, 0 waiting" in capsys.readouterr().out

    # north comes back online. Its admin's sync collects nothing (an admin reads no cases); the window clerk's does,
    # but north does not trust the seal's root yet: the result is refused, audited, not kept
    assert _cli_sync(world, "north", monkeypatch, user=ADMIN) == 0
    assert "results of cases not collected: admin may not read cases" in capsys.readouterr().out
    assert _cli_sync(world, "north", monkeypatch) == 0
    assert (
        f"result of case {case_id} from {world.origin(BANK)} not kept: result_seal_invalid" in capsys.readouterr().out
    )
    with world.session("north", WINDOW) as r:
        assert issued_result(r, case_id) is None and _receipts(world, case_id) == ["result_seal_invalid"]
    _trust_seal_root(world, pki)
    assert _cli_sync(world, "north", monkeypatch) == 0
    assert f"result of case {case_id} received from {world.origin(BANK)}" in capsys.readouterr().out
    with world.session("north", WINDOW) as r:
        name, data = issued_result(r, case_id)
        assert (name, data) == (f"{case_id}-licence.ofd", ofd)
        verdict = verify_at_office(r, data)
        assert verdict.valid and verdict.trusted and verdict.licence["number"] == case_id
        fact = anchor_fact(r, data)
        assert fact is not None and fact.issuer == world.origin(BANK) and fact.anchored_ms is not None
        assert _receipts(world, case_id) == ["result_seal_invalid", "ok"]
    assert _cli_sync(world, "north", monkeypatch) == 0  # kept once: not asked for again
    with world.session("north", WINDOW) as r:
        assert [d.verdict for d in r.case_documents.list(case_id)] == [ISSUED_STATE]
        assert _receipts(world, case_id) == ["result_seal_invalid", "ok"]
    # the south hall's keys are enrolled too, but its window did not accept the case: the node serves it nothing
    assert _office_client(world, "south").case_result(case_id) is None
    assert _office_client(world, "north").case_result(case_id) == ofd


def test_a_tampered_or_misdirected_result_is_refused_with_its_reason(
    world: ScenarioWorld, pki: Pki, seal: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_seal_root(world, pki)
    tampered_case, other_case, genuine_case = (_decided_case(world) for _ in range(3))
    genuine = _issue(world, genuine_case, pki, seal)
    _sync(world, "records")
    middle = len(genuine) // 2
    tampered = genuine[:middle] + bytes([genuine[middle] ^ 1]) + genuine[middle + 1 :]
    seal_key = _seal_client(world, pki)
    seal_key.put_case_result(tampered_case, "north", tampered, gm.sm3(tampered))  # a node serving a changed file
    seal_key.put_case_result(other_case, "north", genuine, gm.sm3(genuine))  # another case's result
    assert _cli_sync(world, "north", monkeypatch) == 0
    with world.session("north", WINDOW) as r:
        assert issued_result(r, tampered_case) is None and _receipts(world, tampered_case) == ["result_not_anchored"]
        assert issued_result(r, other_case) is None and _receipts(world, other_case) == ["result_other_case"]
        with pytest.raises(DeliveryRefused) as refused:
            keep_result(r, genuine_case, world.origin("taxation"), genuine)  # anchored, but by another department
        assert refused.value.code == "result_not_anchored"
        with pytest.raises(DeliveryRefused) as refused:
            keep_result(r, genuine_case, world.origin(BANK), genuine + bytes(MAX_CASE_RESULT_BYTES))
        assert refused.value.code == "result_too_large"
        assert issued_result(r, genuine_case) is None
    with pytest.raises(NodeRefused) as big:  # a node answering more than the office takes is cut off while it reads
        _office_client(world, "north").case_result(other_case, limit=1024)
    assert big.value.code == "result_too_large"

    # the records office delivers the genuine result; the counter's own sync (the Office façade) keeps it
    (tmp_path / "seal.esl").write_bytes(seal)
    assert _deliver(world, pki, tmp_path, monkeypatch) == 0
    office = Office(world.office_path("north"))
    try:
        office.session.unlock(WINDOW, PASSWORD)
        assert office.sync_log(world.origin(BANK), lambda _progress: None).error is None
        assert office.ofd.issued_result(genuine_case) == (f"{genuine_case}-licence.ofd", genuine)
        assert office.ofd.issued_result(tampered_case) is None
    finally:
        office.close()


def test_the_node_keeps_results_only_from_the_department_and_serves_them_only_to_the_accepting_office(
    world: ScenarioWorld, pki: Pki
) -> None:
    data = b"PK\x03\x04 not really an OFD, the node does not parse it"
    seal_key, north = _seal_client(world, pki), _office_client(world, "north")

    def refused(call: object) -> tuple[int, str]:
        with pytest.raises(NodeRefused) as exc:
            call()  # type: ignore[operator]
        return exc.value.status, exc.value.code

    assert refused(lambda: north.put_case_result("C-1", "north", data, gm.sm3(data))) == (403, "role_not_allowed")
    assert refused(lambda: seal_key.put_case_result("C-1", "north", data, bytes(32))) == (400, "digest_mismatch")
    assert refused(lambda: seal_key.put_case_result("C 1", "north", data, gm.sm3(data))) == (400, "malformed_request")
    assert refused(lambda: seal_key.put_case_result("C-1", "x" * 65, data, gm.sm3(data))) == (400, "malformed_request")
    assert refused(lambda: seal_key.put_case_result("C-1", "", data, gm.sm3(data))) == (400, "malformed_request")
    big = bytes(MAX_CASE_RESULT_BYTES + 1)
    assert refused(lambda: seal_key.put_case_result("C-1", "north", big, gm.sm3(big))) == (413, "body_too_large")
    seal_key.put_case_result("C-1", "north", data, gm.sm3(data))
    seal_key.put_case_result("C-1", "north", data, gm.sm3(data))  # idempotent
    other = data + b"!"
    assert refused(lambda: seal_key.put_case_result("C-1", "north", other, gm.sm3(other))) == (409, "result_conflict")
    assert north.case_result("C-1") == data
    assert north.case_result("C-unknown") is None and _office_client(world, "south").case_result("C-1") is None
    unsigned = httpx.get(f"{world.fleet.url(BANK)}/case-results/C-1", timeout=5)
    assert unsigned.status_code == 401 and unsigned.json()["refusal"]["code"] == "unauthenticated"


def _keeper(office: Path, documents: list[tuple[str, bytes]], origin: str, report_fd: int) -> None:
    """In a child: keep every delivered result as sync does, reporting each case once its keep returned."""
    r = open_replica(office, "clerk", "pw", kdf=FAST_KDF)
    os.write(report_fd, b"ready\n")
    for case_id, data in documents:
        keep_result(r, case_id, origin, data)
        os.write(report_fd, case_id.encode() + b"\n")


def test_sigkills_while_results_are_kept_leave_each_kept_once_with_its_audit(
    tmp_path: Path, pki: Pki, seal: bytes
) -> None:
    origin = department(BANK).origin
    office = tmp_path / "window"
    signer = pki.signer.signer()
    documents: list[tuple[str, bytes]] = []
    with create_office(office, "Window hall", "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
        admin.trust_roots.add(SEAL_TRUST_LIST, pki.root.cert, "Beijing seal root (test)")
        for n in range(CRASH_CASES):
            case_id = f"CASE-{n:03d}"
            spec = DocumentSpec(title="贷款审批", pages=[Page((f"办件编号：{case_id}",))],
                                licence={"name": "贷款审批", "number": case_id, "holder": CITIZEN[0]})  # fmt: skip
            issued = issue_document(spec, seal=seal, seal_signer=signer, department=origin,
                                    ledger_signer=signer.ledger_signer)  # fmt: skip
            admin.certs.put_anchor(issued.digest, issued.serial, origin, "ofd.licence", origin, n, issued.anchored_ms)
            documents.append((case_id, issued.ofd))
    rng = random.Random(18)
    acknowledged: set[str] = set()
    landed = 0
    for _ in range(CRASH_KILLS):
        pid, read_fd = fork_reporting(_keeper, office, documents, origin)
        # killed right after a random keep was reported: mid-way through the next one (its check or its transaction)
        buffer = read_until(read_fd, time.monotonic() + 60, lines=1 + rng.randrange(1, len(documents)))
        buffer += kill_and_drain(pid, read_fd)
        done = [line.decode() for line in buffer.split(b"\n")[:-1] if line != b"ready"]
        landed += bool(done) and len(done) < len(documents)  # killed after some keeps, before the last
        acknowledged.update(done)
    assert landed >= CRASH_KILLS // 2, "most kills should land between keeps"
    with open_replica(office, "clerk", "pw", kdf=FAST_KDF) as r:
        for case_id, data in documents:  # the next sync completes whatever a kill cut short
            keep_result(r, case_id, origin, data)
        for case_id, data in documents:
            kept = [d for d in r.case_documents.list(case_id) if d.verdict == ISSUED_STATE]
            assert len(kept) == 1 and issued_result(r, case_id) == (f"{case_id}-licence.ofd", data)
    with open_replica(office, "admin", "pw", kdf=FAST_KDF) as admin:
        conn = admin.session.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        receipts = Counter(e.detail["case"] for e in admin.audit.records(limit=100_000) if e.action == "ofd.receive")
        assert receipts == Counter({case_id: 1 for case_id, _ in documents})  # the file and its audit record together
        assert acknowledged and admin.audit.verify_chain()
        assert admin.check().ok
