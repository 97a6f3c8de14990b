"""The review's thresholds: typed, with a schema version, kept in the replica's settings and edited by an admin.

They decide what counts as an anomaly (office hours, how many unlinked lookups look like data fishing,
how many failed logins, how long an outbox entry may wait) and the office's local time zone.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.store import roles
from app.store.errors import InvalidInput
from app.store.replica import Replica

SETTING_NAME = "review.thresholds"
SCHEMA_VERSION = 1
MAX_SETTING = 4096
_LIMITS: dict[str, tuple[int, int]] = {
    "utc_offset_minutes": (-14 * 60, 14 * 60),
    "opens_minute": (0, 24 * 60 - 1),
    "closes_minute": (1, 24 * 60),
    "lookup_limit": (1, 100_000),
    "link_minutes": (1, 24 * 60),
    "failed_login_limit": (1, 1000),
    "outbox_stuck_minutes": (1, 30 * 24 * 60),
    "offline_gap_minutes": (1, 24 * 60),
}


@dataclass(frozen=True)
class ReviewThresholds:
    """What the anomaly checks compare against. Minutes count from local midnight."""

    schema: int = SCHEMA_VERSION
    utc_offset_minutes: int = 8 * 60  # China Standard Time
    opens_minute: int = 8 * 60 + 30
    closes_minute: int = 18 * 60
    lookup_limit: int = 15  # lookups/scans linked to no case, per clerk and day
    link_minutes: int = 15  # a lookup this close to the clerk's own case action belongs to that case
    failed_login_limit: int = 3  # failed logins per account and day
    outbox_stuck_minutes: int = 120
    offline_gap_minutes: int = 15  # no contact with any node for longer than this counts as offline

    def to_json(self) -> dict[str, Any]:
        """Return the thresholds as JSON-ready values."""
        return asdict(self)

    def with_changes(self, **changes: Any) -> ReviewThresholds:
        """Return a copy with `changes` applied, or raise InvalidInput naming the bad value."""
        unknown = set(changes) - set(_LIMITS)
        if unknown:
            raise InvalidInput(f"unknown review thresholds: {sorted(unknown)}")
        updated = replace(self, **changes)
        problems = check(updated)
        if problems:
            raise InvalidInput("; ".join(problems))
        return updated


def check(thresholds: ReviewThresholds) -> list[str]:
    """Return what is wrong with `thresholds` (empty when every value is in range)."""
    problems = []
    for name, (low, high) in _LIMITS.items():
        value = getattr(thresholds, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append(f"{name} must be a whole number from {low} to {high}")
    if not problems and thresholds.opens_minute >= thresholds.closes_minute:
        problems.append("the office must open before it closes")
    return problems


def load_thresholds(replica: Replica) -> ReviewThresholds:
    """Return the office's thresholds; defaults for anything missing, malformed or out of range."""
    raw = replica.setting(SETTING_NAME)
    result = ReviewThresholds()
    if raw is None or len(raw) > MAX_SETTING:
        return result
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return result
    if not isinstance(value, dict):
        return result
    for f in fields(ReviewThresholds):
        if f.name in _LIMITS and f.name in value:
            try:
                result = result.with_changes(**{f.name: value[f.name]})
            except (InvalidInput, TypeError):
                continue
    return result


def save_thresholds(replica: Replica, thresholds: ReviewThresholds) -> None:
    """Store new thresholds (admins only; audited by the replica)."""
    replica.require(roles.SETTINGS_WRITE)
    problems = check(thresholds)
    if problems:
        raise InvalidInput("; ".join(problems))
    replica.put_setting(SETTING_NAME, json.dumps(thresholds.to_json(), sort_keys=True))
