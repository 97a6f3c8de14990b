"""The hall's rules over its store: issuing, calling by priority, recall, skip, transfer, finish, timeouts.

Priority when a window calls (each rule only among the categories the window serves, and only
tickets whose skip penalty has run out):
  1. a ticket transferred to this window (转号: it has waited once already);
  2. the green channel (绿色通道: the elderly, the disabled), in issue order;
  3. an appointment (预约) whose slot is now, earliest slot first (an early or late arrival queues as normal);
  4. everyone else, in issue order.
A skipped ticket (过号) returns after `skip_return_calls` further calls in the hall (or at once when
nobody else waits for that window); skipped more than `max_skips` times it is missed. A called ticket
whose window has not touched it (call, recall, heartbeat) for `hold_timeout_s` returns to the queue
at its old place, and the window that lost it is refused when it later tries to act on it.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from app.hall.config import HallConfig
from app.hall.store import MAX_NUMBER, Appointment, HallTx, SqlHallStore, T
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_served import SERVED_FOR_S, ServedCase, ServedTicket
from app.protocol.hall_tickets import CallRecord, DisplayState, Ticket, TicketKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_CASE_REF = 64
_CASE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_APPOINTMENT_CODE = re.compile(r"[0-9A-Z]{4,16}")
_NO_PENALTY = 1 << 62

HallOp = Callable[[HallTx], T]  # a piece of work on the hall's state, run by the store in a write transaction


def wall_clock_ms() -> int:
    """Return the time now in milliseconds since the epoch (UTC)."""
    return time.time_ns() // 1_000_000


def hall_day(now_ms: int) -> str:
    """Return the hall's business day (Asia/Shanghai) of a time, as YYYY-MM-DD."""
    return dt.datetime.fromtimestamp(now_ms / 1000, SHANGHAI).date().isoformat()


@dataclass(frozen=True)
class RequestMark:
    """The signed request's key id and nonce, recorded in the same transaction as what it asks for."""

    kid: bytes
    nonce: bytes


class Hall:
    """One hall: its configuration, its store and its clock."""

    def __init__(self, config: HallConfig, store: SqlHallStore, clock: Callable[[], int] = wall_clock_ms) -> None:
        self.config = config
        self.store = store
        self.clock = clock

    # --- helpers -------------------------------------------------------------------------------
    def _mark(self, tx: HallTx, mark: RequestMark | None, now: int) -> None:
        if mark is not None and not tx.use_nonce(mark.kid, mark.nonce, now):
            raise HallRefusal(HallCode.REPLAYED_REQUEST, "this request nonce was already used")

    def _window(self, window: str) -> tuple[str, ...]:
        spec = self.config.window(window)
        if spec is None:
            raise HallRefusal(HallCode.UNKNOWN_WINDOW, f"the hall has no window {window!r}")
        return spec.categories

    def _expire(self, tx: HallTx, now: int) -> None:
        tx.expire_holds(now - int(self.config.hold_timeout_s * 1000), now)

    # --- kiosk ---------------------------------------------------------------------------------
    def issue_op(self, category: str, kind: TicketKind, mark: RequestMark | None = None) -> HallOp[Ticket]:
        """The work of `issue`, to run in a write transaction."""
        if kind is TicketKind.APPOINTMENT:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "an appointment ticket is issued from its code")
        spec = self.config.category(category)
        if spec is None:
            raise HallRefusal(HallCode.UNKNOWN_CATEGORY, f"the hall has no category {category!r}")
        now = self.clock()

        def work(tx: HallTx) -> Any:
            self._mark(tx, mark, now)
            return self._insert(tx, spec.id, spec.letter, kind, now, None)

        return work

    def issue(self, category: str, kind: TicketKind, mark: RequestMark | None = None) -> Ticket:
        """Issue a ticket of a category (normal or green channel)."""
        return self.store.run(self.issue_op(category, kind, mark))

    def issue_many(self, category: str, count: int) -> list[Ticket]:
        """Issue `count` normal tickets of a category in one transaction (to pre-fill a hall for drills, benches)."""
        spec = self.config.category(category)
        if spec is None:
            raise HallRefusal(HallCode.UNKNOWN_CATEGORY, f"the hall has no category {category!r}")
        now = self.clock()

        def work(tx: HallTx) -> Any:
            return [self._insert(tx, spec.id, spec.letter, TicketKind.NORMAL, now, None) for _ in range(count)]

        return self.store.run(work)

    def _insert(
        self, tx: HallTx, category: str, letter: str, kind: TicketKind, now: int, slot: tuple[int, int] | None
    ) -> Ticket:
        day = hall_day(now)
        n = tx.next_number(day, category)
        if n > MAX_NUMBER:
            raise HallRefusal(HallCode.DAY_FULL, f"category {category} has issued {MAX_NUMBER} tickets today")
        return tx.insert_ticket(day, f"{letter}{n:03d}", category, kind, now, slot)

    def arrive_op(self, code: str, mark: RequestMark | None = None) -> HallOp[Ticket]:
        """The work of `arrive`, to run in a write transaction."""
        if not isinstance(code, str) or not _APPOINTMENT_CODE.fullmatch(code):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "an appointment code is 4 to 16 digits or capitals")
        now = self.clock()

        def work(tx: HallTx) -> Any:
            self._mark(tx, mark, now)
            appointment = tx.appointment(code)
            if appointment is None:
                raise HallRefusal(HallCode.UNKNOWN_APPOINTMENT, "no appointment has this code")
            if appointment.ticket_id is not None:
                raise HallRefusal(HallCode.APPOINTMENT_USED, "this appointment already became a ticket")
            spec = self.config.category(appointment.category)
            if spec is None:
                raise HallRefusal(HallCode.UNKNOWN_CATEGORY, f"the hall has no category {appointment.category!r}")
            slot = (appointment.slot_start_ms, appointment.slot_end_ms)
            ticket = self._insert(tx, spec.id, spec.letter, TicketKind.APPOINTMENT, now, slot)
            tx.use_appointment(code, ticket.id)
            return ticket

        return work

    def arrive(self, code: str, mark: RequestMark | None = None) -> Ticket:
        """Turn an appointment code into a ticket on arrival (once)."""
        return self.store.run(self.arrive_op(code, mark))

    def book(self, code: str, category: str, slot_start_ms: int, slot_end_ms: int) -> Appointment:
        """Record an appointment (from the booking system) that becomes a ticket on arrival."""
        if not _APPOINTMENT_CODE.fullmatch(code) or self.config.category(category) is None:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "an appointment needs a code and a known category")
        if not 0 < slot_start_ms < slot_end_ms:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "an appointment slot must end after it starts")
        appointment = Appointment(code, category, slot_start_ms, slot_end_ms, None)

        def work(tx: HallTx) -> Any:
            if tx.appointment(code) is not None:
                raise HallRefusal(HallCode.APPOINTMENT_USED, "an appointment with this code exists")
            tx.add_appointment(appointment)

        return self.store.run(work)
        return appointment

    # --- counter -------------------------------------------------------------------------------
    def call_next_op(self, window: str, mark: RequestMark | None = None) -> HallOp[Ticket | None]:
        """The work of `call_next`, to run in a write transaction."""
        categories = self._window(window)
        now = self.clock()

        def work(tx: HallTx) -> Any:
            self._mark(tx, mark, now)
            self._expire(tx, now)
            held = tx.held_by(window)
            if held is not None:
                raise HallRefusal(
                    HallCode.WINDOW_BUSY,
                    f"window {window} still holds ticket {held.number}: finish, skip or transfer it first",
                    {"ticket": held.to_json()},
                )
            seq = tx.call_seq() + 1
            candidate = tx.next_candidate(window, categories, hall_day(now), now, seq)
            if candidate is None:  # nobody else waits: a skipped ticket need not sit out its penalty
                candidate = tx.next_candidate(window, categories, hall_day(now), now, _NO_PENALTY)
            if candidate is None:
                return None
            taken = tx.take(candidate, window, seq, now)
            return replace(taken, history=tx.history(taken.id)) if taken.transfer_to else taken

        return work

    def call_next(self, window: str, mark: RequestMark | None = None) -> Ticket | None:
        """Call the next ticket to `window` by the priority rules; None if nobody waits for it."""
        return self.store.run(self.call_next_op(window, mark))

    def current_op(self, window: str) -> HallOp[Ticket | None]:
        """The work of `current`, to run in a write transaction."""
        self._window(window)
        now = self.clock()

        def work(tx: HallTx) -> Any:
            self._expire(tx, now)
            return tx.held_by(window)

        return work

    def current(self, window: str) -> Ticket | None:
        """Return the ticket `window` holds now (after lapsed holds are returned)."""
        return self.store.run(self.current_op(window))

    def _held_op(
        self,
        window: str,
        ticket_id: int,
        hold: int,
        mark: RequestMark | None,
        act: Callable[[HallTx, Ticket, int], Ticket],
    ) -> HallOp[Ticket]:
        """The work of `act(tx, ticket, now)` on a ticket this window holds, after the nonce and the lapsed holds."""
        self._window(window)
        now = self.clock()

        def work(tx: HallTx) -> Ticket:
            self._mark(tx, mark, now)
            self._expire(tx, now)
            return act(tx, tx.holding(window, ticket_id, hold), now)

        return work

    def recall_op(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> HallOp[Ticket]:
        """The work of `recall`, to run in a write transaction."""

        def act(tx: HallTx, held: Ticket, now: int) -> Ticket:
            ticket = tx.touch(ticket_id, now, recalled=True)
            tx.event(ticket_id, "recalled", window, now)
            return ticket

        return self._held_op(window, ticket_id, hold, mark, act)

    def recall(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> Ticket:
        """Call the held ticket again (the display and the announcement repeat it); it stays with this window."""
        return self.store.run(self.recall_op(window, ticket_id, hold, mark))

    def heartbeat_op(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> HallOp[Ticket]:
        """The work of `heartbeat`, to run in a write transaction."""
        return self._held_op(window, ticket_id, hold, mark, lambda tx, held, now: tx.touch(ticket_id, now))

    def heartbeat(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> Ticket:
        """Keep holding a ticket while the citizen is served (a hold lapses after `hold_timeout_s` without one)."""
        return self.store.run(self.heartbeat_op(window, ticket_id, hold, mark))

    def skip_op(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> HallOp[Ticket]:
        """The work of `skip`, to run in a write transaction."""

        def act(tx: HallTx, held: Ticket, now: int) -> Ticket:
            if held.skips >= self.config.max_skips:
                updated = tx.miss(ticket_id, now)
                tx.event(ticket_id, "missed", window, now)
                return updated
            eligible = tx.call_seq() + self.config.skip_return_calls + 1  # after that many other calls
            updated = tx.requeue_skipped(ticket_id, now, eligible)
            tx.event(ticket_id, "skipped", window, now, str(eligible))
            return updated

        return self._held_op(window, ticket_id, hold, mark, act)

    def skip(self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None) -> Ticket:
        """The citizen did not come (过号): the ticket returns after `skip_return_calls` calls, or is missed."""
        return self.store.run(self.skip_op(window, ticket_id, hold, mark))

    def transfer_op(
        self, window: str, ticket_id: int, hold: int, to: str, case_ref: str | None, mark: RequestMark | None = None
    ) -> HallOp[Ticket]:
        """The work of `transfer`, to run in a write transaction."""
        self._window(window)
        self._window(to)
        if to == window:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a ticket is transferred to another window")
        if case_ref is not None and (len(case_ref) > MAX_CASE_REF or not _CASE_REF.fullmatch(case_ref)):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a case reference is an id of at most 64 Latin characters")

        def act(tx: HallTx, held: Ticket, now: int) -> Ticket:
            updated = tx.requeue_transferred(ticket_id, now, to, case_ref or held.case_ref)
            tx.event(ticket_id, "transferred", window, now, to)
            return updated

        return self._held_op(window, ticket_id, hold, mark, act)

    def transfer(
        self, window: str, ticket_id: int, hold: int, to: str, case_ref: str | None, mark: RequestMark | None = None
    ) -> Ticket:
        """Move a held ticket to another window (转号) with its history and its case; it is called there first."""
        return self.store.run(self.transfer_op(window, ticket_id, hold, to, case_ref, mark))

    def finish_op(
        self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None, served: ServedCase | None = None
    ) -> HallOp[Ticket]:
        """The work of `finish`, to run in a write transaction."""

        def act(tx: HallTx, held: Ticket, now: int) -> Ticket:
            updated = tx.finish(ticket_id, now)
            tx.event(ticket_id, "finished", window, now)
            tx.set_served(window, updated, now, served)
            return updated

        return self._held_op(window, ticket_id, hold, mark, act)

    def finish(
        self, window: str, ticket_id: int, hold: int, mark: RequestMark | None = None, served: ServedCase | None = None
    ) -> Ticket:
        """Finish serving a held ticket; a ticket is finished once, by the window that holds it.

        `served` is the case the window finished (no personal data), kept in the same transaction for the window's
        evaluator (`served`); a finish without one leaves the evaluator nothing to rate."""
        return self.store.run(self.finish_op(window, ticket_id, hold, mark, served))

    def served(self, window: str) -> ServedTicket | None:
        """What `window` finished last and nobody rated yet, for its evaluator (None after SERVED_FOR_S)."""
        spec = self.config.window(window)
        if spec is None:
            raise HallRefusal(HallCode.UNKNOWN_WINDOW, f"the hall has no window {window!r}")
        found = self.store.served(window, self.clock() - SERVED_FOR_S * 1000)
        if found is None:
            return None
        case, _ticket_id, number, finished_ms = found
        return ServedTicket(case, number, window, spec.number, finished_ms)

    def ticket(self, ticket_id: int) -> Ticket:
        """Return a ticket with its history."""
        ticket = self.store.ticket(ticket_id)
        if ticket is None:
            raise HallRefusal(HallCode.UNKNOWN_TICKET, f"no ticket {ticket_id}")
        return ticket

    def tickets_from(self, first_id: int, limit: int = 500) -> list[Ticket]:
        """Return a page of tickets (with their histories) from id `first_id` on."""
        return self.store.tickets_from(first_id, max(1, min(limit, 500)))

    def display(self) -> DisplayState:
        """Return what the wall display shows: the latest calls and the waiting count per category."""
        numbers = {w.id: w.number for w in self.config.windows}
        calls = tuple(
            CallRecord(c.number, c.window, numbers.get(c.window, 0), c.at_ms, c.recall)
            for c in self.store.latest_calls(self.config.display_calls)
        )
        counts = self.store.waiting_counts(hall_day(self.clock()))
        return DisplayState(calls, {c.id: counts.get(c.id, 0) for c in self.config.categories})

    def sweep(self) -> int:
        """Return lapsed holds to the queue and forget stale nonces; return how many holds lapsed."""
        now = self.clock()

        def work(tx: HallTx) -> int:
            tx.forget_nonces(now - int(4 * self.config.clock_skew_s * 1000))
            return len(tx.expire_holds(now - int(self.config.hold_timeout_s * 1000), now))

        return self.store.run(work)
