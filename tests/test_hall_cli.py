"""`govdesk hall`: init, enroll, devices, revoke, book, serve (binds its own port and reports it), remediation,
satisfaction."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main as govdesk
from app.hall.config import load_config
from app.hall.evaluation import Evaluations
from app.hall.hall import SHANGHAI, Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.protocol.device_key_file import read_device_key
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import Device

ROOT = Path(__file__).resolve().parents[1]


def test_init_enroll_book_and_refusals(tmp_path: Path, capsys) -> None:
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", "office-03", "--windows", "3"]) == 0
    assert govdesk(["hall", "init", "--dir", str(d), "--office", "office-03"]) == 2  # exists
    assert govdesk(["hall", "enroll", "--dir", str(d), "--role", "counter", "--subject", "c", "--new-key",
                    str(tmp_path / "c.key")]) == 2  # fmt: skip  # a counter needs its window
    assert govdesk(["hall", "enroll", "--dir", str(d), "--role", "kiosk", "--subject", "k", "--public-key", "zz"]) == 2
    capsys.readouterr()
    assert govdesk(["hall", "enroll", "--dir", str(d), "--role", "counter", "--window", "w02", "--subject",
                    "office-03/counter-02", "--new-key", str(tmp_path / "c.key")]) == 0  # fmt: skip
    enrolled = json.loads(capsys.readouterr().out)
    assert enrolled["office"] == "office-03" and len(enrolled["kid"]) == 32
    assert (tmp_path / "c.key").stat().st_mode & 0o777 == 0o600
    assert govdesk(["hall", "book", "--dir", str(d), "--code", "YY0001", "--category", "tax", "--start",
                    "2026-12-07T09:30"]) == 0  # fmt: skip
    assert govdesk(["hall", "book", "--dir", str(d), "--code", "YY0001", "--category", "tax", "--start",
                    "2026-12-07T09:30"]) == 2  # fmt: skip
    assert govdesk(["hall", "book", "--dir", str(d), "--code", "x", "--category", "tax", "--start", "noon"]) == 2
    assert load_config(d / "hall.json").office == "office-03"


def test_serve_binds_port_zero_and_reports_it(tmp_path: Path) -> None:
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", "office-03"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "hall", "serve", "--dir", str(d), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        line = json.loads(proc.stdout.readline() if proc.stdout else "{}")
        assert line["hall"] == "listening" and line["port"] > 0 and line["office"] == "office-03"
        assert HallClient(line["url"], None).health() == {"status": "ok", "office": "office-03"}
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_remediation_and_satisfaction_commands(tmp_path: Path, capsys) -> None:
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", "office-03", "--suite", "ed25519"]) == 0
    config = load_config(d / "hall.json")
    store = open_hall_store(f"sqlite:///{d / 'hall.db'}")
    signer = ED25519.signer(ED25519.generate_private())
    device = Device(key_id(ED25519, signer.public_key), "ed25519", signer.public_key, "evaluator", "e", "office-03",
                    "w01", False)  # fmt: skip
    store.enroll(device)
    at = int(dt.datetime(2026, 9, 24, 10, tzinfo=SHANGHAI).timestamp() * 1000)
    for level in (1, 5):
        rating = Rating(case_commitment("GD-9", new_salt()), level, "gas.account-opening", "office-03", "w01",
                        b"\x01" * 16, at)  # fmt: skip
        Evaluations(Hall(config, store)).record(rating_entry(rating, "gas.ledger.beijing.gov.cn", signer), device)
    store.close()
    capsys.readouterr()
    assert govdesk(["hall", "remediation", "--dir", str(d)]) == 0
    item = json.loads(capsys.readouterr().out.splitlines()[0])
    assert item["due"] == "2026-10-22" and item["overdue"] and not item["closed"]
    with pytest.raises(SystemExit):  # no unauthenticated call-back: the supervisor records it in the review, signed
        govdesk(["hall", "remediation", "--dir", str(d), "--close", str(item["id"]), "--by", "wang.fang",
                 "--outcome", "已回访"])  # fmt: skip
    capsys.readouterr()
    assert govdesk(["hall", "satisfaction", "--dir", str(d), "--by", "department"]) == 0
    assert json.loads(capsys.readouterr().out) == {"gas": {"count": 2, "mean": 3.0, "bad": 1}}


def test_a_device_revoked_from_the_command_line_is_refused_by_the_running_hall(tmp_path: Path, capsys) -> None:
    """`hall revoke` runs beside a serving hall (another process): the revoked counter's next call is refused, and
    `hall devices` shows the key revoked."""
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", "office-03", "--windows", "2"]) == 0
    assert govdesk(["hall", "enroll", "--dir", str(d), "--role", "kiosk", "--subject", "office-03/kiosk",
                    "--new-key", str(tmp_path / "k.key")]) == 0  # fmt: skip
    assert govdesk(["hall", "enroll", "--dir", str(d), "--role", "counter", "--window", "w01", "--subject",
                    "office-03/counter-01", "--new-key", str(tmp_path / "c.key")]) == 0  # fmt: skip
    kid = json.loads(capsys.readouterr().out.splitlines()[-1])["kid"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "hall", "serve", "--dir", str(d), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = json.loads(proc.stdout.readline() if proc.stdout else "{}")["url"]
        kiosk = HallClient(url, read_device_key(tmp_path / "k.key"))
        counter = HallClient(url, read_device_key(tmp_path / "c.key"))
        kiosk.issue("tax")
        kiosk.issue("tax")
        first = counter.call_next()
        assert first is not None and first.window == "w01"
        counter.act(first, "finish")
        assert govdesk(["hall", "revoke", "--dir", str(d), "--kid", kid]) == 0
        assert json.loads(capsys.readouterr().out)["subject"] == "office-03/counter-01"
        with pytest.raises(HallRefusal) as refused:
            counter.call_next()
        assert refused.value.code is HallCode.REVOKED_SIGNER
        assert kiosk.display().waiting["tax"] == 1  # the refused call took nothing
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert govdesk(["hall", "devices", "--dir", str(d)]) == 0
    listed = {row["kid"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert listed[kid]["revoked"] is True and listed[kid]["window"] == "w01" and len(listed) == 2
    assert govdesk(["hall", "revoke", "--dir", str(d), "--kid", "00" * 16]) == 2  # not enrolled
    assert govdesk(["hall", "revoke", "--dir", str(d), "--kid", "not hex"]) == 2
