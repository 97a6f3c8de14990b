"""Typed errors of the supervisor review, each saying what a supervisor can do about it."""

from __future__ import annotations

from app.store.errors import StoreError


class ReviewError(StoreError):
    """Base of the review's errors (a StoreError, so the command line and screens show it the same way)."""


class AlreadySigned(ReviewError):
    """The day has been signed off already; nobody signs a day twice."""


class NotAcknowledged(ReviewError):
    """An anomaly has no acknowledgement comment; every anomaly is acknowledged before signing."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class UnsafeExportPath(ReviewError):
    """An export would be written somewhere other than where the user chose."""


class NotRefused(ReviewError):
    """The entry is not a refused entry waiting in the outbox (never refused, sent again, or set aside already)."""


class CallbackNeedsSupervisor(ReviewError):
    """A call-back (回访) is recorded only by a supervisor logged in with their own, unlocked signing key."""


class BadCallback(ReviewError):
    """A call-back's fields are not acceptable: `field` is "outcome" (empty, too long, control characters),
    "time" (before the rating or in the future) or "item" (not a remediation item of the hall)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field
