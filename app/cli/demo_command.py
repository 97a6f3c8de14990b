"""`govdesk demo`: the embedded-defaults demo that the README's first command starts."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from app.cli.ledger_command import print_report
from app.logdir import build_demo_log, verify_log_dir

DEFAULT_DEMO_DIR = Path("demo-office")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` command."""
    demo = sub.add_parser("demo", help="start the demo office on its embedded defaults")
    demo.add_argument("--dir", type=Path, default=DEFAULT_DEMO_DIR, help="where to keep the demo (./demo-office)")
    demo.add_argument("--entries", type=int, default=2000, help="size of the demo log")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build a demo department log, then verify it end to end as an office would."""
    log_dir = args.dir / "log"
    print(f"Building a demo department log of {args.entries} signed entries in {log_dir} ...")
    build_demo_log(log_dir, args.entries, now_ms=int(time.time() * 1000))
    print("Verifying it end to end (signatures, Merkle tree, signed checkpoint) ...")
    start = time.perf_counter()
    report = verify_log_dir(log_dir)
    print_report(report, time.perf_counter() - start)
    print(f"\nTry: govdesk ledger verify {log_dir}")
    return 0
