"""`govdesk cert`: keygen, issue (PNG, SVG, PDF card read back as images), revoke and verify, through the real CLI."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.certs.image_input import read_qr_text
from app.certs.issue import IssuedCertificate, record_issue
from app.cli import cert_command
from app.cli.main import main
from app.ledger.entry import decode_entry
from app.ledger.suites import key_id
from app.protocol.device_key_file import read_device_key
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF

ORIGIN = "civil-affairs.ledger.beijing.gov.cn"
ID_NUMBER = "11010519491231002X"
ROUNDS = 8
MAX_ROUNDS = 40  # under load a kill can miss its window: go on until both outcomes were seen


@pytest.fixture
def desk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """An office whose clerk knows a freshly made department key and synced its log just now."""
    office = tmp_path / "office"
    with create_office(office, "Haidian Service Hall", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "clerk-pw")
    key = tmp_path / "dept.key"
    assert main(["cert", "keygen", str(key)]) == 0
    assert key.stat().st_mode & 0o777 == 0o600
    out = capsys.readouterr().out
    signer = read_device_key(key)  # the national suite by default: `sm2-sm3:` and the SM2 scalar
    assert signer.suite.name == "sm2-sm3" and "sm2-sm3" in out
    kid = key_id(signer.suite, signer.public_key)
    assert kid.hex() in out and signer.public_key.hex() in out
    now_ms = time.time_ns() // 1_000_000
    with open_replica(office, "clerk", "clerk-pw") as clerk:
        clerk.registry.put_key(
            KeyRecord(kid, signer.suite.name, signer.public_key, "department", "CA", ORIGIN, now_ms - 10**9)
        )
        clerk.logs.put_checkpoint(ORIGIN, 1, bytes(32), f"{ORIGIN}\n1\nAAAA\n", now_ms)
    return {"office": office, "key": key, "dir": tmp_path}


def run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def acting(desk: dict[str, Path]) -> list[str]:
    return ["--office", str(desk["office"]), "--user", "clerk", "--password-stdin"]


def issue(desk: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    d = desk["dir"]
    files = {"png": d / "qr.png", "pdf": d / "card.pdf", "svg": d / "qr.svg"}
    argv = ["cert", "issue", *acting(desk), "--key", str(desk["key"]), "--issuer", ORIGIN, "--type", "marriage"]
    argv += ["--name", "王小明", "--field", "spouse=李华", "--field", "registered_on=2024-05-20"]
    argv += ["--png", str(files["png"]), "--pdf", str(files["pdf"]), "--svg", str(files["svg"])]
    assert run(argv, f"clerk-pw\n{ID_NUMBER}\n", monkeypatch) == 0
    return files


def verify_json(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, dict]:
    code = run(["cert", "verify", *argv, "--json"], stdin, monkeypatch)
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_issue_then_verify_the_png_and_the_printed_card(desk, monkeypatch, capsys) -> None:
    files = issue(desk, monkeypatch)
    out = capsys.readouterr().out
    assert "version 15, level Q" in out
    text = read_qr_text(files["png"])
    assert text.startswith("GD1:")
    # The PDF card, printed at 150 dpi, scans back to the same text and shows Chinese text.
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(files["pdf"]), str(desk["dir"] / "page")], check=True)
    [page] = desk["dir"].glob("page*.png")
    assert read_qr_text(page) == text
    shown = subprocess.run(["pdftotext", str(files["pdf"]), "-"], check=True, capture_output=True, text=True).stdout
    assert "结婚证" in shown and "王小明" in shown and ID_NUMBER not in shown
    assert ET.parse(files["svg"]).getroot().tag.endswith("svg")

    code, verdict = verify_json([str(files["png"]), *acting(desk)], "clerk-pw\n", monkeypatch, capsys)
    assert code == 0 and verdict["status"] == "VALID" and verdict["format"] == "govdesk"
    assert verdict["claims"]["display"]["spouse"] == "李华" and verdict["anchored"] is True
    assert set(verdict) >= {"status", "reason", "format", "claims"}

    code, verdict = verify_json([text], "", monkeypatch, capsys)
    assert code == 1 and verdict["status"] == "CANNOT_VERIFY_OFFLINE"
    code, verdict = verify_json([text, *acting(desk), "--at", "2099-01-01T00:00:00"], "clerk-pw\n", monkeypatch, capsys)
    assert code == 1 and verdict["status"] == "EXPIRED"

    serial = verdict["claims"]["serial"]
    argv = ["cert", "revoke", *acting(desk), "--key", str(desk["key"]), "--issuer", ORIGIN]
    assert run([*argv, "--serial", serial, "--reason", "divorced / 已离婚"], "clerk-pw\n", monkeypatch) == 0
    capsys.readouterr()
    code, verdict = verify_json([text, *acting(desk)], "clerk-pw\n", monkeypatch, capsys)
    assert code == 1 and verdict["status"] == "REVOKED" and "已离婚" in verdict["reasons"]["zh_CN"]
    with open_replica(desk["office"], "clerk", "clerk-pw") as clerk:
        assert [e.origin for e in clerk.outbox.pending()] == [ORIGIN, ORIGIN]


def test_human_output_and_exit_status_for_a_malformed_code(monkeypatch, capsys) -> None:
    assert run(["cert", "verify", "GD1:NOT-A-CERT"], "", monkeypatch) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "MALFORMED" and "二维码" in out[1] and "not a readable certificate" in out[2]


def test_usage_errors(desk, monkeypatch, capsys, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 200), 255, np.uint8))
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    assert run(["cert", "verify", str(blank)], "", monkeypatch) == 2
    assert "no QR code" in capsys.readouterr().err
    assert run(["cert", "verify", "HC1:6BF", "--trust-x509", str(junk)], "", monkeypatch) == 2
    assert run(["cert", "verify", "HC1:6BF", "--trust-x509", str(tmp_path / "missing")], "", monkeypatch) == 2
    assert run(["cert", "verify", "GD1:", "--at", "yesterday"], "", monkeypatch) == 2
    assert run(["cert", "verify", "GD1:", "--office", str(desk["office"])], "", monkeypatch) == 2
    assert run(["cert", "verify", "GD1:", *acting(desk)], "wrong-pw\n", monkeypatch) == 2
    key = desk["dir"] / "dept.key"
    assert run(["cert", "keygen", str(key)], "", monkeypatch) == 2  # never overwrites a key
    bad_key = tmp_path / "bad.key"
    bad_key.write_text("zz")
    argv = ["cert", "revoke", *acting(desk), "--key", str(bad_key), "--issuer", ORIGIN, "--serial", "00" * 10]
    assert run([*argv, "--reason", "x"], "clerk-pw\n", monkeypatch) == 1
    argv = ["cert", "issue", *acting(desk), "--key", str(key), "--issuer", ORIGIN, "--type", "nonsense", "--name", "x"]
    assert run([*argv, "--png", "a.png", "--pdf", "a.pdf"], "clerk-pw\nX\n", monkeypatch) == 2
    argv[argv.index("nonsense")] = "eid"
    assert run([*argv, "--field", "spouse=y", "--png", "a.png", "--pdf", "a.pdf"], "clerk-pw\nX\n", monkeypatch) == 1
    assert "spouse" in capsys.readouterr().err


def test_a_mistyped_holder_id_number_issues_nothing(desk, monkeypatch, capsys) -> None:
    d = desk["dir"]
    argv = ["cert", "issue", *acting(desk), "--key", str(desk["key"]), "--issuer", ORIGIN, "--type", "marriage"]
    argv += ["--name", "王小明", "--field", "spouse=李华", "--png", str(d / "m.png"), "--pdf", str(d / "m.pdf")]
    mistyped = ID_NUMBER[:17] + "1"  # the check character misread
    assert run(argv, f"clerk-pw\n{mistyped}\n", monkeypatch) == 1
    err = capsys.readouterr().err
    assert "mistyped" in err and "nothing was issued" in err and mistyped not in err
    assert not (d / "m.png").exists() and not (d / "m.pdf").exists()
    with open_replica(desk["office"], "clerk", "clerk-pw") as clerk:
        assert clerk.outbox.pending() == []


def _issuing_child(argv: list[str], stdin: str, report_fd: int) -> None:
    """In a forked child: run `govdesk cert issue`, reporting when its write to the replica starts and commits."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdin = io.StringIO(stdin)

    def reporting_record_issue(replica: Replica, issued: IssuedCertificate) -> bytes:
        os.write(report_fd, b"writing\n")
        leaf = record_issue(replica, issued)
        os.write(report_fd, b"committed\n")
        return leaf

    cert_command.record_issue = reporting_record_issue
    main(argv)


def test_killing_issue_at_any_moment_leaves_the_replica_consistent(desk, tmp_path: Path) -> None:
    """kill -9 `govdesk cert issue` while it writes: the anchor entry, the local anchor and the audit record
    are written together or not at all, and the replica stays sound. The kills are shown to land mid-write."""
    rng = random.Random(6)
    mid_write = after_commit = 0
    for round_ in range(MAX_ROUNDS):
        if round_ >= ROUNDS and mid_write >= 2 and after_commit >= 1:
            break
        argv = ["cert", "issue", *acting(desk), "--key", str(desk["key"])]
        argv += ["--issuer", ORIGIN, "--type", "eid", "--name", "张三"]
        argv += ["--png", str(tmp_path / f"{round_}.png"), "--pdf", str(tmp_path / f"{round_}.pdf")]
        pid, read_fd = fork_reporting(_issuing_child, argv, f"clerk-pw\n{ID_NUMBER}\n")
        # Wait until the write begins, then kill inside it (even rounds) or around its end (odd rounds, a
        # write takes a few ms).
        seen = read_until(read_fd, time.monotonic() + 30, marker=b"writing\n")
        assert b"writing" in seen, f"round {round_}: the issue never reached its write"
        # A parent descheduled on a busy machine kills late, so the inside rounds kill at once after the marker.
        delay = rng.uniform(0.0, 0.002) if round_ % 4 == 0 else 0.0 if round_ % 2 == 0 else rng.uniform(0.004, 0.03)
        seen += read_until(read_fd, time.monotonic() + delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            seen += chunk
        os.close(read_fd)
        if b"committed" in seen:
            after_commit += 1
        else:
            mid_write += 1
    # Both outcomes must occur, or the test proves nothing about atomicity.
    assert mid_write >= 2, f"only {mid_write} of {round_ + 1} kills landed inside the write"
    assert after_commit >= 1, "no kill landed after a commit"
    with open_replica(desk["office"], "admin", "admin-pw") as admin:
        assert admin.check().ok
        issued = [r for r in admin.audit.records(limit=10_000) if r.action == "cert.issue"]
        pending = admin.outbox.pending()
        assert sorted(r.detail["entry"] for r in issued) == sorted(e.leaf_hash for e in pending)
        for entry in pending:
            body = decode_entry(entry.data).entry.body
            anchor = admin.certs.anchor(body["cert_hash"])
            assert anchor is not None and anchor.serial == body["serial"]


def test_keygen_makes_sm2_keys_unless_asked_for_ed25519(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cert", "keygen", str(tmp_path / "ed.key"), "--suite", "ed25519"]) == 0
    assert "ed25519" in capsys.readouterr().out
    legacy = (tmp_path / "ed.key").read_text()
    assert ":" not in legacy and len(legacy.strip()) == 64  # an Ed25519 seed in hex, as key files always were
    assert read_device_key(tmp_path / "ed.key").suite.name == "ed25519"
    assert main(["cert", "keygen", str(tmp_path / "sm2.key")]) == 0
    assert (tmp_path / "sm2.key").read_text().startswith("sm2-sm3:")
    assert len(read_device_key(tmp_path / "sm2.key").public_key) == 65
