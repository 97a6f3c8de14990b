"""The one façade the counter app receives: an `Office` holding the sub-services each screen needs.

    office = Office(office_dir)
    account = office.session.unlock("li.na", password)     # on the database thread
    verdict = office.certs.verify(qr_text)                  # on the database thread
    case = office.cases.accept(service_id, name, id_number, qr_texts)   # signed case.steps into the outbox
    outcome = office.sync_log(origin, progress, cancel, on_db)  # app.sync, on a network thread
    office.events.on_fork(callback)                         # plain callbacks, any thread

Everything that touches the replica runs on the one thread that owns the database (STYLE point 6);
the UI sends it there through its single-worker executor. A Replica belongs to the thread that
opened it; sync runs one log per job on a network thread and hands the database thread only short
reads and one bounded transaction per batch (`on_db`), so verifying a certificate never waits for a
download, a stalled node or a whole sync. Nothing here imports Qt.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import httpx

from app import settings as settings_file
from app.catalogue import workflow
from app.catalogue.catalogue import Catalogue, Service, load_catalogue
from app.catalogue.department_logs import origin_of
from app.catalogue.errors import ServiceError
from app.certs import Verdict, verify
from app.certs.image_input import read_qr_text
from app.ledger.entry import SignedEntry, decode_entry
from app.ledger.errors import BadSignature, LedgerError
from app.ofd import counter as ofd_counter
from app.ofd import print_copy
from app.ofd.delivery import collect_results
from app.ofd.verdict import DocumentVerdict as OfdVerdict
from app.protocol.departments import all_departments
from app.protocol.device_key_file import DeviceKeyUnreadable, read_device_key
from app.protocol.hall_client import CounterHall, HallClient, HallUnavailable
from app.protocol.hall_evaluations import DayEvaluations
from app.protocol.hall_remediation import RemediationView
from app.protocol.hall_served import ServedCase
from app.protocol.policy import rating_office_refusal
from app.review import (
    DayReview,
    RefusedEntry,
    SignOff,
    compare,
    open_day,
    refused_entries,
    set_aside,
    sign_day,
    signer_names,
)
from app.review.refused_ratings import REFUSED_RESULT, RefusedRating, refused_rating_facts, refused_ratings
from app.review.remediation_callback import CallbackRecord, record_callback, remediation_callbacks
from app.scan import Scanner, make_decoder, open_source
from app.scan.imagefile import IMAGE_SUFFIXES
from app.services import CaseDesk, CaseView
from app.services import counter as counter_rules
from app.services.errors import Refusal
from app.services.rating_commitments import rating_commitment
from app.settings import Settings
from app.store import roles
from app.store.cases import Case
from app.store.errors import StoreError
from app.store.office_files import OfficeDir
from app.store.registry import KeyRecord
from app.store.replica import Replica, open_replica, system_clock
from app.store.session import Account, Clock
from app.store.sync_state import ClerkTask, ForkEvidence, fork_evidence, last_synced_ms, open_tasks, report_forks
from app.sync import NodeUnreachable, SyncProgress, SyncService, load_policy
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.progress import ProgressCallback
from app.sync.service import LogOutcome
from app.sync.transport import RetryPolicy, make_http_client
from app.trust_root_admin import TrustRootAdmin

# At the counter a node that does not answer is offline at once: one retry, short timeouts.
COUNTER_RETRY = RetryPolicy(attempts=2, base_s=0.2, cap_s=1.0, timeout_s=8.0)
# How long the network pool waits for a node's checkpoint before that log is skipped for this sync run.
REACH_TIMEOUT_S = 3.0
SYNC_BATCH_ENTRIES = 512  # one replica transaction per batch: short database-thread hold-ups
# The counter's SQLCipher page-cache ceiling, in KiB. The store's default (768 MiB) suits bulk work on a server-
# sized replica; a counter PC runs the GUI, the camera and a 128 MiB Argon2id unlock beside it. A verdict reads a
# few index paths, so a small cache keeps scan-to-verdict far inside its target (bench/ui.py measures both).
COUNTER_CACHE_KIB = 32 * 1024

__all__ = [
    "COUNTER_CACHE_KIB",
    "COUNTER_RETRY",
    "CaseFile",
    "CaseService",
    "CaseView",
    "CertService",
    "ClerkTask",
    "ForkEvidence",
    "NodeState",
    "NotUnlocked",
    "Office",
    "OfficeEvents",
    "OfficeStatus",
    "ScannerService",
    "ServiceDirectory",
    "SessionService",
    "SyncProgress",
]


def _libc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on a C library without it."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _libc_malloc_trim()


def return_freed_memory() -> None:
    """Hand heap memory that is free again (a closed replica's page cache) back to the OS, where the C library can.

    Without it glibc keeps the freed pages in its arenas, and the next unlock's 128 MiB Argon2id run peaks on top
    of them; a counter locks and unlocks many times a day.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class NotUnlocked(StoreError):
    """The office is locked: nobody has unlocked the replica in this session."""


@dataclass(frozen=True)
class NodeState:
    """Whether one department node answered lately."""

    origin: str
    online: bool
    detail: str = ""


@dataclass(frozen=True)
class OfficeStatus:
    """What the status bar shows: outbox count, the last sync, and the replica's age per log."""

    outbox_count: int
    last_sync_ms: int | None
    replica_age_ms: dict[str, int | None] = field(default_factory=dict)


class OfficeEvents:
    """Plain-callback hub for what happens outside the clerk's own actions (sync, nodes, forks, tasks).

    Publishers (sync, the node monitor) call `publish_*` from any thread; the UI's one adapter
    re-emits each callback as a Qt signal.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, list[Callable[[Any], None]]] = {}

    def _on(self, kind: str, callback: Callable[[Any], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.setdefault(kind, []).append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers.get(kind, []):
                    self._subscribers[kind].remove(callback)

        return unsubscribe

    def _publish(self, kind: str, value: object) -> None:
        with self._lock:
            callbacks = list(self._subscribers.get(kind, []))
        for callback in callbacks:
            callback(value)

    def on_node_state(self, callback: Callable[[NodeState], None]) -> Callable[[], None]:
        """Call `callback(NodeState)` when a node goes online or offline; returns an unsubscribe function."""
        return self._on("node", callback)

    def on_sync_progress(self, callback: Callable[[SyncProgress], None]) -> Callable[[], None]:
        """Call `callback(app.sync.SyncProgress)` as a sync run advances."""
        return self._on("sync", callback)

    def on_fork(self, callback: Callable[[ForkEvidence], None]) -> Callable[[], None]:
        """Call `callback(ForkEvidence)` when a log is caught presenting two histories."""
        return self._on("fork", callback)

    def on_task(self, callback: Callable[[ClerkTask], None]) -> Callable[[], None]:
        """Call `callback(ClerkTask)` when sync returns work for a clerk (a refusal or a conflict)."""
        return self._on("task", callback)

    def publish_node_state(self, state: NodeState) -> None:
        """Tell subscribers a node's state."""
        self._publish("node", state)

    def publish_sync_progress(self, progress: SyncProgress) -> None:
        """Tell subscribers how far sync has got."""
        self._publish("sync", progress)

    def publish_fork(self, evidence: ForkEvidence) -> None:
        """Raise the fork alarm."""
        self._publish("fork", evidence)

    def publish_task(self, task: ClerkTask) -> None:
        """Hand a clerk a task returned by sync."""
        self._publish("task", task)


class SessionService:
    """Unlock and lock the replica. Locking closes it, so the database key leaves the session."""

    def __init__(self, office: Office) -> None:
        self._office = office
        self.last_user: str | None = None

    @property
    def account(self) -> Account | None:
        """The acting account, or None while locked."""
        replica = self._office.replica_or_none
        return replica.account if replica is not None else None

    def unlock(self, user: str, password: str) -> Account:
        """Open the replica as `user` (raises a typed StoreError saying why not); return the account."""
        self.lock()
        office = self._office
        replica = open_replica(office.path, user, password, clock=office.clock, cache_kib=office.cache_kib)
        self._office.attach(replica)
        self.last_user = replica.account.name
        return replica.account

    def lock(self) -> None:
        """Close the replica and drop the key; unsaved work stays with the screens."""
        replica = self._office.detach()
        if replica is not None:
            replica.close()
            return_freed_memory()

    def may(self, operation: str) -> bool:
        """True if the acting account's role allows `operation` (False while locked)."""
        account = self.account
        return account is not None and roles.allowed(account.role, operation)


class CertService:
    """Verify certificates against the replica, offline."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def verify(self, text: str) -> Verdict:
        """Return the verdict on a certificate's QR text (the verdict is audited)."""
        return verify(text, office=self._office.replica)


class OfdService:
    """OFD e-licences at the counter: verify a file offline, see its ledger anchor, attach it to a case."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def verify(self, data: bytes) -> OfdVerdict:
        """Return the verdict on an OFD file's bytes (audited; the file itself is not kept)."""
        return ofd_counter.verify_at_office(self._office.replica, data)

    def anchor(self, data: bytes) -> ofd_counter.AnchorFact | None:
        """Return where a department's log anchors this exact file, if the replica holds it."""
        return ofd_counter.anchor_fact(self._office.replica, data)

    def attach(self, case_id: str, name: str, data: bytes, verdict: OfdVerdict) -> bytes:
        """Attach the file to a case, stored encrypted with its SM3 digest; return the digest."""
        return ofd_counter.attach_to_case(self._office.replica, case_id, name, data, verdict)

    def issued_result(self, case_id: str) -> tuple[str, bytes] | None:
        """The sealed result the lead department issued for a case, kept with it (name, bytes), or None."""
        return ofd_counter.issued_result(self._office.replica, case_id)

    def printed_copy(self, data: bytes, verdict: OfdVerdict) -> bytes:
        """The PDF of a printed copy (fields, seal picture, QR code naming the file) of a valid document."""
        return print_copy.printed_copy(data, verdict)


class ServiceDirectory:
    """The service catalogue (140 services of the 11 departments), loaded once, searchable in three ways."""

    def __init__(self) -> None:
        self._catalogue: Catalogue | None = None
        self._lock = threading.Lock()

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue, loaded and validated on first use (off the GUI thread)."""
        with self._lock:
            if self._catalogue is None:
                self._catalogue = load_catalogue()
            return self._catalogue

    def search(self, text: str, limit: int = 30) -> list[Service]:
        """Services matching Chinese, pinyin initials, pinyin or English text, best first."""
        return self.catalogue.search(text, limit)

    def service(self, service_id: str) -> Service:
        """The service with this id (raises UnknownService)."""
        return self.catalogue.service(service_id)


@dataclass(frozen=True)
class CaseFile:
    """A catalogue case as the counter shows it: its ledger view, its service, the citizen, and its next step.

    `next_move` is the transition the case waits for (None once finished); `blocker` is the typed refusal the
    acting account would get performing it here (None when it may). `certificates` are the (serial, type) of the
    certificates the case was accepted with.
    """

    view: CaseView
    service: Service
    citizen_name: str
    citizen_id: str
    summary: str
    next_move: workflow.Transition | None
    blocker: Refusal | None
    certificates: tuple[tuple[str, str], ...] = ()

    @property
    def case_id(self) -> str:
        """The case number."""
        return self.view.case_id


class CaseService:
    """Accept, verify, advance, decide, close and find the catalogue cases of this office (app.services' CaseDesk
    and the counter rules of app.services.counter, the same code the command line calls).

    Every move is a signed `case.step` entry queued in the outbox; the methods run on the database thread.
    """

    def __init__(self, office: Office) -> None:
        self._office = office

    def _desk(self) -> CaseDesk:
        if self._office.desk is None:
            raise NotUnlocked("the office is locked: log in first")
        return self._office.desk

    def file(self, view: CaseView, local: Case | None = None) -> CaseFile:
        """Return the case file of a ledger view: the citizen from the replica, the next step and who may do it."""
        desk = self._desk()
        replica = self._office.replica
        service = desk.catalogue.service(view.service)
        local = local or replica.cases.get(view.case_id)
        move = counter_rules.next_move(service, view.state, view.done)
        return CaseFile(
            view,
            service,
            local.citizen_name if local else "",
            local.citizen_id if local else "",
            local.summary if local else "",
            move,
            counter_rules.blocker(replica, service, move),
            tuple(replica.cases.certificates_of(view.case_id)) if local else (),
        )

    def get(self, case_id: str) -> CaseFile:
        """Return a case file with its history (raises UnknownCase)."""
        return self.file(self._desk().get(case_id))

    def served(self, case_id: str) -> ServedCase:
        """What the hall is told when the clerk finishes this case's ticket: its service, the lead department's log,
        the rating commitment (openable with the citizen's salt, `app/services/rating_commitments.py`), the clerk's
        key id and staff id; no personal data. Raises UnknownCase."""
        view = self._desk().get(case_id, history=False)
        service = self._desk().catalogue.service(view.service)
        replica = self._office.replica
        commitment, _openable = rating_commitment(replica, view.case_id)
        account = replica.account
        return ServedCase(service.id, origin_of(service.lead), commitment, account.kid, account.name)

    def forward_rating(self, data: bytes, hall_office: str) -> bytes:
        """Queue a signed `hall.rating` of this counter's hall (`hall_office`, the office id in its `GET /config`)
        for its department's log (outbox, then sync); return its leaf hash. Raises RatingNotForwarded with a plain
        reason for anything else: not a rating, another office's ticket, a signer that is not an active device of
        that department (a revocation by another department does not count), a signature that does not verify. A key
        the replica does not know that department to have enrolled (enrolled since the last sync) is left to the
        department's node, which checks the same and refuses with its reason."""
        try:
            signed = decode_entry(data)
        except LedgerError as exc:
            raise RatingNotForwarded("not_a_rating", f"not a signed ledger entry: {exc}") from None
        if signed.entry.type != RATING_ENTRY:
            raise RatingNotForwarded("not_a_rating", f"a {signed.entry.type} entry is not a rating")
        if signed.entry.log not in {d.origin for d in all_departments()}:
            raise RatingNotForwarded("not_a_rating", f"{signed.entry.log!r} is not a department's log")
        rated_office = signed.entry.body["office"]
        if rated_office != hall_office:
            raise RatingNotForwarded(
                "wrong_office", f"a rating of office {rated_office!r}'s ticket; this counter's hall is {hall_office!r}"
            )
        replica = self._office.replica
        signer = replica.registry.key(signed.kid, signed.entry.log)  # enrolled by the department of that log?
        if signer is not None:
            _check_rating_signer(signed, signer, replica.session.now_ms())
        return replica.outbox.enqueue(signed.entry.log, data)

    def forward_ratings(self, entries: list[bytes], hall_office: str) -> RatingsForwarded:
        """Queue every rating `forward_rating` accepts, in one transaction; the others are audited and reported."""
        replica = self._office.replica
        queued: list[bytes] = []
        refused: list[RatingNotForwarded] = []
        with replica.transaction():
            for data in entries:
                try:
                    queued.append(self.forward_rating(data, hall_office))
                except RatingNotForwarded as refusal:
                    refused.append(refusal)
                    detail = {"message": str(refusal)[:MAX_REFUSAL_MESSAGE], **refused_rating_facts(data, hall_office)}
                    replica.audit.append(RATING_ENTRY, f"{REFUSED_RESULT}{refusal.reason}", detail)
        return RatingsForwarded(tuple(queued), tuple(refused))

    def acceptance_blocker(self, service_id: str) -> Refusal | None:
        """Why this counter cannot accept a case of the service (None: it can, at its own or a window enrolment)."""
        desk = self._desk()
        return counter_rules.acceptance_blocker(self._office.replica, desk.catalogue.service(service_id))

    def accept(
        self, service_id: str, citizen_name: str, citizen_id: str, certificate_texts: list[str], summary: str = ""
    ) -> CaseFile:
        """Accept an application (受理): the applicant checked against the e-ID, the required certificates verified,
        the case opened and its documents recorded (signed steps into the outbox). Raises a typed Refusal."""
        return self.file(self._desk().accept(service_id, citizen_name, citizen_id, certificate_texts, summary))

    def next_step(self, case_id: str, certificate_texts: list[str] | tuple[str, ...] = ()) -> CaseFile:
        """Perform the step the case waits for: verify the documents shown, the next catalogue step, decide, close."""
        return self.file(counter_rules.perform_next(self._desk(), case_id, certificate_texts))

    def _files(self, cases: list[Case]) -> list[CaseFile]:
        desk, out = self._desk(), []
        for case in cases:
            try:
                out.append(self.file(desk.get(case.case_ref, history=False), case))
            except ServiceError:
                continue  # a store case of no catalogue service (opened before the catalogue landed)
        return out

    def find(self, query: str, limit: int = 50) -> list[CaseFile]:
        """Find cases by case number, certificate serial, citizen ID number or name."""
        parsed = counter_rules.parse_query(query)
        cases = self._office.replica.cases
        if parsed.kind == "empty":
            return []
        if parsed.kind == "case":
            found = cases.get(parsed.value)
            return self._files([found] if found else [])
        if parsed.kind == "citizen_id":
            return self._files(cases.search(citizen_id=parsed.value, limit=limit))
        if parsed.kind == "certificate":
            return self._by_serial(parsed.value, limit)
        return self._files(cases.search(parsed.value, limit=limit))

    def _by_serial(self, serial: str, limit: int) -> list[CaseFile]:
        cases = self._office.replica.cases
        found = [c for c in (cases.get(ref) for ref in cases.with_certificate(serial, limit)) if c is not None]
        return self._files(found)

    def find_by_certificate(self, verdict: Verdict, limit: int = 50) -> list[CaseFile]:
        """Find the cases that recorded this certificate, or (for an e-ID) carry its holder's name."""
        cases = self._office.replica.cases
        serial = verdict.claims.get("serial")
        found = self._by_serial(serial, limit) if serial else []
        name = verdict.claims.get("display", {}).get("name")
        if verdict.claims.get("type") == "eid" and name:
            known = {c.case_id for c in found}
            found += [f for f in self._files(cases.search(name, limit=limit)) if f.case_id not in known]
        return found

    def open_cases(self, limit: int = 200) -> list[CaseFile]:
        """Return the open catalogue cases this replica knows, the most recently moved first."""
        return [self.file(view) for view in self._desk().list(open_only=True, limit=limit)]


class ReviewService:
    """The supervisor's daily review of this office: open a day, compare it, sign it off (database thread)."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def now_ms(self) -> int:
        """The office clock's time, in epoch milliseconds: what a sign-off made now would cover up to."""
        return self._office.clock()

    def open_day(self, day: str) -> DayReview:
        """Open the review of one Beijing day (`YYYY-MM-DD`) from the unlocked replica."""
        return open_day(self._office.replica, day)

    def compare(self, day: str) -> dict[str, dict[str, float]]:
        """The day's figures against the days before it, as app.review compares them."""
        return compare(self._office.replica, day)

    def sign(self, review: DayReview, comments: dict[str, str]) -> SignOff:
        """Sign the reviewed day off with one acknowledgement comment per anomaly id (raises a typed ReviewError)."""
        return sign_day(self._office.replica, review, comments)

    def refused_entries(self) -> list[RefusedEntry]:
        """The outbox entries a node refused, open or set aside, oldest first."""
        return refused_entries(self._office.replica)

    def set_aside(self, leaf_hash: bytes) -> RefusedEntry:
        """Set a refused entry aside (supervisors; audited; raises NotRefused or PermissionDenied)."""
        return set_aside(self._office.replica, leaf_hash)

    def refused_ratings(self) -> list[RefusedRating]:
        """The hall's ratings this counter refused to pass on to a department, newest first (supervisors, admins)."""
        return refused_ratings(self._office.replica)

    def signer_names(self) -> dict[str, str]:
        """Whom each key id (hex) belongs to, to name the clerks of the hall's ratings (database thread)."""
        return signer_names(self._office.replica)

    def remediation_items(self) -> list[RemediationView] | None:
        """The hall's newest remediation items (整改), on a network thread; None when no hall is configured. Raises
        HallUnavailable, HallRefusal or HallKeyUnreadable."""
        hall = counter_hall(self._office.settings)
        if hall is None:
            return None
        try:
            return hall.client.remediation()
        finally:
            hall.client.close()

    def remediation_callbacks(self) -> dict[str, CallbackRecord]:
        """The call-backs this office recorded, by rating entry hash (database thread)."""
        return remediation_callbacks(self._office.replica)

    def record_callback(self, item: RemediationView, called_at_ms: int, outcome: str, resolved: bool) -> CallbackRecord:
        """Record a call-back as the acting supervisor, signed (database thread); then `send_callback` it."""
        return record_callback(self._office.replica, item, called_at_ms, outcome, resolved)

    def send_callback(self, record: CallbackRecord) -> None:
        """Tell the hall of a recorded call-back, which closes its item (network thread; safe to repeat)."""
        hall = counter_hall(self._office.settings)
        if hall is None:
            raise HallUnavailable("no hall is configured for this office")
        try:
            hall.client.record_callback(record.item, record.by, record.called_at_ms, record.outcome)
        finally:
            hall.client.close()

    def hall_evaluations(self, day: str) -> DayEvaluations | None:
        """The day's 好差评 and the overdue 整改 from the office's hall, on a network thread (never the database
        thread); None when no hall is configured. Raises HallUnavailable, HallRefusal or HallKeyUnreadable."""
        hall = counter_hall(self._office.settings)
        if hall is None:
            return None
        try:
            return hall.client.evaluations(day)
        finally:
            hall.client.close()


class ScannerService:
    """Make scanners for the configured camera source."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def open(self, source: str | None = None, *, realtime: bool = True) -> Scanner:
        """Return an unstarted Scanner on `source` (default: the configured camera); raises ScanError."""
        spec = source if source is not None else self._office.settings.camera_source
        return Scanner(open_source(spec), make_decoder(), realtime=realtime)

    def sample_images(self, source: str | None = None) -> list[Path]:
        """The images of a folder source (the demo's sample certificates), by name; [] for a camera, file or stream.

        A folder is not replayed as a camera: the clerk picks one sample and scans it when asked."""
        spec = (source if source is not None else self._office.settings.camera_source).strip()
        path = Path(spec).expanduser() if spec and not spec.isdigit() and "://" not in spec else None
        if path is None or not path.is_dir():
            return []
        return sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())

    def read_sample(self, path: Path) -> str:
        """The QR text of one sample image (raises app.certs' ImageInputError)."""
        return read_qr_text(path)


class RatingNotForwarded(Exception):
    """An entry handed to the counter as a rating is not a `hall.rating` of this hall's office, signed by an active
    device key of its department; `reason` says which: not_a_rating, wrong_office, not_a_device, bad_signature."""

    code = "rating_not_forwarded"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RatingsForwarded:
    """What the office did with a batch of ratings from the hall: the leaf hashes queued, the refusals."""

    queued: tuple[bytes, ...]
    refused: tuple[RatingNotForwarded, ...]


def _check_rating_signer(signed: SignedEntry, signer: KeyRecord, now_ms: int) -> None:
    """Refuse a rating whose signer (as the department of the rating's log enrolled it) may not sign it, or whose
    signature fails."""
    if signer.role != "device":
        raise RatingNotForwarded("not_a_device", f"key {signed.kid.hex()} is a {signer.role} key, not a device's")
    if signer.revoked_at_ms is not None and signer.revoked_at_ms <= now_ms:
        raise RatingNotForwarded("not_a_device", f"device key {signed.kid.hex()} was revoked")
    wrong_office = rating_office_refusal(signer.subject, signed.entry.type, signed.entry.body)
    if wrong_office is not None:
        raise RatingNotForwarded("wrong_office", wrong_office)
    try:
        if signed.sign1.suite.name != signer.suite:
            raise BadSignature(f"the key is enrolled as {signer.suite}, not {signed.sign1.suite.name}")
        signed.verify(signer.public_key)
    except BadSignature as exc:
        raise RatingNotForwarded("bad_signature", f"the rating's signature does not verify: {exc}") from None


RATING_ENTRY = "hall.rating"
MAX_REFUSAL_MESSAGE = 500


class HallKeyUnreadable(Exception):
    """The counter's hall key file (settings `hall_key_file`) is missing or not a key file of a known suite."""

    code = "hall_key_unreadable"


def counter_hall(settings: Settings) -> CounterHall | None:
    """Return this counter's window in the hall named by `settings` (None when no hall is set)."""
    if not settings.hall_url:
        return None
    try:
        signer = read_device_key(settings.hall_key_file)
    except DeviceKeyUnreadable as exc:
        raise HallKeyUnreadable(str(exc)) from None
    return CounterHall(HallClient(settings.hall_url, signer))


class Office:
    """One office machine: its directory, settings, events, and the services screens are given."""

    def __init__(self, path: str | Path, *, clock: Clock = system_clock, cache_kib: int = COUNTER_CACHE_KIB) -> None:
        self.path = Path(path)
        self.clock = clock
        self.cache_kib = cache_kib  # the replica's page-cache ceiling for this session
        self.info = OfficeDir(self.path).read_office()
        self.settings: Settings = settings_file.load(self.path)
        self._settings_lock = threading.Lock()
        self.events = OfficeEvents()
        self.session = SessionService(self)
        self.certs = CertService(self)
        self.ofd = OfdService(self)
        self.services = ServiceDirectory()
        self.cases = CaseService(self)
        self.scanner = ScannerService(self)
        self.reviews = ReviewService(self)
        self.trust_roots = TrustRootAdmin(lambda: self.replica)
        # The real app.sync.SyncService of the unlocked replica, built from its trust policy (None while locked
        # or while no trust policy is set). Use it on the database thread only.
        self.sync: SyncService | None = None
        self.desk: CaseDesk | None = None
        self._http: httpx.Client | None = None
        self._replica: Replica | None = None

    @property
    def name(self) -> str:
        """The office's name, readable before anyone unlocks."""
        return self.info.name

    @property
    def replica(self) -> Replica:
        """The unlocked replica; raises NotUnlocked while locked."""
        if self._replica is None:
            raise NotUnlocked("the office is locked: log in first")
        return self._replica

    @property
    def replica_or_none(self) -> Replica | None:
        """The unlocked replica, or None."""
        return self._replica

    def attach(self, replica: Replica) -> None:
        """Make `replica` the session's replica and build its sync service and case desk (database thread)."""
        self._replica = replica
        self.desk = CaseDesk(replica, self.services.catalogue)
        policy = load_policy(replica)
        if policy is not None:
            self._http = make_http_client(policy.tls, COUNTER_RETRY.timeout_s)
            self.sync = SyncService(
                replica,
                policy,
                retry=COUNTER_RETRY,
                http=self._http,
                on_fork=self.events.publish_fork,
                on_task=self.events.publish_task,
                batch_entries=SYNC_BATCH_ENTRIES,
            )

    def detach(self) -> Replica | None:
        """Forget the session's replica (and its sync service) and return it for closing."""
        if self.sync is not None:
            self.sync.close()
        self.sync, self.desk, self._http = None, None, None
        replica, self._replica = self._replica, None
        return replica

    def save_settings(self, updated: Settings, based_on: Settings | None = None) -> Settings:
        """Check and store new settings; node and trust changes need the admin role. With `based_on` (the settings
        the editor started from), only the fields the editor changed are applied over the current settings, so a
        change saved meanwhile (the language switch, another save) is never lost. Returns what was stored."""
        with self._settings_lock:
            current = self.settings
            if based_on is not None:
                changed = {f.name: getattr(updated, f.name) for f in fields(Settings)
                           if getattr(updated, f.name) != getattr(based_on, f.name)}  # fmt: skip
                updated = current.with_changes(**changed) if changed else current
            admin_only = (updated.nodes, updated.trust_policy) != (current.nodes, current.trust_policy)
            if admin_only:
                self.replica.require(roles.SETTINGS_WRITE)
            settings_file.save(self.path, updated)
            self.settings = updated
            return updated

    def sync_origins(self) -> list[str]:
        """The logs the trust policy follows, in order (empty while locked or without a policy)."""
        return [log.origin for log in self.sync.policy.logs] if self.sync is not None else []

    def reach_node(self, origin: str) -> NodeState:
        """Ask the log's node (then its mirrors) for its checkpoint, on the caller's (network) thread: no replica.

        The counter calls this before it gives the log a sync job, so a node that does not answer costs the network
        pool only this short timeout, not the sync retry budget."""
        sync, http = self.sync, self._http
        if sync is None or http is None:
            raise NotUnlocked("sync needs an unlocked office with a trust policy")
        trust = sync.policy.log(origin)
        if trust is None:
            raise KeyError(f"the trust policy has no log {origin!r}")
        problem = "no URL"
        for url in trust.urls:
            try:
                response = http.get(f"{url.rstrip('/')}/checkpoint", timeout=REACH_TIMEOUT_S)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}"
                continue
            if response.status_code == 200 and response.content.startswith(origin.encode()):
                return NodeState(origin, True)
            problem = f"HTTP {response.status_code}"
        state = NodeState(origin, False, problem)
        self.events.publish_node_state(state)
        return state

    def sync_log(
        self,
        origin: str,
        progress: ProgressCallback,
        cancel: threading.Event | None = None,
        on_db: DatabaseRunner = run_here,
    ) -> LogOutcome:
        """Push then pull one log with app.sync; tell subscribers whether its node answered.

        Call it on a network thread with `on_db` running work on the database thread (submissions, downloads and
        signature checks then stay off the database thread), or on the database thread without it."""
        sync = self.sync
        if sync is None:
            raise NotUnlocked("sync needs an unlocked office with a trust policy")
        trust = sync.policy.log(origin)
        if trust is None:
            raise KeyError(f"the trust policy has no log {origin!r}")
        one_log = SyncService(
            sync.replica,
            replace(sync.policy, logs=(trust,)),
            retry=sync.retry,
            http=self._http,
            on_fork=sync.on_fork,
            on_task=sync.on_task,
            batch_entries=sync.batch_entries,
        )

        def forward(step: SyncProgress) -> None:
            if step.phase != "done":  # the run's own end; the caller says when the whole sync ends
                progress(step)

        report = one_log.run(forward, cancel, on_db=on_db)
        outcome = report.logs[0] if report.logs else LogOutcome(origin)
        error = outcome.error
        client = one_log.node_client(origin) if error is None and outcome.pull is not None else None
        if client is not None:  # the log's anchors are in: fetch the sealed results of this office's cases it leads
            collect_results(sync.replica, self.services.catalogue, origin, client, on_db)
        self.events.publish_node_state(
            NodeState(origin, not isinstance(error, NodeUnreachable), "" if error is None else str(error))
        )
        return outcome

    def alarms(self) -> tuple[list[ForkEvidence], list[ClerkTask]]:
        """The fork evidence nobody acknowledged yet and the open clerk tasks, as sync left them (database thread)."""
        replica = self.replica
        return fork_evidence(replica, open_only=True), open_tasks(replica)

    def report_forks(self, evidence_ids: list[int]) -> None:
        """The clerk confirms the supervisor was told of these fork alarms: audited (database thread)."""
        report_forks(self.replica, evidence_ids)

    def status(self) -> OfficeStatus:
        """Return the outbox count, the last sync and the replica's age per configured log (database thread)."""
        replica = self.replica
        now = self.clock()
        origins = {n.origin for n in self.settings.nodes} | set(replica.logs.checkpoint_sizes())
        ages = {origin: replica.logs.age_ms(origin, now) for origin in sorted(origins)}
        return OfficeStatus(replica.outbox.count_pending(), last_synced_ms(replica), ages)

    def close(self) -> None:
        """Lock the office (closing the replica)."""
        self.session.lock()
