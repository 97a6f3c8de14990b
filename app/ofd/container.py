"""The OFD container: a ZIP read with hard bounds (size, member count, ratio, names) before any byte is used.

OFD paths inside documents are absolute ("/Doc_0/Document.xml") or relative to the part that names
them; `resolve` turns both into a canonical member name and refuses any that escape the root.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

from app.ofd.errors import ContainerError

MAX_FILE = 64 * 1024 * 1024
MAX_MEMBERS = 4096
MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_NAME = 512
CACHED_MEMBER = 256 * 1024  # XML parts are read twice (parsed, then hashed): keep the small ones once read
CACHE_TOTAL = 16 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on one container; the defaults fit real licences and invoices with room to spare."""

    max_file: int = MAX_FILE
    max_members: int = MAX_MEMBERS
    max_member: int = MAX_MEMBER
    max_total: int = MAX_TOTAL
    max_ratio: int = MAX_RATIO


class OfdPackage:
    """The members of one OFD file, checked once on opening and read lazily with the same bounds."""

    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        if len(data) > self.limits.max_file:
            raise ContainerError(f"{len(data)} bytes exceed the limit of {self.limits.max_file}", code="file_too_large")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            raise ContainerError(f"not a ZIP container: {exc}", code="container_invalid") from exc
        if len(infos) > self.limits.max_members:
            raise ContainerError(f"{len(infos)} members exceed {self.limits.max_members}", code="too_many_members")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._cache: dict[str, bytes] = {}
        self._cached_bytes = 0
        self._dirs: set[str] = set()
        total = 0
        for info in infos:
            name = _member_name(info.filename)
            if info.is_dir():
                self._dirs.add(name)
                continue
            if name in self._infos:
                raise ContainerError(f"member {name!r} appears twice", code="duplicate_member")
            if info.flag_bits & 0x1:
                raise ContainerError(f"member {name!r} is encrypted", code="container_invalid")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ContainerError(f"member {name!r} uses compression {info.compress_type}", code="container_invalid")
            if info.file_size > self.limits.max_member:
                raise ContainerError(f"member {name!r} is {info.file_size} bytes", code="member_too_large")
            if info.file_size > max(info.compress_size, 1) * self.limits.max_ratio and info.file_size > 1024 * 1024:
                raise ContainerError(f"member {name!r} expands {info.file_size} bytes", code="zip_bomb")
            total += info.file_size
            self._infos[name] = info
        if total > self.limits.max_total:
            raise ContainerError(f"{total} bytes uncompressed exceed {self.limits.max_total}", code="zip_bomb")

    def names(self) -> list[str]:
        """Every file member's canonical name (no directories), in container order."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        """True if `name` (canonical) is a file member."""
        return name in self._infos

    def read(self, name: str) -> bytes:
        """The bytes of member `name`, never more than its declared size (a lying header is refused)."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        info = self._infos.get(name)
        if info is None:
            raise ContainerError(f"no member {name!r}", code="member_missing")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise ContainerError(f"member {name!r} is corrupt: {exc}", code="member_corrupt") from exc
        if len(data) != info.file_size:
            raise ContainerError(f"member {name!r} does not hold its declared size", code="member_corrupt")
        if len(data) <= CACHED_MEMBER and self._cached_bytes + len(data) <= CACHE_TOTAL:
            self._cache[name] = data
            self._cached_bytes += len(data)
        return data


def _member_name(raw: str) -> str:
    if len(raw) > MAX_NAME or "\x00" in raw or "\\" in raw:
        raise ContainerError(f"member name {raw[:64]!r} is not allowed", code="path_traversal")
    name = raw.rstrip("/")
    if name.startswith("/") or ":" in name.split("/", 1)[0]:
        raise ContainerError(f"member name {raw[:64]!r} is absolute", code="path_traversal")
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ContainerError(f"member name {raw[:64]!r} is not canonical", code="path_traversal")
    return name


def resolve(location: str, base_dir: str = "") -> str:
    """The canonical member name for an OFD location: absolute from the root, else relative to `base_dir`."""
    location = location.strip()
    if not location or len(location) > MAX_NAME or "\x00" in location or "\\" in location:
        raise ContainerError(f"location {location[:64]!r} is not allowed", code="path_traversal")
    joined = location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)
    parts: list[str] = []
    for part in joined.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise ContainerError(f"location {location[:64]!r} leaves the container", code="path_traversal")
            parts.pop()
            continue
        parts.append(part)
    if not parts:
        raise ContainerError(f"location {location[:64]!r} names the root", code="path_traversal")
    return "/".join(parts)
