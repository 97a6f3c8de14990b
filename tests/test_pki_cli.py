"""`govdesk pki`: a CA made here certifies a key made by OpenSSL; OpenSSL reads the CA's key; chains verify."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.cli.main import main
from app.cli.pki_command import read_private_key
from app.ledger import sm2


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60, check=False)


def test_make_ca_issue_and_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ca_dir = tmp_path / "ca"
    assert main(["pki", "make-ca", str(ca_dir), "--name", "Beijing test root"]) == 0
    assert (ca_dir / "ca.key").stat().st_mode & 0o777 == 0o600
    assert main(["pki", "make-ca", str(ca_dir)]) == 2  # made once
    # OpenSSL reads the CA key as the same SM2 key the certificate names
    exported = _openssl("pkey", "-in", "ca/ca.key", "-pubout", "-outform", "DER", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    private = read_private_key(ca_dir / "ca.key")
    assert sm2.public_key_from_spki(exported.stdout) == sm2.public_key_from_private(private)
    # a node key made by OpenSSL gets certified
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "node.key", cwd=tmp_path).returncode == 0
    spki = _openssl("pkey", "-in", "node.key", "-pubout", "-outform", "DER", cwd=tmp_path).stdout
    node_public = sm2.public_key_from_spki(spki).hex()
    cert = tmp_path / "node.pem"
    args = ["pki", "issue", str(ca_dir), "--name", "taxation.ledger.beijing.gov.cn", "--public-key", node_public]
    assert main([*args, "--out", str(cert)]) == 0
    capsys.readouterr()
    assert main(["pki", "verify", str(cert), "--root", str(ca_dir / "ca.pem")]) == 0
    assert "OK  taxation.ledger.beijing.gov.cn" in capsys.readouterr().out
    checked = _openssl("verify", "-vfyopt", "distid:1234567812345678", "-CAfile", "ca/ca.pem", "node.pem", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # another root refuses it, with the code
    other = tmp_path / "other"
    assert main(["pki", "make-ca", str(other)]) == 0
    capsys.readouterr()
    assert main(["pki", "verify", str(cert), "--root", str(other / "ca.pem")]) == 1
    assert "REFUSED certificate_untrusted" in capsys.readouterr().out


@pytest.mark.parametrize(
    "public_key", ["zz", "04" + "00" * 64, "02" + "11" * 32, ""], ids=["not-hex", "off-curve", "compressed", "empty"]
)
def test_issue_refuses_bad_public_keys(tmp_path: Path, public_key: str) -> None:
    assert main(["pki", "make-ca", str(tmp_path / "ca")]) == 0
    assert main(["pki", "issue", str(tmp_path / "ca"), "--name", "x", "--public-key", public_key]) == 2


def test_hostile_key_and_certificate_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / "ca.key").write_text("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
    (tmp_path / "ca" / "ca.pem").write_text("not a certificate")
    public = sm2.public_key_from_private(sm2.generate_private()).hex()
    assert main(["pki", "issue", str(tmp_path / "ca"), "--name", "x", "--public-key", public]) == 2
    (tmp_path / "junk.pem").write_bytes(b"\x30\x82\xff\xff")
    assert main(["pki", "verify", str(tmp_path / "junk.pem"), "--root", str(tmp_path / "junk.pem")]) == 1
    assert "REFUSED certificate_malformed" in capsys.readouterr().out
