"""Camera scanning: capture frames, decode QR codes and barcodes, and hand on each code once.

Nothing here knows about Qt: results, frames and status changes go to plain-callback subscribers.
The native decoding libraries are loaded only when a decoder is made.
"""

from app.scan.capture import CaptureThread, Frame, SourceStatus
from app.scan.decoders import DEFAULT_BACKEND, BarcodeDecoder, PyzbarDecoder, ZxingDecoder, make_decoder
from app.scan.errors import (
    BarcodeLibraryMissing,
    ImageTooLarge,
    ScanError,
    SourceUnavailable,
    UnreadableImage,
)
from app.scan.pipeline import PipelineSettings, ResultFilter, ScanPipeline
from app.scan.results import LINEAR_SYMBOLOGIES, ScanResult
from app.scan.scanner import Scanner
from app.scan.sources import FrameSource, SourceSettings, open_source

__all__ = [
    "DEFAULT_BACKEND",
    "LINEAR_SYMBOLOGIES",
    "BarcodeDecoder",
    "BarcodeLibraryMissing",
    "CaptureThread",
    "Frame",
    "FrameSource",
    "ImageTooLarge",
    "PipelineSettings",
    "PyzbarDecoder",
    "ResultFilter",
    "ScanError",
    "ScanPipeline",
    "ScanResult",
    "Scanner",
    "SourceSettings",
    "SourceStatus",
    "SourceUnavailable",
    "UnreadableImage",
    "ZxingDecoder",
    "make_decoder",
    "open_source",
]
