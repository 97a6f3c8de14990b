"""The preview widget shows frames from the scanner's worker thread and outlines the codes read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtGui import QColor

from app.scan import Scanner, SourceStatus, make_decoder
from app.scan.sources import ImageFileSource
from tests.framegen import Code, certificate_text, render_frame, write_image
from ui.scan_preview import OUTLINE_COLOR, ScanPreview, ScanSignals


@pytest.fixture
def preview(qtbot) -> ScanPreview:
    """A 640x360 preview, shown offscreen."""
    widget = ScanPreview()
    widget.resize(640, 360)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_frames_from_the_scanner_thread_reach_the_widget_with_outlines(
    qtbot, preview: ScanPreview, tmp_path: Path
) -> None:
    rng = np.random.default_rng(12)
    code = Code(certificate_text(100, 12))
    generated = render_frame([code], "phone", "plain", rng)
    path = write_image(tmp_path / "phone.png", generated)
    signals = ScanSignals()
    preview.connect_signals(signals)
    scanner = Scanner(ImageFileSource(path), make_decoder("zxing"))
    signals.attach(scanner)
    with (
        qtbot.waitSignal(signals.code_read, timeout=10_000) as read,
        qtbot.waitSignal(signals.frame_ready, timeout=10_000),
    ):
        scanner.start()
    try:
        assert read.args[0].text == code.text
        qtbot.waitUntil(lambda: len(preview.outlines) == 1)
    finally:
        assert scanner.close()
    # The outline runs along the code's edge: sample the widget where the top-left corner of the code lands. It
    # is blue while the code waits for its verdict, then takes the verdict's colour (red for a forged code).
    scale = 640 / 1280
    x, y = (float(v) * scale for v in preview.outlines[0].at(0).toTuple())

    def around_corner() -> list[QColor]:
        image = preview.grab().toImage()
        return [
            QColor(image.pixel(int(x + dx), int(y + dy)))
            for dx in range(-3, 4)
            for dy in range(-3, 4)
            if 0 <= x + dx < 640 and 0 <= y + dy < 360
        ]

    assert any(c.blue() > 200 and c.red() < 120 for c in around_corner()), OUTLINE_COLOR
    preview.show_verdict_colour("red")
    assert any(c.red() > 200 and c.green() < 90 for c in around_corner())
    preview.show_verdict_colour("green")
    assert any(c.green() > 150 and c.red() < 90 and c.blue() < 140 for c in around_corner())


def test_status_from_another_thread_is_shown(qtbot, preview: ScanPreview) -> None:
    signals = ScanSignals()
    preview.connect_signals(signals)
    status = SourceStatus("lost", "camera 0 stopped sending frames; reconnecting")
    with qtbot.waitSignal(signals.status_changed, timeout=5000):
        threading.Thread(target=signals.status_changed.emit, args=(status,)).start()
    assert "camera 0 stopped sending frames" in preview.status_text
    assert preview.status_text.startswith("Camera lost")


def test_frame_without_codes_clears_the_outline(qtbot, preview: ScanPreview) -> None:
    empty = np.zeros((720, 1280, 3), np.uint8)
    preview.show_frame(empty, [])
    assert preview.outlines == []
    image = preview.grab().toImage()
    assert QColor(image.pixel(320, 100)).green() < 20
