"""The hall's domain records: tickets, their history, windows, categories, and what the wall display shows.

A ticket holds no personal data: a number, a category, how it was issued (normal, green channel,
appointment), and, once a window transfers it, an opaque case reference.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class TicketState(StrEnum):
    """Where a ticket is: waiting, called (held by exactly one window), finished, or missed (skipped too often)."""

    WAITING = "waiting"
    CALLED = "called"
    FINISHED = "finished"
    MISSED = "missed"


class TicketKind(StrEnum):
    """How a ticket was issued; green channel (绿色通道) and appointments in their slot are called first."""

    NORMAL = "normal"
    GREEN = "green"
    APPOINTMENT = "appointment"


@dataclass(frozen=True)
class TicketEvent:
    """One step of a ticket's history: issued, called, recalled, skipped, transferred, timed out, finished."""

    kind: str
    window: str | None
    at_ms: int
    detail: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket of the day; `hold` is the call that made the current holder (None unless called)."""

    id: int
    day: str
    number: str
    category: str
    kind: TicketKind
    state: TicketState
    window: str | None
    hold: int | None
    issued_ms: int
    calls: int
    skips: int
    transfer_to: str | None
    case_ref: str | None
    slot_start_ms: int | None = None
    slot_end_ms: int | None = None
    history: tuple[TicketEvent, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the ticket as the JSON object the API sends."""
        out = asdict(self)
        out["kind"] = self.kind.value
        out["state"] = self.state.value
        out["history"] = [asdict(e) for e in self.history]
        return out

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Ticket:
        """Return a ticket from its JSON object (as a client reads it)."""
        fields = dict(doc)
        fields["kind"] = TicketKind(fields["kind"])
        fields["state"] = TicketState(fields["state"])
        fields["history"] = tuple(TicketEvent(**e) for e in fields.get("history", ()))
        return cls(**fields)


@dataclass(frozen=True)
class CallRecord:
    """A call as the display shows it: ticket number, window number, when, and whether it is a recall."""

    number: str
    window: str
    window_number: int
    at_ms: int
    recall: bool

    def announcement_zh(self) -> str:
        """Return the Mandarin announcement, e.g. '请 A012 号到 3 号窗口'."""
        return f"请 {self.number} 号到 {self.window_number} 号窗口"


@dataclass(frozen=True)
class DisplayState:
    """The wall display: the latest calls, newest first, and the waiting count per category."""

    calls: tuple[CallRecord, ...]
    waiting: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """Return the display state as JSON."""
        return {"calls": [asdict(c) for c in self.calls], "waiting": dict(self.waiting)}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> DisplayState:
        """Return a display state from its JSON object."""
        return cls(tuple(CallRecord(**c) for c in doc["calls"]), {str(k): int(v) for k, v in doc["waiting"].items()})


@dataclass(frozen=True)
class Device:
    """An enrolled device of the hall: a counter (bound to a window), kiosk, display or evaluator."""

    kid: bytes
    suite: str
    public_key: bytes
    role: str
    subject: str
    office: str
    window: str | None
    revoked: bool


DEVICE_ROLES = ("counter", "kiosk", "display", "evaluator")
