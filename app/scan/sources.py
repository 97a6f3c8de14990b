"""Frame sources: a camera index, a video file, a still image, a folder of images or a stream URL.

Cameras, files and streams all go through `cv2.VideoCapture`; still images go through `load_image`.
A source is opened, read and released by the capture thread only.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from app.scan.errors import SourceUnavailable
from app.scan.imagefile import IMAGE_SUFFIXES, load_image

STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt")
OPEN_TIMEOUT_MS = 5000
READ_TIMEOUT_MS = 5000

# OpenCV logs every failed camera probe to stderr; the scanner reports its own clear messages instead.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


@dataclass(frozen=True)
class SourceSettings:
    """Requested capture format; 0 means "whatever the device gives"."""

    width: int = 0
    height: int = 0
    fps: float = 0.0


class FrameSource(ABC):
    """Something frames come from. `live` sources are reconnected when lost; others end."""

    description: str = ""
    live: bool = False

    @property
    def fps(self) -> float:
        """Nominal frame rate (0 when unknown or not meaningful)."""
        return 0.0

    @abstractmethod
    def open(self) -> None:
        """Open the source, or raise SourceUnavailable with a message for the clerk."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """The next BGR frame; None when a file ends or a live source is lost. May raise ScanError for one bad item."""

    @abstractmethod
    def release(self) -> None:
        """Free the device or file; safe to call twice."""


def _fit(image: np.ndarray, settings: SourceSettings) -> np.ndarray:
    """Resize to the requested resolution when one was asked for and the source gave another."""
    if settings.width and settings.height and (image.shape[1], image.shape[0]) != (settings.width, settings.height):
        return cv2.resize(image, (settings.width, settings.height), interpolation=cv2.INTER_AREA)
    return image


class VideoCaptureSource(FrameSource):
    """A camera index, video file or stream URL read through cv2.VideoCapture."""

    def __init__(
        self, target: int | str, kind: str, settings: SourceSettings = SourceSettings(), live: bool | None = None
    ):
        """`kind` is "camera", "video" or "stream"; cameras and streams are live unless told otherwise."""
        self.target = target
        self.kind = kind
        self.settings = settings
        self.live = kind != "video" if live is None else live
        self.description = f"camera {target}" if kind == "camera" else f"{kind} {target}"
        self._cap: cv2.VideoCapture | None = None

    @property
    def fps(self) -> float:
        """The device's or file's frame rate, if it reports one."""
        if self._cap is not None:
            value = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
            if 0 < value < 1000:
                return value
        return float(self.settings.fps)

    def open(self) -> None:
        """Open the device, file or stream, applying the requested format."""
        self.release()
        if self.kind == "video" and not Path(str(self.target)).is_file():
            raise SourceUnavailable(f"video file {self.target} not found")
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS]
        cap = cv2.VideoCapture(self.target, cv2.CAP_ANY, params)
        if not cap.isOpened():
            cap.release()
            if self.kind == "camera":
                raise SourceUnavailable(
                    f"camera {self.target} could not be opened: it is not connected, or another program is using it"
                )
            if self.kind == "stream":
                raise SourceUnavailable(f"stream {self.target} could not be reached")
            raise SourceUnavailable(f"video file {self.target} could not be opened (not a video OpenCV can read)")
        if self.kind != "video":
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # keep the driver from queueing stale frames
            if self.settings.width and self.settings.height:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.settings.width)
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.settings.height)
            if self.settings.fps:
                cap.set(cv2.CAP_PROP_FPS, self.settings.fps)
        self._cap = cap

    def read(self) -> np.ndarray | None:
        """Grab and decode the next frame."""
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        return _fit(image, self.settings)

    def release(self) -> None:
        """Release the VideoCapture."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageFileSource(FrameSource):
    """One still image: a single frame, then the end."""

    def __init__(self, path: Path, settings: SourceSettings = SourceSettings()):
        """Remember the path; the image is read on open."""
        self.path = path
        self.settings = settings
        self.description = f"image {path}"
        self._image: np.ndarray | None = None

    def open(self) -> None:
        """Load and check the image."""
        self._image = _fit(load_image(self.path), self.settings)

    def read(self) -> np.ndarray | None:
        """The image once, then None."""
        image, self._image = self._image, None
        return image

    def release(self) -> None:
        """Drop the image."""
        self._image = None


class ImageFolderSource(FrameSource):
    """Every image file in a folder, in name order; a bad file is reported and skipped."""

    def __init__(self, path: Path, settings: SourceSettings = SourceSettings()):
        """Remember the folder; it is listed on open."""
        self.path = path
        self.settings = settings
        self.description = f"folder {path}"
        self._pending: list[Path] = []

    def open(self) -> None:
        """List the folder's image files."""
        try:
            entries = sorted(self.path.iterdir())
        except OSError as exc:
            raise SourceUnavailable(f"cannot read folder {self.path}: {exc.strerror or exc}") from exc
        self._pending = [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
        if not self._pending:
            raise SourceUnavailable(f"folder {self.path} holds no image files")

    def read(self) -> np.ndarray | None:
        """The next image, or None when the folder is done; raises ScanError naming a bad file."""
        if not self._pending:
            return None
        return _fit(load_image(self._pending.pop(0)), self.settings)

    def release(self) -> None:
        """Forget the remaining files."""
        self._pending = []


def open_source(spec: str, settings: SourceSettings = SourceSettings()) -> FrameSource:
    """Turn a --source value (camera index, URL, folder, image or video path) into an unopened source."""
    text = spec.strip()
    if re.fullmatch(r"\d{1,3}", text):
        return VideoCaptureSource(int(text), "camera", settings)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in STREAM_SCHEMES:
        return VideoCaptureSource(text, "stream", settings)
    if scheme:
        raise SourceUnavailable(f"unsupported source {spec!r}: streams must use one of {', '.join(STREAM_SCHEMES)}")
    path = Path(text).expanduser()
    if not path.exists():
        raise SourceUnavailable(f"source {spec!r} is neither a camera index nor an existing file or folder")
    if path.is_dir():
        return ImageFolderSource(path, settings)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFileSource(path, settings)
    return VideoCaptureSource(str(path), "video", settings)


__all__ = [
    "FrameSource",
    "ImageFileSource",
    "ImageFolderSource",
    "SourceSettings",
    "VideoCaptureSource",
    "open_source",
]
