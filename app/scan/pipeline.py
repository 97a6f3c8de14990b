"""The decoding pipeline: cheap work first on every frame, full work only when it pays.

Per frame: a full-resolution look at the region of the last code seen; a downscaled look at the whole
frame; a full-resolution retry when the downscaled look saw a code it could not read (or, on a cadence,
to catch codes too small to survive downscaling); an inverted look, on a cadence, for light-on-dark codes.
Accepted results go through `ResultFilter` (deduplicate; two frames must agree on a 1D code) and then to
plain-callback subscribers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from app.scan.capture import Frame
from app.scan.decoders import BarcodeDecoder, to_gray
from app.scan.results import LINEAR_SYMBOLOGIES, ScanResult

log = logging.getLogger(__name__)

ResultCallback = Callable[[ScanResult], None]


@dataclass(frozen=True)
class FrameOutcome:
    """What one frame gave: every code read in it (for the outline) and those accepted (to act on)."""

    found: list[ScanResult]
    accepted: list[ScanResult]


@dataclass(frozen=True)
class PipelineSettings:
    """Tuning of the pipeline; the defaults fit a 1280x720 camera on a 2-core office PC."""

    work_width: int = 640  # the cheap pass runs on the frame downscaled to this width
    full_res_every: int = 3  # without a lead, retry at full resolution on every Nth frame
    invert_every: int = 6  # look for light-on-dark codes on every Nth frame
    roi_margin: float = 0.35  # region of interest: the last code's box grown by this fraction per side
    roi_hold_s: float = 1.0  # how long the last code's region stays worth looking at
    dedup_window_s: float = 2.0  # the same code seen again within this time (since last seen) is not re-emitted
    confirm_window_s: float = 0.5  # a 1D code must be read again within this time to be confirmed


class ResultFilter:
    """Deduplication and confirmation: each code is emitted once; a 1D code only after two frames agree."""

    def __init__(self, dedup_window_s: float = 2.0, confirm_window_s: float = 0.5) -> None:
        """Set the two windows, in seconds of frame time."""
        if dedup_window_s < 0 or confirm_window_s < 0:
            raise ValueError("windows must not be negative")
        self.dedup_window_s = dedup_window_s
        self.confirm_window_s = confirm_window_s
        self._last_seen: dict[tuple[str, bytes], float] = {}
        self._pending: dict[tuple[str, bytes], tuple[float, int]] = {}

    def offer(self, results: Iterable[ScanResult], now: float, frame_index: int) -> list[ScanResult]:
        """Return the results from one frame that should be acted on now."""
        accepted = []
        seen_here = set()
        for result in results:
            key = result.key
            if key in seen_here:
                continue
            seen_here.add(key)
            last = self._last_seen.get(key)
            if last is not None and now - last <= self.dedup_window_s:
                self._last_seen[key] = now
                continue
            if result.symbology in LINEAR_SYMBOLOGIES:
                pending = self._pending.get(key)
                if pending is None or now - pending[0] > self.confirm_window_s or pending[1] == frame_index:
                    self._pending[key] = (now, frame_index)
                    continue
                del self._pending[key]
            self._last_seen[key] = now
            accepted.append(result)
        self._forget_before(now)
        return accepted

    def _forget_before(self, now: float) -> None:
        """Drop state older than both windows, so memory stays bounded on a long shift."""
        if len(self._last_seen) > 64:
            self._last_seen = {k: t for k, t in self._last_seen.items() if now - t <= self.dedup_window_s}
        if len(self._pending) > 64:
            self._pending = {k: v for k, v in self._pending.items() if now - v[0] <= self.confirm_window_s}


def _merge(first: list[ScanResult], more: list[ScanResult]) -> list[ScanResult]:
    """Results of two passes over one frame, each code once."""
    keys = {r.key for r in first}
    return first + [r for r in more if r.key not in keys]


class ScanPipeline:
    """Decode frames with a BarcodeDecoder and emit accepted results to subscribers."""

    def __init__(self, decoder: BarcodeDecoder, settings: PipelineSettings = PipelineSettings()) -> None:
        """Use `decoder` with `settings`."""
        self.decoder = decoder
        self.settings = settings
        self.filter = ResultFilter(settings.dedup_window_s, settings.confirm_window_s)
        self._subscribers: list[ResultCallback] = []
        self._roi: tuple[int, int, int, int] | None = None
        self._roi_time = 0.0
        self._idle_frames = 0
        self.frames = 0
        self.passes = {"roi": 0, "small": 0, "full": 0, "inverted": 0}

    def subscribe(self, callback: ResultCallback) -> Callable[[], None]:
        """Call `callback(result)` for every accepted result; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def _pass(self, name: str, pixels: np.ndarray, dx: int = 0, dy: int = 0, scale: float = 1.0) -> tuple[list, int]:
        """One decoder pass; outlines mapped back to frame pixels."""
        self.passes[name] += 1
        results, unread = self.decoder.locate(pixels)
        return [r.moved(dx, dy, scale) for r in results], unread

    def decode_frame(self, image: np.ndarray, now: float = 0.0) -> list[ScanResult]:
        """Every code found in one frame by the staged passes (no deduplication); `now` is frame time."""
        cfg = self.settings
        gray = to_gray(image)
        height, width = gray.shape
        self.frames += 1
        results: list[ScanResult] = []
        if self._roi is not None and now - self._roi_time <= cfg.roi_hold_s:
            x0, y0, x1, y1 = self._roi
            results, _ = self._pass("roi", gray[y0:y1, x0:x1], x0, y0)
        cadence = self._idle_frames if not results else self.frames
        if not results or cadence % cfg.full_res_every == 0:
            # The cheap whole-frame look; while a code is tracked it still runs now and then for a second code.
            scale = width / cfg.work_width if width > cfg.work_width else 1.0
            small = (
                cv2.resize(gray, None, fx=1 / scale, fy=1 / scale, interpolation=cv2.INTER_AREA) if scale > 1 else gray
            )
            found, unread = self._pass("small", small, scale=scale)
            results = _merge(results, found)
            if not results and scale > 1 and (unread or cadence % cfg.full_res_every == 0):
                found, _ = self._pass("full", gray)
                results = _merge(results, found)
            if not results and cadence % cfg.invert_every == 0:
                found, _ = self._pass("inverted", cv2.bitwise_not(small), scale=scale)
                results = _merge(results, found)
        if results:
            self._idle_frames = 0
            self._track(results, width, height, now)
        else:
            self._idle_frames += 1
        return results

    def _track(self, results: list[ScanResult], width: int, height: int, now: float) -> None:
        """Remember the region holding these codes, grown by the margin, for the next frames."""
        points = np.array([p for r in results for p in r.polygon], dtype=np.float32)
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        mx, my = (x1 - x0) * self.settings.roi_margin + 8, (y1 - y0) * self.settings.roi_margin + 8
        self._roi = (
            max(0, int(x0 - mx)),
            max(0, int(y0 - my)),
            min(width, int(x1 + mx) + 1),
            min(height, int(y1 + my) + 1),
        )
        self._roi_time = now

    def process(self, frame: Frame) -> FrameOutcome:
        """Decode one captured frame, filter, emit the accepted results to subscribers, and return both lists."""
        found = [
            ScanResult(r.symbology, r.payload, r.polygon, frame.wall_time, frame.index)
            for r in self.decode_frame(frame.image, frame.arrived)
        ]
        accepted = self.filter.offer(found, frame.arrived, frame.index)
        for result in accepted:
            for callback in list(self._subscribers):
                try:
                    callback(result)
                except Exception:
                    log.exception("scan result subscriber failed")
        return FrameOutcome(found, accepted)

    def reset(self) -> None:
        """Forget the tracked region and every seen code (for example after the source changed)."""
        self._roi = None
        self._idle_frames = 0
        self.filter = ResultFilter(self.settings.dedup_window_s, self.settings.confirm_window_s)
