"""Results handed out when cases reach them: a records office issues one sealed e-licence or notice per case.

The lead department's records office holds its seal key (enrolled in the department's registry with the role
`seal`) and a replica that syncs the department's log. `issue_results` reads that replica for the cases of the
services the department leads that reached their result (decided, closed or rejected) and keep no issued result yet,
and issues each: sealed (`case_result.issue_case_result`), anchored by the seal key itself (a `cert.anchor` in the
outbox, pushed at the next sync), and the file kept with the case, in one transaction that first checks again that the
case still has none. A run killed at any moment leaves every case issued once (file, anchor, outbox entry and audit
together) or not at all; the next run issues exactly the rest. A case whose holder this office does not know (the
ledger carries no names: another office opened it) waits, named with the reason.

Never on a counter: the seal key must be enrolled for the department, and not revoked, in the replica's registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.catalogue.catalogue import Catalogue
from app.ledger.suites import key_id
from app.ofd.case_result import Holder, issue_case_result
from app.ofd.counter import ISSUED_STATE
from app.ofd.errors import IssueError
from app.ofd.gm import SM2_SUITE, Sm2SealSigner
from app.ofd.issue import IssuedDocument
from app.protocol.departments import department
from app.protocol.policy import SEAL
from app.services import CaseDesk
from app.store.replica import Replica

PAGE = 100


@dataclass
class ResultsRun:
    """What one run did: the results it issued, by case, and the cases it left waiting with why."""

    issued: list[tuple[str, IssuedDocument]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (case id, reason code)


def check_seal_key(replica: Replica, seal_signer: Sm2SealSigner, origin: str) -> None:
    """Refuse (`seal_key_not_enrolled`) unless the key is the department's enrolled, unrevoked seal key."""
    public = seal_signer.ledger_signer.public_key
    record = replica.registry.key(key_id(SM2_SUITE, public), origin)  # that department's enrolment of the key
    if record is None or record.role != SEAL:
        raise IssueError(f"this seal key is not enrolled as a seal key of {origin}", code="seal_key_not_enrolled")
    if record.revoked_at_ms is not None:
        raise IssueError(f"this seal key of {origin} was revoked", code="seal_key_revoked")


def issue_results(
    replica: Replica,
    catalogue: Catalogue,
    department_id: str,
    *,
    seal: bytes,
    seal_signer: Sm2SealSigner,
    now: datetime | None = None,
    on_issued: Callable[[str, IssuedDocument], None] | None = None,
) -> ResultsRun:
    """Issue the result of every case of the department's services that reached it and has none; see the module.

    `on_issued(case_id, document)` is called after each case's transaction has committed."""
    origin = department(department_id).origin
    check_seal_key(replica, seal_signer, origin)
    services = [service.id for service in catalogue.by_department(department_id)]
    desk = CaseDesk(replica, catalogue)
    run = ResultsRun()
    after = (-1, "")
    while page := desk.reached_result(services, without_document=ISSUED_STATE, after=after, limit=PAGE):
        after = (page[-1].updated_ms, page[-1].case_id)
        for case in page:
            local = replica.cases.get(case.case_id)
            if local is None:
                run.waiting.append((case.case_id, "holder_unknown"))
                continue
            try:
                issued = issue_case_result(
                    replica, case, catalogue.service(case.service), Holder(local.citizen_name, local.citizen_id),
                    seal=seal, seal_signer=seal_signer, ledger_signer=seal_signer.ledger_signer, now=now,
                )  # fmt: skip
            except IssueError as exc:
                run.waiting.append((case.case_id, exc.code))
                continue
            run.issued.append((case.case_id, issued))
            if on_issued is not None:
                on_issued(case.case_id, issued)
    return run
