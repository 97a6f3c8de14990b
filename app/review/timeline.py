"""The day's actions in one timeline: the local audit trail merged with the ledger entries this office wrote.

Successful case steps live as signed entries (outbox and case_steps), refusals, verdicts, lookups and
logins in the audit trail; a supervisor sees both, in time order, with the clerk and service of each.
Sync's tables (fork evidence, clerk tasks), when the replica has them, are read for alarms and refusals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import cbor2

from app.ledger.entry import decode_entry
from app.ledger.errors import LedgerError
from app.review.thresholds import ReviewThresholds
from app.store import review_records
from app.store.audit import MAX_DETAIL
from app.store.errors import InvalidInput
from app.store.session import Session

DAY_MS = 86_400_000
LEDGER = "ledger"
AUDIT = "audit"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Action:
    """One thing that happened: an audit record or a ledger entry written at this office."""

    at_ms: int
    source: str  # AUDIT or LEDGER
    ref: str  # the audit record's seq, or the entry's hash in hex
    account: str
    action: str  # e.g. "cert.verify", "login.failed", "case.step"
    result: str  # the audit result, or the step of a case.step entry
    case: str = ""
    service: str = ""
    verdict: str = ""  # the certificate status of a cert.verify record
    detail: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One ledger entry written at this office: where it goes and whether its log has included it."""

    leaf_hash: bytes
    origin: str
    enqueued_ms: int
    acked_ms: int | None
    index: int | None
    proof: bytes | None
    account: str
    service: str
    entry_type: str
    set_aside_ms: int | None = None  # a refused entry a supervisor set aside: it no longer waits to be sent

    @property
    def pending(self) -> bool:
        """True while the entry waits to be sent or acknowledged (not once acknowledged or set aside)."""
        return self.acked_ms is None and self.set_aside_ms is None


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """What the review needs of a case: its service, who opened it and when."""

    service: str
    opener: str
    opened_ms: int | None


@dataclass(frozen=True, slots=True)
class SyncAlarm:
    """A fork kept as evidence by sync, or a refusal a node returned for an entry."""

    at_ms: int
    kind: str  # "fork" or "refusal"
    origin: str
    account: str
    text: str
    ref: str


@dataclass
class Period:
    """Every record of a stretch of days, read once, for figures, anomalies and the timeline."""

    office: str
    first_day: date
    days: int
    start_ms: int
    end_ms: int
    now_ms: int
    thresholds: ReviewThresholds
    actions: list[Action]
    outbox: list[OutboxItem]
    cases: dict[str, CaseInfo]
    roles: dict[str, str]  # account name -> role, for this office's accounts
    contacts: list[int]  # times a node answered (checkpoints fetched, entries acknowledged)
    alarms: list[SyncAlarm]

    @property
    def last_day(self) -> date:
        """The period's last day."""
        return self.first_day + timedelta(days=self.days - 1)

    def local_minute(self, at_ms: int) -> int:
        """Return the minute of the local day (0-1439) at which `at_ms` falls."""
        return ((at_ms // 60_000) + self.thresholds.utc_offset_minutes) % (24 * 60)

    def local_time(self, at_ms: int) -> datetime:
        """Return `at_ms` as a local (office time zone) datetime."""
        return datetime.fromtimestamp(at_ms / 1000, UTC) + timedelta(minutes=self.thresholds.utc_offset_minutes)


def parse_day(text: str) -> date:
    """Return the date of a YYYY-MM-DD text, or raise InvalidInput."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise InvalidInput("a day is written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a day (YYYY-MM-DD)") from None


def day_start_ms(day: date, thresholds: ReviewThresholds) -> int:
    """Return the UTC milliseconds of local midnight starting `day`."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return int(midnight.timestamp() * 1000) - thresholds.utc_offset_minutes * 60_000


def _decode_detail(raw: bytes) -> dict:
    # The detail was written by our deterministic encoder and is pinned by the audit chain (verified by the
    # integrity panel), so the fast C decoder reads it; anything it cannot read is shown as undecodable.
    if len(raw) > MAX_DETAIL:
        return {"undecodable": True}
    try:
        value = cbor2.loads(raw)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError):
        return {"undecodable": True}
    return value if isinstance(value, dict) else {}


def load_period(
    session: Session, office: str, first_day: date, days: int, thresholds: ReviewThresholds, now_ms: int
) -> Period:
    """Read every audit record, entry, case, contact and sync alarm of `days` local days from `first_day`."""
    if not 1 <= days <= 366:
        raise InvalidInput("a review covers 1 to 366 days")
    start = day_start_ms(first_day, thresholds)
    end = start + days * DAY_MS
    accounts = review_records.account_keys(session)
    roles = {name: role for name, role, _ in accounts}
    by_kid = {kid: name for name, _, kid in accounts}
    for kid, subject in review_records.key_subjects(session):
        by_kid.setdefault(kid, subject)

    audit_rows = review_records.audit_between(session, start, end)
    ledger_rows = review_records.outbox_between(session, start, end)

    cases: dict[str, CaseInfo] = {}
    actions: list[Action] = []
    outbox: list[OutboxItem] = []
    for leaf, origin, enq, acked, idx, proof, case_id, step, signer, service, opened, data, aside in ledger_rows:
        ref = leaf.hex()
        if case_id is not None:
            account = by_kid.get(signer, signer.hex())
            service = service or ""
            actions.append(Action(enq, LEDGER, ref, account, "case.step", step, case_id, service))
            outbox.append(OutboxItem(leaf, origin, enq, acked, idx, proof, account, service, "case.step", aside))
            if step == "open":
                cases[case_id] = CaseInfo(service, account, opened)
            continue
        try:
            signed = decode_entry(data)
            etype, account = signed.entry.type, by_kid.get(signed.kid, signed.kid.hex())
            body = dict(signed.entry.body)
        except LedgerError:
            etype, account, body = "undecodable", "", {}
        label = str(body.get("day") or body.get("consent_id") or body.get("request_id") or body.get("serial") or "")
        actions.append(Action(enq, LEDGER, ref, account, etype, label, detail=body))
        outbox.append(OutboxItem(leaf, origin, enq, acked, idx, proof, account, "", etype, aside))

    decoded = []
    wanted: set[str] = set()
    for seq, at_ms, account, action, result, raw in audit_rows:
        detail = _decode_detail(raw)
        case = detail.get("case")
        case = case if isinstance(case, str) else ""
        if case and case not in cases:
            wanted.add(case)
        decoded.append((seq, at_ms, account, action, result, detail, case))
    _fill_cases(session, cases, wanted, by_kid)
    for seq, at_ms, account, action, result, detail, case in decoded:
        service = detail.get("service")
        if not isinstance(service, str):
            service = cases[case].service if case in cases else ""
        verdict = result if action == "cert.verify" else ""
        actions.append(Action(at_ms, AUDIT, str(seq), account, action, result, case, service, verdict, detail))
    actions.sort(key=lambda a: (a.at_ms, a.source, a.ref))

    margin = thresholds.offline_gap_minutes * 60_000
    contacts = sorted(review_records.contact_times(session, start - margin, end + margin))
    alarms = _sync_alarms(session, start, end, {o.leaf_hash: o.account for o in outbox})
    return Period(office, first_day, days, start, end, now_ms, thresholds, actions, outbox, cases, roles, contacts,
                  alarms)  # fmt: skip


def _fill_cases(session: Session, cases: dict[str, CaseInfo], wanted: set[str], by_kid: dict[bytes, str]) -> None:
    """Look up service and opener of the cases the audit records name."""
    ids = sorted(wanted)
    for case_id, service, opened, signer in review_records.ledger_case_openings(session, ids):
        cases[case_id] = CaseInfo(service, by_kid.get(signer, "") if signer else "", opened)
    for case_ref, service, opened, clerk in review_records.local_case_openings(session, ids):
        if case_ref not in cases:
            cases[case_ref] = CaseInfo(service, clerk, opened)


def _sync_alarms(session: Session, start: int, end: int, accounts: dict[bytes, str]) -> list[SyncAlarm]:
    alarms = []
    for ident, origin, reason, at in review_records.fork_alarms_between(session, start, end):
        alarms.append(SyncAlarm(at, "fork", origin, "", reason, f"evidence {ident}"))
    for leaf, origin, kind, code, what, at in review_records.refusal_tasks_between(session, start, end):
        alarms.append(SyncAlarm(at, "refusal", origin, accounts.get(leaf, ""), f"{kind} {code}: {what}", leaf.hex()))
    return alarms
