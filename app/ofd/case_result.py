"""A case's result handed out as a sealed OFD document (统一窗口出件), issued by the case's lead department.

When a case reaches its result (the lead department decided it, or rejected it), the lead department's
records office seals the result: an e-licence for a decided case, a notice for a rejected one. The
seal key and certificate are the department's; a counter never holds them and never calls this. The
file's SM3 digest rides on the department's `cert.anchor` entry (type `ofd.<kind>`, see issue.py), and
the file itself is kept with the case in the department's replica, encrypted, so it can be handed out
again (saved to the citizen's USB stick or printed with its QR code) without being sealed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.catalogue import workflow
from app.catalogue.catalogue import Service
from app.ledger.suites import Signer
from app.ofd.build import DocumentSpec, Page
from app.ofd.counter import ISSUED_STATE, OFD_MEDIA_TYPE
from app.ofd.errors import IssueError
from app.ofd.issue import IssuedDocument, issue_document, record_issue
from app.ofd.seal import SealSigner
from app.protocol.departments import department
from app.services.cases import CaseView
from app.store.replica import Replica

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULT_KINDS = {workflow.DECIDED: "licence", workflow.CLOSED: "licence", workflow.REJECTED: "notice"}
MAX_HOLDER = 128


@dataclass(frozen=True)
class Holder:
    """Who the result is for, as the opening office knows them (the ledger carries no names)."""

    name: str
    code: str


def result_kind(case: CaseView) -> str:
    """`licence` for a decided (or decided and closed) case, `notice` for a rejected one; refuse otherwise."""
    kind = RESULT_KINDS.get(case.state)
    if kind is None:
        raise IssueError(f"case {case.case_id} has not reached its result (it is {case.state})", code="case_undecided")
    return kind


def result_spec(case: CaseView, service: Service, holder: Holder, issued: datetime) -> DocumentSpec:
    """The document a case's result is: the service's name, the holder, the lead department, the case number."""
    kind = result_kind(case)
    if not holder.name.strip() or len(holder.name) > MAX_HOLDER or len(holder.code) > MAX_HOLDER:
        raise IssueError("the holder's name is empty or too long", code="issue_refused")
    lead = department(service.lead)
    day = issued.astimezone(SHANGHAI).date().isoformat()
    if kind == "licence":
        title = service.name.zh
        text = (f"经审查，{holder.name}申请的“{service.name.zh}”事项准予办理，特发此证。", f"办件编号：{case.case_id}")
    else:
        title = f"{service.name.zh}不予许可决定书"
        text = (f"经审查，{holder.name}申请的“{service.name.zh}”事项不予办理。", f"办件编号：{case.case_id}")
    fields = {
        "name": title,
        "number": case.case_id,
        "holder": holder.name,
        "issuer": lead.name_zh,
        "issued_on": day,
        "valid_from": day,
    }
    if holder.code:
        fields["holder_id"] = holder.code
    return DocumentSpec(title=title, pages=[Page(text)], licence=fields, created=issued)


def issue_case_result(
    replica: Replica,
    case: CaseView,
    service: Service,
    holder: Holder,
    *,
    seal: bytes,
    seal_signer: SealSigner,
    ledger_signer: Signer,
    now: datetime | None = None,
) -> IssuedDocument:
    """Seal the result of `case` as the lead department, anchor its digest and keep the file with the case.

    Refused unless the case has reached its result in this replica; a result already issued is refused
    too (the department re-hands the kept file out instead of sealing a second original).
    """
    if case.service != service.id:
        raise IssueError("the case is of another service", code="issue_refused")
    now = (now or datetime.fromtimestamp(replica.session.now_ms() / 1000, UTC)).replace(microsecond=0)
    spec = result_spec(case, service, holder, now)
    if _issued_already(replica, case.case_id):
        raise IssueError(f"the result of case {case.case_id} was issued already", code="already_issued")
    issued = issue_document(
        spec, seal=seal, seal_signer=seal_signer, department=department(service.lead).origin,
        ledger_signer=ledger_signer, kind=result_kind(case), now=now,
    )  # fmt: skip
    name = f"{case.case_id}-{issued.kind}.ofd"
    with replica.transaction():  # BEGIN IMMEDIATE: a second issuer of the same case waits here, then finds this one
        if _issued_already(replica, case.case_id):
            raise IssueError(f"the result of case {case.case_id} was issued already", code="already_issued")
        record_issue(replica, issued)
        replica.case_documents.put(case.case_id, issued.digest, name, OFD_MEDIA_TYPE, ISSUED_STATE, issued.ofd,
                                   replica.session.now_ms())  # fmt: skip
    return issued


def _issued_already(replica: Replica, case_id: str) -> bool:
    return any(d.verdict == ISSUED_STATE for d in replica.case_documents.list(case_id))


class ResultSealer:
    """The `on_result` hook of a department's case desk: seal each result as it is reached."""

    def __init__(self, replica: Replica, *, seal: bytes, seal_signer: SealSigner, ledger_signer: Signer) -> None:
        """Hold the department's seal, its holder's key and the department's ledger key for this session."""
        self._replica = replica
        self._seal = seal
        self._seal_signer = seal_signer
        self._ledger_signer = ledger_signer
        self.issued: list[IssuedDocument] = []

    def __call__(self, case: CaseView, service: Service) -> IssuedDocument:
        """Issue the result of `case`; the holder comes from this office's own case record."""
        local = self._replica.cases.get(case.case_id)
        if local is None:
            raise IssueError(f"this office did not open case {case.case_id}: its holder is unknown here",
                             code="holder_unknown")  # fmt: skip
        issued = issue_case_result(
            self._replica, case, service, Holder(local.citizen_name, local.citizen_id),
            seal=self._seal, seal_signer=self._seal_signer, ledger_signer=self._ledger_signer,
        )  # fmt: skip
        self.issued.append(issued)
        return issued
