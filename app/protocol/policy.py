"""Who may write what: the role -> allowed entry types policy of a department log, as data.

A key is enrolled in a department's registry (a `registry.enroll` entry in that department's log)
with one role. Entries go to the log named in their `log` field, which must be this node's origin;
a key enrolled for another department (its `department` field) may not write here.

一窗受理 (one window accepts everything): a department enrols the comprehensive-window clerks of a service hall
with the role `window`. Such a key may write exactly the acceptance of that department's cases (the `case.step`
entries whose step is `open` or `verify-documents`: the window takes the application and checks the
certificates shown); every later step is the department's own work.

A department's seal key (the SM2 key its records office seals e-licences with, GB/T 38540) is enrolled with the
role `seal`, with its X.509 certificate: such a key may write exactly the anchors of the OFD documents it seals
(`cert.anchor` whose `cert_type` is `ofd.<kind>`). Revoking it (`registry.revoke`) stops its anchors at the node,
and a counter reads every document it sealed after the revocation as "seal key revoked" (app/ofd/verify.py).
"""

from __future__ import annotations

from types import MappingProxyType

ROLES = ("department", "supervisor", "clerk", "device", "window", "seal")
WINDOW = "window"
SEAL = "seal"
# What a seal key anchors: the OFD documents it seals (app/ofd/issue.py names them `ofd.<kind>`).
SEAL_ANCHOR_PREFIX = "ofd."
# A seal key signs in the national suite and is enrolled with its certificate (the one its seals carry).
SEAL_SUITE = "sm2-sm3"
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
        SEAL: frozenset({"cert.anchor"}),
    }
)


def role_may_write(role: str, entry_type: str) -> bool:
    """Return True if a key with `role` may write entries of `entry_type` to its department's log."""
    return entry_type in ROLE_POLICY.get(role, frozenset())


def step_may_write(role: str, entry_type: str, body: object) -> bool:
    """Return True if a key with `role` may write this entry: its type, for a window key only an acceptance step,
    for a seal key only the anchor of an OFD document."""
    if not role_may_write(role, entry_type):
        return False
    if role == WINDOW:
        return isinstance(body, dict) and body.get("step") in ACCEPTANCE_STEPS
    if role == SEAL:
        cert_type = body.get("cert_type") if isinstance(body, dict) else None
        return isinstance(cert_type, str) and cert_type.startswith(SEAL_ANCHOR_PREFIX)
    return True


def seal_enrolment_refusal(body: object) -> str | None:
    """Why a `registry.enroll` of a seal key is malformed (None: it is not a seal enrolment, or it is well formed)."""
    if not isinstance(body, dict) or body.get("role") != SEAL:
        return None
    if body.get("suite") != SEAL_SUITE:
        return f"a seal key is an {SEAL_SUITE} key, not {body.get('suite')!r}"
    if not isinstance(body.get("certificate"), bytes) or not body["certificate"]:
        return "a seal key is enrolled with its SM2 certificate"
    if not body.get("department"):
        return "a seal key is enrolled for its department"
    return None


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
