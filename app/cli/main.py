"""Entry point of the `govdesk` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from app.cli import (
    cert_command,
    demo_command,
    gui_command,
    hall_command,
    ledger_command,
    node_command,
    office_command,
    pki_command,
    release_command,
    review_command,
    scan_command,
    scenario_command,
    services_command,
    sync_command,
)
from app.release.version import current_version

# Each area module exposes `register(subparsers)`; its commands set `func(args) -> int`.
AREAS = (
    ledger_command,
    demo_command,
    office_command,
    scan_command,
    cert_command,
    gui_command,
    node_command,
    services_command,
    release_command,
    sync_command,
    review_command,
    scenario_command,
    hall_command,
    pki_command,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every govdesk subcommand."""
    parser = argparse.ArgumentParser(
        prog="govdesk",
        description=(
            "govdesk: the government service-window desk and its department ledger nodes. "
            "Every feature of the desktop app is also reachable from here."
        ),
        epilog="Run 'govdesk COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"govdesk {current_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        area.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one govdesk command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The reader of our output closed it (`govdesk ... | head`): stop quietly, as Unix tools do.

    Python would otherwise print a traceback, and another one when it flushes stdout at exit; pointing stdout at
    /dev/null first makes that last flush harmless.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a process killed by the broken pipe


if __name__ == "__main__":
    sys.exit(main())
