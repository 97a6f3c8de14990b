"""`govdesk case` and `govdesk consent` end to end on a real replica, with --json and refusals."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.suites import ED25519, key_id
from app.node.departments import all_departments
from app.store.registry import KeyRecord
from app.store.replica import create_office
from tests.store_support import FAST_KDF


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
        pub = admin.accounts.get("clerk").public_key
        admin.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "clerk", "clerk", "public-security", 0))
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", admin.session.now_ms())
    return path


def run(monkeypatch, capsys, *argv: str) -> tuple[int, object]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    code = main([*argv[:2], "--office", argv[2], "--user", "clerk", "--password-stdin", "--json", *argv[3:]])
    out = capsys.readouterr().out.strip()
    return code, json.loads(out) if out else None


def test_case_open_show_list_and_refusals(office, monkeypatch, capsys) -> None:
    code, case = run(monkeypatch, capsys, "case", "open", str(office), "public-security.household-transfer-out",
                     "--name", "李雷", "--id-number", "110101199001010011")  # fmt: skip
    assert code == 0 and case["state"] == "opened" and case["pending_department"] == "public-security"
    code, shown = run(monkeypatch, capsys, "case", "show", str(office), case["case_id"])
    assert code == 0 and [h["step"] for h in shown["history"]] == ["open"]
    code, listed = run(monkeypatch, capsys, "case", "list", str(office), "--department", "public-security")
    assert code == 0 and [c["case_id"] for c in listed] == [case["case_id"]]
    code, refused = run(monkeypatch, capsys, "case", "advance", str(office), case["case_id"])
    assert code == 1 and refused["refused"] == "step_out_of_order"
    code, refused = run(monkeypatch, capsys, "case", "show", str(office), "C' OR 1=1 --")
    assert code == 1 and "knows no case" in refused["message"]
    code, refused = run(monkeypatch, capsys, "case", "open", str(office), "no.such-service", "--name", "x",
                        "--id-number", "1")  # fmt: skip
    assert code == 1 and "no service" in refused["message"]


def test_consent_grant_report_and_revoke(office, monkeypatch, capsys) -> None:
    code, granted = run(monkeypatch, capsys, "consent", "grant", str(office), "--id-number", "110101199001010011",
                        "--provider", "civil-affairs", "--scope", "marriage",
                        "--purpose", "public-security.birth-registration")  # fmt: skip
    assert code == 0 and granted["consent_id"].startswith("K")
    code, report = run(monkeypatch, capsys, "consent", "report", str(office), "--id-number", "110101199001010011")
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
