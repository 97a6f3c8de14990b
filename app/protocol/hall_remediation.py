"""The hall's remediation items (整改) and the supervisor's call-back (回访) on the wire (issue 19).

`GET /remediation` (a counter device of the office) answers `{"items": [RemediationView.to_json(), ...]}`: every bad
rating's item, newest last, with its clerk (the rating's key id), due day and, once recorded, the call-back's time
and the supervisor's name. No personal data: the citizen's reason stays in the hall, the call-back's outcome too.

`POST /remediation/{id}/callback` (a counter device) records a call-back the office has already recorded in its
signed audit trail (app/review/remediation_callback.py): {"by", "called_at_ms", "outcome"}. The same call-back sent
again is answered as the first time, so a counter that lost the answer simply sends it again.

`check_outcome` is the one rule for an outcome's text, at the counter and at the hall.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from app.protocol.hall_evaluations import MAX_ITEMS, MalformedEvaluations, parse_day
from app.protocol.hall_rating import BAD_LEVELS

MAX_OUTCOME = 1000
MAX_NAME = 64
_MAX_MS = 1 << 62


class MalformedRemediation(ValueError):
    """The hall's list of remediation items, or a call-back, is not well formed."""


def check_outcome(text: object) -> str:
    """Return a call-back's outcome stripped of surrounding space, or raise MalformedRemediation: 1 to MAX_OUTCOME
    characters, no control or format characters (line breaks and tabs allowed; no bidi overrides)."""
    if not isinstance(text, str):
        raise MalformedRemediation("an outcome is text")
    text = text.strip()
    if not text or len(text) > MAX_OUTCOME:
        raise MalformedRemediation(f"an outcome is 1 to {MAX_OUTCOME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in "\n\t" for c in text):
        raise MalformedRemediation("an outcome holds no control characters")
    return text


def check_name(text: object) -> str:
    """Return a supervisor's account name as the hall records it, or raise MalformedRemediation."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_NAME or not text.isprintable():
        raise MalformedRemediation(f"a supervisor's name is printable text of 1 to {MAX_NAME} characters")
    return text


def check_ms(value: object, what: str) -> int:
    """Return an epoch-milliseconds time, or raise MalformedRemediation."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_MS:
        raise MalformedRemediation(f"{what} is a time in epoch milliseconds")
    return value


@dataclass(frozen=True)
class RemediationView:
    """A remediation item as the supervisor's review sees it."""

    id: int
    rating: str  # the rating entry's hash, hex: the item's name across hall and office
    level: int
    service: str
    window: str
    clerk: str  # the rated clerk's key id, hex ("" if the hall lost the rating)
    opened_ms: int
    due_day: str
    provisional: bool
    callback_ms: int | None
    callback_by: str | None

    @property
    def closed(self) -> bool:
        """True once a call-back is recorded."""
        return self.callback_ms is not None

    def overdue(self, today: str) -> bool:
        """True if still open after its due day (`today` a Beijing day, YYYY-MM-DD)."""
        return not self.closed and today > self.due_day

    def to_json(self) -> dict[str, Any]:
        """Return the item as the hall serves it."""
        return {"id": self.id, "rating": self.rating, "level": self.level, "service": self.service,
                "window": self.window, "clerk": self.clerk, "opened_ms": self.opened_ms, "due_day": self.due_day,
                "provisional": self.provisional, "callback_ms": self.callback_ms,
                "callback_by": self.callback_by}  # fmt: skip

    @classmethod
    def from_json(cls, raw: object) -> RemediationView:
        """Read one item; raise MalformedRemediation for anything else."""
        if not isinstance(raw, dict):
            raise MalformedRemediation("an item is an object")
        item_id, level, provisional = raw.get("id"), raw.get("level"), raw.get("provisional")
        if isinstance(item_id, bool) or not isinstance(item_id, int) or not 0 < item_id < _MAX_MS:
            raise MalformedRemediation("an item's id is a positive whole number")
        if level not in BAD_LEVELS or isinstance(level, bool) or not isinstance(provisional, bool):
            raise MalformedRemediation("an item is a bad rating's, provisional true or false")
        rating, clerk = raw.get("rating"), raw.get("clerk")
        if not isinstance(rating, str) or len(rating) != 64 or not _is_hex(rating):
            raise MalformedRemediation("an item's rating is an entry hash in hex")
        if not isinstance(clerk, str) or len(clerk) > 128 or not _is_hex(clerk):
            raise MalformedRemediation("an item's clerk is a key id in hex")
        callback_ms, callback_by = raw.get("callback_ms"), raw.get("callback_by")
        if (callback_ms is None) != (callback_by is None):
            raise MalformedRemediation("a call-back has both its time and its supervisor")
        try:
            due_day = parse_day(raw.get("due_day"))
        except MalformedEvaluations as exc:
            raise MalformedRemediation(str(exc)) from None
        return cls(
            item_id, rating, level, _short_text(raw.get("service"), "a service"),
            _short_text(raw.get("window"), "a window"), clerk, check_ms(raw.get("opened_ms"), "opened_ms"), due_day,
            provisional, None if callback_ms is None else check_ms(callback_ms, "callback_ms"),
            None if callback_by is None else check_name(callback_by),
        )  # fmt: skip


def read_items(doc: object) -> list[RemediationView]:
    """Read the hall's `GET /remediation` answer; raise MalformedRemediation for anything else."""
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise MalformedRemediation(f"'items' is a list of at most {MAX_ITEMS} items")
    return [RemediationView.from_json(raw) for raw in items]


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _short_text(value: object, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 256 or not value.isprintable():
        raise MalformedRemediation(f"{what} is a printable text of 1 to 256 characters")
    return value
