"""Anchor the office's audit trail on its department's log, and notice an office restored from an old copy.

At each sync, after the outbox of the department log the office's device is enrolled with, the office
signs an `audit.anchor` entry with its device key: the number of audit records and the chain hash of the
newest one (no names, no actions), plus the entry hash of the previous anchor. The department sequences
it like any other entry, so a local trail that was later cut short or rewritten no longer reaches the
anchored head: `trail_problems` says so in plain words (`govdesk office check`, the review's integrity
panel). Records written since the last sync are anchored at the next one: that window is how long the
office was offline (`anchor_window_ms`), and the review shows it.

Pulling the log, an entry signed by one of this office's own keys that the replica does not hold means the
replica is older than the office's own work: the whole office (replica.db with head.slots) was restored
from a copy. Sync then raises an integrity task, records it in the audit trail, and folds the office's own
case steps back in so the cases reappear (the citizen's name and ID number never went on the ledger: the
clerk re-enters them from the file).
"""

from __future__ import annotations

from dataclasses import replace

from app.ledger.entry import Entry, SignedEntry, sign_entry
from app.ledger.merkle import hash_leaf
from app.protocol.node_client import SubmitResult
from app.store import sync_state
from app.store.anchors import Anchor, anchor_problems
from app.store.replica import Replica
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.errors import Cancelled, SyncError
from app.sync.transport import NodeLink

ANCHOR_TYPE = "audit.anchor"
REQUEST_TYPE = "registry.request"
RESTORED_CODE = "office_restored"
TRAIL_CUT_CODE = "audit_trail_disagrees"
RESTORED_WHAT = (
    "the department log holds {count} entries signed by this office's own keys that this replica does not: "
    "this replica is an older copy of the office (restored from a backup or replaced)"
)
RESTORED_ADVICE = (
    "Tell the supervisor at once. The office's case steps found on the log were folded back in; re-enter the "
    "citizens' details from the paper files, and keep the replaced files as evidence."
)
TRAIL_ADVICE = "Tell the supervisor at once and keep this machine as it is: the local audit trail was altered."


def trail_problems(replica: Replica) -> list[str]:
    """Return, in plain words, every way the local audit trail disagrees with its anchors on the department log."""
    return anchor_problems(replica.anchors, replica.audit.head_seq)


def anchor_log(replica: Replica, origins: list[str]) -> str | None:
    """Return the log the office anchors on: the first of `origins` (the trust policy's order) whose department
    enrolled this office's device, or None while no department has."""
    enrolled = replica.anchors.device_logs()
    return next((origin for origin in origins if origin in enrolled), None)


def push_anchor(replica: Replica, origin: str, link: NodeLink, on_db: DatabaseRunner = run_here) -> Anchor | None:
    """Send the audit-trail head (and any enrolment requests) to `origin`, the office's anchor log, if the trail
    grew since the last anchor; return the anchor sent, or None.

    The replica is read and written through `on_db`; the submissions run on the caller's (network) thread."""
    _push_enrolment_requests(replica, origin, link, on_db)
    prepared = on_db(lambda: _prepare_anchor(replica, origin))
    if prepared is None:
        return None
    anchor, data = prepared
    try:
        result = link.submit([data])[0]
    except Cancelled:
        raise
    except SyncError as exc:  # the anchor waits for the next sync; the log's own push and pull go on
        outcome = f"not sent: {exc}"[:1000]
        on_db(lambda: replica.audit.append("audit.anchor", outcome, {"log": origin, "count": anchor.audit_count}))
        return None

    def record() -> None:
        with replica.transaction():
            if result.ok and result.index is not None:
                replica.anchors.sequenced(anchor.leaf_hash, result.index)
            replica.audit.append(
                "audit.anchor", "ok" if result.ok else f"refused: {result.code}",
                {"log": origin, "count": anchor.audit_count},
            )  # fmt: skip

    on_db(record)
    return replace(anchor, index=result.index) if result.ok else None


def _prepare_anchor(replica: Replica, origin: str) -> tuple[Anchor, bytes] | None:
    """Sign and remember the anchor to send (database thread); None if there is nothing new or the trail is cut."""
    problems = trail_problems(replica)
    if problems:
        # Never anchor a trail that disagrees with the department log: that would bless the cut. Raise the alarm.
        latest = replica.anchors.latest()
        with replica.transaction():
            new = sync_state.add_task(replica, latest.leaf_hash if latest else bytes(32), origin, "integrity",
                                 TRAIL_CUT_CODE, None, problems[0], TRAIL_ADVICE)  # fmt: skip
            if new:
                replica.audit.append("sync.audit_trail_disagrees", "alarm", {"log": origin})
        return None
    count, head = replica.audit.head_seq, replica.audit.head_hash
    latest = replica.anchors.latest()
    if latest is not None and latest.audit_count >= count:
        return None  # nothing new (a trail shorter than its anchor is reported by trail_problems)
    now = replica.session.now_ms()
    body: dict[str, object] = {"office": replica.info.office_id, "count": count, "head": head}
    if latest is not None:
        body["prev"] = latest.leaf_hash
    data = sign_entry(Entry(origin, ANCHOR_TYPE, now, replica.device_kid, body), replica.device_signer)
    anchor = Anchor(hash_leaf(data), origin, None, now, count, head)
    # Remembered before it is sent: an answer lost on the way must not make the pull take our own anchor for a
    # stranger's (the restored-office alarm). An anchor the node refused still states the trail as it was.
    with replica.transaction():
        replica.anchors.put(anchor)
    return anchor, data


def _push_enrolment_requests(replica: Replica, origin: str, link: NodeLink, on_db: DatabaseRunner) -> None:
    for kid, account, role, replaces, _requested in on_db(replica.anchors.pending_requests):
        data = on_db(lambda kid=kid, account=account, role=role, replaces=replaces: _prepare_request(
            replica, origin, kid, account, role, replaces))  # fmt: skip
        if data is None:
            continue
        try:
            result = link.submit([data])[0]
        except Cancelled:
            raise
        except SyncError:
            on_db(lambda kid=kid: replica.anchors.request_sent(kid, None))
            return

        def record(kid: bytes = kid, result: SubmitResult = result) -> None:
            with replica.transaction():
                if not result.ok:
                    replica.anchors.request_sent(kid, None)
                replica.audit.append(
                    "account.enrolment_request", "sent" if result.ok else f"refused: {result.code}", {"kid": kid}
                )

        on_db(record)


def _prepare_request(
    replica: Replica, origin: str, kid: bytes, account: str, role: str, replaces: bytes | None
) -> bytes | None:
    """Sign one enrolment request and mark it sent (database thread); None if its public key is not held."""
    held = replica.anchors.public_key(kid)
    if held is None:
        return None
    suite, public_key = held
    body: dict[str, object] = {
        "kid": kid,
        "suite": suite,
        "public_key": public_key,
        "role": role,
        "subject": f"{replica.info.name}/{account}",
    }
    if replaces is not None:
        body["replaces"] = replaces
    data = sign_entry(Entry(origin, REQUEST_TYPE, replica.session.now_ms(), replica.device_kid, body),
                      replica.device_signer)  # fmt: skip
    with replica.transaction():
        replica.anchors.request_sent(kid, hash_leaf(data))
    return data


class RestoreWatch:
    """During one pull: notice entries signed by this office's own keys that the replica does not hold."""

    def __init__(self, replica: Replica, origin: str) -> None:
        self._replica = replica
        self._origin = origin
        self.own = replica.anchors.own_kids()
        self.unknown: list[bytes] = []

    def is_own(self, signed: SignedEntry) -> bool:
        """True if one of this office's keys signed the entry."""
        return signed.kid in self.own

    def see(self, index: int, signed: SignedEntry) -> None:
        """Check one verified entry before it is applied (inside the pull's transaction)."""
        if signed.kid not in self.own or self._replica.anchors.known_entry(signed.leaf_hash):
            return
        self.unknown.append(signed.leaf_hash)
        if signed.entry.type == ANCHOR_TYPE:
            body = signed.entry.body
            self._replica.anchors.put(
                Anchor(signed.leaf_hash, self._origin, index, signed.entry.time, body["count"], body["head"])
            )

    def raise_alarm(self) -> sync_state.ClerkTask | None:
        """After the pull's transaction: record the alarm once per pull that found unknown entries."""
        if not self.unknown:
            return None
        with self._replica.transaction():
            sync_state.add_task(self._replica, self.unknown[0], self._origin, "integrity", RESTORED_CODE, None,
                           RESTORED_WHAT.format(count=len(self.unknown)), RESTORED_ADVICE)  # fmt: skip
            self._replica.audit.append("sync.office_restored", "alarm", {"log": self._origin,
                                       "entries": len(self.unknown)})  # fmt: skip
        return next((t for t in sync_state.open_tasks(self._replica) if t.leaf_hash == self.unknown[0]), None)
