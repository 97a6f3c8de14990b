"""`govdesk scan`: read codes from a camera, stream, video, image or folder, for trying cameras by hand."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from app.scan.capture import SourceStatus
from app.scan.decoders import BACKENDS, make_decoder
from app.scan.errors import ScanError
from app.scan.pipeline import PipelineSettings
from app.scan.results import ScanResult
from app.scan.scanner import Scanner
from app.scan.sources import SourceSettings, open_source


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `scan` command."""
    scan = sub.add_parser(
        "scan",
        help="print each QR code or barcode read from a camera, stream, video, image or folder",
        description=(
            "Print each code as it is read. SRC is a camera index (0), a stream URL (rtsp://, http://), "
            "a video file, an image file or a folder of images. File, video and folder sources exit at their end; "
            "cameras and streams run until interrupted (or --seconds)."
        ),
    )
    scan.add_argument("--source", required=True, metavar="SRC", help="camera index, stream URL, video, image or folder")
    scan.add_argument("--json", action="store_true", help="one JSON object per line: symbology, text, polygon, ts")
    scan.add_argument("--backend", choices=BACKENDS, default=None, help="decoder (default: zxing)")
    scan.add_argument("--width", type=int, default=0, help="requested capture width in pixels")
    scan.add_argument("--height", type=int, default=0, help="requested capture height in pixels")
    scan.add_argument("--fps", type=float, default=0.0, help="requested capture frame rate")
    scan.add_argument("--dedup-window", type=float, default=2.0, help="seconds before the same code is reported again")
    scan.add_argument("--seconds", type=float, default=0.0, help="stop after this many seconds (0: no limit)")
    scan.set_defaults(func=run_scan)


def _check(args: argparse.Namespace) -> str | None:
    """Return an error message for out-of-range options, or None."""
    if not (0 <= args.width <= 16384 and 0 <= args.height <= 16384) or bool(args.width) != bool(args.height):
        return "--width and --height go together and must be between 1 and 16384"
    if not 0 <= args.fps <= 1000:
        return "--fps must be between 0 and 1000"
    if not 0 <= args.dedup_window <= 3600 or args.seconds < 0:
        return "--dedup-window must be between 0 and 3600 and --seconds must not be negative"
    return None


def run_scan(args: argparse.Namespace) -> int:
    """Scan until the input ends, the time is up or Ctrl-C; exit 1 if a file source could not be read."""
    problem = _check(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        source = open_source(args.source, SourceSettings(args.width, args.height, args.fps))
        decoder = make_decoder(args.backend)
    except ScanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    lock = threading.Lock()
    failed: list[SourceStatus] = []

    def show(result: ScanResult) -> None:
        line = (
            json.dumps(result.to_json_dict(), ensure_ascii=False) if args.json else f"{result.symbology}\t{result.text}"
        )
        with lock:
            print(line, flush=True)

    def report(status: SourceStatus) -> None:
        if status.state in ("unavailable", "error") and not source.live:
            failed.append(status)
        if status.state != "ended":
            with lock:
                print(f"scan: {status.message}", file=sys.stderr, flush=True)

    scanner = Scanner(source, decoder, PipelineSettings(dedup_window_s=args.dedup_window))
    scanner.subscribe(show)
    scanner.on_status(report)
    scanner.start()
    try:
        scanner.wait(args.seconds or None)
    finally:
        scanner.close()
    return 1 if failed else 0
