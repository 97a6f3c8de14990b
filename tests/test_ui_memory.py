"""The counter app's memory bounds: at most one camera frame waits for the GUI thread, and the session's replica
has the counter's page-cache ceiling, not the store's server-sized default."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtWidgets import QApplication

from app.office import COUNTER_CACHE_KIB, Office
from app.scan import Scanner, make_decoder, open_source
from app.store.connection import DEFAULT_CACHE_KIB
from tests.framegen import Code, code_run, empty_run, write_video
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_office, demo_template
from ui.scan_preview import ScanSignals

__all__ = ["dangling_threads", "dangling_timers", "demo_office", "demo_template"]
FRAMES = 40


def test_a_busy_gui_thread_gets_the_newest_frame_not_a_queue_of_them(qtbot, tmp_path) -> None:
    rng = np.random.default_rng(7)
    frames = code_run(Code("GD1:MEMORY-TEST"), FRAMES // 2, rng) + empty_run(FRAMES // 2, rng)
    video = write_video(tmp_path / "busy.avi", frames, fps=30)
    signals = ScanSignals()
    shown: list[np.ndarray] = []
    signals.frame_ready.connect(lambda image, _results: shown.append(image))
    scanner = Scanner(open_source(str(video)), make_decoder(), realtime=False)
    decoded: list[int] = []
    scanner.on_frame(lambda frame, _found: decoded.append(frame.index))
    signals.attach(scanner)
    with scanner:  # the GUI thread is busy (it does not process events) for the whole video
        assert scanner.wait(60), "the scanner did not finish the video"
    assert len(decoded) == FRAMES
    QApplication.processEvents()
    assert len(shown) == 1, f"{len(shown)} full-size frames were queued for the GUI thread"
    assert shown[0].shape == (720, 1280, 3)
    # The preview goes on: a frame decoded after the GUI thread caught up is delivered as well.
    scanner2 = Scanner(open_source(str(video)), make_decoder(), realtime=False)
    signals.attach(scanner2)
    with scanner2:
        assert scanner2.wait(60)
    deadline = time.monotonic() + 5
    while len(shown) < 2 and time.monotonic() < deadline:
        QApplication.processEvents()
    assert len(shown) == 2


def test_the_counter_opens_its_replica_under_the_counter_cache_ceiling(demo_office) -> None:
    assert COUNTER_CACHE_KIB < DEFAULT_CACHE_KIB
    office = Office(demo_office.path)
    office.session.unlock("li.na", PASSWORD)
    try:
        (cache_size,) = office.replica.session.conn.execute("PRAGMA cache_size").fetchone()
        assert cache_size == -COUNTER_CACHE_KIB
    finally:
        office.close()
    roomy = Office(demo_office.path, cache_kib=DEFAULT_CACHE_KIB)
    roomy.session.unlock("li.na", PASSWORD)
    try:
        (cache_size,) = roomy.replica.session.conn.execute("PRAGMA cache_size").fetchone()
        assert cache_size == -DEFAULT_CACHE_KIB
    finally:
        roomy.close()
