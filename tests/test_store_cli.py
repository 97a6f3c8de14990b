"""`govdesk office ...`: every command runs non-interactively with passwords on stdin lines."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from app.store.replica import open_replica


def govdesk(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def acting(office: Path, user: str) -> list[str]:
    return ["--office", str(office), "--user", user, "--password-stdin"]


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "office"
    code, out, err = govdesk(
        monkeypatch, capsys, "root-pw\n", "office", "init", str(path), "--name", "Chaoyang Hall", "--admin", "root",
        "--password-stdin",
    )  # fmt: skip
    assert code == 0, err
    assert "created office 'Chaoyang Hall'" in out
    for user, role in (("li", "clerk"), ("wang", "supervisor")):
        code, out, err = govdesk(
            monkeypatch, capsys, f"root-pw\n{user}-pw\n", "office", "user", "add", user, "--role", role,
            *acting(path, "root"),
        )  # fmt: skip
        assert code == 0, err
        assert f"added {role} '{user}'" in out
    return path


def test_init_add_and_check(office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = govdesk(monkeypatch, capsys, "li-pw\n", "office", "check", *acting(office, "li"))
    assert code == 0, err
    assert out.startswith("ok: integrity")
    with open_replica(office, "li", "li-pw") as clerk:  # a new office's keys are SM2 unless --suite ed25519
        assert clerk.accounts.suite() == "sm2-sm3" and len(clerk.account_signer.public_key) == 65
    legacy = office.parent / "legacy"
    code, out, err = govdesk(monkeypatch, capsys, "root-pw\n", "office", "init", str(legacy), "--name", "x", "--admin",
                             "root", "--password-stdin", "--suite", "ed25519")  # fmt: skip
    assert code == 0 and "(ed25519)" in out, err
    code, _, err = govdesk(monkeypatch, capsys, "root-pw\n", "office", "init", str(office), "--name", "x", "--admin",
                           "root", "--password-stdin")  # fmt: skip
    assert code == 1 and "already exists" in err


def test_clerk_cannot_manage_accounts(office: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    code, _, err = govdesk(
        monkeypatch, capsys, "li-pw\nx-pw\n", "office", "user", "add", "mallory", "--role", "admin",
        *acting(office, "li"),
    )  # fmt: skip
    assert code == 1
    assert "role 'clerk' may not perform 'account.manage'" in err
    code, _, err = govdesk(monkeypatch, capsys, "li-pw\n", "office", "user", "disable", "wang", *acting(office, "li"))
    assert code == 1 and "may not" in err


def test_supervisor_resets_a_clerk_and_admin_disables(office: Path, monkeypatch, capsys) -> None:
    code, _, err = govdesk(
        monkeypatch, capsys, "wang-pw\nli-new-pw\n", "office", "user", "reset-password", "li", *acting(office, "wang")
    )
    assert code == 0, err
    assert govdesk(monkeypatch, capsys, "li-new-pw\n", "office", "check", *acting(office, "li"))[0] == 0
    code, _, err = govdesk(monkeypatch, capsys, "li-pw\n", "office", "check", *acting(office, "li"))
    assert code == 1 and "wrong password" in err
    code, _, err = govdesk(
        monkeypatch, capsys, "wang-pw\nroot-x\n", "office", "user", "reset-password", "root", *acting(office, "wang")
    )
    assert code == 1 and "may not" in err
    assert govdesk(monkeypatch, capsys, "root-pw\n", "office", "user", "disable", "li", *acting(office, "root"))[0] == 0
    code, _, err = govdesk(monkeypatch, capsys, "li-new-pw\n", "office", "check", *acting(office, "li"))
    assert code == 1 and "may unlock" in err


def test_missing_or_empty_password_lines(office: Path, monkeypatch, capsys) -> None:
    code, _, err = govdesk(monkeypatch, capsys, "root-pw\n", "office", "user", "add", "zhao", "--role", "clerk",
                           *acting(office, "root"))  # fmt: skip
    assert code == 1 and "stdin ended" in err
    code, _, err = govdesk(monkeypatch, capsys, "\n", "office", "check", *acting(office, "li"))
    assert code == 1 and "empty line" in err
    code, _, err = govdesk(monkeypatch, capsys, "x\n", "office", "check", *acting(Path("/nonexistent/o"), "li"))
    assert code == 1 and "no office directory" in err


def test_check_names_a_rollback(office: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copy(office / "replica.db", tmp_path / "old.db")
    assert govdesk(monkeypatch, capsys, "li-pw\n", "office", "check", *acting(office, "li"))[0] == 0
    shutil.copy(tmp_path / "old.db", office / "replica.db")
    code, _, err = govdesk(monkeypatch, capsys, "li-pw\n", "office", "check", *acting(office, "li"))
    assert code == 1
    assert "older copy of the database file" in err
