"""What a decoder reports for one code found in one frame."""

from __future__ import annotations

from dataclasses import dataclass

QR = "qr"
CODE128 = "code128"
CODE39 = "code39"
EAN13 = "ean13"
PDF417 = "pdf417"
DATAMATRIX = "datamatrix"

# Symbologies in use on government paperwork; the decoders enable only these by default.
DEFAULT_SYMBOLOGIES = (QR, CODE128, CODE39, EAN13)
# 1D codes have weak checksums, so two frames must agree before one is acted on.
LINEAR_SYMBOLOGIES = frozenset({CODE128, CODE39, EAN13})

Point = tuple[float, float]


@dataclass(frozen=True)
class ScanResult:
    """One decoded code: symbology, raw payload bytes, outline in frame pixels and capture time."""

    symbology: str
    payload: bytes
    polygon: tuple[Point, ...]
    timestamp: float
    frame_index: int = -1

    @property
    def text(self) -> str:
        """The payload as text (UTF-8, undecodable bytes replaced)."""
        return self.payload.decode("utf-8", errors="replace")

    @property
    def key(self) -> tuple[str, bytes]:
        """What makes two reads "the same code"."""
        return self.symbology, self.payload

    def to_json_dict(self) -> dict[str, object]:
        """The `govdesk scan --json` line for this result."""
        return {
            "symbology": self.symbology,
            "text": self.text,
            "polygon": [[round(x, 1), round(y, 1)] for x, y in self.polygon],
            "ts": round(self.timestamp, 3),
        }

    def moved(self, dx: float, dy: float, scale: float = 1.0, timestamp: float | None = None) -> ScanResult:
        """The same result with its polygon scaled by `scale` then shifted by (dx, dy)."""
        polygon = tuple((x * scale + dx, y * scale + dy) for x, y in self.polygon)
        ts = self.timestamp if timestamp is None else timestamp
        return ScanResult(self.symbology, self.payload, polygon, ts, self.frame_index)
