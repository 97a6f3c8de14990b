"""Who may write what: the role -> allowed entry types policy of a department log, as data.

A key is enrolled in a department's registry (a `registry.enroll` entry in that department's log)
with one role. Entries go to the log named in their `log` field, which must be this node's origin;
a key enrolled for another department (its `department` field) may not write here.

一窗受理 (one window accepts everything): a department enrols the comprehensive-window clerks of a service hall
with the role `window`. Such a key may write exactly the acceptance of that department's cases (the `case.step`
entries whose step is `open` or `verify-documents`: the window takes the application and checks the
certificates shown); every later step is the department's own work.
"""

from __future__ import annotations

from types import MappingProxyType

ROLES = ("department", "supervisor", "clerk", "device", "window")
WINDOW = "window"
# The acceptance steps of a case (app/catalogue/workflow names them OPEN and VERIFY).
ACCEPTANCE_STEPS = frozenset({"open", "verify-documents"})

# Only the department key itself may change the registry, publish the catalogue or revoke a
# certificate. Counter devices and clerks write the day-to-day entries of the service window.
ROLE_POLICY: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "department": frozenset(
            {
                "registry.enroll",
                "registry.revoke",
                "registry.catalogue",
                "cert.anchor",
                "cert.revoke",
                "case.step",
                "consent.grant",
                "consent.revoke",
                "data.request",
                "data.response",
                "review.signoff",
                "demo.note",
            }
        ),
        "supervisor": frozenset(
            {"case.step", "consent.grant", "consent.revoke", "cert.anchor", "data.request", "review.signoff"}
        ),
        "clerk": frozenset({"case.step", "consent.grant", "consent.revoke", "cert.anchor", "data.request"}),
        # audit.anchor and registry.request: the office's own audit head and its requests for new account keys.
        # hall.rating: only the citizen-facing evaluator device signs a rating, never a clerk; and only a rating of
        # its own office's tickets (rating_office_refusal).
        "device": frozenset(
            {
                "case.step",
                "consent.grant",
                "cert.anchor",
                "demo.note",
                "audit.anchor",
                "registry.request",
                "hall.rating",
            }
        ),
        WINDOW: frozenset({"case.step"}),
    }
)


def role_may_write(role: str, entry_type: str) -> bool:
    """Return True if a key with `role` may write entries of `entry_type` to its department's log."""
    return entry_type in ROLE_POLICY.get(role, frozenset())


def step_may_write(role: str, entry_type: str, body: object) -> bool:
    """Return True if a key with `role` may write this entry: its type, and for a window key only an acceptance step."""
    if not role_may_write(role, entry_type):
        return False
    if role != WINDOW:
        return True
    return isinstance(body, dict) and body.get("step") in ACCEPTANCE_STEPS


RATING = "hall.rating"


def office_of(subject: str) -> str:
    """The office part of an enrolled device's subject, `<office>/<device>` ("" when the subject names none)."""
    office, slash, _ = subject.rpartition("/")
    return office if slash else ""


def rating_office_refusal(subject: str, entry_type: str, body: object) -> str | None:
    """Why a device enrolled as `subject` may not sign this entry as a rating of its office's tickets (None: it may).

    A hall's evaluator is enrolled at the department as `<hall office>/<device>`; its ratings name that office."""
    if entry_type != RATING or not isinstance(body, dict):
        return None
    own = office_of(subject)
    if body.get("office") != own:
        return f"device {subject!r} rates the tickets of office {own!r} only, not of {body.get('office')!r}"
    return None
