"""A case's result handed out as a sealed OFD (统一窗口出件): sealed by the lead department when the case is
decided or rejected, its digest anchored as `cert.anchor` of type `ofd.<kind>`, kept with the case, and
verified offline by a counter that trusts the seal root."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.entry import decode_entry
from app.ledger.suites import Signer
from app.ofd import gm
from app.ofd.case_result import Holder, ResultSealer, issue_case_result
from app.ofd.container import OfdPackage
from app.ofd.counter import anchor_fact, issued_result, verify_at_office
from app.ofd.errors import IssueError
from app.protocol.departments import department
from app.services import CaseDesk
from app.store.replica import Replica, open_replica
from tests.ofd_case_support import CATALOGUE, CITIZEN, SERVICE, case_at_decision, clock, issuers, office
from tests.ofd_support import Pki, pki, seal
from tests.store_support import FakeClock

__all__ = ["clock", "issuers", "office", "pki", "seal"]


def _sealing_desk(r: Replica, pki: Pki, seal: bytes, issuers: dict[str, Signer]) -> tuple[CaseDesk, ResultSealer]:
    sealer = ResultSealer(r, seal=seal, seal_signer=pki.signer.signer(), ledger_signer=issuers["banking-insurance"])
    return CaseDesk(r, CATALOGUE, on_result=sealer), sealer


def test_a_decided_case_is_handed_out_as_a_sealed_licence_anchored_on_the_lead_log(
    office: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki, seal: bytes
) -> None:
    case_id = case_at_decision(office, clock, issuers)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        desk, sealer = _sealing_desk(r, pki, seal, issuers)
        assert desk.decide(case_id).state == "decided"
        [issued] = sealer.issued
        assert issued.kind == "licence" and issued.department == department("banking-insurance").origin
        name, data = issued_result(r, case_id)
        assert data == issued.ofd and name == f"{case_id}-licence.ofd" and issued.digest == gm.sm3(data)
        anchors = [decode_entry(e.data).entry for e in r.outbox.pending()]
        [anchor] = [e for e in anchors if e.type == "cert.anchor"]
        assert anchor.body["cert_hash"] == issued.digest and anchor.body["cert_type"] == "ofd.licence"
        assert anchor.log == department("banking-insurance").origin
        # the counter's view: sealed, trusted, anchored, with the holder and the Beijing issue date
        verdict = verify_at_office(r, data)
        assert verdict.valid and verdict.trusted, verdict.reason
        assert verdict.licence["holder"] == CITIZEN[0] and verdict.licence["holder_id"] == CITIZEN[1]
        assert verdict.licence["issuer"] == department("banking-insurance").name_zh
        assert verdict.issued_at is not None and int(verdict.issued_at.timestamp() * 1000) == anchor.time
        fact = anchor_fact(r, data)
        assert fact is not None and (fact.issuer, fact.kind, fact.revoked) == (anchor.log, "licence", False)
        assert case_id.encode() in OfdPackage(data).read("Doc_0/Pages/Page_0/Content.xml")
        with pytest.raises(IssueError) as again:  # one original per result: the kept file is handed out again
            issue_case_result(r, desk.get(case_id), CATALOGUE.service(SERVICE), Holder(*CITIZEN), seal=seal,
                              seal_signer=pki.signer.signer(), ledger_signer=issuers["banking-insurance"])  # fmt: skip
        assert again.value.code == "already_issued"
        assert desk.close(case_id).state == "closed" and len(sealer.issued) == 1  # closing seals nothing more
        assert "ofd.issue" in {record.action for record in r.audit.records()}


def test_a_rejected_case_gets_a_sealed_notice(
    office: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki, seal: bytes
) -> None:
    case_id = case_at_decision(office, clock, issuers)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        desk, sealer = _sealing_desk(r, pki, seal, issuers)
        assert desk.reject(case_id, "not-eligible").state == "rejected"
        [issued] = sealer.issued
        assert issued.kind == "notice"
        verdict = verify_at_office(r, issued.ofd)
        assert verdict.valid and verdict.trusted and verdict.title.endswith("不予许可决定书")


def test_an_undecided_case_is_refused_and_a_failed_seal_leaves_the_decision_standing(
    office: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki, seal: bytes
) -> None:
    case_id = case_at_decision(office, clock, issuers)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        service = CATALOGUE.service(SERVICE)
        with pytest.raises(IssueError) as early:
            issue_case_result(r, CaseDesk(r, CATALOGUE).get(case_id), service, Holder(*CITIZEN), seal=seal,
                              seal_signer=pki.signer.signer(), ledger_signer=issuers["banking-insurance"])  # fmt: skip
        assert early.value.code == "case_undecided"
        # a key that is not the seal's holder: the sealed result would not verify, so nothing is issued
        wrong = ResultSealer(r, seal=seal, seal_signer=pki.maker.signer(), ledger_signer=issuers["banking-insurance"])
        desk = CaseDesk(r, CATALOGUE, on_result=wrong)
        with pytest.raises(IssueError) as refused:
            desk.decide(case_id)
        assert refused.value.code == "issue_refused"
        assert desk.get(case_id).state == "decided"  # the decision is on the ledger; the seal can follow
        assert issued_result(r, case_id) is None
        assert not [e for e in r.outbox.pending() if decode_entry(e.data).entry.type == "cert.anchor"]
        bank = issuers["banking-insurance"]
        issued = issue_case_result(r, desk.get(case_id), service, Holder(*CITIZEN), seal=seal,
                                   seal_signer=pki.signer.signer(), ledger_signer=bank)  # fmt: skip
        assert issued_result(r, case_id) == (f"{case_id}-licence.ofd", issued.ofd)


def test_holder_names_are_bounded(office: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki,
                                  seal: bytes) -> None:  # fmt: skip
    case_id = case_at_decision(office, clock, issuers)
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        desk = CaseDesk(r, CATALOGUE)
        view = desk.decide(case_id)
        for holder in (Holder("", CITIZEN[1]), Holder("名" * 129, ""), Holder("王", "1" * 129)):
            with pytest.raises(IssueError):
                bank = issuers["banking-insurance"]
                issue_case_result(r, view, CATALOGUE.service(SERVICE), holder, seal=seal,
                                  seal_signer=pki.signer.signer(), ledger_signer=bank)  # fmt: skip
        assert issued_result(r, case_id) is None


def test_the_cli_seals_a_decided_case_at_the_lead_department(
    office: Path, clock: FakeClock, issuers: dict[str, Signer], pki: Pki, seal: bytes, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    case_id = case_at_decision(office, clock, issuers)
    seal_file, ledger_key, out = tmp_path / "seal.esl", tmp_path / "dept.key", tmp_path / "result.ofd"
    seal_file.write_bytes(seal)
    assert main(["cert", "keygen", str(ledger_key)]) == 0
    argv = ["ofd", "issue", "--office", str(office), "--user", "bank-sup", "--password-stdin", "--case", case_id,
            "--ledger-key", str(ledger_key), "--seal", str(seal_file), "--seal-key", str(pki.signer.key_path),
            "--seal-cert", str(pki.signer.cert_path), "--out", str(out)]  # fmt: skip

    def run(args: list[str]) -> int:
        sys.stdin = io.StringIO("pw\n")
        try:
            return main(args)
        finally:
            sys.stdin = sys.__stdin__

    assert run(argv) == 2 and not out.exists()  # not decided yet
    assert "has not reached its result" in capsys.readouterr().err
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        CaseDesk(r, CATALOGUE).decide(case_id)
    assert run([*argv, "--department", department("taxation").origin]) == 2  # not the lead department
    assert run(argv) == 0, capsys.readouterr()
    with open_replica(office, "bank-sup", "pw", clock=clock) as r:
        verdict = verify_at_office(r, out.read_bytes())
        assert verdict.valid and verdict.trusted and verdict.licence["holder"] == CITIZEN[0]
        assert issued_result(r, case_id) == (f"{case_id}-licence.ofd", out.read_bytes())
    assert run([*argv[:-1], str(tmp_path / "second.ofd")]) == 2  # one original per result
