"""`govdesk office roots`: an administrator trusts a root only by naming its fingerprint, lists and removes roots;
the same checks and audit records as the screen; hostile files and clerks refused."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger import sm2
from app.pki.root_candidate import fingerprint_text
from app.pki.sm2_x509 import make_root
from app.store.replica import create_office, open_replica
from tests.store_support import FAST_KDF

NOW = datetime.now(UTC)


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office"
    with create_office(path, "Xicheng Service Hall", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "clerk-pw")
    return path


def roots(monkeypatch: pytest.MonkeyPatch, office: Path, user: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{user}-pw\n"))
    return main(["office", "roots", *argv, "--office", str(office), "--user", user, "--password-stdin"])


def test_a_root_is_trusted_only_when_its_fingerprint_is_named(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_root(sm2.SM2_SM3.signer(sm2.generate_private()), "北京市政务根CA", now=NOW)
    pem = tmp_path / "root.pem"
    pem.write_text(root.pem())
    assert roots(monkeypatch, office, "admin", "add", str(pem), "--list", "department") == 1
    shown = capsys.readouterr()
    assert fingerprint_text(root.fingerprint) in shown.out and "run again with --fingerprint" in shown.err
    assert roots(monkeypatch, office, "admin", "add", str(pem), "--list", "department", "--fingerprint", "ab" * 32) == 1
    openssl = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-fingerprint", "-sha256"],
                             capture_output=True, text=True, check=True, timeout=30).stdout  # fmt: skip
    sha256 = openssl.strip().split("=", 1)[1]  # as OpenSSL prints it: upper-case pairs joined by colons
    argv = ["add", str(pem), "--list", "department", "--fingerprint", sha256, "--label", "当面交付"]
    assert roots(monkeypatch, office, "admin", *argv) == 0
    assert "trusted in the department list" in capsys.readouterr().out
    assert roots(monkeypatch, office, "admin", *argv) == 1  # already trusted
    assert "root_already_trusted" in capsys.readouterr().err
    assert roots(monkeypatch, office, "clerk", "list") == 0  # anyone reads
    assert "北京市政务根CA" in capsys.readouterr().out
    remove = ["remove", "--list", "seal", "--fingerprint", root.fingerprint.hex()]
    assert roots(monkeypatch, office, "admin", *remove) == 1  # not in the seal list
    assert roots(monkeypatch, office, "clerk", "remove", "--list", "department", "--fingerprint", "zz") == 1
    remove[2] = "department"
    assert roots(monkeypatch, office, "clerk", *remove) == 1  # clerks may not
    assert "may not perform" in capsys.readouterr().err
    assert roots(monkeypatch, office, "admin", *remove) == 0
    with open_replica(office, "admin", "admin-pw", kdf=FAST_KDF) as admin:
        actions = [(r.action, r.detail["sha256"]) for r in admin.audit.records() if r.action.startswith("trust_root")]
        assert actions == [("trust_root.add", root.sha256_fingerprint.hex()), ("trust_root.remove", actions[0][1])]
        assert admin.trust_roots.roots("department") == []


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage" * 100, b"0" * (70 * 1024), b"-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n"],
)
def test_hostile_files_change_nothing(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "offered.pem"
    path.write_bytes(content)
    assert roots(monkeypatch, office, "admin", "add", str(path), "--list", "seal", "--fingerprint", "00" * 32) == 1
    assert "root_" in capsys.readouterr().err
    expired = make_root(sm2.SM2_SM3.signer(sm2.generate_private()), "old", now=NOW - timedelta(days=900), days=30)
    path.write_bytes(expired.der)
    argv = ["add", str(path), "--list", "seal", "--fingerprint", expired.fingerprint.hex()]
    assert roots(monkeypatch, office, "admin", *argv) == 1
    assert "root_expired" in capsys.readouterr().err
    assert roots(monkeypatch, office, "admin", "add", str(tmp_path / "missing.pem"), "--list", "seal") == 1
    with open_replica(office, "admin", "admin-pw", kdf=FAST_KDF) as admin:
        assert admin.trust_roots.roots("seal") == []
