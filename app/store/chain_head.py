"""The chain head beside the database: two MACed slots overwritten in place, so writing it costs one
block write.

`head.slots` holds two slots of equal size (a multiple of 4 KiB, each on its own pages). A slot is
one compact JSON record, padded with spaces:

    {"format":2,"head":{"audit_hash":"…","audit_seq":41,"checkpoints":{"origin":size,…}},"mac":"…"}

where `mac` is HMAC-SHA256 over the canonical JSON of `head` under the head key (derived from the
database key). Heads are written to the two slots in turn, each with one `pwrite` through a
descriptor opened with O_DSYNC (on disk when the call returns), under an exclusive `flock` so that
only one slot write per file is ever in flight, whichever process makes it: no new file, no rename,
no directory sync, so the journal of the file system is not involved. The descriptor is opened again
at least every RECHECK_SECONDS and at every flush, so a file replaced or removed behind the writer's
back is followed (until then its heads only lag). A power cut in the middle of a write can leave
that slot torn (it no longer verifies); the other slot then holds the head written before it, which
is what the reader returns. The head beside the database is allowed to lag behind it
(app/store/head_writer.py); it is never ahead of a commit, because every head is written after its
commit. The reader returns the verified slot with the newest audit record and refuses the file
(RollbackDetected) only when no slot verifies.

A new file (the first head, or one too large for the slots: an office that follows very many logs)
is written atomically with the head in both slots, so neither slot ever stands empty. Offices
written before this format have `head.json` (one record of format 1, replaced by rename); it is read
when `head.slots` does not exist yet, and removed once the first `head.slots` is on disk.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import stat
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from app.atomic_file import write_atomic
from app.store.errors import RollbackDetected

SLOTS_NAME = "head.slots"
LEGACY_NAME = "head.json"
SLOT_FORMAT = 2
LEGACY_FORMAT = 1
BLOCK = 4096
DSYNC_FLAG = os.O_DSYNC
RECHECK_SECONDS = 1.0  # how long a writer trusts its open descriptor before it checks the file is still the same
MAX_SLOT = 64 * BLOCK  # 256 KiB: thousands of logs; a larger file is refused as malformed
_PAD = b" "


@dataclass(frozen=True)
class ChainHead:
    """The audit-chain head and checkpoint sizes recorded outside the database."""

    audit_seq: int
    audit_hash: bytes
    checkpoints: dict[str, int]


def _canonical(body: object) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _mac(key: bytes, canonical: bytes) -> str:
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _body(head: ChainHead) -> dict:
    return {"audit_hash": head.audit_hash.hex(), "audit_seq": head.audit_seq, "checkpoints": head.checkpoints}


def encode_slot(mac_key: bytes, head: ChainHead) -> bytes:
    """Return one slot record (unpadded) for `head`."""
    return SlotEncoder(mac_key).encode(head)


class SlotEncoder:
    """Encode the slot records of one head key, reusing the JSON of the checkpoint sizes while they are unchanged.

    The head is encoded on the clerk's thread right after a commit (the writer thread then only writes), so it
    must be cheap: the checkpoint sizes change only when a checkpoint is stored, the rest is two numbers.
    """

    def __init__(self, mac_key: bytes) -> None:
        self._key = mac_key
        self._checkpoints: dict[str, int] | None = None
        self._checkpoints_json = b""

    def encode(self, head: ChainHead) -> bytes:
        """Return the slot record (unpadded) for `head`: its canonical JSON is `_canonical` of its body."""
        if head.checkpoints != self._checkpoints:
            self._checkpoints = dict(head.checkpoints)
            self._checkpoints_json = _canonical(self._checkpoints)
        canonical = b'{"audit_hash":"%s","audit_seq":%d,"checkpoints":%s}' % (
            head.audit_hash.hex().encode(),
            head.audit_seq,
            self._checkpoints_json,
        )
        return b'{"format":2,"head":' + canonical + b',"mac":"' + _mac(self._key, canonical).encode() + b'"}'


def _parse(mac_key: bytes, raw: bytes, fmt: int) -> ChainHead:
    """Return the head a record holds; ValueError if it is malformed, LookupError if its MAC is wrong."""
    value = json.loads(raw)
    if not isinstance(value, dict) or value.get("format") != fmt:
        raise ValueError("not a chain head record")
    body, mac = value["head"], value["mac"]
    if not isinstance(body, dict) or not isinstance(mac, str):
        raise ValueError("not a chain head record")
    if not hmac.compare_digest(_mac(mac_key, _canonical(body)), mac):
        raise LookupError("wrong MAC")
    checkpoints = body["checkpoints"]
    if not isinstance(checkpoints, dict):
        raise ValueError("not a chain head record")
    seq = body["audit_seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError("not a chain head record")
    return ChainHead(seq, bytes.fromhex(body["audit_hash"]), {str(k): int(v) for k, v in checkpoints.items()})


def _read_slots(mac_key: bytes, raw: bytes) -> list[ChainHead | str]:
    """Return, per slot, its head or why it does not verify ('empty', 'altered', 'malformed')."""
    size = len(raw) // 2
    out: list[ChainHead | str] = []
    for slot in (raw[:size], raw[size:]):
        record = slot.rstrip(_PAD)
        if not record:
            out.append("empty")
            continue
        try:
            out.append(_parse(mac_key, record, SLOT_FORMAT))
        except LookupError:
            out.append("altered")
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
            out.append("malformed")
    return out


def _read_regular(path: Path, limit: int) -> bytes | None:
    """Return up to `limit` bytes of a regular file, None if it does not exist; RollbackDetected if it is something
    else (a directory, a FIFO that would block the unlock, a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RollbackDetected(f"the chain head file {path} cannot be read: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RollbackDetected(f"the chain head file {path} is not a regular file")
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, limit - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def newest(slots: list[ChainHead | str]) -> tuple[int, ChainHead] | None:
    """Return (slot number, head) of the verified slot with the newest audit record, or None.

    Storing a checkpoint writes a head without a new audit record, so two slots can hold the same audit record:
    then the one with the larger checkpoints is the newer (checkpoints are never deleted, sizes only grow)."""
    valid = [(i, s) for i, s in enumerate(slots) if isinstance(s, ChainHead)]
    return max(valid, key=lambda item: (item[1].audit_seq, sum(item[1].checkpoints.values()))) if valid else None


class HeadFile:
    """The chain head file of one office directory, and where its next head goes."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / SLOTS_NAME
        self.legacy_path = directory / LEGACY_NAME
        self._next: int | None = None  # the slot the next head goes to, once this writer knows the file
        self._slot_size = 0
        self._fd: int | None = None
        self._fd_checked = 0.0
        self._closer: weakref.finalize | None = None

    def read(self, mac_key: bytes) -> ChainHead | None:
        """Return the newest verified head, None if none was ever written, or raise RollbackDetected."""
        raw = _read_regular(self.path, 2 * MAX_SLOT + 1)
        if raw is None:
            legacy = self._read_legacy(mac_key)
            if legacy is not None or not self.path.exists():
                return legacy
            raw = _read_regular(self.path, 2 * MAX_SLOT + 1)  # another process moved head.json over meanwhile
            if raw is None:
                return None
        if not raw or len(raw) % (2 * BLOCK) or len(raw) > 2 * MAX_SLOT:
            raise RollbackDetected(f"the chain head file {self.path} is malformed (its size is {len(raw)} bytes)")
        slots = _read_slots(mac_key, raw)
        found = newest(slots)
        if found is None:
            why = "has been altered (no slot's MAC is right)" if "altered" in slots else "is malformed"
            raise RollbackDetected(f"the chain head file {self.path} {why}")
        return found[1]

    def _read_legacy(self, mac_key: bytes) -> ChainHead | None:
        raw = _read_regular(self.legacy_path, MAX_SLOT + 1)
        if raw is None:
            return None
        try:
            if len(raw) > MAX_SLOT:
                raise ValueError("too large")
            return _parse(mac_key, raw, LEGACY_FORMAT)
        except LookupError:
            why = "has been altered (its MAC is wrong)"
            raise RollbackDetected(f"the chain head file {self.legacy_path} {why}") from None
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
            raise RollbackDetected(f"the chain head file {self.legacy_path} is malformed") from None

    def write(self, mac_key: bytes, head: ChainHead, record: bytes | None = None) -> None:
        """Write `head` (encoded as `record`, if given) into the slot after the newest one, on disk when this
        returns, or lay the file out again when it must be."""
        record = encode_slot(mac_key, head) if record is None else record
        fd = None
        for _ in range(2):  # a second look if the file vanished or another process laid it out again
            if self._next is None:
                self._learn(mac_key)
            if self._next is None or len(record) >= self._slot_size:
                break
            fd = self._open_slots()
            if fd is not None:
                break
            self._next = None
        if fd is None:
            self._create(record)
            return
        slot, self._next = self._next, None  # until this write is done the slots are unknown
        try:
            # One slot write in flight per file, whichever process: a power cut can then tear one slot only, and
            # the other (written completely, O_DSYNC) still verifies even if two writers aim at different slots.
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.pwrite(fd, record.ljust(self._slot_size, _PAD), slot * self._slot_size) != self._slot_size:
                    raise OSError(f"short write to {self.path}")
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except BaseException:
            self.close()
            raise
        self._next = slot ^ 1

    def _open_slots(self) -> int | None:
        """Return the descriptor the slots are written through (O_DSYNC: one system call writes a slot to disk),
        opened again and its size checked at least every RECHECK_SECONDS; None if the file is gone or another
        process laid it out again (a writer that kept the replaced file meanwhile only lags)."""
        now = time.monotonic()
        if self._fd is not None and now < self._fd_checked + RECHECK_SECONDS:
            return self._fd
        self.close()
        try:
            fd = os.open(self.path, os.O_WRONLY | DSYNC_FLAG)
        except FileNotFoundError:
            return None
        try:
            laid_out = os.fstat(fd).st_size == 2 * self._slot_size
        except BaseException:
            os.close(fd)
            raise
        if not laid_out:
            os.close(fd)
            return None
        self._fd, self._fd_checked = fd, now
        self._closer = weakref.finalize(self, os.close, fd)
        self._closer.atexit = False  # the exit-time flush still writes through it; the process exit closes it
        return fd

    def close(self) -> None:
        """Close the descriptor the slots are written through (the next write opens it again)."""
        if self._fd is not None:
            self._fd = None
            self._closer()

    def _learn(self, mac_key: bytes) -> None:
        """Find the slot size and the slot after the newest head, or leave `_next` None if the file is unusable."""
        self.close()
        try:
            raw = _read_regular(self.path, 2 * MAX_SLOT + 1)
        except RollbackDetected:
            return
        if raw is None or not raw or len(raw) % (2 * BLOCK) or len(raw) > 2 * MAX_SLOT:
            return
        found = newest(_read_slots(mac_key, raw))
        if found is None:
            return
        self._slot_size = len(raw) // 2
        self._next = found[0] ^ 1

    def _create(self, record: bytes) -> None:
        """Replace the file atomically with `record` in both slots (a slot never stands empty: a writer that still
        aims at either one leaves the other whole); the slot size fits the record."""
        size = max(BLOCK, -(-(len(record) + 1) // BLOCK) * BLOCK)
        if size > MAX_SLOT:
            raise OSError(f"the chain head ({len(record)} bytes) does not fit a {MAX_SLOT}-byte slot")
        self.close()
        write_atomic(self.path, record.ljust(size, _PAD) * 2, mode=0o600)
        self._slot_size, self._next = size, 1
        self.legacy_path.unlink(missing_ok=True)  # head.slots is on disk (fsynced, and its directory): it rules now
