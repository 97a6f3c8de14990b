"""Capture: the latest frame only, dropped-frame counting, reconnecting a lost source, clean shutdown, bad input."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scan import (
    CaptureThread,
    ImageTooLarge,
    PipelineSettings,
    Scanner,
    ScanResult,
    SourceSettings,
    SourceStatus,
    SourceUnavailable,
    UnreadableImage,
    make_decoder,
    open_source,
)
from app.scan.errors import ScanError
from app.scan.imagefile import header_size, load_image
from app.scan.sources import ImageFileSource, ImageFolderSource, VideoCaptureSource
from tests.framegen import Code, certificate_text, code_run, empty_run, render_frame, write_image, write_video

ROOT = Path(__file__).resolve().parent.parent


def scan_threads() -> list[threading.Thread]:
    """Threads the scanner started and that still run."""
    return [t for t in threading.enumerate() if t.name.startswith("govdesk-")]


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until `predicate()` holds or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture
def no_leaked_threads():
    """Fail a test that leaves a capture or decode thread behind."""
    before = set(scan_threads())
    yield
    assert wait_for(lambda: set(scan_threads()) <= before, 5.0), scan_threads()


@pytest.fixture(scope="module")
def short_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thirty empty counter frames."""
    rng = np.random.default_rng(1)
    return write_video(tmp_path_factory.mktemp("cap") / "empty.avi", empty_run(30, rng))


def test_slow_consumer_gets_the_newest_frame_and_drops_are_counted(short_video: Path, no_leaked_threads) -> None:
    capture = CaptureThread(VideoCaptureSource(str(short_video), "video"), lossless=False)
    capture.start()
    assert wait_for(lambda: not capture.alive)  # the consumer took nothing while the whole file was read
    frame = capture.latest(timeout=1)
    assert frame is not None and frame.index == 29
    assert capture.captured == 30 and capture.dropped == 29
    assert capture.latest(timeout=0.1) is None and capture.ended
    assert frame.image.shape == (720, 1280, 3)


def test_file_source_is_lossless_by_default(short_video: Path, no_leaked_threads) -> None:
    capture = CaptureThread(VideoCaptureSource(str(short_video), "video"))
    capture.start()
    indexes = []
    while (frame := capture.latest(timeout=5)) is not None:
        indexes.append(frame.index)
        time.sleep(0.002)
    assert indexes == list(range(30)) and capture.dropped == 0
    assert capture.close()


def test_resolution_is_configurable(short_video: Path, no_leaked_threads) -> None:
    source = open_source(str(short_video), SourceSettings(640, 360))
    capture = CaptureThread(source)
    capture.start()
    frame = capture.latest(timeout=5)
    assert frame is not None and frame.image.shape == (360, 640, 3)
    assert capture.close()


def test_realtime_pacing_follows_the_file_fps(short_video: Path, no_leaked_threads) -> None:
    capture = CaptureThread(VideoCaptureSource(str(short_video), "video"), realtime=True, lossless=False)
    start = time.monotonic()
    capture.start()
    assert wait_for(lambda: not capture.alive, 5)
    assert time.monotonic() - start >= 0.9  # thirty frames at 30 fps


def test_camera_lost_mid_stream_is_reported_and_reconnected(tmp_path: Path, no_leaked_threads) -> None:
    # A camera fed from a file through the same OpenCV path: the end of the file is the cable being pulled,
    # the file being gone is the camera missing, and a new file is the camera plugged back in.
    rng = np.random.default_rng(7)
    first, second = Code(certificate_text(100, 71)), Code(certificate_text(100, 72))
    camera = tmp_path / "camera.avi"
    write_video(camera, code_run(first, 4, rng) + empty_run(2, rng))
    statuses: list[SourceStatus] = []
    results: list[ScanResult] = []
    source = VideoCaptureSource(str(camera), "video", live=True)
    scanner = Scanner(source, make_decoder("zxing"), lossless=True, reconnect_delays=(0.05, 0.1))
    scanner.on_status(statuses.append)
    scanner.subscribe(results.append)
    scanner.start()
    try:
        assert wait_for(lambda: [r.text for r in results] == [first.text])
        os.replace(camera, tmp_path / "unplugged.avi")
        assert wait_for(lambda: any(s.state == "lost" for s in statuses))
        assert wait_for(lambda: any(s.state == "unavailable" for s in statuses))
        unavailable = next(s for s in statuses if s.state == "unavailable")
        assert "not found" in unavailable.message and "retrying" in unavailable.message
        assert scanner.capture.alive  # waiting for the camera, not crashed
        replug = write_video(tmp_path / "replug.avi", code_run(second, 4, rng))
        os.replace(replug, camera)
        assert wait_for(lambda: [r.text for r in results] == [first.text, second.text])
        assert any(s.state == "reconnected" for s in statuses)
        assert scanner.stats.reconnects >= 1
    finally:
        assert scanner.close(timeout=3)


def test_missing_camera_is_reported_and_close_does_not_hang(no_leaked_threads) -> None:
    statuses: list[SourceStatus] = []
    scanner = Scanner(open_source("9"), make_decoder("zxing"), reconnect_delays=(30.0,))
    scanner.on_status(statuses.append)
    scanner.start()
    assert wait_for(lambda: bool(statuses))
    assert statuses[0].state == "unavailable"
    assert "camera 9" in statuses[0].message and "not connected" in statuses[0].message
    start = time.monotonic()
    assert scanner.close(timeout=3)  # the 30 s backoff wait is interrupted
    assert time.monotonic() - start < 2


def test_close_mid_video_stops_both_threads(tmp_path: Path, no_leaked_threads) -> None:
    rng = np.random.default_rng(2)
    video = write_video(tmp_path / "long.avi", empty_run(90, rng))
    scanner = Scanner(VideoCaptureSource(str(video), "video"), make_decoder("zxing"), realtime=True)
    scanner.start()
    assert wait_for(lambda: scanner.stats.decoded > 3)
    assert scanner.close(timeout=3)
    assert not scanner.capture.alive and scanner.wait(0)


def test_a_failing_subscriber_does_not_stop_scanning(tmp_path: Path, no_leaked_threads) -> None:
    rng = np.random.default_rng(3)
    code = Code(certificate_text(100, 5))
    path = write_image(tmp_path / "one.png", render_frame([code], "phone", "plain", rng))
    results: list[ScanResult] = []

    def broken(result: ScanResult) -> None:
        raise RuntimeError("subscriber bug")

    scanner = Scanner(ImageFileSource(path), make_decoder("zxing"), PipelineSettings())
    scanner.subscribe(broken)
    scanner.subscribe(results.append)
    with scanner:
        assert scanner.wait(10)
    assert [r.text for r in results] == [code.text]


# Malformed, oversized and hostile image files


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming the given size, with no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def test_huge_png_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(100_000, 100_000) + b"\0" * 100)
    with pytest.raises(ImageTooLarge, match="100000x100000"):
        load_image(path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    path = write_image(tmp_path / "big.png", render_frame([], "phone", "plain", rng))
    with pytest.raises(ImageTooLarge, match="bytes"):
        load_image(path, max_bytes=10_000)
    with pytest.raises(ImageTooLarge, match="pixels"):
        load_image(path, max_pixels=500_000)


@pytest.mark.parametrize(
    "content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"\xff\xd8\xff\xe0" + b"\x00" * 30]
)
def test_malformed_image_gives_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(content)
    with pytest.raises(UnreadableImage, match=r"scan\.png"):
        load_image(path)


def test_truncated_jpeg_is_unreadable(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    path = write_image(tmp_path / "cut.jpg", render_frame([], "card", "plain", rng))
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(UnreadableImage):
        load_image(path)


def test_header_size_reads_real_png_and_jpeg(tmp_path: Path) -> None:
    image = np.zeros((37, 53, 3), np.uint8)
    for suffix in (".png", ".jpg"):
        path = write_image(tmp_path / f"x{suffix}", image)
        assert header_size(path.read_bytes()[:65536]) == (53, 37)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.binary(max_size=200).map(lambda b: b"\xff\xd8" + b)))
def test_hostile_bytes_only_ever_raise_scan_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    assert header_size(data) is None or all(isinstance(v, int) for v in header_size(data))
    path = tmp_path_factory.mktemp("hostile") / "h.png"
    path.write_bytes(data)
    with pytest.raises(ScanError):
        load_image(path)


def test_folder_skips_a_bad_file_with_a_message(tmp_path: Path, no_leaked_threads) -> None:
    rng = np.random.default_rng(6)
    code = Code(certificate_text(100, 9))
    (tmp_path / "00-broken.png").write_bytes(b"garbage")
    write_image(tmp_path / "01-good.png", render_frame([code], "card", "plain", rng))
    statuses: list[SourceStatus] = []
    results: list[ScanResult] = []
    scanner = Scanner(ImageFolderSource(tmp_path), make_decoder("zxing"))
    scanner.on_status(statuses.append)
    scanner.subscribe(results.append)
    with scanner:
        assert scanner.wait(10)
    assert [r.text for r in results] == [code.text]
    assert [s.state for s in statuses] == ["opened", "skipped", "ended"]
    assert "00-broken.png" in statuses[1].message


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("/no/such/place", "neither a camera index nor an existing file"),
        ("ftp://example.org/cam", "unsupported source"),
    ],
)
def test_bad_source_specs_are_named(spec: str, message: str) -> None:
    with pytest.raises(SourceUnavailable, match=message):
        open_source(spec)


def test_empty_folder_and_non_video_file_are_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no image files"):
        open_source(str(tmp_path)).open()
    junk = tmp_path / "clip.avi"
    junk.write_bytes(b"\0" * 1000)
    with pytest.raises(SourceUnavailable, match="could not be opened"):
        open_source(str(junk)).open()


# The command line


def govdesk(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `govdesk` in a subprocess."""
    cmd = [sys.executable, "-m", "app.cli.main", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_cli_prints_each_code_of_a_video_as_json_and_exits(tmp_path: Path) -> None:
    import json

    rng = np.random.default_rng(8)
    codes = [Code(certificate_text(400, 81)), Code(certificate_text(100, 82))]
    frames = empty_run(3, rng) + code_run(codes[0], 5, rng) + empty_run(3, rng) + code_run(codes[1], 5, rng, "card")
    video = write_video(tmp_path / "counter.avi", frames)
    result = govdesk("scan", "--source", str(video), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == [c.text for c in codes]
    assert all(set(line) == {"symbology", "text", "polygon", "ts"} and line["symbology"] == "qr" for line in lines)
    assert len(lines[0]["polygon"]) == 4


def test_cli_plain_output_and_clear_errors(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    code = Code(certificate_text(100, 91))
    image = write_image(tmp_path / "id.png", render_frame([code], "card", "glare", rng))
    ok = govdesk("scan", "--source", str(image), "--backend", "pyzbar")
    assert ok.returncode == 0 and ok.stdout == f"qr\t{code.text}\n"
    missing = govdesk("scan", "--source", str(tmp_path / "nope.png"))
    assert missing.returncode == 2 and "neither a camera index nor an existing file" in missing.stderr
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG garbage")
    broken = govdesk("scan", "--source", str(bad))
    assert broken.returncode == 1 and "not a readable image" in broken.stderr
    options = govdesk("scan", "--source", "0", "--width", "640")
    assert options.returncode == 2 and "--width and --height" in options.stderr


def test_cli_on_a_missing_camera_reports_and_stops_at_the_time_limit() -> None:
    result = govdesk("scan", "--source", "9", "--seconds", "1", timeout=20)
    assert result.returncode == 0
    assert "camera 9 could not be opened" in result.stderr
