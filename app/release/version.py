"""The version of govdesk, set once in pyproject.toml and read here, installed or frozen."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "govdesk"
# packaging/build writes pyproject.toml's version into this file at the top of the frozen bundle,
# because a PyInstaller bundle carries no installed-distribution metadata.
FROZEN_VERSION_FILE = "govdesk-version.txt"
UNKNOWN_VERSION = "0+unknown"


def frozen_version(bundle_dir: Path) -> str | None:
    """Return the version written into a frozen bundle's directory, or None if it has none."""
    try:
        text = (bundle_dir / FROZEN_VERSION_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text and len(text) <= 64 and text.isprintable() else None


def current_version() -> str:
    """Return the running govdesk's version: the bundle's file when frozen, else the installed metadata."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        found = frozen_version(Path(bundle_dir))
        if found:
            return found
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
