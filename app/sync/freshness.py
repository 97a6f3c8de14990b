"""Offline as normal work: how old the replica is per log, and checks that refuse to answer past their limit.

A check declares the maximum staleness it accepts. Past it, `require_fresh` raises CannotVerifyOffline:
"cannot verify offline: connect to sync", never a yes that might be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store import sync_state
from app.store.replica import Replica

OFFLINE_MESSAGE = "cannot verify offline: connect to sync"

# The default limits of the checks sync serves (services declare theirs in the catalogue, certificate
# types in app/catalogue/cert_types.py).
CHECK_LIMITS_MS: dict[str, int] = {
    "registry.key": 24 * 3600_000,
    "cert.revocation": 24 * 3600_000,
    "case.lookup": 7 * 24 * 3600_000,
}


class CannotVerifyOffline(Exception):
    """The replica's copy of a log is older than the check accepts (or was never synced)."""

    def __init__(self, origin: str, age_ms: int | None, limit_ms: int, check: str) -> None:
        age = "never synced" if age_ms is None else f"as of {format_age(age_ms)} ago"
        super().__init__(f"{OFFLINE_MESSAGE} ({check}: {origin} {age}; the limit is {format_age(limit_ms)})")
        self.origin = origin
        self.age_ms = age_ms
        self.limit_ms = limit_ms
        self.check = check


@dataclass(frozen=True)
class LogAge:
    """How old the replica's copy of one log is, and what it holds."""

    origin: str
    age_ms: int | None
    size: int
    trusted: bool

    def describe(self) -> str:
        """Say it the way a status bar does: 'revocations as of 3 h 12 min ago'."""
        if self.age_ms is None:
            return f"{self.origin}: never synced"
        flag = "" if self.trusted else " (untrusted: fork evidence kept)"
        return f"{self.origin}: as of {format_age(self.age_ms)} ago, {self.size} entries{flag}"


def format_age(ms: int) -> str:
    """Return a duration as '3 h 12 min', '4 min', '45 s' or '2 d 3 h'."""
    seconds = max(0, ms) // 1000
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def replica_ages(replica: Replica, origins: list[str] | None = None) -> list[LogAge]:
    """Return the age of every log the replica holds (or of `origins`), oldest knowledge first."""
    now = replica.session.now_ms()
    sizes = replica.logs.checkpoint_sizes()
    untrusted = sync_state.untrusted_origins(replica)
    cursors = sync_state.cursor_sizes(replica)
    names = sorted(set(origins if origins is not None else sizes) | set())
    ages = [LogAge(o, replica.logs.age_ms(o, now), cursors.get(o, sizes.get(o, 0)), o not in untrusted) for o in names]
    return sorted(ages, key=lambda a: -1 if a.age_ms is None else -a.age_ms)


def require_fresh(replica: Replica, origin: str, limit_ms: int, check: str) -> int:
    """Return the age of the log, or raise CannotVerifyOffline if it is older than `limit_ms`, untrusted or unsynced."""
    age = replica.logs.age_ms(origin, replica.session.now_ms())
    if age is None or age > limit_ms or sync_state.is_untrusted(replica, origin):
        raise CannotVerifyOffline(origin, age, limit_ms, check)
    return age
