"""Load one still image safely: a clear error for a missing, malformed or oversized file, never a huge allocation."""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np

from app.scan.errors import ImageTooLarge, SourceUnavailable, UnreadableImage

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"})
MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel document scan is already far more than a code needs


def header_size(head: bytes) -> tuple[int, int] | None:
    """Read (width, height) from a PNG or JPEG header without decoding pixels; None if not found."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24 and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 <= len(head):
            if head[pos] != 0xFF:
                return None
            marker = head[pos + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            (length,) = struct.unpack(">H", head[pos + 2 : pos + 4])
            # Start-of-frame markers (baseline, progressive, ...) carry height then width.
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", head[pos + 5 : pos + 9])
                return width, height
            pos += 2 + length
    return None


def load_image(path: Path, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> np.ndarray:
    """Decode the image at `path` as BGR, or raise SourceUnavailable, UnreadableImage or ImageTooLarge."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceUnavailable(f"cannot open image {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise SourceUnavailable(f"{path} is not a file")
    if size > max_bytes:
        raise ImageTooLarge(f"image {path} is {size:,} bytes; the limit is {max_bytes:,}")
    if size == 0:
        raise UnreadableImage(f"image {path} is empty")
    data = path.read_bytes()
    dims = header_size(data[:65536])
    if dims is not None and dims[0] * dims[1] > max_pixels:
        raise ImageTooLarge(f"image {path} is {dims[0]}x{dims[1]} pixels; the limit is {max_pixels:,} pixels")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise UnreadableImage(f"{path} is not a readable image (malformed, truncated or an unknown format)")
    if image.shape[0] * image.shape[1] > max_pixels:
        raise ImageTooLarge(f"image {path} is {image.shape[1]}x{image.shape[0]} pixels; the limit is {max_pixels:,}")
    return image
