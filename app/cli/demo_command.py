"""`govdesk demo`: the demo office the README's first command opens, and its headless ledger walk-through.

`govdesk demo` builds (once) a demo office with sample accounts, sample certificates and a list of
local department nodes, then opens the counter app on it. `govdesk demo --headless` builds and
verifies a demo department log on the command line, as it always has.
"""

from __future__ import annotations

import argparse
import importlib
import time
from dataclasses import dataclass
from pathlib import Path

from app import settings as settings_file
from app.certs import CertType, issue_certificate, make_claims, record_issue, record_revocation
from app.certs.render import write_png
from app.cli.ledger_command import print_report
from app.ledger.checkpoint import Checkpoint
from app.ledger.merkle import CompactRange, hash_leaf, inclusion_proof
from app.ledger.note import new_signer
from app.ledger.suites import ED25519, key_id
from app.logdir import build_demo_log, verify_log_dir
from app.store.keywrap import DEFAULT_KDF, KdfParams
from app.store.office_files import OfficeDir
from app.store.registry import KeyRecord
from app.store.replica import create_office

DEFAULT_DEMO_DIR = Path("demo-office")
DEMO_OFFICE_NAME = "东城区政务服务中心 第3窗口"
DEMO_ISSUER = "gongan.beijing.gov.cn/log"
DEMO_ACCOUNTS = (("admin", "admin"), ("li.na", "clerk"), ("wang.fang", "supervisor"))
DEMO_PASSWORD = "govdesk-demo"
DEMO_NODES = (
    settings_file.NodeSetting(DEMO_ISSUER, "http://127.0.0.1:8701"),
    settings_file.NodeSetting("minzheng.beijing.gov.cn/log", "http://127.0.0.1:8702"),
    settings_file.NodeSetting("shuiwu.beijing.gov.cn/log", "http://127.0.0.1:8703"),
)
DAY_S = 86_400


@dataclass(frozen=True)
class DemoOffice:
    """A demo office: where it is, who may log in, and the sample certificate images to scan."""

    path: Path
    password: str
    samples: dict[str, Path]


def _sample_certificates(now_s: int) -> list[tuple[str, CertType, dict[str, str], str, int, int]]:
    """(file stem, type, display fields, ID number, issued, expires) of each sample certificate."""
    return [
        ("valid-eid", CertType.RESIDENT_EID, {"name": "张伟", "region": "北京市东城区"}, "110101199003071234",
         now_s - 30 * DAY_S, now_s + 3650 * DAY_S),
        ("valid-hukou", CertType.HOUSEHOLD_REGISTER, {"name": "张伟", "region": "北京市东城区", "relation": "户主"},
         "110101199003071234", now_s - 90 * DAY_S, now_s + 3650 * DAY_S),
        ("expired-eid", CertType.RESIDENT_EID, {"name": "李秀英", "region": "北京市西城区"}, "110102198511201248",
         now_s - 4000 * DAY_S, now_s - 10 * DAY_S),
        ("revoked-eid", CertType.RESIDENT_EID, {"name": "王强", "region": "北京市朝阳区"}, "110105197702153317",
         now_s - 200 * DAY_S, now_s + 3000 * DAY_S),
    ]  # fmt: skip


def build_demo_office(path: Path, *, now_ms: int | None = None, kdf: KdfParams = DEFAULT_KDF) -> DemoOffice:
    """Create a demo office at `path` (if none is there) with accounts, a department key and sample certificates."""
    samples_dir = path / "samples"
    if OfficeDir(path).exists():
        return DemoOffice(path, DEMO_PASSWORD, {p.stem: p for p in sorted(samples_dir.glob("*.png"))})
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    department = ED25519.generate_private()
    signer = ED25519.signer(department)
    kid = key_id(ED25519, signer.public_key)
    samples: dict[str, Path] = {}
    samples_dir.mkdir(parents=True, exist_ok=True)
    with create_office(path, DEMO_OFFICE_NAME, "admin", DEMO_PASSWORD, kdf=kdf, clock=lambda: now_ms) as replica:
        for name, role in DEMO_ACCOUNTS[1:]:
            replica.accounts.add(name, role, DEMO_PASSWORD)
        replica.registry.put_key(
            KeyRecord(
                kid, ED25519.name, signer.public_key, "department", "公安局", DEMO_ISSUER, now_ms - 5000 * DAY_S * 1000
            )
        )
        anchors = []
        for stem, cert_type, display, id_number, issued, expires in _sample_certificates(now_ms // 1000):
            claims = make_claims(cert_type, DEMO_ISSUER, display, id_number, issued, expires)
            issued_cert = issue_certificate(claims, signer, now_ms=now_ms)
            record_issue(replica, issued_cert)
            anchors.append(issued_cert.anchor_entry)
            samples[stem] = samples_dir / f"{stem}.png"
            write_png(issued_cert.text, samples[stem], scale=6)
            if stem.startswith("revoked"):
                record_revocation(
                    replica, DEMO_ISSUER, claims.serial, "证件挂失 / reported lost", now_ms - 1000, signer
                )
        # The issuer's log as sync would have left it: the anchors sequenced, with a signed checkpoint.
        leaves = [hash_leaf(data) for data in anchors]
        tree = CompactRange()
        for leaf in leaves:
            tree.append(leaf)
        note = Checkpoint(DEMO_ISSUER, tree.size, tree.root()).sign([new_signer(DEMO_ISSUER, department)])
        replica.logs.put_checkpoint(DEMO_ISSUER, tree.size, tree.root(), note, now_ms)
        for index, (leaf, data) in enumerate(zip(leaves, anchors, strict=True)):
            replica.outbox.acknowledge(leaf, index, inclusion_proof(leaves, index))
            replica.logs.put_entry(DEMO_ISSUER, index, leaf, data, inclusion_proof(leaves, index))
    demo_settings = settings_file.Settings(camera_source=str(samples_dir), nodes=DEMO_NODES)
    settings_file.save(path, demo_settings)
    return DemoOffice(path, DEMO_PASSWORD, samples)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` command."""
    demo = sub.add_parser("demo", help="open the demo office in the counter app (--headless: the ledger demo)")
    demo.add_argument("--dir", type=Path, default=DEFAULT_DEMO_DIR, help="where to keep the demo (./demo-office)")
    demo.add_argument("--entries", type=int, default=2000, help="size of the demo log (--headless)")
    demo.add_argument("--headless", action="store_true", help="build and verify a demo ledger log, no window")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the demo office in the counter app, or with --headless walk through the demo ledger log."""
    if not args.headless:
        return run_gui(args.dir)
    log_dir = args.dir / "log"
    print(f"Building a demo department log of {args.entries} signed entries in {log_dir} ...")
    build_demo_log(log_dir, args.entries, now_ms=int(time.time() * 1000))
    print("Verifying it end to end (signatures, Merkle tree, signed checkpoint) ...")
    start = time.perf_counter()
    report = verify_log_dir(log_dir)
    print_report(report, time.perf_counter() - start)
    print(f"\nTry: govdesk ledger verify {log_dir}")
    return 0


def run_gui(directory: Path) -> int:
    """Build the demo office if needed, print its logins, and open the counter app on it."""
    office_dir = directory / "office"
    fresh = not OfficeDir(office_dir).exists()
    if fresh:
        print(f"Creating the demo office in {office_dir} ...")
    demo = build_demo_office(office_dir)
    print("Accounts: " + ", ".join(f"{name} ({role})" for name, role in DEMO_ACCOUNTS) + f"; password: {demo.password}")
    print(f"Sample certificates to scan: {demo.path / 'samples'}")
    # app never imports the ui package by name (tests/test_architecture.py); the GUI is loaded as a plug-in.
    application = importlib.import_module("ui.application")
    return application.run(office_dir, user=DEMO_ACCOUNTS[1][0])
