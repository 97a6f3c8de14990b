"""Files arriving in a watched folder (a USB stick, a phone's import folder): hand one over only once it is whole.

A file still being copied has a size or mtime that changes between two looks, or a ZIP central
directory that is not yet at its end. `ArrivalWatch.poll` is called on a timer (it never sleeps):
a file is ready when two looks at least `settle_ms` apart saw the same size and mtime and its ZIP
central directory reads. A file that stays unchanged yet never becomes a ZIP is handed over after
`give_up_ms`, so the clerk sees "not a readable OFD document" instead of nothing.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.ofd.container import MAX_FILE

SETTLE_MS = 300
GIVE_UP_MS = 5_000


@dataclass(frozen=True)
class FileLook:
    """One look at a file: its size and modification time."""

    size: int
    mtime_ns: int


@dataclass
class _Pending:
    look: FileLook
    since_ms: int  # when this exact size and mtime were first seen


def look_at(path: Path) -> FileLook | None:
    """The file's size and mtime now, or None if it is gone or not a regular file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    return FileLook(stat.st_size, stat.st_mtime_ns)


def zip_directory_readable(path: Path) -> bool:
    """True if the file ends with a ZIP end record whose central directory reads completely."""
    try:
        with zipfile.ZipFile(path) as archive:
            archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        return False
    return True


class ArrivalWatch:
    """Remembers files seen in one folder and says which are complete; pure apart from reading the files."""

    def __init__(
        self,
        *,
        settle_ms: int = SETTLE_MS,
        give_up_ms: int = GIVE_UP_MS,
        readable: Callable[[Path], bool] = zip_directory_readable,
    ) -> None:
        """Start with nothing pending."""
        self.settle_ms = settle_ms
        self.give_up_ms = give_up_ms
        self._readable = readable
        self._pending: dict[Path, _Pending] = {}
        self.incomplete_looks = 0  # steady files whose ZIP directory did not read yet (a stalled copy)

    @property
    def waiting(self) -> bool:
        """True while some file is still being watched."""
        return bool(self._pending)

    def arrived(self, paths: Iterable[Path], now_ms: int) -> None:
        """Start watching new files (already watched ones keep their history)."""
        for path in paths:
            if path not in self._pending:
                look = look_at(path)
                if look is not None:
                    self._pending[path] = _Pending(look, now_ms)

    def poll(self, now_ms: int) -> list[Path]:
        """Look at every pending file once; return (and forget) those that are complete, oldest first."""
        ready: list[Path] = []
        for path, pending in list(self._pending.items()):
            look = look_at(path)
            if look is None:  # removed again (a cancelled copy)
                del self._pending[path]
                continue
            if look != pending.look:
                self._pending[path] = _Pending(look, now_ms)
                continue
            steady_ms = now_ms - pending.since_ms
            if steady_ms < self.settle_ms:
                continue
            whole = look.size > 0 and (look.size > MAX_FILE or self._readable(path))
            if whole or steady_ms >= self.give_up_ms:
                ready.append(path)
                del self._pending[path]
            else:
                self.incomplete_looks += 1
        return ready
