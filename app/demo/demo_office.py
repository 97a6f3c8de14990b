"""The demo office the README's first command opens.

It builds (once) a local federation of the 11 real departments of resources/departments.json
(app.node federation, SQLite, loopback ports) and a demo office following it: sample accounts enrolled at
the public security bureau's node, sample certificates anchored (one revoked) on that bureau's log, the
office's device key enrolled at every node, and a trust policy built from the federation's listing.
`app.cli.demo_command` runs the nodes in a background process while the counter app is open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from app import settings as settings_file
from app.certs import CertType, issue_certificate, make_claims
from app.certs.issue import revocation_entry
from app.certs.render import write_png
from app.ledger.entry import decode_entry
from app.ledger.suites import Signer, suite_by_name
from app.node.config import load_keys
from app.node.federation import FederationProcess, prepare_federation
from app.node.node import node_from_config
from app.protocol.departments import department
from app.protocol.policy import WINDOW
from app.store.keywrap import DEFAULT_KDF, KdfParams
from app.store.office_files import OfficeDir
from app.store.replica import create_office, open_replica
from app.sync import SyncService, load_policy, policy_from_federation, save_policy

ROOT = Path(__file__).resolve().parents[2]
DEMO_OFFICE_NAME = "东城区政务服务中心 第3窗口"
DEMO_DEPARTMENT = "public-security"  # the counter's staff belong to it; it issues the sample certificates
DEMO_ISSUER = department(DEMO_DEPARTMENT).origin
DEMO_ACCOUNTS = (("admin", "admin"), ("li.na", "clerk"), ("wang.fang", "supervisor"))
DEMO_PASSWORD = "govdesk-demo"
DEMO_QUORUM = 2
DEMO_SYNC_MINUTES = 2
DEMO_SUITE = "sm2-sm3"  # Beijing's departments sign with the national commercial algorithms (GB/T 39786)
DEPARTMENT_COUNT = 11
DAY_S = 86_400
ISSUING_KEY_AGE_DAYS = 5000


@dataclass(frozen=True)
class DemoOffice:
    """A demo office: where it is, who may log in, and the sample certificate images to scan."""

    path: Path
    password: str
    samples: dict[str, Path]

    @property
    def federation_dir(self) -> Path:
        """Where the demo's department nodes live (beside the office)."""
        return federation_dir(self.path)


def federation_dir(office_path: Path) -> Path:
    """The federation directory of the demo office at `office_path`."""
    return office_path.parent / "federation"


def _sample_certificates(now_s: int) -> list[tuple[str, CertType, dict[str, str], str, int, int]]:
    """(file stem, type, display fields, ID number, issued, expires) of each sample certificate."""
    return [
        ("valid-eid", CertType.RESIDENT_EID, {"name": "张伟", "region": "北京市东城区"}, "110101199003071233",
         now_s - 30 * DAY_S, now_s + 3650 * DAY_S),
        ("valid-hukou", CertType.HOUSEHOLD_REGISTER, {"name": "张伟", "region": "北京市东城区", "relation": "户主"},
         "110101199003071233", now_s - 90 * DAY_S, now_s + 3650 * DAY_S),
        ("expired-eid", CertType.RESIDENT_EID, {"name": "李秀英", "region": "北京市西城区"}, "110102198511201243",
         now_s - 4000 * DAY_S, now_s - 10 * DAY_S),
        ("revoked-eid", CertType.RESIDENT_EID, {"name": "王强", "region": "北京市朝阳区"}, "110105197702153314",
         now_s - 200 * DAY_S, now_s + 3000 * DAY_S),
    ]  # fmt: skip


def _issuing_key(config, now_ms: int) -> Signer:
    """Enrol the bureau's certificate-issuing key (in its node's suite) as it was enrolled years ago."""
    suite_name = load_keys(Path(config.keys_file)).suite
    suite = suite_by_name(suite_name)
    signer = suite.signer(suite.generate_private())
    enrolled_s = now_ms / 1000 - ISSUING_KEY_AGE_DAYS * DAY_S
    node = node_from_config(config, clock=lambda: enrolled_s)
    try:
        node.enroll(signer.public_key, "department", f"department/{config.department}/certificates", suite_name)
    finally:
        node.stop()
    return signer


def _write_on_nodes(fed_dir: Path, configs: list, staff: dict[str, bytes], device_key: bytes, samples_dir: Path,
                    now_ms: int, suite: str) -> dict[str, Path]:  # fmt: skip
    """Enrol the office's keys (made in the office's `suite`) and anchor (and revoke) the sample certificates on the
    nodes' own logs."""
    samples: dict[str, Path] = {}
    for config in configs:
        node = node_from_config(config)
        try:
            node.enroll(device_key, "device", f"{DEMO_OFFICE_NAME}/counter-03", suite)
            if config.department != DEMO_DEPARTMENT:
                # 一窗受理: every other department enrols the hall's clerks for the acceptance of its cases.
                for name, role in DEMO_ACCOUNTS[1:]:
                    if role == "clerk":
                        node.enroll(staff[name], WINDOW, f"{DEMO_OFFICE_NAME}/{name}", suite)
                continue
            for name, role in DEMO_ACCOUNTS[1:]:
                node.enroll(staff[name], role, f"{DEMO_OFFICE_NAME}/{name}", suite)
            signer = _issuing_key(config, now_ms)
            for stem, cert_type, display, id_number, issued, expires in _sample_certificates(now_ms // 1000):
                claims = make_claims(cert_type, config.origin, display, id_number, issued, expires)
                cert = issue_certificate(claims, signer, now_ms=now_ms)
                entries = [decode_entry(cert.anchor_entry)]
                if stem.startswith("revoked"):
                    reason = "证件挂失 / reported lost"
                    entries.append(decode_entry(revocation_entry(config.origin, claims.serial, reason, now_ms, signer)))
                for result in node.sequencer.integrate(entries):
                    if not isinstance(result, int):
                        raise RuntimeError(f"the demo node refused a sample certificate: {result}")
                samples[stem] = samples_dir / f"{stem}.png"
                write_png(cert.text, samples[stem], scale=6)
        finally:
            node.stop()
    return samples


def follow_federation(office: Path, federation: FederationProcess, password: str = DEMO_PASSWORD) -> bool:
    """Point the demo office (settings and trust policy) at the nodes' published URLs; return True if they moved."""
    listing = {"nodes": federation.nodes}
    nodes = tuple(settings_file.NodeSetting(n["origin"], n["url"]) for n in federation.nodes)
    current = settings_file.load(office)
    if current.nodes == nodes:
        return False
    settings_file.save(office, replace(current, nodes=nodes))
    with open_replica(office, "admin", password) as replica:
        save_policy(replica, policy_from_federation(listing, quorum=DEMO_QUORUM))
    return True


def build_demo_office(
    path: Path, *, now_ms: int | None = None, kdf: KdfParams = DEFAULT_KDF, suite: str = DEMO_SUITE
) -> DemoOffice:
    """Create (once) the demo's federation beside `path` and a demo office at `path` that has synced with it.

    The 11 departments and the office's accounts and device sign in `suite`: the national SM2/SM3 by default, as
    Beijing deploys; `ed25519` keeps the earlier demo.
    """
    samples_dir = path / "samples"
    if OfficeDir(path).exists():
        return DemoOffice(path, DEMO_PASSWORD, {p.stem: p for p in sorted(samples_dir.glob("*.png"))})
    fed_dir = federation_dir(path)
    configs = prepare_federation(fed_dir, suite=suite)  # each node binds a port of its own when the federation starts
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    samples_dir.mkdir(parents=True, exist_ok=True)
    with create_office(path, DEMO_OFFICE_NAME, "admin", DEMO_PASSWORD, kdf=kdf, suite=suite) as replica:
        staff = {name: replica.accounts.add(name, role, DEMO_PASSWORD).public_key for name, role in DEMO_ACCOUNTS[1:]}
        device_key = replica.device_signer.public_key
    samples = _write_on_nodes(fed_dir, configs, staff, device_key, samples_dir, now_ms, suite)
    settings_file.save(path, settings_file.Settings(camera_source=str(samples_dir), sync_minutes=DEMO_SYNC_MINUTES))
    # The first sync, so the office opens with verified keys, anchors and revocations (as after installation),
    # against the URLs the nodes published when they bound their ports.
    with FederationProcess(fed_dir) as federation:
        follow_federation(path, federation)
        with open_replica(path, "admin", DEMO_PASSWORD) as replica:
            service = SyncService(replica, load_policy(replica))
            try:
                report = service.run()
            finally:
                service.close()
    if report.exit_status:
        raise RuntimeError("the demo office's first sync failed: " + "; ".join(report.summary()))
    return DemoOffice(path, DEMO_PASSWORD, samples)
