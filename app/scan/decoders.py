"""Barcode decoders behind one small interface; each native library is loaded only when its decoder is made.

`zxing` is the default: in `bench/scan.py` it ran the pipeline several times faster than pyzbar and read
dense codes at least as well. `pyzbar` (the owner's choice) stays fully supported behind the same interface.
"""

from __future__ import annotations

import importlib
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import ModuleType
from typing import ClassVar

import cv2
import numpy as np

from app.scan.errors import BarcodeLibraryMissing
from app.scan.results import CODE39, CODE128, DATAMATRIX, DEFAULT_SYMBOLOGIES, EAN13, PDF417, QR, ScanResult

DEFAULT_BACKEND = "zxing"
BACKENDS = ("zxing", "pyzbar")


class BarcodeDecoder(ABC):
    """Decode every enabled code in one frame (BGR or grayscale uint8 array)."""

    name: str = ""

    @abstractmethod
    def decode(self, frame: np.ndarray) -> list[ScanResult]:
        """Return every code read in `frame`, outlines in `frame` pixels, stamped with the current time."""

    def locate(self, frame: np.ndarray) -> tuple[list[ScanResult], int]:
        """Decode, and also count codes that were found but could not be read (0 if the library cannot tell)."""
        return self.decode(frame), 0


def to_gray(frame: np.ndarray) -> np.ndarray:
    """A contiguous single-channel uint8 copy or view of a BGR, BGRA or gray frame."""
    if frame.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        frame = cv2.cvtColor(frame, code)
    return np.ascontiguousarray(frame, dtype=np.uint8)


class PyzbarDecoder(BarcodeDecoder):
    """zbar through pyzbar, with only the symbologies in use enabled (all of them is ~3x slower and noisy)."""

    name = "pyzbar"
    _NAMES: ClassVar[dict[str, str]] = {QR: "QRCODE", CODE128: "CODE128", CODE39: "CODE39", EAN13: "EAN13"}

    def __init__(self, symbologies: Sequence[str] = DEFAULT_SYMBOLOGIES) -> None:
        """Load libzbar now, or raise BarcodeLibraryMissing saying how to install it."""
        unknown = [s for s in symbologies if s not in self._NAMES]
        if unknown:
            raise ValueError(f"pyzbar backend cannot read {', '.join(unknown)}")
        try:
            self._zbar: ModuleType = importlib.import_module("pyzbar.pyzbar")
        except ImportError as exc:  # pyzbar raises ImportError when libzbar.so is missing
            raise BarcodeLibraryMissing(
                "the zbar barcode library (libzbar0) is not installed; "
                "install it with: sudo apt-get install libzbar0"
                f" ({exc})"
            ) from exc
        self._symbols = [getattr(self._zbar.ZBarSymbol, self._NAMES[s]) for s in symbologies]
        self._back = {v: k for k, v in self._NAMES.items()}

    def decode(self, frame: np.ndarray) -> list[ScanResult]:
        """Decode with zbar."""
        gray = to_gray(frame)
        now = time.time()
        found = self._zbar.decode((gray.tobytes(), gray.shape[1], gray.shape[0]), symbols=self._symbols)
        return [
            ScanResult(
                self._back.get(code.type, code.type.lower()),
                bytes(code.data),
                tuple((float(p.x), float(p.y)) for p in code.polygon),
                now,
            )
            for code in found
        ]


class ZxingDecoder(BarcodeDecoder):
    """zxing-cpp: faster than zbar and better on dense codes; also reads PDF417 and DataMatrix if asked."""

    name = "zxing"
    _NAMES: ClassVar[dict[str, str]] = {
        QR: "QRCode",
        CODE128: "Code128",
        CODE39: "Code39",
        EAN13: "EAN13",
        PDF417: "PDF417",
        DATAMATRIX: "DataMatrix",
    }

    def __init__(self, symbologies: Sequence[str] = DEFAULT_SYMBOLOGIES, try_rotate: bool = True) -> None:
        """Load zxing-cpp now, or raise BarcodeLibraryMissing saying how to install it."""
        unknown = [s for s in symbologies if s not in self._NAMES]
        if unknown:
            raise ValueError(f"zxing backend cannot read {', '.join(unknown)}")
        try:
            self._zx: ModuleType = importlib.import_module("zxingcpp")
        except ImportError as exc:
            raise BarcodeLibraryMissing(
                f"the zxing-cpp barcode library is not installed; install it with: pip install zxing-cpp ({exc})"
            ) from exc
        formats = self._zx.BarcodeFormat
        self._formats = tuple(getattr(formats, self._NAMES[s]) for s in symbologies)
        self._back = {getattr(formats, v).name: k for k, v in self._NAMES.items()}
        self._try_rotate = try_rotate

    def _read(self, frame: np.ndarray, with_errors: bool) -> list:
        """Run zxing once on the given pixels only: the pipeline does its own downscaling and inversion."""
        return self._zx.read_barcodes(
            to_gray(frame),
            formats=self._formats,
            try_rotate=self._try_rotate,
            try_downscale=False,
            try_invert=False,
            return_errors=with_errors,
        )

    def _result(self, code: object, now: float) -> ScanResult:
        """Convert one zxing barcode."""
        pos = code.position
        corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        symbology = self._back.get(code.format.name, code.format.name.lower())
        return ScanResult(symbology, bytes(code.bytes), tuple((float(p.x), float(p.y)) for p in corners), now)

    def decode(self, frame: np.ndarray) -> list[ScanResult]:
        """Decode with zxing-cpp."""
        now = time.time()
        return [self._result(code, now) for code in self._read(frame, False)]

    def locate(self, frame: np.ndarray) -> tuple[list[ScanResult], int]:
        """Decode, and count codes zxing found but could not read (worth a full-resolution retry)."""
        now = time.time()
        codes = self._read(frame, True)
        results = [self._result(code, now) for code in codes if code.valid]
        return results, sum(1 for code in codes if not code.valid)


def make_decoder(backend: str | None = None, symbologies: Sequence[str] = DEFAULT_SYMBOLOGIES) -> BarcodeDecoder:
    """Make the named decoder; with no name, the default (zxing), falling back to pyzbar if it is missing."""
    if backend == "pyzbar":
        return PyzbarDecoder(symbologies)
    if backend == "zxing":
        return ZxingDecoder(symbologies)
    if backend is not None:
        raise ValueError(f"unknown barcode backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    try:
        return ZxingDecoder(symbologies)
    except BarcodeLibraryMissing:
        return PyzbarDecoder(symbologies)
