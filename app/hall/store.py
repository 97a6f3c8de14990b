"""The hall's storage: tickets, their history, appointments, enrolled devices and request nonces, over SQL.

Two backends share this code: SQLite (the default, one file on the hall machine, WAL) and
PostgreSQL. A backend supplies its connection, its schema, its placeholder style and how a write
transaction is serialised (SQLite: BEGIN IMMEDIATE, its single write lock; PostgreSQL: one
transaction-scoped advisory lock). Every transition of a ticket runs in one such transaction, and
checks the ticket's state and holder inside it: that is what keeps a ticket from being held by two
windows at once or finished twice, however many windows call at the same moment. The request's
nonce is recorded in the same transaction, so an acknowledged call is never replayed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from app.protocol.hall_rating import RatingCursor
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_served import ServedCase
from app.protocol.hall_tickets import Device, Ticket, TicketEvent, TicketKind, TicketState
from app.server_storage.migrations import SchemaTooNewError, migrate_schema
from app.server_storage.schema import Column, Index, Table, ddl
from app.server_storage.statements import PerThreadConnections, SqlDialect, TransactionView

SCHEMA_VERSION = 2
# Numbered migrations: MIGRATIONS[n] holds the statements that take a hall database from version n - 1 to n, for
# both engines (placeholders in `?` style); app.server_storage.migrations runs them. Version 1 has none. Version 2
# adds the `served` table (what each window last finished, for its evaluator): the schema's DDL creates it (IF NOT
# EXISTS, in the same transaction as the migration), so its migration has no statement of its own.
MIGRATIONS: dict[int, tuple[str, ...]] = {2: ()}

# The hall's schema (version SCHEMA_VERSION), for both engines: app.server_storage.schema.ddl generates each one's DDL.
HALL_SCHEMA: tuple[Table | Index, ...] = (
    Table("schema_version", (Column("version", "int", "NOT NULL"),)),
    Table("hall_state", (Column("id", "int", "PRIMARY KEY CHECK (id = 1)"), Column("call_seq", "bigint", "NOT NULL"))),
    Table("counters", (Column("day", "text", "NOT NULL"), Column("category", "text", "NOT NULL"),
                       Column("next", "int", "NOT NULL")), ("PRIMARY KEY (day, category)",)),
    Table("tickets", (
        Column("id", "serial"), Column("day", "text", "NOT NULL"), Column("number", "text", "NOT NULL"),
        Column("category", "text", "NOT NULL"), Column("kind", "text", "NOT NULL"), Column("state", "text", "NOT NULL"),
        Column("holder", "text"), Column("hold", "bigint"), Column("issued_ms", "bigint", "NOT NULL"),
        Column("touched_ms", "bigint", "NOT NULL"), Column("calls", "int", "NOT NULL"),
        Column("skips", "int", "NOT NULL"), Column("eligible_seq", "bigint", "NOT NULL"), Column("transfer_to", "text"),
        Column("case_ref", "text"), Column("slot_start_ms", "bigint"), Column("slot_end_ms", "bigint")),
        ("UNIQUE (day, number)",)),
    Index("tickets_queue", "tickets", ("state", "day", "kind", "id")),
    Index("tickets_in_order", "tickets", ("state", "day", "id")),
    Index("tickets_transferred", "tickets", ("transfer_to", "state", "id"), where="transfer_to IS NOT NULL"),
    Index("tickets_held", "tickets", ("state", "touched_ms"), where="state = 'called'"),
    Index("tickets_one_per_window", "tickets", ("holder",), unique=True, where="state = 'called'"),
    Table("events", (
        Column("id", "serial"), Column("ticket_id", "bigint", "NOT NULL REFERENCES tickets (id)"),
        Column("kind", "text", "NOT NULL"), Column("at_window", "text"), Column("at_ms", "bigint", "NOT NULL"),
        Column("detail", "text"))),
    Index("events_ticket", "events", ("ticket_id", "id")),
    Table("appointments", (
        Column("code", "text", "PRIMARY KEY"), Column("category", "text", "NOT NULL"),
        Column("slot_start_ms", "bigint", "NOT NULL"), Column("slot_end_ms", "bigint", "NOT NULL"),
        Column("ticket_id", "bigint"))),
    Table("devices", (
        Column("kid", "bytes", "PRIMARY KEY"), Column("suite", "text", "NOT NULL"),
        Column("public_key", "bytes", "NOT NULL"), Column("role", "text", "NOT NULL"),
        Column("subject", "text", "NOT NULL"), Column("office", "text", "NOT NULL"), Column("window_id", "text"),
        Column("revoked", "int", "NOT NULL"))),
    Table("nonces", (
        Column("kid", "bytes", "NOT NULL"), Column("nonce", "bytes", "NOT NULL"),
        Column("seen_at", "bigint", "NOT NULL")), ("PRIMARY KEY (kid, nonce)",)),
    Index("nonces_seen", "nonces", ("seen_at",)),
    Table("ratings", (
        Column("entry_hash", "bytes", "PRIMARY KEY"), Column("level", "int", "NOT NULL"),
        Column("service", "text", "NOT NULL"), Column("office", "text", "NOT NULL"),
        Column("window_id", "text", "NOT NULL"), Column("clerk", "bytes", "NOT NULL"),
        Column("case_commitment", "bytes", "NOT NULL"), Column("rated_at", "bigint", "NOT NULL"),
        Column("entry", "bytes", "NOT NULL"))),
    Table("remediation", (
        Column("id", "serial"), Column("entry_hash", "bytes", "NOT NULL UNIQUE"), Column("level", "int", "NOT NULL"),
        Column("service", "text", "NOT NULL"), Column("window_id", "text", "NOT NULL"),
        Column("opened_ms", "bigint", "NOT NULL"), Column("due_day", "text", "NOT NULL"),
        Column("due_provisional", "int", "NOT NULL"), Column("reason", "text"), Column("callback_ms", "bigint"),
        Column("callback_by", "text"), Column("outcome", "text"))),
    # Version 2: the case each window last finished, until its evaluator rates it (no personal data: a commitment).
    Table("served", (
        Column("window_id", "text", "PRIMARY KEY"), Column("ticket_id", "bigint", "NOT NULL"),
        Column("number", "text", "NOT NULL"), Column("finished_ms", "bigint", "NOT NULL"),
        Column("service", "text", "NOT NULL"), Column("log_origin", "text", "NOT NULL"),
        Column("case_commitment", "bytes", "NOT NULL"), Column("clerk", "bytes", "NOT NULL"),
        Column("staff_id", "text", "NOT NULL"), Column("rated_ms", "bigint"))),
)  # fmt: skip
MAX_NUMBER = 9999
MAX_GROUP = 64
_TICKET_COLUMNS = (
    "id, day, number, category, kind, state, holder, hold, issued_ms, calls, skips, transfer_to, case_ref, "
    "slot_start_ms, slot_end_ms"
)
_DEVICE_COLUMNS = "kid, suite, public_key, role, subject, office, window_id, revoked"
_DEVICE_BY_KID = f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE kid = ?"
T = TypeVar("T")


@dataclass(frozen=True)
class StoredRating:
    """A recorded rating entry and its place in the hall's order of ratings."""

    cursor: RatingCursor
    entry: bytes


class HallStoreError(RuntimeError):
    """The store could not be opened or is not a hall database of a known schema."""


class HallSchemaTooNew(HallStoreError, SchemaTooNewError):
    """The hall database was written by a newer govdesk: its schema version is above the one this code knows."""

    code = "hall_schema_too_new"

    def __init__(self, found: int, known: int) -> None:
        SchemaTooNewError.__init__(self, "hall", found, known)


@dataclass(frozen=True)
class Appointment:
    """An appointment (预约): its code, category and slot, and the ticket it became (if it did)."""

    code: str
    category: str
    slot_start_ms: int
    slot_end_ms: int
    ticket_id: int | None


@dataclass(frozen=True)
class RemediationItem:
    """A bad rating's remediation (整改): due date, and the supervisor's call-back and outcome once recorded."""

    id: int
    entry_hash: bytes
    level: int
    service: str
    window: str
    opened_ms: int
    due_day: str
    due_provisional: bool
    reason: str | None
    callback_ms: int | None
    callback_by: str | None
    outcome: str | None

    @property
    def closed(self) -> bool:
        """True once the supervisor's call-back and outcome are recorded."""
        return self.callback_ms is not None

    def overdue(self, today: str) -> bool:
        """True if still open after its due day."""
        return not self.closed and today > self.due_day


_REMEDIATION_COLUMNS = (
    "id, entry_hash, level, service, window_id, opened_ms, due_day, due_provisional, reason, callback_ms, "
    "callback_by, outcome"
)


def _remediation(row: Sequence[Any]) -> RemediationItem:
    return RemediationItem(
        int(row[0]), bytes(row[1]), int(row[2]), row[3], row[4], int(row[5]), row[6], bool(row[7]), row[8],
        None if row[9] is None else int(row[9]), row[10], row[11],
    )  # fmt: skip


@dataclass(frozen=True)
class CallFeedRow:
    """A call or recall for the display: ticket number, window id, when, and whether it was a recall."""

    number: str
    window: str
    at_ms: int
    recall: bool


def _ticket(row: Sequence[Any], history: tuple[TicketEvent, ...] = ()) -> Ticket:
    return Ticket(
        int(row[0]), row[1], row[2], row[3], TicketKind(row[4]), TicketState(row[5]), row[6],
        None if row[7] is None else int(row[7]), int(row[8]), int(row[9]), int(row[10]), row[11], row[12],
        None if row[13] is None else int(row[13]), None if row[14] is None else int(row[14]), history,
    )  # fmt: skip


def _device(row: Sequence[Any]) -> Device:
    return Device(bytes(row[0]), row[1], bytes(row[2]), row[3], row[4], row[5], row[6], bool(row[7]))


class HallTx(TransactionView):
    """The hall's state inside one serialised write transaction."""

    def device(self, kid: bytes) -> Device | None:
        """Return an enrolled device by key id, as this transaction sees it."""
        row = self._exec(_DEVICE_BY_KID, (kid,)).fetchone()
        return None if row is None else _device(row)

    def use_nonce(self, kid: bytes, nonce: bytes, now_ms: int) -> bool:
        """Record a request nonce; False if this key already used it."""
        cur = self._exec(
            "INSERT INTO nonces (kid, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (kid, nonce, now_ms)
        )
        return cur.rowcount == 1

    def add_rating(
        self, entry_hash: bytes, level: int, service: str, office: str, window: str, clerk: bytes,
        commitment: bytes, rated_at: int, entry: bytes,
    ) -> bool:  # fmt: skip
        """Record a rating entry; False if this entry was recorded before."""
        cur = self._exec(
            "INSERT INTO ratings (entry_hash, level, service, office, window_id, clerk, case_commitment, rated_at, "
            "entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (entry_hash, level, service, office, window, clerk, commitment, rated_at, entry),
        )
        return cur.rowcount == 1

    def open_remediation(
        self, entry_hash: bytes, level: int, service: str, window: str, opened_ms: int, due: tuple[str, bool],
        reason: str | None,
    ) -> RemediationItem:  # fmt: skip
        """Open the remediation item of a bad rating."""
        row = self._exec(
            "INSERT INTO remediation (entry_hash, level, service, window_id, opened_ms, due_day, due_provisional, "
            f"reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_REMEDIATION_COLUMNS}",
            (entry_hash, level, service, window, opened_ms, due[0], 1 if due[1] else 0, reason),
        ).fetchone()
        return _remediation(row)

    def remediation(self, item_id: int) -> RemediationItem | None:
        """Return one remediation item."""
        row = self._exec(f"SELECT {_REMEDIATION_COLUMNS} FROM remediation WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else _remediation(row)

    def close_remediation(self, item_id: int, callback_ms: int, by: str, outcome: str) -> RemediationItem:
        """Record the call-back and outcome; the citizen's reason is erased with it."""
        row = self._exec(
            "UPDATE remediation SET callback_ms = ?, callback_by = ?, outcome = ?, reason = NULL "
            f"WHERE id = ? AND callback_ms IS NULL RETURNING {_REMEDIATION_COLUMNS}",
            (callback_ms, by, outcome, item_id),
        ).fetchone()
        return _remediation(row)

    def set_served(self, window: str, ticket: Ticket, now_ms: int, case: ServedCase | None) -> None:
        """Record what `window` just finished for its evaluator (None: nothing to rate; an older record goes)."""
        self._exec("DELETE FROM served WHERE window_id = ?", (window,))
        if case is not None:
            self._exec(
                "INSERT INTO served (window_id, ticket_id, number, finished_ms, service, log_origin, case_commitment, "
                "clerk, staff_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (window, ticket.id, ticket.number, now_ms, case.service, case.log, case.case_commitment, case.clerk,
                 case.staff_id),
            )  # fmt: skip

    def served_rated(self, window: str, commitment: bytes, now_ms: int) -> bool:
        """Mark the window's served case rated if the rating names its commitment; False if it names another."""
        cur = self._exec(
            "UPDATE served SET rated_ms = ? WHERE window_id = ? AND case_commitment = ? AND rated_ms IS NULL",
            (now_ms, window, commitment),
        )
        return cur.rowcount == 1

    def forget_nonces(self, before_ms: int) -> int:
        """Drop request nonces older than `before_ms` (their requests are stale by then anyway)."""
        return int(self._exec("DELETE FROM nonces WHERE seen_at < ?", (before_ms,)).rowcount)

    def event(self, ticket_id: int, kind: str, window: str | None, at_ms: int, detail: str | None = None) -> None:
        """Append a step to a ticket's history."""
        self._exec(
            "INSERT INTO events (ticket_id, kind, at_window, at_ms, detail) VALUES (?, ?, ?, ?, ?)",
            (ticket_id, kind, window, at_ms, detail),
        )

    def ticket(self, ticket_id: int) -> Ticket | None:
        """Return a ticket (without its history)."""
        row = self._exec(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return None if row is None else _ticket(row)

    def expire_holds(self, before_ms: int, now_ms: int) -> list[tuple[int, str]]:
        """Return to the queue every called ticket whose holder has not touched it since `before_ms`."""
        lapsed = self._exec(
            "SELECT id, holder FROM tickets WHERE state = 'called' AND touched_ms < ?", (before_ms,)
        ).fetchall()
        for ticket_id, window in lapsed:
            self._exec(
                "UPDATE tickets SET state = 'waiting', holder = NULL, hold = NULL, touched_ms = ? WHERE id = ?",
                (now_ms, ticket_id),
            )
            self.event(int(ticket_id), "timeout", window, now_ms)
        return [(int(t), w) for t, w in lapsed]

    def history(self, ticket_id: int) -> tuple[TicketEvent, ...]:
        """Return a ticket's history, oldest first."""
        rows = self._exec(
            "SELECT kind, at_window, at_ms, detail FROM events WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        ).fetchall()
        return tuple(TicketEvent(r[0], r[1], int(r[2]), r[3]) for r in rows)

    def held_by(self, window: str) -> Ticket | None:
        """Return the ticket this window holds, if any."""
        row = self._exec(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE holder = ? AND state = 'called' LIMIT 1", (window,)
        ).fetchone()
        return None if row is None else _ticket(row)

    def call_seq(self) -> int:
        """Return the number of calls the hall has made so far (it never goes back)."""
        return int(self._exec("SELECT call_seq FROM hall_state WHERE id = 1").fetchone()[0])

    def next_candidate(self, window: str, categories: Sequence[str], day: str, now_ms: int, seq: int) -> int | None:
        """Return the id of the ticket this window should call next, by the hall's priority rules, or None."""
        marks = ", ".join("?" * len(categories))
        queries: list[tuple[str, tuple[Any, ...]]] = [
            (
                "SELECT id FROM tickets WHERE state = 'waiting' AND transfer_to = ? AND day = ? AND eligible_seq <= ? "
                "ORDER BY id LIMIT 1",
                (window, day, seq),
            ),
            (
                "SELECT id FROM tickets WHERE state = 'waiting' AND day = ? AND kind = 'green' "
                f"AND transfer_to IS NULL AND category IN ({marks}) AND eligible_seq <= ? ORDER BY id LIMIT 1",
                (day, *categories, seq),
            ),
            (
                "SELECT id FROM tickets WHERE state = 'waiting' AND day = ? AND kind = 'appointment' "
                f"AND transfer_to IS NULL AND category IN ({marks}) AND eligible_seq <= ? "
                "AND slot_start_ms <= ? AND ? < slot_end_ms ORDER BY slot_start_ms, id LIMIT 1",
                (day, *categories, seq, now_ms, now_ms),
            ),
            (
                "SELECT id FROM tickets WHERE state = 'waiting' AND day = ? "
                f"AND transfer_to IS NULL AND category IN ({marks}) AND eligible_seq <= ? ORDER BY id LIMIT 1",
                (day, *categories, seq),
            ),
        ]
        for sql, params in queries:
            row = self._exec(sql, params).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def take(self, ticket_id: int, window: str, seq: int, now_ms: int) -> Ticket:
        """Make `window` the holder of a waiting ticket, under call number `seq`."""
        row = self._exec(
            "UPDATE tickets SET state = 'called', holder = ?, hold = ?, touched_ms = ?, calls = calls + 1 "
            f"WHERE id = ? AND state = 'waiting' RETURNING {_TICKET_COLUMNS}",
            (window, seq, now_ms, ticket_id),
        ).fetchone()
        if row is None:  # cannot happen under the write lock; refuse rather than double-assign
            raise HallRefusal(HallCode.TICKET_NOT_HELD, f"ticket {ticket_id} is no longer waiting")
        self._exec("UPDATE hall_state SET call_seq = ? WHERE id = 1", (seq,))
        self.event(ticket_id, "called", window, now_ms, str(seq))
        return _ticket(row)

    def holding(self, window: str, ticket_id: int, hold: int) -> Ticket:
        """Return the ticket if `window` holds it under `hold`; refuse otherwise (lost, finished, unknown)."""
        ticket = self.ticket(ticket_id)
        if ticket is None:
            raise HallRefusal(HallCode.UNKNOWN_TICKET, f"no ticket {ticket_id}")
        if ticket.state is TicketState.FINISHED:
            raise HallRefusal(HallCode.ALREADY_FINISHED, f"ticket {ticket.number} is already finished")
        if ticket.state is not TicketState.CALLED or ticket.window != window or ticket.hold != hold:
            raise HallRefusal(
                HallCode.TICKET_NOT_HELD,
                f"window {window} does not hold ticket {ticket.number} (it is {ticket.state.value})",
                {"state": ticket.state.value},
            )
        return ticket

    def _update(self, ticket_id: int, assignments: str, params: Sequence[Any]) -> Ticket:
        row = self._exec(
            f"UPDATE tickets SET {assignments} WHERE id = ? RETURNING {_TICKET_COLUMNS}", (*params, ticket_id)
        ).fetchone()
        return _ticket(row)

    def touch(self, ticket_id: int, now_ms: int, recalled: bool = False) -> Ticket:
        """Mark a held ticket touched now (a heartbeat), counting a call when it is a recall."""
        if recalled:
            return self._update(ticket_id, "touched_ms = ?, calls = calls + 1", (now_ms,))
        return self._update(ticket_id, "touched_ms = ?", (now_ms,))

    def miss(self, ticket_id: int, now_ms: int) -> Ticket:
        """A ticket skipped too often: it leaves the queue as missed."""
        return self._update(
            ticket_id, "state = 'missed', holder = NULL, hold = NULL, touched_ms = ?, skips = skips + 1", (now_ms,)
        )

    def requeue_skipped(self, ticket_id: int, now_ms: int, eligible_seq: int) -> Ticket:
        """Return a skipped ticket to the queue, callable again from call number `eligible_seq`."""
        return self._update(
            ticket_id,
            "state = 'waiting', holder = NULL, hold = NULL, touched_ms = ?, skips = skips + 1, eligible_seq = ?",
            (now_ms, eligible_seq),
        )

    def requeue_transferred(self, ticket_id: int, now_ms: int, to: str, case_ref: str | None) -> Ticket:
        """Return a ticket to the queue for window `to` only, with its case reference."""
        return self._update(
            ticket_id,
            "state = 'waiting', holder = NULL, hold = NULL, touched_ms = ?, transfer_to = ?, case_ref = ?, "
            "eligible_seq = 0",
            (now_ms, to, case_ref),
        )

    def finish(self, ticket_id: int, now_ms: int) -> Ticket:
        """Mark a held ticket finished (its holder and hold stay, as the record of who finished it)."""
        return self._update(ticket_id, "state = 'finished', touched_ms = ?", (now_ms,))

    def next_number(self, day: str, category: str) -> int:
        """Return the next ticket number of this category today."""
        row = self._exec(
            "INSERT INTO counters (day, category, next) VALUES (?, ?, 1) "
            "ON CONFLICT (day, category) DO UPDATE SET next = counters.next + 1 RETURNING next",
            (day, category),
        ).fetchone()
        return int(row[0])

    def insert_ticket(
        self,
        day: str,
        number: str,
        category: str,
        kind: TicketKind,
        now_ms: int,
        slot: tuple[int, int] | None,
    ) -> Ticket:
        """Insert a new waiting ticket."""
        row = self._exec(
            "INSERT INTO tickets (day, number, category, kind, state, issued_ms, touched_ms, calls, skips, "
            "eligible_seq, slot_start_ms, slot_end_ms) VALUES (?, ?, ?, ?, 'waiting', ?, ?, 0, 0, 0, ?, ?) "
            f"RETURNING {_TICKET_COLUMNS}",
            (day, number, category, kind.value, now_ms, now_ms, slot[0] if slot else None, slot[1] if slot else None),
        ).fetchone()
        ticket = _ticket(row)
        self.event(ticket.id, "issued", None, now_ms, kind.value)
        return ticket

    def appointment(self, code: str) -> Appointment | None:
        """Return an appointment by its code."""
        row = self._exec(
            "SELECT code, category, slot_start_ms, slot_end_ms, ticket_id FROM appointments WHERE code = ?", (code,)
        ).fetchone()
        return None if row is None else Appointment(row[0], row[1], int(row[2]), int(row[3]), row[4])

    def use_appointment(self, code: str, ticket_id: int) -> None:
        """Record the ticket an appointment became."""
        self._exec("UPDATE appointments SET ticket_id = ? WHERE code = ?", (ticket_id, code))

    def add_appointment(self, appointment: Appointment) -> None:
        """Record an appointment."""
        self._exec(
            "INSERT INTO appointments (code, category, slot_start_ms, slot_end_ms) VALUES (?, ?, ?, ?)",
            (appointment.code, appointment.category, appointment.slot_start_ms, appointment.slot_end_ms),
        )


class SqlHallStore(SqlDialect):
    """Storage of one hall over a SQL database, with thread-local connections; subclasses supply the dialect."""

    def __init__(self) -> None:
        self._threads = PerThreadConnections(lambda: self.connect())  # late-bound: a driver (or a test) may wrap it
        self._lock = threading.Lock()
        self._pending: queue.SimpleQueue[tuple[Callable[[HallTx], Any], Future[Any]] | None] = queue.SimpleQueue()
        self._committer: threading.Thread | None = None

    # --- dialect hooks ---------------------------------------------------------------------
    def connect(self) -> Any:
        """Open a new connection in autocommit mode."""
        raise NotImplementedError

    @contextmanager
    def write_transaction(self, conn: Any) -> Iterator[Any]:
        """Run a write transaction serialised with every other writer of the hall, yield a cursor."""
        raise NotImplementedError
        yield

    # --- plumbing --------------------------------------------------------------------------
    def _conn(self) -> Any:
        return self._threads.get()

    def _query(self, text: str, params: Sequence[Any] = ()) -> list[Any]:
        cur = self._conn().cursor()
        try:
            cur.execute(self.sql(text), params)
            return cur.fetchall() if cur.description else []
        finally:
            cur.close()

    def close(self) -> None:
        """Stop the committer and close every connection this store opened."""
        committer, self._committer = self._committer, None
        if committer is not None:
            self._pending.put(None)
            committer.join(timeout=30)
        self._threads.close_all()

    @contextmanager
    def transaction(self) -> Iterator[HallTx]:
        """Open a serialised write transaction on the hall's state."""
        with self.write_transaction(self._conn()) as cur:
            yield HallTx(self, cur)

    def run(self, work: Callable[[HallTx], Any]) -> Any:
        """Run `work` in a write transaction (group commit) and return its result or raise its error.

        One committer thread runs every waiting piece of work in one transaction, each under its own
        savepoint: a refusal undoes only its own changes, and one COMMIT (one fsync) acknowledges the
        whole group. Nothing is answered before its group is committed.
        """
        return self.submit(work).result()

    def submit(self, work: Callable[[HallTx], T]) -> Future[T]:
        """Hand `work` to the committer (as `run` does) without waiting: the future completes once its group commits.

        The hall's HTTP service awaits it on its event loop, so a request goes from the loop to the committer and
        back with no worker thread between them."""
        with self._lock:
            if self._committer is None:
                self._committer = threading.Thread(target=self._commit_loop, name="hall-committer", daemon=True)
                self._committer.start()
        future: Future[T] = Future()
        self._pending.put((work, future))
        return future

    def _commit_loop(self) -> None:
        while True:
            first = self._pending.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    item = self._pending.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._pending.put(None)
                    break
                group.append(item)
            self._commit_group(group)

    def _commit_group(self, group: list[tuple[Callable[[HallTx], Any], Future[Any]]]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.write_transaction(self._conn()) as cur:
                tx = HallTx(self, cur)
                for work, _ in group:
                    cur.execute("SAVEPOINT hall_op")
                    try:
                        outcomes.append((True, work(tx)))
                    except Exception as exc:  # the work's refusal or failure is its own answer
                        cur.execute("ROLLBACK TO SAVEPOINT hall_op")
                        outcomes.append((False, exc))
                    cur.execute("RELEASE SAVEPOINT hall_op")
        except Exception as exc:  # the commit itself failed: nothing of the group happened
            for _, future in group:
                future.set_exception(exc)
            return
        for (ok, value), (_, future) in zip(outcomes, group, strict=True):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    # --- schema ----------------------------------------------------------------------------
    def init_schema(self) -> None:
        """Create the tables if they do not exist, and check the schema version."""
        with self.write_transaction(self._conn()) as cur:
            for statement in ddl(HALL_SCHEMA, self.engine):
                cur.execute(statement)
            migrate_schema(cur, self.sql, SCHEMA_VERSION, MIGRATIONS, HallSchemaTooNew)
            cur.execute(self.sql("SELECT call_seq FROM hall_state WHERE id = 1"))
            if cur.fetchone() is None:
                cur.execute(self.sql("INSERT INTO hall_state (id, call_seq) VALUES (1, 0)"))

    # --- reads -------------------------------------------------------------------------------
    def ticket(self, ticket_id: int) -> Ticket | None:
        """Return a ticket with its history."""
        rows = self._query(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        if not rows:
            return None
        return _ticket(rows[0], self.history(ticket_id))

    def history(self, ticket_id: int) -> tuple[TicketEvent, ...]:
        """Return a ticket's history, oldest first."""
        rows = self._query(
            "SELECT kind, at_window, at_ms, detail FROM events WHERE ticket_id = ? ORDER BY id", (ticket_id,)
        )
        return tuple(TicketEvent(r[0], r[1], int(r[2]), r[3]) for r in rows)

    def tickets_from(self, first_id: int, limit: int) -> list[Ticket]:
        """Return up to `limit` tickets from id `first_id` on, in issue order, each with its history."""
        rows = self._query(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id >= ? ORDER BY id LIMIT ?", (first_id, limit)
        )
        if not rows:
            return []
        events: dict[int, list[TicketEvent]] = {}
        for r in self._query(
            "SELECT ticket_id, kind, at_window, at_ms, detail FROM events WHERE ticket_id BETWEEN ? AND ? ORDER BY id",
            (int(rows[0][0]), int(rows[-1][0])),
        ):
            events.setdefault(int(r[0]), []).append(TicketEvent(r[1], r[2], int(r[3]), r[4]))
        return [_ticket(r, tuple(events.get(int(r[0]), ()))) for r in rows]

    def waiting_counts(self, day: str) -> dict[str, int]:
        """Return the number of waiting tickets per category today."""
        rows = self._query(
            "SELECT category, COUNT(*) FROM tickets WHERE state = 'waiting' AND day = ? GROUP BY category", (day,)
        )
        return {r[0]: int(r[1]) for r in rows}

    def latest_calls(self, limit: int) -> list[CallFeedRow]:
        """Return the latest calls and recalls, newest first."""
        rows = self._query(
            "SELECT t.number, e.at_window, e.at_ms, e.kind FROM events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE e.kind IN ('called', 'recalled') ORDER BY e.id DESC LIMIT ?",
            (limit,),
        )
        return [CallFeedRow(r[0], r[1], int(r[2]), r[3] == "recalled") for r in rows]

    def remediation_items(self) -> list[RemediationItem]:
        """Return every remediation item, oldest first."""
        return [_remediation(r) for r in self._query(f"SELECT {_REMEDIATION_COLUMNS} FROM remediation ORDER BY id")]

    def remediation_clerks(self, limit: int) -> list[tuple[RemediationItem, bytes | None]]:
        """Return the newest `limit` remediation items, oldest first, each with the rated clerk's key id."""
        columns = ", ".join(f"m.{c.strip()}" for c in _REMEDIATION_COLUMNS.split(","))
        rows = self._query(
            f"SELECT {columns}, r.clerk FROM remediation m LEFT JOIN ratings r ON r.entry_hash = m.entry_hash "
            "ORDER BY m.id DESC LIMIT ?",
            (limit,),
        )
        return [(_remediation(row), None if row[12] is None else bytes(row[12])) for row in reversed(rows)]

    def rating_entries(self) -> list[bytes]:
        """Return every recorded rating entry, in the order rated."""
        return [bytes(r[0]) for r in self._query("SELECT entry FROM ratings ORDER BY rated_at, entry_hash")]

    def window_ratings(self, window: str, after: RatingCursor, limit: int) -> list[StoredRating]:
        """Return a window's rating entries after the cursor (rated_at, entry hash), in that order, up to `limit`."""
        rows = self._query(
            "SELECT rated_at, entry_hash, entry FROM ratings WHERE window_id = ? AND "
            "(rated_at > ? OR (rated_at = ? AND entry_hash > ?)) ORDER BY rated_at, entry_hash LIMIT ?",
            (window, after.rated_at, after.rated_at, after.entry_hash, limit),
        )
        return [StoredRating(RatingCursor(int(r[0]), bytes(r[1])), bytes(r[2])) for r in rows]

    def served(self, window: str, since_ms: int) -> tuple[ServedCase, int, str, int] | None:
        """The case `window` finished at or after `since_ms` and nobody rated yet: (case, ticket id, number, when)."""
        rows = self._query(
            "SELECT service, log_origin, case_commitment, clerk, staff_id, ticket_id, number, finished_ms FROM served "
            "WHERE window_id = ? AND rated_ms IS NULL AND finished_ms >= ?",
            (window, since_ms),
        )
        if not rows:
            return None
        r = rows[0]
        return ServedCase(r[0], r[1], bytes(r[2]), bytes(r[3]), r[4]), int(r[5]), r[6], int(r[7])

    # --- devices -----------------------------------------------------------------------------
    def device(self, kid: bytes) -> Device | None:
        """Return an enrolled device by key id."""
        rows = self._query(_DEVICE_BY_KID, (kid,))
        return _device(rows[0]) if rows else None

    def devices(self) -> list[Device]:
        """Return every enrolled device."""
        return [_device(r) for r in self._query(f"SELECT {_DEVICE_COLUMNS} FROM devices ORDER BY subject")]

    def enroll(self, device: Device) -> None:
        """Enrol a device key (replacing an earlier enrolment of the same key)."""
        with self.transaction() as tx:
            tx._exec("DELETE FROM devices WHERE kid = ?", (device.kid,))
            tx._exec(
                f"INSERT INTO devices ({_DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (device.kid, device.suite, device.public_key, device.role, device.subject, device.office,
                 device.window, 1 if device.revoked else 0),
            )  # fmt: skip

    def revoke(self, kid: bytes) -> bool:
        """Revoke a device key; False if it is not enrolled."""
        with self.transaction() as tx:
            return tx._exec("UPDATE devices SET revoked = 1 WHERE kid = ?", (kid,)).rowcount == 1
