"""The capture thread: reads a source at its own pace and always hands on the latest frame.

A single slot holds the newest frame; a frame replaced before anyone took it counts as dropped. File
sources can run lossless (the thread waits for the consumer) so every frame of a video gets decoded.
A live source that fails is reported and reopened with backoff; nothing here ever blocks forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.scan.errors import ScanError
from app.scan.sources import FrameSource

log = logging.getLogger(__name__)

RECONNECT_DELAYS_S = (0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Frame:
    """One captured BGR image, its sequence number, and when it arrived (monotonic and wall clock)."""

    image: np.ndarray
    index: int
    arrived: float
    wall_time: float


@dataclass(frozen=True)
class SourceStatus:
    """A change the clerk should hear about: opened, unavailable, lost, reconnected, skipped, ended, closed."""

    state: str
    message: str


StatusCallback = Callable[[SourceStatus], None]


class CaptureThread:
    """Runs `source` in its own thread; `latest()` returns the newest frame not yet taken."""

    def __init__(
        self,
        source: FrameSource,
        *,
        lossless: bool | None = None,
        realtime: bool = False,
        reconnect_delays: Sequence[float] = RECONNECT_DELAYS_S,
        on_status: StatusCallback | None = None,
    ) -> None:
        """`lossless` defaults to True for file sources and False for live ones; `realtime` paces files at their fps."""
        self.source = source
        self.lossless = (not source.live) if lossless is None else lossless
        self.realtime = realtime
        self.reconnect_delays = tuple(reconnect_delays) or (1.0,)
        self._on_status = on_status
        self._cond = threading.Condition()
        self._slot: Frame | None = None
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(target=self._run, name=f"govdesk-capture:{source.description}", daemon=True)
        self.captured = 0
        self.dropped = 0
        self.reconnects = 0
        self.last_status: SourceStatus | None = None

    def start(self) -> None:
        """Start capturing."""
        self._thread.start()

    @property
    def ended(self) -> bool:
        """True once the source is done (end of file/folder, or closed) and its last frame was taken."""
        with self._cond:
            return self._ended and self._slot is None

    @property
    def alive(self) -> bool:
        """True while the capture thread runs."""
        return self._thread.is_alive()

    def latest(self, timeout: float | None = None) -> Frame | None:
        """Take the newest untaken frame, waiting up to `timeout` seconds; None on timeout or end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._slot is None and not self._ended:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)
            frame, self._slot = self._slot, None
            self._cond.notify_all()
            return frame

    def close(self, timeout: float = 3.0) -> bool:
        """Stop the thread and release the source; True if the thread finished within `timeout`."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _status(self, state: str, message: str) -> None:
        """Record and report a status change; a failing callback never kills capture."""
        status = SourceStatus(state, message)
        self.last_status = status
        if state in ("unavailable", "lost", "skipped"):
            log.info("%s", message)
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("scan status callback failed")

    def _finish(self) -> None:
        """Mark the source as ended and wake the consumer."""
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def _open(self, attempt: int, was_lost: bool) -> bool:
        """Try to open the source once; report the outcome."""
        try:
            self.source.open()
        except ScanError as exc:
            if self.source.live:
                delay = self.reconnect_delays[min(attempt, len(self.reconnect_delays) - 1)]
                self._status("unavailable", f"{exc}; retrying in {delay:g} s")
            else:
                self._status("unavailable", str(exc))
            return False
        if was_lost:
            self.reconnects += 1
            self._status("reconnected", f"{self.source.description} is back")
        else:
            self._status("opened", f"reading {self.source.description}")
        return True

    def _run(self) -> None:
        """Capture loop: open, read, hand on, reconnect."""
        attempt, was_lost, is_open = 0, False, False
        next_due = time.monotonic()
        try:
            while not self._stop.is_set():
                if not is_open:
                    is_open = self._open(attempt, was_lost)
                    if not is_open:
                        if not self.source.live:
                            break
                        self._stop.wait(self.reconnect_delays[min(attempt, len(self.reconnect_delays) - 1)])
                        attempt += 1
                        continue
                    attempt = 0
                    next_due = time.monotonic()
                try:
                    image = self.source.read()
                except ScanError as exc:
                    self._status("skipped", str(exc))
                    continue
                if image is None:
                    self.source.release()
                    is_open = False
                    if not self.source.live:
                        self._status("ended", f"end of {self.source.description}")
                        break
                    was_lost = True
                    self._status("lost", f"{self.source.description} stopped sending frames; reconnecting")
                    continue
                if self.realtime and self.source.fps > 0:
                    next_due += 1.0 / self.source.fps
                    delay = next_due - time.monotonic()
                    if delay < -0.5:  # fell behind (a slow disk, a busy machine): do not burst to catch up
                        next_due = time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                self._hand_on(image)
        except Exception as exc:  # a capture bug must not take the app down; report it instead
            log.exception("capture thread failed")
            self._status("error", f"capture of {self.source.description} failed: {exc}")
        finally:
            self.source.release()
            self._finish()

    def _hand_on(self, image: np.ndarray) -> None:
        """Put a frame in the slot, dropping an untaken one (or waiting for it to be taken when lossless)."""
        frame = Frame(image, self.captured, time.monotonic(), time.time())
        self.captured += 1
        with self._cond:
            if self.lossless:
                while self._slot is not None and not self._stop.is_set():
                    self._cond.wait(0.1)
            if self._slot is not None:
                self.dropped += 1
            self._slot = frame
            self._cond.notify_all()
