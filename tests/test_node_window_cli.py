"""一窗受理 from the command line: `govdesk node enroll --role window` at a real node on loopback lets a hall's
comprehensive-window clerk of another department accept that department's cases; a clerk it did not enrol is
refused, with the reason, at the counter and at the node."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from app.certs import CertType, issue_certificate, make_claims
from app.cli.main import main
from app.ledger.entry import Entry, sign_entry
from app.protocol.node_client import NodeClient
from app.store.replica import open_replica
from tests.test_sync_support import PASSWORD, NodeProc, new_office, running_federation, wait_registry_loaded

DEPARTMENTS = ("public-security", "taxation", "housing")  # the e-ID's issuer, the window's service, the home
SERVICE = "taxation.tax-payment-certificate"  # needs only the applicant's e-ID
CITIZEN = ("赵敏", "110101198805050026")


@pytest.fixture
def federation(tmp_path: Path):
    with running_federation(tmp_path / "nodes", DEPARTMENTS) as nodes:
        yield {node.config.department: node for node in nodes}


def cli(monkeypatch, capsys, *argv: str, password: bool = False) -> tuple[int, str, str]:
    """Run `govdesk` in this process, the password on stdin; return the exit status, stdout and stderr."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n" if password else ""))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out.strip(), out.err


def enrol(monkeypatch, capsys, node: NodeProc, role: str, subject: str, public_key: bytes) -> int:
    """`govdesk node enroll` of an office account's key at a serving node; wait until the node loaded it."""
    home = str(Path(node.path).parents[1])
    code, out, err = cli(monkeypatch, capsys, "node", "enroll", "--department", node.config.department, "--home",
                         home, "--role", role, "--subject", subject, "--suite", "ed25519", "--public-key",
                         public_key.hex())  # fmt: skip
    assert code == 0, err
    enrolled = json.loads(out)
    assert enrolled["role"] == role
    wait_registry_loaded(node.url, enrolled["index"])
    return enrolled["index"]


def test_a_window_enrolled_at_the_cli_accepts_that_departments_case_and_a_clerk_it_did_not_enrol_is_refused(
    tmp_path: Path, federation: dict[str, NodeProc], monkeypatch, capsys
) -> None:
    office = tmp_path / "office"
    with new_office(office, "东城区政务服务中心", list(federation.values())) as admin:
        for name in ("li.na", "zhao.lei"):
            admin.accounts.add(name, "clerk", PASSWORD)
        keys = {name: admin.accounts.get(name).public_key for name in ("li.na", "zhao.lei")}
    for name, public_key in keys.items():  # both are clerks of the housing bureau
        enrol(monkeypatch, capsys, federation["housing"], "clerk", f"office-01/{name}", public_key)
    # The taxation bureau enrols li.na as a comprehensive window of the hall; zhao.lei is not.
    enrol(monkeypatch, capsys, federation["taxation"], "window", "office-01/li.na", keys["li.na"])

    def sync(user: str) -> int:
        return cli(monkeypatch, capsys, "sync", "--office", str(office), "--user", user, "--password-stdin",
                   "--once", "--quiet", password=True)[0]  # fmt: skip

    def open_case(user: str) -> tuple[int, dict]:
        issuer = federation["public-security"]
        now_s = int(time.time()) + 2  # after the department key's enrolment, which the nodes made just now
        claims = make_claims(CertType.RESIDENT_EID, issuer.origin, {"name": CITIZEN[0]}, CITIZEN[1], now_s,
                             now_s + 86400 * 365)  # fmt: skip
        eid = issue_certificate(claims, issuer.keys.department_signer, now_ms=now_s * 1000).text
        code, out, _ = cli(monkeypatch, capsys, "case", "open", "--office", str(office), "--user", user,
                           "--password-stdin", "--json", SERVICE, "--name", CITIZEN[0], "--id-number", CITIZEN[1],
                           "--certificate", eid, password=True)  # fmt: skip
        return code, json.loads(out)

    assert sync("li.na") == 0
    code, refused = open_case("zhao.lei")
    assert code == 1 and refused["refused"] == "wrong_department", refused
    assert "taxation" in refused["message"]  # the reason names the department whose step it is
    code, case = open_case("li.na")
    assert code == 0 and case["state"] == "documents-verified", case
    assert case["pending_department"] == "taxation"  # from here on the case is the bureau's own work
    assert sync("li.na") == 0  # pushed: the taxation node sequenced the window's acceptance
    with open_replica(office, "li.na", PASSWORD) as clerk:
        assert clerk.outbox.count_pending() == 0
    assert [h["step"] for h in case["history"]] == ["open", "verify-documents"]
    # The node itself refuses the same acceptance signed by a clerk it never enrolled, and says why.
    with open_replica(office, "zhao.lei", PASSWORD) as zhao:
        signer, device = zhao.account_signer, zhao.device_signer
        body = {"case_id": "C0123456789AB", "service": SERVICE, "step": "open", "state": "opened"}
        entry = Entry(federation["taxation"].origin, "case.step", zhao.session.now_ms(), signer.kid, body)
        with NodeClient(federation["taxation"].url, key=device, timeout=10) as node:
            [answer] = node.submit([sign_entry(entry, signer)])
    assert answer.index is None and answer.code == "unknown_signer" and signer.kid.hex() in answer.message


def test_the_window_role_is_offered_with_its_meaning_and_hostile_enrolments_are_refused(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    with pytest.raises(SystemExit):
        main(["node", "enroll", "--help"])
    assert "一窗受理" in capsys.readouterr().out
    home = tmp_path / "nodes"
    assert cli(monkeypatch, capsys, "node", "init", "--department", "taxation", "--home", str(home), "--suite",
               "ed25519")[0] == 0  # fmt: skip
    args = ["node", "enroll", "--department", "taxation", "--home", str(home), "--subject", "hall/li.na"]
    for role in ("windows", "WINDOW", "department", "window'; --"):
        with pytest.raises(SystemExit) as exited:
            main([*args, "--role", role, "--public-key", "ab" * 32, "--suite", "ed25519"])
        assert exited.value.code == 2
    for public_key in ("zz", "ab" * 31, ""):
        code, _, err = cli(monkeypatch, capsys, *args, "--role", "window", "--suite", "ed25519", "--public-key",
                           public_key)  # fmt: skip
        assert code == 2 and err
    code, out, _ = cli(monkeypatch, capsys, *args, "--role", "window", "--suite", "ed25519", "--public-key", "ab" * 32)
    assert code == 0 and json.loads(out)["role"] == "window"
