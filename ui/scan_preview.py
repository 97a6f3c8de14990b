"""The camera preview: shows the latest frame and outlines every code read in it.

`ScanSignals` is the one adapter between the scanner's plain callbacks (called on its worker threads) and
Qt: it re-emits them as signals, so the widget is only ever touched on the GUI thread. Frames are coalesced:
at most one decoded frame waits for the GUI thread (a newer one replaces it), so a busy GUI thread never
queues up full-size camera frames (2.7 MB each at 1280x720) in memory.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from app.scan.capture import Frame, SourceStatus
from app.scan.results import ScanResult
from app.scan.scanner import Scanner

# The outline of a code just read (its verdict not shown yet), then the verdict's colour: green, amber or red.
OUTLINE_COLOR = QColor(80, 160, 255)
VERDICT_OUTLINES = {"green": QColor(0, 200, 80), "amber": QColor(240, 170, 0), "red": QColor(230, 40, 40)}


class ScanSignals(QObject):
    """Re-emits a Scanner's callbacks as Qt signals (queued to the GUI thread)."""

    frame_ready = Signal(object, object)  # BGR numpy image, list[ScanResult] read in it
    code_read = Signal(object)  # ScanResult accepted by the pipeline
    status_changed = Signal(object)  # SourceStatus
    _frame_waiting = Signal()  # a frame is in the slot; queued to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        """Create the adapter with an empty latest-frame slot."""
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: tuple[np.ndarray, list[ScanResult]] | None = None
        self._frame_waiting.connect(self._deliver_frame)

    def attach(self, scanner: Scanner) -> None:
        """Subscribe to `scanner`; call before `scanner.start()`."""
        scanner.on_frame(self._frame)
        scanner.subscribe(self.code_read.emit)
        scanner.on_status(self.status_changed.emit)

    def _frame(self, frame: Frame, results: list[ScanResult]) -> None:
        """Put a decoded frame in the slot (replacing one the GUI thread has not taken yet)."""
        with self._lock:
            waiting = self._latest is not None
            self._latest = (frame.image, results)
        if not waiting:
            self._frame_waiting.emit()

    @Slot()
    def _deliver_frame(self) -> None:
        """On the GUI thread: take the newest frame from the slot and emit it."""
        with self._lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            self.frame_ready.emit(*latest)


def to_qimage(image: np.ndarray) -> QImage:
    """Copy a BGR or gray numpy frame into a QImage that owns its pixels."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    if image.ndim == 2:
        return QImage(image.data, width, height, image.strides[0], QImage.Format.Format_Grayscale8).copy()
    return QImage(image.data, width, height, image.strides[0], QImage.Format.Format_BGR888).copy()


class ScanPreview(QWidget):
    """Draws the latest frame, scaled to fit, with each read code's outline and the camera status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty, with a hint that the camera is starting."""
        super().__init__(parent)
        self.setMinimumSize(320, 180)
        self._image: QImage | None = None
        self._outlines: list[QPolygonF] = []
        self.outline_colour = OUTLINE_COLOR
        self._status = self.tr("Starting camera…")

    def connect_signals(self, signals: ScanSignals) -> None:
        """Show what `signals` carries."""
        signals.frame_ready.connect(self.show_frame)
        signals.status_changed.connect(self.show_status)

    @property
    def outlines(self) -> list[QPolygonF]:
        """Outlines of the codes read in the frame on show, in frame pixels."""
        return list(self._outlines)

    def show_image(self, image: QImage) -> None:
        """Show a still image (a demo sample as it was scanned) with no outline."""
        self._image = image if not image.isNull() else None
        self._outlines = []
        self.update()

    def show_verdict_colour(self, colour: str | None) -> None:
        """Outline the code just verified in its verdict's colour ('green', 'amber', 'red'; None: not yet known)."""
        self.outline_colour = VERDICT_OUTLINES.get(colour or "", OUTLINE_COLOR)
        self.update()

    def show_frame(self, image: np.ndarray, results: list[ScanResult]) -> None:
        """Show a frame and outline the codes read in it."""
        self._image = to_qimage(image)
        self._outlines = [QPolygonF([QPointF(x, y) for x, y in r.polygon]) for r in results]
        self.update()

    def show_status(self, status: SourceStatus) -> None:
        """Show a camera status line (lost, reconnected, ended) over the preview."""
        texts = {
            "opened": self.tr("Camera ready"),
            "unavailable": self.tr("Camera unavailable, retrying: %1"),
            "lost": self.tr("Camera lost, reconnecting: %1"),
            "reconnected": self.tr("Camera reconnected"),
            "ended": self.tr("End of input"),
        }
        self._status = texts.get(status.state, self.tr("Camera: %1")).replace("%1", status.message)
        self.update()

    @property
    def status_text(self) -> str:
        """The status line on show."""
        return self._status

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """Paint the frame, the outlines, and the status line."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            scale = min(self.width() / self._image.width(), self.height() / self._image.height())
            w, h = self._image.width() * scale, self._image.height() * scale
            left, top = (self.width() - w) / 2, (self.height() - h) / 2
            painter.drawImage(QRectF(left, top, w, h), self._image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(self.outline_colour, 3)
            pen.setCosmetic(True)  # the same width whatever the frame's scale
            painter.setPen(pen)
            painter.translate(left, top)
            painter.scale(scale, scale)
            for outline in self._outlines:
                painter.drawPolygon(outline)
            painter.resetTransform()
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(self.rect().adjusted(8, 0, -8, -6), Qt.AlignmentFlag.AlignBottom, self._status)
        painter.end()
