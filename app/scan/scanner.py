"""The scanner: a capture thread and a decode thread joined by the latest-frame slot.

Subscribers are plain callbacks run on the decode (or capture) thread; a Qt adapter in `ui/` re-emits
them as signals. `close()` stops both threads and waits a bounded time, so closing never hangs the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.scan.capture import CaptureThread, Frame, SourceStatus
from app.scan.decoders import BarcodeDecoder, make_decoder
from app.scan.pipeline import PipelineSettings, ScanPipeline
from app.scan.results import ScanResult
from app.scan.sources import FrameSource

log = logging.getLogger(__name__)

FrameCallback = Callable[[Frame, list[ScanResult]], None]
StatusCallback = Callable[[SourceStatus], None]


@dataclass(frozen=True)
class ScannerStats:
    """Counters for the status bar and the benchmark."""

    captured: int
    decoded: int
    dropped: int
    reconnects: int


class Scanner:
    """Read `source`, decode every latest frame, and tell subscribers about codes, frames and status."""

    def __init__(
        self,
        source: FrameSource,
        decoder: BarcodeDecoder | None = None,
        settings: PipelineSettings | None = None,
        *,
        lossless: bool | None = None,
        realtime: bool = False,
        reconnect_delays: tuple[float, ...] | None = None,
    ) -> None:
        """Prepare (not start) both threads; making the default decoder may raise BarcodeLibraryMissing."""
        self.pipeline = ScanPipeline(decoder or make_decoder(), settings or PipelineSettings())
        extra = {} if reconnect_delays is None else {"reconnect_delays": reconnect_delays}
        self.capture = CaptureThread(source, lossless=lossless, realtime=realtime, on_status=self._status, **extra)
        self._frame_subscribers: list[FrameCallback] = []
        self._status_subscribers: list[StatusCallback] = []
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="govdesk-decode", daemon=True)
        self.decoded = 0

    def subscribe(self, callback: Callable[[ScanResult], None]) -> Callable[[], None]:
        """Call `callback(result)` once per accepted code; returns an unsubscribe function."""
        return self.pipeline.subscribe(callback)

    def on_frame(self, callback: FrameCallback) -> None:
        """Call `callback(frame, codes_read_in_it)` after each decoded frame (for a preview)."""
        self._frame_subscribers.append(callback)

    def on_status(self, callback: StatusCallback) -> None:
        """Call `callback(status)` when the source opens, is lost, comes back or ends."""
        self._status_subscribers.append(callback)

    def start(self) -> Scanner:
        """Start both threads; returns self."""
        self.capture.start()
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the input has ended and every frame taken was decoded; True if it has."""
        return self._done.wait(timeout)

    def close(self, timeout: float = 3.0) -> bool:
        """Stop capture and decoding; True if both threads finished within `timeout` seconds."""
        self._stop.set()
        captured_stopped = self.capture.close(timeout)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return captured_stopped and not self._thread.is_alive()

    def __enter__(self) -> Scanner:
        """Start on entering a with-block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Close on leaving a with-block."""
        self.close()

    @property
    def stats(self) -> ScannerStats:
        """Frames captured, decoded and dropped so far, and reconnects."""
        return ScannerStats(self.capture.captured, self.decoded, self.capture.dropped, self.capture.reconnects)

    def _status(self, status: SourceStatus) -> None:
        """Fan a capture status out to subscribers."""
        for callback in list(self._status_subscribers):
            try:
                callback(status)
            except Exception:
                log.exception("scan status subscriber failed")

    def _run(self) -> None:
        """Decode loop: take the newest frame, decode it, tell subscribers."""
        try:
            while not self._stop.is_set():
                frame = self.capture.latest(timeout=0.2)
                if frame is None:
                    if self.capture.ended:
                        break
                    continue
                outcome = self.pipeline.process(frame)
                self.decoded += 1
                for callback in list(self._frame_subscribers):
                    try:
                        callback(frame, outcome.found)
                    except Exception:
                        log.exception("scan frame subscriber failed")
        except Exception as exc:
            log.exception("decode thread failed")
            self._status(SourceStatus("error", f"decoding failed: {exc}"))
        finally:
            self._done.set()
