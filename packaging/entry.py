"""The frozen bundle's entry point: the same `govdesk` command as the installed console script."""

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
