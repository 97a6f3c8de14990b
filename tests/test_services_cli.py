"""`govdesk case` and `govdesk consent` end to end on a real replica, with --json and refusals."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

from app.certs import CertType, issue_certificate, make_claims
from app.cli.main import main
from app.ledger.suites import ED25519, Signer, key_id
from app.protocol.departments import all_departments, department
from app.store.registry import KeyRecord
from app.store.replica import create_office
from tests.store_support import FAST_KDF

ISSUER = ED25519.signer(ED25519.generate_private())
PS_ORIGIN = department("public-security").origin


def certificate(cert_type: CertType, name: str, id_number: str) -> str:
    """A certificate of the public-security bureau for a citizen, valid today."""
    now_s = int(time.time())
    claims = make_claims(cert_type, PS_ORIGIN, {"name": name}, id_number, now_s - 86400, now_s + 86400 * 365)
    return issue_certificate(claims, ISSUER, now_ms=now_s * 1000 - 3_600_000).text


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
        pub = admin.accounts.get("clerk").public_key
        admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "clerk", "clerk", "public-security", 0))
        issuer: Signer = ISSUER
        kid = key_id(ED25519, issuer.public_key)
        admin.registry.put_key(KeyRecord(kid, "ed25519", issuer.public_key, "department", "ps", PS_ORIGIN, 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", admin.session.now_ms())
    return path


def run(monkeypatch, capsys, *argv: str) -> tuple[int, object]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    code = main([*argv[:2], "--office", argv[2], "--user", "clerk", "--password-stdin", "--json", *argv[3:]])
    out = capsys.readouterr().out.strip()
    return code, json.loads(out) if out else None


def test_case_open_show_list_and_refusals(office, monkeypatch, capsys) -> None:
    service, person = "public-security.household-transfer-out", ("李雷", "110101199001010015")
    eid, hukou = (certificate(t, *person) for t in (CertType.RESIDENT_EID, CertType.HOUSEHOLD_REGISTER))
    code, refused = run(monkeypatch, capsys, "case", "open", str(office), service, "--name", person[0],
                        "--id-number", person[1], "--certificate", eid)  # fmt: skip
    assert code == 1 and refused["refused"] == "missing_certificate"  # nothing opens without its certificates
    code, refused = run(monkeypatch, capsys, "case", "open", str(office), service, "--name", "韩梅梅",
                        "--id-number", person[1], "--certificate", eid, "--certificate", hukou)  # fmt: skip
    assert code == 1 and refused["refused"] == "applicant_mismatch"
    code, case = run(monkeypatch, capsys, "case", "open", str(office), service, "--name", person[0],
                     "--id-number", person[1], "--certificate", eid, "--certificate", hukou)  # fmt: skip
    assert code == 0 and case["state"] == "documents-verified" and case["pending_department"] == "public-security"
    code, shown = run(monkeypatch, capsys, "case", "show", str(office), case["case_id"])
    assert code == 0 and [h["step"] for h in shown["history"]] == ["open", "verify-documents"]
    code, listed = run(monkeypatch, capsys, "case", "list", str(office), "--department", "public-security")
    assert code == 0 and [c["case_id"] for c in listed] == [case["case_id"]]
    code, moved = run(monkeypatch, capsys, "case", "advance", str(office), case["case_id"])
    assert code == 0 and moved["steps_done"] == 1  # the same next-step rule as the counter (app.services.counter)
    code, refused = run(monkeypatch, capsys, "case", "advance", str(office), case["case_id"], "--action", "close")
    assert code == 1 and refused["refused"] == "step_out_of_order"
    code, refused = run(monkeypatch, capsys, "case", "show", str(office), "C' OR 1=1 --")
    assert code == 1 and "knows no case" in refused["message"]
    code, refused = run(monkeypatch, capsys, "case", "open", str(office), "no.such-service", "--name", "x",
                        "--id-number", "1")  # fmt: skip
    assert code == 1 and "no service" in refused["message"]


def test_consent_grant_report_and_revoke(office, monkeypatch, capsys) -> None:
    code, granted = run(monkeypatch, capsys, "consent", "grant", str(office), "--id-number", "110101199001010015",
                        "--provider", "civil-affairs", "--scope", "marriage",
                        "--purpose", "public-security.birth-registration")  # fmt: skip
    assert code == 0 and granted["consent_id"].startswith("K")
    code, report = run(monkeypatch, capsys, "consent", "report", str(office), "--id-number", "110101199001010015")
    assert code == 0 and [c["consent_id"] for c in report["consents"]] == [granted["consent_id"]]
    code, revoked = run(monkeypatch, capsys, "consent", "revoke", str(office), granted["consent_id"])
    assert code == 0 and revoked["revoked"] == granted["consent_id"]
    hostile = ["--id-number", "1", "--provider", "civil-affairs", "--scope", "x" * 5000]
    code, refused = run(
        monkeypatch,
        capsys,
        "consent",
        "grant",
        str(office),
        *hostile,
        "--purpose",
        "public-security.birth-registration",
    )
    assert code == 1 and "unknown data scope" in refused["message"]
