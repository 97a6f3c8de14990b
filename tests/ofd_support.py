"""OFD test support: documents sealed with the demo PKI (made by the OpenSSL CLI, so interop by construction)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from app.ofd.build import DocumentSpec, Page, build_members, write_container
from app.ofd.demo_pki import DISTID, Party, Pki, make_pki
from app.ofd.seal import SealRequest, make_seal, seal_document

__all__ = ["DISTID", "Party", "Pki", "make_pki"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A demo PKI (root, seal maker, seal holder) made once per module by the OpenSSL CLI."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def seal(pki: Pki) -> bytes:
    """A seal of the market regulator made by the PKI's maker for its signer."""
    return make_seal(seal_request(pki), pki.maker.signer())


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
