"""The hall's HTTP API (Starlette), and `serve_hall`, which binds its own port and reports it.

Every request but /health and /config is signed by an enrolled device of the hall's office (the
node's request-signing scheme: key id, time, nonce, signature over method, path, time, nonce and
body digest). A counter acts only as the window its key is enrolled for; a kiosk issues tickets; a
display reads. Writes (issue, call, the counter's actions) are authenticated on the event loop and
awaited in the store's committer group with no worker thread between; reads and the rest run in the
thread pool. Bodies are read under a size limit and a deadline.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.asgi.body import BodyProblem, read_limited_body
from app.atomic_file import write_atomic
from app.hall.evaluation import Evaluations
from app.hall.hall import Hall, HallOp, RequestMark
from app.hall.store import HallTx, StoredRating, T
from app.node.storage.interface import EnrolledKey
from app.protocol.hall_evaluations import MalformedEvaluations, parse_day
from app.protocol.hall_rating import RATINGS_PAGE, RatingCursor, RatingError
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_served import MalformedServed, ServedCase, ServedTicket
from app.protocol.hall_tickets import Device, Ticket, TicketKind
from app.protocol.refusals import Refusal
from app.protocol.request_auth import RequestCredentials, parse_credentials, verify_request

log = logging.getLogger("govdesk.hall.http")

MAX_BODY = 8192
BODY_TIMEOUT_S = 10.0
_ROLES_READ = ("counter", "kiosk", "display", "evaluator")


def refusal_response(refusal: HallRefusal) -> JSONResponse:
    """Answer a refusal as `{"refusal": {"code", "message"[, "detail"]}}` with its HTTP status."""
    return JSONResponse({"refusal": refusal.to_json()}, status_code=refusal.status)


def _refuse_body(problem: BodyProblem) -> HallRefusal:
    if problem is BodyProblem.TOO_SLOW:
        return HallRefusal(HallCode.REQUEST_TIMEOUT, "request body not received in time")
    return HallRefusal(HallCode.BODY_TOO_LARGE, f"request body is over {MAX_BODY} bytes")


async def _read_body(request: Request) -> bytes:
    return await read_limited_body(request, MAX_BODY, BODY_TIMEOUT_S, _refuse_body)


def _key_record(device: Device) -> EnrolledKey:
    return EnrolledKey(
        device.kid, device.suite, device.public_key, device.role, device.subject, None, 0, 0 if device.revoked else None
    )


def _admit(hall: Hall, device: Device, roles: tuple[str, ...]) -> None:
    """Refuse a device (already known to have signed the request) of another office or suite, or in another role."""
    if device.office != hall.config.office:
        raise HallRefusal(HallCode.WRONG_OFFICE, f"device {device.subject} is enrolled for another office")
    if device.suite != hall.config.suite:  # a hall on the national suite takes no Ed25519 device, and the reverse
        wrong = f"device {device.subject} has a {device.suite} key; the hall's suite is {hall.config.suite}"
        raise HallRefusal(HallCode.WRONG_SUITE, wrong)
    if device.role not in roles:
        raise HallRefusal(HallCode.ROLE_NOT_ALLOWED, f"a {device.role} device may not do this")


def _credentials(request: Request) -> RequestCredentials:
    try:
        return parse_credentials(request.headers)
    except Refusal as refusal:
        raise HallRefusal(HallCode(refusal.code.value), refusal.message) from None


def _verify(hall: Hall, request: Request, body: bytes, creds: RequestCredentials, device: Device | None) -> Device:
    """Refuse the request unless `device` (the enrolment of its key, or None) signed it now and is not revoked."""
    try:
        verify_request(
            creds,
            None if device is None else _key_record(device),
            request.method,
            request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            body,
            hall.clock(),
            int(hall.config.clock_skew_s * 1000),
        )
    except Refusal as refusal:
        raise HallRefusal(HallCode(refusal.code.value), refusal.message) from None
    assert device is not None  # verify_request refuses an unknown key
    return device


def _authenticate(hall: Hall, request: Request, body: bytes, roles: tuple[str, ...]) -> tuple[Device, RequestMark]:
    """Return the enrolled device that signed this request (as the store has it now), or refuse it."""
    creds = _credentials(request)
    device = _verify(hall, request, body, creds, hall.store.device(creds.kid))
    _admit(hall, device, roles)
    _devices(request)[creds.kid] = device
    return device, RequestMark(creds.kid, creds.nonce)


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise HallRefusal(HallCode.MALFORMED_REQUEST, "the body is not UTF-8 JSON") from None
    if not isinstance(doc, dict):
        raise HallRefusal(HallCode.MALFORMED_REQUEST, "the body must be a JSON object")
    return doc


def _int_field(doc: dict[str, Any], name: str) -> int:
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 62:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, f"{name!r} must be a non-negative integer")
    return value


def _ticket_id(request: Request) -> int:
    text = request.path_params["ticket_id"]
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, "a ticket id is a decimal number")
    return int(text)


def _hall(request: Request) -> Hall:
    return request.app.state.hall


def _devices(request: Request) -> dict[bytes, Device]:
    """The enrolments this process has read and admitted, by key id (a key id names one public key for good)."""
    return request.app.state.devices


async def _signed(
    request: Request, roles: tuple[str, ...], then: Callable[[Hall, Device, RequestMark, dict[str, Any]], Any]
) -> Any:
    """Read the body, then in one trip to the thread pool authenticate the device and run `then`."""
    return await _signed_body(request, await _read_body(request), roles, then)


async def _signed_body(
    request: Request,
    body: bytes,
    roles: tuple[str, ...],
    then: Callable[[Hall, Device, RequestMark, dict[str, Any]], Any],
) -> Any:
    hall = _hall(request)

    def work() -> Any:
        device, mark = _authenticate(hall, request, body, roles)
        return then(hall, device, mark, _json_object(body))

    return await run_in_threadpool(work)


class _DeviceChanged(Exception):
    """The device's enrolment changed after it was cached: the request is authenticated afresh."""


async def _committed(
    request: Request, roles: tuple[str, ...], build: Callable[[Hall, Device, RequestMark, dict[str, Any]], HallOp[T]]
) -> T:
    """Authenticate a write on the event loop and await its work in the committer's next group (no worker thread).

    The device is taken from the enrolments this process has already read. Inside the write transaction, before the
    work, the device's row is read again: the work commits only if the enrolment is still the one that admitted the
    request (a revocation or re-enrolment by another process since then is seen), and otherwise nothing of it is
    kept and the request is authenticated afresh from the store. A device not cached yet goes that way at once."""
    hall, body = _hall(request), await _read_body(request)
    creds = _credentials(request)
    device = _devices(request).get(creds.kid)

    def fresh(hall: Hall, device: Device, mark: RequestMark, doc: dict[str, Any]) -> T:
        return hall.store.run(build(hall, device, mark, doc))

    if device is None:
        return await _signed_body(request, body, roles, fresh)
    _verify(hall, request, body, creds, device)
    _admit(hall, device, roles)
    op = build(hall, device, RequestMark(creds.kid, creds.nonce), _json_object(body))

    def guarded(tx: HallTx) -> T:
        if tx.device(creds.kid) != device:
            raise _DeviceChanged
        return op(tx)

    try:
        return await asyncio.wrap_future(hall.store.submit(guarded))
    except _DeviceChanged:
        _devices(request).pop(creds.kid, None)
        return await _signed_body(request, body, roles, fresh)


def _served_case(doc: dict[str, Any]) -> ServedCase | None:
    if doc.get("served") is None:
        return None
    try:
        return ServedCase.from_json(doc["served"])
    except MalformedServed as exc:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, f"'served': {exc}") from None


def _counter_window(device: Device) -> str:
    if not device.window:
        raise HallRefusal(HallCode.UNKNOWN_WINDOW, f"{device.role} {device.subject} is not enrolled for a window")
    return device.window


def _endpoint(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except HallRefusal as refusal:
            log.info("refusal %s %s: %s", request.url.path, refusal.code.value, refusal.message)
            return refusal_response(refusal)

    wrapped.__doc__ = handler.__doc__
    return wrapped


def _ticket_answer(ticket: Ticket | None) -> JSONResponse:
    return JSONResponse({"ticket": None if ticket is None else ticket.to_json()})


async def issue(request: Request) -> Response:
    """POST /tickets (kiosk): {"category", "kind": "normal"|"green"} or {"appointment": code}."""

    def build(hall: Hall, _: Device, mark: RequestMark, doc: dict[str, Any]) -> HallOp[Ticket]:
        if "appointment" in doc:
            return hall.arrive_op(doc["appointment"], mark)
        category, kind = doc.get("category"), doc.get("kind", "normal")
        if not isinstance(category, str) or kind not in ("normal", "green"):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a ticket needs a category and kind normal or green")
        return hall.issue_op(category, TicketKind(kind), mark)

    return _ticket_answer(await _committed(request, ("kiosk",), build))


async def call_next(request: Request) -> Response:
    """POST /call (counter): call the next ticket to the counter's window; {"ticket": null} if none waits."""

    def build(hall: Hall, device: Device, mark: RequestMark, _: dict[str, Any]) -> HallOp[Ticket | None]:
        return hall.call_next_op(_counter_window(device), mark)

    return _ticket_answer(await _committed(request, ("counter",), build))


async def current(request: Request) -> Response:
    """GET /current (counter): the ticket the counter's window holds now, or null."""

    def build(hall: Hall, device: Device, _: RequestMark, __: dict[str, Any]) -> HallOp[Ticket | None]:
        return hall.current_op(_counter_window(device))

    return _ticket_answer(await _committed(request, ("counter",), build))


async def act(request: Request) -> Response:
    """POST /tickets/{id}/{recall|skip|finish|heartbeat|transfer} (counter): {"hold"[, "to", "case_ref"]}; a finish
    may name the case served, {"hold", "served": {"service", "log", "case_commitment", "clerk", "staff_id"}}."""
    ticket_id, action = _ticket_id(request), request.path_params["action"]

    def build(hall: Hall, device: Device, mark: RequestMark, doc: dict[str, Any]) -> HallOp[Ticket]:
        window, hold = _counter_window(device), _int_field(doc, "hold")
        if action == "transfer":
            to, case_ref = doc.get("to"), doc.get("case_ref")
            if not isinstance(to, str) or not (case_ref is None or isinstance(case_ref, str)):
                raise HallRefusal(HallCode.MALFORMED_REQUEST, "a transfer needs 'to' (a window id)")
            return hall.transfer_op(window, ticket_id, hold, to, case_ref, mark)
        if action == "finish":
            return hall.finish_op(window, ticket_id, hold, mark, _served_case(doc))
        method = {"recall": hall.recall_op, "skip": hall.skip_op, "heartbeat": hall.heartbeat_op}
        if action not in method:
            raise HallRefusal(HallCode.NOT_FOUND, f"no action {action!r}")
        return method[action](window, ticket_id, hold, mark)

    return _ticket_answer(await _committed(request, ("counter",), build))


async def served(request: Request) -> Response:
    """GET /served (evaluator): the case its window finished last and nobody rated yet, or {"served": null}."""

    def then(hall: Hall, device: Device, _: RequestMark, __: dict[str, Any]) -> ServedTicket | None:
        return hall.served(_counter_window(device))

    found = await _signed(request, ("evaluator",), then)
    return JSONResponse({"served": None if found is None else found.to_json()}, headers={"Cache-Control": "no-store"})


async def ticket(request: Request) -> Response:
    """GET /tickets/{id} (any enrolled device): the ticket with its history."""
    ticket_id = _ticket_id(request)
    return _ticket_answer(await _signed(request, _ROLES_READ, lambda hall, *_: hall.ticket(ticket_id)))


async def list_tickets(request: Request) -> Response:
    """GET /tickets?from=ID (display, kiosk): up to 500 tickets with their histories, from that id on."""
    text = request.query_params.get("from", "1")
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, "'from' is a ticket id")
    page = await _signed(request, ("display", "kiosk"), lambda hall, *_: hall.tickets_from(int(text)))
    return JSONResponse({"tickets": [t.to_json() for t in page]})


async def display(request: Request) -> Response:
    """GET /display (any enrolled device): the latest calls and the waiting counts per category."""
    state = await _signed(request, _ROLES_READ, lambda hall, *_: hall.display())
    return JSONResponse(state.to_json(), headers={"Cache-Control": "no-store"})


async def rate(request: Request) -> Response:
    """POST /ratings (evaluator): {"entry": base64 of the signed hall.rating entry, "reason": optional text}."""

    def then(hall: Hall, device: Device, _: RequestMark, doc: dict[str, Any]) -> dict[str, Any]:
        try:
            data = base64.b64decode(str(doc.get("entry", "")), validate=True)
        except (ValueError, binascii.Error):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "'entry' is the base64 of a signed entry") from None
        item = Evaluations(hall).record(data, device, doc.get("reason"))
        return {"remediation": None if item is None else {"id": item.id, "due_day": item.due_day}}

    return JSONResponse(await _signed(request, ("evaluator",), then))


async def evaluations(request: Request) -> Response:
    """GET /evaluations?day=YYYY-MM-DD (counter): the day's 好差评 per level, service and clerk; overdue 整改."""
    try:
        day = parse_day(request.query_params.get("day"))
    except MalformedEvaluations:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, "'day' is a day, YYYY-MM-DD") from None
    found = await _signed(request, ("counter",), lambda hall, *_: Evaluations(hall).day(day))
    return JSONResponse(found.to_json(), headers={"Cache-Control": "no-store"})


async def remediation(request: Request) -> Response:
    """GET /remediation (counter): the newest remediation items with their clerks, due days and call-backs."""
    found = await _signed(request, ("counter",), lambda hall, *_: Evaluations(hall).views())
    return JSONResponse({"items": [i.to_json() for i in found]}, headers={"Cache-Control": "no-store"})


async def remediation_callback(request: Request) -> Response:
    """POST /remediation/{id}/callback (counter): {"by", "called_at_ms", "outcome"}, a call-back the office's
    supervisor recorded in its signed audit trail; closes the item."""
    item_id = _ticket_id(request)

    def then(hall: Hall, _: Device, __: RequestMark, doc: dict[str, Any]) -> dict[str, Any]:
        item = Evaluations(hall).record_callback(item_id, doc.get("by"), doc.get("outcome"), doc.get("called_at_ms"))
        return {"id": item.id, "callback_ms": item.callback_ms, "callback_by": item.callback_by}

    return JSONResponse({"item": await _signed(request, ("counter",), then)})


async def window_ratings(request: Request) -> Response:
    """GET /ratings?after=CURSOR (counter): its window's rating entries after the cursor, for its department's log."""
    try:
        after = RatingCursor.from_wire(request.query_params.get("after", "0"))
    except RatingError as exc:
        raise HallRefusal(HallCode.MALFORMED_REQUEST, str(exc)) from None

    def then(hall: Hall, device: Device, _: RequestMark, __: dict[str, Any]) -> list[StoredRating]:
        return hall.store.window_ratings(_counter_window(device), after, RATINGS_PAGE)

    page = await _signed(request, ("counter",), then)
    return JSONResponse(
        {"ratings": [{"entry": base64.b64encode(r.entry).decode(), "cursor": r.cursor.to_wire()} for r in page]},
        headers={"Cache-Control": "no-store"},
    )


async def config(request: Request) -> Response:
    """GET /config: the office, the categories and the windows (no secrets, no personal data)."""
    doc = _hall(request).config.to_json()
    public = {k: doc[k] for k in ("office", "categories", "windows", "hold_timeout_s", "skip_return_calls")}
    return JSONResponse(public)


async def health(request: Request) -> Response:
    """GET /health: liveness and the office."""
    hall = _hall(request)
    try:
        await run_in_threadpool(hall.store.waiting_counts, "")
    except Exception as exc:  # health reports the failure instead of raising it
        return JSONResponse({"status": "error", "error": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "office": hall.config.office}, headers={"Cache-Control": "no-store"})


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = HallCode.NOT_FOUND if status in (404, 405) else HallCode.MALFORMED_REQUEST
    response = refusal_response(HallRefusal(code, f"HTTP {status}"))
    response.status_code = status
    return response


def build_app(hall: Hall, sweep_every_s: float | None = None) -> Starlette:
    """Return the ASGI app serving `hall`; its lifespan returns lapsed holds to the queue periodically."""
    period = sweep_every_s if sweep_every_s is not None else max(0.2, min(5.0, hall.config.hold_timeout_s / 4))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def sweeper() -> None:
            while True:
                await asyncio.sleep(period)
                try:
                    await run_in_threadpool(hall.sweep)
                except Exception:  # a failed sweep is retried at the next period; the next call also sweeps
                    log.exception("hall sweep failed")

        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route("/health", _endpoint(health), methods=["GET"]),
        Route("/config", _endpoint(config), methods=["GET"]),
        Route("/display", _endpoint(display), methods=["GET"]),
        Route("/tickets", _endpoint(issue), methods=["POST"]),
        Route("/tickets", _endpoint(list_tickets), methods=["GET"]),
        Route("/tickets/{ticket_id}", _endpoint(ticket), methods=["GET"]),
        Route("/tickets/{ticket_id}/{action}", _endpoint(act), methods=["POST"]),
        Route("/call", _endpoint(call_next), methods=["POST"]),
        Route("/ratings", _endpoint(rate), methods=["POST"]),
        Route("/evaluations", _endpoint(evaluations), methods=["GET"]),
        Route("/ratings", _endpoint(window_ratings), methods=["GET"]),
        Route("/remediation", _endpoint(remediation), methods=["GET"]),
        Route("/remediation/{ticket_id}/callback", _endpoint(remediation_callback), methods=["POST"]),
        Route("/current", _endpoint(current), methods=["GET"]),
        Route("/served", _endpoint(served), methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _http_error})
    app.state.hall = hall
    app.state.devices = {}
    return app


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind a listening TCP socket (port 0: the kernel picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit TCP_NODELAY from the listener. uvicorn does not set it on a socket it is
    # handed, and without it every answer waits ~40 ms for Nagle and the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def serve_hall(hall: Hall, host: str, port: int, port_file: Path | None = None, access_log: bool = False) -> None:
    """Serve the hall until interrupted: bind (port 0 picks one), print the URL as JSON, write `port_file`."""
    # A request passes the event loop, a pool thread and the committer thread; with CPython's default 5 ms
    # switch interval each hand-over of the GIL can wait that long, which dominated a call's p99 under load.
    sys.setswitchinterval(0.0005)
    sock = bind_socket(host, port)
    bound = sock.getsockname()[1]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{bound}"
    config = uvicorn.Config(
        build_app(hall),
        http="auto",  # httptools and uvloop when installed (pyproject.toml), else h11 and asyncio
        loop="auto",
        log_config=None,
        access_log=access_log,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=5,
        limit_concurrency=2000,
    )
    server = uvicorn.Server(config)
    if port_file is not None:
        write_atomic(port_file, f"{bound}\n".encode())
    print(json.dumps({"hall": "listening", "office": hall.config.office, "url": url, "port": bound}), flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        sys.stdout.flush()
