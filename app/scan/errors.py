"""Named errors of the scanning area; the UI turns each into a clear message."""

from __future__ import annotations


class ScanError(Exception):
    """Base class of every scanning error."""


class BarcodeLibraryMissing(ScanError):
    """A native decoding library is not installed; the message says how to install it."""


class SourceUnavailable(ScanError):
    """A camera, stream, file or folder cannot be opened (missing, busy, unplugged or unreachable)."""


class UnreadableImage(ScanError):
    """A file is not an image OpenCV can decode (malformed, truncated or of an unknown format)."""


class ImageTooLarge(ScanError):
    """An image file or its pixel count exceeds what the scanner accepts."""
