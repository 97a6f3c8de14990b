"""The counter desktop app (PySide6). Importing it guards against a PySide6 6.12.0 refcount bug first."""

from ui import signal_emit

__all__ = ["signal_emit"]
