"""The replica's projection of the ledger: apply entries to its case, consent and exchange tables (sync calls it).

`apply_entry` takes one entry already fetched from a department log (with its index when known),
checks its signer against the registry and its signature, and updates the derived tables. Case
steps are re-resolved per case, so the node's order decides conflicts and the loser is explained.
"""

from __future__ import annotations

from typing import Any

from app.catalogue import workflow
from app.catalogue.catalogue import Catalogue, Service
from app.catalogue.department_logs import department_id, origin_of
from app.catalogue.errors import Refusal, UnknownService
from app.ledger.entry import SignedEntry, decode_entry
from app.ledger.errors import LedgerError
from app.store import consents, ledger_cases, roles
from app.store.cases import follow_ledger_status
from app.store.consents import Consent
from app.store.ledger_cases import CaseRow
from app.store.replica import Replica

CONSENT_TYPES = frozenset({"consent.grant", "consent.revoke", "data.request", "data.response"})


def apply_entry(replica: Replica, catalogue: Catalogue, data: bytes, index: int | None = None) -> str:
    """Verify one entry and fold it into the replica; return what it was ('case', 'consent', ... or 'ignored')."""
    replica.require(roles.SYNC)
    try:
        signed = decode_entry(data)
    except LedgerError as exc:
        raise Refusal(f"not a ledger entry: {exc}") from None
    etype = signed.entry.type
    if etype != "case.step" and etype not in CONSENT_TYPES:
        return "ignored"
    key = replica.registry.signing_key(signed.kid, signed.entry.log)
    if key is None:
        raise Refusal(f"{etype}: signer {signed.kid.hex()} is not enrolled")
    try:
        signed.verify(key.public_key)
    except LedgerError as exc:
        raise Refusal(f"{etype}: {exc}") from None
    if signed.entry.log != origin_of(department_id(key.department)):
        raise Refusal(f"{etype} on {signed.entry.log} is signed by a key of {key.department}")
    with replica.transaction():
        if etype in CONSENT_TYPES:
            return apply_consent_entry(replica, signed, trusted_key=key)
        body = signed.entry.body
        try:
            service = catalogue.service(body["service"])
        except UnknownService as exc:
            raise Refusal(str(exc)) from None
        _check_step_actor(service, body["step"], key)
        ledger_cases.keep_step(replica.session, signed.leaf_hash, body["case_id"], signed.entry.log, index,
                               signed.entry.time, body["step"], body["state"], body.get("prev"), signed.kid,
                               signed.data)  # fmt: skip
        resolve_case(replica, service, body["case_id"])
    return "case"


def _check_step_actor(service: Service, step: str, key) -> None:
    if step in (workflow.OPEN, workflow.VERIFY, workflow.DECIDE, workflow.CLOSE, workflow.WITHDRAW):
        department = service.lead
    elif step == workflow.REJECT:
        department = department_id(key.department)
    else:
        match = [s for s in service.steps if s.id == step]
        if not match:
            raise Refusal(f"{service.id} has no step {step!r}")
        department = match[0].department
    deciding = step in (workflow.DECIDE, workflow.REJECT) or any(
        s.id == step and s.role == "supervisor" for s in service.steps
    )
    roles_needed = workflow.DECIDING_ROLES if deciding else workflow.SERVING_ROLES
    if key.role not in roles_needed or department_id(key.department) != department:
        raise Refusal(f"{service.id} {step!r}: {key.subject} ({key.role}, {key.department}) may not perform it")


def resolve_case(replica: Replica, service: Service, case_id: str) -> workflow.Resolution:
    """Re-resolve a case from every step entry the replica holds; update its row and each step's status."""
    s = replica.session
    records = [step_record(decode_entry(data), idx) for data, idx in ledger_cases.step_entries(s, case_id)]
    result = workflow.resolve(service, records)
    for r in result.chain:
        ledger_cases.mark_step(s, r.leaf_hash, "applied")
    for leaf, why in result.losers.items():
        ledger_cases.mark_step(s, leaf, "conflict" if why.startswith("conflict") else "refused", why)
    if not result.chain:
        return result
    first, last, at = result.chain[0], result.chain[-1], result.position
    holder = decode_entry(ledger_cases.step_entry(s, first.leaf_hash)).entry.body.get("holder")
    row = CaseRow(
        case_id, service.id, at.state, at.done, workflow.pending_department(service, at), int(at.is_open), holder,
        last.leaf_hash, first.time_ms, last.time_ms, first.time_ms + service.time_limit_ms,
    )  # fmt: skip
    ledger_cases.replace_case(s, row)
    # The local case record (opened at this office) follows the ledger. Sync may run as an admin, who may not
    # read or write cases at the counter, so this goes through the session as derived, verified state.
    status = {"opened": "open", "documents-verified": "open", "in-progress": "in_progress"}.get(at.state, "closed")
    if follow_ledger_status(s, case_id, status):
        replica.audit.append("case.status", "ok", {"case": case_id, "to": status, "from": "sync"})
    return result


def step_record(signed: SignedEntry, index: int | None) -> workflow.StepRecord:
    """Return what resolution needs of a decoded `case.step` entry."""
    body = signed.entry.body
    return workflow.StepRecord(
        signed.leaf_hash, signed.entry.log, index, signed.entry.time, body["step"], body["state"], body.get("prev")
    )


def apply_consent_entry(replica: Replica, signed: SignedEntry, *, trusted_key: Any) -> str:
    """Record a consent, revocation, request or response entry (already verified) in the replica's tables."""
    entry, body, s = signed.entry, signed.entry.body, replica.session
    dept = department_id(trusted_key.department)
    if entry.log != origin_of(dept):
        raise Refusal(f"{entry.type} on {entry.log} is signed by a key of {dept}")
    if entry.type == "consent.grant":
        if body["requester"] != dept:
            raise Refusal("a consent is recorded on the requester's log by the requester")
        scope = tuple(body["scope"])
        granted = Consent(body["consent_id"], body["holder"], body["requester"], body["provider"], scope,
                          body["purpose"], body["expires"], entry.time, signed.kid, None)  # fmt: skip
        consents.put_consent(s, granted, signed.leaf_hash)
        return "consent"
    if entry.type == "consent.revoke":
        held = consents.consent(s, body["consent_id"])
        if held is None or dept not in (held.requester, held.provider):
            raise Refusal("only the requester or the provider records a consent's revocation")
        consents.mark_revoked(s, body["consent_id"], entry.time)
        return "revocation"
    if entry.type == "data.request":
        consents.put_request(s, body["request_id"], body["consent_id"], body["scope"], dept, entry.time, signed.kid,
                             signed.leaf_hash, body.get("reply_key"))  # fmt: skip
        return "request"
    if entry.type == "data.response":
        if trusted_key.role != "department":
            raise Refusal("only a department key answers a data request")
        consents.put_response(s, body["request_id"], signed.kid, entry.time, signed.leaf_hash, body["payload_hash"])
        return "response"
    raise Refusal(f"{entry.type} is not a consent or exchange entry")
