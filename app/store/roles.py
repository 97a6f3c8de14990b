"""Roles and what each may do. Decided here, in the domain, never in the UI.

Clerks serve: lookups, scans, verdicts, cases, the outbox, and applying verified data from sync.
Supervisors do all a clerk does, and also review (audit trail, cases, day sign-off) and reset
clerk passwords. Admins manage accounts and settings; they may read and sync the replica, verify
it, and enqueue ledger entries (enrolments), but they do not serve citizens.
"""

from __future__ import annotations

from enum import StrEnum

from app.store.errors import PermissionDenied


class Role(StrEnum):
    """An account's role on the office machine."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# Operations, by name. Every Replica method maps to one of these.
READ = "replica.read"  # read registry, certificates, logs, checkpoints
SYNC = "replica.sync"  # store data that sync has verified (registry keys, revocations, entries, checkpoints)
LOOKUP = "citizen.lookup"
SCAN = "certificate.scan"
VERDICT = "certificate.verdict"
CASE_WRITE = "case.write"
CASE_READ = "case.read"
OUTBOX_WRITE = "outbox.write"
OUTBOX_READ = "outbox.read"
SIGN_ENTRY = "entry.sign"
AUDIT_REVIEW = "audit.review"
CASE_REVIEW = "case.review"
RESET_CLERK_PASSWORD = "account.reset_clerk_password"
ACCOUNT_MANAGE = "account.manage"
SETTINGS_WRITE = "settings.write"
CHECK = "replica.check"

_CLERK = frozenset(
    {READ, SYNC, LOOKUP, SCAN, VERDICT, CASE_WRITE, CASE_READ, OUTBOX_WRITE, OUTBOX_READ, SIGN_ENTRY, CHECK}
)
_SUPERVISOR = _CLERK | {AUDIT_REVIEW, CASE_REVIEW, RESET_CLERK_PASSWORD}
_ADMIN = frozenset(
    {READ, SYNC, OUTBOX_WRITE, OUTBOX_READ, SIGN_ENTRY, CHECK, AUDIT_REVIEW, RESET_CLERK_PASSWORD, ACCOUNT_MANAGE}
    | {SETTINGS_WRITE}
)

PERMISSIONS: dict[Role, frozenset[str]] = {Role.CLERK: _CLERK, Role.SUPERVISOR: _SUPERVISOR, Role.ADMIN: _ADMIN}
ALL_OPERATIONS = frozenset().union(*PERMISSIONS.values())


def allowed(role: str, operation: str) -> bool:
    """Return True if `role` may perform `operation`."""
    try:
        return operation in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: str, operation: str) -> None:
    """Raise PermissionDenied unless `role` may perform `operation`."""
    if not allowed(role, operation):
        raise PermissionDenied(role, operation)


def may_reset_password_of(actor_role: str, target_role: str) -> bool:
    """Return True if an account of `actor_role` may reset the password of one of `target_role`."""
    if allowed(actor_role, ACCOUNT_MANAGE):
        return True
    return allowed(actor_role, RESET_CLERK_PASSWORD) and target_role == Role.CLERK
