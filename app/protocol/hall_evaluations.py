"""The day's 好差评 and the overdue 整改 items as the hall serves them to the supervisor's review (issue 19).

`GET /evaluations?day=YYYY-MM-DD` (a counter device of the office) answers `DayEvaluations.to_json()`: the day's
ratings per level, per service and per clerk (the clerk's key id), and every remediation item still open past its
due day. No personal data: ratings carry none, and the citizens' reasons stay in the hall. The counter reads the
answer with `DayEvaluations.from_json`, which refuses anything malformed or oversized.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.protocol.hall_rating import BAD_LEVELS

LEVEL_VALUES = (5, 4, 3, 2, 1)
MAX_GROUPS = 2000
MAX_ITEMS = 2000
MAX_TEXT = 256
MAX_COUNT = 10**9
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class MalformedEvaluations(ValueError):
    """The hall's answer is not a well-formed day of evaluations."""


def parse_day(text: object) -> str:
    """Return a YYYY-MM-DD day as given, or raise MalformedEvaluations."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise MalformedEvaluations("a day is written YYYY-MM-DD")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise MalformedEvaluations(f"{text!r} is not a day") from None
    return text


@dataclass(frozen=True)
class RatingCounts:
    """Ratings of one service or clerk on the day: how many, how many bad, and the mean level."""

    count: int
    bad: int
    mean: float

    def to_json(self) -> dict[str, Any]:
        """Return the counts as JSON-ready values."""
        return {"count": self.count, "bad": self.bad, "mean": round(self.mean, 3)}


@dataclass(frozen=True)
class OverdueItem:
    """A remediation item (整改) still open after its due day."""

    id: int
    level: int
    service: str
    window: str
    due_day: str
    provisional: bool  # the due day lies past the years the official calendar knows

    def to_json(self) -> dict[str, Any]:
        """Return the item as JSON-ready values."""
        return {"id": self.id, "level": self.level, "service": self.service, "window": self.window,
                "due_day": self.due_day, "provisional": self.provisional}  # fmt: skip


@dataclass(frozen=True)
class DayEvaluations:
    """One day of 好差评 in the hall, and the remediation items overdue when the hall answered."""

    day: str
    levels: dict[int, int]  # level 5..1 -> ratings on the day
    by_service: dict[str, RatingCounts]
    by_clerk: dict[str, RatingCounts]  # the clerk's key id, hex
    overdue: tuple[OverdueItem, ...]

    @property
    def total(self) -> int:
        """How many ratings the day has."""
        return sum(self.levels.values())

    @property
    def bad(self) -> int:
        """How many of them are 不满意 or 非常不满意."""
        return sum(n for level, n in self.levels.items() if level in BAD_LEVELS)

    def to_json(self) -> dict[str, Any]:
        """Return the day as the hall serves it."""
        return {
            "day": self.day,
            "levels": {str(level): self.levels.get(level, 0) for level in LEVEL_VALUES},
            "by_service": {name: c.to_json() for name, c in self.by_service.items()},
            "by_clerk": {name: c.to_json() for name, c in self.by_clerk.items()},
            "overdue": [item.to_json() for item in self.overdue],
        }

    @classmethod
    def from_json(cls, doc: object) -> DayEvaluations:
        """Read the hall's answer; raise MalformedEvaluations for anything else (wrong types, sizes or values)."""
        if not isinstance(doc, dict):
            raise MalformedEvaluations("the answer is not an object")
        day = parse_day(doc.get("day"))
        levels_doc = doc.get("levels")
        if not isinstance(levels_doc, dict) or set(levels_doc) != {str(v) for v in LEVEL_VALUES}:
            raise MalformedEvaluations("'levels' counts each of the five levels")
        levels = {int(level): _count(n, "a level's count") for level, n in levels_doc.items()}
        items_doc = doc.get("overdue")
        if not isinstance(items_doc, list) or len(items_doc) > MAX_ITEMS:
            raise MalformedEvaluations(f"'overdue' is a list of at most {MAX_ITEMS} items")
        return cls(day, levels, _groups(doc.get("by_service"), "by_service"), _groups(doc.get("by_clerk"), "by_clerk"),
                   tuple(_item(raw) for raw in items_doc))  # fmt: skip


def _count(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise MalformedEvaluations(f"{what} is a whole number from 0 to {MAX_COUNT}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or not value.isprintable():
        raise MalformedEvaluations(f"{what} is a printable text of 1 to {MAX_TEXT} characters")
    return value


def _groups(doc: object, what: str) -> dict[str, RatingCounts]:
    if not isinstance(doc, dict) or len(doc) > MAX_GROUPS:
        raise MalformedEvaluations(f"'{what}' is an object of at most {MAX_GROUPS} groups")
    out = {}
    for name, raw in doc.items():
        if not isinstance(raw, dict):
            raise MalformedEvaluations(f"'{what}' holds objects")
        count, bad, mean = _count(raw.get("count"), "a count"), _count(raw.get("bad"), "a count"), raw.get("mean")
        if (not isinstance(mean, int | float) or isinstance(mean, bool) or not 1 <= mean <= 5 or bad > count
                or count == 0):  # fmt: skip
            raise MalformedEvaluations(f"'{what}' has a group with impossible figures")
        out[_text(name, "a group's name")] = RatingCounts(count, bad, float(mean))
    return out


def _item(raw: object) -> OverdueItem:
    if not isinstance(raw, dict):
        raise MalformedEvaluations("an overdue item is an object")
    level, provisional = _count(raw.get("level"), "a level"), raw.get("provisional")
    if level not in BAD_LEVELS or not isinstance(provisional, bool):
        raise MalformedEvaluations("an overdue item is a bad rating's, provisional true or false")
    return OverdueItem(_count(raw.get("id"), "an item id"), level, _text(raw.get("service"), "a service"),
                       _text(raw.get("window"), "a window"), parse_day(raw.get("due_day")), provisional)  # fmt: skip
