"""The one façade the counter app receives: an `Office` holding the sub-services each screen needs.

    office = Office(office_dir)
    account = office.session.unlock("li.na", password)     # on the database thread
    verdict = office.certs.verify(qr_text)                  # on the database thread
    office.events.on_fork(callback)                         # plain callbacks, any thread

Everything that touches the replica runs on the one thread that owns the database (STYLE point 6);
the UI sends it there through its single-worker executor. Nothing here imports Qt.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import settings as settings_file
from app.certs import Verdict, verify
from app.scan import Scanner, make_decoder, open_source
from app.settings import Settings
from app.store import roles
from app.store.cases import STATUSES, Case
from app.store.errors import InvalidInput, StoreError
from app.store.office_files import OfficeDir
from app.store.replica import Replica, open_replica, system_clock
from app.store.session import Account, Clock

CASE_REF = re.compile(r"C[0-9A-F]{12}")
CERT_SERIAL = re.compile(r"[0-9A-F]{20}")
CITIZEN_ID = re.compile(r"\d{17}[\dX]")
# A case moves forward along this path; "waiting" is a side state (waiting for the citizen or a department).
CASE_FLOW = {"open": "in_progress", "in_progress": "closed", "waiting": "in_progress"}


class NotUnlocked(StoreError):
    """The office is locked: nobody has unlocked the replica in this session."""


@dataclass(frozen=True)
class NodeState:
    """Whether one department node answered lately."""

    origin: str
    online: bool
    detail: str = ""


@dataclass(frozen=True)
class SyncProgress:
    """How far a sync run has got; `done == total` when finished."""

    origin: str
    done: int
    total: int
    finished: bool = False
    cancelled: bool = False
    error: str = ""


@dataclass(frozen=True)
class ForkAlarm:
    """Two checkpoints of one log that cannot both be true: evidence kept, the log no longer trusted."""

    origin: str
    size: int
    message: str


@dataclass(frozen=True)
class WorkTask:
    """Work returned by sync for a clerk: a conflict or a refusal, with its explanation."""

    kind: str
    case_ref: str
    explanation: str


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
        """Call `callback(SyncProgress)` as a sync run advances."""
        return self._on("sync", callback)

    def on_fork(self, callback: Callable[[ForkAlarm], None]) -> Callable[[], None]:
        """Call `callback(ForkAlarm)` when a log is caught presenting two histories."""
        return self._on("fork", callback)

    def on_task(self, callback: Callable[[WorkTask], None]) -> Callable[[], None]:
        """Call `callback(WorkTask)` when sync returns work for a clerk."""
        return self._on("task", callback)

    def publish_node_state(self, state: NodeState) -> None:
        """Tell subscribers a node's state."""
        self._publish("node", state)

    def publish_sync_progress(self, progress: SyncProgress) -> None:
        """Tell subscribers how far sync has got."""
        self._publish("sync", progress)

    def publish_fork(self, alarm: ForkAlarm) -> None:
        """Raise the fork alarm."""
        self._publish("fork", alarm)

    def publish_task(self, task: WorkTask) -> None:
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
        replica = open_replica(self._office.path, user, password, clock=self._office.clock)
        self._office.attach(replica)
        self.last_user = replica.account.name
        return replica.account

    def lock(self) -> None:
        """Close the replica and drop the key; unsaved work stays with the screens."""
        replica = self._office.detach()
        if replica is not None:
            replica.close()

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


class CaseService:
    """Open, advance, find and list the cases of this office."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def open(self, service: str, citizen_name: str, citizen_id: str, summary: str = "") -> Case:
        """Open a case for a citizen."""
        return self._office.replica.cases.open(service, citizen_name, citizen_id, summary)

    def advance(self, case_ref: str) -> Case:
        """Move a case one step along open -> in progress -> closed."""
        case = self._office.replica.cases.get(case_ref)
        if case is None:
            raise InvalidInput(f"no case {case_ref!r}")
        following = CASE_FLOW.get(case.status)
        if following is None:
            raise InvalidInput(f"case {case_ref} is {case.status} and cannot move on")
        return self._office.replica.cases.set_status(case_ref, following)

    def set_status(self, case_ref: str, status: str) -> Case:
        """Put a case in a given status (one of app.store.cases.STATUSES)."""
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {list(STATUSES)}")
        return self._office.replica.cases.set_status(case_ref, status)

    def find(self, query: str, limit: int = 50) -> list[Case]:
        """Find cases by case number, certificate serial, citizen ID number or name."""
        query = query.strip()
        key = query.upper()
        if not query:
            return []
        cases = self._office.replica.cases
        if CASE_REF.fullmatch(key):
            found = cases.get(key)
            return [found] if found else []
        if CITIZEN_ID.fullmatch(key):
            return cases.search(citizen_id=key, limit=limit)
        return cases.search(key if CERT_SERIAL.fullmatch(key) else query, limit=limit)

    def find_by_certificate(self, verdict: Verdict, limit: int = 50) -> list[Case]:
        """Find the cases that recorded this certificate's serial, or (for an e-ID) carry its holder's name."""
        serial = verdict.claims.get("serial")
        found = self._office.replica.cases.search(serial, limit=limit) if serial else []
        name = verdict.claims.get("display", {}).get("name")
        if verdict.claims.get("type") == "eid" and name:
            known = {c.case_ref for c in found}
            found += [c for c in self._office.replica.cases.search(name, limit=limit) if c.case_ref not in known]
        return found

    def open_cases(self, limit: int = 200) -> list[Case]:
        """Return the cases not yet closed, newest first."""
        return [c for c in self._office.replica.cases.search(limit=limit * 2) if c.status != "closed"][:limit]


class ScannerService:
    """Make scanners for the configured camera source."""

    def __init__(self, office: Office) -> None:
        self._office = office

    def open(self, source: str | None = None, *, realtime: bool = True) -> Scanner:
        """Return an unstarted Scanner on `source` (default: the configured camera); raises ScanError."""
        spec = source if source is not None else self._office.settings.camera_source
        return Scanner(open_source(spec), make_decoder(), realtime=realtime)


class Office:
    """One office machine: its directory, settings, events, and the services screens are given."""

    def __init__(self, path: str | Path, *, clock: Clock = system_clock) -> None:
        self.path = Path(path)
        self.clock = clock
        self.info = OfficeDir(self.path).read_office()
        self.settings: Settings = settings_file.load(self.path)
        self.events = OfficeEvents()
        self.session = SessionService(self)
        self.certs = CertService(self)
        self.cases = CaseService(self)
        self.scanner = ScannerService(self)
        # app/sync fills this in once it exists: an object with `run(progress, cancel)`; until then, None.
        self.sync: Any = None
        self.last_sync_ms: int | None = None
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
        """Make `replica` the session's replica (SessionService.unlock calls this)."""
        self._replica = replica

    def detach(self) -> Replica | None:
        """Forget the session's replica and return it for closing."""
        replica, self._replica = self._replica, None
        return replica

    def save_settings(self, updated: Settings) -> None:
        """Check and store new settings; node and trust changes need the admin role."""
        admin_only = (updated.nodes, updated.trust_policy) != (self.settings.nodes, self.settings.trust_policy)
        if admin_only:
            self.replica.require(roles.SETTINGS_WRITE)
        settings_file.save(self.path, updated)
        self.settings = updated

    def status(self) -> OfficeStatus:
        """Return the outbox count and the replica's age per configured log (database thread)."""
        replica = self.replica
        now = self.clock()
        origins = {n.origin for n in self.settings.nodes} | set(replica.logs.checkpoint_sizes())
        ages = {origin: replica.logs.age_ms(origin, now) for origin in sorted(origins)}
        return OfficeStatus(replica.outbox.count_pending(), self.last_sync_ms, ages)

    def close(self) -> None:
        """Lock the office (closing the replica)."""
        self.session.lock()
