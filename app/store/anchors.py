"""The audit-chain anchors of this office on its department's log, and the keys this office signs with.

An anchor is an `audit.anchor` entry (record count and chain hash of the local audit trail, no personal
data) signed by the device key and sequenced on the department log at each sync (app/sync/anchor.py).
The replica remembers every anchor it pushed or found on the log, so the local trail can be compared with
what the department holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.store import inputs, roles
from app.store.findings import Finding
from app.store.session import Session


@dataclass(frozen=True)
class Anchor:
    """One anchor of this office's audit trail on a department log."""

    leaf_hash: bytes
    origin: str
    index: int | None
    time_ms: int
    audit_count: int
    audit_head: bytes


class AnchorStore:
    """Anchors pushed or found on the log, the device's department, and this office's own signing keys."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def put(self, anchor: Anchor) -> bool:
        """Remember an anchor (inside the caller's transaction, if any); return True if it was not known."""
        self._s.require(roles.SYNC)
        cur = self._s.execute(
            "INSERT OR IGNORE INTO audit_anchors(leaf_hash, origin, idx, time_ms, audit_count, audit_head) "
            "VALUES (?,?,?,?,?,?)",
            (
                inputs.blob(anchor.leaf_hash, "leaf_hash", size=32),
                inputs.text(anchor.origin, "origin", max_len=256),
                inputs.integer(anchor.index, "index", optional=True),
                inputs.integer(anchor.time_ms, "time_ms"),
                inputs.integer(anchor.audit_count, "audit_count"),
                inputs.blob(anchor.audit_head, "audit_head", max_len=64),
            ),
        )
        return cur.rowcount == 1

    def sequenced(self, leaf_hash: bytes, index: int) -> None:
        """Record the index the node gave an anchor this office sent."""
        self._s.require(roles.SYNC)
        self._s.execute("UPDATE audit_anchors SET idx = ? WHERE leaf_hash = ?", (inputs.integer(index, "index"),
                                                                                 leaf_hash))  # fmt: skip

    def latest(self) -> Anchor | None:
        """Return the anchor with the most audit records (the newest), or None."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT leaf_hash, origin, idx, time_ms, audit_count, audit_head FROM audit_anchors "
            "ORDER BY audit_count DESC, time_ms DESC LIMIT 1"
        )
        return Anchor(*row) if row else None

    def all(self) -> list[Anchor]:
        """Return every anchor, oldest first."""
        self._s.require(roles.READ)
        rows = self._s.all(
            "SELECT leaf_hash, origin, idx, time_ms, audit_count, audit_head FROM audit_anchors "
            "ORDER BY audit_count, time_ms"
        )
        return [Anchor(*row) for row in rows]

    def first_audit_ms(self) -> int | None:
        """Return when the local audit trail's first record was written, or None for an empty trail."""
        self._s.require(roles.READ)
        row = self._s.one("SELECT min(at_ms) FROM audit")
        return row[0] if row else None

    def audit_hash(self, seq: int) -> bytes | None:
        """Return the chain hash of local audit record `seq`, or None if the trail has no such record."""
        row = self._s.one("SELECT hash FROM audit WHERE seq = ?", (inputs.integer(seq, "seq"),))
        return row[0] if row else None

    def device_logs(self) -> set[str]:
        """Return the logs of the departments this office's device is enrolled with (not revoked)."""
        rows = self._s.all(
            "SELECT department FROM registry_devices WHERE kid = ? AND revoked_at_ms IS NULL", (self._s.device_kid,)
        )
        return {row[0] for row in rows}

    def own_kids(self) -> set[bytes]:
        """Return every key id this office signs or signed with: the device, each account's key, retired keys."""
        rows = self._s.all("SELECT kid FROM accounts UNION SELECT kid FROM retired_keys")
        return {row[0] for row in rows} | {self._s.device_kid}

    def known_entry(self, leaf_hash: bytes) -> bool:
        """True if the replica holds this entry (kept from the log, queued in the outbox, or a case step)."""
        for table in ("log_entries", "outbox", "case_steps"):
            if self._s.one(f"SELECT 1 FROM {table} WHERE leaf_hash = ?", (leaf_hash,)):
                return True
        if self._s.one("SELECT 1 FROM enrolment_requests WHERE leaf_hash = ?", (leaf_hash,)):
            return True
        return bool(self._s.one("SELECT 1 FROM audit_anchors WHERE leaf_hash = ?", (leaf_hash,)))

    def pending_requests(self) -> list[tuple[bytes, str, str, bytes | None, int]]:
        """Return the enrolment requests not yet sent: (kid, account, role, replaced kid, requested time)."""
        return self._s.all(
            "SELECT kid, account, role, replaces, requested_ms FROM enrolment_requests WHERE leaf_hash IS NULL "
            "ORDER BY requested_ms"
        )

    def request_sent(self, kid: bytes, leaf_hash: bytes | None) -> None:
        """Record that the enrolment request for `kid` went out as the entry `leaf_hash`."""
        self._s.execute("UPDATE enrolment_requests SET leaf_hash = ? WHERE kid = ?", (leaf_hash, kid))

    def public_key(self, kid: bytes) -> tuple[str, bytes] | None:
        """Return (suite, public key) of an account key of this office, or None."""
        return self._s.one("SELECT suite, public_key FROM accounts WHERE kid = ?", (kid,))

    def requested_not_enrolled(self) -> set[bytes]:
        """Return the key ids of this office's enrolment requests that the registry does not hold yet."""
        rows = self._s.all(
            "SELECT q.kid FROM enrolment_requests q LEFT JOIN registry_keys r ON r.kid = q.kid WHERE r.kid IS NULL"
        )
        return {row[0] for row in rows}

    def waiting_for_enrolment(self) -> set[bytes]:
        """Return the account key ids of this office that the registry does not know yet."""
        rows = self._s.all(
            "SELECT a.kid FROM accounts a LEFT JOIN registry_keys r ON r.kid = a.kid "
            "WHERE a.status = 'active' AND r.kid IS NULL"
        )
        return {row[0] for row in rows}


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def anchor_problems(anchors: AnchorStore, head_seq: int) -> list[str]:
    """Return, in plain words, how a local audit trail ending at `head_seq` disagrees with its anchors."""
    for anchor in anchors.all():
        if anchor.audit_count > head_seq:
            return [Finding(
                "anchor_cut", f"the local audit trail ends at record {head_seq}, but the department log holds an "
                f"anchor of {anchor.audit_count} records made {_when(anchor.time_ms)}: records were removed, or an "
                "older copy of the office was restored", head=head_seq, count=anchor.audit_count,
                when_ms=anchor.time_ms,
            )]  # fmt: skip
        if anchors.audit_hash(anchor.audit_count) != anchor.audit_head:
            return [Finding(
                "anchor_rewritten", f"audit record {anchor.audit_count} differs from the one anchored on the "
                f"department log {_when(anchor.time_ms)}: the local audit trail was rewritten",
                count=anchor.audit_count, when_ms=anchor.time_ms,
            )]  # fmt: skip
    return []


@dataclass(frozen=True)
class AnchorWindow:
    """How much of the local audit trail the department log does not vouch for yet."""

    anchored_records: int
    unanchored_records: int
    since_ms: int | None  # when the newest anchor was made (None: never anchored)
    age_ms: int  # how long the newest records have waited for an anchor


def anchor_window(anchors: AnchorStore, head_seq: int, first_record_ms: int | None, now_ms: int) -> AnchorWindow:
    """Return the offline anchoring window: records since the newest anchor and how long they have waited."""
    latest = anchors.latest()
    if latest is None:
        return AnchorWindow(0, head_seq, None, max(0, now_ms - (first_record_ms or now_ms)))
    return AnchorWindow(
        latest.audit_count, max(0, head_seq - latest.audit_count), latest.time_ms, max(0, now_ms - latest.time_ms)
    )
