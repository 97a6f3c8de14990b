"""Who may write what: the role -> allowed entry types policy of a department log, as data.

A key is enrolled in a department's registry (a `registry.enroll` entry in that department's log)
with one role. Entries go to the log named in their `log` field, which must be this node's origin;
a key enrolled for another department (its `department` field) may not write here.
"""

from __future__ import annotations

from types import MappingProxyType

ROLES = ("department", "supervisor", "clerk", "device")

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
        "device": frozenset(
            {"case.step", "consent.grant", "cert.anchor", "demo.note", "audit.anchor", "registry.request"}
        ),
    }
)


def role_may_write(role: str, entry_type: str) -> bool:
    """Return True if a key with `role` may write entries of `entry_type` to its department's log."""
    return entry_type in ROLE_POLICY.get(role, frozenset())
