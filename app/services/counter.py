"""The counter's rules, headless: who is the applicant at the window, what a search asks for, which step a case
waits for and whether this counter may perform it, and how far its workflow has got.

The counter UI and the `govdesk case` command call these same functions; nothing here imports Qt.

    at_counter = Applicant()
    outcome = at_counter.admit(verdict, qr_text)   # NEW_APPLICANT, SAME_APPLICANT, ADDED or OTHER_PERSON
    query = parse_query("110101199003071233")      # CaseQuery(kind="citizen_id", ...)
    move = next_move(service, position)            # the transition the case waits for, or None
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from app.catalogue import workflow
from app.catalogue.catalogue import Service
from app.catalogue.errors import StepOutOfOrder
from app.services.actors import enrolled_key, may_perform
from app.services.cases import CaseDesk, CaseView, same_name
from app.services.errors import Refusal
from app.store.replica import Replica

CASE_REF = re.compile(r"C[0-9A-F]{12}")
CERT_SERIAL = re.compile(r"[0-9A-F]{20}")
CITIZEN_ID = re.compile(r"\d{17}[\dX]")
MAX_QUERY = 256


@dataclass(frozen=True)
class CaseQuery:
    """What a search box text asks for: a case number, a certificate serial, a citizen's ID number or free text."""

    kind: str  # "case", "certificate", "citizen_id", "text" or "empty"
    value: str


def parse_query(text: str) -> CaseQuery:
    """Classify a search text (case numbers, serials and ID numbers in any case; free text as typed)."""
    query = text.strip()[:MAX_QUERY]
    key = query.upper()
    if not query:
        return CaseQuery("empty", "")
    if CASE_REF.fullmatch(key):
        return CaseQuery("case", key)
    if CERT_SERIAL.fullmatch(key):
        return CaseQuery("certificate", key)
    if CITIZEN_ID.fullmatch(key):
        return CaseQuery("citizen_id", key)
    return CaseQuery("text", query)


def next_move(service: Service, state: str, done: int) -> workflow.Transition | None:
    """Return the forward transition a case in `state` after `done` steps waits for (None once finished)."""
    moves = workflow.allowed_transitions(service, workflow.Position(state, done))
    forward = [m for m in moves if m.name not in (workflow.REJECT, workflow.WITHDRAW)]
    return forward[0] if forward else None


def blocker(replica: Replica, service: Service, move: workflow.Transition | None) -> Refusal | None:
    """Return the typed refusal this counter's account would get performing `move` (None: it may)."""
    if move is None:
        return None
    what = f"{service.id} {move.name!r}"
    try:
        record = enrolled_key(replica, replica.account_signer)
        may_perform(replica, record, move.roles, move.department, move.name, what)
    except Refusal as exc:
        return exc
    return None


def acceptance_blocker(replica: Replica, service: Service) -> Refusal | None:
    """Return why this counter cannot accept (open) a case of `service`, or None if it can."""
    return blocker(replica, service, workflow.transition(service, None, workflow.OPEN))


def perform_next(desk: CaseDesk, case_id: str, certificate_texts: Sequence[str] = ()) -> CaseView:
    """Perform the step the case waits for: verify the documents shown, the next catalogue step, decide or close."""
    view = desk.get(case_id, history=False)
    service = desk.catalogue.service(view.service)
    move = next_move(service, view.state, view.done)
    if move is None:
        raise StepOutOfOrder(f"case {case_id} is {view.state}: nothing more to do", case=case_id, state=view.state)
    if move.name == workflow.VERIFY:
        return desk.verify_documents(case_id, desk.check_documents(case_id, list(certificate_texts)))
    if move.name == workflow.DECIDE:
        return desk.decide(case_id)
    if move.name == workflow.CLOSE:
        return desk.close(case_id)
    return desk.advance(case_id, move.name)


class Mark(Enum):
    """How far a workflow step is: done, the one the case waits for, or later."""

    DONE = "done"
    NEXT = "next"
    LATER = "later"


@dataclass(frozen=True)
class StepProgress:
    """One step of a service's workflow with its mark."""

    step: str
    department: str
    mark: Mark


def workflow_steps(service: Service) -> list[tuple[str, str]]:
    """Return (step, department) of every step of the service's workflow, in order."""
    lead = service.lead
    return [
        (workflow.OPEN, lead),
        (workflow.VERIFY, lead),
        *((s.id, s.department) for s in service.steps),
        (workflow.DECIDE, lead),
        (workflow.CLOSE, lead),
    ]


def progress(service: Service, state: str | None, done: int = 0) -> list[StepProgress]:
    """Return the service's workflow steps marked for a case in `state` after `done` steps (None: not opened)."""
    order = workflow_steps(service)
    if state is None:
        count = 0
    else:
        count = {
            workflow.OPENED: 1,
            workflow.VERIFIED: 2,
            workflow.IN_PROGRESS: 2 + done,
            workflow.DECIDED: len(order) - 1,
            workflow.CLOSED: len(order),
        }.get(state, 2 + done)
    out = []
    for i, (step, department) in enumerate(order):
        if i < count:
            mark = Mark.DONE
        elif i == count and state is not None and state not in workflow.TERMINAL:
            mark = Mark.NEXT
        else:
            mark = Mark.LATER
        out.append(StepProgress(step, department, mark))
    return out


# -- the applicant at the window ---------------------------------------------------------------------------------


class Admission(Enum):
    """What a scanned certificate did to the applicant at the counter."""

    NEW_APPLICANT = "new_applicant"  # an e-ID of another person: everything of the previous applicant is cleared
    SAME_APPLICANT = "same_applicant"  # the applicant's e-ID (again)
    ADDED = "added"  # a certificate of the applicant
    OTHER_PERSON = "other_person"  # a certificate naming someone else: not taken into the application


@dataclass
class Document:
    """A certificate scanned for the applicant: its verdict and its QR text."""

    verdict: Any  # app.certs.Verdict
    text: str

    @property
    def cert_type(self) -> str:
        """The certificate type code ('eid', 'biz', ...) or '' when unreadable."""
        return str(self.verdict.claims.get("type", ""))

    @property
    def serial(self) -> str:
        """The certificate serial, or ''."""
        return str(self.verdict.claims.get("serial", ""))

    @property
    def holder_name(self) -> str:
        """The holder's name printed on the certificate, or ''."""
        return str(self.verdict.claims.get("display", {}).get("name", ""))


@dataclass
class Applicant:
    """One citizen at the window: their name (following their e-ID) and only the certificates scanned for them.

    A new citizen's e-ID clears everything of the previous one; a certificate naming another person is not taken.
    """

    name: str = ""
    documents: list[Document] = field(default_factory=list)

    @property
    def eid(self) -> Document | None:
        """The applicant's e-ID, if scanned."""
        found = [d for d in self.documents if d.cert_type == "eid"]
        return found[-1] if found else None

    def admit(self, verdict: Any, text: str) -> Admission:
        """Take a scanned certificate's verdict for this applicant, or start a new applicant with it."""
        document = Document(verdict, text)
        holder = document.holder_name
        if document.cert_type == "eid" and holder:
            current = self.eid
            if current is not None and not same_name(current.holder_name, holder):
                self.documents = [document]
                self.name = holder
                return Admission.NEW_APPLICANT
            if current is None and self.name and not same_name(self.name, holder) and self.documents:
                self.documents = [document]
                self.name = holder
                return Admission.NEW_APPLICANT
            self._replace(document)
            self.name = holder
            return Admission.SAME_APPLICANT if current is not None else Admission.ADDED
        if holder and self.name and not same_name(self.name, holder):
            return Admission.OTHER_PERSON
        self._replace(document)
        if holder and not self.name:
            self.name = holder
        return Admission.ADDED

    def _replace(self, document: Document) -> None:
        serial = document.serial
        if serial:
            self.documents = [d for d in self.documents if d.serial != serial]
        self.documents.append(document)

    def document_for(self, cert_type: str) -> Document | None:
        """The best scanned certificate of `cert_type`: the last valid one, else the last one, else None."""
        found = [d for d in self.documents if d.cert_type == cert_type]
        valid = [d for d in found if d.verdict.ok]
        return (valid or found or [None])[-1]

    def texts(self) -> list[str]:
        """The QR texts of the applicant's certificates, for the case."""
        return [d.text for d in self.documents if d.text]

    def missing(self, service: Service) -> list[str]:
        """The certificate types (the e-ID first) the service needs that no valid scanned certificate covers."""
        required = ["eid", *(t for t in service.requires if t != "eid")]
        return [t for t in required if (d := self.document_for(t)) is None or not d.verdict.ok]

    def clear(self) -> None:
        """Forget the applicant (the next citizen steps up)."""
        self.name = ""
        self.documents = []
