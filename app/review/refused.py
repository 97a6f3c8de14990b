"""Refused outbox entries in the supervisor's review, and setting one aside (issue 16, "待发 1 forever").

    entries = refused_entries(replica)        # open refusals and the entries set aside, oldest first
    set_aside(replica, entries[0].leaf_hash)  # supervisors: audited; it no longer counts as waiting

A node's refusal is kept as its code (docs/node.md); the screens word it. Nothing is ever deleted: an entry
set aside stays in the outbox and in this list, marked with when and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger import dcbor
from app.ledger.entry import decode_entry
from app.ledger.errors import LedgerError
from app.protocol.departments import all_departments
from app.review.errors import NotRefused
from app.store import audit, inputs, review_records, roles
from app.store import refused_entries as refused_store
from app.store.audit import MAX_DETAIL
from app.store.errors import PermissionDenied
from app.store.replica import Replica
from app.store.session import Session

SET_ASIDE_ACTION = "outbox.set_aside"


@dataclass(frozen=True)
class RefusedEntry:
    """An entry a department's node refused: what it was, who signed it, the node's code, and whether it is set
    aside (then when and by whom)."""

    leaf_hash: bytes
    origin: str
    department: str  # the department's id ("" if the log is not a known department's)
    entry_type: str  # "case.step", "review.signoff", ... ("" if the entry cannot be read)
    case_id: str
    service: str
    step: str
    signer: str  # the account or enrolled subject whose key signed it (its key id in hex if unknown)
    written_ms: int
    refused_ms: int
    code: str
    set_aside_ms: int | None = None
    set_aside_by: str = ""

    @property
    def set_aside(self) -> bool:
        """True once a supervisor set the entry aside."""
        return self.set_aside_ms is not None


def _set_aside_by(session: Session) -> dict[str, str]:
    out = {}
    for _seq, _at, account, raw in audit.action_records(session, SET_ASIDE_ACTION):
        try:
            entry = str(dcbor.decode(raw, max_size=MAX_DETAIL, what="audit detail")["entry"])
        except (LedgerError, KeyError, TypeError):
            continue  # the integrity panel reports a damaged trail; this list still shows the entry
        out.setdefault(entry, account)
    return out


def refused_entries(replica: Replica) -> list[RefusedEntry]:
    """Return every refused entry still open and every entry set aside, oldest first (supervisors and admins)."""
    replica.require(roles.AUDIT_REVIEW)
    s = replica.session
    signers = review_records.key_names(s)
    departments = {d.origin: d.id for d in all_departments()}
    by = _set_aside_by(s)
    out = []
    for row in refused_store.refused_rows(s):
        try:
            signed = decode_entry(row.data)
            entry_type, kid = signed.entry.type, signed.kid
        except LedgerError:
            entry_type, kid = "", row.signer or b""
        out.append(
            RefusedEntry(
                row.leaf_hash, row.origin, departments.get(row.origin, ""), entry_type, row.case_id or "",
                row.service or "", row.step or "", signers.get(kid, kid.hex()), row.enqueued_ms, row.refused_ms,
                row.code, row.set_aside_ms, by.get(row.leaf_hash.hex(), ""),
            )
        )  # fmt: skip
    return out


def set_aside(replica: Replica, leaf_hash: bytes) -> RefusedEntry:
    """Set a refused entry aside as the acting supervisor: audited, never deleted, no longer waiting to be sent.

    Raises NotRefused for an entry that is not refused (or already set aside), PermissionDenied for others."""
    replica.require(roles.AUDIT_REVIEW)
    if replica.account.role != roles.Role.SUPERVISOR:
        raise PermissionDenied(replica.account.role, f"{SET_ASIDE_ACTION} (supervisors set refused entries aside)")
    leaf_hash = inputs.blob(leaf_hash, "entry", size=32)
    s = replica.session
    with replica.transaction():
        found = refused_store.open_refusal(s, leaf_hash)
        if found is None:
            raise NotRefused(f"entry {leaf_hash.hex()[:16]} is not a refused entry waiting in the outbox")
        origin, code, what = found
        refused_store.record_set_aside(s, leaf_hash, origin, code, what, s.now_ms())
        replica.audit.append(SET_ASIDE_ACTION, "ok", {"entry": leaf_hash.hex(), "log": origin, "code": code})
    return next(e for e in refused_entries(replica) if e.leaf_hash == leaf_hash)
