"""Entry point of the reduced "core" bundle that the reproducibility test builds twice: ledger and version only.

It goes through the same pipeline as the product bundle (locked build venv, PyInstaller, tarball, .deb, sums)
without Qt or OpenCV, so two builds fit in CI's time.
"""

import argparse
import sys

from app.cli import ledger_command
from app.release.version import current_version


def main() -> int:
    """Run `govdesk-core --version | ledger ...`."""
    parser = argparse.ArgumentParser(prog="govdesk")
    parser.add_argument("--version", action="version", version=f"govdesk {current_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    ledger_command.register(sub)
    args = parser.parse_args()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
