"""OFD test support: an SM2 PKI made by the OpenSSL CLI (interop by construction) and documents sealed with it."""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from app.ofd import gm
from app.ofd.build import DocumentSpec, Page, build_members, write_container
from app.ofd.keys import sm2_private_scalar
from app.ofd.seal import SealRequest, make_seal, seal_document
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
        str(abs(hash(name)) % 10**12 + 1), "-out", str(cert), cwd=directory,
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


def jpeg(size: int, seed: int) -> bytes:
    """A JPEG of about `size` bytes (noise compresses poorly, so its size is predictable)."""
    rng = np.random.default_rng(seed)
    side = max(16, int((size / 1.1) ** 0.5 / 1.0))
    image = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return encoded.tobytes()


def seal_png() -> bytes:
    """A red seal ring as PNG."""
    image = np.full((160, 160, 4), 0, dtype=np.uint8)
    cv2.circle(image, (80, 80), 70, (0, 0, 220, 255), 8)
    cv2.circle(image, (80, 80), 20, (0, 0, 220, 255), -1)
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


def licence_spec(pages: int = 1, image_size: int | None = 4000) -> DocumentSpec:
    """A business licence of `pages` pages, each a Chinese paragraph and an image."""
    text = "根据《中华人民共和国市场主体登记管理条例》，经审查，准予登记，特发此照。住所：北京市朝阳区建国路一号。"
    return DocumentSpec(
        title="营业执照",
        pages=[Page((text,), jpeg(image_size, n) if image_size else None) for n in range(pages)],
        licence={
            "name": "营业执照", "number": "91110105MA01ABCD2X", "holder": "北京示例科技有限公司",
            "issuer": "北京市朝阳区市场监督管理局", "valid_from": "2026-01-01", "valid_until": "长期",
        },
    )  # fmt: skip


def seal_request(
    pki: Pki,
    *,
    holder: bytes | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    picture: bytes | None = None,
    es_id: str = "11010500000001",
) -> SealRequest:
    """A seal of the market regulator, held by the PKI's signer unless told otherwise."""
    now = datetime.now(UTC)
    return SealRequest(
        name="北京市朝阳区市场监督管理局", es_id=es_id, vendor_id="govdesk",
        valid_from=valid_from or now - timedelta(days=30), valid_until=valid_until or now + timedelta(days=700),
        picture_png=picture if picture is not None else seal_png(), holder_certificate=holder or pki.signer.cert,
    )  # fmt: skip


def sealed_document(
    pki: Pki,
    *,
    spec: DocumentSpec | None = None,
    seal: bytes | None = None,
    signer: Party | None = None,
    signed_at: datetime | None = None,
) -> dict[str, bytes]:
    """The members of a licence sealed by the PKI's signer with a seal made by its maker."""
    seal = seal if seal is not None else make_seal(seal_request(pki), pki.maker.signer())
    return seal_document(
        build_members(spec or licence_spec()), seal, (signer or pki.signer).signer(), signed_at=signed_at
    )


def to_file(members: dict[str, bytes]) -> bytes:
    """The OFD container of `members`."""
    return write_container(members)


def unzip(data: bytes) -> dict[str, bytes]:
    """The members of an OFD container (tests only: no bounds)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
