"""`govdesk ledger`: build and verify signed logs."""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

from app.ledger.merkle import TREE_HASHES, default_tree_hash, tree_hash_by_name
from app.ledger.suites import suite_by_name
from app.logdir import LogDirError, LogReport, build_demo_log, verify_log_dir


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `ledger` command and its subcommands."""
    ledger = sub.add_parser("ledger", help="build and verify signed department logs")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", metavar="SUBCOMMAND", required=True)

    demo = ledger_sub.add_parser("demo", help="build a demo log of N signed entries into a directory")
    demo.add_argument("directory", type=Path)
    demo.add_argument("-n", "--entries", type=int, default=1000, help="number of entries (default 1000)")
    demo.add_argument(
        "--suite", choices=("ed25519", "sm2-sm3"), default="ed25519", help="signature suite (default ed25519)"
    )
    demo.add_argument(
        "--tree-hash",
        choices=sorted(TREE_HASHES),
        help="the log's Merkle tree hash (default: sm3 with the sm2-sm3 suite, else sha256)",
    )
    demo.set_defaults(func=run_demo)

    verify = ledger_sub.add_parser(
        "verify", help="verify a log directory end to end: every signature, the tree and the checkpoint"
    )
    verify.add_argument("directory", type=Path)
    verify.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that decode and verify entries in batches (default: one per core)",
    )
    verify.set_defaults(func=run_verify)


def print_report(report: LogReport, seconds: float | None = None) -> None:
    """Print a human summary of a log."""
    print(f"log        {report.origin}")
    print(f"entries    {report.size}")
    print(f"tree       {report.tree_hash}")
    print(f"root       {base64.b64encode(report.root_hash).decode()}")
    print(f"signers    {report.signers}")
    for etype, n in sorted(report.entry_types.items()):
        print(f"  {etype:<20} {n}")
    if seconds is not None and report.size:
        print(f"verified   in {seconds:.2f} s ({report.size / seconds:,.0f} entries/s)")


def run_demo(args: argparse.Namespace) -> int:
    """Build a demo log."""
    if args.entries < 0 or args.entries > 10_000_000:
        print("error: --entries must be between 0 and 10,000,000", file=sys.stderr)
        return 2
    suite = suite_by_name(args.suite)
    tree = tree_hash_by_name(args.tree_hash or default_tree_hash(suite.name))
    report = build_demo_log(args.directory, args.entries, now_ms=int(time.time() * 1000), suite=suite, tree_hash=tree)
    print(f"built a demo log of {report.size} entries in {args.directory}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Verify a log directory; exit 1 and name the first bad entry on failure."""
    if not 1 <= args.jobs <= 256:
        print("error: --jobs must be between 1 and 256", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        report = verify_log_dir(args.directory, workers=args.jobs)
    except LogDirError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print_report(report, time.perf_counter() - start)
    print("OK: every entry verified, and the tree matches the signed checkpoint")
    return 0
