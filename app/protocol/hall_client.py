"""Clients of the hall service: the signed HTTP client, and the counter's view of its window.

`HallClient` signs every request with the device's key. `CounterHall` is what a counter holds: the
ticket its window is serving, and whether the hall is reachable. When the hall is down the counter
keeps serving the citizen in front of it (its replica and ledger work never depend on the hall); it
only cannot call, and `status()` says so with the code `hall_unavailable`.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from app.ledger.suites import Signer
from app.protocol.hall_evaluations import DayEvaluations, MalformedEvaluations, parse_day
from app.protocol.hall_rating import RATINGS_PAGE, RatingCursor, RatingError
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_remediation import MalformedRemediation, RemediationView, read_items
from app.protocol.hall_served import MalformedServed, ServedCase, ServedTicket
from app.protocol.hall_tickets import DisplayState, Ticket
from app.protocol.request_auth import sign_request

DEFAULT_TIMEOUT_S = 5.0
# A counter that starts collects the ratings of the last week again (its outbox drops those it already holds): a
# rating given while the counter was off (a weekend, a crash before the office took it) still reaches its department.
RATING_LOOKBACK_DAYS = 7
UNAVAILABLE = "hall_unavailable"


class HallUnavailable(Exception):
    """The hall service cannot be reached (down, unreachable, or answering with a server error)."""

    code = UNAVAILABLE


def _refusal(response: httpx.Response) -> HallRefusal | None:
    try:
        doc = response.json()
        raw = doc["refusal"]
        code = HallCode(raw["code"])
    except (ValueError, KeyError, TypeError):
        return None
    detail = raw.get("detail") if isinstance(raw.get("detail"), dict) else None
    return HallRefusal(code, str(raw.get("message", "")), detail)


class HallClient:
    """A device's signed connection to the hall service."""

    def __init__(self, url: str, signer: Signer | None, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.url = url.rstrip("/")
        self.signer = signer
        self._http = httpx.Client(base_url=self.url, timeout=timeout_s)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _request(self, method: str, path: str, doc: dict[str, Any] | None = None, signed: bool = True) -> Any:
        body = b"" if doc is None else json.dumps(doc, separators=(",", ":")).encode()
        headers = {"content-type": "application/json"} if body else {}
        if signed:
            if self.signer is None:
                raise HallRefusal(HallCode.UNAUTHENTICATED, "this client has no device key")
            headers.update(sign_request(self.signer, method, path, body, time.time_ns() // 1_000_000))
        try:
            response = self._http.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise HallUnavailable(f"the hall at {self.url} cannot be reached: {exc}") from None
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError:
                raise HallUnavailable("the hall answered with something that is not JSON") from None
        refusal = _refusal(response)
        if refusal is None:
            raise HallUnavailable(f"the hall answered HTTP {response.status_code}")
        raise refusal

    @staticmethod
    def _ticket(doc: Any) -> Ticket | None:
        raw = doc.get("ticket") if isinstance(doc, dict) else None
        return None if raw is None else Ticket.from_json(raw)

    def health(self) -> dict[str, Any]:
        """GET /health."""
        return self._request("GET", "/health", signed=False)

    def config(self) -> dict[str, Any]:
        """GET /config: office, categories, windows."""
        return self._request("GET", "/config", signed=False)

    def issue(self, category: str, green: bool = False) -> Ticket:
        """Issue a ticket (kiosk)."""
        ticket = self._ticket(
            self._request("POST", "/tickets", {"category": category, "kind": "green" if green else "normal"})
        )
        assert ticket is not None
        return ticket

    def arrive(self, appointment_code: str) -> Ticket:
        """Turn an appointment code into a ticket (kiosk)."""
        ticket = self._ticket(self._request("POST", "/tickets", {"appointment": appointment_code}))
        assert ticket is not None
        return ticket

    def call_next(self) -> Ticket | None:
        """Call the next ticket to this counter's window (None if nobody waits)."""
        return self._ticket(self._request("POST", "/call", {}))

    def current(self) -> Ticket | None:
        """Return the ticket this counter's window holds."""
        return self._ticket(self._request("GET", "/current"))

    def act(self, ticket: Ticket, action: str, **extra: Any) -> Ticket:
        """recall, skip, finish, heartbeat or transfer (to=, case_ref=) a held ticket."""
        if ticket.hold is None:
            raise HallRefusal(HallCode.TICKET_NOT_HELD, f"ticket {ticket.number} is not held")
        return self.act_on(ticket.id, ticket.hold, action, **extra)

    def act_on(self, ticket_id: int, hold: int, action: str, **extra: Any) -> Ticket:
        """Act on a ticket by id under the hold of the call that gave it to this window."""
        result = self._ticket(self._request("POST", f"/tickets/{ticket_id}/{action}", {"hold": hold, **extra}))
        assert result is not None
        return result

    def ticket(self, ticket_id: int) -> Ticket:
        """Return a ticket with its history."""
        result = self._ticket(self._request("GET", f"/tickets/{ticket_id}"))
        assert result is not None
        return result

    def tickets(self) -> list[Ticket]:
        """Return every ticket the hall holds, with histories, page by page (display or kiosk devices)."""
        out: list[Ticket] = []
        while True:
            page = self._request("GET", f"/tickets?from={out[-1].id + 1 if out else 1}")["tickets"]
            if not page:
                return out
            out.extend(Ticket.from_json(t) for t in page)

    def rate(self, entry: bytes, reason: str | None = None) -> dict[str, Any]:
        """Send a signed rating entry (evaluator); the answer names the remediation item a bad rating opened."""
        doc: dict[str, Any] = {"entry": base64.b64encode(entry).decode()}
        if reason is not None:
            doc["reason"] = reason
        return self._request("POST", "/ratings", doc)

    def evaluations(self, day: str) -> DayEvaluations:
        """The day's 好差评 and the overdue 整改 items (a counter's key); HallUnavailable if the answer is malformed."""
        path = f"/evaluations?day={parse_day(day)}"  # the caller's day, checked before it goes out
        try:
            return DayEvaluations.from_json(self._request("GET", path))
        except MalformedEvaluations as exc:
            raise HallUnavailable(f"the hall's evaluations cannot be read: {exc}") from None

    def remediation(self) -> list[RemediationView]:
        """The hall's newest remediation items (a counter's key); HallUnavailable if the answer is malformed."""
        try:
            return read_items(self._request("GET", "/remediation"))
        except MalformedRemediation as exc:
            raise HallUnavailable(f"the hall's remediation items cannot be read: {exc}") from None

    def record_callback(self, item_id: int, by: str, called_at_ms: int, outcome: str) -> None:
        """Tell the hall of a call-back the office recorded (a counter's key); sending it again does no harm."""
        doc = {"by": by, "called_at_ms": called_at_ms, "outcome": outcome}
        self._request("POST", f"/remediation/{int(item_id)}/callback", doc)

    def window_ratings(self, after: RatingCursor) -> list[tuple[RatingCursor, bytes]]:
        """The counter's window's rating entries after `after` (at most RATINGS_PAGE), each with its cursor."""
        doc = self._request("GET", f"/ratings?after={after.to_wire()}")
        try:
            return [
                (RatingCursor.from_wire(item["cursor"]), base64.b64decode(item["entry"], validate=True))
                for item in doc["ratings"]
            ]
        except (KeyError, TypeError, ValueError, RatingError):
            raise HallUnavailable("the hall's answer to GET /ratings is not a list of ratings") from None

    def served(self) -> ServedTicket | None:
        """What this evaluator's window finished last and nobody rated yet (evaluator); HallUnavailable if garbled."""
        doc = self._request("GET", "/served")
        try:
            raw = doc["served"]
            return None if raw is None else ServedTicket.from_json(raw)
        except (KeyError, TypeError, MalformedServed):
            raise HallUnavailable("the hall's answer to GET /served is not a served ticket") from None

    def display(self) -> DisplayState:
        """Return the wall display's state."""
        return DisplayState.from_json(self._request("GET", "/display"))


@dataclass(frozen=True)
class HallStatus:
    """What the counter shows about the hall: reachable or not (with a code), and the ticket being served."""

    online: bool
    code: str | None
    ticket: Ticket | None

    @property
    def can_call(self) -> bool:
        """A counter calls only when the hall answers and its window holds no ticket."""
        return self.online and self.ticket is None


class CounterHall:
    """A counter's window in the hall: its current ticket; calling stops (serving goes on) while the hall is down.

    It also collects the ratings the window's evaluator gave (`collect_ratings`), from a cursor that starts
    RATING_LOOKBACK_DAYS back when the counter starts and moves on only once the office has taken a page.
    """

    def __init__(self, client: HallClient, now_ms: int | None = None) -> None:
        self.client = client
        self._ticket: Ticket | None = None
        self._online = True
        self._lock = threading.Lock()
        start = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        self._ratings_after = RatingCursor(max(0, start - RATING_LOOKBACK_DAYS * 86_400_000))
        self._collecting = threading.Lock()

    def collect_ratings(self, take: Callable[[list[bytes]], object]) -> int:
        """Hand every rating of this window not handed over yet to `take` (the office's outbox), page by page.

        The cursor moves past a page only when `take` returned; if it raises, the page comes again next time (the
        outbox is idempotent by entry hash). Returns how many entries were handed over; raises HallUnavailable."""
        handed = 0
        with self._collecting:
            while True:
                page = self._run(self.client.window_ratings, self._ratings_after)
                if not page:
                    return handed
                take([entry for _, entry in page])
                handed += len(page)
                self._ratings_after = page[-1][0]
                if len(page) < RATINGS_PAGE:
                    return handed

    def status(self) -> HallStatus:
        """Return whether the hall is reachable and which ticket this window serves."""
        with self._lock:
            return HallStatus(self._online, None if self._online else UNAVAILABLE, self._ticket)

    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except HallUnavailable:
            with self._lock:
                self._online = False
            raise
        with self._lock:
            self._online = True
        return result

    def refresh(self) -> HallStatus:
        """Ask the hall which ticket this window holds (adopts it after a restart); mark the hall down if silent."""
        try:
            ticket = self._run(self.client.current)
        except HallUnavailable:
            return self.status()
        with self._lock:
            self._ticket = ticket
        return self.status()

    def call_next(self) -> Ticket | None:
        """Call the next citizen; raises HallUnavailable when the hall is down (the counter serves on)."""
        try:
            ticket = self._run(self.client.call_next)
        except HallRefusal as refusal:
            if refusal.code is HallCode.WINDOW_BUSY and isinstance(refusal.detail.get("ticket"), dict):
                ticket = Ticket.from_json(refusal.detail["ticket"])  # a call whose answer was lost: adopt it
            else:
                raise
        with self._lock:
            self._ticket = ticket
        return ticket

    def _act(self, action: str, **extra: Any) -> Ticket:
        with self._lock:
            ticket = self._ticket
        if ticket is None:
            raise HallRefusal(HallCode.TICKET_NOT_HELD, "this window holds no ticket")
        try:
            result = self._run(self.client.act, ticket, action, **extra)
        except HallRefusal as refusal:
            if refusal.code in (HallCode.TICKET_NOT_HELD, HallCode.ALREADY_FINISHED):
                with self._lock:
                    self._ticket = None  # lost (timed out) or gone: the window no longer holds it
            raise
        with self._lock:
            self._ticket = result if action in ("recall", "heartbeat") else None
        return result

    def recall(self) -> Ticket:
        """Call the current ticket again."""
        return self._act("recall")

    def heartbeat(self) -> Ticket:
        """Keep holding the current ticket while serving."""
        return self._act("heartbeat")

    def skip(self) -> Ticket:
        """The citizen did not come: the ticket returns later."""
        return self._act("skip")

    def transfer(self, to: str, case_ref: str | None = None) -> Ticket:
        """Send the current ticket, with its case, to another window."""
        return self._act("transfer", to=to, case_ref=case_ref)

    def finish(self, served: ServedCase | None = None) -> Ticket:
        """Finish the current ticket; `served` (the case, as a commitment) is what the window's evaluator will rate."""
        return self._act("finish", **({} if served is None else {"served": served.to_json()}))
