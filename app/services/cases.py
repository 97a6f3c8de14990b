"""Cases at the counter: open, verify documents, move through departments, decide, close, reject, withdraw.

    desk = CaseDesk(replica, catalogue)
    case = desk.open("banking-insurance.sme-loan", "王芳", "110101199001011245")
    desk.verify_documents(case.case_id, desk.check_documents(case.case_id, [qr_text, ...]))
    desk.advance(case.case_id)

Each transition is checked (state, role, department, replica freshness), signed as a `case.step`
entry for the log of the department that performs it, and written with the case row, the outbox
and the audit trail in one transaction. Entries arriving from sync go through `apply_case_step`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.catalogue import workflow
from app.catalogue.catalogue import Catalogue, Service
from app.catalogue.department_logs import origin_of
from app.catalogue.errors import StepOutOfOrder
from app.certs import Status, verify
from app.certs.claims import cert_hash, decode_claims
from app.certs.errors import CertError
from app.certs.holder import holder_matches, id_number_mistyped
from app.certs.transport import MAX_COSE, CertFormat, unwrap
from app.ledger import cose
from app.ledger.entry import Entry, sign_entry
from app.ledger.errors import LedgerError
from app.services.actors import authorised_key
from app.services.commitments import CitizenSalts
from app.services.errors import ApplicantMismatch, IdNumberMistyped, MissingCertificate, Refusal, UnknownCase
from app.store import inputs, ledger_cases, roles
from app.store.ledger_cases import CaseRow
from app.store.replica import Replica

_STORE_STATUS = {workflow.OPENED: "open", workflow.VERIFIED: "open", workflow.IN_PROGRESS: "in_progress"}
REASON_CODES = ("documents-insufficient", "not-eligible", "duplicate", "citizen-request", "other")


@dataclass(frozen=True)
class StepView:
    """One step entry of a case as this replica knows it."""

    leaf_hash: bytes
    origin: str
    index: int | None
    time_ms: int
    step: str
    state: str
    status: str
    explanation: str

    def to_json(self) -> dict[str, Any]:
        """Return the step as JSON-ready values."""
        return {
            "entry": self.leaf_hash.hex(),
            "log": self.origin,
            "index": self.index,
            "time_ms": self.time_ms,
            "step": self.step,
            "state": self.state,
            "status": self.status,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class CaseView:
    """A case's position, deadline and history."""

    case_id: str
    service: str
    state: str
    done: int
    pending_department: str | None
    is_open: bool
    head: bytes
    opened_ms: int
    updated_ms: int
    due_ms: int
    steps: tuple[StepView, ...] = field(default=())

    def overdue(self, now_ms: int) -> bool:
        """True if the case is still open past its time limit."""
        return self.is_open and now_ms > self.due_ms

    def to_json(self, now_ms: int | None = None) -> dict[str, Any]:
        """Return the case as JSON-ready values."""
        out = {
            "case_id": self.case_id,
            "service": self.service,
            "state": self.state,
            "steps_done": self.done,
            "pending_department": self.pending_department,
            "open": self.is_open,
            "head": self.head.hex(),
            "opened_ms": self.opened_ms,
            "updated_ms": self.updated_ms,
            "due_ms": self.due_ms,
            "history": [s.to_json() for s in self.steps],
        }
        if now_ms is not None:
            out["overdue"] = self.overdue(now_ms)
        return out


@dataclass(frozen=True)
class DocumentCheck:
    """The certificates shown for a case: which types are valid and the citizen's own, and what was refused.

    `certificates` holds (serial, type, hash) of each valid certificate, recorded with the case."""

    case_id: str
    valid_types: frozenset[str]
    cert_hashes: tuple[bytes, ...]
    problems: tuple[str, ...]
    certificates: tuple[tuple[str, str, bytes], ...] = ()
    names: tuple[str, ...] = ()
    eid_names: tuple[str, ...] = ()


def same_name(a: str, b: str) -> bool:
    """True if two names are the same once width and spaces are normalised (张 伟 = 张伟, Ｚｈａｎｇ = Zhang)."""

    def canonical(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return canonical(a) == canonical(b)


class CaseDesk:
    """The case work of one office replica, under one catalogue version."""

    def __init__(
        self, replica: Replica, catalogue: Catalogue, *, on_result: Callable[[CaseView, Service], object] | None = None
    ) -> None:
        self._r = replica
        self.catalogue = catalogue
        # Called once a case reaches its result (decided or rejected), after that step is written: at a
        # department's records office it seals the result (app.ofd.case_result.ResultSealer); a counter passes None.
        self.on_result = on_result
        self.salts = CitizenSalts(replica)

    # -- reading ---------------------------------------------------------------------------------

    def get(self, case_id: str, *, history: bool = True) -> CaseView:
        """Return a case, or raise UnknownCase."""
        self._r.require(roles.CASE_READ)
        case_id = inputs.text(case_id, "case id", max_len=64)
        row = ledger_cases.case(self._r.session, case_id)
        if row is None:
            raise UnknownCase(f"this replica knows no case {case_id!r}")
        steps: tuple[StepView, ...] = ()
        if history:
            rows = ledger_cases.steps_of(self._r.session, case_id)
            steps = tuple(StepView(*r[:8]) for r in _chain_order(rows))
        return _view(row, steps)

    def work_queue(self, department: str, limit: int = 50) -> list[CaseView]:
        """Return the open cases waiting for a department, the nearest deadline first."""
        self._r.require(roles.CASE_READ)
        rows = ledger_cases.queue(
            self._r.session,
            inputs.text(department, "department", max_len=64),
            inputs.integer(limit, "limit", minimum=1),
        )
        return [_view(r) for r in rows]

    def overdue(self, limit: int = 100) -> list[CaseView]:
        """Return the open cases past their time limit, the most overdue first (the SLA timer's flag)."""
        self._r.require(roles.CASE_READ)
        rows = ledger_cases.due_before(
            self._r.session, self._r.session.now_ms(), inputs.integer(limit, "limit", minimum=1)
        )
        return [_view(r) for r in rows]

    def list(self, *, open_only: bool = True, limit: int = 100) -> list[CaseView]:
        """Return the cases this replica knows, the most recently moved first."""
        self._r.require(roles.CASE_READ)
        rows = ledger_cases.recent(
            self._r.session, open_only=open_only, limit=inputs.integer(limit, "limit", minimum=1)
        )
        return [_view(r) for r in rows]

    def reached_result(
        self, services: Sequence[str], *, without_document: str, after: tuple[int, str] = (-1, ""), limit: int = 100
    ) -> list[CaseView]:
        """Cases of `services` that reached their result (decided, closed or rejected) and keep no document of
        verdict `without_document`, oldest move first, after the keyset `after` = (updated_ms, case_id)."""
        self._r.require(roles.CASE_READ)
        rows = ledger_cases.reached_result(
            self._r.session,
            [inputs.text(s, "service", max_len=64) for s in services],
            (workflow.DECIDED, workflow.CLOSED, workflow.REJECTED),
            inputs.text(without_document, "verdict", max_len=64),
            (
                inputs.integer(after[0], "after", minimum=-1),
                inputs.text(after[1], "after", max_len=64, allow_empty=True),
            ),
            inputs.integer(limit, "limit", minimum=1),
        )
        return [_view(r) for r in rows]

    # -- moving ----------------------------------------------------------------------------------

    def open(self, service_id: str, citizen_name: str, citizen_id: str, summary: str = "") -> CaseView:
        """Open a case for a citizen; only their keyed commitment goes on the ledger.

        Raises IdNumberMistyped for a resident ID number whose check character is wrong, before anything is signed."""
        self._r.require(roles.CASE_WRITE)
        service = self.catalogue.service(service_id)
        self._check_id_number(citizen_id)
        move = workflow.transition(service, None, workflow.OPEN)
        record = self._authorise(service, move)
        with self._r.transaction():
            holder = self.salts.commitment(citizen_id)
            local = self._r.cases.open(service.id, citizen_name, citizen_id, summary)
            body = {
                "case_id": local.case_ref,
                "service": service.id,
                "step": move.name,
                "state": move.to.state,
                "holder": holder,
                "note": f"catalogue {self.catalogue.version}",
            }
            row, step = self._write(service, local.case_ref, move, body, record, prev_row=None, holder=holder)
        return _view(row, (step,))

    def accept(
        self, service_id: str, citizen_name: str, citizen_id: str, texts: Sequence[str], summary: str = ""
    ) -> CaseView:
        """Accept an application at the counter (受理): check the applicant against their scanned e-ID and every
        certificate the service requires, then open the case and record the verified documents, in one go.

        Raises ApplicantMismatch (a name or ID number that is not the e-ID holder's, a certificate of someone else)
        or MissingCertificate (a required certificate not shown or not valid) before anything is signed."""
        self._r.require(roles.CASE_WRITE)
        service = self.catalogue.service(service_id)
        self._check_id_number(citizen_id)
        self._authorise(service, workflow.transition(service, None, workflow.OPEN))
        check = self.check_documents("", texts, citizen_id=citizen_id)
        if check.problems and any(p.endswith("issued to someone else") for p in check.problems):
            self._refused("-", workflow.OPEN, ApplicantMismatch.code)
            raise ApplicantMismatch(
                f"a certificate shown is not {citizen_name}'s: {'; '.join(check.problems)}", name=citizen_name
            )
        if "eid" in check.valid_types and not any(same_name(citizen_name, n) for n in check.eid_names):
            self._refused("-", workflow.OPEN, ApplicantMismatch.code)
            raise ApplicantMismatch(
                f"the name {citizen_name!r} is not the name on the scanned e-ID ({', '.join(check.eid_names)})",
                name=citizen_name,
                eid_name=", ".join(check.eid_names),
            )
        required = ["eid", *(t for t in service.requires if t != "eid")]
        missing = [t for t in required if t not in check.valid_types]
        if missing:
            detail = f"; refused: {'; '.join(check.problems)}" if check.problems else ""
            self._refused("-", workflow.OPEN, MissingCertificate.code)
            raise MissingCertificate(f"{service.id} needs {', '.join(missing)}{detail}", missing)
        with self._r.transaction():
            opened = self.open(service.id, citizen_name, citizen_id, summary)
            check = DocumentCheck(opened.case_id, check.valid_types, check.cert_hashes, (), check.certificates)
            return self.verify_documents(opened.case_id, check)

    def _check_id_number(self, citizen_id: str) -> None:
        """Refuse (audited, without the number) an ID number whose check character shows it was mistyped."""
        if id_number_mistyped(citizen_id):
            self._refused("-", workflow.OPEN, IdNumberMistyped.code)
            raise IdNumberMistyped("the ID number's check character is wrong: a character was mistyped or misread")

    def check_documents(self, case_id: str, texts: Sequence[str], *, citizen_id: str | None = None) -> DocumentCheck:
        """Verify the certificates shown (QR texts) and that each belongs to the case's citizen (or `citizen_id`,
        for a case not yet opened)."""
        self._r.require(roles.VERDICT)
        if citizen_id is None:
            local = self._r.cases.get(case_id)
            if local is None:
                raise UnknownCase(f"case {case_id!r} was not opened at this office: its documents are checked there")
            citizen_id = local.citizen_id
        types, hashes, problems = set(), [], []
        certificates: list[tuple[str, str, bytes]] = []
        names: list[str] = []
        eid_names: list[str] = []
        for text in texts:
            verdict = verify(inputs.text(text, "certificate", max_len=8192), office=self._r)
            if verdict.status is not Status.VALID or verdict.format != CertFormat.GOVDESK.value:
                problems.append(f"{verdict.claims.get('type', '?')}: {verdict.status.value} ({verdict.code})")
                continue
            try:
                cose_bytes = unwrap(text).cose
                claims = decode_claims(cose.decode_sign1(cose_bytes, max_size=MAX_COSE).payload, max_size=MAX_COSE)
            except (CertError, LedgerError) as exc:
                problems.append(f"unreadable: {exc}")
                continue
            if not holder_matches(citizen_id, claims.holder_salt, claims.holder_commitment):
                problems.append(f"{claims.cert_type.value}: issued to someone else")
                continue
            types.add(claims.cert_type.value)
            digest = cert_hash(cose_bytes)
            hashes.append(digest)
            certificates.append((claims.serial, claims.cert_type.value, digest))
            name = claims.display.get("name", "")
            names.append(name)
            if claims.cert_type.value == "eid":
                eid_names.append(name)
        if case_id:  # OFD e-licences attached to an opened case, valid and trusted: their SM3 digests go on the ledger
            hashes.extend(d.digest for d in self._r.case_documents.list(case_id) if d.verdict == "valid")
        return DocumentCheck(case_id, frozenset(types), tuple(hashes), tuple(problems), tuple(certificates),
                             tuple(names), tuple(eid_names))  # fmt: skip

    def verify_documents(self, case_id: str, check: DocumentCheck) -> CaseView:
        """Record that the service's required certificates were shown and verified, or raise MissingCertificate."""
        row, service = self._load(case_id)
        if check.case_id != row[0]:
            raise MissingCertificate(f"the document check was made for case {check.case_id!r}", list(service.requires))
        missing = [t for t in service.requires if t not in check.valid_types]
        if missing:
            detail = f"; refused: {'; '.join(check.problems)}" if check.problems else ""
            self._refused(case_id, workflow.VERIFY, "missing_certificate")
            raise MissingCertificate(f"{service.id} needs {', '.join(missing)}{detail}", missing)
        with self._r.transaction():
            view = self._move(row, service, workflow.VERIFY, refs=list(check.cert_hashes))
            if check.certificates and self._r.cases.get(case_id) is not None:
                self._r.cases.record_certificates(case_id, list(check.certificates))
        return view

    def advance(self, case_id: str, step: str | None = None) -> CaseView:
        """Perform the case's next catalogue step (or `step`, refused if it is not the next one)."""
        row, service = self._load(case_id)
        position = workflow.Position(row[2], row[3])
        if step is None:
            if position.state not in (workflow.VERIFIED, workflow.IN_PROGRESS) or position.done >= len(service.steps):
                step = "next-step"
            else:
                step = service.steps[position.done].id
        return self._move(row, service, step)

    def decide(self, case_id: str) -> CaseView:
        """Approve the case once every step is done (a supervisor of the lead department)."""
        row, service = self._load(case_id)
        return self._reached_result(self._move(row, service, workflow.DECIDE, note="approved"), service)

    def close(self, case_id: str) -> CaseView:
        """Close a decided case (the result was handed over)."""
        row, service = self._load(case_id)
        return self._move(row, service, workflow.CLOSE)

    def reject(self, case_id: str, reason: str) -> CaseView:
        """Reject the case with a reason code (never free text: it goes on the ledger)."""
        if reason not in REASON_CODES:
            raise Refusal(f"a rejection reason is one of {list(REASON_CODES)}")
        row, service = self._load(case_id)
        return self._reached_result(self._move(row, service, workflow.REJECT, note=reason), service)

    def withdraw(self, case_id: str) -> CaseView:
        """Withdraw the case at the citizen's request."""
        row, service = self._load(case_id)
        return self._move(row, service, workflow.WITHDRAW, note="citizen-request")

    # -- internals -------------------------------------------------------------------------------

    def _reached_result(self, view: CaseView, service: Service) -> CaseView:
        if self.on_result is not None:
            self.on_result(view, service)
        return view

    def _load(self, case_id: str) -> tuple[CaseRow, Service]:
        self._r.require(roles.CASE_WRITE)
        case_id = inputs.text(case_id, "case id", max_len=64)
        row = ledger_cases.case(self._r.session, case_id)
        if row is None:
            raise UnknownCase(f"this replica knows no case {case_id!r}")
        return row, self.catalogue.service(row[1])

    def _refused(self, case_id: str, step: str, code: str) -> None:
        self._r.audit.append("case.step", f"refused: {code}", {"case": case_id, "step": step})

    def _authorise(self, service: Service, move: workflow.Transition, case_id: str = "-"):
        try:
            record = authorised_key(self._r, self._r.account_signer, move.roles, move.department,
                                    service.max_staleness_ms, f"{service.id} {move.name!r}", move.name)  # fmt: skip
        except Refusal as exc:
            self._refused(case_id, move.name, exc.code)
            raise
        return record

    def _move(self, row: tuple, service: Service, name: str, *, refs: list[bytes] | None = None, note: str = ""):
        case_id = row[0]
        try:
            move = workflow.transition(service, workflow.Position(row[2], row[3]), name)
        except Refusal as exc:
            self._refused(case_id, name, exc.code)
            raise
        record = self._authorise(service, move, case_id)
        body: dict[str, Any] = {
            "case_id": case_id,
            "service": service.id,
            "step": move.name,
            "state": move.to.state,
            "prev": row[7],
        }
        if refs:
            body["refs"] = refs
        if note:
            body["note"] = note
        with self._r.transaction():
            row, _step = self._write(service, case_id, move, body, record, prev_row=row, holder=row[6])
        return _view(row)

    def _write(self, service, case_id, move, body, record, *, prev_row, holder) -> tuple[tuple, StepView]:
        """Sign the step, write it with the case row and the outbox (inside a transaction); return the new row."""
        s = self._r.session
        now = s.now_ms()
        origin = origin_of(move.department)
        # `record` is the registry record of this very signer (found by its key id); sign_entry checks they match.
        data = sign_entry(Entry(origin, "case.step", now, record.kid, body), self._r.account_signer)
        leaf = self._r.outbox.enqueue(origin, data)
        ledger_cases.insert_own_step(
            s, leaf, case_id, origin, now, move.name, move.to.state, body.get("prev"), record.kid, data
        )
        to = move.to
        pending = workflow.pending_department(service, to)
        if prev_row is None:
            row = CaseRow(case_id, service.id, to.state, to.done, pending, int(to.is_open), holder, leaf, now, now,
                          now + service.time_limit_ms)  # fmt: skip
            ledger_cases.insert_case(s, row)
        else:
            row = CaseRow(case_id, prev_row[1], to.state, to.done, pending, int(to.is_open), prev_row[6], leaf,
                          prev_row[8], now, prev_row[10])  # fmt: skip
            # Only the columns that change are set (see ledger_cases.update_case).
            changed: dict[str, object] = {"state": to.state, "done": to.done, "head": leaf, "updated_ms": now}
            if pending != prev_row[4]:
                changed["pending_department"] = pending
            if int(to.is_open) != prev_row[5]:
                changed["is_open"] = int(to.is_open)
            # Another process (the CLI beside the desk app) may have moved the case since it was read.
            if not ledger_cases.update_case(s, case_id, prev_row[7], changed):
                raise StepOutOfOrder(f"case {case_id!r} moved while {move.name!r} was prepared; look at it again")
            status = _STORE_STATUS.get(to.state, "closed")
            if status != _STORE_STATUS.get(prev_row[2], "closed"):
                # The local case record (only at the office that opened the case) follows, audited by the store.
                self._r.cases.move_status(case_id, status)
        # The signed step itself (case_steps and the outbox, in this transaction) is the record of a successful
        # transition; the audit trail records the refusals, and the store audits opening and status changes.
        return row, StepView(leaf, origin, None, now, move.name, to.state, "applied", "")


def _chain_order(rows: list[tuple]) -> list[tuple]:
    """Order step rows along their prev links (same-millisecond steps stay in chain order), the rest after."""
    children: dict[bytes | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[8], []).append(row)
    out, frontier = [], [None]
    while frontier:
        nxt = []
        for prev in frontier:
            for row in children.pop(prev, []):
                out.append(row)
                nxt.append(row[0])
        frontier = nxt
    return out + [row for rest in children.values() for row in rest]


def _view(row: tuple, steps: tuple[StepView, ...] = ()) -> CaseView:
    case_id, service, state, done, pending, is_open, _holder, head, opened, updated, due = row
    return CaseView(case_id, service, state, done, pending, bool(is_open), head, opened, updated, due, steps)
