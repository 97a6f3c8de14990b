"""What a window just served, as the counter tells the hall at finish and the window's evaluator reads it back.

The counter finishes a ticket with `{"hold", "served": ServedCase}`: the service, the department log the rating goes
to, the case's rating commitment (never the case id: the commitment is opened only with the citizen's salt, which
stays in the office and department replicas, `app/services/rating_commitments.py`), the clerk's key id and the
clerk's staff id as the evaluator shows it. No personal data of the citizen is in it. The evaluator of that window
asks `GET /served` and gets a `ServedTicket`: the case, the ticket number and the window, until it is rated, the next
ticket is finished, or SERVED_FOR_S have passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.protocol.departments import all_departments

SERVED_FOR_S = 600  # a served citizen may rate for ten minutes, unless the window finishes the next one first
MAX_STAFF_ID = 64
_SERVICE = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")
_HEX = re.compile(r"[0-9a-f]*")
_TICKET_NUMBER = re.compile(r"[A-Z][0-9]{3,4}")


class MalformedServed(ValueError):
    """A served-case document is not what the protocol allows (wrong type, length or characters)."""


def _hex_field(doc: dict[str, Any], name: str, size: int) -> bytes:
    value = doc.get(name)
    if not isinstance(value, str) or len(value) != 2 * size or not _HEX.fullmatch(value):
        raise MalformedServed(f"{name!r} is {size} bytes in lowercase hex")
    return bytes.fromhex(value)


def _text_field(doc: dict[str, Any], name: str, max_len: int) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or len(value) > max_len or not value.isprintable():
        raise MalformedServed(f"{name!r} is printable text of at most {max_len} characters")
    return value


@dataclass(frozen=True)
class ServedCase:
    """The case a window finished, without personal data: service, log, rating commitment, clerk and staff id."""

    service: str
    log: str
    case_commitment: bytes
    clerk: bytes
    staff_id: str = ""

    def to_json(self) -> dict[str, Any]:
        """The case as the finish request carries it."""
        return {
            "service": self.service,
            "log": self.log,
            "case_commitment": self.case_commitment.hex(),
            "clerk": self.clerk.hex(),
            "staff_id": self.staff_id,
        }

    @classmethod
    def from_json(cls, doc: object) -> ServedCase:
        """Read a served case strictly; raise MalformedServed for anything else."""
        if not isinstance(doc, dict) or set(doc) - {"service", "log", "case_commitment", "clerk", "staff_id"}:
            raise MalformedServed("a served case is an object of service, log, case_commitment, clerk, staff_id")
        service = doc.get("service")
        if not isinstance(service, str) or not _SERVICE.fullmatch(service):
            raise MalformedServed("'service' is a catalogue service id")
        log = doc.get("log")
        if log not in {d.origin for d in all_departments()}:
            raise MalformedServed("'log' is a department's log origin")
        staff_id = _text_field(doc, "staff_id", MAX_STAFF_ID) if "staff_id" in doc else ""
        return cls(service, str(log), _hex_field(doc, "case_commitment", 32), _hex_field(doc, "clerk", 16), staff_id)


@dataclass(frozen=True)
class ServedTicket:
    """What the window's evaluator shows and rates: the served case, its ticket number, the window, when finished."""

    case: ServedCase
    number: str
    window: str
    window_number: int
    finished_ms: int

    def to_json(self) -> dict[str, Any]:
        """The answer of `GET /served`."""
        return {
            "case": self.case.to_json(),
            "number": self.number,
            "window": self.window,
            "window_number": self.window_number,
            "finished_ms": self.finished_ms,
        }

    @classmethod
    def from_json(cls, doc: object) -> ServedTicket:
        """Read the hall's answer strictly; raise MalformedServed for anything else."""
        if not isinstance(doc, dict):
            raise MalformedServed("a served ticket is an object")
        number, window = doc.get("number"), doc.get("window")
        if not isinstance(number, str) or not _TICKET_NUMBER.fullmatch(number):
            raise MalformedServed("'number' is a ticket number such as A012")
        if not isinstance(window, str) or not _SERVICE.fullmatch(window):
            raise MalformedServed("'window' is a window id")
        window_number, finished = doc.get("window_number"), doc.get("finished_ms")
        for name, value, top in (("window_number", window_number, 1000), ("finished_ms", finished, 1 << 62)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < top:
                raise MalformedServed(f"{name!r} is a non-negative integer below {top}")
        assert isinstance(window_number, int) and isinstance(finished, int)
        return cls(ServedCase.from_json(doc.get("case")), number, window, window_number, finished)
