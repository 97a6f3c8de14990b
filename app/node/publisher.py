"""Publishing: gather witness cosignatures on the latest signed checkpoint and publish it.

Runs apart from the sequencer, so a slow or absent witness delays only the cosignatures, never
sequencing. A witness that answers 409 names the size it last cosigned; the publisher retries
once from that size.

A witness is asked to cosign only once it has answered (`GET /health`): at a federation's start its
peers come up one by one, and asking them before they listen would log failures that are not. Each
tick, the witnesses missing from the published checkpoint are probed, and the checkpoint is
republished as soon as one of them answers.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from app.ledger.merkle import SHA256_TREE, ProofError, TreeHash
from app.ledger.note import NoteError, split_note, verify_note
from app.node.config import WitnessPeer
from app.node.jsonlog import log_event
from app.node.static_tiles import StaticTiles
from app.node.storage.interface import NodeStore
from app.protocol.tiles import TreeReader
from app.protocol.witness_wire import SIZE_CONTENT_TYPE, encode_add_checkpoint

log = logging.getLogger("govdesk.node.publisher")

RETRY_MISSING_S = 5.0
PROBE_INTERVAL_S = 0.1


def _cosignature_lines(published: str) -> dict[str, str]:
    """Return witness name -> signature line of the cosignatures attached to a published checkpoint."""
    _, sigs_block = published.split("\n\n", 1)
    lines = [line + "\n" for line in sigs_block.split("\n") if line]
    return {line.split(" ")[1]: line for line in lines[1:]}


class Publisher:
    """A thread that publishes the newest checkpoint with the cosignatures it could gather."""

    def __init__(
        self,
        store: NodeStore,
        witnesses: tuple[WitnessPeer, ...],
        interval_s: float,
        timeout_s: float,
        *,
        peer_ca_file: str | None = None,
        static: StaticTiles | None = None,
        tree_hash: TreeHash = SHA256_TREE,
    ) -> None:
        self._store = store
        self._tree = tree_hash
        self._witnesses = witnesses
        self._interval = interval_s
        self._timeout = timeout_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Witnesses served over HTTPS are checked against the configured CA (else the system's).
        self._http = httpx.Client(timeout=timeout_s, verify=ssl.create_default_context(cafile=peer_ca_file))
        self._pool = ThreadPoolExecutor(max_workers=max(1, min(16, len(witnesses))), thread_name_prefix="cosign")
        self._known: dict[str, int] = {}
        self._static = static
        self._static_written: str | None = None
        self._ready: set[str] = set()
        self._asked: dict[str, int] = {}
        self._last_retry = 0.0

    def start(self) -> None:
        """Start publishing."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="publisher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop publishing."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout * 3 + 5)
            self._thread = None
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.publish_once()
            except Exception as exc:  # publishing retries on the next tick
                log_event(log, "publish_failed", level=logging.WARNING, error=repr(exc))
            if self._static is not None:
                try:
                    self.write_static()
                except Exception as exc:  # the files catch up on the next tick
                    log_event(log, "static_write_failed", level=logging.WARNING, error=repr(exc))
            # While some witness has never answered, look for it more often than the publishing interval.
            waiting = len(self._ready) < len(self._witnesses)
            self._stop.wait(min(self._interval, PROBE_INTERVAL_S) if waiting else self._interval)

    def publish_once(self) -> bool:
        """Publish the latest signed checkpoint if it is newer, or if witnesses are still missing from it."""
        state = self._store.state()
        if state.checkpoint is None:
            return False
        kept: dict[str, str] = {}
        asking = list(self._witnesses)
        if state.published is not None and state.published_size >= state.size:
            kept = _cosignature_lines(state.published)
            asking = [w for w in self._witnesses if w.name not in kept]
            if not asking:
                return False
            list(self._pool.map(self._answers, [w for w in asking if w.name not in self._ready]))
            fresh = [w for w in asking if w.name in self._ready and self._asked.get(w.name) != state.size]
            now = time.monotonic()
            if fresh:
                asking = fresh  # witnesses that answer but were not asked for this checkpoint yet
            elif now - self._last_retry < RETRY_MISSING_S:
                return False
            else:
                self._last_retry = now
        gathered = self._pool.map(lambda w: self._cosign(w, state.checkpoint, state.size), asking)
        for witness, line in zip(asking, gathered, strict=True):
            if line:
                kept[witness.name] = line
        text = state.checkpoint + "".join(kept[name] for name in sorted(kept))
        published = self._store.publish(state.size, text)
        if published:
            log_event(log, "published", size=state.size, cosignatures=len(kept))
        return published

    def write_static(self) -> bool:
        """Write the published checkpoint, with the tiles it adds, as static files if it changed since last time."""
        state = self._store.state()
        if self._static is None or state.published is None or state.published == self._static_written:
            return False
        self._static.publish(state.published_size, state.published)
        self._static_written = state.published
        return True

    def _answers(self, witness: WitnessPeer) -> bool:
        """Probe a witness that has not answered yet; remember it once it does."""
        if witness.name in self._ready:
            return True
        try:
            resp = self._http.get(witness.url.rstrip("/") + "/health", timeout=min(1.0, self._timeout))
        except httpx.HTTPError:
            return False
        if resp.status_code != 200:
            return False
        self._ready.add(witness.name)
        log_event(log, "witness_ready", level=logging.DEBUG, witness=witness.name)
        return True

    def _cosign(self, witness: WitnessPeer, checkpoint: str, size: int) -> str | None:
        if witness.name not in self._ready:
            return None  # not known to answer yet: probed on the next tick, asked once it answers (no false failure)
        self._asked[witness.name] = size
        old = self._known.get(witness.name)
        if old is None:
            old = self._store.cosigner_size(witness.name)
        for _attempt in range(2):
            if old > size:
                log_event(log, "witness_ahead", level=logging.ERROR, witness=witness.name, witness_size=old, size=size)
                return None
            try:
                proof = TreeReader(self._store.tile, self._tree).consistency_proof(old, size) if 0 < old < size else []
            except ProofError as exc:
                log_event(log, "cosign_failed", level=logging.WARNING, witness=witness.name, error=str(exc))
                return None
            try:
                resp = self._http.post(
                    witness.url.rstrip("/") + "/add-checkpoint", content=encode_add_checkpoint(old, proof, checkpoint)
                )
            except httpx.HTTPError as exc:
                self._ready.discard(witness.name)  # probe it again before the next request
                log_event(log, "cosign_failed", level=logging.WARNING, witness=witness.name, error=repr(exc))
                return None
            if resp.status_code == 409 and resp.headers.get("content-type", "").startswith(SIZE_CONTENT_TYPE):
                text = resp.text.strip()
                if not text.isdigit():
                    return None
                old = int(text)
                continue
            if resp.status_code != 200:
                log_event(
                    log,
                    "cosign_refused",
                    level=logging.WARNING,
                    witness=witness.name,
                    status=resp.status_code,
                    reason=resp.text[:200],
                )
                return None
            try:
                body, _ = split_note(checkpoint)
                note = verify_note(body + "\n" + resp.text, [witness.vkey])
                if note.unverified or not note.cosigned_at:
                    raise NoteError("the response carries signatures that are not this witness's cosignature")
            except NoteError as exc:
                log_event(log, "cosign_invalid", level=logging.WARNING, witness=witness.name, error=str(exc))
                return None
            self._known[witness.name] = size
            self._store.set_cosigner_size(witness.name, size)
            return resp.text
        return None
