"""The seal key is administered like other keys (issue 18): a department enrols its seal key in its registry with
the role `seal`, which may only anchor OFD documents; revoking it makes what it seals afterwards "seal key revoked" at
a counter, while what it sealed and anchored before stays valid with the revocation time stated. Against real nodes
on loopback; the node refuses a seal-key enrolment from anyone but the department's own key."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.suites import ED25519, key_id, suite_by_name
from app.node.node import node_from_config
from app.ofd.build import DocumentSpec, Page
from app.ofd.counter import anchor_fact, verify_at_office
from app.ofd.gm import SM2_SUITE
from app.ofd.issue import IssuedDocument, issue_document, record_issue
from app.ofd.verdict import word
from app.ofd.verify import OfdTrust, SealKeyStanding, verify_bytes
from app.pki.sm2_x509 import load_certificate as load_x509
from app.protocol.departments import department
from app.protocol.policy import step_may_write
from app.protocol.refusals import Code, Refusal
from app.store.errors import PermissionDenied
from app.store.replica import Replica, create_office, open_replica
from app.sync import SyncService, load_policy
from app.sync.transport import RetryPolicy
from tests.ofd_support import Pki, pki, seal, sealed_document, to_file
from tests.store_support import FAST_KDF
from tests.test_sync_support import NodeProc, new_office, running_federation, wait_registry_loaded

__all__ = ["pki", "seal"]

SUITES = {"taxation": "sm2-sm3", "housing": "ed25519", "civil-affairs": "ed25519"}
FAST_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.2, timeout_s=5)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    """Three department nodes in their own processes on loopback; taxation signs in SM2."""
    with running_federation(tmp_path_factory.mktemp("sealkey"), tuple(SUITES), SUITES) as procs:
        yield procs


def _enrol_seal_key(node: NodeProc, pki: Pki, subject: str = "seal/taxation/records-office") -> int:
    """The department enrols the seal holder's key with its certificate, as `govdesk node enroll --role seal` does."""
    live = node_from_config(node.config)
    try:
        index = live.enroll(_point(pki), "seal", subject, "sm2-sm3", pki.signer.cert)
    finally:
        live.stop()
    wait_registry_loaded(node.url, index)
    return index


def _point(pki: Pki) -> bytes:
    """The seal holder's SM2 public key (04||x||y)."""
    return pki.signer.signer().ledger_signer.public_key


def _revoke(node: NodeProc, kid: bytes) -> int:
    """The department revokes a key (`govdesk node revoke`)."""
    live = node_from_config(node.config)
    try:
        index = live.revoke(kid, "seal key lost")
    finally:
        live.stop()
    wait_registry_loaded(node.url, index)
    return index


def _issue(records: Replica, pki: Pki, seal: bytes, origin: str, title: str, at: datetime) -> IssuedDocument:
    """Seal a licence at the records office; its anchor is signed by the seal key itself and queued."""
    signer = pki.signer.signer()
    issued = issue_document(
        DocumentSpec(title=title, pages=[Page((title,))], licence={"name": title, "holder": "北京示例科技有限公司"}),
        seal=seal, seal_signer=signer, department=origin, ledger_signer=signer.ledger_signer, now=at,
    )  # fmt: skip
    record_issue(records, issued)
    return issued


def _sync(replica: Replica, tasks: list) -> None:
    """One sync run; the refusals the nodes gave go to `tasks`."""
    report = SyncService(replica, load_policy(replica), retry=FAST_RETRY, on_task=tasks.append).run()
    assert report.exit_status == 0, report.summary()


def test_an_enrolled_seal_key_anchors_and_its_revocation_splits_before_from_after(
    nodes: list[NodeProc], tmp_path: Path, pki: Pki, seal: bytes
) -> None:
    taxation = nodes[0]
    kid = key_id(suite_by_name("sm2-sm3"), _point(pki))
    _enrol_seal_key(taxation, pki)
    records = new_office(tmp_path / "records", "records-office", nodes, suite="sm2-sm3")
    counter = new_office(tmp_path / "counter", "counter-office", nodes, suite="sm2-sm3")
    counter.trust_roots.add("seal", pki.root.cert, "Beijing seal root (test)")
    try:
        before = _issue(records, pki, seal, taxation.origin, "营业执照（撤销前）", datetime.now(UTC))
        tasks: list = []
        _sync(records, tasks)
        assert tasks == [] and records.outbox.count_pending() == 0  # the node took the seal key's anchor
        earlier = datetime.now(UTC)  # before the revocation, after the seal certificate was made
        revoked_index = _revoke(taxation, kid)
        later = datetime.now(UTC) + timedelta(seconds=2)  # whole seconds on the seal: clear of the revocation
        after = _issue(records, pki, seal, taxation.origin, "营业执照（撤销后）", later)
        _sync(records, tasks)
        assert [t.code for t in tasks] == ["revoked_signer"]  # the revoked key anchors nothing more
        # a backdated seal: its own clock says before the revocation, but no anchor on the log says so
        backdated = _issue(records, pki, seal, taxation.origin, "营业执照（倒签）", earlier)

        _sync(counter, [])
        key = counter.registry.key(kid)
        assert key is not None and key.role == "seal" and key.department == taxation.origin
        assert key.revoked_at_ms is not None
        kept = verify_at_office(counter, before.ofd)
        assert kept.valid and kept.trusted and kept.reason == "ok", kept.message
        [signature] = kept.signatures
        assert signature.seal_key_department == taxation.origin
        assert signature.seal_key_revoked_ms == key.revoked_at_ms  # stated on the card
        fact = anchor_fact(counter, before.ofd)
        assert fact is not None and fact.issuer == taxation.origin and not fact.revoked
        assert fact.anchored_ms == before.anchored_ms  # the anchoring entry's time, as sync read it from the log
        assert fact.issuer_zh == department("taxation").name_zh and fact.issuer_en == department("taxation").name_en

        late = verify_at_office(counter, after.ofd)
        assert late.valid and not late.trusted and late.reason == "seal_key_revoked"
        assert late.signatures[0].revoked and late.signatures[0].reason == "seal_key_revoked"
        assert late.params["revoked_at_ms"] == key.revoked_at_ms
        assert "Seal key revoked" in late.message and "Beijing time" in late.message
        assert "印章密钥已被撤销" in word(late.reason, late.params, language="zh_CN")

        forged = verify_at_office(counter, backdated.ofd)
        assert forged.valid and not forged.trusted and forged.reason == "seal_key_revoked_unanchored"
        assert revoked_index > 0
    finally:
        records.close()
        counter.close()


def test_only_the_departments_own_key_enrols_a_seal_key(nodes: list[NodeProc], tmp_path: Path, pki: Pki) -> None:
    taxation, housing = nodes[0], nodes[1]
    holder = pki.short_signer  # a seal holder of its own: the other tests enrol and revoke the main signer's key
    public = holder.signer().ledger_signer.public_key
    body = {
        "kid": key_id(SM2_SUITE, public), "suite": "sm2-sm3", "public_key": public, "role": "seal",
        "subject": "seal/taxation/second", "department": "taxation", "certificate": holder.cert,
    }  # fmt: skip
    live = node_from_config(taxation.config)
    try:
        wait_registry_loaded(taxation.url, live.enroll(public, "seal", body["subject"], "sm2-sm3", holder.cert))
    finally:
        live.stop()
    office = new_office(tmp_path / "office", "office-x", nodes, suite="sm2-sm3", only=[taxation.origin])
    try:
        # a counter device's signer will not sign an enrolment; signed with its raw key, the node refuses it
        enrolment = Entry(taxation.origin, "registry.enroll", 1, office.device_kid, body)
        with pytest.raises(PermissionDenied):
            sign_entry(enrolment, office.device_signer)
        raw_device = SM2_SUITE.signer(office.session.one("SELECT private_key FROM device")[0])
        device_entry = sign_entry(enrolment, raw_device)
        office.outbox.enqueue(taxation.origin, device_entry)
        # the enrolled seal key itself enrols a key (here its own, for another subject)
        seal_signer = holder.signer().ledger_signer
        self_entry = sign_entry(
            Entry(taxation.origin, "registry.enroll", 2, key_id(SM2_SUITE, public), {**body, "subject": "x"}),
            seal_signer,
        )
        office.outbox.enqueue(taxation.origin, self_entry)
        tasks: list = []
        _sync(office, tasks)
        assert sorted(t.code for t in tasks) == ["role_not_allowed", "role_not_allowed"]
    finally:
        office.close()
    # another department's key: housing's department key writing into taxation's log is not enrolled there
    housing_live = node_from_config(housing.config)
    try:
        foreign = housing_live.department_entry("registry.enroll", body)
    finally:
        housing_live.stop()
    taxation_live = node_from_config(taxation.config)
    try:
        taxation_live.open()
        [result] = taxation_live.sequencer.integrate([foreign])
        assert isinstance(result, Refusal) and result.code == Code.WRONG_LOG
        # the department's own key: a malformed seal enrolment is refused all the same
        ed_public = ED25519.signer(ED25519.generate_private()).public_key
        for bad, why in (
            ({**body, "suite": "ed25519", "public_key": ed_public, "kid": key_id(ED25519, ed_public)}, "sm2-sm3"),
            ({k: v for k, v in body.items() if k != "certificate"}, "certificate"),
            ({**body, "department": "housing"}, "not enrolled here"),
        ):
            result = taxation_live.write_department_entry("registry.enroll", bad)
            assert isinstance(result, Refusal) and why in result.message, (bad, result)
    finally:
        taxation_live.stop()


def test_a_seal_key_may_write_only_the_anchor_of_an_ofd_document() -> None:
    assert step_may_write("seal", "cert.anchor", {"cert_type": "ofd.licence"})
    for etype, body in (
        ("cert.anchor", {"cert_type": "resident-eid"}),
        ("cert.anchor", {"cert_type": 7}),
        ("cert.anchor", ["ofd.licence"]),
        ("cert.revoke", {"serial": "X"}),
        ("case.step", {"step": "decide"}),
        ("registry.enroll", {"role": "seal"}),
        ("registry.revoke", {}),
    ):
        assert not step_may_write("seal", etype, body), (etype, body)


def test_govdesk_node_enroll_seal_takes_the_key_from_the_certificate(
    nodes: list[NodeProc], tmp_path: Path, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    civil = nodes[2]
    command = ["node", "enroll", "--config", str(civil.path), "--role", "seal", "--subject", "seal/civil/records"]
    assert main([*command, "--public-key", _point(pki).hex()]) != 0
    assert "--certificate" in capsys.readouterr().err
    garbage = tmp_path / "garbage.pem"
    for content in (b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", b"\x30\x03\x02\x01", b""):
        garbage.write_bytes(content)
        assert main([*command, "--certificate", str(garbage)]) != 0
        assert "--certificate" in capsys.readouterr().err
    assert main([*command, "--certificate", str(pki.maker.cert_path)]) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["role"] == "seal"
    assert bytes.fromhex(printed["public_key"]) == pki.maker.signer().ledger_signer.public_key
    wait_registry_loaded(civil.url, printed["index"])


def test_a_revoked_seal_keys_document_is_vouched_for_only_by_its_own_departments_anchor(pki: Pki, seal: bytes) -> None:
    signed_at = datetime.now(UTC).replace(microsecond=0)
    signer = pki.signer.signer()
    data = to_file(sealed_document(pki, seal=seal, signed_at=signed_at))
    revoked_ms = int(signed_at.timestamp() * 1000) + 60_000  # a minute after the seal
    standing = {signer.ledger_signer.public_key: SealKeyStanding("taxation.example", revoked_ms)}
    trust = OfdTrust(roots=(load_x509(pki.root.cert),), seal_key=standing.get)
    assert verify_bytes(data, trust).reason == "seal_key_revoked_unanchored"
    assert verify_bytes(data, replace(trust, anchored_by="housing.example")).reason == "seal_key_revoked_unanchored"
    vouched = verify_bytes(data, replace(trust, anchored_by="taxation.example"))
    assert vouched.valid and vouched.trusted and vouched.signatures[0].seal_key_revoked_ms == revoked_ms
    standing[signer.ledger_signer.public_key] = SealKeyStanding("taxation.example", revoked_ms - 120_000)
    after = verify_bytes(data, replace(trust, anchored_by="housing.example"))
    assert after.reason == "seal_key_revoked" and after.signatures[0].revoked and not after.trusted
    standing[signer.ledger_signer.public_key] = SealKeyStanding("taxation.example", None)
    standing_key = verify_bytes(data, trust)
    assert standing_key.trusted and standing_key.signatures[0].seal_key_department == "taxation.example"
    assert verify_bytes(data, OfdTrust(roots=trust.roots)).signatures[0].seal_key_department == ""  # not enrolled


def test_ofd_issue_without_a_ledger_key_anchors_with_the_seal_key(
    pki: Pki, seal: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "records"
    with create_office(office, "Taxation Records Office", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("officer", "clerk", "officer-pw")
    (tmp_path / "seal.esl").write_bytes(seal)
    origin = "taxation.ledger.beijing.gov.cn"
    argv = ["ofd", "issue", "--office", str(office), "--user", "officer", "--password-stdin", "--department", origin]
    argv += ["--seal", str(tmp_path / "seal.esl"), "--seal-key", str(pki.signer.key_path)]
    argv += ["--seal-cert", str(pki.signer.cert_path), "--title", "完税证明", "--out", str(tmp_path / "copy.ofd")]
    monkeypatch.setattr("sys.stdin", io.StringIO("officer-pw\n"))
    assert main(argv) == 0, capsys.readouterr().err
    with open_replica(office, "officer", "officer-pw") as replica:
        [queued] = replica.outbox.pending()
    anchor = decode_entry(queued.data)
    assert anchor.entry.type == "cert.anchor" and anchor.entry.body["cert_type"] == "ofd.licence"
    assert anchor.kid == key_id(SM2_SUITE, _point(pki))  # the enrolled seal key signs its own anchor
    anchor.verify(_point(pki))
