"""Read a certificate's QR text from an image file. Kept small so it can later call app.scan instead."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from app.certs.errors import ImageInputError
from app.scan.imagefile import header_size

MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def read_qr_text(path: Path) -> str:
    """Return the text of the first QR code in the image at `path`, or raise ImageInputError."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageInputError(f"cannot open image {path}: {exc.strerror or exc}") from None
    if not path.is_file() or size == 0 or size > MAX_IMAGE_BYTES:
        raise ImageInputError(f"{path} is not an image file of 1 byte to {MAX_IMAGE_BYTES:,} bytes")
    raw = path.read_bytes()
    # The header first, as `govdesk scan` does: a 30000x30000 PNG of a few kilobytes would otherwise be decoded
    # (900 MB, or OpenCV's own refusal as a raw cv2.error) before its size is known.
    dims = header_size(raw[:65536])
    if dims is not None and dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        raise ImageInputError(f"{path} is {dims[0]}x{dims[1]} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels")
    # IMREAD_REDUCED would lose modules; formats without a readable header are checked on the decoded size.
    try:
        image = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error:
        raise ImageInputError(f"{path} is not a readable image (malformed or too large to decode)") from None
    if image is None or image.size == 0:
        raise ImageInputError(f"{path} is not a readable image")
    if image.shape[0] * image.shape[1] > MAX_IMAGE_PIXELS:
        raise ImageInputError(f"{path} has more than {MAX_IMAGE_PIXELS:,} pixels")
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    if not found:
        raise ImageInputError(f"no QR code found in {path}")
    return found[0].text
