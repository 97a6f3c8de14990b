"""The node's HTTP API (Starlette): submission, tlog-tiles reads, proofs, witnessing, health.

Blocking work (database, signature checks) runs in the thread pool, so the event loop keeps
serving; request bodies are read under a size limit and a deadline, so a slow client holds only
its own request, never the sequencer.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.asgi.body import BodyProblem, read_limited_body
from app.ledger.bundle import BundleError, decode_bundle, encode_bundle
from app.ledger.merkle import ProofError
from app.ledger.sm2 import sm3
from app.node.jsonlog import log_event
from app.node.node import Node
from app.node.registry import check_policy
from app.node.sequencer import Outcome, when_all_done
from app.node.storage.interface import StoreUnavailable
from app.node.verify_pool import Job
from app.protocol.case_results import (
    DIGEST_HEADER,
    MAX_CASE_RESULT_BYTES,
    OFD_MEDIA,
    RESULT_UPLOADERS,
    office_of_subject,
    valid_case_reference,
)
from app.protocol.refusals import Code, Refusal
from app.protocol.request_auth import parse_credentials, verify_request
from app.protocol.tiles import FULL_TILE_BYTES, TILE_WIDTH, TilePathError, TreeReader, parse_tile_path, tile_width_at

log = logging.getLogger("govdesk.node.http")

IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=3600"
MUTABLE = "no-cache, max-age=2"
TEXT = "text/plain; charset=utf-8"
OCTETS = "application/octet-stream"
ADD_CHECKPOINT_LIMIT = 64 * 1024
MAX_HASH_QUERY = 64


class ImmutableCache:
    """A small LRU of immutable resources (full tiles and full entry bundles)."""

    def __init__(self, capacity: int = 2048) -> None:
        self._items: OrderedDict[Any, bytes] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: Any) -> bytes | None:
        """Return a cached resource."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: bytes) -> None:
        """Cache a resource."""
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._capacity:
                self._items.popitem(last=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def refusal_response(request: Request, refusal: Refusal, **fields: Any) -> JSONResponse:
    """Log a refusal with its reason and answer it as `{"refusal": {"code", "message"}}`."""
    log_event(
        log,
        "refusal",
        code=refusal.code.value,
        reason=refusal.message,
        path=request.url.path,
        client=_client(request),
        **fields,
    )
    return JSONResponse({"refusal": refusal.to_json()}, status_code=refusal.status)


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """Read the request body, refusing one over `limit` bytes or slower than `timeout_s` in total."""

    def refuse(problem: BodyProblem) -> Refusal:
        return {
            BodyProblem.BAD_LENGTH: Refusal(Code.MALFORMED_REQUEST, "bad Content-Length"),
            BodyProblem.TOO_LARGE: Refusal(Code.BODY_TOO_LARGE, f"request body is over the limit of {limit} bytes"),
            BodyProblem.TOO_SLOW: Refusal(Code.REQUEST_TIMEOUT, f"request body not received within {timeout_s:g} s"),
        }[problem]

    return await read_limited_body(request, limit, timeout_s, refuse)


def _node(request: Request) -> Node:
    return request.app.state.node


# --- submission -----------------------------------------------------------------------------------
# One entry of a request, checked: (entry hash, SignedEntry, verified public key), or (None, Refusal, None).
Checked = tuple[bytes | None, Any, bytes | None]


def _check_entries(node: Node, entries: list[bytes], hint_kid: bytes) -> list[Checked]:
    """Decode and check each entry; return (entry hash, SignedEntry or Refusal, verified public key) per entry.

    Decoding runs on the node's worker processes, which also verify the signatures of entries signed by the
    request's own key (`hint_kid`); the registry checks run here; any other signature goes back to the pool.
    """
    hint = node.registry.get(hint_kid)
    hints = {hint.kid: (hint.suite, hint.public_key)} if hint is not None else {}
    decoded = node.verifier.decode(entries, hints)
    started = time.thread_time()
    out: list[Checked] = []
    jobs: list[Job] = []
    waiting: list[int] = []
    for item in decoded:
        try:
            if item[0] == "too_large":
                raise Refusal(Code.ENTRY_TOO_LARGE, item[1])
            if item[0] != "ok":
                raise Refusal(Code.MALFORMED_ENTRY, item[1])
            _, signed, verified_with = item
            record = check_policy(signed, node.registry.get(signed.kid), node.origin, node.config.department)
            if verified_with == record.public_key:  # verified by the worker with the key the registry holds
                out.append((signed.leaf_hash, signed, record.public_key))
                continue
            if verified_with == b"" and hint is not None and hint.public_key == record.public_key:
                raise _bad_signature(signed)  # failed under that very key
            sign1 = signed.sign1
            jobs.append((sign1.suite.name, record.public_key, sign1.to_be_signed(), sign1.signature))
            waiting.append(len(out))
            out.append((signed.leaf_hash, signed, record.public_key))
        except Refusal as refusal:
            out.append((None, refusal, None))
    node.stats.add_check(len(entries), time.thread_time() - started)
    for i, ok in zip(waiting, node.verifier.verify(jobs), strict=True):
        if not ok:
            out[i] = (None, _bad_signature(out[i][1]), None)
    return out


def _admit_entries(node: Node, kid: bytes, nonce: bytes, body: bytes) -> tuple[list[Checked], list[Outcome | None]]:
    """In one trip to a worker thread: record the request's nonce (refusing a replay), decode its entry bundle,
    check each entry (`_check_entries`) and hand the ones that pass to the sequencer at once; return each entry's
    check and its outcome (None if refused). Raises Refusal for the request as a whole."""
    limits = node.config.limits
    forget_before = node.now_ms() - 2 * limits.clock_skew_s * 1000
    if not node.store.use_nonce(kid, nonce, node.now_ms(), forget_before):
        raise Refusal(Code.REPLAYED_REQUEST, "this request nonce was already used")
    try:
        entries = decode_bundle(body, max_entries=limits.max_batch_entries)
    except BundleError as exc:
        if exc.index >= limits.max_batch_entries:
            raise Refusal(Code.BATCH_TOO_LARGE, f"at most {limits.max_batch_entries} entries per request") from None
        raise Refusal(Code.MALFORMED_REQUEST, f"body is not an entry bundle: {exc}") from None
    if not entries:
        raise Refusal(Code.MALFORMED_REQUEST, "the bundle holds no entries")
    checked = _check_entries(node, entries, kid)
    accepted = [i for i, (_, item, _) in enumerate(checked) if not isinstance(item, Refusal)]
    # One hand-over for the request's entries (a full queue refuses an entry through its outcome).
    outcomes: list[Outcome | None] = [None] * len(checked)
    for i, outcome in zip(accepted, node.sequencer.submit_many([checked[i][1:] for i in accepted]), strict=True):
        outcomes[i] = outcome
    return checked, outcomes


def _bad_signature(signed: Any) -> Refusal:
    return Refusal(
        Code.BAD_SIGNATURE, f"{signed.sign1.suite.name} signature does not verify under key {signed.kid.hex()}"
    )


def _all_done(outcomes: list[Outcome]) -> asyncio.Future[None]:
    """A future of the running event loop that completes once every one of `outcomes` has: the loop wakes once
    for a request's whole batch, not once per entry (as `asyncio.wrap_future` on each would have it)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def settle() -> None:
        if not waiter.done():
            waiter.set_result(None)

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting any more
            loop.call_soon_threadsafe(settle)

    when_all_done(outcomes, wake)
    return waiter


async def add_entries(request: Request) -> Response:
    """POST /add-entries: a signed request whose body is an entry bundle; answers each entry's index or refusal."""
    node = _node(request)
    limits = node.config.limits
    kid = None
    try:
        creds = parse_credentials(request.headers)
        kid = creds.kid.hex()
        body = await read_body(request, limits.max_body_bytes, limits.body_timeout_s)
        verify_request(
            creds,
            node.registry.get(creds.kid),
            request.method,
            request.url.path,
            body,
            node.now_ms(),
            limits.clock_skew_s * 1000,
        )
        if not node.rate.allow(creds.kid):
            raise Refusal(Code.RATE_LIMITED, f"more than {limits.rate_per_device:g} requests/s from this device")
        checked, outcomes = await run_in_threadpool(_admit_entries, node, creds.kid, creds.nonce, body)
    except Refusal as refusal:
        return refusal_response(request, refusal, kid=kid)
    results: list[dict[str, Any]] = [{} for _ in checked]
    for i, (entry_hash, item, _) in enumerate(checked):
        if isinstance(item, Refusal):
            log_event(log, "refusal", code=item.code.value, reason=item.message, kid=kid, entry=i)
            results[i] = {"refusal": item.to_json()}
        else:
            results[i]["hash"] = entry_hash.hex()
    waits = [(i, outcome) for i, outcome in enumerate(outcomes) if outcome is not None]
    if waits:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_all_done([f for _, f in waits]), timeout=limits.submit_wait_s)
        for i, fut in waits:
            if not fut.done():
                refusal = Refusal(Code.SEQUENCING_TIMEOUT, "not sequenced in time; resubmit (it is idempotent)")
            elif isinstance(fut.exception(), StoreUnavailable):
                refusal = Refusal(Code.STORE_UNAVAILABLE, "the database is unavailable; resubmit (it is idempotent)")
            elif fut.exception() is not None:
                refusal = Refusal(Code.OVERLOADED, "sequencing failed; resubmit (it is idempotent)")
            else:
                value = fut.result()
                if isinstance(value, Refusal):
                    refusal = value
                else:
                    results[i]["index"] = value
                    continue
            log_event(log, "refusal", code=refusal.code.value, reason=refusal.message, kid=kid, entry=i)
            results[i]["refusal"] = refusal.to_json()
    return JSONResponse({"results": results})


# --- case results (统一窗口出件) -------------------------------------------------------------------------
async def _signed_request(request: Request, limit: int) -> tuple[Any, bytes]:
    """Read and authenticate a signed request under the node's limits; return (the signer's record, the body)."""
    node = _node(request)
    limits = node.config.limits
    creds = parse_credentials(request.headers)
    body = await read_body(request, limit, limits.body_timeout_s)
    record = node.registry.get(creds.kid)
    verify_request(creds, record, request.method, request.url.path, body, node.now_ms(), limits.clock_skew_s * 1000)
    if not node.rate.allow(creds.kid):
        raise Refusal(Code.RATE_LIMITED, f"more than {limits.rate_per_device:g} requests/s from this device")
    forget_before = node.now_ms() - 2 * limits.clock_skew_s * 1000
    if not await run_in_threadpool(node.store.use_nonce, creds.kid, creds.nonce, node.now_ms(), forget_before):
        raise Refusal(Code.REPLAYED_REQUEST, "this request nonce was already used")
    return record, body


def _case_id(request: Request) -> str:
    case_id = request.path_params["case_id"]
    if not valid_case_reference(case_id):
        raise Refusal(Code.MALFORMED_REQUEST, "the case id is not a short ASCII reference")
    return case_id


async def put_case_result(request: Request) -> Response:
    """PUT /case-results/<case>?office=O: the records office keeps a case's sealed result (SM3 in Govdesk-Digest)."""
    node = _node(request)
    try:
        case_id = _case_id(request)
        office = request.query_params.get("office", "")
        if not valid_case_reference(office):
            raise Refusal(Code.MALFORMED_REQUEST, "the office is not a short ASCII reference")
        record, body = await _signed_request(request, MAX_CASE_RESULT_BYTES)
        if record.role not in RESULT_UPLOADERS or (record.department and record.department != node.config.department):
            raise Refusal(Code.ROLE_NOT_ALLOWED, "only this department's seal or department key keeps case results")
        digest = sm3(body)
        if request.headers.get(DIGEST_HEADER, "").lower() != digest.hex():
            raise Refusal(Code.DIGEST_MISMATCH, "the body's SM3 is not the digest named in the request")
        kept = await run_in_threadpool(node.store.put_case_result, case_id, office, digest, body, node.now_ms())
        if not kept:
            raise Refusal(Code.RESULT_CONFLICT, f"case {case_id} already holds another result")
    except Refusal as refusal:
        return refusal_response(request, refusal)
    log_event(log, "case_result", case=case_id, office=office, digest=digest.hex(), size=len(body))
    return JSONResponse({"case": case_id, "digest": digest.hex()})


async def get_case_result(request: Request) -> Response:
    """GET /case-results/<case>: the sealed result, only to a key of the office whose window accepted the case."""
    node = _node(request)
    try:
        case_id = _case_id(request)
        record, _ = await _signed_request(request, 0)
        held = await run_in_threadpool(node.store.case_result, case_id)
        if held is None or office_of_subject(record.subject) != held.office:  # another office's case: not here
            raise Refusal(Code.NOT_FOUND, f"no result of case {case_id} for this office")
    except Refusal as refusal:
        return refusal_response(request, refusal)
    return Response(
        held.data, media_type=OFD_MEDIA, headers={DIGEST_HEADER: held.digest.hex(), "Cache-Control": "no-store"}
    )


# --- tlog-tiles reads --------------------------------------------------------------------------------
async def checkpoint(request: Request) -> Response:
    """GET /checkpoint: the published checkpoint with the cosignatures gathered for it."""
    state = await run_in_threadpool(_node(request).store.state)
    if state.published is None:
        return refusal_response(request, Refusal(Code.NOT_FOUND, "no checkpoint published yet"))
    return Response(state.published, media_type=TEXT, headers={"Cache-Control": MUTABLE})


async def _published_size(request: Request, needed: int) -> int:
    """Return the published tree size, rereading it only when the cached one is too small for `needed`.

    Published tiles never change, so a cached size is never wrong, only possibly too small.
    """
    cached = request.app.state.published_size
    if cached >= needed:
        return cached
    state = await run_in_threadpool(_node(request).store.state)
    request.app.state.published_size = max(request.app.state.published_size, state.published_size)
    return state.published_size


def _read_tile(node: Node, level: int | None, index: int, width: int, published_size: int) -> bytes | None:
    if level is None:
        available = tile_width_at(0, index, published_size)
        if available < width:
            return None
        start = index * TILE_WIDTH
        return encode_bundle(node.store.entries(start, start + width))
    if tile_width_at(level, index, published_size) < width:
        return None
    tile = node.store.tile(level, index)
    if tile is None or len(tile) < width * 32:
        return None
    return tile[: width * 32]


async def tile(request: Request) -> Response:
    """GET /tile/<L>/<N>[.p/<W>] and /tile/entries/<N>[.p/<W>]."""
    node = _node(request)
    cache: ImmutableCache = request.app.state.tiles
    try:
        path = parse_tile_path(request.path_params["rest"])
    except TilePathError as exc:
        return refusal_response(request, Refusal(Code.NOT_FOUND, f"not a tile path: {exc}"))
    width = path.width or TILE_WIDTH
    key = (path.level, path.index)
    data = cache.get(key) if path.width is None else None
    if data is None:
        level = path.level or 0
        needed = ((path.index * TILE_WIDTH) + width) << (8 * level)
        published = await _published_size(request, needed)
        data = await run_in_threadpool(_read_tile, node, path.level, path.index, width, published)
        if data is None:
            return refusal_response(request, Refusal(Code.NOT_FOUND, "no such tile in the published tree"))
        if path.width is None:
            if path.level is None:
                data = gzip.compress(data, compresslevel=6, mtime=0)
            elif len(data) != FULL_TILE_BYTES:
                return refusal_response(request, Refusal(Code.NOT_FOUND, "tile is not full"))
            cache.put(key, data)
        elif path.level is None:
            data = gzip.compress(data, compresslevel=6, mtime=0)
    headers = {"Cache-Control": IMMUTABLE if path.width is None else PARTIAL}
    if path.level is None:
        accept = request.headers.get("accept-encoding", "")
        if "gzip" in accept:
            headers["Content-Encoding"] = "gzip"
        else:
            data = gzip.decompress(data)
    return Response(data, media_type=OCTETS, headers=headers)


# --- proofs ----------------------------------------------------------------------------------------
def _int_param(request: Request, name: str, default: int | None = None) -> int:
    text = request.query_params.get(name)
    if text is None:
        if default is None:
            raise Refusal(Code.MALFORMED_REQUEST, f"query parameter {name!r} is required")
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        raise Refusal(Code.MALFORMED_REQUEST, f"query parameter {name!r} must be a non-negative integer")
    return int(text)


def _entry_proof(node: Node, entry_hash: bytes, size: int | None) -> dict[str, Any]:
    found = node.store.entry_by_hash(entry_hash)
    if found is None:
        raise Refusal(Code.NOT_FOUND, "no entry with this hash is sequenced")
    index, data = found
    state = node.store.state()
    tree_size = state.published_size if size is None else size
    if index >= state.published_size:
        raise Refusal(Code.NOT_FOUND, f"entry {index} is sequenced but not yet in a published checkpoint")
    if not index < tree_size <= state.published_size:
        raise Refusal(Code.MALFORMED_REQUEST, f"size must be in {index + 1}..{state.published_size}")
    checkpoint_text = state.published if tree_size == state.published_size else node.store.checkpoint_at(tree_size)
    if checkpoint_text is None:
        raise Refusal(Code.NOT_FOUND, f"no checkpoint was signed at size {tree_size}")
    proof = TreeReader(node.store.tile, node.config.tree).inclusion_proof(index, tree_size)
    return {
        "index": index,
        "entry": base64.b64encode(data).decode(),
        "tree_size": tree_size,
        "inclusion_proof": [base64.b64encode(h).decode() for h in proof],
        "checkpoint": checkpoint_text,
    }


async def entry_by_hash(request: Request) -> Response:
    """GET /entry/<hash hex>[?size=N]: the entry, its index and its inclusion proof in a published tree."""
    node = _node(request)
    text = request.path_params["hash"]
    try:
        if len(text) != MAX_HASH_QUERY:
            raise ValueError
        entry_hash = bytes.fromhex(text)
        size = _int_param(request, "size", 0) or None
        body = await run_in_threadpool(_entry_proof, node, entry_hash, size)
    except ValueError:
        return refusal_response(request, Refusal(Code.MALFORMED_REQUEST, "an entry hash is 64 hex digits"))
    except Refusal as refusal:
        return refusal_response(request, refusal)
    return JSONResponse(body, headers={"Cache-Control": MUTABLE})


def _consistency(node: Node, old: int, new: int | None) -> dict[str, Any]:
    published = node.store.state().published_size
    new = published if new is None else new
    if not 0 < old <= new <= published:
        raise Refusal(Code.MALFORMED_REQUEST, f"need 0 < old <= new <= {published} (the published size)")
    try:
        proof = TreeReader(node.store.tile, node.config.tree).consistency_proof(old, new)
    except ProofError as exc:
        raise Refusal(Code.NOT_FOUND, str(exc)) from None
    return {"old": old, "new": new, "proof": [base64.b64encode(h).decode() for h in proof]}


async def consistency(request: Request) -> Response:
    """GET /proof/consistency?old=M[&new=N]: an RFC 9162 consistency proof between two published sizes."""
    node = _node(request)
    try:
        old = _int_param(request, "old")
        new = _int_param(request, "new", 0) or None
        body = await run_in_threadpool(_consistency, node, old, new)
    except Refusal as refusal:
        return refusal_response(request, refusal)
    return JSONResponse(body, headers={"Cache-Control": IMMUTABLE if "new" in request.query_params else MUTABLE})


# --- witnessing ----------------------------------------------------------------------------------------
async def add_checkpoint(request: Request) -> Response:
    """POST /add-checkpoint (c2sp.org/tlog-witness)."""
    node = _node(request)
    try:
        body = await read_body(request, ADD_CHECKPOINT_LIMIT, node.config.limits.body_timeout_s)
    except Refusal as refusal:
        return refusal_response(request, refusal)
    answer = await run_in_threadpool(node.witness.add_checkpoint, body)
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)


async def witnessed_checkpoint(request: Request) -> Response:
    """GET /witness/<sha256(origin) hex>/checkpoint: the latest checkpoint this witness cosigned for that log."""
    node = _node(request)
    wanted = request.path_params["origin_hash"]
    for origin in node.witness.origins():
        if hashlib.sha256(origin.encode()).hexdigest() == wanted:
            held = await run_in_threadpool(node.store.witnessed, origin)
            if held is not None:
                return Response(held.checkpoint, media_type=TEXT, headers={"Cache-Control": MUTABLE})
    return refusal_response(request, Refusal(Code.NOT_FOUND, "this witness never cosigned that log"))


async def forks(request: Request) -> Response:
    """GET /witness/forks: every pair of conflicting checkpoints this witness kept."""
    evidence = await run_in_threadpool(_node(request).store.forks)
    return JSONResponse(
        {
            "forks": [
                {
                    "id": f.id,
                    "origin": f.origin,
                    "held": f.held,
                    "offered": f.offered,
                    "old_size": f.old_size,
                    "proof": f.proof.split("\n") if f.proof else [],
                    "reason": f.reason,
                    "received_at": f.received_at,
                }
                for f in evidence
            ]
        }
    )


def _health_probe(node: Node) -> tuple[bool, Any]:
    """Return (can write, state or the error that stopped reading it)."""
    try:
        writable = node.store.can_write()
        if writable and node.remote is not None and not node.remote.connected():
            return False, "the sequencing process is unreachable"
        return writable, node.store.state() if writable else "the database does not accept writes"
    except Exception as exc:  # health reports the failure instead of raising it
        return False, str(exc)


async def health(request: Request) -> Response:
    """GET /health: 200 only while the node can write to its database; tree sizes and the node's public keys."""
    node = _node(request)
    writable, state = await run_in_threadpool(_health_probe, node)
    if not writable:
        return JSONResponse(
            {"status": "unwritable", "writable": False, "department": node.config.department, "error": state},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse(
        {
            "status": "ok",
            "writable": True,
            "department": node.config.department,
            "origin": node.origin,
            "size": state.size,
            "published_size": state.published_size,
            "queued": node.sequencer.queued(),
            "registry_size": node.registry.loaded_size,
            "stats": {
                "checked": node.stats.checked,
                "decode_cpu_s": round(node.verifier.decode_cpu_s, 6),
                "check_cpu_s": round(node.stats.cpu_s, 6),
                "verified": node.verifier.verified,
                "verify_cpu_s": round(node.verifier.cpu_s, 6),
                "verify_processes": node.verifier.processes,
                "sequenced": node.sequencer.sequenced,
                "sequence_cpu_s": round(node.sequencer.cpu_s, 6),
            },
            "process": {"pid": os.getpid(), "http_worker": node.http_worker},
            "log_vkey": node.keys.log_vkey,
            "witness_vkey": node.keys.witness_vkey,
            "tree_hash": node.config.tree_hash,
            "department_kid": node.keys.department_kid.hex(),
        },
        headers={"Cache-Control": "no-store"},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = Code.NOT_FOUND if status in (404, 405) else Code.MALFORMED_REQUEST
    response = refusal_response(request, Refusal(code, f"HTTP {status}: {getattr(exc, 'detail', '')}"))
    response.status_code = status
    return response


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    return refusal_response(request, Refusal(Code.STORE_UNAVAILABLE, f"{exc}; retry later"))


def build_app(node: Node, *, manage_node: bool = True) -> Starlette:
    """Return the ASGI app serving `node`; with `manage_node` its lifespan starts and stops the node."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Blocking request work runs on this many threads, which the database pool is sized from (docs/node.md).
        to_thread.current_default_thread_limiter().total_tokens = node.config.limits.workers
        if manage_node:
            await run_in_threadpool(node.start)
        try:
            yield
        finally:
            if manage_node:
                await run_in_threadpool(node.stop)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/checkpoint", checkpoint, methods=["GET"]),
        Route("/tile/{rest:path}", tile, methods=["GET"]),
        Route("/entry/{hash}", entry_by_hash, methods=["GET"]),
        Route("/proof/consistency", consistency, methods=["GET"]),
        Route("/add-entries", add_entries, methods=["POST"]),
        Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
        Route("/case-results/{case_id}", put_case_result, methods=["PUT"]),
        Route("/case-results/{case_id}", get_case_result, methods=["GET"]),
        Route("/witness/forks", forks, methods=["GET"]),
        Route("/witness/{origin_hash}/checkpoint", witnessed_checkpoint, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, StoreUnavailable: _store_unavailable},
    )
    app.state.node = node
    app.state.tiles = ImmutableCache()
    app.state.published_size = 0
    return app
