"""Benchmark: camera scanning on generated 1280x720 frames, three ways side by side.

- naive:          pyzbar on every full frame with default settings (every symbology on)
- pipeline-pyzbar: the app/scan pipeline on pyzbar (only the symbologies in use)
- pipeline-zxing:  the app/scan pipeline on zxing-cpp (the default)

Figures: frames per second per core over a counter-like video; decode success by payload size on
independent frames; scan-to-result latency (frame arrival to emitted result) on a video played at
30 fps; CPU use while idle on a 30 fps stream with no code. All frames go through MJPG video files
and cv2.VideoCapture, as a USB camera's would. Last line: one JSON object (see issue 7).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np

from app.scan import PipelineSettings, Scanner, ScanPipeline, ScanResult, make_decoder
from app.scan.decoders import BarcodeDecoder, to_gray
from app.scan.sources import VideoCaptureSource

ROOT = Path(__file__).resolve().parent.parent


def load_framegen() -> ModuleType:
    """Load the test-frame generator from tests/framegen.py by its path (tests/ is not an installed package)."""
    spec = importlib.util.spec_from_file_location("framegen", ROOT / "tests" / "framegen.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["framegen"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


framegen = load_framegen()

FPS = 30.0


class NaiveDecoder(BarcodeDecoder):
    """pyzbar.decode on the whole frame with its default settings: every symbology enabled."""

    name = "naive"

    def __init__(self) -> None:
        """Load pyzbar."""
        from pyzbar import pyzbar

        self._decode = pyzbar.decode

    def decode(self, frame: np.ndarray) -> list[ScanResult]:
        """Decode the full frame once."""
        now = time.time()
        gray = to_gray(frame)
        return [
            ScanResult(c.type.lower(), bytes(c.data), tuple((float(p.x), float(p.y)) for p in c.polygon), now)
            for c in self._decode(gray)
        ]


# The naive baseline as a pipeline: one full-frame pass per frame, no region, no retry, no inversion.
NAIVE_SETTINGS = PipelineSettings(work_width=1 << 20, full_res_every=1, invert_every=1 << 30, roi_hold_s=-1.0)
CONTENDERS: dict[str, tuple[Callable[[], BarcodeDecoder], PipelineSettings]] = {
    "naive": (NaiveDecoder, NAIVE_SETTINGS),
    "pipeline-pyzbar": (lambda: make_decoder("pyzbar"), PipelineSettings()),
    "pipeline-zxing": (lambda: make_decoder("zxing"), PipelineSettings()),
}
DEFAULT = "pipeline-zxing"


def read_back(path: Path) -> list[np.ndarray]:
    """Every frame of a video file, through cv2.VideoCapture."""
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, image = cap.read()
        if not ok:
            break
        frames.append(image)
    cap.release()
    return frames


def success_by_size(frames: list[np.ndarray], truth: list[tuple[int, str]]) -> dict[str, dict[int, float]]:
    """Fraction of independent frames whose code each contender reads, by payload size."""
    out: dict[str, dict[int, float]] = {}
    for name, (make, settings) in CONTENDERS.items():
        decoder = make()
        hits: dict[int, list[bool]] = {size: [] for size, _ in truth}
        for image, (size, text) in zip(frames, truth, strict=True):
            found = ScanPipeline(decoder, settings).decode_frame(image)  # fresh: no help from a previous frame
            hits[size].append(any(r.text == text for r in found))
        out[name] = {size: sum(h) / len(h) for size, h in hits.items()}
    return out


def fps_per_core(frames: list[np.ndarray]) -> dict[str, float]:
    """Frames per CPU-second of one thread over a counter-like video (codes come and go)."""
    out = {}
    for name, (make, settings) in CONTENDERS.items():
        pipeline = ScanPipeline(make(), settings)
        start = time.thread_time()
        for i, image in enumerate(frames):
            pipeline.decode_frame(image, i / FPS)
        out[name] = len(frames) / (time.thread_time() - start)
    return out


def latency_ms(video: Path, codes: int) -> dict[str, tuple[float, float, int]]:
    """(p50, p95, results) of frame arrival to emitted result, playing `video` at 30 fps like a camera."""
    out = {}
    for name, (make, settings) in CONTENDERS.items():
        arrivals: dict[int, float] = {}
        emitted: list[tuple[int, float]] = []
        source = VideoCaptureSource(str(video), "video", live=False)
        scanner = Scanner(source, make(), settings, lossless=False, realtime=True)
        scanner.subscribe(lambda r, emitted=emitted: emitted.append((r.frame_index, time.monotonic())))
        scanner.on_frame(lambda f, _found, arrivals=arrivals: arrivals.__setitem__(f.index, f.arrived))
        with scanner:
            scanner.wait(600)
        samples = sorted((t - arrivals[i]) * 1000 for i, t in emitted)
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))] if samples else float("nan")
        out[name] = (statistics.median(samples) if samples else float("nan"), p95, len(samples))
        if len(samples) < codes:
            print(f"  note: {name} emitted {len(samples)} of {codes} codes during the latency run")
    return out


def idle_core_fraction(video: Path, seconds: float) -> dict[str, float]:
    """Process CPU time over wall time while a no-code video loops at 30 fps, capture included."""
    out = {}
    for name, (make, settings) in CONTENDERS.items():
        source = VideoCaptureSource(str(video), "video", live=True)  # loops: end of file reconnects at once
        scanner = Scanner(source, make(), settings, lossless=False, realtime=True)
        scanner.start()
        time.sleep(0.5)  # settle: open the file, warm the decoder
        cpu, wall = time.process_time(), time.monotonic()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        scanner.close()
        out[name] = cpu / wall
    return out


def main() -> int:
    """Run the benchmark and print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few frames only, to check the benchmark runs")
    args = parser.parse_args()
    per_condition, conditions = (1, ("noise",)) if args.tiny else (3, framegen.CONDITIONS)
    latency_codes, idle_seconds, gap, held, idle_frames = (2, 0.6, 3, 5, 8) if args.tiny else (21, 10.0, 6, 10, 60)
    rng = np.random.default_rng(2024)

    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        generated = framegen.frame_set(framegen.PAYLOAD_SIZES, per_condition, seed=7, conditions=conditions)
        truth = [(g.payload_size, g.codes[0].text) for g in generated]
        stills = read_back(framegen.write_video(work / "set.avi", generated, FPS))
        counter = []
        for i in range(latency_codes):
            code = framegen.Code(framegen.certificate_text(framegen.PAYLOAD_SIZES[i % 3], 1000 + i))
            counter += framegen.empty_run(gap, rng) + framegen.code_run(
                code, held, rng, ("phone", "card")[i % 2], conditions[i % len(conditions)]
            )
        counter_video = framegen.write_video(work / "counter.avi", counter, FPS)
        idle_video = framegen.write_video(work / "idle.avi", framegen.empty_run(idle_frames, rng), FPS)
        counter_frames = read_back(counter_video)

        print(f"scan benchmark: {len(stills)} independent frames, {len(counter_frames)}-frame counter video, 1280x720")
        success = success_by_size(stills, truth)
        speed = fps_per_core(counter_frames)
        latency = latency_ms(counter_video, latency_codes)
        idle = idle_core_fraction(idle_video, idle_seconds)

    sizes = sorted({s for s, _ in truth})
    header = f"{'':17}{'fps/core':>9}" + "".join(f"{f'ok@{s}':>9}" for s in sizes)
    print(header + f"{'p50 ms':>9}{'p95 ms':>9}{'idle core':>10}")
    for name in CONTENDERS:
        p50, p95, _n = latency[name]
        row = f"{name:17}{speed[name]:9.1f}" + "".join(f"{success[name][s]:9.1%}" for s in sizes)
        print(row + f"{p50:9.1f}{p95:9.1f}{idle[name]:10.1%}")
    for name in CONTENDERS:
        if name != "naive":
            print(f"{name}: {speed[name] / speed['naive']:.1f}x the naive throughput")
    figures = {
        "bench": "scan",
        "suite": "none",
        "success_400": round(success[DEFAULT].get(400, float("nan")), 4),
        "p95_ms": round(latency[DEFAULT][1], 1),
        "idle_core_fraction": round(idle[DEFAULT], 3),
        "speedup_vs_naive": round(speed[DEFAULT] / speed["naive"], 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench-main"
    sys.exit(main())
