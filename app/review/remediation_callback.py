"""The supervisor's call-back (回访) of a bad rating's remediation item (整改), recorded at the office (issue 19).

Only a supervisor logged in with their own unlocked signing key records one: the record is an audit record of
action `hall.callback`, signed by that key like every record of the trail, chained to the ones before it and
anchored on the department's log at the next sync, so nobody at the counter rewrites it unnoticed. It holds the
hall's item id, the rating's entry hash, when the citizen was called back, the outcome and whether the matter is
resolved. Only then is the hall told (app/protocol/hall_remediation.py), so an item is never closed at the hall
without its signed record at the office; a hall that did not hear it is told again with the same record.

    record_callback(replica, item, called_at_ms, outcome, resolved)   # the record to send to the hall
    remediation_callbacks(replica)                                     # rating entry hash (hex) -> record
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger import dcbor
from app.ledger.errors import LedgerError
from app.protocol.hall_remediation import MalformedRemediation, RemediationView, check_outcome
from app.review.errors import BadCallback, CallbackNeedsSupervisor
from app.store import audit, roles
from app.store.audit import MAX_DETAIL
from app.store.replica import Replica

CALLBACK_ACTION = "hall.callback"
# A call-back is entered by hand after the call: it may lie a few minutes ahead of this machine's clock.
FUTURE_SLACK_MS = 5 * 60_000


@dataclass(frozen=True)
class CallbackRecord:
    """A call-back as the office's signed audit trail holds it."""

    item: int  # the hall's item id
    rating: str  # the rating entry's hash, hex
    called_at_ms: int
    outcome: str
    resolved: bool
    by: str  # the supervisor's account
    recorded_ms: int
    seq: int  # the audit record


def _read(seq: int, at_ms: int, account: str, raw: bytes) -> CallbackRecord | None:
    try:
        d = dcbor.decode(raw, max_size=MAX_DETAIL, what="audit detail")
        return CallbackRecord(int(d["item"]), str(d["rating"]), int(d["called_at_ms"]), str(d["outcome"]),
                              bool(d["resolved"]), account, at_ms, seq)  # fmt: skip
    except (LedgerError, KeyError, TypeError, ValueError):
        return None  # the integrity panel reports a damaged trail


def remediation_callbacks(replica: Replica) -> dict[str, CallbackRecord]:
    """Every call-back this office recorded, by the rating's entry hash (hex); the first one of each counts."""
    replica.require(roles.AUDIT_REVIEW)
    out: dict[str, CallbackRecord] = {}
    for record in audit.action_records(replica.session, CALLBACK_ACTION):
        found = _read(*record)
        if found is not None:
            out.setdefault(found.rating, found)
    return out


def record_callback(
    replica: Replica, item: RemediationView, called_at_ms: int, outcome: str, resolved: bool
) -> CallbackRecord:
    """Record the call-back of `item` as the acting supervisor, signed with their key, in one transaction.

    Raises CallbackNeedsSupervisor for any other account (or a supervisor whose key is not open) and BadCallback
    for an unacceptable outcome or time. An item called back before returns that first record unchanged."""
    if replica.account.role != roles.Role.SUPERVISOR or replica.account_signer is None:
        raise CallbackNeedsSupervisor(f"{replica.account.name} ({replica.account.role}) may not record a call-back")
    replica.require(roles.AUDIT_REVIEW)
    try:
        outcome = check_outcome(outcome)
    except MalformedRemediation as exc:
        raise BadCallback(str(exc), "outcome") from None
    if not isinstance(resolved, bool):
        raise BadCallback("resolved is yes or no", "outcome")
    s = replica.session
    with replica.transaction():
        earlier = remediation_callbacks(replica).get(item.rating)
        if earlier is not None:
            return earlier
        now = s.now_ms()
        if isinstance(called_at_ms, bool) or not isinstance(called_at_ms, int):
            raise BadCallback("the call-back's time is epoch milliseconds", "time")
        if not item.opened_ms <= called_at_ms <= now + FUTURE_SLACK_MS:
            raise BadCallback("a call-back lies after the rating and not in the future", "time")
        detail = {"item": item.id, "rating": item.rating, "called_at_ms": called_at_ms, "outcome": outcome,
                  "resolved": resolved}  # fmt: skip
        seq = replica.audit.append(CALLBACK_ACTION, "ok", detail)
    return CallbackRecord(item.id, item.rating, called_at_ms, outcome, resolved, replica.account.name, now, seq)
