"""Files arriving in a watched folder (a USB stick, a phone's import folder): hand one over only once it is whole.

A file still being copied has a size or mtime that changes between two looks, or a ZIP central
directory that is not yet at its end. `ArrivalWatch.poll` is called on a timer (it never sleeps):
a file is ready when two looks at least `settle_ms` apart saw the same size and mtime and it opens
as a whole ZIP (`zip_directory_readable`). A half-copied file is never handed over, however long the
copy stalls (a slow USB stick): it would be verified as "damaged". A file unchanged for `give_up_ms`
that is still not whole is reported by `stalled` instead, so the clerk is told it is incomplete and can
open it by hand if the copy has finished.
"""

from __future__ import annotations

import os
import struct
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


END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_ZIP_COMMENT = 0xFFFF
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_LOCATOR_SIZE = 20
LOCAL_HEADER = b"PK\x03\x04"


def _end_record_at(tail: bytes) -> int | None:
    """Where in `tail` the ZIP end record starts whose comment ends exactly at the end (None: no such record)."""
    at = len(tail)
    while (at := tail.rfind(END_RECORD, 0, at)) >= 0:
        if at + END_RECORD_SIZE <= len(tail):
            (comment,) = struct.unpack_from("<H", tail, at + 20)
            if at + END_RECORD_SIZE + comment == len(tail):
                return at
    return None


def zip_directory_readable(path: Path) -> bool:
    """True if the file opens as one whole ZIP: its end record ends the file, its central directory lies right
    before that record, and every entry's local header is where the directory says.

    A half-copied OFD can end with a whole ZIP of its own (a seal picture of type OFD, stored): `zipfile` reads
    such a prefix as an archive with leading data, so its directory is not enough.
    """
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            tail_size = min(size, END_RECORD_SIZE + MAX_ZIP_COMMENT)
            handle.seek(size - tail_size)
            tail = handle.read(tail_size)
            at = _end_record_at(tail)
            if at is None:
                return False
            end = size - tail_size + at
            entries, directory_size, directory_at = struct.unpack_from("<HLL", tail, at + 10)
            if directory_at == 0xFFFFFFFF or entries == 0xFFFF:  # ZIP64: its locator must sit right before
                if at < ZIP64_LOCATOR_SIZE or tail[at - ZIP64_LOCATOR_SIZE : at - 16] != ZIP64_LOCATOR:
                    return False
            elif directory_at + directory_size != end:
                return False
            with zipfile.ZipFile(handle) as archive:
                for info in archive.infolist():
                    handle.seek(info.header_offset)
                    if info.header_offset >= end or handle.read(4) != LOCAL_HEADER:
                        return False
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, struct.error):
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

    def stalled(self, now_ms: int) -> list[Path]:
        """Files unchanged for at least `give_up_ms` that are still not whole: a stalled copy, or a damaged file."""
        return [p for p, pending in self._pending.items() if now_ms - pending.since_ms >= self.give_up_ms]

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
            if look.size > 0 and (look.size > MAX_FILE or self._readable(path)):
                ready.append(path)
                del self._pending[path]
            else:
                self.incomplete_looks += 1
        return ready
