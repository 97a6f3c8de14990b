"""A case's sealed result delivered to the window that accepted it (统一窗口出件 across offices).

The lead department's records office issues the result (issue_results.py) and keeps it on its department's node
for the office whose window accepted the case (`upload_results`: `PUT /case-results/<case>`, signed by the seal key,
naming that office from the case's opening step on the log). At that office, after each sync has pulled the
department's log, `collect_results` asks the node for the result of every case of its own that reached it and keeps
none yet, and keeps a file only when its SM3 digest is anchored by the case's lead department in the replica (a
verified `cert.anchor` pulled with the log), its seals verify and are trusted offline, and its licence number is that
case. It is then stored encrypted in the replica with the case (verdict `issued`), where the counter finds it to hand
out, audited `ofd.receive`; a refused file is audited with its reason and asked for again at the next sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from app.catalogue.catalogue import Catalogue
from app.ledger.entry import decode_entry
from app.ledger.errors import LedgerError
from app.ofd import gm
from app.ofd.counter import ISSUED_STATE, OFD_MEDIA_TYPE, verify_at_office
from app.ofd.errors import OfdError
from app.protocol.case_results import MAX_CASE_RESULT_BYTES, office_of_subject
from app.protocol.departments import all_departments, department
from app.protocol.node_client import NodeClient, NodeRefused
from app.services import CaseDesk
from app.store import ledger_cases, roles
from app.store.replica import Replica
from app.sync.database_runner import DatabaseRunner, run_here

PAGE = 100
RETRY_LATER = frozenset({408, 429, 503})  # request timeout, rate limited, overloaded or store unavailable


class DeliveryRefused(OfdError):
    """A delivered result the office does not keep: `code` says why (see REFUSALS)."""

    code = "result_refused"


REFUSALS = (
    "result_too_large",  # the node sent more than MAX_CASE_RESULT_BYTES
    "result_not_anchored",  # no `cert.anchor` of the lead department in the replica names this file's SM3
    "result_seal_invalid",  # a seal or signature does not verify, or is not trusted, offline
    "result_other_case",  # the sealed licence number is another case's
)


@dataclass
class Delivery:
    """What one pass did: cases done (with the digest), cases left for later or refused, each with a code."""

    done: list[tuple[str, bytes]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    last_row: int = 0  # upload_results: the last kept result handed to the node (its case_documents row)
    not_allowed: bool = False  # collect_results: the account may not read cases (an admin's sync collects nothing)


def accepting_office(replica: Replica, case_id: str) -> str | None:
    """The office whose window opened the case: the subject of the key that signed its first step, or None."""
    steps = ledger_cases.steps_of(replica.session, case_id)
    if not steps:
        return None
    data = ledger_cases.step_entry(replica.session, steps[0].leaf_hash)
    if data is None:
        return None
    try:
        kid = decode_entry(data).kid
    except LedgerError:
        return None
    record = replica.registry.key(kid)
    return office_of_subject(record.subject) if record is not None else None


def upload_results(replica: Replica, client: NodeClient, department_id: str, *, after: int = 0) -> Delivery:
    """Keep on the node every result this records office issued for `department_id`, after row `after`.

    A result is uploaded once its anchor is on the department's log (sync pulled it back: the office that fetches it
    finds the anchor too). Uploading is idempotent. `last_row` ends where every result up to it is on the node, so
    the next pass starts there; one left waiting (`anchor_not_on_log`, `office_unknown`, a refusal) holds it back and
    is tried again. The first network failure ends the pass (`node_unreachable`)."""
    origin = department(department_id).origin
    run = Delivery(last_row=after)
    blocked = False
    row = after
    while page := replica.case_documents.with_verdict(ISSUED_STATE, after=row, limit=PAGE):
        for row, document in page:
            anchor = replica.certs.anchor(document.digest)
            if anchor is None or anchor.issuer != origin:
                reason = ""  # another department's result: not this pass's
            elif anchor.index is None:
                reason = "anchor_not_on_log"
            else:
                reason = _upload_one(replica, client, document.case_id, document.digest)
                if reason == "node_unreachable":
                    run.waiting.append((document.case_id, reason))
                    return run
                if not reason:
                    run.done.append((document.case_id, document.digest))
            if reason:
                run.waiting.append((document.case_id, reason))
                blocked = True
            elif not blocked:
                run.last_row = row
    return run


def _upload_one(replica: Replica, client: NodeClient, case_id: str, digest: bytes) -> str:
    """Upload one kept result for its accepting office; return why not ("" when it is on the node)."""
    office = accepting_office(replica, case_id)
    data = replica.case_documents.data(case_id, digest)
    if office is None or data is None:
        return "office_unknown"
    try:
        client.put_case_result(case_id, office, data, digest)
    except (httpx.HTTPError, OSError):
        return "node_unreachable"
    except NodeRefused as exc:
        return exc.code
    return ""


def cases_awaiting_result(replica: Replica, catalogue: Catalogue, origin: str) -> list[str]:
    """This office's own cases led by the department of log `origin` that reached their result and keep none."""
    lead = next((d.id for d in all_departments() if d.origin == origin), None)
    if lead is None:
        return []
    services = [service.id for service in catalogue.by_department(lead)]
    desk = CaseDesk(replica, catalogue)
    waiting: list[str] = []
    after = (-1, "")
    while page := desk.reached_result(services, without_document=ISSUED_STATE, after=after, limit=PAGE):
        after = (page[-1].updated_ms, page[-1].case_id)
        # a records office replica holds every case of its department: only the ones this office opened are asked for
        waiting += [case.case_id for case in page if replica.cases.get(case.case_id) is not None]
    return waiting


def collect_results(
    replica: Replica, catalogue: Catalogue, origin: str, client: NodeClient, on_db: DatabaseRunner = run_here
) -> Delivery:
    """Fetch, check and keep the sealed result of every case of this office led by log `origin`'s department.

    Runs after the log was pulled (its anchors are in the replica). `client` reads the department's node, signing
    with this office's device key; the replica is used only through `on_db`, so the counter runs this on its network
    thread. A result not served yet is left for the next sync, unlisted; an unreachable node stops the pass."""
    run = Delivery()
    if not on_db(lambda: roles.allowed(replica.account.role, roles.CASE_READ)):
        run.not_allowed = True
        return run
    for case_id in on_db(lambda: cases_awaiting_result(replica, catalogue, origin)):
        try:
            data = client.case_result(case_id, MAX_CASE_RESULT_BYTES)
        except (httpx.HTTPError, OSError):
            run.waiting.append((case_id, "node_unreachable"))
            return run
        except NodeRefused as exc:
            if exc.status in RETRY_LATER:  # the node asks to come back later: not this file's fault
                run.waiting.append((case_id, "node_busy"))
                return run
            on_db(lambda case_id=case_id, code=exc.code: _audit_refusal(replica, case_id, code))
            run.waiting.append((case_id, exc.code))
            continue
        if data is None:
            continue
        digest, code = on_db(lambda case_id=case_id, data=data: _keep_or_refuse(replica, case_id, origin, data))
        if digest is not None:
            run.done.append((case_id, digest))
        else:
            run.waiting.append((case_id, code))
    return run


def _keep_or_refuse(replica: Replica, case_id: str, origin: str, data: bytes) -> tuple[bytes | None, str]:
    try:
        return keep_result(replica, case_id, origin, data), ""
    except DeliveryRefused as exc:
        _audit_refusal(replica, case_id, exc.code)
        return None, exc.code


def keep_result(replica: Replica, case_id: str, lead_origin: str, data: bytes) -> bytes:
    """Check a delivered result of `case_id` against the replica and keep it with the case; return its digest.

    Raises DeliveryRefused (`result_not_anchored`, `result_seal_invalid`, `result_other_case`, `result_too_large`)."""
    if len(data) > MAX_CASE_RESULT_BYTES:
        raise DeliveryRefused(f"the result is over {MAX_CASE_RESULT_BYTES} bytes", code="result_too_large")
    digest = gm.sm3(data)
    anchor = replica.certs.anchor(digest)
    if anchor is None or not anchor.cert_type.startswith("ofd.") or anchor.issuer != lead_origin:
        raise DeliveryRefused(f"no anchor of {lead_origin} names SM3 {digest.hex()}", code="result_not_anchored")
    verdict = verify_at_office(replica, data)
    if not (verdict.valid and verdict.trusted):
        raise DeliveryRefused(f"the result does not verify: {verdict.reason}", code="result_seal_invalid")
    if verdict.licence.get("number") != case_id:
        raise DeliveryRefused("the result is sealed for another case", code="result_other_case")
    name = f"{case_id}-{anchor.cert_type.removeprefix('ofd.')}.ofd"
    with replica.transaction():
        if not any(d.verdict == ISSUED_STATE for d in replica.case_documents.list(case_id)):
            replica.case_documents.put(case_id, digest, name, OFD_MEDIA_TYPE, ISSUED_STATE, data,
                                       replica.session.now_ms())  # fmt: skip
            replica.audit.append("ofd.receive", "ok", {"case": case_id, "digest": digest.hex(), "issuer": lead_origin})
    return digest


def _audit_refusal(replica: Replica, case_id: str, code: str) -> None:
    replica.audit.append("ofd.receive", code, {"case": case_id})
