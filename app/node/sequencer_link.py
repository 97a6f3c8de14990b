"""The hand-over from a node's HTTP worker processes to its one sequencing process, over a local Unix socket.

`node serve --http-processes N` runs N HTTP worker processes on one listening socket. Each parses requests,
authenticates them, decodes and verifies entries and checks them against its copy of the registry; the
entries that pass go over this link to the parent process, whose single sequencer thread is the only writer
of the log. An entry is acknowledged to its office only after the transaction that stores it has committed,
so a worker killed at any moment loses nothing acknowledged; the office resubmits what was not, and
sequencing is idempotent by entry hash (a resubmission gets the original index).

Wire format (all integers big-endian). Every message is a frame: u32 body length, then the body.
- Request body: u32 count, then per entry: u32 length + entry bytes, u8 length + signer key id, u8 length +
  the public key its signature was verified with, u8 length + the signer's role (UTF-8), u8 length + entry
  type (UTF-8).
- Answer body: a JSON list, one item per entry in order: the index (int), `{"code", "message"}` (a
  refusal), or `{"error": "store_unavailable" | "failed"}`.
Answers come in the order of the requests on a connection.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import os
import queue
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.ledger.entry import MAX_ENTRY_SIZE, SignedEntry, decode_entry
from app.ledger.errors import EntryError
from app.ledger.merkle import hash_leaf
from app.node.jsonlog import log_event
from app.node.registry import Registry
from app.node.sequencer import Outcome, Prechecked, Result, Sequencer, wait_all
from app.node.storage.interface import StoreUnavailable
from app.protocol.refusals import Code, Refusal

log = logging.getLogger("govdesk.node.link")

MAX_FRAME = 64 * 1024 * 1024  # far above any request the HTTP side accepts
MAX_ITEMS = 65536
_U32 = struct.Struct(">I")


class LinkError(Exception):
    """A frame on the link is malformed, oversized or cut short."""


# --- framing --------------------------------------------------------------------------------------------
def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks: list[bytes] = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("the peer closed the link")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(sock: socket.socket) -> bytes:
    """Read one frame's body; refuse one over MAX_FRAME."""
    (length,) = _U32.unpack(_recv_exact(sock, 4))
    if length > MAX_FRAME:
        raise LinkError(f"frame of {length} bytes is over {MAX_FRAME}")
    return _recv_exact(sock, length)


def frame(body: bytes) -> bytes:
    """Return `body` framed."""
    return _U32.pack(len(body)) + body


@dataclass(frozen=True)
class Handed:
    """One entry handed over: its bytes, signer, the key it was verified with, the signer's role, its type."""

    data: bytes
    kid: bytes
    verified_key: bytes
    role: str
    etype: str


def _short(value: bytes) -> bytes:
    if len(value) > 255:
        raise LinkError("a short field is over 255 bytes")
    return bytes([len(value)]) + value


def encode_item(item: Handed) -> bytes:
    """Encode one handed-over entry."""
    return (
        _U32.pack(len(item.data))
        + item.data
        + _short(item.kid)
        + _short(item.verified_key)
        + _short(item.role.encode())
        + _short(item.etype.encode())
    )


def encode_request(encoded_items: list[bytes]) -> bytes:
    """Return a request body of already encoded items."""
    return _U32.pack(len(encoded_items)) + b"".join(encoded_items)


def decode_request(body: bytes) -> list[Handed]:
    """Decode a request body strictly; raise LinkError on anything malformed."""
    body = bytes(body)
    end = len(body)
    if end < 4:
        raise LinkError("request cut short")
    (count,) = _U32.unpack_from(body, 0)
    if count > MAX_ITEMS:
        raise LinkError(f"{count} entries in one request is over {MAX_ITEMS}")
    pos = 4
    items: list[Handed] = []
    for _ in range(count):
        if pos + 4 > end:
            raise LinkError("request cut short")
        (length,) = _U32.unpack_from(body, pos)
        if length > MAX_ENTRY_SIZE:
            raise LinkError(f"entry of {length} bytes is over {MAX_ENTRY_SIZE}")
        pos += 4
        fields = []
        for size in (length, None, None, None, None):  # the entry, then four short fields behind a length byte
            if size is None:
                if pos >= end:
                    raise LinkError("request cut short")
                size, pos = body[pos], pos + 1
            if pos + size > end:
                raise LinkError("request cut short")
            fields.append(body[pos : pos + size])
            pos += size
            if len(fields) >= 4:  # role and type are text
                try:
                    fields[-1] = fields[-1].decode()
                except UnicodeDecodeError:
                    raise LinkError("role or type is not UTF-8") from None
        items.append(Handed(*fields))
    if pos != end:
        raise LinkError("trailing bytes after the last entry")
    return items


def _answer(result: Result | BaseException) -> Any:
    if isinstance(result, int):
        return result
    if isinstance(result, Refusal):
        return {"code": result.code.value, "message": result.message}
    if isinstance(result, StoreUnavailable):
        return {"error": "store_unavailable", "message": str(result)}
    return {"error": "failed", "message": repr(result)}


def _result(answer: Any) -> Result | BaseException:
    if isinstance(answer, int) and not isinstance(answer, bool) and answer >= 0:
        return answer
    if isinstance(answer, dict) and "code" in answer:
        try:
            return Refusal(Code(answer["code"]), str(answer.get("message", "")))
        except ValueError:
            return LinkError(f"unknown refusal code {answer['code']!r}")
    if isinstance(answer, dict) and answer.get("error") == "store_unavailable":
        return StoreUnavailable(str(answer.get("message", "the database is unavailable")))
    return LinkError(f"sequencing failed: {answer!r}")


# --- the sequencing process's side ----------------------------------------------------------------------
class LinkServer:
    """Accepts HTTP workers on a Unix socket and feeds their entries to the one sequencer."""

    def __init__(self, path: Path, sequencer: Sequencer) -> None:
        self.path = path
        self._sequencer = sequencer
        self._sock: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()

    def start(self) -> None:
        """Listen (the socket file is the owner's only) and accept workers on a thread."""
        self.path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        sock.listen(64)
        self._sock = sock
        self._spawn(self._accept, "link-accept")

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._conns_lock:
                self._conns.add(conn)
            answers: queue.Queue[list[Any] | None] = queue.Queue()
            self._spawn(self._read, "link-read", conn, answers)
            self._spawn(self._write, "link-write", conn, answers)

    def _read(self, conn: socket.socket, answers: queue.Queue[list[Any] | None]) -> None:
        try:
            while True:
                answers.put(self._submit_all(decode_request(read_frame(conn))))
        except (EOFError, OSError):
            pass
        except LinkError as exc:
            log_event(log, "link_malformed", level=logging.WARNING, error=str(exc))
        finally:
            answers.put(None)

    def _submit_all(self, items: list[Handed]) -> list[Any]:
        """Queue a request's entries at once; return each one's future, or its refusal."""
        out: list[Any] = [None] * len(items)
        ready: list[tuple[SignedEntry | Prechecked, bytes | None]] = []
        places: list[int] = []
        for i, item in enumerate(items):
            try:
                if item.etype.startswith("registry."):
                    signed: SignedEntry | Prechecked = decode_entry(item.data)  # registry changes need the whole entry
                else:
                    signed = Prechecked(item.data, hash_leaf(item.data), item.kid, item.role)
            except EntryError as exc:
                out[i] = Refusal(Code.MALFORMED_ENTRY, str(exc))
                continue
            ready.append((signed, item.verified_key or None))
            places.append(i)
        for i, future in zip(places, self._sequencer.submit_many(ready), strict=True):
            out[i] = future
        return out

    def _write(self, conn: socket.socket, answers: queue.Queue[list[Any] | None]) -> None:
        try:
            while (pending := answers.get()) is not None:
                wait_all([item for item in pending if isinstance(item, Outcome)])  # one wake-up for the frame
                out: list[Any] = []
                for item in pending:
                    if isinstance(item, Outcome):  # the worker hears about every failure
                        item = item.exception() or item.result()
                    out.append(_answer(item))
                conn.sendall(frame(json.dumps(out).encode()))
        except OSError:
            pass  # the worker is gone; its entries are sequenced all the same, and resubmission finds them
        finally:
            with self._conns_lock:
                self._conns.discard(conn)
            conn.close()

    def stop(self) -> None:
        """Stop accepting, hang up on every worker, wait for the threads; remove the socket file."""
        self._stopping.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            self._sock.close()
            self._sock = None
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=10)
        self.path.unlink(missing_ok=True)


# --- the HTTP worker's side ------------------------------------------------------------------------------
class RemoteSequencer:
    """An HTTP worker's stand-in for the sequencer: batches entries to the sequencing process over the link.

    It also refreshes the worker's registry copy, and ends the worker when the parent process is gone.
    """

    def __init__(self, path: Path, registry: Registry, *, refresh_s: float = 0.5, connect_s: float = 5.0) -> None:
        self._path = path
        self._registry = registry
        self._refresh_s = refresh_s
        self._connect_s = connect_s
        self._lock = threading.Lock()  # guards `_in_flight` and `_sock`
        self._send_lock = threading.Lock()
        self._in_flight: collections.deque[list[Outcome]] = collections.deque()
        self._sock: socket.socket | None = None
        self._link_lock = threading.Lock()
        self._stopping = False
        self._stopped = threading.Event()
        self._parent = os.getppid()
        self._threads: list[threading.Thread] = []
        self.sequenced = 0
        self.cpu_s = 0.0

    def submit(self, signed: SignedEntry, verified_key: bytes | None = None) -> Outcome:
        """Hand a checked entry to the sequencing process; the future resolves to its index or a Refusal."""
        return self.submit_many([(signed, verified_key)])[0]

    def submit_many(self, items: list[tuple[SignedEntry, bytes | None]]) -> list[Outcome]:
        """`submit` a request's (entry, verified key) pairs at once: they travel in one frame, sent from the calling
        thread (a request thread: no hand-over to another thread on the way)."""
        encoded = []
        outcomes = []
        for signed, verified_key in items:
            record = self._registry.get(signed.kid)
            role = record.role if record is not None else ""
            encoded.append(encode_item(Handed(signed.data, signed.kid, verified_key or b"", role, signed.entry.type)))
            outcomes.append(Outcome())
        if not outcomes:
            return outcomes
        with self._send_lock:  # frames leave in the order their outcomes join `_in_flight`
            try:
                if self._stopping:
                    raise StoreUnavailable("the node is stopping")
                sock = self._ensure_link(self._connect_s)
                with self._lock:
                    self._in_flight.append(outcomes)
                sock.sendall(frame(encode_request(encoded)))
            except (OSError, StoreUnavailable) as exc:
                error = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(f"unreachable sequencer: {exc}")
                for outcome in outcomes:
                    if not outcome.done():
                        outcome.set_exception(error)
                self._drop_link(error)
        return outcomes

    def queued(self) -> int:
        """Entries handed over (or about to be) and not answered yet."""
        with self._lock:
            return sum(len(batch) for batch in self._in_flight)

    def connected(self) -> bool:
        """Whether the link to the sequencing process is up."""
        return self._sock is not None

    def start(self) -> None:
        """Connect to the sequencing process; start the registry-refreshing thread."""
        try:
            self._ensure_link(self._connect_s)
        except OSError as exc:
            log_event(log, "link_down", level=logging.WARNING, error=str(exc))
        thread = threading.Thread(target=self._refresh_loop, name="link-refresh", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop the thread; fail what is still waiting (its offices resubmit)."""
        self._stopped.set()
        self._stopping = True
        for thread in self._threads:
            thread.join(timeout=10)
        with self._send_lock:
            self._drop_link(StoreUnavailable("the node is stopping"))

    def _ensure_link(self, within_s: float) -> socket.socket:
        """Return the link, connecting it (and starting its receiving thread) if it is down."""
        with self._link_lock:
            sock = self._sock
            if sock is None:
                sock = self._connect(within_s)
                with self._lock:
                    self._sock = sock
                threading.Thread(target=self._receive_loop, args=(sock,), name="link-receive", daemon=True).start()
            return sock

    def _connect(self, within_s: float) -> socket.socket:
        deadline = time.monotonic() + within_s
        delay = 0.02
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(self._path))
                return sock
            except OSError:
                sock.close()
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)  # backoff while the sequencing process comes up
                delay = min(delay * 2, 0.5)

    def _receive_loop(self, sock: socket.socket) -> None:
        try:
            while True:
                answers = json.loads(read_frame(sock))
                with self._lock:
                    futures = self._in_flight.popleft()
                if not isinstance(answers, list) or len(answers) != len(futures):
                    raise LinkError("the answer does not match the request")
                for future, answer in zip(futures, answers, strict=True):
                    result = _result(answer)
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        if isinstance(result, int):
                            self.sequenced += 1
                        future.set_result(result)
        except (EOFError, OSError, LinkError, ValueError, IndexError) as exc:
            if self._sock is sock:
                self._drop_link(StoreUnavailable(f"the link to the sequencing process broke: {exc}"))

    def _drop_link(self, error: BaseException) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
            waiting = [f for batch in self._in_flight for f in batch]
            self._in_flight.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for future in waiting:
            if not future.done():
                future.set_exception(error)

    def _refresh_loop(self) -> None:
        while not self._stopped.wait(self._refresh_s):
            if os.getppid() != self._parent:  # the sequencing process is gone: this worker must not outlive it
                log_event(log, "sequencer_gone", level=logging.ERROR)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            with contextlib.suppress(OSError):
                self._ensure_link(0.0)  # keep the link up, so /health tells the truth before any submission
            try:
                self._registry.refresh()
            except Exception as exc:  # a database hiccup must not end the thread
                log_event(log, "registry_refresh_failed", level=logging.WARNING, error=str(exc))
