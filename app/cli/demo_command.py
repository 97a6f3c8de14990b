"""`govdesk demo`: the demo office the README's first command opens, and its headless ledger walk-through.

`govdesk demo` builds (once) a local federation of the 11 real departments of resources/departments.json
(app.node federation, SQLite, loopback ports) and a demo office following it: sample accounts enrolled at
the public security bureau's node, sample certificates anchored (one revoked) on that bureau's log, the
office's device key enrolled at every node, and a trust policy built from the federation's listing. The
nodes then run in a background process while the counter app is open, so sync really works, and stop
when the window closes. `govdesk demo --headless` builds and verifies a demo department log on the
command line, as it always has.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

from app.cli.ledger_command import print_report
from app.demo.demo_office import (
    DEMO_ACCOUNTS,
    DEMO_SUITE,
    build_demo_office,
    federation_dir,
    follow_federation,
)
from app.ledger.merkle import default_tree_hash, tree_hash_by_name
from app.ledger.suites import suite_by_name
from app.logdir import build_demo_log, verify_log_dir
from app.node.federation import FederationProcess
from app.store.office_files import OfficeDir

DEFAULT_DEMO_DIR = Path("demo-office")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` command."""
    demo = sub.add_parser("demo", help="open the demo office in the counter app (--headless: the ledger demo)")
    demo.add_argument("--dir", type=Path, default=DEFAULT_DEMO_DIR, help="where to keep the demo (./demo-office)")
    demo.add_argument("--entries", type=int, default=2000, help="size of the demo log (--headless)")
    demo.add_argument("--headless", action="store_true", help="build and verify a demo ledger log, no window")
    demo.add_argument(
        "--suite",
        choices=("sm2-sm3", "ed25519"),
        default=DEMO_SUITE,
        help="signature suite of the demo's departments and log: the national SM2/SM3 (default) or ed25519",
    )
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the demo office in the counter app, or with --headless walk through the demo ledger log."""
    if not args.headless:
        return run_gui(args.dir, args.suite)
    log_dir = args.dir / "log"
    print(f"Building a demo department log of {args.entries} entries signed in {args.suite} in {log_dir} ...")
    tree = tree_hash_by_name(default_tree_hash(args.suite))
    build_demo_log(
        log_dir, args.entries, now_ms=int(time.time() * 1000), suite=suite_by_name(args.suite), tree_hash=tree
    )
    print("Verifying it end to end (signatures, Merkle tree, signed checkpoint) ...")
    start = time.perf_counter()
    report = verify_log_dir(log_dir)
    print_report(report, time.perf_counter() - start)
    print(f"\nTry: govdesk ledger verify {log_dir}")
    return 0


def run_gui(directory: Path, suite: str = DEMO_SUITE) -> int:
    """Build the demo if needed, start its nodes in the background, open the counter app; stop the nodes after."""
    office_dir = directory / "office"
    if not OfficeDir(office_dir).exists():
        print(f"Creating the demo: 11 department nodes in {federation_dir(office_dir)}, the office in {office_dir} ...")
    demo = build_demo_office(office_dir, suite=suite)
    federation = FederationProcess(demo.federation_dir)
    print("Starting the 11 department nodes ...")
    federation.start()
    try:
        if follow_federation(office_dir, federation, demo.password):
            print("Another program holds a port the nodes used before: the office now follows their new URLs.")
        print("Nodes: " + ", ".join(federation.urls))
        print("Accounts: " + ", ".join(f"{name} ({role})" for name, role in DEMO_ACCOUNTS)
              + f"; password: {demo.password}")  # fmt: skip
        print(f"Sample certificates to scan: {demo.path / 'samples'}")
        # app never imports the ui package by name (tests/test_architecture.py); the GUI is loaded as a plug-in.
        application = importlib.import_module("ui.application")
        return application.run(office_dir, user=DEMO_ACCOUNTS[1][0])
    finally:
        print("Stopping the department nodes ...")
        federation.stop()
