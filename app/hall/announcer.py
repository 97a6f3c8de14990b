"""Spoken calls for the wall display: espeak-ng's Mandarin voice when it is installed, silence otherwise."""

from __future__ import annotations

import shutil
import subprocess

from app.protocol.hall_tickets import CallRecord

VOICE = "cmn"


class Announcer:
    """Speaks '请 A012 号到 3 号窗口' through espeak-ng, without waiting for it; `available` is False without it."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable if executable is not None else shutil.which("espeak-ng")
        self._speaking: subprocess.Popen[bytes] | None = None

    @property
    def available(self) -> bool:
        """True if a speech synthesiser was found."""
        return bool(self.executable)

    def command(self, call: CallRecord) -> list[str]:
        """Return the command line that speaks a call."""
        return [str(self.executable), "-v", VOICE, "-s", "140", call.announcement_zh()]

    def announce(self, call: CallRecord) -> bool:
        """Start speaking a call (the previous announcement is let finish); False when there is no synthesiser."""
        if not self.available:
            return False
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.wait(timeout=15)
        self._speaking = subprocess.Popen(self.command(call), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True

    def close(self) -> None:
        """Wait for the last announcement to end."""
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.wait(timeout=15)
