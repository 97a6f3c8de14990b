"""`govdesk ofd`: verify (exit 0/1/2, the JSON shape), make-seal, issue at a department, revocation serials."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.certs.image_input import read_qr_text
from app.cli.main import main
from app.ofd.counter import anchor_fact
from app.ofd.print_copy import qr_text
from app.ofd.verify import OfdTrust, verify_bytes
from app.pki.sm2_x509 import load_certificate as load_x509
from app.protocol.departments import department
from app.store.replica import create_office, open_replica
from tests.ofd_support import Pki, make_pki, seal_png, sealed_document, to_file, unzip
from tests.store_support import FAST_KDF

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ofd"
ORIGIN = department("market-supervision").origin
SIGNATURE_KEYS = {"id", "kind", "valid", "trusted", "revoked", "signer", "reason", "message"}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    return code, capsys.readouterr().out


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_valid_and_trusted_exits_0(pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "licence.ofd"
    path.write_bytes(to_file(sealed_document(pki)))
    code, out = run(["ofd", "verify", str(path), "--json", "--trust-root", str(pki.root.cert_path)], capsys)
    doc = last_json(out)
    assert code == 0 and doc["valid"] and doc["trusted"]
    assert set(doc) == {"valid", "trusted", "signatures"}
    (sig,) = doc["signatures"]
    assert set(sig) == SIGNATURE_KEYS
    assert sig == {**sig, "id": "1", "kind": "seal-v4", "reason": "ok", "signer": "北京市市场监督管理局"}
    code, out = run(["ofd", "verify", str(path), "--trust-root", str(pki.root.cert_path)], capsys)
    assert code == 0 and "document: VALID, trusted [ok]" in out and "Asia/Shanghai" in out


def test_untrusted_exits_1(pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "licence.ofd"
    path.write_bytes(to_file(sealed_document(pki)))
    code, out = run(["ofd", "verify", str(path), "--json"], capsys)
    doc = last_json(out)
    assert code == 1 and doc["valid"] and not doc["trusted"]
    assert doc["signatures"][0]["reason"] == "issuer_untrusted"


def test_other_vendors_invoice_exits_1_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["ofd", "verify", str(FIXTURES / "DigitalSign.ofd"), "--json"], capsys)
    doc = last_json(out)
    assert code == 1 and not doc["valid"]
    assert doc["signatures"][0]["kind"] == "digital" and doc["signatures"][0]["reason"] == "signer_unknown"


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_unreadable_exits_2_and_still_prints_json(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.ofd"
    path.write_bytes(content)
    code, out = run(["ofd", "verify", str(path), "--json"], capsys)
    assert code == 2 and last_json(out) == {"valid": False, "trusted": False, "signatures": []}
    code, out = run(["ofd", "verify", str(tmp_path / "missing.ofd"), "--json"], capsys)
    assert code == 2 and last_json(out)["valid"] is False


def test_make_seal_issue_verify_and_revoke(pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A department makes its seal, issues a licence (anchored), a counter verifies it; revoking the seal shows."""
    office = tmp_path / "records"
    with create_office(office, "Market Regulation Records Office", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("officer", "clerk", "officer-pw")
    picture = tmp_path / "seal.png"
    picture.write_bytes(seal_png())
    seal = tmp_path / "seal.esl"
    argv = ["ofd", "make-seal", "--maker-key", str(pki.maker.key_path), "--maker-cert", str(pki.maker.cert_path)]
    argv += ["--holder-cert", str(pki.signer.cert_path), "--name", "北京市市场监督管理局", "--es-id", "1101000001"]
    assert run([*argv, "--picture", str(picture), "--out", str(seal)], capsys)[0] == 0
    assert run([*argv, "--picture", str(picture), "--out", str(seal)], capsys)[0] == 2  # never overwrites
    ledger_key = tmp_path / "dept.key"
    assert run(["cert", "keygen", str(ledger_key)], capsys)[0] == 0
    out_file = tmp_path / "citizen-copy.ofd"
    argv = ["ofd", "issue", "--office", str(office), "--user", "officer", "--password-stdin", "--department", ORIGIN]
    argv += ["--ledger-key", str(ledger_key), "--seal", str(seal), "--seal-key", str(pki.signer.key_path)]
    argv += ["--seal-cert", str(pki.signer.cert_path), "--title", "营业执照", "--paragraph", "准予登记，特发此照。"]
    argv += ["--field", "holder=北京示例科技有限公司", "--field", "number=91110105MA01ABCD2X", "--out", str(out_file)]
    wrong_key = [*argv[:-1], str(tmp_path / "wrong.ofd")]
    wrong_key[wrong_key.index(str(pki.signer.key_path))] = str(pki.maker.key_path)
    assert run(wrong_key, capsys, "officer-pw\n")[0] == 2  # the key does not belong to the certificate
    code, out = run(argv, capsys, "officer-pw\n")
    assert code == 0, out
    data = out_file.read_bytes()
    verdict = verify_bytes(data, OfdTrust(roots=(load_x509(pki.root.cert),)))
    assert verdict.valid and verdict.trusted and verdict.licence["holder"] == "北京示例科技有限公司"
    with open_replica(office, "officer", "officer-pw") as replica:
        fact = anchor_fact(replica, data)
        assert fact is not None and fact.issuer == ORIGIN and fact.kind == "licence" and not fact.revoked
        assert replica.outbox.count_pending() == 1
    pdf = tmp_path / "copy.pdf"
    code, out = run(["ofd", "print", str(out_file), "--pdf", str(pdf)], capsys)
    assert code == 0 and "GDOFD1:" in out
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    assert read_qr_text(page) == qr_text(verdict.doc_id, data)
    shown = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "北京示例科技有限公司" in shown and "营业执照" in shown
    broken = tmp_path / "broken.ofd"
    members = unzip(data)
    page = "Doc_0/Pages/Page_0/Content.xml"
    broken.write_bytes(to_file({**members, page: members[page].replace("准予登记".encode(), "准予登讫".encode())}))
    assert run(["ofd", "print", str(broken), "--pdf", str(tmp_path / "no.pdf")], capsys)[0] == 2
    code, out = run(["ofd", "revocation-serial", "--seal", str(seal)], capsys)
    assert code == 0 and len(out.strip()) == 20
    # at a counter: trust the root (admin, audited), verify against the office; revoke the seal; verify again
    admin = ["--office", str(office), "--user", "admin", "--password-stdin"]
    assert run(["ofd", "roots", "add", *admin, "--cert", str(pki.other_root.cert_path)], capsys, "admin-pw\n")[0] == 0
    officer = ["--office", str(office), "--user", "officer", "--password-stdin"]
    refused = run(["ofd", "roots", "add", *officer, "--cert", str(pki.root.cert_path)], capsys, "officer-pw\n")
    assert refused[0] == 2
    code, listed = run(["ofd", "roots", "list", *officer], capsys, "officer-pw\n")
    assert code == 0 and "Unrelated Root" in listed
    code, shown = run(["ofd", "verify", str(out_file), "--json", *officer], capsys, "officer-pw\n")
    assert code == 1 and last_json(shown)["signatures"][0]["reason"] == "issuer_untrusted"
    assert run(["ofd", "roots", "add", *admin, "--cert", str(pki.root.cert_path)], capsys, "admin-pw\n")[0] == 0
    code, shown = run(["ofd", "verify", str(out_file), "--json", *officer], capsys, "officer-pw\n")
    assert code == 0 and last_json(shown)["trusted"]
    revoke = ["cert", "revoke", *officer, "--key", str(ledger_key), "--issuer", ORIGIN, "--serial", out.strip()]
    assert run([*revoke, "--reason", "seal lost / 印章遗失"], capsys, "officer-pw\n")[0] == 0
    code, shown = run(["ofd", "verify", str(out_file), "--json", *officer], capsys, "officer-pw\n")
    doc = last_json(shown)
    assert code == 1 and doc["valid"] and not doc["trusted"] and doc["signatures"][0]["revoked"]
    code, cert_serial = run(["ofd", "revocation-serial", "--cert", str(pki.signer.cert_path)], capsys)
    assert code == 0 and cert_serial.strip() != out.strip()
