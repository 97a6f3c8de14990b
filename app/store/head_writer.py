"""The chain-head writer: `head.slots` written on a background thread, off the clerk's critical path.

The head beside the database may lag behind it (a head write that failed is tolerated: the rollback
check only refuses a database *older* than the head). It must never get ahead of what is committed,
so a head is handed over only after its commit. The writer always writes the newest head handed to
it (heads handed while a write is in flight coalesce into the next write), never one older than a
head it already wrote, and `flush` waits until the newest head is on disk: the replica flushes
before every explicit rollback check and on close, so the lag is at most one in-flight write.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from contextlib import suppress

from app.store.chain_head import ChainHead, SlotEncoder
from app.store.office_files import OfficeDir

# A writer's thread ends after this long without work and is started again by the next head.
IDLE_SECONDS = 2.0

_LIVE: weakref.WeakSet[HeadWriter] = weakref.WeakSet()


class HeadWriter:
    """Write the newest chain head of one replica on a lazily started background thread."""

    def __init__(self, office: OfficeDir, mac_key: bytes) -> None:
        self._office = office
        self._mac_key = mac_key
        self._encoder = SlotEncoder(mac_key)
        self._cond = threading.Condition()
        self._pending: tuple[ChainHead, bytes] | None = None  # the newest head handed over, and its slot record
        self._pending_gen = 0  # the number of heads handed over so far; the pending one is the newest
        self._written_gen = 0  # the handover number of the newest head written (or given up on: disk full)
        self._written_seq = -1
        self._busy = False
        self._running = False
        self._closed = False
        self._failure: BaseException | None = None

    def submit(self, head: ChainHead) -> None:
        """Hand over a committed head; it replaces any head not yet written. Returns at once.

        The head is encoded here, on the caller's thread (a few microseconds): Python work on the writer thread
        would hold the interpreter lock while the clerk's thread waits for it; the writer only makes system calls.
        """
        record = self._encoder.encode(head)
        with self._cond:
            if self._closed:
                raise RuntimeError("the chain-head writer is closed")
            self._pending_gen += 1
            self._pending = (head, record)
            if not self._running:
                self._running = True
                _LIVE.add(self)
                threading.Thread(target=self._run, name="chain-head writer", daemon=True).start()
            else:
                self._cond.notify_all()

    def flush(self) -> None:
        """Wait until every head handed over is written (or its write failed with an OSError, as before)."""
        with self._cond:
            while self._pending is not None or self._busy:
                self._cond.wait()
            self._office.head.close()  # the next head opens the file again: one removed or replaced is noticed
            failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Flush, then refuse further heads and let the thread end."""
        try:
            self.flush()
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()
                while self._busy:
                    self._cond.wait()
                self._office.head.close()
            _LIVE.discard(self)

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._pending is None and not self._closed:
                    self._cond.wait(IDLE_SECONDS)
                if self._pending is None:
                    self._running = False
                    self._cond.notify_all()
                    return
                (head, record), gen = self._pending, self._pending_gen
                self._pending, self._busy = None, True
            try:
                # Heads are handed over in commit order; the check keeps a stale one from ever overwriting a newer.
                if gen > self._written_gen and head.audit_seq >= self._written_seq:
                    with suppress(OSError):  # disk full: the head lags behind the database, which is allowed
                        self._office.write_head(self._mac_key, head, record)
                    self._written_gen, self._written_seq = gen, head.audit_seq
            except BaseException as exc:  # a bug, not a full disk: raised to whoever flushes next
                self._failure = exc
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


@atexit.register
def _flush_at_exit() -> None:
    # The threads are daemons (a forgotten replica must not keep the process alive); write what they hold.
    for writer in list(_LIVE):
        with suppress(Exception):
            writer.flush()
