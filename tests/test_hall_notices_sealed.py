"""受理回执, 一次性告知单 and 不予受理通知书 issued as OFD documents sealed with the department's seal (issue #19): each
verifies (`govdesk ofd verify`) against the seal root, says what the notice says, is anchored for the issuing
department's log; a tampered copy is refused; what cannot be a notice is refused and nothing is written or queued."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.hall.notices import acceptance_receipt, one_time_notice, refusal_notice
from app.hall.sealed_notice import NOTICE_KINDS, issue_notice
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519, Signer
from app.ofd.counter import anchor_fact
from app.ofd.errors import IssueError
from app.ofd.verify import OfdTrust, verify_bytes
from app.pki.sm2_x509 import load_certificate as load_x509
from app.protocol.departments import department
from app.store.replica import create_office, open_replica
from tests.ofd_support import Pki, pki, seal, to_file, unzip
from tests.store_support import FAST_KDF
from tests.test_ofd_cli import last_json, run

CATALOGUE = load_catalogue()
SERVICE = next(s for s in CATALOGUE.services if s.promised_days >= 5 and len(s.materials) >= 3)
LEAD = department(SERVICE.lead)
CASE = "GD-2026-000123"
PAGE = "Doc_0/Pages/Page_0/Content.xml"
__all__ = ["pki", "seal"]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """The department's records office (where its seal is used), with an officer account."""
    path = tmp_path / "records"
    with create_office(path, "Records Office", "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("officer", "clerk", "pw")
    return path


@pytest.fixture
def ledger_key() -> Signer:
    return ED25519.signer(ED25519.generate_private())


def page_text(ofd: bytes) -> str:
    """The page's text as a reader sees it (the lines the layout wrapped, joined again)."""
    lines = re.findall(r"<ofd:TextCode[^>]*>(.*?)</ofd:TextCode>", unzip(ofd)[PAGE].decode("utf-8"))
    return html.unescape("".join(lines))


def test_the_three_notices_are_sealed_verified_and_anchored(records: Path, pki: Pki, seal: bytes,
                                                            ledger_key: Signer) -> None:  # fmt: skip
    at_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    given = [m.id for m in SERVICE.materials]
    notices = [
        acceptance_receipt(CATALOGUE, SERVICE.id, CASE, given, at_ms, 3),
        one_time_notice(CATALOGUE, SERVICE.id, given[:1], at_ms, 3),
        refusal_notice(CATALOGUE, SERVICE.id, "申请事项不属于本部门职权范围", at_ms, 3),
    ]
    trust = OfdTrust(roots=(load_x509(pki.root.cert),))
    with open_replica(records, "officer", "pw") as replica:
        for notice in notices:
            issued = issue_notice(replica, notice, seal=seal, seal_signer=pki.signer.signer(), ledger_signer=ledger_key)
            verdict = verify_bytes(issued.ofd, trust)
            assert verdict.valid and verdict.trusted, verdict.reason
            assert verdict.licence["name"] == notice.title and verdict.licence["issuer"] == LEAD.name_zh
            text = page_text(issued.ofd)
            assert notice.title in text and notice.closing in text and SERVICE.code.implementation in text
            assert all(item in text for item in notice.items)
            if notice.qr is not None:  # the receipt names its case
                assert CASE in text and verdict.licence["number"] == CASE
            fact = anchor_fact(replica, issued.ofd)
            assert fact is not None and fact.issuer == LEAD.origin and fact.kind == NOTICE_KINDS[notice.kind]
            anchor = decode_entry(issued.anchor_entry).entry
            assert anchor.log == LEAD.origin and anchor.body["cert_type"] == f"ofd.{NOTICE_KINDS[notice.kind]}"
        assert replica.outbox.count_pending() == 3  # one anchor per notice, for the lead department's log

        # A seal used with a key that is not its holder's is refused before anything is queued.
        with pytest.raises(IssueError):
            issue_notice(replica, notices[0], seal=seal, seal_signer=pki.maker.signer(), ledger_signer=ledger_key)
        assert replica.outbox.count_pending() == 3


def test_govdesk_issues_a_sealed_receipt_that_verifies_and_a_tampered_one_that_does_not(
    records: Path, pki: Pki, seal: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    esl = tmp_path / "seal.esl"
    esl.write_bytes(seal)
    key = tmp_path / "dept.key"
    assert run(["cert", "keygen", str(key)], capsys)[0] == 0
    out = tmp_path / "receipt.ofd"
    argv = ["ofd", "issue-notice", "--office", str(records), "--user", "officer", "--password-stdin"]
    argv += ["--ledger-key", str(key), "--seal", str(esl), "--seal-key", str(pki.signer.key_path)]
    argv += ["--seal-cert", str(pki.signer.cert_path), "--out", str(out), "--service", SERVICE.id, "--window", "3"]
    received = [a for m in SERVICE.materials for a in ("--received", m.id)]
    code, said = run([*argv, "--notice", "acceptance_receipt", "--case", CASE, *received], capsys, "pw\n")
    assert code == 0 and LEAD.origin in said
    root = ["--trust-root", str(pki.root.cert_path)]
    code, shown = run(["ofd", "verify", str(out), "--json", *root], capsys)
    verdict = last_json(shown)
    assert code == 0 and verdict["valid"] and verdict["trusted"]
    code, shown = run(["ofd", "verify", str(out), *root], capsys)
    assert code == 0 and f"number: {CASE}" in shown and "name: 受理回执" in shown
    assert run(["ofd", "verify", str(out), "--json"], capsys)[0] == 1  # valid, but no trusted root given

    members = unzip(out.read_bytes())
    material = CATALOGUE.materials[SERVICE.materials[0].id].zh
    forged = tmp_path / "forged.ofd"
    forged.write_bytes(to_file({**members, PAGE: members[PAGE].replace(CASE.encode(), b"GD-2026-999999")}))
    code, shown = run(["ofd", "verify", str(forged), "--json", *root], capsys)
    assert code == 1 and not last_json(shown)["valid"]
    dropped = tmp_path / "dropped.ofd"
    dropped.write_bytes(to_file({**members, PAGE: members[PAGE].replace(material.encode(), b"")}))
    assert run(["ofd", "verify", str(dropped), "--json", *root], capsys)[0] == 1
    signatures = [name for name in members if name.endswith("SignedValue.dat")]
    assert signatures
    flipped = dict(members)
    flipped[signatures[0]] = members[signatures[0]][:-1] + bytes([members[signatures[0]][-1] ^ 1])
    broken = tmp_path / "broken.ofd"
    broken.write_bytes(to_file(flipped))
    code, shown = run(["ofd", "verify", str(broken), "--json", *root], capsys)
    assert code == 1 and last_json(shown)["signatures"][0]["reason"] == "signature_invalid"

    # What cannot be a notice: refused, nothing written, nothing queued.
    with open_replica(records, "officer", "pw") as replica:
        queued = replica.outbox.count_pending()
    assert queued == 1
    refused = tmp_path / "refused.ofd"
    bad = [
        ["--notice", "acceptance_receipt", *received],  # no case number
        ["--notice", "acceptance_receipt", "--case", CASE, *received[:2]],  # a material missing: not accepted
        ["--notice", "one_time_notice", "--received", "no-such-material"],
        ["--notice", "one_time_notice", *received],  # nothing missing
        ["--notice", "refusal_notice"],  # no reason
        ["--notice", "refusal_notice", "--reason", "\x00"],
        ["--notice", "refusal_notice", "--reason", "理由", "--window", "0"],
    ]
    for extra in bad:
        argv_bad = [*argv[: argv.index("--out")], "--out", str(refused), *argv[argv.index("--out") + 2 :], *extra]
        assert run(argv_bad, capsys, "pw\n")[0] == 2, extra
        assert not refused.exists()
    unknown = [*argv[: argv.index("--service") + 1], "no.such-service", "--notice", "refusal_notice", "--reason", "x"]
    unknown[unknown.index(str(out))] = str(refused)
    assert run(unknown, capsys, "pw\n")[0] == 2 and not refused.exists()
    with open_replica(records, "officer", "pw") as replica:
        assert replica.outbox.count_pending() == queued
