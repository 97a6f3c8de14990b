"""Running sync: one run over every log of the trust policy (push, then pull), and a background schedule.

    service = SyncService(replica, policy)
    report = service.run(progress_callback, cancel_event)      # on the thread that owns the replica
    report = service.run(progress_callback, cancel_event, on_db=run_on_db_thread)  # on a network thread

With `on_db` the network work runs on the caller's thread: the pull's downloads and signature checks
(app/sync/pull.py) and the push's submissions, wait for publication and inclusion proofs
(app/sync/push.py, app/sync/anchor.py). Only replica reads, bounded apply transactions, signing of the
office's own anchor and the stored acknowledgements go to the database thread, one short job each.

`run` never raises for one log's failure: each log's outcome is in the report, so one unreachable or
forked department does not stop the others. `report.exit_status` is what `govdesk sync` returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.protocol.node_client import NodeClient
from app.store import sync_state
from app.store.replica import Replica
from app.sync.anchor import anchor_log, push_anchor
from app.sync.checkpoints import ForkCallback
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.errors import Cancelled, ForkDetected, InsecureNodeUrl, SyncError
from app.sync.progress import ProgressCallback, SyncProgress, ignore_progress
from app.sync.pull import LogPuller, PullReport, TaskCallback
from app.sync.push import LogPusher, PushReport, outbox_origins
from app.sync.transport import DEFAULT_RETRY, NodeLink, RetryPolicy, insecure_urls, make_http_client
from app.sync.trust import LogTrust, TrustPolicy

EXIT_OK, EXIT_VERIFICATION, EXIT_UNREACHABLE, EXIT_CANCELLED, EXIT_GAVE_UP = 0, 1, 3, 4, 5


@dataclass
class LogOutcome:
    """What a run did for one log."""

    origin: str
    push: PushReport | None = None
    pull: PullReport | None = None
    error: SyncError | None = None


@dataclass
class SyncReport:
    """What a whole run did."""

    logs: list[LogOutcome] = field(default_factory=list)
    cancelled: bool = False
    unconfigured: list[str] = field(default_factory=list)

    @property
    def forks(self) -> list[LogOutcome]:
        """Logs where a fork was detected in this run."""
        return [o for o in self.logs if isinstance(o.error, ForkDetected)]

    @property
    def exit_status(self) -> int:
        """0 all is well; 1 a fork or a verification failure; 3 a node unreachable; 4 cancelled; 5 gave up.

        "Gave up" means outbox entries still wait: the node kept answering "retry later" through every retry,
        or no node is configured for their log.
        """
        if any(o.error is not None and o.error.verification for o in self.logs):
            return EXIT_VERIFICATION
        if self.cancelled:
            return EXIT_CANCELLED
        if any(o.error is not None for o in self.logs):
            return EXIT_UNREACHABLE
        if self.unconfigured or any(o.push is not None and o.push.gave_up for o in self.logs):
            return EXIT_GAVE_UP
        return EXIT_OK

    def waiting(self) -> list[str]:
        """One line per log whose outbox entries this run gave up on, saying how many still wait and why."""
        lines = []
        for o in self.logs:
            if o.push is not None and o.push.gave_up:
                answers = ", ".join(o.push.last_answers)
                lines.append(
                    f"{o.origin}: {o.push.waiting} entries still wait in the outbox (the node answered {answers} "
                    "through every retry; the next sync sends them again)"
                )
            elif o.error is not None and o.push is None and o.pull is None:
                lines.append(f"{o.origin}: not synced ({type(o.error).__name__}); its outbox entries still wait")
        lines += [f"{origin}: outbox entries wait, but no node is configured for it" for origin in self.unconfigured]
        return lines

    def summary(self) -> list[str]:
        """One line per log, for the command line."""
        lines = []
        for o in self.logs:
            parts = []
            if o.push is not None and o.push.pending:
                parts.append(f"pushed {o.push.acknowledged}/{o.push.pending}, refused {o.push.refused}")
                if o.push.gave_up:
                    parts.append(f"GAVE UP on {o.push.waiting} (node answered {', '.join(o.push.last_answers)})")
            if o.push is not None and o.push.waiting_for_enrolment:
                parts.append(f"{o.push.waiting_for_enrolment} waiting for the enrolment of a new key")
            if o.pull is not None:
                p = o.pull
                parts.append(
                    f"size {p.size_before}->{p.size_after}, verified {p.verified}, kept {p.kept}, "
                    f"registry {p.registry_changes}, revocations {p.revocations}, tasks {p.tasks}, {p.bytes} bytes"
                )
            if o.error is not None:
                parts.append(f"ERROR {type(o.error).__name__}: {o.error}")
            lines.append(f"{o.origin}: " + "; ".join(parts or ["nothing to do"]))
        lines += [f"{origin}: outbox entries wait, but no node is configured for it" for origin in self.unconfigured]
        return lines


class SyncService:
    """Sync one replica with the nodes of its trust policy. Use it on the thread that owns the replica."""

    def __init__(
        self,
        replica: Replica,
        policy: TrustPolicy,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        http: httpx.Client | None = None,
        on_fork: ForkCallback | None = None,
        on_task: TaskCallback | None = None,
        batch_entries: int | None = None,
        publish_timeout_s: float = 30.0,
    ) -> None:
        self.replica = replica
        self.policy = policy
        self.retry = retry
        self._http = http or make_http_client(policy.tls, retry.timeout_s)
        self.on_fork = on_fork
        self.on_task = on_task
        self.batch_entries = batch_entries
        self.publish_timeout_s = publish_timeout_s

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def link(self, origin: str, cancel: threading.Event | None = None) -> NodeLink:
        """Return a link to the node (and mirrors) of one log of the policy."""
        trust = self.policy.log(origin)
        if trust is None:
            raise KeyError(f"the trust policy has no log {origin!r}")
        plain = insecure_urls((*trust.urls, *trust.read_urls), self.policy.tls)
        if plain:
            raise InsecureNodeUrl(
                f"{origin}: refusing {', '.join(plain)}: TLS pins are configured, but the URL is plain http:// "
                "(its key cannot be checked); use the node's https:// URL"
            )
        return NodeLink(
            origin,
            trust.urls,
            self._http,
            self.replica.device_signer,
            clock=self.replica.session.now_ms,
            retry=self.retry,
            cancel=cancel,
            read_urls=trust.read_urls,
        )

    def node_client(self, origin: str) -> NodeClient | None:
        """A client of the log's node signing with this office's device key, over the pinned connections (None: the
        policy has no URL for the log, or only plain http:// ones while pins are configured)."""
        trust = self.policy.log(origin)
        if trust is None or not trust.urls or insecure_urls(trust.urls, self.policy.tls):
            return None
        return NodeClient(trust.urls[0], key=self.replica.device_signer, http=self._http)

    def run(
        self,
        progress: ProgressCallback = ignore_progress,
        cancel: threading.Event | None = None,
        *,
        push: bool = True,
        pull: bool = True,
        on_db: DatabaseRunner = run_here,
    ) -> SyncReport:
        """Push the outbox, then pull every log; report per log (a failure in one does not stop the others).

        Call it on the thread that owns the replica, or on another thread with `on_db` running work there."""
        cancel = cancel or threading.Event()
        report = SyncReport()
        configured = {log.origin for log in self.policy.logs}
        report.unconfigured = sorted(set(on_db(lambda: outbox_origins(self.replica))) - configured)
        max_skew_ms = self.policy.max_clock_skew_s * 1000
        for trust in self.policy.logs:
            outcome = LogOutcome(trust.origin)
            report.logs.append(outcome)
            try:
                link = self.link(trust.origin, cancel)
            except InsecureNodeUrl as exc:
                outcome.error = exc
                progress(SyncProgress(trust.origin, "pull", 0, 0, error=str(exc)))
                continue
            kwargs: dict[str, Any] = {
                "max_skew_ms": max_skew_ms,
                "progress": progress,
                "on_fork": self.on_fork,
                "on_task": self.on_task,
            }
            try:
                if push:
                    outcome.push = self._push(trust, link, kwargs, on_db)
                if pull:
                    extra = {"batch_entries": self.batch_entries} if self.batch_entries else {}
                    outcome.pull = LogPuller(self.replica, trust, link, **kwargs, **extra, on_db=on_db).run()
            except Cancelled as exc:
                outcome.error = exc
                report.cancelled = True
                progress(SyncProgress(trust.origin, "pull", 0, 0, cancelled=True))
                break
            except SyncError as exc:
                outcome.error = exc
                progress(SyncProgress(trust.origin, "pull", 0, 0, error=str(exc)))
        if not report.cancelled:
            progress(SyncProgress("", "done", len(report.logs), len(report.logs), finished=True))
        on_db(lambda: self.replica.audit.append(
            "sync.run", "ok" if report.exit_status == EXIT_OK else f"exit {report.exit_status}",
            {"logs": len(report.logs), "errors": sum(o.error is not None for o in report.logs)},
        ))  # fmt: skip
        return report

    def _push(self, trust: LogTrust, link: NodeLink, kwargs: dict[str, Any], on_db: DatabaseRunner) -> PushReport:
        """Push one log's outbox (and the office's anchor, on the anchor log); the replica is used through `on_db`."""
        pusher = LogPusher(self.replica, trust, link, publish_timeout_s=self.publish_timeout_s, **kwargs, on_db=on_db)
        pushed = pusher.run()
        origins = [log.origin for log in self.policy.logs]
        if trust.origin == on_db(lambda: anchor_log(self.replica, origins)):
            push_anchor(self.replica, trust.origin, link, on_db)
        return pushed

    def open_tasks(self) -> list[sync_state.ClerkTask]:
        """The clerk tasks sync has returned and nobody closed yet."""
        return sync_state.open_tasks(self.replica)


class Scheduler:
    """Run a sync job every `interval_s` and on demand, in a thread the scheduler owns; cancellable.

    The job receives the cancel event and runs in the scheduler's thread, so it must open (or own) the
    replica it uses there: a Replica belongs to the thread that opened it.
    """

    def __init__(self, job: Callable[[threading.Event], object], interval_s: float) -> None:
        self._job = job
        self.interval_s = interval_s
        self.cancel = threading.Event()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.last_error: BaseException | None = None

    def start(self) -> None:
        """Start the schedule (the first run starts at once)."""
        self._thread = threading.Thread(target=self._loop, name="sync-scheduler", daemon=True)
        self._thread.start()

    def run_now(self) -> None:
        """Ask for a run as soon as the current one (if any) ends."""
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Cancel the running job at its next safe point and end the schedule."""
        self._stop.set()
        self.cancel.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.cancel.clear()
            try:
                self._job(self.cancel)
            except Exception as exc:  # the schedule goes on; the job's own report tells the user
                self.last_error = exc
            self.runs += 1
            started = time.monotonic()
            while not self._stop.is_set() and time.monotonic() - started < self.interval_s:
                if self._wake.wait(min(0.5, self.interval_s)):
                    self._wake.clear()
                    break
