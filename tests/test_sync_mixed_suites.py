"""A mixed federation on loopback: SM2/SM3 and Ed25519 departments witness each other, an office syncs both; an
SM2 office (device and account keys in SM2) pushes to both kinds, and an Ed25519 office does the reverse."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.catalogue.cert_types import CertType
from app.certs import verify
from app.certs.issue import issue_certificate, make_claims
from app.ledger import sm2
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.note import parse_verifier_key
from app.ledger.suites import ED25519, SignatureSuite, key_id, suite_by_name
from app.node.node import node_from_config
from app.node.registry import check_policy
from app.node.storage.interface import EnrolledKey
from app.pki import sm2_x509
from app.pki.sm2_x509 import make_root, name
from app.protocol.refusals import Refusal
from app.protocol.request_auth import RequestCredentials, parse_credentials, sign_request, verify_request
from app.review.signoff import write_signoff
from app.store.registry import KeyRecord
from app.store.replica import open_replica
from app.sync import SyncService, load_policy
from tests.test_sync_support import (
    PASSWORD,
    NodeProc,
    make_federation,
    new_office,
    note_entry,
    running_federation,
    wait_registry_loaded,
)

SUITES = {"taxation": "sm2-sm3", "housing": "ed25519", "civil-affairs": "sm2-sm3"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[NodeProc]]:
    with running_federation(tmp_path_factory.mktemp("mixed"), tuple(SUITES), SUITES) as procs:
        yield procs


def _signature_types(checkpoint: str) -> dict[str, int]:
    """The first byte after the key id of each signature line, by signer name (0xff: SM2; else Ed25519 types)."""
    lines = checkpoint.split("\n\n", 1)[1].strip("\n").split("\n")
    return {line.split(" ")[1]: len(base64.b64decode(line.split(" ")[2])) for line in lines}


def test_sm2_and_ed25519_departments_cosign_each_other_and_an_office_verifies_both(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    for node in nodes:
        assert node.keys.suite == SUITES[node.config.department]
        assert parse_verifier_key(node.keys.log_vkey).sig_type.suite.name == node.keys.suite
        cosigned = node.wait_cosigned(1, witnesses=2)
        sizes = _signature_types(cosigned)
        # the log's own signature: 4-byte key id + 64-byte signature in both suites; cosignatures add 8 bytes
        assert sizes[node.origin] == 68
        assert sorted(v for k, v in sizes.items() if k != node.origin) == [76, 76]
    office = new_office(tmp_path / "office", "mixed-office", nodes)
    now_s = int(time.time())
    issued = {}
    for node in nodes[:2]:  # one SM2 department, one Ed25519 department
        suite = suite_by_name(node.keys.suite)
        signer = suite.signer(node.keys.department_seed)
        claims = make_claims(
            CertType.RESIDENT_EID, node.origin, {"name": "王小明"}, "11010519491231002X", now_s, now_s + 86400
        )
        issued[node.keys.suite] = issue_certificate(claims, signer, now_ms=now_s * 1000)
    office.accounts.add("li.na", "clerk", PASSWORD)
    clerk = open_replica(tmp_path / "office", "li.na", PASSWORD)
    assert {verify(c.text, office=clerk).status.value for c in issued.values()} == {"UNKNOWN_ISSUER"}
    for node in nodes:
        node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
    service = SyncService(office, load_policy(office))
    try:
        report = service.run()
    finally:
        service.close()
    assert report.exit_status == 0, report.summary()
    for suite_name, cert in issued.items():
        verdict = verify(cert.text, office=clerk)
        assert verdict.status.value == "VALID", (suite_name, verdict)
    enrolled = {r[0] for r in office.session.all("SELECT suite FROM registry_keys WHERE role = 'department'")}
    assert enrolled == {"sm2-sm3", "ed25519"}
    # a one-bit change to the SM2-signed certificate is refused
    sm2_text = issued["sm2-sm3"].text
    tampered = sm2_text[:-2] + ("A" if sm2_text[-2] != "A" else "B") + sm2_text[-1]
    assert verify(tampered, office=clerk).status.value != "VALID"
    clerk.close()
    office.close()


def _enrol_certified(node: NodeProc, public_key: bytes, certificate: bytes) -> int:
    live = node_from_config(node.config)
    try:
        return live.enroll(public_key, "department", f"department/{node.config.department}/new", "sm2-sm3", certificate)
    finally:
        live.stop()


def test_a_new_department_key_is_trusted_only_under_the_offices_own_root(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    municipal_ca = sm2.SM2_SM3.signer(sm2.generate_private())
    root = make_root(municipal_ca, "Beijing departments root", now=now)
    rogue_ca = sm2.SM2_SM3.signer(sm2.generate_private())
    rogue_root = make_root(rogue_ca, "Beijing departments root", now=now)  # the same name, another key

    def certify(issuer: sm2.Sm2Signer, issuer_root: sm2_x509.Sm2Certificate, node: NodeProc, key: bytes) -> bytes:
        return sm2_x509.issue_certificate(
            issuer, issuer_root.subject, name(node.origin), key,
            serial=int.from_bytes(key[1:9], "big"), not_before=now - timedelta(hours=1),
            not_after=now + timedelta(days=30), ca=False,
        ).der  # fmt: skip

    nodes = make_federation(tmp_path / "nodes", tuple(SUITES), SUITES)
    taxation, civil_affairs = nodes[0], nodes[2]
    good = sm2.SM2_SM3.signer(sm2.generate_private()).public_key
    bad = sm2.SM2_SM3.signer(sm2.generate_private()).public_key
    # written before the nodes serve: each log then starts with its department key and the new one
    _enrol_certified(taxation, good, certify(municipal_ca, root, taxation, good))
    _enrol_certified(civil_affairs, bad, certify(rogue_ca, rogue_root, civil_affairs, bad))
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_cosigned(2 if node in (taxation, civil_affairs) else 1)
        office = new_office(tmp_path / "office", "rooted-office", nodes)
        try:
            office.trust_roots.add("department", root.der, "confirmed by the administrator")
            for node in nodes:
                node.wait_cosigned(int(node.checkpoint().split("\n")[1]))
            service = SyncService(office, load_policy(office))
            try:
                report = service.run()
            finally:
                service.close()
            # the log whose new department key chains to the office's root syncs; the other is refused
            outcome = {log.origin: log.error is None for log in report.logs}
            assert outcome[taxation.origin] and not outcome[civil_affairs.origin], report.summary()
            assert report.exit_status != 0
            assert office.registry.key(key_id(sm2.SM2_SM3, good)) is not None
            assert office.registry.key(key_id(sm2.SM2_SM3, bad)) is None
        finally:
            office.close()
    finally:
        for node in nodes:
            node.close()


def test_an_sm2_office_pushes_device_and_account_entries_to_sm2_and_ed25519_departments(
    nodes: list[NodeProc], tmp_path: Path
) -> None:
    office = new_office(tmp_path / "office", "sm2-office", nodes, suite="sm2-sm3")
    try:
        assert office.device_signer.suite.name == "sm2-sm3"
        housing = next(n for n in nodes if n.keys.suite == "ed25519")
        sup = office.accounts.add("sup", "supervisor", PASSWORD)
        assert len(sup.public_key) == 65
        # the Ed25519 department enrols the office supervisor's SM2 key; the registry names its suite
        index = housing.enroll(sup.public_key, "supervisor", "sm2-office/sup", "sm2-sm3")
        wait_registry_loaded(housing.url, index)
        office.registry.put_key(
            KeyRecord(sup.kid, "sm2-sm3", sup.public_key, "supervisor", "sup", housing.config.department, 0)
        )
        for node in nodes:  # requests and entries signed by the SM2 device key, to SM2 and Ed25519 nodes alike
            office.outbox.enqueue(node.origin, note_entry(office, node.origin, f"SM2 counter note for {node.origin}"))
        with open_replica(tmp_path / "office", "sup", PASSWORD) as supervisor:
            now = supervisor.session.now_ms()
            write_signoff(supervisor, "sm2-office", "2027-01-15", now - 3_600_000, now, {}, [])
        service = SyncService(office, load_policy(office))
        try:
            report = service.run()
        finally:
            service.close()
        assert report.exit_status == 0, report.summary()
        assert office.outbox.count_pending() == 0
        pushed = {log.origin: log.push.acknowledged for log in report.logs}
        assert pushed[housing.origin] == 2 and all(pushed[n.origin] == 1 for n in nodes if n is not housing)
    finally:
        office.close()
    # the reverse: an Ed25519 office's device writes to the SM2 departments
    classic = new_office(tmp_path / "classic", "ed25519-office", nodes)
    try:
        assert classic.device_signer.suite.name == "ed25519"
        sm2_nodes = [n for n in nodes if n.keys.suite == "sm2-sm3"]
        for node in sm2_nodes:
            classic.outbox.enqueue(node.origin, note_entry(classic, node.origin, "Ed25519 note for an SM2 log"))
        service = SyncService(classic, load_policy(classic))
        try:
            report = service.run()
        finally:
            service.close()
        assert report.exit_status == 0, report.summary()
        assert {log.origin: log.push.acknowledged for log in report.logs if log.origin in
                {n.origin for n in sm2_nodes}} == {n.origin: 1 for n in sm2_nodes}  # fmt: skip
    finally:
        classic.close()


@dataclass(frozen=True)
class _SuiteSwap:
    """A signer that claims `suite` for another suite's public key (an attacker's forgery)."""

    suite: SignatureSuite
    public_key: bytes

    def sign(self, message: bytes) -> bytes:
        return bytes(64)


def test_an_entry_or_request_in_another_suite_than_the_registry_names_is_refused() -> None:
    origin = "housing.ledger.beijing.gov.cn"
    signer = sm2.SM2_SM3.signer(sm2.generate_private())
    kid = key_id(sm2.SM2_SM3, signer.public_key)
    record = EnrolledKey(kid, "sm2-sm3", signer.public_key, "device", "counter", "housing", 1, None)
    good = decode_entry(sign_entry(Entry(origin, "demo.note", 1, kid, {"text": "x"}), signer))
    assert check_policy(good, record, origin, "housing") is record
    # the enrolled SM2 public key presented as an Ed25519 key (COSE alg -8): refused before any signature check
    impostor = _SuiteSwap(ED25519, signer.public_key)
    swapped = key_id(ED25519, signer.public_key)
    bad = decode_entry(sign_entry(Entry(origin, "demo.note", 1, swapped, {"text": "x"}), impostor))
    with pytest.raises(Refusal, match="enrolled as sm2-sm3"):
        check_policy(bad, record, origin, "housing")
    headers = sign_request(signer, "POST", "/add-entry", b"body", 1_000)
    creds = parse_credentials(headers)
    verify_request(creds, record, "POST", "/add-entry", b"body", 1_000, 60_000)  # an SM2 device key's request
    for signature in (b"", b"\x00" * 64, b"\x00" * 65, creds.signature[:-1], ED25519.signer(bytes(32)).sign(b"body")):
        forged = RequestCredentials(kid, 1_000, creds.nonce, signature)
        with pytest.raises(Refusal):
            verify_request(forged, record, "POST", "/add-entry", b"body", 1_000, 60_000)
    unknown = EnrolledKey(kid, "rsa-1024", signer.public_key, "device", "counter", "housing", 1, None)
    with pytest.raises(Refusal):
        verify_request(creds, unknown, "POST", "/add-entry", b"body", 1_000, 60_000)
