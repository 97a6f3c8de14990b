"""A demo SM2 PKI for seals, made with the OpenSSL 3 CLI: a root, a seal maker, a department signer.

For the demo federation, tests and the benchmark only. Real seal certificates come from a licensed CA;
making these with OpenSSL keeps govdesk honest about reading what other tools make.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.ofd import gm
from app.ofd.keys import sm2_private_scalar
from app.ofd.x509_input import parse_certificates

DISTID = "distid:1234567812345678"


@dataclass(frozen=True)
class Party:
    """A certificate (DER), its PEM file, its key file and a seal signer for it."""

    cert: bytes
    cert_path: Path
    key_path: Path

    def signer(self) -> gm.Sm2SealSigner:
        """A seal signer with this party's key and certificate."""
        return gm.Sm2SealSigner(self.cert, sm2_private_scalar(self.key_path.read_bytes()))


@dataclass(frozen=True)
class Pki:
    """A trusted root, a seal maker and a department signer under it, and an unrelated root."""

    root: Party
    maker: Party
    signer: Party
    other_root: Party
    short_signer: Party  # valid for one day from its creation


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _key(directory: Path, name: str) -> Path:
    path = directory / f"{name}.key"
    _run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(path), cwd=directory)
    return path


def _root(directory: Path, name: str, subject: str) -> Party:
    key = _key(directory, name)
    cert = directory / f"{name}.pem"
    _run(
        "req", "-new", "-x509", "-key", str(key), "-sm3", "-sigopt", DISTID, "-utf8", "-subj", subject,
        "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
        "-out", str(cert), cwd=directory,
    )  # fmt: skip
    return Party(parse_certificates(cert.read_bytes())[0], cert, key)


def _leaf(directory: Path, name: str, subject: str, root: Party, days: int = 365) -> Party:
    key = _key(directory, name)
    csr, cert, ext = directory / f"{name}.csr", directory / f"{name}.pem", directory / f"{name}.ext"
    ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n")
    _run("req", "-new", "-key", str(key), "-sm3", "-sigopt", DISTID, "-utf8", "-subj", subject, "-out", str(csr),
         cwd=directory)  # fmt: skip
    _run(
        "x509", "-req", "-in", str(csr), "-CA", str(root.cert_path), "-CAkey", str(root.key_path), "-sm3",
        "-sigopt", DISTID, "-vfyopt", DISTID, "-days", str(days), "-extfile", str(ext), "-set_serial",
        str(int.from_bytes(name.encode()[:6].ljust(6, b"\0"), "big")), "-out", str(cert), cwd=directory,
    )  # fmt: skip
    return Party(parse_certificates(cert.read_bytes())[0], cert, key)


def make_pki(directory: Path) -> Pki:
    """Make the test PKI with the OpenSSL CLI in `directory`."""
    root = _root(directory, "root", "/C=CN/O=Beijing/CN=北京市电子印章根证书（测试）")
    other = _root(directory, "other", "/C=CN/CN=Unrelated Root")
    maker = _leaf(directory, "maker", "/C=CN/O=Beijing/CN=北京市电子印章制作中心（测试）", root)
    signer = _leaf(directory, "signer", "/C=CN/O=Beijing/CN=北京市市场监督管理局", root)
    short = _leaf(directory, "short", "/C=CN/CN=Short Lived Signer", root, days=1)
    return Pki(root, maker, signer, other, short)
