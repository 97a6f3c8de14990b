"""Checks that an installed govdesk has its native parts: SQLCipher, OpenCV, both QR decoders, the CJK font.

IT staff run `govdesk self-test` after installing a package; the packaging tests run it on the built bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import segno

from app.certs.render import CJK_FONT, FALLBACK_FONT
from app.scan.decoders import make_decoder
from app.store.connection import check_sqlcipher

PROBE_TEXT = "GOVDESK-SELF-TEST"


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str


def _qr_png() -> bytes:
    """A QR code of PROBE_TEXT as PNG bytes, 8 pixels a module with a quiet zone."""
    matrix = np.array(segno.make_qr(PROBE_TEXT, error="m").matrix, dtype=np.uint8)
    image = np.where(np.kron(np.pad(matrix, 4), np.ones((8, 8), dtype=np.uint8)) > 0, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("OpenCV could not encode a PNG")
    return encoded.tobytes()


def check_opencv() -> str:
    """Round-trip a PNG through OpenCV."""
    image = cv2.imdecode(np.frombuffer(_qr_png(), np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or image.size == 0:
        raise RuntimeError("OpenCV could not decode a PNG")
    return f"OpenCV {cv2.__version__}"


def check_decoder(backend: str) -> str:
    """Read the probe QR code with one decoder backend (pyzbar uses libzbar)."""
    image = cv2.imdecode(np.frombuffer(_qr_png(), np.uint8), cv2.IMREAD_GRAYSCALE)
    results = make_decoder(backend).decode(image)
    texts = [r.text for r in results]
    if texts != [PROBE_TEXT]:
        raise RuntimeError(f"read {texts!r} instead of the probe code")
    return "read the probe QR code"


def check_cjk_font() -> str:
    """Find the CJK font the certificate cards are printed with (a system package, fonts-noto-cjk)."""
    for font in (CJK_FONT, FALLBACK_FONT):
        if font.is_file():
            return str(font)
    raise RuntimeError(f"no CJK font: install fonts-noto-cjk ({CJK_FONT})")


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("sqlcipher", check_sqlcipher),
    ("opencv", check_opencv),
    ("zxing", lambda: check_decoder("zxing")),
    ("zbar", lambda: check_decoder("pyzbar")),
    ("cjk-font", check_cjk_font),
)


def run_checks() -> list[CheckResult]:
    """Run every check; a failing check is reported, never raised."""
    results = []
    for name, check in CHECKS:
        try:
            results.append(CheckResult(name, True, check()))
        except Exception as exc:  # a broken native library may raise anything; report it by name
            results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
    return results
